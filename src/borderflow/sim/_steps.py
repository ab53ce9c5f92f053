"""Step functions of time: queue lengths, busy and open booths built from +-1 events.

A :class:`StepFunction` is right-continuous and piecewise constant; its integral over an
hour (the time average times 60) and its maximum are computed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]


def _is_sorted(x: FloatArray) -> bool:
    return bool(x.size < 2 or np.all(x[1:] >= x[:-1]))


@dataclass(frozen=True)
class StepFunction:
    """A right-continuous step function: ``value[j]`` on ``[time[j], time[j+1])``, 0 before."""

    time: FloatArray
    value: FloatArray

    @staticmethod
    def from_steps(times: FloatArray, steps: FloatArray) -> StepFunction:
        """Build from signed steps; at equal times the decreases are applied first.

        Decreases first means intermediate values at an instant never exceed the value
        after all of the instant's steps, so the path maximum is not inflated by a vehicle
        that arrives and starts at the same moment.
        """
        order = np.lexsort((steps, times))  # by time, then the most negative step first
        return StepFunction(times[order], np.cumsum(steps[order]))

    @staticmethod
    def up_down(
        up: FloatArray, down: FloatArray, weights: list[tuple[FloatArray, FloatArray]]
    ) -> list[StepFunction]:
        """Paths that rise at times ``up`` and fall at times ``down``, one per weight pair.

        ``weights`` holds ``(w_up, w_down)`` pairs (non-negative step sizes). The event
        order (by time, falls first at equal times) is computed once and shared.
        """
        ou = None if _is_sorted(up) else np.argsort(up, kind="stable")
        od = None if _is_sorted(down) else np.argsort(down, kind="stable")
        u = up if ou is None else up[ou]
        d = down if od is None else down[od]
        # Merge two sorted sequences by rank; falls precede rises at equal times.
        pu = np.arange(u.size) + np.searchsorted(d, u, side="right")
        pd = np.arange(d.size) + np.searchsorted(u, d, side="left")
        t = np.empty(u.size + d.size)
        t[pu] = u
        t[pd] = d
        out = []
        for w_up, w_down in weights:
            steps = np.empty(t.size)
            steps[pu] = w_up if ou is None else w_up[ou]
            steps[pd] = -(w_down if od is None else w_down[od])
            out.append(StepFunction(t, np.cumsum(steps)))
        return out

    def integral(self, edges: FloatArray) -> FloatArray:
        """Integral over each interval ``[edges[i], edges[i+1])`` [value × minutes]."""
        t, v = self.time, self.value
        if t.size == 0:
            return np.zeros(edges.size - 1)
        # Cumulative integral at each event time, then at the edges.
        cum = np.concatenate(([0.0], np.cumsum(v[:-1] * np.diff(t))))
        j = np.searchsorted(t, edges, side="right") - 1
        safe = np.maximum(j, 0)
        at_edges = np.where(j >= 0, cum[safe] + v[safe] * (edges - t[safe]), 0.0)
        out: FloatArray = np.diff(at_edges)
        return out

    def value_at(self, x: FloatArray) -> FloatArray:
        """Value just after all steps at or before each ``x`` (0 before the first)."""
        if self.time.size == 0:  # no step at all (e.g. a lane type nobody used): 0 always
            return np.zeros(np.shape(x))
        j = np.searchsorted(self.time, x, side="right") - 1
        return np.where(j >= 0, self.value[np.maximum(j, 0)], 0.0)

    def maximum(self, edges: FloatArray) -> FloatArray:
        """Maximum over each interval ``[edges[i], edges[i+1])``."""
        carried = self.value_at(edges[:-1])
        lo = np.searchsorted(self.time, edges[:-1], side="left")
        hi = np.searchsorted(self.time, edges[1:], side="left")
        out = carried.copy()
        nonempty = hi > lo
        vals = self.value[: int(hi[-1])] if hi.size else self.value[:0]
        if np.any(nonempty) and vals.size:
            # reduceat sums [lo[i], lo[i+1]) and lo[i+1] == hi[i]; the last runs to vals' end.
            seg_max = np.maximum.reduceat(vals, np.minimum(lo, vals.size - 1))
            out[nonempty] = np.maximum(out[nonempty], seg_max[nonempty])
        return out


__all__ = ["StepFunction"]
