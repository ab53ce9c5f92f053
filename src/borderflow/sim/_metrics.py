"""Metrics of one replication from its per-vehicle records.

Pure numpy. Waits are grouped by hour of arrival, path quantities (queue length, busy and
open booths) by clock hour, integrated exactly as step functions of time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim._records import VehicleRecords
from borderflow.sim._spec import LANE_TYPES, BoothSchedule, PortSpec, QueueTrigger
from borderflow.sim._steps import StepFunction

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
    "stranded_mean_wait_so_far_min",
    "mean_wait_with_stranded_min",
    "mean_secondary_wait_min",
    "last_departure_min",
)


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
    return StepFunction(times, counts).integral(edges)


@dataclass(frozen=True, eq=False)
class _Joined:
    """The vehicles of one replication that joined a lane group, as metric inputs."""

    arrival: FloatArray  # [minutes]
    start: FloatArray  # NaN if never started
    end: FloatArray
    lane_pos: IntArray  # position of the vehicle's lane type in lane_types_of(spec)
    length_km: FloatArray
    started: npt.NDArray[np.bool_]
    wait: FloatArray  # [minutes]; NaN if never started
    hour: IntArray  # hour of arrival
    key: IntArray  # hour * T + lane_pos


def _group_lane_pos(spec: PortSpec) -> IntArray:
    """Position in :func:`lane_types_of` of each lane group's lane type."""
    pos_of_lt = {LANE_TYPES.index(lt): j for j, lt in enumerate(lane_types_of(spec))}
    return np.array([pos_of_lt[g.lane_type_index] for g in spec.lane_groups], dtype=np.int64)


def _joined(spec: PortSpec, rec: VehicleRecords, group_pos: IntArray) -> _Joined:
    H = spec.horizon_hours
    T = int(group_pos.max()) + 1
    joined = rec.group_index >= 0
    arr = rec.arrival_min[joined]
    start = rec.start_min[joined]
    tpos = group_pos[rec.group_index[joined]]
    hour = np.minimum((arr // 60.0).astype(np.int64), H - 1)
    return _Joined(
        arrival=arr,
        start=start,
        end=rec.end_min[joined],
        lane_pos=tpos,
        length_km=spec.vehicle_lengths_m[rec.class_index[joined]] / 1000.0,
        started=~np.isnan(start),
        wait=start - arr,
        hour=hour,
        key=hour * T + tpos,
    )


def _hourly_waits(v: _Joined, H: int, T: int) -> dict[str, FloatArray]:
    """Return counts and waits per (hour of arrival, lane type) [vehicles, minutes]."""
    n_keys = H * T
    out: dict[str, FloatArray] = {}
    out["count"] = np.bincount(v.key, minlength=n_keys).astype(np.float64).reshape(H, T)
    ks = v.key[v.started]
    ws = v.wait[v.started]
    served = np.bincount(ks, minlength=n_keys).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_wait_min"] = (np.bincount(ks, ws, minlength=n_keys) / served).reshape(H, T)
    pct = _grouped_percentiles(ks, ws, n_keys, (0.5, 0.9, 0.95, 1.0))
    out["p50_wait_min"] = pct[0].reshape(H, T)
    out["p90_wait_min"] = pct[1].reshape(H, T)
    out["p95_wait_min"] = pct[2].reshape(H, T)
    out["max_wait_min"] = pct[3].reshape(H, T)
    out["waiting_at_end"] = (
        np.bincount(v.key[~v.started], minlength=n_keys).astype(np.float64).reshape(H, T)
    )
    return out


def _lane_type_paths(
    spec: PortSpec, rec: VehicleRecords, v: _Joined, group_pos: IntArray, T: int
) -> dict[str, FloatArray]:
    """Return queues [vehicles, km], throughput [vehicles/hour] and utilisation per clock hour."""
    H = spec.horizon_hours
    edges = 60.0 * np.arange(H + 1, dtype=np.float64)
    horizon_end = 60.0 * H
    q_mean = np.zeros((H, T))
    q_max = np.zeros((H, T))
    km_mean = np.zeros((H, T))
    km_max = np.zeros((H, T))
    thr = np.zeros((H, T))
    util = np.full((H, T), np.nan)
    for j in range(T):
        m = v.lane_pos == j
        ms = m & v.started
        n_up, n_down = int(m.sum()), int(ms.sum())
        path, kpath = StepFunction.up_down(
            v.arrival[m],
            v.start[ms],
            [(np.ones(n_up), np.ones(n_down)), (v.length_km[m], v.length_km[ms])],
        )
        q_mean[:, j] = path.integral(edges) / 60.0
        q_max[:, j] = path.maximum(edges)
        km_mean[:, j] = kpath.integral(edges) / 60.0
        km_max[:, j] = kpath.maximum(edges)
        done = v.end[ms]
        thr[:, j] = np.histogram(done[done < horizon_end], bins=edges)[0]
        (busy_path,) = StepFunction.up_down(
            v.start[ms], v.end[ms], [(np.ones(n_down), np.ones(n_down))]
        )
        busy = busy_path.integral(edges)
        open_min = np.zeros(H)
        for g in np.flatnonzero(group_pos == j):
            open_min += _open_booth_minutes(spec, rec, int(g), edges)
        with np.errstate(invalid="ignore", divide="ignore"):
            util[:, j] = np.where(open_min > 0, busy / open_min, np.nan)
    return {
        "queue_mean_veh": q_mean,
        "queue_max_veh": q_max,
        "queue_mean_km": km_mean,
        "queue_max_km": km_max,
        "throughput_per_h": thr,
        "utilisation": util,
    }


def _storage_metrics(spec: PortSpec, v: _Joined) -> dict[str, FloatArray]:
    """Return the total waiting queue of all primary lanes per clock hour, against the storage."""
    H = spec.horizon_hours
    edges = 60.0 * np.arange(H + 1, dtype=np.float64)
    n_started = int(v.started.sum())
    total, total_m = StepFunction.up_down(
        v.arrival,
        v.start[v.started],
        [
            (np.ones(v.arrival.size), np.ones(n_started)),
            (v.length_km * 1000.0, v.length_km[v.started] * 1000.0),
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
        return storage
    # total and total_m share their event times and order (StepFunction.up_down).
    flag = np.zeros(total.value.size, dtype=np.bool_)
    if cap.vehicles is not None:
        flag |= total.value > cap.vehicles
    if cap.metres is not None:
        flag |= total_m.value > cap.metres
    storage["minutes_over_storage"] = StepFunction(total.time, flag.astype(np.float64)).integral(
        edges
    )
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
    return storage


def _delay_min(v: _Joined, horizon_end: float) -> FloatArray:
    """Return each vehicle's delay [minutes], censored at the horizon's end if never started."""
    out: FloatArray = np.where(v.started, v.wait, horizon_end - v.arrival)
    return out


def _daily_metrics(v: _Joined, mean_wait: FloatArray, H: int, T: int) -> dict[str, FloatArray]:
    """Return vehicle-hours of delay and hours with mean wait over 30 / 60 minutes, per day."""
    D = math.ceil(H / 24)
    delay_min = _delay_min(v, 60.0 * H)
    day = v.hour // 24
    vhd = np.zeros((D, T + 1))
    over30 = np.zeros((D, T + 1))
    over60 = np.zeros((D, T + 1))
    hour_day = np.arange(H) // 24
    for j in range(T):
        m = v.lane_pos == j
        vhd[:, j] = np.bincount(day[m], delay_min[m], minlength=D) / 60.0
        mw = np.nan_to_num(mean_wait[:, j], nan=0.0)
        over30[:, j] = np.bincount(hour_day, mw > 30.0, minlength=D)
        over60[:, j] = np.bincount(hour_day, mw > 60.0, minlength=D)
    vhd[:, T] = np.bincount(day, delay_min, minlength=D) / 60.0
    hs = v.hour[v.started]
    all_served = np.bincount(hs, minlength=H).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mw_all = np.bincount(hs, v.wait[v.started], minlength=H) / all_served
    mw_all = np.nan_to_num(mw_all, nan=0.0)
    over30[:, T] = np.bincount(hour_day, mw_all > 30.0, minlength=D)
    over60[:, T] = np.bincount(hour_day, mw_all > 60.0, minlength=D)
    return {
        "vehicle_hours_delay": vhd,
        "hours_mean_wait_over_30": over30,
        "hours_mean_wait_over_60": over60,
    }


def _summary_metrics(spec: PortSpec, rec: VehicleRecords, v: _Joined) -> dict[str, float]:
    """Return the whole-run figures of one replication."""
    ws = v.wait[v.started]
    delay = _delay_min(v, 60.0 * spec.horizon_hours)
    stranded = delay[~v.started]  # waits so far of vehicles never started (drain = false)
    sec_wait = rec.secondary_wait_min
    sec_ok = ~np.isnan(sec_wait)
    ends = np.concatenate((rec.end_min, rec.secondary_end_min))
    ends = ends[~np.isnan(ends)]
    return {
        "vehicles": float(v.arrival.size),
        "mean_wait_min": float(ws.mean()) if ws.size else math.nan,
        "p95_wait_min": float(np.percentile(ws, 95)) if ws.size else math.nan,
        "max_wait_min": float(ws.max()) if ws.size else math.nan,
        "vehicle_hours_delay": float(delay.sum() / 60.0),
        "waiting_at_end": float(stranded.size),
        "stranded_mean_wait_so_far_min": float(stranded.mean()) if stranded.size else math.nan,
        "mean_wait_with_stranded_min": float(delay.mean()) if delay.size else math.nan,
        "mean_secondary_wait_min": float(sec_wait[sec_ok].mean()) if sec_ok.any() else math.nan,
        "last_departure_min": float(ends.max()) if ends.size else math.nan,
    }


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
    group_pos = _group_lane_pos(spec)
    T = len(lane_types_of(spec))
    v = _joined(spec, rec, group_pos)
    hourly = _hourly_waits(v, H, T)
    hourly.update(_lane_type_paths(spec, rec, v, group_pos, T))
    return ReplicationMetrics(
        hourly=hourly,
        storage=_storage_metrics(spec, v),
        daily=_daily_metrics(v, hourly["mean_wait_min"], H, T),
        summary=_summary_metrics(spec, rec, v),
    )


__all__ = [
    "DAILY_METRICS",
    "HOURLY_METRICS",
    "STORAGE_METRICS",
    "SUMMARY_METRICS",
    "ReplicationMetrics",
    "lane_types_of",
    "replication_metrics",
]
