"""Erlang C: the M/M/c formulas the closure model and the staffing bounds share."""

from __future__ import annotations

import math

__all__ = ["erlang_c", "erlang_c_wait_min"]


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load ``a`` = λ/μ (1 if ``a >= c``).

    Erlang B by the stable recurrence ``B(k) = a B(k-1) / (k + a B(k-1))``, then
    ``C = B / (1 - ρ (1 - B))`` with ``ρ = a / c``.
    """
    if c <= 0 or a >= c:
        return 1.0
    if a <= 0:
        return 0.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def erlang_c_wait_min(arrivals_per_h: float, booths: int, service_time_min: float) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C) [min].

    Parameters
    ----------
    arrivals_per_h
        Arrival rate [vehicles/hour], >= 0.
    booths
        Servers ``c``.
    service_time_min
        Mean service time [min], > 0.

    Returns
    -------
    float
        ``Wq`` [min]; 0 without arrivals; ``inf`` when the load reaches ``c`` (or c = 0).
    """
    if arrivals_per_h <= 0:
        return 0.0
    a = arrivals_per_h * service_time_min / 60.0  # offered load [erlangs]
    if booths <= 0 or a >= booths:
        return math.inf
    return erlang_c(booths, a) / (booths / service_time_min - arrivals_per_h / 60.0)
