"""Long-run M/M/c and M/G/1 mean waits of the FAST engine against closed-form theory.

Seeds are fixed here once (seed = 1000 + row number of the table below) and were not
chosen by looking at results. Each case runs enough independent 10^7-vehicle replications
that the tolerance is at least 3 standard errors of the estimate (batch means, printed);
see docs/validation.md for the table of expected errors.
"""

from __future__ import annotations

import math

import pytest

from borderflow.sim import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
)
from tests.validation.ports import long_run_mean_wait, mgc_spec
from tests.validation.theory import mm1_mean_wait_asymptotic_variance, mmc_mean_wait, pk_mean_wait

# (servers c, utilisation ρ, tolerance, replications of 10^7 vehicles); mean service 1 min.
MMC_CASES = [
    (1, 0.8, 0.01, 2),
    (1, 0.9, 0.01, 5),
    (3, 0.9, 0.01, 6),
    (10, 0.9, 0.01, 8),
    (1, 0.95, 0.02, 5),
    (3, 0.95, 0.02, 5),
    (10, 0.95, 0.02, 5),
]
VEHICLES_PER_REPLICATION = 10_000_000


@pytest.mark.slow
@pytest.mark.parametrize(("row", "case"), list(enumerate(MMC_CASES)), ids=lambda v: str(v))
def test_mmc_mean_wait_matches_erlang_c(row: int, case: tuple[int, float, float, int]) -> None:
    c, rho, tol, reps = case
    lam = rho * c  # vehicles/minute with a 1-minute mean service
    spec = mgc_spec(lam, Exponential(mean=1.0), c, VEHICLES_PER_REPLICATION)
    est = long_run_mean_wait(spec, seed=1000 + row, replications=reps)
    theory = mmc_mean_wait(lam, 1.0, c)
    rel_err, rel_se = est.mean / theory - 1.0, est.se / theory
    print(
        f"M/M/{c} rho={rho}: W={est.mean:.5f} Erlang C={theory:.5f} err={rel_err:+.4%} "
        f"se={rel_se:.4%} n={est.vehicles:,}"
    )
    assert est.vehicles >= 0.99e7 * reps
    if c == 1:
        # Batch means agree with Daley's exact asymptotic variance of the M/M/1 mean wait.
        daley = math.sqrt(mm1_mean_wait_asymptotic_variance(rho, 1.0) / est.vehicles)
        print(f"  Daley se={daley / theory:.4%}")
        assert est.se == pytest.approx(daley, rel=0.25)
    # The design promise: the tolerance is at least about 3 standard errors.
    assert rel_se < tol / 2.5
    assert abs(rel_err) < tol


SCV_LOGNORMAL = 1.5
# (name, distribution with mean 1 min, its SCV, ρ, replications of 10^7 vehicles)
MG1_CASES: list[tuple[str, Distribution, float, float, int]] = [
    ("M/D/1", Deterministic(value=1.0), 0.0, 0.8, 1),
    ("M/E3/1", Erlang(k=3, mean=1.0), 1.0 / 3.0, 0.8, 1),
    ("M/LN/1", Lognormal(mean=1.0, sd=SCV_LOGNORMAL**0.5), SCV_LOGNORMAL, 0.8, 2),
    # Resampled observations with mean 1 and population SCV 0.3542.
    ("M/Emp/1", Empirical(samples=(0.25, 0.5, 0.75, 1.0, 1.5, 2.0)), 8.125 / 6 - 1, 0.8, 1),
]


@pytest.mark.slow
@pytest.mark.parametrize(("row", "case"), list(enumerate(MG1_CASES)), ids=lambda v: str(v))
def test_mg1_mean_wait_matches_pollaczek_khinchine(
    row: int, case: tuple[str, Distribution, float, float, int]
) -> None:
    name, dist, scv, rho, reps = case
    assert dist.mean == pytest.approx(1.0)
    assert dist.variance == pytest.approx(scv)
    spec = mgc_spec(rho, dist, 1, VEHICLES_PER_REPLICATION)
    est = long_run_mean_wait(spec, seed=2000 + row, replications=reps)
    theory = pk_mean_wait(rho, 1.0, scv)
    rel_err, rel_se = est.mean / theory - 1.0, est.se / theory
    print(
        f"{name} rho={rho}: W={est.mean:.5f} PK={theory:.5f} err={rel_err:+.4%} "
        f"se={rel_se:.4%} n={est.vehicles:,}"
    )
    assert rel_se < 0.01 / 2.5
    assert abs(rel_err) < 0.01
