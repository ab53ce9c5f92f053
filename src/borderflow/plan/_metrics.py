"""Lean per-replication figures for planning (what-ifs, the optimiser, sweeps).

Computed straight from the per-vehicle records, with the kernel's conventions: waits by
hour of arrival [minutes]; the delay of a vehicle never started (``drain = false``) is
censored at the end of the horizon.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim import BoothSchedule, PortSpec, VehicleRecords
from borderflow.vocab import LANE_TYPES

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: Whole-day figures of one replication (names of :func:`summary_metrics`).
SUMMARY_FIGURES: tuple[str, ...] = (
    "vehicles",
    "mean_wait_min",
    "p90_wait_min",
    "p95_wait_min",
    "max_wait_min",
    "vehicle_hours_delay",
    "waiting_at_end",
    "booth_hours",
)
#: Hourly figures per lane type (names of :func:`hourly_metrics`).
HOURLY_FIGURES: tuple[str, ...] = ("vehicles", "mean_wait_min", "p90_wait_min")


def booth_hours(spec: PortSpec) -> float:
    """Scheduled booth-hours of the horizon (queue-triggered groups count ``min_booths``)."""
    total = 0.0
    for g in spec.lane_groups:
        st = g.staffing
        if isinstance(st, BoothSchedule):
            total += sum(st.per_hour(spec.horizon_hours))
        else:
            total += st.min_booths * spec.horizon_hours
    return total


def _waits(spec: PortSpec, rec: VehicleRecords) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Arrival, wait (NaN if never started) and delay (censored) of joined vehicles."""
    joined = rec.group_index >= 0
    if joined.all():  # the usual case: skip the copies
        arr, wait = rec.arrival_min, rec.start_min - rec.arrival_min
    else:
        arr = rec.arrival_min[joined]
        wait = rec.start_min[joined] - arr
    if spec.drain and not np.isnan(wait).any():
        return arr, wait, wait
    delay = np.where(np.isnan(wait), 60.0 * spec.horizon_hours - arr, wait)
    return arr, wait, delay


def summary_metrics(spec: PortSpec, rec: VehicleRecords) -> dict[str, float]:
    """Whole-run figures of one replication (see :data:`SUMMARY_FIGURES`).

    Parameters
    ----------
    spec : PortSpec
        The simulated port.
    rec : VehicleRecords
        Its records.

    Returns
    -------
    dict of str to float
        Vehicles; mean, p90, p95 and max wait of started vehicles [minutes];
        vehicle-hours of delay; vehicles still waiting at the end; booth-hours.
    """
    _, wait, delay = _waits(spec, rec)
    w = wait[~np.isnan(wait)]
    if w.size:
        p90, p95 = np.percentile(w, (90.0, 95.0))
        mean, mx = float(w.mean()), float(w.max())
    else:
        p90 = p95 = mean = mx = np.nan
    return {
        "vehicles": float(wait.size),
        "mean_wait_min": mean,
        "p90_wait_min": float(p90),
        "p95_wait_min": float(p95),
        "max_wait_min": mx,
        "vehicle_hours_delay": float(delay.sum() / 60.0),
        "waiting_at_end": float(np.isnan(wait).sum()),
        "booth_hours": booth_hours(spec),
    }


def hourly_metrics(
    spec: PortSpec, rec: VehicleRecords, lane_types: tuple[str, ...]
) -> dict[str, FloatArray]:
    """Hourly figures by hour of arrival and lane type, plus a last column for all lanes.

    Parameters
    ----------
    spec : PortSpec
        The simulated port.
    rec : VehicleRecords
        Its records.
    lane_types : tuple of str
        Columns (lane types absent from ``spec`` get 0 vehicles and NaN waits).

    Returns
    -------
    dict of str to ndarray, each (horizon_hours, len(lane_types) + 1)
        ``vehicles``, ``mean_wait_min`` and ``p90_wait_min`` [minutes] (NaN where no
        vehicle started).
    """
    H = spec.horizon_hours
    T = len(lane_types)
    joined = rec.group_index >= 0
    arr, wait, _ = _waits(spec, rec)
    lt_of_group = np.array(
        [
            lane_types.index(LANE_TYPES[i]) if LANE_TYPES[i] in lane_types else -1
            for i in spec.group_lane_type
        ],
        dtype=np.int64,
    )
    col = lt_of_group[rec.group_index[joined]]
    hour = np.minimum((arr // 60.0).astype(np.int64), H - 1)
    count = np.zeros((H, T + 1))
    mean = np.full((H, T + 1), np.nan)
    p90 = np.full((H, T + 1), np.nan)
    np.add.at(count, (hour[col >= 0], col[col >= 0]), 1.0)
    count[:, T] = np.bincount(hour, minlength=H)
    started = ~np.isnan(wait)
    for j in range(T + 1):
        m = started if j == T else started & (col == j)
        h, w = hour[m], wait[m]
        if not w.size:
            continue
        order = np.lexsort((w, h))
        h, w = h[order], w[order]
        n = np.bincount(h, minlength=H)
        mean[:, j] = np.where(n > 0, np.bincount(h, w, minlength=H) / np.maximum(n, 1), np.nan)
        starts = np.concatenate(([0], np.cumsum(n)[:-1]))
        has = n > 0
        pos = (n[has] - 1) * 0.9  # numpy's default (linear) percentile
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n[has] - 1)
        a, b = w[starts[has] + lo], w[starts[has] + hi]
        p90[has, j] = a + (b - a) * (pos - lo)
    return {"vehicles": count, "mean_wait_min": mean, "p90_wait_min": p90}


def mean_delay_min(spec: PortSpec, rec: VehicleRecords) -> float:
    """Mean delay per vehicle [minutes] (censored at the horizon end if never started)."""
    _, _, delay = _waits(spec, rec)
    return float(delay.mean()) if delay.size else 0.0


__all__ = [
    "HOURLY_FIGURES",
    "SUMMARY_FIGURES",
    "booth_hours",
    "hourly_metrics",
    "mean_delay_min",
    "summary_metrics",
]
