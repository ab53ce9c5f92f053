"""Everyday route choice among nearby crossings (model ``route-logit-sue v1``).

Drivers of a class (trucks, cars) choose every day among the road crossings of a
corridor (e.g. Cascade Gateway: Peace Arch, Pacific Highway, Lynden, Sumas) by the
closure model's logit (:func:`logit_shares`, ``logit_scale_min``) on generalized time:

    cost(i -> j) = detour_km(distance(i, j)) / speed + expected wait at j   [min]

with the closure model's network (:mod:`._network`: positions, booths, hours, detour
rule ``2 x distance x detour_factor``, detour speed). Every figure is in
:class:`NetworkParams`, with its source or the word "assumption".

1. **Corridor.** The road crossings within ``corridor_radius_km`` of the named one that
   have primary booths of the class (trucks only where commercial lanes exist).
2. **Demand.** The corridor's demand of the day and hour is the sum of its crossings'
   hourly arrivals (:func:`borderflow.demand.hourly_demand`: BTS monthly counts ->
   days -> hours); the choice redistributes that total.
3. **Trip ends.** No origin-destination data is shipped: travellers start near a
   crossing ``i`` ("zone i") in proportion to its primary booths of the class (an
   assumption: lanes were built where the traffic is). The observed counts are *not*
   used, so the check against them is out of sample.
4. **Waits.** Expected wait at ``j`` in an hour: Erlang C (M/M/c, the crossing's open
   booths and service time) at the flow the choice sends there, up to
   ``overload_utilisation``; above it the wait grows linearly as a queue building over
   the hour (mean backlog of half an hour's excess). Queues do not carry over between
   hours (an assumption).
5. **Equilibrium.** Flows and waits are iterated to a fixed point by the method of
   successive averages (a stochastic user equilibrium, Sheffi 1985, *Urban
   Transportation Networks*, ch. 12): stop when no crossing's share of an hour's demand
   moves by more than ``sue_tolerance``, at most ``sue_max_iterations`` iterations.

A closed crossing (``closed``) gets infinite cost: its zone's travellers choose among
the others, as the closure model's diverted trips do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from borderflow.data import Crossing, Registry, load_registry, resolve_port
from borderflow.plan._closure import logit_shares
from borderflow.plan._network import (
    NetworkParams,
    build_node,
    detour_km,
    great_circle_km,
)
from borderflow.plan._queueing import erlang_c_wait_min

#: Name and version of the everyday route-choice model.
ROUTE_MODEL = "route-logit-sue v1"

#: Crossings whose U.S. side no U.S. road reaches: their traffic cannot choose another
#: crossing, so they are left out of every corridor (geography, not a parameter).
EXCLAVES: Mapping[str, str] = {
    "3017": "Point Roberts, WA: U.S. exclave, reached by road only through Canada",
}


# --- pieces -----------------------------------------------------------------------------------


def expected_wait_min(
    arrivals_per_h: float, booths: int, service_time_min: float, overload_utilisation: float
) -> float:
    """Return the expected wait at a crossing in one hour, finite beyond capacity [min].

    Erlang C (:func:`erlang_c_wait_min`) up to ``overload_utilisation`` x capacity; above
    it the wait at that point plus the mean backlog of a queue growing over the hour:
    ``(arrivals - u c mu) / (c mu) x 30`` min. Continuous and non-decreasing in the
    arrivals [vehicles/hour]; ``inf`` only without booths (closed).
    """
    if booths <= 0:
        return math.inf if arrivals_per_h > 0 else 0.0
    cap = booths * 60.0 / service_time_min  # vehicles/hour
    knee = overload_utilisation * cap
    if arrivals_per_h <= knee:
        return erlang_c_wait_min(arrivals_per_h, booths, service_time_min)
    return erlang_c_wait_min(knee, booths, service_time_min) + (arrivals_per_h - knee) / cap * 30.0


@dataclass(frozen=True)
class RouteOption:
    """One crossing of a corridor for one lane category.

    Attributes
    ----------
    crossing_id, name, port_code
        Registry crossing id, U.S. name and BTS port code.
    latitude, longitude
        Position [degrees].
    booths
        Primary booths of the category, and their source.
    open_hours
        24 flags, ``True`` for each local clock hour the crossing is open.
    service_time_min
        Mean primary service time [min].
    """

    crossing_id: str
    name: str
    port_code: str
    latitude: float
    longitude: float
    booths: int
    booths_source: str
    open_hours: tuple[bool, ...]
    service_time_min: float

    def booths_open(self, hour: int) -> int:
        """Booths open in local clock hour ``hour`` (0-23)."""
        return self.booths if self.open_hours[hour] else 0


def corridor_anchor(con: Any, query: str, registry: Registry) -> Crossing:
    """Return the road crossing a query names (a port query: its first road crossing).

    Raises
    ------
    LookupError
        If the query matches no port (from :func:`resolve_port`).
    ValueError
        If the port has no road crossing in the registry.
    """
    port = resolve_port(con, query, registry)
    road = [c for c in registry.by_port_code(port.port_code) if c.mode == "road"]
    if not road:
        raise ValueError(
            f"port {port.port_code} {port.port_name} has no road crossing in the U.S.-Canada "
            "crossing registry"
        )
    q = query.strip().lower()
    hits = [c for c in road if q == c.crossing_id.lower() or q in c.us_name.lower()]
    return hits[0] if hits else road[0]


def corridor_options(
    con: Any,
    query: str,
    category: str,
    params: NetworkParams | None = None,
    registry: Registry | None = None,
    year: int | None = None,
) -> tuple[RouteOption, ...]:
    """Return the corridor crossings around a named crossing or port, for a category.

    Crossings within ``params.corridor_radius_km`` of the named crossing (or of the
    port's first road crossing for a port query) with at least one primary booth of the
    category, nearest first.

    Raises
    ------
    LookupError
        If the query matches no port (from :func:`resolve_port`).
    ValueError
        If the corridor has no crossing with booths of the category.
    """
    p = params or NetworkParams()
    reg = registry or load_registry()
    anchor = corridor_anchor(con, query, reg)
    options: list[tuple[float, RouteOption]] = []
    for code in sorted({c.bts_port_code for c in reg.crossings if c.mode == "road"}):
        members = [c for c in reg.by_port_code(code) if c.mode == "road"]
        near = [
            c
            for c in members
            if great_circle_km(anchor.latitude, anchor.longitude, c.latitude, c.longitude)
            <= p.corridor_radius_km
        ]
        if not near:
            continue
        node = build_node(reg, code, category, p, con, year)
        if node is None:
            continue
        for cap in node.crossings:
            c = reg.crossing(cap.crossing_id)
            if c not in near or cap.booths <= 0 or c.crossing_id in EXCLAVES:
                continue
            d = great_circle_km(anchor.latitude, anchor.longitude, c.latitude, c.longitude)
            options.append(
                (
                    d,
                    RouteOption(
                        c.crossing_id,
                        c.us_name,
                        code,
                        c.latitude,
                        c.longitude,
                        cap.booths,
                        cap.booths_source,
                        cap.open_hours,
                        node.service_time_min,
                    ),
                )
            )
    if not options:
        raise ValueError(
            f"no crossing within {p.corridor_radius_km:g} km of {anchor.us_name} has "
            f"{category} booths"
        )
    options.sort(key=lambda x: (x[0], x[1].crossing_id))
    return tuple(o for _, o in options)


def detour_minutes(
    options: Sequence[RouteOption], params: NetworkParams, category: str
) -> list[list[float]]:
    """Detour time from zone ``i`` to crossing ``j`` (closure model's rule) [min]."""
    speed = params.speed_kmh(category)
    return [
        [
            detour_km(great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude), params)
            / speed
            * 60.0
            for b in options
        ]
        for a in options
    ]


# --- equilibrium ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Equilibrium:
    """Flows of a stochastic user equilibrium over one day.

    Attributes
    ----------
    flows
        ``flows[j][h]``: vehicles choosing option ``j`` in local clock hour ``h``.
    waits_min
        ``waits_min[j][h]``: expected wait at those flows [min] (``inf`` when closed).
    unserved
        Vehicles of hours in which no option was open [vehicles].
    iterations
        Successive-averages iterations run.
    gap
        Largest change of an option's share of an hour's demand between the last flows
        and the choice they cause (the fixed-point residual).
    converged
        ``gap <= tolerance``.
    """

    flows: tuple[tuple[float, ...], ...]
    waits_min: tuple[tuple[float, ...], ...]
    unserved: float
    iterations: int
    gap: float
    converged: bool


def _zone_shares(
    options: Sequence[RouteOption], zone_weights: Mapping[str, float] | None
) -> list[float]:
    raw = [
        float(o.booths) if zone_weights is None else float(zone_weights.get(o.crossing_id, 0.0))
        for o in options
    ]
    if any(not (math.isfinite(x) and x >= 0) for x in raw) or sum(raw) <= 0:
        raise ValueError(f"zone weights must be finite, >= 0 and not all 0, got {raw}")
    total = sum(raw)
    return [x / total for x in raw]


def choice_flows(
    demand_by_hour: Sequence[float],
    options: Sequence[RouteOption],
    flows: Sequence[Sequence[float]],
    detour_min: Sequence[Sequence[float]],
    params: NetworkParams,
    closed: frozenset[str] = frozenset(),
    extra_wait_min: Mapping[str, float] | None = None,
    zone_weights: Mapping[str, float] | None = None,
) -> tuple[list[list[float]], list[list[float]], float]:
    """Return the flows the logit sends to each option given the waits at ``flows``.

    Returns ``(choice[j][h], waits[j][h], unserved)``. Trip ends are spread over the
    options' zones by ``zone_weights`` (by crossing id; default: their booths).
    ``extra_wait_min`` adds minutes to an option's wait (what-if and tests).
    """
    extra = extra_wait_min or {}
    n = len(options)
    zone_w = _zone_shares(options, zone_weights)
    out = [[0.0] * 24 for _ in range(n)]
    waits = [[0.0] * 24 for _ in range(n)]
    unserved = 0.0
    for h in range(24):
        w = []
        for j, o in enumerate(options):
            b = 0 if o.crossing_id in closed else o.booths_open(h)
            if b <= 0:
                w.append(math.inf)
            else:
                w.append(
                    expected_wait_min(
                        flows[j][h], b, o.service_time_min, params.overload_utilisation
                    )
                    + extra.get(o.crossing_id, 0.0)
                )
            waits[j][h] = w[-1]
        d = demand_by_hour[h]
        if d <= 0:
            continue
        if not any(math.isfinite(x) for x in w):
            unserved += d
            continue
        for i in range(n):
            costs = [detour_min[i][j] + w[j] for j in range(n)]
            shares = logit_shares(costs, params.logit_scale_min)
            for j in range(n):
                out[j][h] += d * zone_w[i] * shares[j]
    return out, waits, unserved


def route_equilibrium(
    demand_by_hour: Sequence[float],
    options: Sequence[RouteOption],
    category: str,
    params: NetworkParams | None = None,
    closed: frozenset[str] = frozenset(),
    extra_wait_min: Mapping[str, float] | None = None,
    zone_weights: Mapping[str, float] | None = None,
) -> Equilibrium:
    """Stochastic user equilibrium of one day's corridor demand (successive averages).

    Parameters
    ----------
    demand_by_hour
        Corridor demand in each local clock hour 0-23 [vehicles/hour].
    options
        The corridor's crossings (:func:`corridor_options`).
    category
        ``"commercial"`` or ``"passenger"`` (detour speed).
    params
        Model parameters (default :class:`NetworkParams`).
    closed
        Crossing ids closed all day.
    extra_wait_min
        Minutes added to a crossing's expected wait (by crossing id).
    zone_weights
        Trip ends per crossing's zone (by crossing id; default: booths).

    Returns
    -------
    Equilibrium
        Flows, waits, iterations and the fixed-point residual.
    """
    if len(demand_by_hour) != 24:
        raise ValueError(f"demand_by_hour needs 24 hours, got {len(demand_by_hour)}")
    if not options:
        raise ValueError("no route options")
    p = params or NetworkParams()
    det = detour_minutes(options, p, category)
    n = len(options)
    x = [[0.0] * 24 for _ in range(n)]
    gap = math.inf
    k = 0
    for k in range(1, p.sue_max_iterations + 1):
        y, _w, _u = choice_flows(
            demand_by_hour, options, x, det, p, closed, extra_wait_min, zone_weights
        )
        if k > 1:
            gap = max(
                abs(y[j][h] - x[j][h]) / demand_by_hour[h]
                for j in range(n)
                for h in range(24)
                if demand_by_hour[h] > 0
            )
            if gap <= p.sue_tolerance:
                break
        step = 1.0 / k
        x = [[x[j][h] + step * (y[j][h] - x[j][h]) for h in range(24)] for j in range(n)]
    _y, waits, unserved = choice_flows(
        demand_by_hour, options, x, det, p, closed, extra_wait_min, zone_weights
    )
    return Equilibrium(
        tuple(tuple(r) for r in x),
        tuple(tuple(r) for r in waits),
        unserved,
        k,
        gap,
        gap <= p.sue_tolerance,
    )


def _months(first: date, last: date) -> list[date]:
    out: list[date] = []
    m = date(first.year, first.month, 1)
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


__all__ = [
    "EXCLAVES",
    "ROUTE_MODEL",
    "Equilibrium",
    "RouteOption",
    "choice_flows",
    "corridor_anchor",
    "corridor_options",
    "detour_minutes",
    "expected_wait_min",
    "route_equilibrium",
]
