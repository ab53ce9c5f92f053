"""Results against brute-force recomputation from the per-vehicle records."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    QueueStorage,
    QueueTrigger,
    Secondary,
    TrafficClass,
    replication_metrics,
    run_replication,
    simulate,
)
from borderflow.sim._steps import StepFunction as Path
from borderflow.sim._summary import mean_ci
from tests.sim.sim_builders import trace_spec


def _port(drain: bool = True) -> PortSpec:
    return PortSpec(
        "r",
        "US-bound",
        3,
        (
            TrafficClass(
                "cars",
                (150.0, 260.0, 90.0),
                {"general": Exponential(1.0), "nexus": Exponential(0.8)},
                referral_probability=0.05,
                secondary_service=Exponential(6.0),
            ),
            TrafficClass("nexus", 80.0, {"nexus": Exponential(0.4)}, vehicle_length_m=5.0),
            TrafficClass("trucks", 20.0, {"commercial": Exponential(2.0)}, vehicle_length_m=22.0),
        ),
        (
            LaneGroup("g", "general", BoothSchedule((2, 3, 1))),
            LaneGroup("n", "nexus", QueueTrigger(1, 3, 2.0, 0.5)),
            LaneGroup("t", "commercial", BoothSchedule((1,))),
        ),
        secondary=Secondary(1),
        storage=QueueStorage(vehicles=12.0, metres=80.0),
        drain=drain,
    )


def _overlap(a: np.ndarray, b: np.ndarray, lo: float, hi: float) -> float:
    """Total length of the intervals [a_i, b_i) inside [lo, hi)."""
    return float(np.sum(np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)))


def _count_at(a: np.ndarray, b: np.ndarray, t: float) -> int:
    return int(np.sum((a <= t) & (t < b)))


@pytest.mark.parametrize("drain", [True, False])
def test_hourly_metrics_match_brute_force(drain: bool) -> None:
    spec = _port(drain)
    rec = run_replication(spec, 3, engine="reference")
    m = replication_metrics(spec, rec)
    lts = ["general", "nexus", "commercial"]
    lt_of_group = np.array([0, 1, 2])
    stop = 180.0
    start_or_inf = np.where(np.isnan(rec.start_min), np.inf, rec.start_min)
    lengths = np.array([7.5, 5.0, 22.0])[rec.class_index]
    for h in range(3):
        lo, hi = 60.0 * h, 60.0 * h + 60.0
        for j, _ in enumerate(lts):
            in_lt = lt_of_group[rec.group_index] == j
            arr_h = in_lt & (np.minimum(rec.arrival_min // 60, 2) == h)
            w = rec.wait_min[arr_h]
            w = w[~np.isnan(w)]
            assert m.hourly["count"][h, j] == arr_h.sum()
            if w.size:
                assert m.hourly["mean_wait_min"][h, j] == pytest.approx(
                    w.mean(), rel=1e-12, abs=1e-12
                )
                for q, name in ((50, "p50"), (90, "p90"), (95, "p95"), (100, "max")):
                    assert m.hourly[f"{name}_wait_min"][h, j] == pytest.approx(
                        np.percentile(w, q), abs=1e-12
                    )
            else:
                assert math.isnan(m.hourly["mean_wait_min"][h, j])
            assert m.hourly["waiting_at_end"][h, j] == np.sum(arr_h & np.isnan(rec.start_min))
            # time-average queue = total waiting time inside the hour / 60
            a, b = rec.arrival_min[in_lt], start_or_inf[in_lt]
            assert m.hourly["queue_mean_veh"][h, j] == pytest.approx(
                _overlap(a, b, lo, hi) / 60.0, abs=1e-9
            )
            km = lengths[in_lt] / 1000.0
            q_km = sum(
                k * max(0.0, min(bb, hi) - max(aa, lo)) for aa, bb, k in zip(a, b, km, strict=True)
            )
            assert m.hourly["queue_mean_km"][h, j] == pytest.approx(q_km / 60.0, abs=1e-9)
            # max queue: the count just after every event time in the hour and at its start
            ts = np.concatenate(([lo], a[(a >= lo) & (a < hi)], b[(b >= lo) & (b < hi)]))
            assert m.hourly["queue_max_veh"][h, j] == max(_count_at(a, b, t) for t in ts)
            # throughput: primary completions in the hour
            e = rec.end_min[in_lt]
            assert m.hourly["throughput_per_h"][h, j] == np.sum((e >= lo) & (e < hi))
            # utilisation: busy booth-minutes / open booth-minutes
            s, e2 = rec.start_min[in_lt], rec.end_min[in_lt]
            ok = ~np.isnan(s)
            busy = _overlap(s[ok], e2[ok], lo, hi)
            if j == 1:  # trigger group: walk the changes
                times = [0.0, *rec.staffing_changes.time_min[rec.staffing_changes.group == 1]]
                opens = [1, *rec.staffing_changes.open[rec.staffing_changes.group == 1]]
                times.append(np.inf)
                open_min = sum(
                    o * max(0.0, min(times[i + 1], hi) - max(times[i], lo))
                    for i, o in enumerate(opens)
                )
            else:
                open_min = 60.0 * [(2, 3, 1), (1, 1, 1)][j // 2][h]
            assert m.hourly["utilisation"][h, j] == pytest.approx(busy / open_min, rel=1e-12)
    # storage: total queue over either limit, minute by minute from the piecewise path
    a_all, b_all = rec.arrival_min, start_or_inf
    ev = np.unique(np.concatenate(([0.0, stop], a_all, b_all[np.isfinite(b_all)])))
    ev = ev[ev <= stop]
    over = np.zeros(3)
    for t0, t1 in itertools.pairwise(ev):
        inside = (a_all <= t0) & (t0 < b_all)
        if inside.sum() > 12 or lengths[inside].sum() > 80.0:
            h = int(t0 // 60)
            over[h] += t1 - t0
    np.testing.assert_allclose(m.storage["minutes_over_storage"], over, atol=1e-9)
    for h in range(3):
        lo, hi = 60.0 * h, 60.0 * h + 60.0
        pts = np.concatenate(([lo], ev[(ev >= lo) & (ev < hi)]))
        inside = [(a_all <= t) & (t < b_all) for t in pts]
        q_max = max(int(x.sum()) for x in inside)
        m_max = max(float(lengths[x].sum()) for x in inside)
        assert m.storage["total_queue_max_veh"][h] == q_max
        assert m.storage["max_excess_veh"][h] == max(0, q_max - 12)
        assert m.storage["max_excess_m"][h] == pytest.approx(max(0.0, m_max - 80.0))
    # daily delay (censored at the stop for vehicles never started) in vehicle-hours
    delay = np.where(np.isnan(rec.start_min), stop - rec.arrival_min, rec.wait_min)
    assert m.daily["vehicle_hours_delay"][0, 3] == pytest.approx(delay.sum() / 60.0)


def test_littles_law_on_the_whole_path() -> None:
    # Over the whole run, the integral of the number waiting equals the sum of the waits
    # (sample-path Little's law), measured independently: path from +-1 steps vs waits.
    spec = _port()
    rec = run_replication(spec, 9, engine="reference")
    path = Path.from_steps(
        np.concatenate((rec.arrival_min, rec.start_min)),
        np.concatenate((np.ones(rec.n), -np.ones(rec.n))),
    )
    end = float(np.nanmax(rec.start_min)) + 1.0
    assert path.integral(np.array([0.0, end]))[0] == pytest.approx(np.sum(rec.wait_min), rel=1e-10)
    assert path.value[-1] == 0


def test_mean_ci_student_t() -> None:
    x = np.array([[1.0, np.nan], [2.0, 5.0], [6.0, np.nan]])
    mean, half = mean_ci(x)
    assert mean[0] == 3.0
    # sd = sqrt(((1-3)^2 + (2-3)^2 + (6-3)^2) / 2) = sqrt(7); t(0.975, 2) = 4.302653
    assert half[0] == pytest.approx(4.302653 * np.sqrt(7) / np.sqrt(3), rel=1e-6)
    assert mean[1] == 5.0 and np.isnan(half[1])


def test_simulate_tables_and_arrow() -> None:
    spec = _port()
    res = simulate(spec, replications=3, seed=4, engine="reference", keep_vehicles=True)
    assert res.lane_types == ("general", "nexus", "commercial")
    assert res.hourly["hour"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    # the hourly mean over replications is the mean of the replications' hourly means
    per = [replication_metrics(spec, r).hourly["mean_wait_min"] for r in res.vehicles or ()]
    np.testing.assert_allclose(res.hourly["mean_wait_min"], np.nanmean(per, axis=0).reshape(-1))
    table = res.to_arrow()
    assert table.num_rows == sum(r.n for r in res.vehicles or ())
    assert set(table.column("replication").to_pylist()) == {0, 1, 2}
    waits = np.array(table.column("wait_min").to_numpy(zero_copy_only=False), dtype=float)
    np.testing.assert_allclose(waits, np.concatenate([r.wait_min for r in res.vehicles or ()]))
    assert set(table.column("lane_type").to_pylist()) == {"general", "nexus", "commercial"}
    d = res.to_dict()
    assert d["summary"]["vehicles"]["mean"] == pytest.approx(
        np.mean([r.n for r in res.vehicles or ()])
    )


def test_queue_max_counts_after_all_events_of_an_instant() -> None:
    # One booth, service 1, arrivals 0, 0, 0, 1, 1, 2 (hand count of vehicles waiting):
    # t=0: three arrive, v0 starts -> 2 waiting. t=1: v0 ends, v1 starts, v3 and v4
    # arrive -> v2, v3, v4 = 3. t=2: v2 starts, v5 arrives -> 3. Then 2, 1, 0.
    # Counting the arrivals at t=1 before v1's start would give a false 4.
    spec = trace_spec([0, 0, 0, 1, 1, 2], 1.0, 1)
    rec = run_replication(spec, 0, engine="reference")
    m = replication_metrics(spec, rec)
    assert m.hourly["queue_max_veh"][0, 0] == 3
    # time-average: waiting 2 on [0,1), 3 on [1,3), 2 on [3,4), 1 on [4,5): 11 veh-min
    assert m.hourly["queue_mean_veh"][0, 0] == pytest.approx(11 / 60)
    assert m.storage["total_queue_max_veh"][0] == 3
