"""The reference engine on hand-worked traces.

Every expected value is worked out by hand from docs/kernel-semantics.md in the comments;
arrivals are recorded (trace-driven) and service times deterministic, so nothing random
is involved except referral flags with probability 0 or 1.
"""

from __future__ import annotations

import math

import numpy as np

from borderflow.sim import (
    BoothSchedule,
    Deterministic,
    Exponential,
    LaneGroup,
    PortSpec,
    QueueTrigger,
    Secondary,
    TrafficClass,
    VehicleRecords,
    draw_vehicles,
    replication_metrics,
    run_draws,
    run_replication,
)
from borderflow.sim._reference import LeastExpectedWait, run_reference
from tests.sim.sim_builders import trace_spec

NAN = math.nan


def run(spec: PortSpec) -> VehicleRecords:
    return run_draws(spec, draw_vehicles(spec, np.random.SeedSequence(0)), "reference")


def test_schedule_drop_while_both_booths_busy() -> None:
    # Booths (2, 1), service 10 min, arrivals 0, 0, 50, 55, 58.
    # v0, v1 start at 0 (booths 0, 1), end 10.  v2 starts at 50 (booth 0, ends 60);
    # v3 starts at 55 (booth 1, ends 65); v4 arrives at 58 and waits (2 busy of 2).
    # t = 60: the schedule drops to 1 first, then v2 completes: busy 1 of 1 open, no start
    # (the closing booth finished its vehicle; nothing pre-empted). t = 65: v3 completes,
    # busy 0 < 1: v4 starts at 65 on booth 0 (free since 60), wait 7.
    rec = run(trace_spec([0, 0, 50, 55, 58], 10.0, [2, 1], horizon_hours=2))
    np.testing.assert_array_equal(rec.start_min, [0, 0, 50, 55, 65])
    np.testing.assert_array_equal(rec.end_min, [10, 10, 60, 65, 75])
    np.testing.assert_array_equal(rec.booth_index, [0, 1, 0, 1, 0])
    np.testing.assert_array_equal(rec.wait_min, [0, 0, 0, 0, 7])
    # Same vehicles with 2 booths throughout: v4 starts when v2 completes at 60.
    rec2 = run(trace_spec([0, 0, 50, 55, 58], 10.0, [2, 2], horizon_hours=2))
    assert rec2.start_min[4] == 60.0


def test_opening_at_a_boundary_when_a_booth_completes_there() -> None:
    # Booths (1, 2), service 60: v0 at 0 runs [0, 60) on booth 0; v1 (30) and v2 (40) wait.
    # t = 60: boundary first: 2 open, busy still 1 (v0's completion not yet processed):
    # v1 starts at 60 and takes the lowest booth free by then, booth 0 (free_at 60 <= 60).
    # Then v0 completes: busy 1 < 2: v2 starts at 60 on booth 1.
    rec = run(trace_spec([0, 30, 40], 60.0, [1, 2], horizon_hours=2))
    np.testing.assert_array_equal(rec.start_min, [0, 60, 60])
    np.testing.assert_array_equal(rec.booth_index, [0, 0, 1])


def test_queue_trigger_opens_and_closes() -> None:
    # Trigger min 1, max 2, open above 1.0 waiting per booth, close below 0.5; service 10.
    # t=0 v0 joins: waiting 1, 1/1 > 1? no; starts (booth 0, ends 10).
    # t=1 v1 joins: waiting 1, not > 1; 1 busy of 1: waits.
    # t=2 v2 joins: waiting 2, 2/1 > 1: open 2 (change (2, g0, 2)); 2/2 > 1? no.
    #     start v1 at 2 (booth 1, ends 12); close? waiting 1, 1/2 = 0.5 < 0.5? no.
    # t=3 v3 joins: waiting 2, 2/2 > 1? no; 2 busy of 2: waits.
    # t=10 v0 ends: v2 starts at 10 (booth 0, ends 20); close? 1/2 < 0.5 no.
    # t=12 v1 ends: v3 starts at 12 (booth 1, ends 22); close? 0/2 < 0.5: open 1
    #     (change (12, g0, 1)).
    trig = QueueTrigger(min_booths=1, max_booths=2, open_above=1.0, close_below=0.5)
    rec = run(trace_spec([0, 1, 2, 3], 10.0, trig))
    np.testing.assert_array_equal(rec.start_min, [0, 2, 10, 12])
    np.testing.assert_array_equal(rec.booth_index, [0, 1, 0, 1])
    ch = rec.staffing_changes
    assert ch.time_min.tolist() == [2.0, 12.0]
    assert ch.group.tolist() == [0, 0]
    assert ch.open.tolist() == [2, 1]
    # Utilisation in hour 0: busy 4 x 10 = 40 booth-min; open 1 on [0,2), 2 on [2,12),
    # 1 on [12,60): 2 + 20 + 48 = 70 booth-min.
    m = replication_metrics(trace_spec([0, 1, 2, 3], 10.0, trig), rec)
    assert m.hourly["utilisation"][0, 0] == 40.0 / 70.0


def test_trigger_with_zero_minimum_opens_on_demand() -> None:
    # min 0: o = 0 at t = 0; the vehicle joins, waiting/0 = inf > 0.5: open 1 at once.
    # After it starts, waiting 0 < 0.1 closes the booth again (it finishes its vehicle).
    # v1 at 5 joins while o = 0: opens again, but the only booth is still busy (count
    # rule: busy 1 is not < open 1), so it waits until v0 ends at 8.
    trig = QueueTrigger(min_booths=0, max_booths=1, open_above=0.5, close_below=0.1)
    rec = run(trace_spec([0, 5], 8.0, trig))
    np.testing.assert_array_equal(rec.start_min, [0, 8])
    assert rec.staffing_changes.open.tolist() == [1, 0, 1, 0]
    assert rec.staffing_changes.time_min.tolist() == [0.0, 0.0, 5.0, 8.0]


def test_secondary_inspection_fifo() -> None:
    # One primary booth (service 5), one secondary booth (20 min).
    # Class A (always referred) arrives at 0 and 1, class B (never) at 2.
    # v0: primary [0, 5), secondary [5, 25).  v1: primary [5, 10), joins secondary at 10,
    # waits for v0: secondary [25, 45).  v2: primary [10, 15), not referred.
    spec = PortSpec(
        "sec",
        "US-bound",
        1,
        (
            TrafficClass(
                "A",
                0.0,
                {"general": Deterministic(5.0)},
                referral_probability=1.0,
                secondary_service=Deterministic(20.0),
                arrival_times_min=(0.0, 1.0),
            ),
            TrafficClass("B", 0.0, {"general": Deterministic(5.0)}, arrival_times_min=(2.0,)),
        ),
        (LaneGroup("g", "general", BoothSchedule((1,))),),
        secondary=Secondary(1),
    )
    rec = run(spec)
    np.testing.assert_array_equal(rec.start_min, [0, 5, 10])
    np.testing.assert_array_equal(rec.referred, [True, True, False])
    np.testing.assert_array_equal(rec.secondary_start_min, [5, 25, NAN])
    np.testing.assert_array_equal(rec.secondary_end_min, [25, 45, NAN])
    np.testing.assert_array_equal(rec.secondary_wait_min, [0, 15, NAN])


def test_initial_queue_is_forced_into_its_group() -> None:
    # Groups a and b (1 booth each, service 4). Two initial vehicles are put in a; a
    # recorded arrival at t = 0 then sees n_a = 2, E_a = 2/1 x 4 = 8 and E_b = 0: it joins b.
    # Initial: v0 starts at 0 in a, v1 waits and starts at 4 (wait 4). v2 starts at 0 in b.
    spec = PortSpec(
        "iq",
        "US-bound",
        1,
        (TrafficClass("c", 0.0, {"general": Deterministic(4.0)}, arrival_times_min=(0.0,)),),
        (
            LaneGroup("a", "general", BoothSchedule((1,))),
            LaneGroup("b", "general", BoothSchedule((1,))),
        ),
        initial_queue=(("a", "c", 2),),
    )
    rec = run(spec)
    np.testing.assert_array_equal(rec.group_index, [0, 0, 1])
    np.testing.assert_array_equal(rec.start_min, [0, 4, 0])


def test_initial_queue_with_two_booths() -> None:
    # 2 booths, service 4; 3 initial vehicles, then recorded arrivals at 0 and 1.
    # t=0: v0, v1 start (booths 0, 1); v2 and v3 (the recorded arrival at 0) wait.
    # t=4: both complete; v2 and v3 start (booths 0, 1). v4 (arrived at 1) starts at 8.
    rec = run(trace_spec([0.0, 1.0], 4.0, 2, initial_queue=(("g", "cars", 3),)))
    np.testing.assert_array_equal(rec.start_min, [0, 0, 4, 4, 8])
    np.testing.assert_array_equal(rec.wait_min, [0, 0, 4, 4, 7])
    np.testing.assert_array_equal(rec.booth_index, [0, 1, 0, 1, 0])


def test_least_expected_wait_and_specialised_ties() -> None:
    # NEXUS cars may use the NEXUS lane (mean 1) or the general lane (mean 2); general
    # cars only the general lane. Both lanes 1 booth.
    # v0 (NEXUS, t=0): E_general = 0/1 x 2 = 0 = E_nexus: tie -> the more specialised
    #   NEXUS lane (1 eligible class vs 2). Starts at 0 there, ends 1.
    # v1 (NEXUS, t=0): E_nexus = 1/1 x 1 = 1, E_general = 0: general lane; ends 2.
    # v2 (NEXUS, t=0): E_nexus = 1 x 1 = 1, E_general = 1 x 2 = 2: NEXUS lane, waits to 1.
    # v3 (general, t=0.5): general lane only; starts at 2.
    spec = PortSpec(
        "choice",
        "US-bound",
        1,
        (
            TrafficClass(
                "nexus",
                0.0,
                {"nexus": Deterministic(1.0), "general": Deterministic(2.0)},
                arrival_times_min=(0.0, 0.0, 0.0),
            ),
            TrafficClass("general", 0.0, {"general": Deterministic(3.0)}, arrival_times_min=(0.5,)),
        ),
        (
            LaneGroup("general", "general", BoothSchedule((1,))),
            LaneGroup("nexus", "nexus", BoothSchedule((1,))),
        ),
    )
    rec = run(spec)
    np.testing.assert_array_equal(rec.group_index, [1, 0, 1, 0])
    np.testing.assert_array_equal(rec.start_min, [0, 0, 1, 2])
    # A custom rule through the pluggable interface: always the first eligible group.
    d = draw_vehicles(spec, np.random.SeedSequence(0))
    first = run_reference(spec, d, choice=lambda k, eligible, n, o: eligible[0])
    np.testing.assert_array_equal(first.group_index, [0, 0, 0, 0])
    np.testing.assert_array_equal(first.start_min, [0, 2, 4, 6])
    # The default rule object is the documented one.
    default = run_reference(spec, d, choice=LeastExpectedWait(spec))
    assert not default.mismatches(rec)


def test_no_drain_stops_at_the_horizon() -> None:
    # H = 1, one booth, service 25, arrivals 0, 1, 2, 3: starts 0, 25, 50; the next start
    # would be at 75 >= 60, so v3 is still waiting at the end (start/end NaN). v2 started
    # before the stop and keeps end 75.
    rec = run(trace_spec([0, 1, 2, 3], 25.0, 1, drain=False))
    np.testing.assert_array_equal(rec.start_min, [0, 25, 50, NAN])
    np.testing.assert_array_equal(rec.end_min, [25, 50, 75, NAN])
    np.testing.assert_array_equal(rec.waiting_at_end, [False, False, False, True])
    assert rec.booth_index[3] == -1
    m = replication_metrics(trace_spec([0, 1, 2, 3], 25.0, 1, drain=False), rec)
    assert m.summary["waiting_at_end"] == 1.0
    # censored delay: 0 + 24 + 48 + (60 - 3) minutes
    assert m.summary["vehicle_hours_delay"] == (24 + 48 + 57) / 60
    # With drain the same vehicle starts at 75.
    assert run(trace_spec([0, 1, 2, 3], 25.0, 1)).start_min[3] == 75.0


def test_drain_with_closed_last_hour_uses_schedule_maximum() -> None:
    # Booths (3, 0), service 70: v0..v2 occupy the 3 booths over [0, 70); v3 (55) and
    # v4 (59) wait. t = 60: the group closes (0 open); the completions at 70 free booths
    # but 0 are open. t = 120 (end of the 2-h horizon): the last hour's count is 0, so
    # it drains with the schedule's maximum, 3: v3 and v4 start at 120.
    rec = run(trace_spec([0, 0, 0, 55, 59], 70.0, [3, 0], horizon_hours=2))
    np.testing.assert_array_equal(rec.start_min, [0, 0, 0, 120, 120])


def test_mm3_mean_wait_close_to_erlang_c() -> None:
    # M/M/3, lambda = 0.2/min, mu = 0.1/min: Wq = 4.444 min (PARAMETERS.md). 10 runs of
    # 2,000 h (about 24,000 vehicles each); the spread of the run means gives the check.
    spec = PortSpec(
        "mm3",
        "US-bound",
        2000,
        (TrafficClass("c", 12.0, {"general": Exponential(10.0)}),),
        (LaneGroup("g", "general", BoothSchedule((3,))),),
    )
    means = [
        float(np.mean(run_replication(spec, 5, replication=r, engine="reference").wait_min))
        for r in range(10)
    ]
    m, se = np.mean(means), np.std(means, ddof=1) / np.sqrt(10)
    assert abs(m - 4.4444) < 4 * se
    assert se < 0.2  # the check is informative: 4 x se is under 20% of Wq


def test_single_group_matches_kiefer_wolfowitz_recursion() -> None:
    # An independent FIFO M/G/c computation: vehicle n starts at max(arrival, earliest
    # booth free time) and that booth is then free at start + service. Same draws, so
    # every start time must agree exactly.
    for c, dist in ((1, Exponential(0.9)), (3, Deterministic(2.5)), (5, Exponential(4.0))):
        spec = PortSpec(
            "kw",
            "US-bound",
            20,
            (TrafficClass("c", 60.0 * 0.9 * c / dist.mean, {"general": dist}),),
            (LaneGroup("g", "general", BoothSchedule((c,))),),
        )
        d = draw_vehicles(spec, np.random.SeedSequence(c))
        rec = run_draws(spec, d, "reference")
        free = [0.0] * c
        expected = []
        for a, s in zip(d.arrival_min, d.service_min[:, 0], strict=True):
            b = min(range(c), key=lambda i: free[i])
            t = max(a, free[b])
            free[b] = t + s
            expected.append(t)
        assert d.n > 500
        np.testing.assert_array_equal(rec.start_min, expected)


def test_shortest_queue_rule_ignores_service_times() -> None:
    # NEXUS cars: NEXUS lane mean 1.0, general lane mean 0.4 (one booth each).
    # v0 (t=0): both empty, tie -> NEXUS lane (more specialised); ends at 1.
    # v1 (t=0): only the general lane is empty: E = 0 there for both rules; ends at 0.4.
    # v2 (t=0.1): 1 vehicle in each lane. Least expected wait: NEXUS 1 x 1.0 = 1 against
    #   general 1 x 0.4 = 0.4 -> general (starts at 0.4). Shortest queue: 1 against 1,
    #   tie -> NEXUS lane (starts at 1.0).
    def spec(rule: str) -> PortSpec:
        return PortSpec(
            "sq",
            "US-bound",
            1,
            (
                TrafficClass(
                    "nexus",
                    0.0,
                    {"nexus": Deterministic(1.0), "general": Deterministic(0.4)},
                    arrival_times_min=(0.0, 0.0, 0.1),
                ),
                # no arrivals; it makes the general lane the less specialised one
                TrafficClass("general", 0.0, {"general": Deterministic(1.0)}, arrival_times_min=()),
            ),
            (
                LaneGroup("general", "general", BoothSchedule((1,))),
                LaneGroup("nexus", "nexus", BoothSchedule((1,))),
            ),
            choice_rule=rule,
        )

    lew = run(spec("least_expected_wait"))
    sq = run(spec("shortest_queue"))
    np.testing.assert_array_equal(lew.group_index, [1, 0, 0])
    np.testing.assert_array_equal(lew.start_min, [0, 0, 0.4])
    np.testing.assert_array_equal(sq.group_index, [1, 0, 1])
    np.testing.assert_array_equal(sq.start_min, [0, 0, 1.0])
