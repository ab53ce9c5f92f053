"""One memo for what a port specification fixes (compiled port, draw and metric plans)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from borderflow.sim._spec import PortSpec

__all__ = ["LastSpecMemo"]

T = TypeVar("T")


class LastSpecMemo(Generic[T]):
    """``make(spec)``, remembered for the last spec object seen.

    simulate() and planning sweeps run many replications of one spec, so what the spec
    alone fixes is derived once. Keyed on identity (specs are frozen); the entry keeps
    the spec alive so its id cannot be reused, and it is one tuple, read and replaced
    whole, so threads never see a spec paired with another spec's value. No result
    depends on it: a miss recomputes the same value.
    """

    def __init__(self, make: Callable[[PortSpec], T]) -> None:
        self._make = make
        self._last: tuple[PortSpec, T] | None = None

    def __call__(self, spec: PortSpec) -> T:
        last = self._last
        if last is not None and last[0] is spec:
            return last[1]
        value = self._make(spec)
        self._last = (spec, value)
        return value
