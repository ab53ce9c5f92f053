"""What-if with paired replications: pairing, intervals, agreement with theory."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from borderflow.plan import apply_changes, combine_directions, paired_ci, whatif
from borderflow.sim import BoothSchedule, Exponential, LaneGroup, PortSpec, TrafficClass, simulate


def mmc(rate_per_min: float, booths: int, hours: int = 100) -> PortSpec:
    return PortSpec(
        name="M/M/c",
        direction="US-bound",
        horizon_hours=hours,
        classes=(TrafficClass("cars", 60.0 * rate_per_min, {"general": Exponential(1.0)}),),
        lane_groups=(LaneGroup("general", "general", BoothSchedule((booths,))),),
    )


def test_paired_ci_is_the_student_t_interval() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 3))
    x[4, 2] = np.nan
    mean, half = paired_ci(x)
    for j in range(3):
        col = x[:, j][~np.isnan(x[:, j])]
        ci = stats.t.interval(0.95, col.size - 1, loc=col.mean(), scale=stats.sem(col))
        assert mean[j] == pytest.approx(col.mean())
        assert half[j] == pytest.approx((ci[1] - ci[0]) / 2)


def test_a_scenario_equal_to_its_baseline_differs_by_exactly_zero() -> None:
    spec = mmc(8.0, 10, hours=4)
    res = whatif(spec, spec, replications=5, seed=2)
    assert res.paired_draws
    for fig in res.summary.values():
        assert fig["diff"] == 0.0
        assert fig["diff_ci95"] == 0.0 or np.isnan(fig["diff_ci95"])


def test_baseline_agrees_with_the_kernel_summary() -> None:
    spec = mmc(8.0, 10, hours=6)
    res = whatif(spec, apply_changes(spec, ["booths.general+=1"]), replications=6, seed=9)
    ref = simulate(spec, replications=6, seed=9)
    assert res.summary["mean_wait_min"]["baseline"] == pytest.approx(
        ref.summary["mean_wait_min"][0], rel=1e-12
    )
    assert res.summary["vehicles"]["baseline"] == pytest.approx(ref.summary["vehicles"][0])


def test_booth_change_keeps_the_vehicles_and_pairing_narrows_the_interval() -> None:
    spec = mmc(8.0, 10, hours=8)
    res = whatif(spec, apply_changes(spec, ["booths.general+=1@2-6"]), replications=12, seed=1)
    assert res.paired_draws
    assert np.all(res.hourly["vehicles"]["diff"] == 0)
    s = res.summary["mean_wait_min"]
    # Common random numbers: positively correlated pairs, a narrower interval.
    independent = np.hypot(s["baseline_ci95"], s["scenario_ci95"])
    assert s["diff_ci95"] < 0.8 * independent
    assert s["diff"] < 0
    assert res.summary["booth_hours"]["diff"] == 4.0


def test_demand_change_pairs_by_seed_and_matches_erlang_c() -> None:
    """M/M/10, mu = 1/min: lambda 8 -> 9.5 per min raises Wq from 0.20459 to 1.65117 min."""
    spec = mmc(8.0, 10, hours=60)
    res = whatif(spec, apply_changes(spec, ["demand*=1.1875"]), replications=10, seed=4)
    assert not res.paired_draws
    s = res.summary["mean_wait_min"]
    theory = 1.65117 - 0.20459
    # Starting empty biases both waits down a little; allow 5% besides the interval.
    assert abs(s["diff"] - theory) < s["diff_ci95"] + 0.05 * theory


def test_colocation_pools_two_single_booth_ports() -> None:
    """Two M/M/1 at rho = 0.5 (Wq = 1 min) against one M/M/2 serving both (Wq = 1/3 min)."""
    us = mmc(0.5, 1, hours=120)
    ca = PortSpec(
        name="other way",
        direction="Canada-bound",
        horizon_hours=120,
        classes=us.classes,
        lane_groups=us.lane_groups,
    )
    both = combine_directions(us, ca)
    res = whatif(both, apply_changes(both, ["colocate"]), replications=8, seed=5)
    assert res.paired_draws  # same classes: the same vehicles in both
    s = res.summary["mean_wait_min"]
    assert s["baseline"] == pytest.approx(1.0, rel=0.1)
    assert s["scenario"] == pytest.approx(1.0 / 3.0, rel=0.1)
    assert s["diff"] + s["diff_ci95"] < 0


def test_horizons_must_match() -> None:
    with pytest.raises(ValueError, match="horizon"):
        whatif(mmc(1.0, 2, hours=2), mmc(1.0, 2, hours=3), replications=2)
