"""M(t)/M/c over a day, run until the queue drains, against the Kolmogorov solution.

The mean wait of a day's vehicles is estimated as total wait ÷ total vehicles pooled over
independent days (the ratio that Little's law gives the theory for), with a delta-method
standard error that must be well under the 3% tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from borderflow.sim import Exponential, draw_vehicles, replication_seeds, run_draws
from validation.ports import single_queue_spec
from validation.theory import ratio_estimate, solve_mtmc

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
        rec = run_draws(spec, draw_vehicles(spec, seq), engine="fast")
        w = rec.wait_min
        assert not np.isnan(w).any()
        totals[d] = w.sum()
        counts[d] = w.size
    mean, se = ratio_estimate(totals, counts)
    return mean, se, int(counts.sum())


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
