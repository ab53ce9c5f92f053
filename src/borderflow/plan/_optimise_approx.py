"""The staffing optimiser's analytic stage: each lane group as a time-varying M/G/c queue.

Hour by hour, the stationary M/G/c wait (Erlang C with the Allen-Cunneen factor
``(1 + cs²) / 2``) plus a fluid backlog carried from hour to hour; a greedy marginal
allocation of booth-hours on it (``docs/planning.md``, step 2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.plan._queueing import erlang_c

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]


class OptimiseError(ValueError):
    """The staffing problem has no solution (e.g. a budget below the lower bounds)."""


@dataclass(frozen=True)
class GroupLoad:
    """Hourly load of one lane group: arrivals [vehicles/hour], service [minutes].

    ``scv`` is the squared coefficient of variation of the service time.
    """

    rate: FloatArray
    service_min: FloatArray
    scv: FloatArray
    initial: float = 0.0


_RHO_MAX = 0.97


def analytic_cost(load: GroupLoad, booths: Sequence[int], carryover: bool = True) -> float:
    """Approximate vehicle-hours of delay of one group for an hourly booth schedule.

    Parameters
    ----------
    load : GroupLoad
        Hourly arrivals and service.
    booths : sequence of int
        Booths open in each hour.
    carryover : bool
        Carry the fluid backlog from hour to hour (and drain it after the horizon); if
        False, every hour is an independent stationary queue (capped at ρ = 0.97).

    Returns
    -------
    float
        Vehicle-hours of delay.
    """
    q = load.initial
    total = 0.0
    H = len(booths)
    last = 0.0
    for h in range(H):
        lam = float(load.rate[h])
        s = float(load.service_min[h])
        c = int(booths[h])
        if lam <= 0 and q <= 0:
            continue
        mu = 60.0 / s if s > 0 else math.inf  # vehicles/hour per booth
        kappa = c * mu
        last = kappa if kappa > 0 else last
        rho = lam / kappa if kappa > 0 else math.inf
        # Stationary part at a load capped below 1 (the fluid takes the excess).
        if c > 0:
            a = min(rho, _RHO_MAX) * c
            pw = erlang_c(c, a)
            wq_h = pw / (c * mu - a * mu) * (1.0 + float(load.scv[h])) / 2.0
            total += lam * wq_h
        elif not carryover:
            total += lam * 10.0  # a closed hour: a large penalty without a backlog model
        if not carryover:
            continue
        if kappa > lam:
            tau = q / (kappa - lam)
            if tau < 1.0:
                total += q * tau / 2.0
                q = 0.0
            else:
                q_end = q - (kappa - lam)
                total += (q + q_end) / 2.0
                q = q_end
        else:
            q_end = q + (lam - kappa)
            total += (q + q_end) / 2.0
            q = q_end
    if carryover and q > 0:
        drain = last if last > 0 else 60.0
        total += q * q / (2.0 * drain)
    return total


def analytic_p90(load: GroupLoad, booths: Sequence[int]) -> FloatArray:
    """Approximate p90 wait of each hour [minutes]: M/M/c tail plus the fluid backlog.

    The stationary tail is ``P(Wq > t) = C(c, a) exp(-(cμ − λ) t)`` (capped at ρ = 0.97);
    vehicles arriving behind a backlog ``Q`` wait about ``Q / (cμ)`` more.
    """
    H = len(booths)
    out = np.zeros(H)
    q = load.initial
    for h in range(H):
        lam = float(load.rate[h])
        s = float(load.service_min[h])
        c = int(booths[h])
        mu = 60.0 / s if s > 0 else math.inf
        kappa = c * mu
        if c == 0:
            out[h] = math.inf if lam > 0 or q > 0 else 0.0
            q += lam
            continue
        a = min(lam / kappa, _RHO_MAX) * c
        pw = erlang_c(c, a) * (1.0 + float(load.scv[h])) / 2.0
        tail = math.log(pw / 0.1) / (kappa - a * mu) if pw > 0.1 else 0.0
        q_end = max(0.0, q + lam - kappa)
        out[h] = 60.0 * (tail + (q + q_end) / 2.0 / kappa)
        q = q_end
    return out


def greedy_allocation(
    loads: Sequence[GroupLoad],
    lower: IntArray,
    upper: IntArray,
    hour_cap: IntArray,
    budget: int,
    *,
    carryover: bool = True,
) -> IntArray:
    """Marginal allocation of booth-hours by the analytic cost.

    Parameters
    ----------
    loads : sequence of GroupLoad
        One per lane group.
    lower, upper : ndarray of int, shape (groups, hours)
        Bounds on each group-hour's booths.
    hour_cap : ndarray of int, shape (hours,)
        Most booths open in each hour over all groups (the port's booths).
    budget : int
        Booth-hours available (the result uses at most this many).
    carryover : bool
        See :func:`analytic_cost`.

    Returns
    -------
    ndarray of int, shape (groups, hours)
    """
    b = lower.copy()
    if int(b.sum()) > budget:
        raise OptimiseError(
            f"budget {budget} booth-hours is below the lower bounds ({int(b.sum())})"
        )
    G, H = b.shape
    cost = np.array([analytic_cost(loads[g], b[g], carryover) for g in range(G)])
    while int(b.sum()) < budget:
        best, arg = 1e-12, None
        for g in range(G):
            for h in range(H):
                if b[g, h] >= upper[g, h] or int(b[:, h].sum()) >= hour_cap[h]:
                    continue
                b[g, h] += 1
                gain = cost[g] - analytic_cost(loads[g], b[g], carryover)
                b[g, h] -= 1
                if gain > best:
                    best, arg = gain, (g, h)
        if arg is None:
            break  # no booth-hour helps any more
        g, h = arg
        b[g, h] += 1
        cost[g] = analytic_cost(loads[g], b[g], carryover)
    return b


__all__ = [
    "GroupLoad",
    "OptimiseError",
    "analytic_cost",
    "analytic_p90",
    "greedy_allocation",
]
