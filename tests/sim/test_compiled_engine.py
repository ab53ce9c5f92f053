"""The fast engine on hand-worked traces, its three paths against each other, its cache.

Expected values below are worked out by hand from the contract
(``docs/kernel-semantics.md``), not printed by the engine. Every case also runs through
the independent reference engine, and every compiled path must match it field by field.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from borderflow.sim import (
    LANE_TYPES,
    BoothSchedule,
    Deterministic,
    Exponential,
    InitialQueue,
    LaneGroup,
    PortSpec,
    QueueTrigger,
    Secondary,
    TrafficClass,
    VehicleDraws,
    VehicleRecords,
    draw_vehicles,
)
from borderflow.sim._compiled import compile_port, run_compiled, run_mgc_arrays
from borderflow.sim._reference import run_reference

NAN = np.nan


def make_draws(
    spec: PortSpec,
    arrival: Sequence[float],
    cls: Sequence[int],
    service: dict[str, Sequence[float]],
    referred: Sequence[bool] | None = None,
    secondary: Sequence[float] | None = None,
    initial_group: Sequence[int] = (),
) -> VehicleDraws:
    """Hand-made draws: ``service`` maps a lane type to every vehicle's time there."""
    n = len(arrival)
    lts = spec.service_lane_types
    svc = np.full((n, len(lts)), np.nan)
    for name, values in service.items():
        svc[:, lts.index(LANE_TYPES.index(name))] = values
    return VehicleDraws(
        arrival_min=np.asarray(arrival, dtype=np.float64),
        class_index=np.asarray(cls, dtype=np.int32),
        service_min=svc,
        service_lane_types=lts,
        referred=np.zeros(n, np.bool_) if referred is None else np.asarray(referred),
        secondary_min=np.full(n, np.nan) if secondary is None else np.asarray(secondary, float),
        initial_group=np.asarray(initial_group, dtype=np.int64),
    )


def one_group(booths: tuple[int, ...], horizon: int, drain: bool = True) -> PortSpec:
    return PortSpec(
        "hand",
        "US-bound",
        horizon,
        classes=(TrafficClass("car", 0.0, {"general": Deterministic(1.0)}),),
        lane_groups=(LaneGroup("g", "general", BoothSchedule(booths)),),
        drain=drain,
    )


def two_groups(choice_rule: str = "least_expected_wait") -> PortSpec:
    return PortSpec(
        "hand",
        "US-bound",
        1,
        classes=(
            TrafficClass("car", 0.0, {"general": Exponential(2.0)}),
            TrafficClass("nexus", 0.0, {"general": Exponential(2.0), "nexus": Exponential(1.0)}),
        ),
        lane_groups=(
            LaneGroup("gen", "general", BoothSchedule((2,))),
            LaneGroup("nex", "nexus", BoothSchedule((1,))),
        ),
        secondary=Secondary(1),
        choice_rule=choice_rule,
    )


def all_paths(spec: PortSpec, draws: VehicleDraws) -> list[VehicleRecords]:
    """Records from every compiled path able to run ``spec``, each checked field by field
    against the independent reference engine."""
    paths = ("single", "schedule", "events")
    first = paths.index(compile_port(spec).path)
    runs = [run_compiled(spec, draws, path=p) for p in paths[first:]]  # type: ignore[arg-type]
    ref = run_reference(spec, draws)
    for p, rec in zip(paths[first:], runs, strict=True):
        assert rec.mismatches(ref) == [], p
    return runs


def check(
    spec: PortSpec,
    draws: VehicleDraws,
    start: Sequence[float],
    booth: Sequence[int],
    group: Sequence[int] | None = None,
) -> list[VehicleRecords]:
    runs = all_paths(spec, draws)
    for rec in runs:
        np.testing.assert_array_equal(rec.start_min, start)
        np.testing.assert_array_equal(rec.booth_index, booth)
        svc = draws.group_service_min(spec)[np.arange(draws.n), rec.group_index]
        np.testing.assert_array_equal(rec.end_min, np.asarray(start) + svc)
        if group is not None:
            np.testing.assert_array_equal(rec.group_index, group)
        assert rec.mismatches(runs[0]) == []
    return runs


def test_closing_booth_finishes_its_vehicle() -> None:
    # 2 booths in hour 0, 1 in hour 1: A and B (70 min each) keep both booths busy past
    # t = 60; C (arrives 50) starts when both are done and busy (0) < open (1); D waits
    # behind C because busy (1) = open (1) until C ends at 80.
    spec = one_group((2, 1), 2)
    d = make_draws(spec, [0, 0, 50, 65], [0] * 4, {"general": [70, 70, 10, 5]})
    check(spec, d, start=[0, 0, 70, 80], booth=[0, 1, 0, 0])


def test_opening_at_boundary_with_a_completion_at_the_same_instant() -> None:
    # Hour 1 opens a 2nd booth at t = 60 when A also ends: B and C both start at 60; B takes
    # booth 0 (A's end 60 <= 60), C booth 1.
    spec = one_group((1, 2), 2)
    d = make_draws(spec, [0, 10, 20], [0] * 3, {"general": [60, 5, 5]})
    check(spec, d, start=[0, 60, 60], booth=[0, 0, 1])


def test_drain_uses_schedule_maximum_when_last_hour_is_closed() -> None:
    # Booths (2, 0): B (arrives 10, 100 min) finishes after closing; A arrives at 70 with
    # nothing open and starts at the horizon end (120) when the drain count (max = 2) opens.
    d_args = ([10, 70], [0, 0], {"general": [100, 5]})
    spec = one_group((2, 0), 2)
    check(spec, make_draws(spec, *d_args), start=[10, 120], booth=[0, 0])
    spec_nd = one_group((2, 0), 2, drain=False)
    for rec in all_paths(spec_nd, make_draws(spec_nd, *d_args)):
        np.testing.assert_array_equal(rec.start_min, [10, NAN])
        np.testing.assert_array_equal(rec.end_min, [110, NAN])
        np.testing.assert_array_equal(rec.booth_index, [0, -1])


def test_no_drain_keeps_end_after_stop_and_skips_late_secondary() -> None:
    spec = PortSpec(
        "hand",
        "US-bound",
        1,
        classes=(
            TrafficClass(
                "car",
                0.0,
                {"general": Deterministic(1.0)},
                referral_probability=0.5,
                secondary_service=Deterministic(1.0),
            ),
        ),
        lane_groups=(LaneGroup("g", "general", BoothSchedule((2,))),),
        secondary=Secondary(1),
        drain=False,
    )
    # v0 0-50, secondary 50-65. v1 10-55, its secondary would start at 65 >= 60: never.
    # v2 50-90: ends after the stop (kept), no secondary. v3 55-56, v4 56-57, v5 59-60.
    # v6 (arrives 59.5) would start at 60 >= 60: never.
    d = make_draws(
        spec,
        [0, 10, 20, 30, 40, 59, 59.5],
        [0] * 7,
        {"general": [50, 45, 40, 1, 1, 1, 1]},
        referred=[True, True, True, False, False, False, False],
        secondary=[15, 3, 1, 1, 1, 1, 1],
    )
    for rec in check(spec, d, start=[0, 10, 50, 55, 56, 59, NAN], booth=[0, 1, 0, 1, 1, 1, -1]):
        np.testing.assert_array_equal(rec.secondary_start_min, [50] + [NAN] * 6)
        np.testing.assert_array_equal(rec.secondary_end_min, [65] + [NAN] * 6)


@pytest.mark.parametrize(
    ("rule", "groups", "start", "booth"),
    [
        # gen: 2 booths, mean 2 for nexus cars; nex: 1 booth, mean 1. All services last 10.
        # Least expected wait E = max(0, n - o + 1) / o * mean:
        # v0 (nexus, t=0): E_gen = max(0, 0 - 2 + 1) / 2 * 2 = 0 = E_nex -> tie -> most
        #   specialised (nex), ends 10. v1 (nexus, 0.25): E_nex = (1 - 1 + 1) / 1 * 1 = 1,
        #   E_gen = 0 -> gen booth 0. v2 (nexus, 0.5): E_nex = 1, E_gen = max(0, 1 - 2 + 1)
        #   / 2 * 2 = 0 (a booth is free) -> gen booth 1. v3 (car, 0.75): gen only, both
        #   booths busy -> waits for v1 (ends 10.25), booth 0.
        ("least_expected_wait", [1, 0, 0, 0], [0, 0.25, 0.5, 10.25], [0, 0, 1, 0]),
        # Least work per booth E = n / o * mean (the format-version-1 default):
        # v0: tie at 0 -> nex. v1: E_nex = 1/1*1, E_gen = 0 -> gen. v2: E_nex = (1/1)*1
        # = 1, E_gen = (1/2)*2 = 1: tie -> nex, waits for v0 (ends 10). v3 (car): gen only,
        # booth 1 is free.
        ("least_work_per_booth", [1, 0, 1, 0], [0, 0.25, 10, 0.75], [0, 0, 0, 1]),
        # Shortest queue: v2 sees n/o = 1 (nex) vs 1/2 (gen) -> gen; v3 then waits for
        # v1 (ends 10.25).
        ("shortest_queue", [1, 0, 0, 0], [0, 0.25, 0.5, 10.25], [0, 0, 1, 0]),
    ],
)
def test_choice_rule_and_specialised_ties(
    rule: str, groups: list[int], start: list[float], booth: list[int]
) -> None:
    spec = two_groups(rule)
    d = make_draws(
        spec,
        [0, 0.25, 0.5, 0.75],
        [1, 1, 1, 0],
        {"general": [10, 10, 10, 10], "nexus": [10, 10, 10, NAN]},
    )
    check(spec, d, start=start, booth=booth, group=groups)


def test_expected_wait_rule_counts_free_booths() -> None:
    # gen: 2 booths (mean 2 for nexus cars), nex: 1 booth (mean 1); services last 10.
    # Three nexus cars at t = 0, 0, 0, then one at t = 1:
    # v0: tie at E = 0 -> nex. v1: E_nex = 1 * 1 = 1, E_gen = 0 -> gen b0.
    # v2: E_nex = 1, E_gen = max(0, 1 - 1) / 2 * 2 = 0 -> gen b1.
    # v3 (t=1): E_nex = (1 - 1 + 1) / 1 * 1 = 1, E_gen = (2 - 2 + 1) / 2 * 2 = 1: tie ->
    #   nex (more specialised), waits for v0 (ends 10).
    # The old rule (n / o * mean) gives v2 E_gen = 1/2 * 2 = 1 = E_nex -> nex instead
    # (waits for v0 until 10); then v3 sees E_nex = 2/1 * 1 = 2, E_gen = 1/2 * 2 = 1 -> gen
    # booth 1 at once.
    spec = two_groups("least_expected_wait")
    d = make_draws(spec, [0, 0, 0, 1], [1, 1, 1, 1], {"general": [10] * 4, "nexus": [10] * 4})
    check(spec, d, start=[0, 0, 0, 10], booth=[0, 0, 1, 0], group=[1, 0, 0, 1])
    old = two_groups("least_work_per_booth")
    check(old, d, start=[0, 0, 10, 1], booth=[0, 0, 0, 1], group=[1, 0, 1, 0])


@pytest.mark.parametrize("rule", ["least_expected_wait", "least_work_per_booth"])
@pytest.mark.parametrize("drain", [True, False])
def test_choice_counts_under_long_queues_match_the_reference(rule: str, drain: bool) -> None:
    # n_g(a), the vehicles of a group not finished at a, through long queues: booths
    # close in hour 1 (general) and hour 2 (nexus), vehicles are stranded with drain =
    # false, both groups start with a queue, and every arrival and service time lies on a
    # quarter-minute grid, so completions fall on arrival instants (they count first).
    spec = PortSpec(
        "ties",
        "US-bound",
        3,
        classes=(
            TrafficClass(
                "car",
                0.0,
                {"general": Deterministic(1.5)},
                arrival_times_min=tuple(0.75 * k for k in range(240)),
            ),
            TrafficClass(
                "nexus",
                0.0,
                {"general": Deterministic(1.0), "nexus": Deterministic(0.5)},
                arrival_times_min=tuple(0.5 * k for k in range(360)),
            ),
        ),
        lane_groups=(
            LaneGroup("gen", "general", BoothSchedule((3, 1, 2))),
            LaneGroup("nex", "nexus", BoothSchedule((1, 2, 0))),
        ),
        initial_queue=(InitialQueue("gen", "car", 10), InitialQueue("nex", "nexus", 4)),
        choice_rule=rule,
        drain=drain,
    )
    runs = all_paths(spec, draw_vehicles(spec, np.random.SeedSequence(0)))
    waits = runs[0].wait_min
    assert np.nanmax(waits) >= 45.0  # the queues are long
    assert np.isnan(waits).any() != drain  # stranded vehicles only without the drain
    assert set(runs[0].group_index[runs[0].class_index == 1]) == {0, 1}  # both chosen


def test_initial_queue_joins_its_group_without_choice() -> None:
    spec = two_groups()
    # Two nexus-class vehicles already queued in the general group (vehicles 0 and 1);
    # choice would have sent the 1st to the more specialised nexus group.
    d = make_draws(
        spec,
        [0, 0, 0.5],
        [1, 1, 1],
        {"general": [5, 5, 5], "nexus": [5, 5, 5]},
        initial_group=[0, 0],
    )
    # v2: E_gen = (2/2)*2 = 2, E_nex = 0 -> nex.
    check(spec, d, start=[0, 0, 0.5], booth=[0, 1, 0], group=[0, 0, 1])


def test_secondary_order_is_primary_end_then_index() -> None:
    spec = PortSpec(
        "hand",
        "US-bound",
        1,
        classes=(
            TrafficClass(
                "car",
                0.0,
                {"general": Deterministic(1.0)},
                referral_probability=1.0,
                secondary_service=Deterministic(1.0),
            ),
            TrafficClass(
                "nexus",
                0.0,
                {"nexus": Deterministic(1.0)},
                referral_probability=1.0,
                secondary_service=Deterministic(1.0),
            ),
        ),
        lane_groups=(
            LaneGroup("gen", "general", BoothSchedule((1,))),
            LaneGroup("nex", "nexus", BoothSchedule((1,))),
        ),
        secondary=Secondary(1),
    )
    # v1 (car) starts 10 ends 14; v2 (nexus) starts 2 ends 14: both join secondary at 14;
    # v1 first by index although v2 started earlier. v0 joins at 10 (10-11).
    d = make_draws(
        spec,
        [0, 1, 2],
        [0, 0, 1],
        {"general": [10, 4, NAN], "nexus": [NAN, NAN, 12]},
        referred=[True, True, True],
        secondary=[1, 3, 2],
    )
    for rec in check(spec, d, start=[0, 10, 2], booth=[0, 0, 0], group=[0, 0, 1]):
        np.testing.assert_array_equal(rec.secondary_start_min, [10, 14, 17])
        np.testing.assert_array_equal(rec.secondary_end_min, [11, 17, 19])


def test_queue_trigger_hand_trace() -> None:
    # min 1, max 3, open above 1.0 waiting per booth, close below 0.5; 10-min services.
    # t=2: 2 waiting / 1 > 1 -> open 2, v1 starts. t=4: 3/2 > 1 -> open 3, v2 starts.
    # t=10: v0 done, v3 starts, 1 waiting / 3 < 0.5 -> close to 2 (1/2 not < 0.5).
    # t=12: v1 done, busy 2 = open 2. t=14: v2 done, v4 starts (booth 1), 0/2 -> close to 1.
    spec = PortSpec(
        "hand",
        "Canada-bound",
        1,
        classes=(TrafficClass("car", 0.0, {"general": Deterministic(10.0)}),),
        lane_groups=(LaneGroup("g", "general", QueueTrigger(1, 3, 1.0, 0.5)),),
    )
    d = make_draws(spec, [0, 1, 2, 3, 4], [0] * 5, {"general": [10] * 5})
    (rec,) = check(spec, d, start=[0, 2, 4, 10, 14], booth=[0, 1, 2, 0, 1])
    ch = rec.staffing_changes
    np.testing.assert_array_equal(ch.time_min, [2, 4, 10, 14])
    np.testing.assert_array_equal(ch.group, [0, 0, 0, 0])
    np.testing.assert_array_equal(ch.open, [2, 3, 2, 1])


def test_trigger_with_zero_minimum_opens_on_demand() -> None:
    # min 0: the first arrival sees waiting 1 / 0 booths = +inf > 1 -> open 1 (1/1 is not
    # > 1); after its start 0 waiting / 1 is not < 0: stays open.
    spec = PortSpec(
        "hand",
        "Canada-bound",
        1,
        classes=(TrafficClass("car", 0.0, {"general": Deterministic(10.0)}),),
        lane_groups=(LaneGroup("g", "general", QueueTrigger(0, 2, 1.0, 0.0)),),
    )
    d = make_draws(spec, [5], [0], {"general": [10]})
    (rec,) = check(spec, d, start=[5], booth=[0])
    np.testing.assert_array_equal(rec.staffing_changes.open, [1])


def test_mmc_paths_agree_and_kw_recursion() -> None:
    # M/M/3 at rho = 0.9 for 4 hours; the three paths agree bit for bit, and the start
    # times equal an independent earliest-free-booth (Kiefer-Wolfowitz) recursion.
    spec = PortSpec(
        "mmc",
        "US-bound",
        4,
        classes=(TrafficClass("car", 162.0, {"general": Exponential(1.0)}),),
        lane_groups=(LaneGroup("g", "general", BoothSchedule((3,))),),
    )
    d = draw_vehicles(spec, np.random.SeedSequence(7))
    runs = all_paths(spec, d)
    assert len(runs) == 3
    for rec in runs[1:]:
        assert rec.mismatches(runs[0]) == []
    free = [0.0, 0.0, 0.0]
    expect = np.empty(d.n)
    for i, (a, s) in enumerate(zip(d.arrival_min, d.service_min[:, 0], strict=True)):
        b = int(np.argmin(free))
        expect[i] = max(a, free[b])
        free[b] = expect[i] + s
    np.testing.assert_array_equal(runs[0].start_min, expect)
    start, end, booth = run_mgc_arrays(d.arrival_min, d.service_min[:, 0], 3)
    np.testing.assert_array_equal(end, runs[0].end_min)
    np.testing.assert_array_equal(start, expect)
    np.testing.assert_array_equal(booth, runs[0].booth_index)


def test_rejects_unsorted_arrivals() -> None:
    spec = one_group((1,), 1)
    d = make_draws(spec, [5, 1], [0, 0], {"general": [1, 1]})
    with pytest.raises(ValueError, match="non-decreasing"):
        run_compiled(spec, d)


def test_cache_dir_defaults_to_the_repository_when_unset() -> None:
    # numba reads NUMBA_CACHE_DIR once, at import: the fast engine must set it first.
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    code = "import borderflow.sim._compiled, numba; print(numba.config.CACHE_DIR)"
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    repo = Path(__file__).resolve().parents[2]
    assert Path(proc.stdout.strip().splitlines()[-1]) == repo / ".cache" / "numba"
