"""Metrics of one replication from its per-vehicle records.

Waits are grouped by hour of arrival, path quantities (queue length, busy and open
booths) by clock hour, integrated exactly as step functions of time. The work per vehicle
is done by compiled passes (:mod:`borderflow.sim._metric_kernels`); this module
prepares their inputs and names their outputs. Cost: O(N log N) per replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim import _metric_kernels as _mk
from borderflow.sim._memo import LastSpecMemo
from borderflow.sim._parts import BoothSchedule, QueueTrigger
from borderflow.sim._records import VehicleRecords
from borderflow.sim._spec import LANE_TYPES, PortSpec
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


def _group_lane_pos(spec: PortSpec) -> IntArray:
    """Position in :func:`lane_types_of` of each lane group's lane type."""
    pos_of_lt = {LANE_TYPES.index(lt): j for j, lt in enumerate(lane_types_of(spec))}
    return np.array([pos_of_lt[g.lane_type_index] for g in spec.lane_groups], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class _MetricsPlan:
    """What the metrics of every replication of one spec share, derived once."""

    H: int
    D: int
    T: int
    group_pos: IntArray
    class_m: FloatArray  # vehicle length per class [metres]
    class_km: FloatArray  # the same [km]
    cap_v: float  # storage [vehicles]; +inf when not given
    cap_m: float  # storage [metres]; +inf when not given
    scheduled_minutes: FloatArray  # open booth-minutes of the scheduled groups, (H, T)
    triggers: bool  # some group is queue-triggered (its open minutes vary by replication)


def _make_plan(spec: PortSpec) -> _MetricsPlan:
    H = spec.horizon_hours
    T = len(lane_types_of(spec))
    group_pos = _group_lane_pos(spec)
    class_m = spec.vehicle_lengths_m
    cap = spec.storage
    scheduled = np.zeros((H, T))
    triggers = False
    for g, grp in enumerate(spec.lane_groups):
        if isinstance(grp.staffing, BoothSchedule):
            scheduled[:, group_pos[g]] += 60.0 * spec.schedule_matrix[g]
        else:
            triggers = True
    return _MetricsPlan(
        H=H,
        D=math.ceil(H / 24),
        T=T,
        group_pos=group_pos,
        class_m=class_m,
        class_km=class_m / 1000.0,
        cap_v=cap.vehicles if cap is not None and cap.vehicles is not None else math.inf,
        cap_m=cap.metres if cap is not None and cap.metres is not None else math.inf,
        scheduled_minutes=scheduled,
        triggers=triggers,
    )


# simulate() computes the metrics of many replications of one spec: its plan is derived
# once.
_plan_for = LastSpecMemo(_make_plan)


def _open_booth_minutes(spec: PortSpec, rec: VehicleRecords, plan: _MetricsPlan) -> FloatArray:
    """Open booth-minutes per (clock hour, lane type): schedules, and trigger changes."""
    if not plan.triggers:
        return plan.scheduled_minutes
    out = np.zeros((plan.H, plan.T))
    edges = 60.0 * np.arange(plan.H + 1, dtype=np.float64)
    ch = rec.staffing_changes
    for g, grp in enumerate(spec.lane_groups):  # in group order: the same sums
        st = grp.staffing
        if isinstance(st, BoothSchedule):
            out[:, plan.group_pos[g]] += 60.0 * spec.schedule_matrix[g]
            continue
        assert isinstance(st, QueueTrigger)
        mask = ch.group == g
        # Changes are listed in event order, so their times are non-decreasing.
        times = np.concatenate(([0.0], ch.time_min[mask]))
        counts = np.concatenate(([st.min_booths], ch.open[mask])).astype(np.float64)
        out[:, plan.group_pos[g]] += StepFunction(times, counts).integral(edges)
    return out


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den``, NaN where ``den`` is 0."""
    out: FloatArray = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _storage(
    spec: PortSpec,
    tot_int: FloatArray,
    tot_max: FloatArray,
    tot_m_max: FloatArray,
    over: FloatArray,
) -> dict[str, FloatArray]:
    """Total waiting queue per clock hour against the approach storage."""
    H = spec.horizon_hours
    storage: dict[str, FloatArray] = {
        "total_queue_mean_veh": tot_int / 60.0,
        "total_queue_max_veh": tot_max,
        "total_queue_max_m": tot_m_max,
    }
    cap = spec.storage
    nan = np.full(H, np.nan)
    if cap is None or (cap.vehicles is None and cap.metres is None):
        storage.update(minutes_over_storage=nan, max_excess_veh=nan, max_excess_m=nan.copy())
        return storage
    storage["minutes_over_storage"] = over
    storage["max_excess_veh"] = (
        np.maximum(tot_max - cap.vehicles, 0.0) if cap.vehicles is not None else nan
    )
    storage["max_excess_m"] = (
        np.maximum(tot_m_max - cap.metres, 0.0) if cap.metres is not None else nan.copy()
    )
    return storage


def replication_metrics(spec: PortSpec, rec: VehicleRecords) -> ReplicationMetrics:
    """Compute the metrics of one replication from its per-vehicle records.

    Parameters
    ----------
    spec : PortSpec
        The port that was simulated.
    rec : VehicleRecords
        Its per-vehicle records (vehicles in arrival order, as both engines give them).

    Returns
    -------
    ReplicationMetrics
        Hourly (per lane type), storage (per clock hour), daily and whole-run figures;
        waits in minutes, queues in vehicles and km, throughput in vehicles/hour. A lane
        type, hour or day without vehicles gets counts 0 and NaN waits.
    """
    plan = _plan_for(spec)
    H, D, T = plan.H, plan.D, plan.T
    group_pos = plan.group_pos
    everyone = rec.n == 0 or int(rec.group_index.min()) >= 0

    def pick(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.ascontiguousarray(x if everyone else x[rec.group_index >= 0])

    arrival = pick(rec.arrival_min)
    start = pick(rec.start_min)
    group = pick(rec.group_index)
    cls = pick(rec.class_index)

    per_hour = np.zeros((10, H, T))
    count, served, wait_sum, stranded, throughput, busy, q_int, km_int, q_max, km_max = per_hour
    per_clock_hour = np.zeros((3, H))
    tot_max, tot_m_max, over = per_clock_hour
    delay_day = np.zeros((D, T))
    totals = np.zeros(10)
    wait_key = np.empty(arrival.size, dtype=np.int64)
    wait_val = np.empty(arrival.size)
    _mk.record_pass(
        arrival, start, pick(rec.end_min), group, group_pos, cls, plan.class_m, plan.class_km,
        pick(rec.secondary_start_min), pick(rec.secondary_end_min), H, T, plan.cap_v,
        plan.cap_m, wait_key, wait_val, per_hour, per_clock_hour, delay_day, totals,
    )  # fmt: skip
    n_pos = int(totals[9])
    pct = np.empty((4, H * T))
    pos_wait = wait_val[:n_pos]
    p95_all = _mk.wait_percentiles(
        wait_key[:n_pos], pos_wait, np.argsort(pos_wait), served.reshape(-1).astype(np.int64),
        _QUANTILES, pct,
    )  # fmt: skip
    mean_wait = np.empty((H, T))
    over_30, over_60 = np.zeros((2, D, T + 1))
    _mk.hourly_means(
        wait_sum, served, wait_sum.sum(axis=1), served.sum(axis=1), mean_wait, over_30, over_60
    )
    hourly: dict[str, FloatArray] = {
        "count": count,
        "mean_wait_min": mean_wait,
        "p50_wait_min": pct[0].reshape(H, T),
        "p90_wait_min": pct[1].reshape(H, T),
        "p95_wait_min": pct[2].reshape(H, T),
        "max_wait_min": pct[3].reshape(H, T),
        "waiting_at_end": stranded,
        "queue_mean_veh": q_int / 60.0,
        "queue_max_veh": q_max,
        "queue_mean_km": km_int / 60.0,
        "queue_max_km": km_max,
        "throughput_per_h": throughput,
        "utilisation": _ratio(busy, _open_booth_minutes(spec, rec, plan)),
    }
    vhd = np.empty((D, T + 1))
    vhd[:, :T] = delay_day / 60.0
    vhd[:, T] = delay_day.sum(axis=1) / 60.0
    # per lane type, then all lane types together (mean wait over the hour's vehicles)
    daily = {
        "vehicle_hours_delay": vhd,
        "hours_mean_wait_over_30": over_30,
        "hours_mean_wait_over_60": over_60,
    }
    w_sum, n_served, delay, n_stranded, stranded_sum, w_max, sec_sum, n_sec, last, _ = totals
    n = float(arrival.size)
    summary = {
        "vehicles": n,
        "mean_wait_min": w_sum / n_served if n_served else math.nan,
        "p95_wait_min": float(p95_all),
        "max_wait_min": w_max if n_served else math.nan,
        "vehicle_hours_delay": delay / 60.0,
        "waiting_at_end": n_stranded,
        "stranded_mean_wait_so_far_min": stranded_sum / n_stranded if n_stranded else math.nan,
        "mean_wait_with_stranded_min": delay / n if n else math.nan,
        "mean_secondary_wait_min": sec_sum / n_sec if n_sec else math.nan,
        "last_departure_min": last if math.isfinite(last) else math.nan,
    }
    return ReplicationMetrics(
        hourly=hourly,
        storage=_storage(spec, q_int.sum(axis=1), tot_max, tot_m_max, over),
        daily=daily,
        summary=summary,
    )


_QUANTILES = np.array([0.5, 0.9, 0.95, 1.0])


__all__ = [
    "DAILY_METRICS",
    "HOURLY_METRICS",
    "STORAGE_METRICS",
    "SUMMARY_METRICS",
    "ReplicationMetrics",
    "lane_types_of",
    "replication_metrics",
]
