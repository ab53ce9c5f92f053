"""Staffing optimiser: the hourly booth schedule that minimises delay for a budget.

Method (``docs/planning.md``):

1. **Routing.** A baseline simulation gives each lane group's hourly arrivals and mean
   service time (vehicles choose lanes, so flexible classes split between groups).
2. **Analytic stage.** Each group is a time-varying multi-server queue, approximated hour
   by hour: the stationary M/G/c wait (Erlang C with the Allen-Cunneen factor
   ``(1 + cs²) / 2``) plus a fluid backlog carried from hour to hour (and drained after
   the horizon). Starting from the lower bounds, a greedy marginal allocation adds one
   booth-hour at a time where it cuts the approximate vehicle-hours of delay most, within
   the budget and the port's booths per hour. Without carry-over the cost is separable and
   convex in each hour's booths, so this greedy is optimal for the approximation.
3. **Simulation polish.** Local search on the simulated mean delay over fixed paired
   replications (a booth change keeps the same vehicles): move one booth-hour from the
   cheapest donors to the most delayed group-hours while it helps.
4. **Validation** on fresh seeds: optimised against the flat schedule (same booth-hours,
   as even as possible) and the scenario's own schedule, paired, with 95% CIs.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.plan._metrics import hourly_metrics, mean_delay_min
from borderflow.plan._optimise_approx import (
    GroupLoad,
    OptimiseError,
    analytic_cost,
    analytic_p90,
    greedy_allocation,
)
from borderflow.plan._whatif import paired_ci
from borderflow.sim import (
    BoothSchedule,
    PortSpec,
    VehicleDraws,
    draw_vehicles,
    replication_seed,
    run_draws,
)

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

#: Offset of the validation seeds from the optimisation seed (fresh random numbers).
VALIDATION_SEED_OFFSET = 1_000_003


# ---- simulation --------------------------------------------------------------------------


def _groups(spec: PortSpec) -> list[int]:
    return [j for j, g in enumerate(spec.lane_groups) if isinstance(g.staffing, BoothSchedule)]


def with_schedule(spec: PortSpec, schedule: npt.ArrayLike) -> PortSpec:
    """Return ``spec`` with the scheduled lane groups' booths replaced.

    Parameters
    ----------
    spec : PortSpec
        The port.
    schedule : array-like of int, shape (scheduled groups, hours)
        Booths by hour, one row per scheduled group in lane-group order.
    """
    rows = np.asarray(schedule, dtype=np.int64)
    groups = list(spec.lane_groups)
    for i, j in enumerate(_groups(spec)):
        groups[j] = dataclasses.replace(
            groups[j], staffing=BoothSchedule(tuple(int(x) for x in rows[i]))
        )
    return dataclasses.replace(spec, lane_groups=tuple(groups))


def current_schedule(spec: PortSpec) -> IntArray:
    """Booths by hour of the scheduled lane groups, shape (scheduled groups, hours)."""
    return np.asarray(spec.schedule_matrix[_groups(spec)], dtype=np.int64)


def draw_replications(spec: PortSpec, replications: int, seed: int) -> list[VehicleDraws]:
    """Draws of replications ``0..replications-1`` of ``seed`` (shared by every schedule)."""
    return [draw_vehicles(spec, replication_seed(seed, r)) for r in range(replications)]


def _delays(spec: PortSpec, schedule: IntArray, draws: Sequence[VehicleDraws]) -> FloatArray:
    s = with_schedule(spec, schedule)
    return np.array([mean_delay_min(s, run_draws(s, d)) for d in draws])


def _hourly_p90(spec: PortSpec, schedule: IntArray, draws: Sequence[VehicleDraws]) -> FloatArray:
    """Hourly p90 wait over all lanes, mean over replications [minutes] (NaN: no vehicle)."""
    s = with_schedule(spec, schedule)
    rows = [hourly_metrics(s, run_draws(s, d), ())["p90_wait_min"][:, 0] for d in draws]
    stack = np.stack(rows)
    ok = ~np.isnan(stack)
    with np.errstate(invalid="ignore"):
        return np.where(
            ok.any(axis=0), np.where(ok, stack, 0.0).sum(axis=0) / ok.sum(axis=0), np.nan
        )


def evaluate_schedule(
    spec: PortSpec, schedule: npt.ArrayLike, *, replications: int = 20, seed: int = 0
) -> tuple[float, float]:
    """Simulate a schedule: mean delay per vehicle [minutes] and its 95% half-width.

    Parameters
    ----------
    spec : PortSpec
        The port.
    schedule : array-like of int, shape (scheduled groups, hours)
        Booths by hour.
    replications, seed : int
        Replications ``0..replications-1`` of ``seed``.
    """
    d = _delays(
        spec, np.asarray(schedule, dtype=np.int64), draw_replications(spec, replications, seed)
    )
    m, h = paired_ci(d)
    return float(m), float(h)


def _group_loads(spec: PortSpec, draws: Sequence[VehicleDraws]) -> list[GroupLoad]:
    """Each scheduled group's hourly arrivals and service, from simulating ``spec``."""
    H = spec.horizon_hours
    rows = _groups(spec)
    n = np.zeros((spec.n_groups, H))
    s1 = np.zeros((spec.n_groups, H))
    s2 = np.zeros((spec.n_groups, H))
    means = np.nan_to_num(spec.mean_service_matrix)
    var = np.zeros_like(means)
    for k, c in enumerate(spec.classes):
        for g, grp in enumerate(spec.lane_groups):
            if grp.admits(c):
                var[k, g] = c.service[grp.lane_type].variance
    initial = np.zeros(spec.n_groups)
    for d in draws:
        rec = run_draws(spec, d)
        ok = rec.group_index >= 0
        gi = rec.group_index[ok]
        ki = rec.class_index[ok]
        hi = np.minimum((rec.arrival_min[ok] // 60).astype(np.int64), H - 1)
        np.add.at(n, (gi, hi), 1.0)
        np.add.at(s1, (gi, hi), means[ki, gi])
        np.add.at(s2, (gi, hi), var[ki, gi] + means[ki, gi] ** 2)
        initial += np.bincount(rec.group_index[: d.n_initial], minlength=spec.n_groups)
    R = max(len(draws), 1)
    out = []
    for g in rows:
        cnt = n[g]
        with np.errstate(invalid="ignore", divide="ignore"):
            es = np.where(cnt > 0, s1[g] / cnt, np.nan)
            es2 = np.where(cnt > 0, s2[g] / cnt, np.nan)
        fallback = float(np.nanmean(es)) if np.any(cnt > 0) else 1.0
        es = np.where(np.isnan(es), fallback, es)
        scv = np.where(np.isnan(es2), 1.0, es2 / es**2 - 1.0)
        out.append(GroupLoad(cnt / R, es, np.maximum(scv, 0.0), float(initial[g]) / R))
    return out


def flat_schedule(
    loads: Sequence[GroupLoad],
    lower: IntArray,
    hour_cap: IntArray,
    budget: int,
    fixed: npt.NDArray[np.bool_] | None = None,
) -> IntArray:
    """Booth-hours spread as evenly as possible over the hours, split by group workload.

    Each hour gets ``budget // H`` or one more booth (the extra ones evenly spaced); within
    an hour, booths go to groups in proportion to their day's workload (arrivals × service)
    by largest remainder, never below the lower bounds. ``fixed`` groups keep their lower
    bound (their schedule) and the rest of the budget is spread over the others.
    """
    G, H = lower.shape
    fixed = np.zeros(G, dtype=np.bool_) if fixed is None else fixed
    fixed_h = lower[fixed].sum(axis=0)
    free_budget = budget - int(fixed_h.sum())
    per_hour = np.full(H, free_budget // H, dtype=np.int64)
    extra = free_budget - int(per_hour.sum())
    if extra:
        per_hour[np.floor(np.arange(extra) * H / extra).astype(np.int64)] += 1
    per_hour = np.minimum(per_hour + fixed_h, hour_cap)
    work = np.array([float(np.sum(ld.rate * ld.service_min)) for ld in loads])
    work[fixed] = 0.0
    n_free = max(1, int((~fixed).sum()))
    share = work / work.sum() if work.sum() > 0 else np.where(fixed, 0.0, 1.0 / n_free)
    out = lower.copy()
    for h in range(H):
        free = int(per_hour[h] - out[:, h].sum())
        if free <= 0:
            continue
        want = share * per_hour[h] - out[:, h]
        want = np.maximum(want, 0.0)
        if want.sum() <= 0:
            want = share.copy()
        alloc = np.floor(want / want.sum() * free).astype(np.int64)
        rest = free - int(alloc.sum())
        order = np.argsort(-(want / want.sum() * free - alloc), kind="stable")
        alloc[order[:rest]] += 1
        out[:, h] += alloc
    return out


@dataclass(frozen=True, eq=False)
class Comparison:
    """Mean delay of a schedule on the validation seeds, and the optimised one against it.

    ``diff_min`` is the mean paired difference optimised − this [minutes] and ``diff_ci95``
    its 95% half-width; ``improvement`` = (this − optimised) / this. ``worst_hour_p90_min``
    is the largest, over hours of arrival, of the hourly p90 wait (all lanes, mean over the
    replications) [minutes].
    """

    name: str
    booth_hours: int
    mean_delay_min: float
    mean_delay_ci95: float
    diff_min: float
    diff_ci95: float
    worst_hour_p90_min: float = math.nan

    @property
    def improvement(self) -> float:
        """Share of this schedule's mean delay the optimised schedule saves."""
        return -self.diff_min / self.mean_delay_min if self.mean_delay_min > 0 else math.nan


@dataclass(frozen=True, eq=False)
class OptimiseResult:
    """An optimised hourly booth schedule and its comparison with the alternatives.

    Attributes
    ----------
    groups : tuple of str
        Scheduled lane groups (rows of the schedules).
    schedule : ndarray of int, shape (groups, hours)
        Optimised booths by hour.
    analytic_schedule : ndarray of int
        The analytic stage's schedule (before the simulation polish).
    flat : ndarray of int
        The flat schedule with the same budget.
    baseline : ndarray of int
        The scenario's own schedule.
    budget : int
        Booth-hours allowed; ``schedule.sum() <= budget`` (with a target: the result's).
    hour_cap : ndarray of int, shape (hours,)
        Most booths open in each hour over all groups.
    comparisons : tuple of Comparison
        Optimised, flat, baseline and analytic on the validation seeds.
    evaluations : int
        Schedules simulated in the polish.
    seconds : float
        Wall time [seconds].
    replications, validation_replications, seed : int
        Search replications, fresh validation replications, root seed.
    target_p90 : float or None
        The wait target [minutes], if the objective was booth-hours.
    """

    groups: tuple[str, ...]
    schedule: IntArray
    analytic_schedule: IntArray
    flat: IntArray
    baseline: IntArray
    budget: int
    hour_cap: IntArray
    comparisons: tuple[Comparison, ...]
    evaluations: int
    seconds: float
    replications: int
    validation_replications: int
    seed: int
    target_p90: float | None = None

    def comparison(self, name: str) -> Comparison:
        """Return the comparison called ``name`` (optimised, flat, baseline, analytic)."""
        return next(c for c in self.comparisons if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "groups": list(self.groups),
            "objective": "mean delay"
            if self.target_p90 is None
            else f"booth-hours, hourly p90 <= {self.target_p90} min",
            "budget_booth_hours": self.budget,
            "booths_per_hour_cap": self.hour_cap.tolist(),
            "schedules": {
                "optimised": self.schedule.tolist(),
                "analytic": self.analytic_schedule.tolist(),
                "flat": self.flat.tolist(),
                "baseline": self.baseline.tolist(),
            },
            "comparisons": [
                {
                    "schedule": c.name,
                    "booth_hours": c.booth_hours,
                    "mean_delay_min": num(c.mean_delay_min),
                    "mean_delay_ci95": num(c.mean_delay_ci95),
                    "optimised_minus_this_min": num(c.diff_min),
                    "optimised_minus_this_ci95": num(c.diff_ci95),
                    "improvement": num(c.improvement),
                    "worst_hour_p90_min": num(c.worst_hour_p90_min),
                }
                for c in self.comparisons
            ],
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 2),
            "replications": self.replications,
            "validation_replications": self.validation_replications,
            "seed": self.seed,
        }


def _polish(
    spec: PortSpec,
    start: IntArray,
    lower: IntArray,
    upper: IntArray,
    hour_cap: IntArray,
    budget: int,
    draws: Sequence[VehicleDraws],
    loads: Sequence[GroupLoad],
    *,
    k: int,
    max_seconds: float,
    progress: Callable[[int, float], None] | None,
) -> tuple[IntArray, int]:
    """Local search on the simulated mean delay: move or add one booth-hour at a time."""
    t0 = time.perf_counter()
    cur = start.copy()
    cur_val = float(_delays(spec, cur, draws).mean())
    evals = 1
    G, H = cur.shape
    tried: set[bytes] = {cur.tobytes()}
    while time.perf_counter() - t0 < max_seconds:
        # Receivers: group-hours with the most simulated waiting (by hour of arrival).
        s = with_schedule(spec, cur)
        wait = np.zeros((spec.n_groups, H))
        for d in draws:
            rec = run_draws(s, d)
            ok = (rec.group_index >= 0) & ~np.isnan(rec.start_min)
            h = np.minimum((rec.arrival_min[ok] // 60).astype(np.int64), H - 1)
            np.add.at(wait, (rec.group_index[ok], h), rec.start_min[ok] - rec.arrival_min[ok])
        wait = wait[_groups(spec)]
        order = [
            (int(g), int(h))
            for g, h in zip(
                *np.unravel_index(np.argsort(-wait, axis=None), wait.shape), strict=True
            )
            if cur[g, h] < upper[g, h]
        ]
        at_cap = cur.sum(axis=0) >= hour_cap
        # The most delayed group-hours overall, and those in hours with a free booth.
        recv = order[:k] + [gh for gh in order if not at_cap[gh[1]]][:k]
        # Donors: group-hours whose booth costs least to remove (analytic marginal cost).
        costs = []
        for g in range(G):
            base = analytic_cost(loads[g], cur[g])
            for h in range(H):
                if cur[g, h] > lower[g, h]:
                    cur[g, h] -= 1
                    costs.append((analytic_cost(loads[g], cur[g]) - base, g, h))
                    cur[g, h] += 1
        costs.sort()
        cands: list[IntArray] = []
        spare = budget - int(cur.sum())
        for rg, rh in dict.fromkeys(recv):
            if spare > 0 and not at_cap[rh]:
                c = cur.copy()
                c[rg, rh] += 1
                cands.append(c)
            # The cheapest donors that can move here, and the cheapest in the same hour.
            feasible = [
                (g, h) for _, g, h in costs if (g, h) != (rg, rh) and (h == rh or not at_cap[rh])
            ]
            same_hour = [(g, h) for g, h in feasible if h == rh][:1]
            for dg, dh in dict.fromkeys(feasible[:k] + same_hour):
                c = cur.copy()
                c[dg, dh] -= 1
                c[rg, rh] += 1
                cands.append(c)
        best_val, best = cur_val, None
        for c in cands:
            key = c.tobytes()
            if key in tried:
                continue
            tried.add(key)
            v = float(_delays(spec, c, draws).mean())
            evals += 1
            if v < best_val - 1e-9:
                best_val, best = v, c
        if progress is not None:
            progress(evals, best_val)
        if best is None:
            break
        cur, cur_val = best, best_val
    return cur, evals


def optimise_schedule(
    spec: PortSpec,
    *,
    budget: int | None = None,
    booths_per_hour: int | None = None,
    min_booths: int = 1,
    replications: int = 10,
    validation_replications: int = 20,
    seed: int = 0,
    polish: bool = True,
    neighbours: int = 5,
    max_seconds: float = 40.0,
    target_p90: float | None = None,
    groups: Sequence[str] | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> OptimiseResult:
    """Find the hourly booth schedule that minimises the mean delay for a budget.

    With ``target_p90``, find instead the schedule with the fewest booth-hours whose p90
    wait (all lanes, by hour of arrival, mean over the replications) is at most
    ``target_p90`` minutes in every hour.

    Parameters
    ----------
    spec : PortSpec
        The port; its scheduled lane groups are re-staffed (queue-triggered ones kept).
    budget : int, optional
        Booth-hours available over the horizon (default: the scenario's own total, i.e.
        equal staff hours).
    booths_per_hour : int, optional
        The port's booths: most booths open in any hour over all scheduled groups
        (default: the scenario's busiest hour).
    min_booths : int
        Booths each group keeps open in every hour it has traffic (0 allows closing).
    replications : int
        Paired replications used by the simulation polish (seeds ``seed``).
    validation_replications : int
        Fresh paired replications for the reported comparison.
    seed : int
        Root seed.
    polish : bool
        Run the simulation polish after the analytic stage.
    neighbours : int
        Receivers and donors tried per polish step (``neighbours²`` moves).
    max_seconds : float
        Time limit of the polish [seconds].
    target_p90 : float, optional
        Wait target [minutes]: minimise booth-hours subject to it (``budget`` unused).
    groups : sequence of str, optional
        Re-staff only these lane groups; the others keep their schedule (and count in the
        budget and the booths per hour).
    progress : callable, optional
        Called as ``progress(evaluations, best)`` after each polish step (best mean delay
        [minutes], or booth-hours with a target).

    Returns
    -------
    OptimiseResult
    """
    t0 = time.perf_counter()
    rows = _groups(spec)
    if not rows:
        raise OptimiseError("the port has no scheduled lane group (all are queue-triggered)")
    H = spec.horizon_hours
    baseline = current_schedule(spec)
    budget = int(baseline.sum()) if budget is None else int(budget)
    cap = int(baseline.sum(axis=0).max()) if booths_per_hour is None else int(booths_per_hour)
    if cap < 1:
        raise OptimiseError(f"booths per hour = {cap}: must be >= 1")
    hour_cap = np.full(H, cap, dtype=np.int64)
    draws = draw_replications(spec, replications, seed)
    loads = _group_loads(spec, draws)
    lower = np.zeros((len(rows), H), dtype=np.int64)
    for i, ld in enumerate(loads):
        lower[i, ld.rate > 0] = min_booths
    lower[:, -1] = np.maximum(lower[:, -1], min(min_booths, 1))  # drain needs an open booth
    upper = np.full((len(rows), H), cap, dtype=np.int64)
    # Groups not re-staffed keep their schedule: both bounds pinned to it.
    names = [spec.lane_groups[j].name for j in rows]
    for g in groups or ():
        if g not in names:
            raise OptimiseError(f"no scheduled lane group {g!r}; scheduled groups are {names}")
    fixed = np.array([groups is not None and n not in groups for n in names], dtype=np.bool_)
    lower[fixed] = baseline[fixed]
    upper[fixed] = baseline[fixed]
    if int(lower.sum(axis=0).max()) > cap:
        raise OptimiseError(
            f"{int(lower.sum(axis=0).max())} groups need a booth in some hour but the port "
            f"has {cap} booths per hour"
        )
    if target_p90 is not None:
        if not target_p90 > 0:
            raise OptimiseError(f"p90 target = {target_p90}: must be > 0 minutes")
        budget = H * cap  # no budget: the target decides
    if int(lower.sum()) > budget:
        raise OptimiseError(
            f"budget {budget} booth-hours is below the {int(lower.sum())} needed to keep "
            f"{min_booths} booth(s) open in every group-hour with traffic (--min-booths)"
        )
    if target_p90 is None:
        analytic = greedy_allocation(loads, lower, upper, hour_cap, budget)
        # Re-route once with the analytic schedule (lane choice depends on the booths).
        loads = _group_loads(with_schedule(spec, analytic), draws)
        analytic = greedy_allocation(loads, lower, upper, hour_cap, budget)
        schedule, evals = analytic, 0
        if polish:
            schedule, evals = _polish(
                spec,
                analytic,
                lower,
                upper,
                hour_cap,
                budget,
                draws,
                loads,
                k=neighbours,
                max_seconds=max_seconds,
                progress=progress,
            )
    else:
        schedule, analytic, evals = _target_search(
            spec,
            loads,
            lower,
            upper,
            hour_cap,
            target_p90,
            draws,
            polish=polish,
            max_seconds=max_seconds,
            progress=progress,
        )
        budget = int(schedule.sum())
    flat = flat_schedule(loads, lower, hour_cap, budget, fixed)
    val = draw_replications(spec, validation_replications, seed + VALIDATION_SEED_OFFSET)
    d_opt = _delays(spec, schedule, val)
    comps = []
    for name, sched in (
        ("optimised", schedule),
        ("flat", flat),
        ("baseline", baseline),
        ("analytic", analytic),
    ):
        d = d_opt if name == "optimised" else _delays(spec, sched, val)
        m, h = paired_ci(d)
        dm, dh = paired_ci(d_opt - d)
        worst = float(np.nanmax(_hourly_p90(spec, sched, val)))
        comps.append(
            Comparison(name, int(sched.sum()), float(m), float(h), float(dm), float(dh), worst)
        )
    return OptimiseResult(
        groups=tuple(spec.lane_groups[j].name for j in rows),
        schedule=schedule,
        analytic_schedule=analytic,
        flat=flat,
        baseline=baseline,
        budget=budget,
        hour_cap=hour_cap,
        comparisons=tuple(comps),
        evaluations=evals,
        seconds=time.perf_counter() - t0,
        replications=replications,
        validation_replications=validation_replications,
        seed=seed,
        target_p90=target_p90,
    )


def _target_search(
    spec: PortSpec,
    loads: Sequence[GroupLoad],
    lower: IntArray,
    upper: IntArray,
    hour_cap: IntArray,
    target: float,
    draws: Sequence[VehicleDraws],
    *,
    polish: bool,
    max_seconds: float,
    progress: Callable[[int, float], None] | None,
) -> tuple[IntArray, IntArray, int]:
    """Fewest booth-hours with every hour's p90 wait <= target: analytic, then simulation."""
    t0 = time.perf_counter()
    G, H = lower.shape
    b = lower.copy()
    # Analytic: add booths where the approximate p90 is furthest above the target.
    while True:
        p90 = np.array([analytic_p90(loads[g], b[g]) for g in range(G)])
        excess = np.where((b < upper) & (b.sum(axis=0) < hour_cap), p90 - target, -np.inf)
        gw, hw = (int(x) for x in np.unravel_index(int(np.argmax(excess)), excess.shape))
        if not excess[gw, hw] > 0:
            break
        b[gw, hw] += 1
    analytic = b.copy()
    if not polish:
        return analytic, analytic, 0
    evals = 0
    # Repair: while an hour misses the target in simulation, add a booth there (to the
    # group whose analytic p90 in that hour is worst).
    while time.perf_counter() - t0 < max_seconds:
        hp = _hourly_p90(spec, b, draws)
        evals += 1
        bad = [int(x) for x in np.argsort(-np.nan_to_num(hp, nan=-1.0)) if hp[x] > target]
        if not bad:
            break
        hb = bad[0]
        p90 = np.array([analytic_p90(loads[x], b[x])[hb] for x in range(G)])
        room = (b[:, hb] < upper[:, hb]) & (b[:, hb].sum() < hour_cap[hb])
        if not room.any():
            break  # this hour cannot be fixed within the port's booths
        b[int(np.argmax(np.where(room, p90, -np.inf))), hb] += 1
        if progress is not None:
            progress(evals, float(b.sum()))
    # Trim: drop booth-hours whose removal keeps every hour within the target.
    feasible_now = bool(np.all(~(_hourly_p90(spec, b, draws) > target)))
    if feasible_now:
        order = sorted(
            ((g, h) for g in range(G) for h in range(H) if b[g, h] > lower[g, h]),
            key=lambda gh: float(analytic_p90(loads[gh[0]], b[gh[0]])[gh[1]]),
        )
        for g, h in order:
            if time.perf_counter() - t0 >= max_seconds:
                break
            b[g, h] -= 1
            hp = _hourly_p90(spec, b, draws)
            evals += 1
            if np.any(hp > target):
                b[g, h] += 1
            elif progress is not None:
                progress(evals, float(b.sum()))
    return b, analytic, evals


__all__ = [
    "Comparison",
    "GroupLoad",
    "OptimiseError",
    "OptimiseResult",
    "analytic_cost",
    "current_schedule",
    "evaluate_schedule",
    "flat_schedule",
    "greedy_allocation",
    "optimise_schedule",
    "with_schedule",
]
