"""The pure-Python reference engine against theory on small cases.

Runs are short (the reference engine is slow), so tolerances are stated as 4 standard
errors of each estimate (batch means or replications), computed and printed here.
"""

from __future__ import annotations

import math

import numpy as np

from borderflow.sim import (
    Deterministic,
    Exponential,
    draw_vehicles,
    replication_seeds,
    run_draws,
    run_replication,
)
from tests.validation.ports import mgc_spec, single_queue_spec
from tests.validation.theory import (
    batch_means_se,
    mmc_mean_wait,
    pk_mean_wait,
    ratio_estimate,
    solve_mtmc,
)


def test_reference_mm3_against_erlang_c() -> None:
    lam, c = 2.1, 3  # ρ = 0.7
    rec = run_replication(
        mgc_spec(lam, Exponential(mean=1.0), c, 300_000), 5001, engine="reference"
    )
    w = rec.wait_min
    theory = mmc_mean_wait(lam, 1.0, c)
    se = batch_means_se(w, 50)
    print(f"reference M/M/3: W={w.mean():.4f} Erlang C={theory:.4f} se={se / theory:.2%}")
    assert se / theory < 0.02
    assert abs(w.mean() - theory) < 4 * se


def test_reference_md1_against_pollaczek_khinchine() -> None:
    rho = 0.7
    rec = run_replication(
        mgc_spec(rho, Deterministic(value=1.0), 1, 100_000), 5002, engine="reference"
    )
    w = rec.wait_min
    theory = pk_mean_wait(rho, 1.0, 0.0)
    se = batch_means_se(w, 50)
    print(f"reference M/D/1: W={w.mean():.4f} PK={theory:.4f} se={se / theory:.2%}")
    assert se / theory < 0.03
    assert abs(w.mean() - theory) < 4 * se


def test_reference_time_varying_against_kolmogorov() -> None:
    # Eight hours, 2 booths of 1 min (capacity 120/h), peak 140/h for an hour.
    rates = (40, 80, 110, 140, 115, 90, 60, 30)
    spec = single_queue_spec(rates, Exponential(mean=1.0), 2)
    theory = solve_mtmc(rates, 2, 1.0).mean_wait_min
    days = 800
    totals, counts = np.empty(days), np.empty(days)
    for d, seq in enumerate(replication_seeds(5003, days)):
        w = run_draws(spec, draw_vehicles(spec, seq), engine="reference").wait_min
        totals[d], counts[d] = w.sum(), w.size
    mean, se = ratio_estimate(totals, counts)
    print(f"reference M(t)/M/2: W={mean:.4f} Kolmogorov={theory:.4f} se={se / theory:.2%}")
    assert math.isfinite(theory)
    assert se / theory < 0.03
    assert abs(mean - theory) < 4 * se
