"""The test-side theory is itself checked against published values and against itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.validation.theory import (
    batch_means_se,
    erlang_b,
    erlang_c,
    gim1_mean_wait,
    mm1_mean_wait_asymptotic_variance,
    mmc_mean_wait,
    pk_mean_wait,
    ratio_estimate,
    solve_mtmc,
    solve_scheduled,
)


def test_erlang_c_mm3_published() -> None:
    # data/PARAMETERS.md: M/M/3, λ = 0.2, μ = 0.1 per minute: P(wait) = 4/9, Wq = 4.444 min.
    assert erlang_c(3, 2.0) == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert mmc_mean_wait(0.2, 10.0, 3) == pytest.approx(40.0 / 9.0, rel=1e-12)


@pytest.mark.parametrize(("lam", "wq"), [(8.0, 0.20459), (9.5, 1.65117)])
def test_erlang_c_mm10_published(lam: float, wq: float) -> None:
    # data/PARAMETERS.md: M/M/10, μ = 1/min.
    assert mmc_mean_wait(lam, 1.0, 10) == pytest.approx(wq, abs=5e-6)


def test_erlang_b_against_textbook_formula() -> None:
    # Direct formula a^c/c! / Σ a^k/k! for small c.
    for c, a in [(1, 0.5), (5, 3.2), (12, 9.0)]:
        direct = a**c / math.factorial(c) / sum(a**k / math.factorial(k) for k in range(c + 1))
        assert erlang_b(c, a) == pytest.approx(direct, rel=1e-12)


def test_erlang_c_large_c_is_stable() -> None:
    # 2000 servers at ρ = 0.99: factorial formulas overflow; the recursion stays in (0, 1).
    p = erlang_c(2000, 1980.0)
    assert 0.0 < p < 1.0
    assert math.isfinite(mmc_mean_wait(1980.0, 1.0, 2000))


def test_erlang_c_rejects_unstable() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(3, 3.0)


@pytest.mark.parametrize("rho", [0.3, 0.8, 0.95])
def test_pk_equals_erlang_c_for_mm1(rho: float) -> None:
    assert pk_mean_wait(rho / 2.0, 2.0, 1.0) == pytest.approx(mmc_mean_wait(rho / 2.0, 2.0, 1))


def test_pk_md1_is_half_mm1() -> None:
    assert pk_mean_wait(0.8, 1.0, 0.0) == pytest.approx(0.5 * pk_mean_wait(0.8, 1.0, 1.0))


def test_kolmogorov_steady_state_matches_erlang_c() -> None:
    # M/M/3, λ = 12/h, mean service 10 min: after 48 h from empty the transient is gone.
    sol = solve_mtmc([12.0] * 48, 3, 10.0, grid_per_hour=4)
    assert sol.escaped_mass < 1e-9
    p_end = sol.probabilities[-1]
    assert p_end.sum() == pytest.approx(1.0, abs=1e-9)
    assert p_end[3:].sum() == pytest.approx(4.0 / 9.0, rel=1e-6)
    assert sol.queue_length[-1] == pytest.approx(0.2 * 40.0 / 9.0, rel=1e-6)


@pytest.mark.parametrize(("lam_per_min", "wq", "hours"), [(8.0, 0.20459, 4), (9.5, 1.65117, 30)])
def test_kolmogorov_steady_state_mm10_published(lam_per_min: float, wq: float, hours: int) -> None:
    # Relaxation time 1/(cμ(1 − √ρ)²): about 9 min at ρ = 0.8, 160 min at ρ = 0.95.
    sol = solve_mtmc([lam_per_min * 60.0] * hours, 10, 1.0, grid_per_hour=1)
    assert sol.escaped_mass < 1e-9
    assert sol.queue_length[-1] / lam_per_min == pytest.approx(wq, rel=1e-4)


def test_kolmogorov_integral_matches_quadrature_and_drain_closed_form() -> None:
    rates = [20.0, 60.0, 150.0, 150.0, 60.0, 20.0]
    sol = solve_mtmc(rates, 2, 1.0, grid_per_hour=120)
    assert sol.escaped_mass < 1e-9
    # The exactly integrated ∫L_q over [0, T] agrees with a fine trapezoid rule.
    trap = float(np.trapezoid(sol.queue_length, sol.times_min))
    assert sol.queue_integral_horizon == pytest.approx(trap, rel=1e-5)
    # The closed-form drain integral equals integrating the forward equations with λ = 0.
    tail = solve_mtmc([*rates, *([0.0] * 6)], 2, 1.0, grid_per_hour=120)
    assert tail.probabilities[-1][3:].sum() < 1e-12
    assert tail.queue_integral_horizon == pytest.approx(
        sol.queue_integral_horizon + sol.queue_integral_drain, rel=1e-8
    )


def test_kolmogorov_overload_grows_like_the_fluid_queue() -> None:
    # 2 booths, 1 min: capacity 120/h; 180/h for 2 h adds about 120 waiting vehicles.
    sol = solve_mtmc([60.0, 180.0, 180.0], 2, 1.0)
    assert 100.0 < sol.queue_length[-1] < 125.0
    assert sol.truncation > 125


def test_batch_means_and_daley_variance_agree_on_ar1() -> None:
    # An AR(1) sequence with known long-run variance σ²/(1−φ)².
    rng = np.random.default_rng(7)
    phi, n = 0.9, 1_000_000
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = 0.0
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    expected = math.sqrt(1.0 / (1 - phi) ** 2 / n)
    assert batch_means_se(x, 100) == pytest.approx(expected, rel=0.25)
    # Daley: at ρ → 0 the variance vanishes; it grows like (1−ρ)^-4.
    assert mm1_mean_wait_asymptotic_variance(0.5, 1.0) == pytest.approx(
        0.5 * (2 + 2.5 - 1 + 0.125) / 0.0625
    )


def test_ratio_estimate() -> None:
    r, se = ratio_estimate(np.array([2.0, 4.0, 6.0]), np.array([1.0, 2.0, 3.0]))
    assert r == 2.0
    assert se == 0.0


def test_kolmogorov_matches_an_ode_solver() -> None:
    # Same equations integrated by a stiff ODE method instead of matrix exponentials.
    from scipy.integrate import solve_ivp

    rates, c, m = [30.0, 90.0, 140.0, 40.0], 2, 1.0
    sol = solve_mtmc(rates, c, m, grid_per_hour=6)
    n = sol.truncation
    p = np.zeros(n + 1)
    p[0] = 1.0
    for h, rate in enumerate(rates):
        lam = rate / 60.0

        def rhs(_t: float, y: np.ndarray, lam: float = lam) -> np.ndarray:
            death = np.minimum(np.arange(n + 1), c) / m * y
            dy = -(lam + np.minimum(np.arange(n + 1), c) / m) * y
            dy[1:] += lam * y[:-1]
            dy[:-1] += death[1:]
            return dy

        out = solve_ivp(rhs, (0.0, 60.0), p, method="BDF", rtol=1e-10, atol=1e-13)
        p = out.y[:, -1]
        np.testing.assert_allclose(p, sol.probabilities[6 * (h + 1)], atol=1e-8)


def test_scheduled_solver_with_constant_booths_equals_the_mtmc_solver() -> None:
    rates = [30.0, 60.0, 90.0, 100.0, 110.0, 130.0, 140.0, 120.0, 90.0, 60.0]
    a = solve_scheduled(rates, [2] * len(rates), 1.0)
    b = solve_mtmc(rates, 2, 1.0)
    assert a.escaped_mass < 1e-9
    assert a.mean_wait_min == pytest.approx(b.mean_wait_min, rel=1e-8)
    assert a.hourly_queue_integral.sum() == pytest.approx(b.queue_integral_horizon, rel=1e-8)


def test_scheduled_solver_hand_cases() -> None:
    # No booth open for an hour: every arrival waits, E[L_q(t)] = λt, ∫ = λ·60²/2.
    sol = solve_scheduled([60.0], [0], 1.0, drain_booths=1)
    assert sol.hourly_queue_integral[0] == pytest.approx(1800.0, rel=1e-9)
    # Then one booth of 1 min serves the Poisson(60) backlog N: the k-th (k = 0…N−1)
    # waits k more services, so ∫ = E[N(N−1)/2] = (E[N²] − E[N])/2 = 60²/2.
    assert sol.queue_integral_drain == pytest.approx(1800.0, rel=1e-6)
    # Closing from 2 booths to 1 with both busy: the closing booth finishes its vehicle
    # (no pre-emption), so two busy booths can remain after the boundary.
    two_then_one = solve_scheduled([100.0, 100.0], [2, 1], 1.0)
    constant_one = solve_scheduled([100.0, 100.0], [1, 1], 1.0)
    assert two_then_one.hourly_queue_integral[1] < constant_one.hourly_queue_integral[1]


def test_gim1_reduces_to_mm1_and_dm1() -> None:
    lam = 0.8
    assert gim1_mean_wait(lambda s: lam / (lam + s), 1.0) == pytest.approx(
        mmc_mean_wait(lam, 1.0, 1), rel=1e-8
    )
    # D/M/1 at ρ = 0.8: σ = exp(−(1 − σ)/0.8) has the root 0.6286 (fixed-point iteration).
    sigma = 0.5
    for _ in range(2000):
        sigma = math.exp(-(1.0 - sigma) / lam)
    assert gim1_mean_wait(lambda s: math.exp(-s / lam), 1.0) == pytest.approx(
        sigma / (1.0 - sigma), rel=1e-8
    )


def test_kolmogorov_initial_queue_hand_case() -> None:
    # 10 vehicles at t = 0, 2 booths of 1 min, no arrivals: 2 start at once and the j-th
    # of the other 8 waits j/(2μ): total 36/2 = 18 vehicle-minutes over 10 vehicles.
    sol = solve_mtmc([0.0], 2, 1.0, initial_vehicles=10)
    assert sol.escaped_mass < 1e-9
    assert sol.mean_wait_min == pytest.approx(1.8, rel=1e-9)
