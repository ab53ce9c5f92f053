"""Calibration recovers a known capacity from delays the simulator made (method v1)."""

from __future__ import annotations

import numpy as np
import pytest

from borderflow.plan import CalibrationDays, CapacityFit, fit_capacity, simulate_days
from tests.validation.theory import mmc_mean_wait

HOURS = np.arange(24)
TRUE_BOOTHS = np.where((HOURS >= 8) & (HOURS <= 18), 4, 2).astype(np.int64)
SERVICE = 0.6  # minutes: 4 booths clear 400 vehicles/hour


def _days(n: int, seed: int) -> CalibrationDays:
    """Days whose peak demand (about 520/h) exceeds the true capacity (400/h)."""
    profile = 0.01 + 0.09 * np.exp(-0.5 * ((HOURS - 11) / 3.0) ** 2)
    profile /= profile.sum()
    daily = np.random.default_rng(seed).uniform(4300, 5100, n)
    arrivals = daily[:, None] * profile[None, :]
    zero = np.zeros_like(arrivals)
    blank = CalibrationDays(arrivals, zero, np.zeros(n, dtype=np.int64), ("all",))
    truth = CapacityFit(
        SERVICE, TRUE_BOOTHS[None, :], TRUE_BOOTHS[None, :] * 60 / SERVICE,
        zero[:1], zero[:1], np.zeros((1, 24, 2), dtype=np.int64), 0.0, 8,
    )  # fmt: skip
    observed = simulate_days(blank, truth, seed=seed + 100)  # the "measurements"
    return CalibrationDays(arrivals, observed, np.zeros(n, dtype=np.int64), ("all",))


@pytest.fixture(scope="module")
def fitted() -> tuple[CalibrationDays, CapacityFit]:
    days = _days(16, seed=3)
    return days, fit_capacity(days, SERVICE, max_booths=8, seed=0)


def test_recovers_the_true_booths_where_queues_stand(
    fitted: tuple[CalibrationDays, CapacityFit],
) -> None:
    _, fit = fitted
    binding = fit.observed_delay_min[0] > 5.0  # a queue stands: capacity is identified
    assert binding.sum() >= 6
    lo, hi = fit.booth_range[0, :, 0], fit.booth_range[0, :, 1]
    inside = (lo <= TRUE_BOOTHS) & (hi >= TRUE_BOOTHS)
    assert inside[binding].mean() >= 0.8
    # Capacity at the peak hours within one booth of the truth.
    assert np.all(np.abs(fit.booths[0, binding] - TRUE_BOOTHS[binding]) <= 1)
    assert fit.rmse_min < 0.15 * np.nanmax(fit.observed_delay_min)


def test_hours_without_queues_only_bound_capacity_from_below(
    fitted: tuple[CalibrationDays, CapacityFit],
) -> None:
    _, fit = fitted
    quiet = fit.observed_delay_min[0] < 0.5
    assert quiet.sum() >= 6
    # More booths change nothing in a quiet hour: the range runs up to the port's count.
    assert np.all(fit.booth_range[0, quiet, 1] == fit.max_booths)


def test_validation_on_days_not_used_for_fitting(
    fitted: tuple[CalibrationDays, CapacityFit],
) -> None:
    _, fit = fitted
    other = _days(8, seed=11)
    sim = np.nanmean(simulate_days(other, fit, seed=5), axis=0)
    obs = np.nanmean(other.observed_delay_min, axis=0)
    peak = obs > 5.0
    assert np.mean(np.abs(sim[peak] - obs[peak])) < 0.2 * obs[peak].mean()


def test_capacity_not_booths_is_identified(
    fitted: tuple[CalibrationDays, CapacityFit],
) -> None:
    days, fit = fitted
    # Service twice as long: about twice the booths, the same capacity where it binds.
    slow = fit_capacity(days, 2 * SERVICE, max_booths=16, seed=0)
    binding = fit.observed_delay_min[0] > 5.0
    ratio = slow.capacity_per_h[0, binding].mean() / fit.capacity_per_h[0, binding].mean()
    assert 0.85 < ratio < 1.15
    assert slow.booths[0, binding].mean() > 1.6 * fit.booths[0, binding].mean()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="24"):
        CalibrationDays(np.ones((2, 23)), np.ones((2, 23)), np.zeros(2, np.int64), ("a",))
    with pytest.raises(ValueError, match="vehicles/hour"):
        CalibrationDays(-np.ones((1, 24)), np.ones((1, 24)), np.zeros(1, np.int64), ("a",))
    days = _days(2, seed=1)
    with pytest.raises(ValueError, match="service_min"):
        fit_capacity(days, 0.0, 4)


def test_replications_average_to_the_erlang_c_mean_wait() -> None:
    # Five booths, 240 cars/h, 1-minute exponential service (rho = 0.8): the average of
    # the hourly means over many replications estimates the M/M/5 mean wait in queue
    # (about 3% low: a mean of hourly means weighs a busy hour like a quiet one, and
    # busy hours wait longer; 200 replications add about 1.5% of noise).
    c, lam = 5, 240.0
    rates = np.full((1, 24), lam)
    booths = np.full((1, 24), c, dtype=np.int64)
    days = CalibrationDays(rates, np.zeros_like(rates), np.zeros(1, dtype=np.int64), ("all",))
    fit = CapacityFit(
        1.0, booths, booths * 60.0, rates, rates, np.zeros((1, 24, 2), dtype=np.int64), 0.0, c
    )
    theory = mmc_mean_wait(lam / 60.0, 1.0, c)
    many = np.mean(simulate_days(days, fit, seed=1, replications=200)[0][3:])  # 3-h warm-up
    assert many == pytest.approx(theory, rel=0.07)
    # one run scatters far more around it than the mean of 200 does
    single = [np.mean(simulate_days(days, fit, seed=s)[0][3:]) for s in range(20)]
    assert np.std(single) > 4 * abs(many - theory)
    with pytest.raises(ValueError, match="replications"):
        simulate_days(days, fit, replications=0)
