"""M(t)/M/c over a day, run until the queue drains, against the Kolmogorov solution.

The mean wait of a day's vehicles is estimated as total wait ÷ total vehicles pooled over
independent days (the ratio that Little's law gives the theory for), with a delta-method
standard error that must be well under the 3% tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    InitialQueue,
    LaneGroup,
    PortSpec,
    TrafficClass,
    draw_vehicles,
    replication_seeds,
    run_draws,
)
from tests.validation.ports import single_queue_spec
from tests.validation.theory import ratio_estimate, solve_mtmc, solve_scheduled

BOOTHS = 4
MEAN_SERVICE_MIN = 2.0  # capacity 4 × 30 = 120 vehicles/hour
# A weekday profile [vehicles/hour], peak at ρ ≈ 0.95.
# fmt: off
ORDINARY_DAY = (
    15, 10, 8, 8, 12, 25, 50, 80, 100, 104, 95, 90,
    100, 105, 108, 110, 114, 112, 100, 90, 70, 50, 35, 20,
)
# fmt: on
# The same day with a 16:00–18:00 peak above capacity (135 and 130 > 120 vehicles/hour).
OVERLOADED_DAY = (*ORDINARY_DAY[:16], 135, 130, *ORDINARY_DAY[18:])


def _day_estimate(rates: tuple[int, ...], days: int, seed: int) -> tuple[float, float, int]:
    spec = single_queue_spec(rates, Exponential(mean=MEAN_SERVICE_MIN), BOOTHS)
    totals = np.empty(days)
    counts = np.empty(days)
    for d, seq in enumerate(replication_seeds(seed, days)):
        rec = run_draws(spec, draw_vehicles(spec, seq), engine="compiled")
        w = rec.wait_min
        assert not np.isnan(w).any()
        totals[d] = w.sum()
        counts[d] = w.size
    mean, se = ratio_estimate(totals, counts)
    return mean, se, int(counts.sum())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "rates", "days", "seed"),
    [("ordinary", ORDINARY_DAY, 8000, 3001), ("overloaded", OVERLOADED_DAY, 8000, 3002)],
)
def test_day_mean_wait_matches_kolmogorov(
    name: str, rates: tuple[int, ...], days: int, seed: int
) -> None:
    theory = solve_mtmc(rates, BOOTHS, MEAN_SERVICE_MIN, grid_per_hour=6)
    assert theory.escaped_mass < 1e-9
    if name == "overloaded":
        # The chosen peak really exceeds capacity: the expected queue keeps growing.
        assert theory.queue_length[18 * 6] > theory.queue_length[16 * 6] + 10
    mean, se, n = _day_estimate(rates, days, seed)
    rel_err, rel_se = mean / theory.mean_wait_min - 1.0, se / theory.mean_wait_min
    print(
        f"{name} day: W={mean:.4f} Kolmogorov={theory.mean_wait_min:.4f} "
        f"err={rel_err:+.3%} se={rel_se:.3%} days={days} vehicles={n:,}"
    )
    assert rel_se < 0.03 / 4
    assert abs(rel_err) < 0.03


def test_expected_arrivals_match_the_rate_profile() -> None:
    # The same days' vehicle counts against ∫λ (a check of the draws feeding the test).
    spec = single_queue_spec(OVERLOADED_DAY, Exponential(mean=MEAN_SERVICE_MIN), BOOTHS)
    counts = [draw_vehicles(spec, s).n for s in replication_seeds(3003, 400)]
    expected = float(sum(OVERLOADED_DAY))
    assert np.mean(counts) == pytest.approx(expected, abs=4 * np.sqrt(expected / 400))


# Booths open per hour (4 booths of 2 min = 120 vehicles/h): booths close at 10:00,
# 18:00, 20:00 and 22:00 while the ordinary day's queue is long (ρ > 1 in those hours),
# so the count rule (a closing booth finishes its vehicle) matters.
SCHEDULE = (1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 3, 3, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1)


def _hourly_queue_integral(arrival: np.ndarray, start: np.ndarray, hours: int) -> np.ndarray:
    """∫ over each hour of the number waiting (vehicle-minutes), from per-vehicle times."""
    lo = 60.0 * np.arange(hours)
    a = np.clip(arrival[:, None], lo, lo + 60.0)
    s = np.clip(start[:, None], lo, lo + 60.0)
    return (s - a).sum(axis=0)


@pytest.mark.slow
def test_scheduled_day_matches_kolmogorov_with_the_count_rule() -> None:
    theory = solve_scheduled(ORDINARY_DAY, SCHEDULE, MEAN_SERVICE_MIN)
    assert theory.escaped_mass < 1e-9
    spec = PortSpec(
        name="scheduled day",
        direction="US-bound",
        horizon_hours=24,
        classes=(
            TrafficClass(
                "cars", tuple(float(r) for r in ORDINARY_DAY), {"general": Exponential(2.0)}
            ),
        ),
        lane_groups=(LaneGroup("booths", "general", BoothSchedule(SCHEDULE)),),
    )
    days = 6000
    totals, counts = np.empty(days), np.empty(days)
    hourly = np.empty((days, 24))
    for d, seq in enumerate(replication_seeds(3004, days)):
        rec = run_draws(spec, draw_vehicles(spec, seq), engine="compiled")
        w = rec.wait_min
        totals[d], counts[d] = w.sum(), w.size
        hourly[d] = _hourly_queue_integral(rec.arrival_min, rec.start_min, 24)
    mean, se = ratio_estimate(totals, counts)
    rel_err, rel_se = mean / theory.mean_wait_min - 1.0, se / theory.mean_wait_min
    print(
        f"scheduled day: W={mean:.4f} Kolmogorov={theory.mean_wait_min:.4f} "
        f"err={rel_err:+.3%} se={rel_se:.3%} days={days}"
    )
    assert rel_se < 0.03 / 4
    assert abs(rel_err) < 0.03
    # Hour by hour: the time-average queue against the forward equations (4 std. errors).
    sim_q = hourly.mean(axis=0) / 60.0
    se_q = hourly.std(axis=0, ddof=1) / np.sqrt(days) / 60.0
    th_q = theory.hourly_queue_integral / 60.0
    for h in range(24):
        print(f"  {h:02d}h booths={SCHEDULE[h]} Lq sim={sim_q[h]:8.4f} theory={th_q[h]:8.4f}")
    assert np.all(np.abs(sim_q - th_q) < 4.0 * se_q + 1e-9)
    # The closing hours carry real queues (the test exercises the count rule).
    assert th_q[[10, 18, 20, 22]].min() > 1.0


@pytest.mark.slow
def test_day_with_an_initial_queue_matches_kolmogorov() -> None:
    # Starting a forecast from "now": 60 vehicles already waiting at t = 0.
    backlog = 60
    theory = solve_mtmc(ORDINARY_DAY, BOOTHS, MEAN_SERVICE_MIN, initial_vehicles=backlog)
    assert theory.escaped_mass < 1e-9
    spec = PortSpec(
        name="backlog",
        direction="US-bound",
        horizon_hours=24,
        classes=(
            TrafficClass(
                "cars", tuple(float(r) for r in ORDINARY_DAY), {"general": Exponential(2.0)}
            ),
        ),
        lane_groups=(LaneGroup("booths", "general", BoothSchedule((BOOTHS,))),),
        initial_queue=(InitialQueue("booths", "cars", backlog),),
    )
    days = 8000
    totals, counts = np.empty(days), np.empty(days)
    for d, seq in enumerate(replication_seeds(3005, days)):
        w = run_draws(spec, draw_vehicles(spec, seq), engine="compiled").wait_min
        totals[d], counts[d] = w.sum(), w.size
    mean, se = ratio_estimate(totals, counts)
    rel_err, rel_se = mean / theory.mean_wait_min - 1.0, se / theory.mean_wait_min
    print(
        f"day with backlog {backlog}: W={mean:.4f} Kolmogorov={theory.mean_wait_min:.4f} "
        f"err={rel_err:+.3%} se={rel_se:.3%} days={days}"
    )
    assert rel_se < 0.03 / 4
    assert abs(rel_err) < 0.03


@pytest.mark.slow
def test_no_drain_queue_at_the_end_matches_kolmogorov() -> None:
    # Stop at 18:00, in the middle of the overload: drain=False leaves vehicles waiting.
    rates = OVERLOADED_DAY[:18]
    theory = solve_mtmc(rates, BOOTHS, MEAN_SERVICE_MIN, grid_per_hour=1)
    spec = single_queue_spec(rates, Exponential(mean=MEAN_SERVICE_MIN), BOOTHS, drain=False)
    horizon = 60.0 * len(rates)
    days = 3000
    left = np.empty(days)
    area = np.empty(days)
    for d, seq in enumerate(replication_seeds(3006, days)):
        rec = run_draws(spec, draw_vehicles(spec, seq), engine="compiled")
        left[d] = rec.waiting_at_end.sum()
        # Queue-time inside the horizon; never-started vehicles wait until its end.
        start = np.where(np.isnan(rec.start_min), horizon, np.minimum(rec.start_min, horizon))
        area[d] = float(np.sum(start - rec.arrival_min))
    exp_left, exp_area = theory.queue_length[-1], theory.queue_integral_horizon
    se_left = left.std(ddof=1) / np.sqrt(days)
    se_area = area.std(ddof=1) / np.sqrt(days)
    print(
        f"no drain: waiting at end {left.mean():.3f} (theory {exp_left:.3f}, se {se_left:.3f}); "
        f"queue area {area.mean():.1f} (theory {exp_area:.1f}, se {se_area:.1f})"
    )
    assert exp_left > 10.0
    assert abs(left.mean() - exp_left) < 4 * se_left
    assert abs(area.mean() - exp_area) < 4 * se_area
    assert se_left / exp_left < 0.02
