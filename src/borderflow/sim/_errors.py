"""Errors raised by the simulation kernel."""

from __future__ import annotations


class SpecError(ValueError):
    """An invalid port specification.

    The message names the field path and the offending value, e.g.
    ``classes[1].rate_per_hour[5] = -3.0: rates must be finite and >= 0``.
    """

    def within(self, prefix: str) -> SpecError:
        """Return the same error with ``prefix`` (e.g. ``"classes[1]"``) before its path."""
        msg = str(self)
        sep = "" if msg.startswith("[") else "."
        return SpecError(f"{prefix}{sep}{msg}")


class ScenarioTooLargeError(SpecError):
    """A specification whose replication would not fit in memory (too many vehicles)."""


__all__ = ["ScenarioTooLargeError", "SpecError"]
