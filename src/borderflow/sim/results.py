"""Results of a simulation: hourly tables per lane type, daily figures, confidence intervals.

Pure numpy (pyarrow only to build the per-vehicle table on request). Every path quantity
(queue length, busy and open booths) is a piecewise-constant function of time built from
±1 events, and its time average over an hour is integrated exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import stats

from borderflow.sim.records import VehicleRecords
from borderflow.sim.spec import LANE_TYPES, BoothSchedule, PortSpec, QueueTrigger

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

#: Hourly metrics per (hour, lane type); waits by hour of arrival, the rest by clock hour.
HOURLY_METRICS: tuple[str, ...] = (
    "count",
    "mean_wait_min",
    "p50_wait_min",
    "p90_wait_min",
    "p95_wait_min",
    "max_wait_min",
    "waiting_at_end",
    "queue_mean_veh",
    "queue_max_veh",
    "queue_mean_km",
    "queue_max_km",
    "throughput_per_h",
    "utilisation",
)
#: Per clock hour, the total waiting queue of all primary lanes against the storage.
STORAGE_METRICS: tuple[str, ...] = (
    "total_queue_mean_veh",
    "total_queue_max_veh",
    "total_queue_max_m",
    "minutes_over_storage",
    "max_excess_veh",
    "max_excess_m",
)
#: Per day and lane type (plus "all").
DAILY_METRICS: tuple[str, ...] = (
    "vehicle_hours_delay",
    "hours_mean_wait_over_30",
    "hours_mean_wait_over_60",
)
#: Whole-run figures.
SUMMARY_METRICS: tuple[str, ...] = (
    "vehicles",
    "mean_wait_min",
    "p95_wait_min",
    "max_wait_min",
    "vehicle_hours_delay",
    "waiting_at_end",
    "mean_secondary_wait_min",
    "last_departure_min",
)


# ---- paths: piecewise-constant functions of time -----------------------------------------


def _is_sorted(x: FloatArray) -> bool:
    return bool(x.size < 2 or np.all(x[1:] >= x[:-1]))


@dataclass(frozen=True)
class Path:
    """A right-continuous step function: ``value[j]`` on ``[time[j], time[j+1])``, 0 before."""

    time: FloatArray
    value: FloatArray

    @staticmethod
    def from_steps(times: FloatArray, steps: FloatArray) -> Path:
        """Build from signed steps; at equal times the decreases are applied first.

        Decreases first means intermediate values at an instant never exceed the value
        after all of the instant's steps, so the path maximum is not inflated by a vehicle
        that arrives and starts at the same moment.
        """
        order = np.lexsort((steps, times))  # by time, then the most negative step first
        return Path(times[order], np.cumsum(steps[order]))

    @staticmethod
    def up_down(
        up: FloatArray, down: FloatArray, weights: list[tuple[FloatArray, FloatArray]]
    ) -> list[Path]:
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
            out.append(Path(t, np.cumsum(steps)))
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


# ---- one replication ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReplicationMetrics:
    """Metrics of one replication (arrays indexed by hour, lane-type position, day)."""

    hourly: dict[str, FloatArray]  # each (H, T)
    storage: dict[str, FloatArray]  # each (H,)
    daily: dict[str, FloatArray]  # each (D, T + 1); last column = all lane types
    summary: dict[str, float]


def lane_types_of(spec: PortSpec) -> tuple[str, ...]:
    """Lane types that have at least one lane group, in lane-type order."""
    present = {g.lane_type for g in spec.lane_groups}
    return tuple(lt for lt in LANE_TYPES if lt in present)


def _grouped_percentiles(
    key: IntArray, values: FloatArray, n_keys: int, qs: tuple[float, ...]
) -> FloatArray:
    """Percentiles (numpy's default linear interpolation) of ``values`` grouped by ``key``.

    Returns shape (len(qs), n_keys), NaN for empty groups.
    """
    # Sort by value, then stably by group key (radix sort when the keys fit in 16 bits).
    order = np.argsort(values, kind="stable")
    k = key[order]
    if n_keys <= np.iinfo(np.uint16).max:
        k = k.astype(np.uint16)
    order = order[np.argsort(k, kind="stable")]
    v = values[order]
    counts = np.bincount(key, minlength=n_keys)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full((len(qs), n_keys), np.nan)
    has = counts > 0
    for i, q in enumerate(qs):
        pos = (counts[has] - 1) * q
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, counts[has] - 1)
        frac = pos - lo
        a = v[starts[has] + lo]
        b = v[starts[has] + hi]
        out[i, has] = a + (b - a) * frac
    return out


def _open_booth_minutes(
    spec: PortSpec, rec: VehicleRecords, g: int, edges: FloatArray
) -> FloatArray:
    """Open booth-minutes of group ``g`` in each clock-hour interval."""
    st = spec.lane_groups[g].staffing
    if isinstance(st, BoothSchedule):
        return np.asarray(st.per_hour(spec.horizon_hours), dtype=np.float64) * 60.0
    assert isinstance(st, QueueTrigger)
    ch = rec.staffing_changes
    mask = ch.group == g
    times = np.concatenate(([0.0], ch.time_min[mask]))
    counts = np.concatenate(([st.min_booths], ch.open[mask])).astype(np.float64)
    # Changes are listed in event order, so times are already non-decreasing.
    return Path(times, counts).integral(edges)


def replication_metrics(spec: PortSpec, rec: VehicleRecords) -> ReplicationMetrics:
    """Compute the metrics of one replication from its per-vehicle records.

    Parameters
    ----------
    spec : PortSpec
        The port that was simulated.
    rec : VehicleRecords
        Its per-vehicle records.

    Returns
    -------
    ReplicationMetrics
        Hourly (per lane type), storage (per clock hour), daily and whole-run figures;
        waits in minutes, queues in vehicles and km, throughput in vehicles/hour.
    """
    H = spec.horizon_hours
    D = math.ceil(H / 24)
    lts = lane_types_of(spec)
    T = len(lts)
    pos_of_lt = {LANE_TYPES.index(lt): j for j, lt in enumerate(lts)}
    group_pos = np.array([pos_of_lt[g.lane_type_index] for g in spec.lane_groups], dtype=np.int64)
    edges = 60.0 * np.arange(H + 1, dtype=np.float64)
    horizon_end = 60.0 * H

    joined = rec.group_index >= 0
    arr = rec.arrival_min[joined]
    start = rec.start_min[joined]
    end = rec.end_min[joined]
    gidx = rec.group_index[joined]
    tpos = group_pos[gidx]
    length_km = spec.vehicle_lengths_m[rec.class_index[joined]] / 1000.0
    started = ~np.isnan(start)
    wait = start - arr
    hour = np.minimum((arr // 60.0).astype(np.int64), H - 1)
    key = hour * T + tpos

    hourly: dict[str, FloatArray] = {}
    n_keys = H * T
    hourly["count"] = np.bincount(key, minlength=n_keys).astype(np.float64).reshape(H, T)
    ks = key[started]
    ws = wait[started]
    served = np.bincount(ks, minlength=n_keys).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        hourly["mean_wait_min"] = (np.bincount(ks, ws, minlength=n_keys) / served).reshape(H, T)
    pct = _grouped_percentiles(ks, ws, n_keys, (0.5, 0.9, 0.95, 1.0))
    hourly["p50_wait_min"] = pct[0].reshape(H, T)
    hourly["p90_wait_min"] = pct[1].reshape(H, T)
    hourly["p95_wait_min"] = pct[2].reshape(H, T)
    hourly["max_wait_min"] = pct[3].reshape(H, T)
    hourly["waiting_at_end"] = (
        np.bincount(key[~started], minlength=n_keys).astype(np.float64).reshape(H, T)
    )

    # Queue paths per lane type: +1 at arrival, -1 at start.
    q_mean = np.zeros((H, T))
    q_max = np.zeros((H, T))
    km_mean = np.zeros((H, T))
    km_max = np.zeros((H, T))
    thr = np.zeros((H, T))
    util = np.full((H, T), np.nan)
    for j in range(T):
        m = tpos == j
        ms = m & started
        n_up, n_down = int(m.sum()), int(ms.sum())
        path, kpath = Path.up_down(
            arr[m],
            start[ms],
            [(np.ones(n_up), np.ones(n_down)), (length_km[m], length_km[ms])],
        )
        q_mean[:, j] = path.integral(edges) / 60.0
        q_max[:, j] = path.maximum(edges)
        km_mean[:, j] = kpath.integral(edges) / 60.0
        km_max[:, j] = kpath.maximum(edges)
        done = end[ms]
        thr[:, j] = np.histogram(done[done < horizon_end], bins=edges)[0]
        (busy_path,) = Path.up_down(start[ms], end[ms], [(np.ones(n_down), np.ones(n_down))])
        busy = busy_path.integral(edges)
        open_min = np.zeros(H)
        for g in np.flatnonzero(group_pos == j):
            open_min += _open_booth_minutes(spec, rec, int(g), edges)
        with np.errstate(invalid="ignore", divide="ignore"):
            util[:, j] = np.where(open_min > 0, busy / open_min, np.nan)
    hourly["queue_mean_veh"] = q_mean
    hourly["queue_max_veh"] = q_max
    hourly["queue_mean_km"] = km_mean
    hourly["queue_max_km"] = km_max
    hourly["throughput_per_h"] = thr
    hourly["utilisation"] = util

    # Total waiting queue against storage.
    n_started = int(started.sum())
    total, total_m = Path.up_down(
        arr,
        start[started],
        [
            (np.ones(arr.size), np.ones(n_started)),
            (length_km * 1000.0, length_km[started] * 1000.0),
        ],
    )
    storage: dict[str, FloatArray] = {
        "total_queue_mean_veh": total.integral(edges) / 60.0,
        "total_queue_max_veh": total.maximum(edges),
        "total_queue_max_m": total_m.maximum(edges),
    }
    cap = spec.storage
    if cap is None or (cap.vehicles is None and cap.metres is None):
        for name in ("minutes_over_storage", "max_excess_veh", "max_excess_m"):
            storage[name] = np.full(H, np.nan)
    else:
        over_v = total.value > cap.vehicles if cap.vehicles is not None else None
        over_m = total_m.value > cap.metres if cap.metres is not None else None
        # total and total_m share their event times and order (Path.up_down).
        flag = np.zeros(total.value.size, dtype=np.bool_)
        if over_v is not None:
            flag |= over_v
        if over_m is not None:
            flag |= over_m
        over = Path(total.time, flag.astype(np.float64))
        storage["minutes_over_storage"] = over.integral(edges)
        storage["max_excess_veh"] = (
            np.maximum(storage["total_queue_max_veh"] - cap.vehicles, 0.0)
            if cap.vehicles is not None
            else np.full(H, np.nan)
        )
        storage["max_excess_m"] = (
            np.maximum(storage["total_queue_max_m"] - cap.metres, 0.0)
            if cap.metres is not None
            else np.full(H, np.nan)
        )

    # Daily figures: delay (censored at the end of the horizon for vehicles never started).
    delay_min = np.where(started, wait, horizon_end - arr)
    day = hour // 24
    daily: dict[str, FloatArray] = {}
    vhd = np.zeros((D, T + 1))
    over30 = np.zeros((D, T + 1))
    over60 = np.zeros((D, T + 1))
    hour_day = np.arange(H) // 24
    for j in range(T):
        m = tpos == j
        vhd[:, j] = np.bincount(day[m], delay_min[m], minlength=D) / 60.0
        mw = hourly["mean_wait_min"][:, j]
        over30[:, j] = np.bincount(hour_day, np.nan_to_num(mw, nan=0.0) > 30.0, minlength=D)
        over60[:, j] = np.bincount(hour_day, np.nan_to_num(mw, nan=0.0) > 60.0, minlength=D)
    vhd[:, T] = np.bincount(day, delay_min, minlength=D) / 60.0
    all_served = np.bincount(hour[started], minlength=H).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mw_all = np.bincount(hour[started], wait[started], minlength=H) / all_served
    mw_all = np.nan_to_num(mw_all, nan=0.0)
    over30[:, T] = np.bincount(hour_day, mw_all > 30.0, minlength=D)
    over60[:, T] = np.bincount(hour_day, mw_all > 60.0, minlength=D)
    daily["vehicle_hours_delay"] = vhd
    daily["hours_mean_wait_over_30"] = over30
    daily["hours_mean_wait_over_60"] = over60

    sec_wait = rec.secondary_wait_min
    sec_ok = ~np.isnan(sec_wait)
    ends = np.concatenate((rec.end_min, rec.secondary_end_min))
    ends = ends[~np.isnan(ends)]
    summary = {
        "vehicles": float(arr.size),
        "mean_wait_min": float(ws.mean()) if ws.size else math.nan,
        "p95_wait_min": float(np.percentile(ws, 95)) if ws.size else math.nan,
        "max_wait_min": float(ws.max()) if ws.size else math.nan,
        "vehicle_hours_delay": float(delay_min.sum() / 60.0),
        "waiting_at_end": float((~started).sum()),
        "mean_secondary_wait_min": float(sec_wait[sec_ok].mean()) if sec_ok.any() else math.nan,
        "last_departure_min": float(ends.max()) if ends.size else math.nan,
    }
    return ReplicationMetrics(hourly, storage, daily, summary)


# ---- over replications -------------------------------------------------------------------


def mean_ci(samples: FloatArray, axis: int = 0) -> tuple[FloatArray, FloatArray]:
    """Mean and 95% Student-t confidence half-width over ``axis``, ignoring NaN.

    The half-width is NaN where fewer than two replications have a value.
    """
    n = np.sum(~np.isnan(samples), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(samples, axis=axis)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(np.isnan(samples), 0.0, samples - np.expand_dims(mean, axis))
        var = np.sum(dev**2, axis=axis) / np.maximum(n - 1, 1)
        tq = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n >= 2, tq * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return np.asarray(mean, dtype=np.float64), np.asarray(half, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Summary of a simulation over replications.

    Tables are dicts of equal-length 1-D numpy columns. For every metric ``m`` there is
    ``m`` (mean over replications) and ``m_ci95`` (95% Student-t half-width; NaN with one
    replication).

    Attributes
    ----------
    name : str
        Port name.
    replications, seed : int
        Number of replications and root seed.
    engine : str
        Engine used.
    lane_types : tuple of str
        Lane types with lane groups, in lane-type order.
    hourly : dict
        Rows (hour, lane_type): waits by hour of arrival [minutes], queues by clock hour
        [vehicles, km], throughput [vehicles/hour], utilisation [busy/open booth-minutes].
    storage : dict
        Rows (hour): total waiting queue [vehicles, metres] against the approach storage.
    daily : dict
        Rows (day, lane_type including "all"): vehicle-hours of delay, hours with mean
        wait over 30 and 60 minutes.
    summary : dict
        Whole-run figures: each metric name maps to (mean, ci95).
    vehicles : tuple of VehicleRecords, optional
        Per-vehicle records of every replication, when kept.
    """

    name: str
    direction: str
    replications: int
    seed: int
    engine: str
    lane_types: tuple[str, ...]
    hourly: dict[str, npt.NDArray[Any]]
    storage: dict[str, npt.NDArray[Any]]
    daily: dict[str, npt.NDArray[Any]]
    summary: dict[str, tuple[float, float]]
    vehicles: tuple[VehicleRecords, ...] | None
    class_names: tuple[str, ...]
    group_names: tuple[str, ...]
    group_lane_types: tuple[str, ...]

    def to_arrow(self) -> Any:
        """Per-vehicle records of all replications as a ``pyarrow.Table``.

        Columns: replication, vehicle, class, lane_group, lane_type, arrival_min,
        start_min, end_min, wait_min, booth, referred, secondary_start_min,
        secondary_end_min. Requires ``keep_vehicles=True``.
        """
        import pyarrow as pa

        if self.vehicles is None:
            raise ValueError("per-vehicle records were not kept: simulate(..., keep_vehicles=True)")
        classes = np.asarray(self.class_names, dtype=object)
        groups = np.asarray((*self.group_names, ""), dtype=object)
        glts = np.asarray((*self.group_lane_types, ""), dtype=object)
        parts = []
        for r, rec in enumerate(self.vehicles):
            n = rec.n
            gi = np.where(rec.group_index >= 0, rec.group_index, len(self.group_names))
            parts.append(
                pa.table(
                    {
                        "replication": pa.array(np.full(n, r, dtype=np.int32)),
                        "vehicle": pa.array(np.arange(n, dtype=np.int64)),
                        "class": pa.array(
                            classes[rec.class_index], type=pa.string()
                        ).dictionary_encode(),
                        "lane_group": pa.array(groups[gi], type=pa.string()).dictionary_encode(),
                        "lane_type": pa.array(glts[gi], type=pa.string()).dictionary_encode(),
                        "arrival_min": pa.array(rec.arrival_min),
                        "start_min": pa.array(rec.start_min, from_pandas=True),
                        "end_min": pa.array(rec.end_min, from_pandas=True),
                        "wait_min": pa.array(rec.wait_min, from_pandas=True),
                        "booth": pa.array(rec.booth_index),
                        "referred": pa.array(rec.referred),
                        "secondary_start_min": pa.array(rec.secondary_start_min, from_pandas=True),
                        "secondary_end_min": pa.array(rec.secondary_end_min, from_pandas=True),
                    }
                )
            )
        return pa.concat_tables(parts, promote_options="permissive")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN becomes None)."""

        def clean(v: Any) -> Any:
            if isinstance(v, np.ndarray):
                return [clean(x) for x in v.tolist()]
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            return v

        return {
            "name": self.name,
            "direction": self.direction,
            "replications": self.replications,
            "seed": self.seed,
            "engine": self.engine,
            "lane_types": list(self.lane_types),
            "summary": {
                k: {"mean": clean(m), "ci95": clean(c)} for k, (m, c) in self.summary.items()
            },
            "hourly": {k: clean(v) for k, v in self.hourly.items()},
            "storage": {k: clean(v) for k, v in self.storage.items()},
            "daily": {k: clean(v) for k, v in self.daily.items()},
        }


def summarise(
    spec: PortSpec,
    per_rep: list[ReplicationMetrics],
    *,
    seed: int,
    engine: str,
    vehicles: tuple[VehicleRecords, ...] | None = None,
) -> SimulationResult:
    """Combine replications into means and 95% confidence half-widths.

    Parameters
    ----------
    spec : PortSpec
        The port.
    per_rep : list of ReplicationMetrics
        One per replication.
    seed : int
        Root seed (for the record).
    engine : str
        Engine used (for the record).
    vehicles : tuple of VehicleRecords, optional
        Per-vehicle records to keep.

    Returns
    -------
    SimulationResult
    """
    H = spec.horizon_hours
    lts = lane_types_of(spec)
    T = len(lts)
    D = math.ceil(H / 24)
    hourly: dict[str, npt.NDArray[Any]] = {
        "hour": np.repeat(np.arange(H), T),
        "lane_type": np.asarray(lts * H, dtype=object),
    }
    for name in HOURLY_METRICS:
        stack = np.stack([m.hourly[name].reshape(-1) for m in per_rep])
        hourly[name], hourly[name + "_ci95"] = mean_ci(stack)
    storage: dict[str, npt.NDArray[Any]] = {"hour": np.arange(H)}
    for name in STORAGE_METRICS:
        stack = np.stack([m.storage[name] for m in per_rep])
        storage[name], storage[name + "_ci95"] = mean_ci(stack)
    daily: dict[str, npt.NDArray[Any]] = {
        "day": np.repeat(np.arange(D), T + 1),
        "lane_type": np.asarray((*lts, "all") * D, dtype=object),
    }
    for name in DAILY_METRICS:
        stack = np.stack([m.daily[name].reshape(-1) for m in per_rep])
        daily[name], daily[name + "_ci95"] = mean_ci(stack)
    summary: dict[str, tuple[float, float]] = {}
    for name in SUMMARY_METRICS:
        mean, half = mean_ci(np.array([[m.summary[name]] for m in per_rep]))
        summary[name] = (float(mean[0]), float(half[0]))
    return SimulationResult(
        name=spec.name,
        direction=spec.direction,
        replications=len(per_rep),
        seed=seed,
        engine=engine,
        lane_types=lts,
        hourly=hourly,
        storage=storage,
        daily=daily,
        summary=summary,
        vehicles=vehicles,
        class_names=tuple(c.name for c in spec.classes),
        group_names=tuple(g.name for g in spec.lane_groups),
        group_lane_types=tuple(g.lane_type for g in spec.lane_groups),
    )


__all__ = [
    "DAILY_METRICS",
    "HOURLY_METRICS",
    "STORAGE_METRICS",
    "SUMMARY_METRICS",
    "Path",
    "ReplicationMetrics",
    "SimulationResult",
    "lane_types_of",
    "mean_ci",
    "replication_metrics",
    "summarise",
]
