"""Scenario files: reading their text (parsing is :func:`borderflow.sim.parse_scenario`).

The data layer reads the file and the kernel parses the text, so the kernel never touches
the file system and the data layer never depends on the kernel.
"""

from __future__ import annotations

from pathlib import Path

from borderflow.data.errors import DataFormatError


def read_scenario_text(path: Path | str) -> str:
    """Return the text of a scenario file (UTF-8 TOML, ``docs/scenario-format.md``).

    Parameters
    ----------
    path
        The scenario file.

    Raises
    ------
    DataFormatError
        If the file cannot be read, or is not UTF-8 (the message gives the line and the
        offending byte).
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DataFormatError(p, f"cannot read scenario file: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise DataFormatError(
            p, f"not UTF-8 text (byte 0x{bad}); save the file as UTF-8", line=line
        ) from None


__all__ = ["read_scenario_text"]
