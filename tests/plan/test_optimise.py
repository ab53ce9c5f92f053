"""Staffing optimiser: budget, bounds, exhaustive-search oracle, gain over the flat schedule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from borderflow.plan import OptimiseError, evaluate_schedule, optimise_schedule
from borderflow.plan._optimise_approx import (
    GroupLoad,
    analytic_cost,
    erlang_c,
    greedy_allocation,
)
from borderflow.sim import BoothSchedule, Exponential, LaneGroup, PortSpec, TrafficClass


def port(rates: tuple[float, ...], booths: tuple[int, ...], *, nexus: bool = False) -> PortSpec:
    classes = [TrafficClass("cars", rates, {"general": Exponential(1.0)})]
    groups = [LaneGroup("general", "general", BoothSchedule(booths))]
    if nexus:
        half = tuple(r / 2 for r in rates)
        classes.append(TrafficClass("nexus", half, {"nexus": Exponential(0.5)}))
        groups.append(LaneGroup("nexus", "nexus", BoothSchedule((1,) * len(rates))))
    return PortSpec("test", "US-bound", len(rates), tuple(classes), tuple(groups))


# ---- the analytic stage ------------------------------------------------------------------


def test_erlang_c_reference_values() -> None:
    # data/PARAMETERS.md: M/M/3, lambda 0.2, mu 0.1 per min: P(wait) = 4/9, Wq = 4.444 min.
    assert erlang_c(3, 2.0) == pytest.approx(4.0 / 9.0)
    assert erlang_c(3, 2.0) / (3 * 0.1 - 0.2) == pytest.approx(4.444, abs=1e-3)
    # M/M/10, mu = 1/min: lambda 8 -> Wq 0.20459; 9.5 -> 1.65117.
    assert erlang_c(10, 8.0) / (10 - 8.0) == pytest.approx(0.20459, abs=1e-5)
    assert erlang_c(10, 9.5) / (10 - 9.5) == pytest.approx(1.65117, abs=1e-5)
    assert erlang_c(2, 2.0) == 1.0


def test_analytic_cost_is_the_stationary_wait_without_carry_over() -> None:
    load = GroupLoad(np.array([480.0]), np.array([1.0]), np.array([1.0]))
    # 480 veh/h x Wq(M/M/10, rho 0.8) = 480 x 0.20459 min -> vehicle-hours.
    assert analytic_cost(load, [10], carryover=False) == pytest.approx(480 * 0.20459 / 60, rel=1e-4)


@pytest.mark.parametrize("budget", [9, 11, 14])
def test_greedy_is_optimal_for_the_separable_approximation(budget: int) -> None:
    """Without carry-over the cost is separable and convex: greedy = exhaustive."""
    loads = [
        GroupLoad(np.array([50.0, 150.0, 220.0, 90.0]), np.full(4, 1.0), np.ones(4)),
        GroupLoad(np.array([40.0, 80.0, 160.0, 20.0]), np.full(4, 0.5), np.ones(4)),
    ]
    lower = np.ones((2, 4), dtype=np.int64)
    upper = np.full((2, 4), 5, dtype=np.int64)
    cap = np.full(4, 6, dtype=np.int64)
    got = greedy_allocation(loads, lower, upper, cap, budget, carryover=False)
    assert got.sum() <= budget and np.all(got.sum(axis=0) <= cap) and np.all(got >= lower)

    def cost(b: np.ndarray) -> float:
        return sum(analytic_cost(loads[g], b[g], carryover=False) for g in range(2))

    best = min(
        cost(np.array(c).reshape(2, 4))
        for c in itertools.product(range(1, 6), repeat=8)
        if sum(c) <= budget and all(c[h] + c[4 + h] <= 6 for h in range(4))
    )
    assert cost(got) == pytest.approx(best, rel=1e-12)


# ---- the whole optimiser -----------------------------------------------------------------


def test_matches_exhaustive_search_by_simulation() -> None:
    """3 hours, 1-3 booths each, 6 booth-hours: the optimum over the same paired draws."""
    spec = port((40.0, 150.0, 70.0), (2, 2, 2))
    res = optimise_schedule(
        spec, budget=6, booths_per_hour=3, replications=8, validation_replications=4, seed=3
    )
    values = {
        c: evaluate_schedule(spec, [c], replications=8, seed=3)[0]
        for c in itertools.product(range(1, 4), repeat=3)
        if sum(c) <= 6
    }
    best = min(values.values())
    got = evaluate_schedule(spec, res.schedule, replications=8, seed=3)[0]
    assert got == pytest.approx(best, rel=1e-12)
    assert tuple(res.schedule[0]) == min(values, key=values.__getitem__)


def test_matches_exhaustive_search_with_two_lane_groups() -> None:
    spec = port((60.0, 180.0), (2, 2), nexus=True)
    res = optimise_schedule(
        spec, budget=7, booths_per_hour=5, replications=6, validation_replications=3, seed=1
    )
    values = {}
    for c in itertools.product(range(1, 5), repeat=4):
        b = np.array(c).reshape(2, 2)
        if b.sum() <= 7 and np.all(b.sum(axis=0) <= 5):
            values[c] = evaluate_schedule(spec, b, replications=6, seed=1)[0]
    got = evaluate_schedule(spec, res.schedule, replications=6, seed=1)[0]
    assert got == pytest.approx(min(values.values()), rel=1e-12)


def test_respects_the_budget_bounds_and_reports_the_gain_over_flat() -> None:
    rates = (20.0, 20.0, 60.0, 200.0, 260.0, 240.0, 120.0, 40.0)
    spec = port(rates, (3,) * 8)
    res = optimise_schedule(
        spec, budget=22, booths_per_hour=6, replications=6, validation_replications=10, seed=2
    )
    assert res.schedule.sum() <= 22 and res.flat.sum() <= 22
    assert np.all(res.schedule.sum(axis=0) <= 6)
    assert np.all(res.schedule >= 1)  # min_booths in every hour with traffic
    flat = res.comparison("flat")
    assert flat.booth_hours == 22
    # On fresh seeds the optimised schedule beats the flat one, significantly.
    assert flat.diff_min + flat.diff_ci95 < 0
    assert flat.improvement == pytest.approx(-flat.diff_min / flat.mean_delay_min)
    opt = res.comparison("optimised")
    assert opt.mean_delay_min == pytest.approx(flat.mean_delay_min + flat.diff_min)


def test_wait_target_uses_few_booth_hours_and_meets_the_target() -> None:
    rates = (30.0, 90.0, 240.0, 150.0)
    spec = port(rates, (6, 6, 6, 6))
    res = optimise_schedule(
        spec, target_p90=3.0, booths_per_hour=8, replications=6, validation_replications=4, seed=5
    )
    from borderflow.plan._optimise import _hourly_p90, draw_replications

    p90 = _hourly_p90(spec, res.schedule, draw_replications(spec, 6, 5))
    assert np.all(p90 <= 3.0)
    assert res.budget == res.schedule.sum() < 24
    # One booth fewer in the busiest hour misses the target (the search trimmed to it).
    fewer = res.schedule.copy()
    fewer[0, 2] -= 1
    assert _hourly_p90(spec, fewer, draw_replications(spec, 6, 5))[2] > 3.0


def test_only_the_chosen_groups_are_restaffed() -> None:
    spec = port((60.0, 180.0, 240.0, 90.0), (2, 2, 2, 2), nexus=True)
    res = optimise_schedule(
        spec, groups=["general"], booths_per_hour=6, replications=4, validation_replications=3
    )
    assert res.schedule[1].tolist() == [1, 1, 1, 1] == res.flat[1].tolist()
    assert res.schedule.sum() <= res.baseline.sum() and res.flat.sum() == res.baseline.sum()
    assert res.schedule[0].tolist() != [2, 2, 2, 2]
    with pytest.raises(OptimiseError, match="no scheduled lane group 'bus'"):
        optimise_schedule(spec, groups=["bus"], replications=2)


def test_budget_below_the_lower_bounds_is_an_error() -> None:
    with pytest.raises(OptimiseError, match="below"):
        optimise_schedule(port((60.0, 60.0, 60.0), (1, 1, 1)), budget=2, replications=2)
