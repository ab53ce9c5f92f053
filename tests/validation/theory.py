"""Queueing theory written on the test side, independently of the kernel.

Times are in minutes and rates in vehicles per minute unless a name says otherwise
(``rates_per_hour``). Nothing here imports :mod:`borderflow`.

Contents
--------
- Erlang B / Erlang C (probability of waiting) and the M/M/c mean wait in queue.
- GI/M/1 mean wait from the interarrival transform (trace-driven arrivals).
- Pollaczek–Khinchine mean wait for M/G/1 from the service mean and squared
  coefficient of variation (SCV).
- Daley's asymptotic variance of the M/M/1 mean wait (expected standard error of a
  long-run estimate).
- A Kolmogorov forward-equation solver for M(t)/M/c with piecewise-constant hourly
  arrival rates and a constant number of servers, on a truncated state space, giving
  p(t), L_q(t) and the mean wait of the horizon's arrivals when the queue is drained.
- Batch-means and ratio-estimator standard errors for simulation output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import expm
from scipy.optimize import brentq
from scipy.sparse.linalg import expm_multiply

__all__ = [
    "ScheduledSolution",
    "TransientSolution",
    "batch_means_se",
    "erlang_b",
    "erlang_c",
    "gim1_mean_wait",
    "mm1_mean_wait_asymptotic_variance",
    "mmc_mean_wait",
    "mmc_mean_wait_drained_day",
    "pk_mean_wait",
    "ratio_estimate",
    "solve_mtmc",
    "solve_scheduled",
]


# --------------------------------------------------------------------------- Erlang
def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B blocking probability by the stable recursion B(k) = aB(k-1)/(k + aB(k-1)).

    Parameters
    ----------
    servers : int
        Number of servers c >= 1.
    offered_load : float
        a = λ/μ in erlangs (>= 0).
    """
    if servers < 1 or offered_load < 0 or not math.isfinite(offered_load):
        raise ValueError(
            f"erlang_b: need servers >= 1 and load >= 0, got {servers}, {offered_load}"
        )
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C probability that an arrival waits, for M/M/c with load a < c.

    Uses C = c·B / (c − a(1 − B)) with B the Erlang B value, which stays accurate for
    thousands of servers (no factorials or powers).
    """
    if offered_load >= servers:
        raise ValueError(f"erlang_c: unstable, load {offered_load} >= servers {servers}")
    b = erlang_b(servers, offered_load)
    return servers * b / (servers - offered_load * (1.0 - b))


def mmc_mean_wait(arrival_rate_per_min: float, mean_service_min: float, servers: int) -> float:
    """Mean wait in queue Wq (minutes) of M/M/c: C(c, a) / (cμ − λ)."""
    a = arrival_rate_per_min * mean_service_min
    mu = 1.0 / mean_service_min
    return erlang_c(servers, a) / (servers * mu - arrival_rate_per_min)


def pk_mean_wait(arrival_rate_per_min: float, mean_service_min: float, scv: float) -> float:
    """Pollaczek–Khinchine mean wait in queue (minutes) of M/G/1.

    Wq = λ E[S²] / (2(1 − ρ)) with E[S²] = m²(1 + SCV).

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate λ (vehicles/minute).
    mean_service_min : float
        Mean service time m (minutes).
    scv : float
        Squared coefficient of variation of the service time (0 deterministic, 1/k
        Erlang-k, 1 exponential, (sd/m)² lognormal).
    """
    rho = arrival_rate_per_min * mean_service_min
    if not 0 <= rho < 1:
        raise ValueError(f"pk_mean_wait: need 0 <= rho < 1, got {rho}")
    second_moment = mean_service_min**2 * (1.0 + scv)
    return arrival_rate_per_min * second_moment / (2.0 * (1.0 - rho))


def gim1_mean_wait(interarrival_lst: Callable[[float], float], mean_service_min: float) -> float:
    """Mean wait in queue (minutes) of GI/M/1 from the interarrival Laplace–Stieltjes transform.

    σ is the root in (0, 1) of σ = A*(μ(1 − σ)) (the probability that an arrival waits)
    and Wq = σ / (μ(1 − σ)).

    Parameters
    ----------
    interarrival_lst : callable
        s ↦ E[exp(−s·A)] for the interarrival time A (minutes); the load must be < 1.
    mean_service_min : float
        Mean exponential service time (minutes).
    """
    mu = 1.0 / mean_service_min
    sigma = float(brentq(lambda x: interarrival_lst(mu * (1.0 - x)) - x, 1e-12, 1.0 - 1e-9))
    return sigma / (mu * (1.0 - sigma))


def mm1_mean_wait_asymptotic_variance(rho: float, mean_service_min: float) -> float:
    """Asymptotic variance constant σ² of the M/M/1 customer-average wait in queue.

    Var(W̄_n) ≈ σ²/n for n customers, with (Daley 1968)
    σ² = ρ(2 + 5ρ − 4ρ² + ρ³) / (μ²(1 − ρ)⁴)   [minutes²].
    """
    mu = 1.0 / mean_service_min
    return rho * (2 + 5 * rho - 4 * rho**2 + rho**3) / (mu**2 * (1 - rho) ** 4)


# ------------------------------------------------------------------ statistics
def batch_means_se(values: NDArray[np.float64], batches: int = 200) -> float:
    """Standard error of the mean of a correlated sequence by non-overlapping batch means.

    The sequence (in arrival order) is cut into ``batches`` equal batches; the standard
    error is sd(batch means)/sqrt(batches). Batches must be much longer than the
    correlation time of the sequence.
    """
    n = values.size // batches * batches
    if n == 0:
        raise ValueError("batch_means_se: fewer values than batches")
    means = values[:n].reshape(batches, -1).mean(axis=1)
    return float(means.std(ddof=1) / math.sqrt(batches))


def ratio_estimate(
    numerators: NDArray[np.float64], denominators: NDArray[np.float64]
) -> tuple[float, float]:
    """Pooled ratio Σx/Σy over independent replications and its delta-method standard error.

    Used for the mean wait of a day's vehicles: total wait over total vehicles, which
    converges to E[total wait]/E[vehicles] — the quantity Little's law gives — whereas
    the average of per-day means would not.
    """
    x = np.asarray(numerators, dtype=np.float64)
    y = np.asarray(denominators, dtype=np.float64)
    r = float(x.sum() / y.sum())
    resid = x - r * y
    se = float(np.sqrt(resid.var(ddof=1) / x.size) / y.mean())
    return r, se


# ------------------------------------------------------------ Kolmogorov solver
@dataclass(frozen=True)
class TransientSolution:
    """Transient solution of M(t)/M/c from n₀ vehicles at t = 0 (default empty).

    Attributes
    ----------
    times_min : ndarray
        Grid times (minutes), 0 to 60·H.
    probabilities : ndarray
        p_n(t) on the grid, shape (len(times_min), truncation + 1).
    queue_length : ndarray
        Expected number waiting L_q(t) on the grid (vehicles).
    queue_integral_horizon : float
        ∫_0^T L_q dt (vehicle-minutes), integrated exactly alongside p.
    queue_integral_drain : float
        ∫_T^∞ L_q dt (vehicle-minutes) with no arrivals after T (exact, closed form).
    expected_arrivals : float
        ∫_0^T λ dt (vehicles).
    truncation : int
        Largest state kept.
    escaped_mass : float
        Probability that the process tried to leave the truncated space (< tolerance).
    initial_vehicles : int
        n₀, vehicles present (waiting or starting) at t = 0.
    """

    times_min: NDArray[np.float64]
    probabilities: NDArray[np.float64]
    queue_length: NDArray[np.float64]
    queue_integral_horizon: float
    queue_integral_drain: float
    expected_arrivals: float
    truncation: int
    escaped_mass: float
    initial_vehicles: int = 0

    @property
    def mean_wait_min(self) -> float:
        """Mean wait (minutes) of the vehicles arriving in [0, T], run until empty.

        Little's law over the whole busy horizon, which ends empty:
        W = ∫_0^∞ L_q dt / (n₀ + ∫_0^T λ dt), the n₀ initial vehicles counted as
        arrivals at t = 0.
        """
        total = self.queue_integral_horizon + self.queue_integral_drain
        return total / (self.initial_vehicles + self.expected_arrivals)


def _generator_with_accumulator(lam: float, mu: float, servers: int, n_max: int) -> sp.csc_matrix:
    """Matrix A of x' = A x, x = (p_0..p_N, p_escaped, ∫L_q).

    Births from state N go to an absorbing "escaped" state so that the mass lost by
    truncation is measured, not silently reflected.
    """
    size = n_max + 3
    esc, acc = n_max + 1, n_max + 2
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for n in range(n_max + 1):
        death = mu * min(n, servers)
        out = lam + death
        rows.append(n)
        cols.append(n)
        vals.append(-out)
        rows.append(n + 1 if n < n_max else esc)
        cols.append(n)
        vals.append(lam)
        if n > 0:
            rows.append(n - 1)
            cols.append(n)
            vals.append(death)
        if n > servers:
            rows.append(acc)
            cols.append(n)
            vals.append(float(n - servers))
    return sp.csc_matrix((vals, (rows, cols)), shape=(size, size))


def _solve_once(
    rates_per_hour: Sequence[float],
    servers: int,
    mean_service_min: float,
    n_max: int,
    grid_per_hour: int,
    initial_vehicles: int = 0,
) -> TransientSolution:
    mu = 1.0 / mean_service_min
    x = np.zeros(n_max + 3)
    x[initial_vehicles] = 1.0
    times = [0.0]
    states = [x.copy()]
    step = 60.0 / grid_per_hour
    propagators: dict[float, NDArray[np.float64]] = {}
    for h, rate in enumerate(rates_per_hour):
        # Exact propagator exp(A·Δt) of the piece, computed once per distinct rate.
        if rate not in propagators:
            a = _generator_with_accumulator(rate / 60.0, mu, servers, n_max)
            propagators[rate] = expm(a.toarray() * step)
        prop = propagators[rate]
        for k in range(1, grid_per_hour + 1):
            x = prop @ x
            states.append(x.copy())
            times.append(60.0 * h + k * step)
    probs = np.clip(np.asarray(states)[:, : n_max + 1], 0.0, None)
    excess = np.clip(np.arange(n_max + 1) - servers, 0, None).astype(np.float64)
    # After T the queue only drains at rate cμ: from n > c the waiting vehicles
    # accumulate (n−c) + (n−c−1) + … + 1 vehicle-intervals of mean length 1/(cμ).
    drain = float(np.sum(x[: n_max + 1] * excess * (excess + 1.0)) / (2.0 * servers * mu))
    return TransientSolution(
        times_min=np.asarray(times),
        probabilities=probs,
        queue_length=probs @ excess,
        queue_integral_horizon=float(x[n_max + 2]),
        queue_integral_drain=drain,
        expected_arrivals=float(np.sum(rates_per_hour)),
        truncation=n_max,
        escaped_mass=float(x[n_max + 1]),
        initial_vehicles=initial_vehicles,
    )


def solve_mtmc(
    rates_per_hour: Sequence[float],
    servers: int,
    mean_service_min: float,
    *,
    grid_per_hour: int = 60,
    tail_tolerance: float = 1e-9,
    max_states: int = 20_000,
    initial_vehicles: int = 0,
) -> TransientSolution:
    """Solve the Kolmogorov forward equations of M(t)/M/c from n₀ vehicles (default none).

    The arrival rate is constant within each hour; each grid step is advanced exactly
    by the matrix exponential exp(A·Δt) (``scipy.linalg.expm``, cached per distinct
    rate), with ∫L_q dt carried as an extra state so the integral is exact rather than
    a quadrature.
    The state space is truncated at N, chosen from a fluid estimate of the peak queue
    and grown by half until the probability ever to exceed N is below ``tail_tolerance``.

    Parameters
    ----------
    rates_per_hour : sequence of float
        Arrival rate in each hour (vehicles/hour).
    servers : int
        Constant number of booths c.
    mean_service_min : float
        Mean exponential service time (minutes).
    grid_per_hour : int
        Grid points per hour for the returned p(t).
    tail_tolerance : float
        Largest acceptable escaped probability mass.
    max_states : int
        Give up above this truncation.
    initial_vehicles : int
        Vehicles in the system at t = 0 (an initial queue; min(n₀, c) start at once).
    """
    if servers < 1 or mean_service_min <= 0 or any(r < 0 for r in rates_per_hour):
        raise ValueError("solve_mtmc: need servers >= 1, mean service > 0, rates >= 0")
    capacity_per_hour = servers * 60.0 / mean_service_min
    queue, peak, peak_rate = float(initial_vehicles), float(initial_vehicles), 0.0
    for rate in rates_per_hour:
        queue = max(queue + rate - capacity_per_hour, 0.0)
        peak = max(peak, queue)
        peak_rate = max(peak_rate, rate)
    n_max = servers + int(peak) + 60 + int(10 * math.sqrt(peak + peak_rate))
    while True:
        sol = _solve_once(
            rates_per_hour, servers, mean_service_min, n_max, grid_per_hour, initial_vehicles
        )
        if sol.escaped_mass < tail_tolerance:
            return sol
        if 2 * n_max > max_states:
            raise RuntimeError(
                f"solve_mtmc: escaped mass {sol.escaped_mass:.2e} at N = {n_max}; "
                f"max_states = {max_states} too small"
            )
        n_max = 3 * n_max // 2


def mmc_mean_wait_drained_day(
    rates_per_hour: Sequence[float], servers: int, mean_service_min: float
) -> float:
    """Mean wait (minutes) of a horizon's arrivals in M(t)/M/c run until empty."""
    return solve_mtmc(rates_per_hour, servers, mean_service_min).mean_wait_min


# ------------------------------------------------- booth schedules (count rule)
@dataclass(frozen=True)
class ScheduledSolution:
    """Transient solution of M(t)/M/c(t) under the count rule, from an empty system.

    Attributes
    ----------
    hourly_queue_integral : ndarray
        ∫ L_q dt over each hour of the horizon (vehicle-minutes); divided by 60 it is
        the hour's time-average expected queue (vehicles).
    queue_integral_drain : float
        ∫ L_q dt after the horizon, with no arrivals and the drain booth count.
    expected_arrivals : float
        ∫_0^T λ dt (vehicles).
    truncation : int
        Largest number in system kept.
    escaped_mass : float
        Probability that the process tried to leave the truncated space.
    """

    hourly_queue_integral: NDArray[np.float64]
    queue_integral_drain: float
    expected_arrivals: float
    truncation: int
    escaped_mass: float

    @property
    def mean_wait_min(self) -> float:
        """Mean wait (minutes) of the horizon's vehicles, run until empty (Little's law)."""
        total = float(self.hourly_queue_integral.sum()) + self.queue_integral_drain
        return total / self.expected_arrivals


def _after_starts(n: int, b: int, c: int) -> int:
    """Busy booths once every start the count rule allows has happened."""
    return min(n, c) if b < c else b


def _scheduled_solve_once(
    rates_per_hour: Sequence[float],
    booths_per_hour: Sequence[int],
    drain_booths: int,
    mean_service_min: float,
    n_max: int,
) -> ScheduledSolution:
    mu = 1.0 / mean_service_min
    c_top = max(max(booths_per_hour), drain_booths)
    # State (n in system, b busy booths), b <= min(n, c_top); then "escaped", then ∫L_q.
    index: dict[tuple[int, int], int] = {}
    for n in range(n_max + 1):
        for b in range(min(n, c_top) + 1):
            index[(n, b)] = len(index)
    esc, acc = len(index), len(index) + 1
    size = len(index) + 2

    def generator(lam: float, c: int) -> sp.csc_matrix:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for (n, b), i in index.items():
            out = 0.0
            if lam > 0:
                out += lam
                j = esc if n == n_max else index[(n + 1, _after_starts(n + 1, b, c))]
                rows.append(j)
                cols.append(i)
                vals.append(lam)
            if b > 0:
                out += b * mu
                rows.append(index[(n - 1, _after_starts(n - 1, b - 1, c))])
                cols.append(i)
                vals.append(b * mu)
            rows.extend((i, acc))
            cols.extend((i, i))
            vals.extend((-out, float(n - b)))
        return sp.csc_matrix((vals, (rows, cols)), shape=(size, size))

    def reopen(x: NDArray[np.float64], c: int) -> NDArray[np.float64]:
        # Hour boundary: booths that open start waiting vehicles at once; a closing
        # booth finishes its vehicle (b may exceed the new count).
        y = np.zeros_like(x)
        y[esc], y[acc] = x[esc], x[acc]
        for (n, b), i in index.items():
            y[index[(n, _after_starts(n, b, c))]] += x[i]
        return y

    # Sparse matrix-exponential action per hour (scipy's expm_multiply): the state space
    # is (N + 1)(c + 1), too large for dense exponentials to be quick.
    cache: dict[tuple[float, int], sp.csc_matrix] = {}
    x = np.zeros(size)
    x[index[(0, 0)]] = 1.0
    hourly = np.empty(len(rates_per_hour))
    for h, (rate, c) in enumerate(zip(rates_per_hour, booths_per_hour, strict=True)):
        x = reopen(x, c)
        key = (float(rate), int(c))
        if key not in cache:
            cache[key] = generator(rate / 60.0, c) * 60.0
        before = x[acc]
        x = expm_multiply(cache[key], x)
        hourly[h] = x[acc] - before
    # Drain: no arrivals, the drain count, hour by hour until the queue is empty.
    x = reopen(x, drain_booths)
    drain = generator(0.0, drain_booths) * 60.0
    start = x[acc]
    waiting = np.array([n > b for (n, b) in index] + [False, False])
    for _ in range(100_000):
        if x[waiting].sum() < 1e-13:
            break
        x = expm_multiply(drain, x)
    else:  # pragma: no cover - a drain count of 0 cannot happen for a valid schedule
        raise RuntimeError("solve_scheduled: the queue does not drain")
    return ScheduledSolution(
        hourly_queue_integral=hourly,
        queue_integral_drain=float(x[acc] - start),
        expected_arrivals=float(np.sum(rates_per_hour)),
        truncation=n_max,
        escaped_mass=float(x[esc]),
    )


def solve_scheduled(
    rates_per_hour: Sequence[float],
    booths_per_hour: Sequence[int],
    mean_service_min: float,
    *,
    drain_booths: int | None = None,
    tail_tolerance: float = 1e-9,
    max_states: int = 4_000,
) -> ScheduledSolution:
    """Solve M(t)/M/c(t) with hourly booth counts under the count rule.

    The count rule (docs/kernel-semantics.md): a vehicle starts service only while fewer
    booths are busy than are open; a closing booth finishes its vehicle. With exponential
    service the state (number in system n, busy booths b) is Markov: within an hour the
    forward equations are advanced by the action of exp(A·60 min); at each hour boundary
    the probability mass moves from (n, b) to (n, min(n, c_new)) where b < c_new (opened
    booths start waiting vehicles at once), and stays put otherwise. The truncation at N
    grows by half until the escaped mass is below ``tail_tolerance``.

    Parameters
    ----------
    rates_per_hour : sequence of float
        Arrival rate of each hour (vehicles/hour).
    booths_per_hour : sequence of int
        Booths open in each hour (same length).
    mean_service_min : float
        Mean exponential service time (minutes).
    drain_booths : int, optional
        Booths after the horizon; default the last hour's count, or the largest count if
        that is 0 (as the kernel does).
    tail_tolerance : float
        Largest acceptable escaped probability mass.
    max_states : int
        Give up above this truncation (states are about (N + 1)·(c + 1)).
    """
    if len(rates_per_hour) != len(booths_per_hour):
        raise ValueError("solve_scheduled: rates and booths need one value per hour each")
    if drain_booths is None:
        drain_booths = booths_per_hour[-1] if booths_per_hour[-1] > 0 else max(booths_per_hour)
    queue, peak = 0.0, 0.0
    for rate, c in zip(rates_per_hour, booths_per_hour, strict=True):
        queue = max(queue + rate - c * 60.0 / mean_service_min, 0.0)
        peak = max(peak, queue)
    n_max = max(booths_per_hour) + int(peak) + 40 + int(8 * math.sqrt(peak + max(rates_per_hour)))
    while True:
        sol = _scheduled_solve_once(
            rates_per_hour, booths_per_hour, drain_booths, mean_service_min, n_max
        )
        if sol.escaped_mass < tail_tolerance:
            return sol
        if 2 * n_max > max_states:
            raise RuntimeError(
                f"solve_scheduled: escaped mass {sol.escaped_mass:.2e} at N = {n_max}"
            )
        n_max = 3 * n_max // 2
