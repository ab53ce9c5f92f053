"""Closures and diversion: where traffic goes when a port (or part of it) closes.

Model ``closure-logit v1`` (:data:`CLOSURE_MODEL`), hour by hour over the closure:

1. **Demand.** Each port's baseline month (:func:`baseline_month`, data known at
   ``as_of`` only) spread evenly over the days of the month and the hours the port is
   open (no shipped hourly profile for trucks: an assumption).
2. **Displaced.** At the closed port the share ``capacity_share`` of booths is shut; the
   demand above what the remaining booths serve at the usable utilisation is displaced.
3. **Choice.** Each displaced trip chooses by a multinomial logit on cost in minutes,
   each option weighted by its size (baseline traffic of the measure), among (a) every
   open port within the radius that serves the measure, cost = detour time
   (``2 x distance x detour factor`` at the detour speed) + the port's expected wait
   (Erlang C, baseline load), and (b) postponing (size: the closed port's traffic), cost
   = the wait until the crossing reopens, at most ``max_wait_h``.
4. **Capacity.** A receiving port takes at most its spare capacity in that hour (usable
   utilisation x booths x service rate - its own demand). Trips beyond it are **not**
   re-routed: they wait for the closed port to reopen (postponed).
5. **Postponed.** A postponed trip whose wait until reopening is at most ``max_wait_h``
   crosses at the closed port when it reopens (delayed, counted in the month of
   reopening); a longer wait cancels it (not crossed in the period).

Vehicles are conserved: displaced = diverted + delayed + cancelled, hour by hour.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from borderflow.data import Registry, load_registry, resolve_port
from borderflow.plan._baseline import BASELINE_METHOD, Baseline, baseline_month
from borderflow.plan._network import (
    NetworkParams,
    Parameter,
    PortNode,
    build_node,
    category_of,
    detour_km,
    great_circle_km,
)
from borderflow.plan._queueing import erlang_c_wait_min
from borderflow.plan._trade import PortTradeValue, port_truck_trade

#: Name and version of the closure model.
CLOSURE_MODEL = "closure-logit v1"


def logit_shares(
    costs_min: list[float], scale_min: float, sizes: list[float] | None = None
) -> list[float]:
    """Multinomial logit choice shares of options with the given costs [min].

    ``share_i = size_i exp(-cost_i / scale) / sum_j size_j exp(-cost_j / scale)``: the
    size term ``ln(size)`` with coefficient 1 is the standard treatment of an alternative
    that aggregates many elemental ones (Ben-Akiva & Lerman 1985, *Discrete Choice
    Analysis*, ch. 9). Sizes default to 1; infinite costs and zero sizes get share 0.

    Raises
    ------
    ValueError
        If no option has a finite cost and a positive size.
    """
    sz = sizes if sizes is not None else [1.0] * len(costs_min)
    if len(sz) != len(costs_min):
        raise ValueError("costs and sizes differ in length")
    ok = [math.isfinite(c) and z > 0 for c, z in zip(costs_min, sz, strict=True)]
    if not any(ok):
        raise ValueError("every option has an infinite cost or no size")
    lo = min(c for c, k in zip(costs_min, ok, strict=True) if k)  # shift for stability
    w = [
        z * math.exp(-(c - lo) / scale_min) if k else 0.0
        for c, z, k in zip(costs_min, sz, ok, strict=True)
    ]
    total = sum(w)
    return [x / total for x in w]


# --- closure description ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureTarget:
    """What closes: a port code, possibly only some of its crossings.

    Attributes
    ----------
    port_code, port_name
        BTS port code and name.
    crossings_closed
        Names of the crossings closed (all road crossings of the port for a port query).
    capacity_share
        Share of the port's booths of the category removed, in (0, 1].
    basis
        How the share was found.
    """

    port_code: str
    port_name: str
    crossings_closed: tuple[str, ...]
    capacity_share: float
    basis: str


def closure_target(
    con: Any,
    query: str,
    measure: str,
    capacity_share: float | None = None,
    params: NetworkParams | None = None,
    registry: Registry | None = None,
) -> ClosureTarget:
    """Resolve a port or crossing name to what a closure removes.

    A query naming one crossing of a multi-crossing port (e.g. ``"Ambassador Bridge"``
    in Detroit, 3801) closes that crossing only: the share removed is its booths over the
    port's. A port code or port name closes the whole port. ``capacity_share`` overrides.

    Raises
    ------
    ValueError
        If ``capacity_share`` is outside (0, 1] or the port has no road crossing.
    LookupError
        If the query matches no port or several (from :func:`resolve_port`).
    """
    if capacity_share is not None and not 0 < capacity_share <= 1:
        raise ValueError(f"--capacity-share must be in (0, 1], got {capacity_share}")
    p = params or NetworkParams()
    reg = registry or load_registry()
    port = resolve_port(con, query, reg)
    category = category_of(measure)
    node = build_node(reg, port.port_code, category, p)
    if node is None:
        raise ValueError(
            f"port {port.port_code} {port.port_name} has no road crossing in the U.S.-Canada "
            "crossing registry (closures are modelled for U.S.-Canada road ports)"
        )
    closed = node.crossings
    if port.matched_by.startswith("crossing"):
        q = query.strip().lower()
        hits = tuple(c for c in node.crossings if q in c.name.lower() or q == c.crossing_id.lower())
        if hits and len(hits) < len(node.crossings):
            closed = hits
    total = node.booths
    if capacity_share is not None:
        share = capacity_share
        basis = f"--capacity-share {capacity_share:g} of the port's {category} booths"
    elif len(closed) == len(node.crossings) or total == 0:
        share = 1.0
        basis = "whole port closed"
    else:
        n = sum(c.booths for c in closed)
        share = n / total
        detail = "; ".join(f"{c.name} {c.booths} ({c.booths_source})" for c in node.crossings)
        basis = f"{n} of the port's {total} {category} booths closed: {detail}"
    return ClosureTarget(
        port.port_code, port.port_name, tuple(c.name for c in closed), share, basis
    )


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortMonth:
    """One port's monthly total of the measure, without and with the closure.

    ``observed`` is the warehouse's count for the month (``None`` when absent).
    """

    port_code: str
    port_name: str
    measure: str
    month: date
    baseline: float
    with_closure: float
    observed: int | None
    baseline_basis: str

    @property
    def change(self) -> float:
        """``with_closure - baseline`` [vehicles/month]."""
        return self.with_closure - self.baseline


@dataclass(frozen=True)
class Alternative:
    """One port considered by diverted trips, and what it received."""

    port_code: str
    port_name: str
    distance_km: float
    detour_km: float
    detour_min: float
    booths: int
    baseline_wait_min: float
    vehicles: float
    capped_hours: int


@dataclass(frozen=True)
class DayImpact:
    """One day of the closure (vehicles and delay of that day's displaced trips).

    ``extra_delay_h`` sums detour time, added queueing at receiving ports and waits for
    reopening [vehicle-hours]; ``detour_km`` sums extra road distance [vehicle-km];
    trade values [USD] are two-way (see :class:`ClosureResult`), ``None`` unless Trucks.
    """

    day: date
    closed_hours: int
    displaced: float
    diverted: float
    delayed: float
    cancelled: float
    extra_delay_h: float
    detour_km: float
    trade_delayed_usd: float | None
    trade_diverted_usd: float | None


@dataclass(frozen=True)
class ClosureResult:
    """Everything a closure run produces (model :data:`CLOSURE_MODEL`).

    Attributes
    ----------
    target
        What closed and the share of capacity removed.
    start, end
        First and last day of the closure.
    hours
        Daily closed window ``(from_hour, to_hour)``; ``None`` = all day.
    measure, as_of
        Measure moved and the month of the demand known.
    ports
        Monthly totals of every port whose total changes.
    alternatives
        Ports considered, with the vehicles each received.
    days
        Per-day impacts.
    displaced, diverted, delayed, cancelled
        Totals [vehicles]; ``displaced = diverted + delayed + cancelled``.
    extra_delay_h, detour_km
        Totals [vehicle-hours], [vehicle-km].
    trade_delayed_usd, trade_diverted_usd
        Two-way truck trade value carried by delayed+cancelled / diverted trucks [USD];
        ``None`` unless the measure is Trucks.
    trade_basis
        How the trade value was estimated (rule and scaling), or why it is absent.
    parameters, assumptions
        Every parameter with its source; the model's assumptions in words.
    """

    target: ClosureTarget
    start: date
    end: date
    hours: tuple[int, int] | None
    measure: str
    as_of: date
    ports: tuple[PortMonth, ...]
    alternatives: tuple[Alternative, ...]
    days: tuple[DayImpact, ...]
    displaced: float
    diverted: float
    delayed: float
    cancelled: float
    extra_delay_h: float
    detour_km: float
    trade_delayed_usd: float | None
    trade_diverted_usd: float | None
    trade_basis: str
    parameters: tuple[Parameter, ...]
    assumptions: tuple[str, ...] = field(default=())


# --- the model --------------------------------------------------------------------------------


def _month(d: date | datetime) -> date:
    return date(d.year, d.month, 1)


def _closed_flags(n_days: int, hours: tuple[int, int] | None) -> list[bool]:
    if hours is None:
        return [True] * (24 * n_days)
    h0, h1 = hours
    flags: list[bool] = []
    for _ in range(n_days):
        for h in range(24):
            flags.append(h0 <= h < h1 if h0 < h1 else (h >= h0 or h < h1))
    return flags


def _hourly_demand(node: PortNode, monthly: float, month: date, hour: int) -> float:
    """Vehicles/hour at ``node`` in ``hour`` of a day of ``month`` (flat over open hours)."""
    days = calendar.monthrange(month.year, month.month)[1]
    n_open = node.open_hours_count()
    if n_open == 0 or node.booths_open(hour) == 0:
        return 0.0
    return monthly / days / n_open


def simulate_closure(
    con: Any,
    target: ClosureTarget,
    start: date,
    end: date,
    measure: str = "Trucks",
    as_of: date | None = None,
    hours: tuple[int, int] | None = None,
    params: NetworkParams | None = None,
    registry: Registry | None = None,
    baseline: Callable[[Any, str, str, date, date], Baseline] = baseline_month,
    progress: Callable[[str], None] | None = None,
) -> ClosureResult:
    """Divert, delay or cancel the traffic a closure displaces (model ``closure-logit v1``).

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    target
        What closes (:func:`closure_target`).
    start, end
        First and last day of the closure (inclusive).
    measure
        ``"Trucks"``, ``"Personal Vehicles"`` or ``"Buses"``.
    as_of
        Last month of demand known (default: the month before ``start``).
    hours
        Daily closed window ``(from_hour, to_hour)`` in local hours 0-24, e.g. ``(6, 10)``;
        an overnight window wraps (``(22, 6)``); ``None`` = closed all day.
    params
        Model parameters (default :class:`NetworkParams`).
    registry
        Crossing registry (default the shipped one).
    baseline
        Baseline function (default :func:`baseline_month`).
    progress
        Called with a short message at each step (for a progress display).

    Returns
    -------
    ClosureResult
        Monthly totals per port, per-day impacts, totals and every parameter's source.

    Raises
    ------
    ValueError
        Bad dates, hours or measure; no baseline for the closed port.
    """
    p = params or NetworkParams()
    reg = registry or load_registry()
    say = progress or (lambda _msg: None)
    category = category_of(measure)
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    if hours is not None:
        h0, h1 = hours
        if not (0 <= h0 <= 23 and 1 <= h1 <= 24 and h0 != h1):
            raise ValueError(
                f"--hours must be FROM-TO with 0 <= FROM <= 23, 1 <= TO <= 24, got {h0}-{h1}"
            )
    if as_of is not None:
        a = _month(as_of)
    else:  # the month before the closure, or the latest month the warehouse has
        a = _month(date(start.year, start.month, 1) - timedelta(days=1))
        row = con.execute("SELECT max(month) FROM bts_crossings").fetchone()
        if row is not None and row[0] is not None:
            a = min(a, _month(row[0]))
    n_days = (end - start).days + 1
    closed = _closed_flags(n_days, hours)
    t0 = datetime(start.year, start.month, start.day)
    # End of each closed hour's episode (index of the first open hour after it).
    ep_end = [0] * len(closed)
    nxt = len(closed)
    for t in range(len(closed) - 1, -1, -1):
        if not closed[t]:
            nxt = t
        ep_end[t] = nxt
    months = sorted({_month(t0 + timedelta(hours=t)) for t in range(len(closed))})
    reopen_months = {
        _month(t0 + timedelta(hours=ep_end[t])) for t in range(len(closed)) if closed[t]
    }
    all_months = sorted(set(months) | reopen_months)

    say("closed port")
    year = a.year - 1 if a.month < 12 else a.year
    c_node = build_node(reg, target.port_code, category, p, con, year)
    if c_node is None:
        raise ValueError(f"port {target.port_code} has no road crossing in the registry")
    base: dict[tuple[str, date], Baseline] = {}
    for m in all_months:
        base[(c_node.port_code, m)] = baseline(con, c_node.port_code, measure, m, a)

    say("alternatives")
    radius = p.radius_km(category)
    alts: list[tuple[PortNode, float]] = []
    skipped: list[str] = []
    for pc in reg.port_codes:
        if pc.bts_port_code == c_node.port_code:
            continue
        d_gc = great_circle_km(c_node.latitude, c_node.longitude, pc.latitude, pc.longitude)
        # Cheap pre-filter on the code's own point: every registry crossing lies within
        # 164 km of its code's point, so a 250 km margin drops no candidate.
        if d_gc > radius + 250.0:
            continue
        node = build_node(reg, pc.bts_port_code, category, p, con, year)
        if node is None or node.booths == 0:
            continue
        d = great_circle_km(c_node.latitude, c_node.longitude, node.latitude, node.longitude)
        if d > radius:
            continue
        try:
            for m in all_months:
                base[(node.port_code, m)] = baseline(con, node.port_code, measure, m, a)
        except ValueError as exc:
            skipped.append(f"{node.port_code} {node.name}: {exc}")
            continue
        alts.append((node, d))
    alts.sort(key=lambda x: x[1])

    speed = p.speed_kmh(category)
    det_km = [detour_km(d, p) for _, d in alts]
    det_min = [km / speed * 60.0 for km in det_km]
    received = [0.0] * len(alts)
    capped = [0] * len(alts)
    delta: dict[tuple[str, date], float] = defaultdict(float)
    day_rows: dict[date, list[float]] = defaultdict(lambda: [0.0] * 7)
    u = p.usable_utilisation

    # Trade value per vehicle of the closed port, per month (Trucks only).
    trade: dict[date, PortTradeValue] = {}
    trade_basis = "trade value is estimated for --measure Trucks only"
    if measure == "Trucks":
        for m in months:
            trade[m] = port_truck_trade(con, c_node.port_code, m)
        trade_basis = trade[months[0]].basis + (
            "; two-way value per U.S.-bound truck = (imports + exports) / baseline trucks: "
            "BTS counts only U.S.-bound trucks, and Canada-bound trade is assumed to be "
            "disrupted in the same proportion"
        )

    def value_per_vehicle(m: date) -> float | None:
        if m not in trade:
            return None
        b = base[(c_node.port_code, m)].value
        return trade[m].two_way_usd / b if b > 0 else 0.0

    say("hours")
    trade_del: dict[date, float] = defaultdict(float)
    trade_div: dict[date, float] = defaultdict(float)
    for t, is_closed in enumerate(closed):
        if not is_closed:
            continue
        now = t0 + timedelta(hours=t)
        m, hour, day = _month(now), now.hour, now.date()
        lam_c = _hourly_demand(c_node, base[(c_node.port_code, m)].value, m, hour)
        kept = (1.0 - target.capacity_share) * u * c_node.capacity_per_h(hour)
        displaced = max(0.0, lam_c - kept)
        row = day_rows[day]
        row[0] += 1
        wq_c = erlang_c_wait_min(lam_c, c_node.booths_open(hour), c_node.service_time_min)
        if target.capacity_share < 1 and lam_c > 0:
            # Traffic still crossing at a partly closed port queues at fewer booths.
            n_kept = round((1.0 - target.capacity_share) * c_node.booths_open(hour))
            served = min(lam_c, kept)
            wq_kept = erlang_c_wait_min(served, n_kept, c_node.service_time_min)
            if math.isfinite(wq_kept) and math.isfinite(wq_c):
                row[5] += served * max(0.0, wq_kept - wq_c) / 60.0
        if displaced <= 0:
            continue
        wait_h = ep_end[t] - t - 0.5  # mean wait until reopening of this hour's trips
        costs: list[float] = []
        lams: list[float] = []
        for node, _d in alts:
            lam_j = _hourly_demand(node, base[(node.port_code, m)].value, m, hour)
            lams.append(lam_j)
            wq = erlang_c_wait_min(lam_j, node.booths_open(hour), node.service_time_min)
            costs.append(det_min[len(costs)] + wq)
        postpone_cost = min(wait_h, p.max_wait_h) * 60.0
        # Size of each option: its baseline traffic of the measure in the month (a port
        # that takes no trucks takes no diverted trucks); postponing keeps the trip on
        # the closed port, whose size is its own traffic. Equal costs -> shares in
        # proportion to the baseline traffic.
        sizes = [base[(n.port_code, m)].value for n, _ in alts]
        sizes.append(max(base[(c_node.port_code, m)].value, 1.0))
        shares = logit_shares([*costs, postpone_cost], p.logit_scale_min, sizes)
        diverted = 0.0
        extra_min = 0.0
        km = 0.0
        for i, (node, _d) in enumerate(alts):
            want = displaced * shares[i]
            if want <= 0:
                continue
            spare = max(0.0, u * node.capacity_per_h(hour) - lams[i])
            got = min(want, spare)
            if got < want:
                capped[i] += 1
            if got <= 0:
                continue
            received[i] += got
            diverted += got
            delta[(node.port_code, m)] += got
            wq_after = erlang_c_wait_min(
                lams[i] + got, node.booths_open(hour), node.service_time_min
            )
            extra_min += got * (det_min[i] + wq_after - (wq_c if math.isfinite(wq_c) else 0.0))
            km += got * det_km[i]
        postponed = displaced - diverted
        if wait_h <= p.max_wait_h:
            delayed, cancelled = postponed, 0.0
            extra_min += delayed * wait_h * 60.0
            reopen = _month(t0 + timedelta(hours=ep_end[t]))
            delta[(c_node.port_code, reopen)] += delayed
        else:
            delayed, cancelled = 0.0, postponed
        delta[(c_node.port_code, m)] -= displaced
        vpv = value_per_vehicle(m)
        row[1] += displaced
        row[2] += diverted
        row[3] += delayed
        row[4] += cancelled
        row[5] += extra_min / 60.0
        row[6] += km
        if vpv is not None:
            trade_del[day] += (delayed + cancelled) * vpv
            trade_div[day] += diverted * vpv

    say("monthly totals")
    names = {c_node.port_code: target.port_name} | {n.port_code: n.name for n, _ in alts}
    port_rows: list[PortMonth] = []
    for (code, m), dv in delta.items():
        if abs(dv) < 0.5:
            continue
        b = base[(code, m)] if (code, m) in base else baseline(con, code, measure, m, a)
        obs = con.execute(
            "SELECT value FROM bts_crossings WHERE port_code = $1 AND measure = $2 AND month = $3",
            [code, measure, m],
        ).fetchone()
        port_rows.append(
            PortMonth(
                code,
                names.get(code, code),
                measure,
                m,
                b.value,
                b.value + dv,
                int(obs[0]) if obs else None,
                b.basis,
            )
        )
    port_rows.sort(key=lambda r: (r.port_code != c_node.port_code, -abs(r.change), r.month))

    is_trucks = measure == "Trucks"
    days = tuple(
        DayImpact(
            d,
            int(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            trade_del[d] if is_trucks else None,
            trade_div[d] if is_trucks else None,
        )
        for d, r in sorted(day_rows.items())
    )
    alternatives = tuple(
        Alternative(
            n.port_code,
            n.name,
            d,
            det_km[i],
            det_min[i],
            n.booths,
            erlang_c_wait_min(
                _hourly_demand(n, base[(n.port_code, months[0])].value, months[0], 12),
                n.booths_open(12),
                n.service_time_min,
            ),
            received[i],
            capped[i],
        )
        for i, (n, d) in enumerate(alts)
    )
    assumptions = (
        f"baseline demand: {BASELINE_METHOD}, data known at {a:%Y-%m} only",
        "demand flat over the days of the month and the hours a port is open (no hourly "
        "profile is shipped for trucks)",
        "detour: trips start and end near the closed port, one on each side of the border, "
        "so a diverted trip drives 2 x distance x detour factor extra (upper bound for "
        "long-haul trips)",
        "route choice: logit on minutes over open ports within the radius and postponing, "
        "each weighted by its size (baseline traffic of the measure; postponing: the closed "
        "port's); expected waits by Erlang C (M/M/c, booths pooled per port) at baseline "
        "load",
        "receiving ports take at most their spare capacity; trips beyond it are not "
        "re-routed: they wait for reopening",
        f"postponed trips waiting at most {p.max_wait_h:g} h cross when the port reopens "
        "(delayed); longer waits are cancelled (not crossed in the period)",
        "the reopening backlog's own queueing is not modelled; traffic still using a partly "
        "closed port waits at the booths left (Erlang C, rounded booth count)",
        *(f"alternative skipped: {s}" for s in skipped),
    )
    return ClosureResult(
        target=target,
        start=start,
        end=end,
        hours=hours,
        measure=measure,
        as_of=a,
        ports=tuple(port_rows),
        alternatives=alternatives,
        days=days,
        displaced=sum(x.displaced for x in days),
        diverted=sum(x.diverted for x in days),
        delayed=sum(x.delayed for x in days),
        cancelled=sum(x.cancelled for x in days),
        extra_delay_h=sum(x.extra_delay_h for x in days),
        detour_km=sum(x.detour_km for x in days),
        trade_delayed_usd=sum(trade_del.values()) if is_trucks else None,
        trade_diverted_usd=sum(trade_div.values()) if is_trucks else None,
        trade_basis=trade_basis,
        parameters=p.table(category),
        assumptions=assumptions,
    )


__all__ = [
    "CLOSURE_MODEL",
    "Alternative",
    "ClosureResult",
    "ClosureTarget",
    "DayImpact",
    "PortMonth",
    "closure_target",
    "logit_shares",
    "simulate_closure",
]
