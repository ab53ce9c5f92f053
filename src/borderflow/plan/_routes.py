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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from borderflow.data import Crossing, Registry, load_registry, resolve_port
from borderflow.demand import hourly_demand
from borderflow.plan._closure import erlang_c_wait_min, logit_shares
from borderflow.plan._network import (
    NetworkParams,
    Parameter,
    build_node,
    category_of,
    detour_km,
    great_circle_km,
)
from borderflow.vocab import US_BOUND

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


# --- one day ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteShare:
    """One crossing's predicted traffic of the day.

    Attributes
    ----------
    crossing_id, name, port_code, booths
        The crossing.
    distance_km
        Great-circle distance from the named crossing [km].
    volume
        Vehicles choosing it in the day.
    share
        ``volume`` / corridor total.
    split_volume
        Vehicles the demand module's split rule gives it (its port's BTS count split by
        lanes): the observed port total, not a prediction.
    mean_wait_min
        Flow-weighted expected wait [min] (``None`` without flow).
    peak_utilisation
        Highest hourly flow / capacity.
    closed
        Closed all day in this run.
    """

    crossing_id: str
    name: str
    port_code: str
    booths: int
    distance_km: float
    volume: float
    share: float
    split_volume: float
    mean_wait_min: float | None
    peak_utilisation: float
    closed: bool


@dataclass(frozen=True)
class RoutesResult:
    """Everyday route choice over one corridor, day and measure.

    ``anchor`` is the named crossing; ``total`` the corridor's demand [vehicles/day];
    ``port_shares`` the shares summed per BTS port; ``zone_weights`` the fitted trip
    ends (``None``: by booths); ``gap``/``iterations``/``converged`` describe the
    equilibrium (see :class:`Equilibrium`).
    """

    day: date
    measure: str
    category: str
    anchor: str
    total: float
    crossings: tuple[RouteShare, ...]
    port_shares: Mapping[str, float]
    unserved: float
    iterations: int
    gap: float
    converged: bool
    parameters: tuple[Parameter, ...]
    assumptions: tuple[str, ...] = field(default=())
    zone_weights: ZoneWeights | None = None


def route_parameters(params: NetworkParams, category: str) -> tuple[Parameter, ...]:
    """Every parameter of ``route-logit-sue v1``, with its source or "assumption"."""
    keep = ("detour_factor", "speed_kmh", "logit_scale_min", "service_time_min")
    shared = tuple(q for q in params.table(category) if q.name in keep)
    return (
        *shared,
        Parameter(
            "corridor_radius_km",
            params.corridor_radius_km,
            "km (great circle)",
            "assumption: crossings within 50 km of each other serve the same trips "
            "(Cascade Gateway: Peace Arch to Sumas is 37 km)",
        ),
        Parameter(
            "overload_utilisation",
            params.overload_utilisation,
            "share of capacity",
            "assumption: Erlang C up to this load, a queue growing over the hour beyond",
        ),
        Parameter(
            "sue_tolerance",
            params.sue_tolerance,
            "share of an hour's demand",
            "numerical setting: convergence of the successive averages",
        ),
        Parameter(
            "sue_max_iterations",
            float(params.sue_max_iterations),
            "iterations",
            "numerical setting: cap on the successive averages",
        ),
    )


@dataclass(frozen=True)
class ZoneWeights:
    """Trip ends per crossing's zone, fitted so the model reproduces past port shares.

    Attributes
    ----------
    measure
        BTS measure fitted.
    first, last
        Months fitted on (first days).
    weights
        Zone weight by crossing id (sum 1).
    observed_shares
        Port shares of the fitting months (BTS counts summed): the persistence
        comparator of later months.
    residual
        Largest |model - observed| port share left on the fitting months.
    iterations
        Fitting iterations run.
    basis
        How they were made, in words.
    """

    measure: str
    first: date
    last: date
    weights: Mapping[str, float]
    observed_shares: Mapping[str, float]
    residual: float
    iterations: int
    basis: str


def fit_zone_weights(
    con: Any,
    query: str,
    first: date,
    last: date,
    measure: str = "Trucks",
    params: NetworkParams | None = None,
    registry: Registry | None = None,
    day_of_month: int = 15,
    max_iterations: int = 30,
    tolerance: float = 2e-3,
) -> ZoneWeights:
    """Fit trip ends per zone to the BTS port counts of past months.

    Iterative proportional fitting: starting from booths, each zone's weight is
    multiplied by observed / predicted share of its port (summed over the months, the
    model run on day ``day_of_month`` of each) until no port's share is off by more than
    ``tolerance``. Only months ``first`` to ``last`` are read, so months after ``last``
    remain a fair test. The logit and waits keep their parameters: a zone whose port is
    over-predicted even at weight 0 stays at 0 (``residual`` says by how much).

    Raises
    ------
    ValueError
        If no fitting month has counts for every port of the corridor.
    """
    p = params or NetworkParams()
    reg = registry or load_registry()
    category = category_of(measure)
    options = corridor_options(con, query, category, p, reg, first.year - 1)
    centre = corridor_anchor(con, query, reg)
    ports = sorted({o.port_code for o in options})
    obs: dict[str, float] = dict.fromkeys(ports, 0.0)
    demands: list[list[float]] = []
    for m in _months(first, last):
        rows = dict(
            con.execute(
                "SELECT port_code, value FROM bts_crossings WHERE month = $1 AND measure = $2 "
                "AND port_code IN (SELECT unnest($3::VARCHAR[]))",
                [m, measure, ports],
            ).fetchall()
        )
        if len(rows) != len(ports):
            continue
        for k, v in rows.items():
            obs[k] += float(v)
        day = m.replace(day=day_of_month)
        demands.append(corridor_demand(con, options, day, measure, p, reg, centre)[0])
    tot = sum(obs.values())
    if not demands or tot <= 0:
        raise ValueError(
            f"no month {first:%Y-%m} to {last:%Y-%m} has {measure} counts for every port of "
            f"the corridor ({', '.join(ports)})"
        )
    obs_share = {k: v / tot for k, v in obs.items()}
    w = {o.crossing_id: float(o.booths) for o in options}
    residual = math.inf
    n_it = 0
    for it in range(1, max_iterations + 1):
        n_it = it
        pred = dict.fromkeys(ports, 0.0)
        for d in demands:
            eq = route_equilibrium(d, options, category, p, zone_weights=w)
            for j, o in enumerate(options):
                pred[o.port_code] += sum(eq.flows[j])
        ptot = sum(pred.values())
        share = {k: v / ptot for k, v in pred.items()}
        residual = max(abs(share[k] - obs_share[k]) for k in ports)
        if residual <= tolerance:
            break
        for o in options:
            if share[o.port_code] > 0:
                w[o.crossing_id] *= obs_share[o.port_code] / share[o.port_code]
        s = sum(w.values())
        w = {k: v / s for k, v in w.items()}
    s = sum(w.values())
    w = {k: v / s for k, v in w.items()}
    basis = (
        f"zone weights fitted to BTS {measure} port shares of {first:%Y-%m} to {last:%Y-%m} "
        f"(iterative proportional fitting, day {day_of_month} of each month; residual "
        f"{residual:.3f})"
    )
    return ZoneWeights(measure, first, last, w, obs_share, residual, n_it, basis)


def corridor_demand(
    con: Any,
    options: Sequence[RouteOption],
    day: date,
    measure: str,
    params: NetworkParams,
    registry: Registry,
    centre: Crossing | None = None,
) -> tuple[list[float], dict[str, float]]:
    """Corridor demand of a day per local clock hour, and each crossing's own count.

    Every road crossing within the corridor radius of ``centre`` (the named crossing,
    :func:`corridor_anchor`; default the first option) carries demand,
    also one without booths of the category (the lane split rule gives it 0 of that
    measure), exclaves excepted. Returns ``(vehicles per hour 0-23, {crossing id:
    vehicles of the day})`` from :func:`borderflow.demand.hourly_demand` (U.S.-bound).
    """
    lat, lon = (
        (centre.latitude, centre.longitude)
        if centre is not None
        else (options[0].latitude, options[0].longitude)
    )
    members = {o.crossing_id for o in options}
    for c in registry.crossings:
        if (
            c.mode == "road"
            and c.crossing_id not in EXCLAVES
            and great_circle_km(lat, lon, c.latitude, c.longitude) <= params.corridor_radius_km
        ):
            members.add(c.crossing_id)
    demand = [0.0] * 24
    split: dict[str, float] = {}
    for cid in sorted(members):
        dd = hourly_demand(con, cid, day, US_BOUND, registry=registry)
        split[cid] = float(dd.day_totals.get(measure, 0))
        for r in dd.rows:
            if r.measure == measure:
                demand[r.hour_start.hour] += r.vehicles
    return demand, split


def predict_routes(
    con: Any,
    query: str,
    day: date,
    measure: str = "Trucks",
    params: NetworkParams | None = None,
    registry: Registry | None = None,
    closed: frozenset[str] = frozenset(),
    extra_wait_min: Mapping[str, float] | None = None,
    zone_weights: ZoneWeights | None = None,
) -> RoutesResult:
    """Predict how a day's corridor traffic divides among its crossings.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    query
        A crossing or port naming the corridor (e.g. ``"Pacific Highway"``).
    day
        Local day.
    measure
        ``"Trucks"``, ``"Personal Vehicles"`` or ``"Buses"`` (U.S.-bound, as BTS counts).
    params
        Model parameters (default :class:`NetworkParams`).
    registry
        Crossing registry (default the shipped one).
    closed
        Crossing ids closed all day: they get nothing, their zone's travellers divert.
    extra_wait_min
        Minutes added to a crossing's expected wait (by crossing id).
    zone_weights
        Trip ends per zone fitted on past months (:func:`fit_zone_weights`); default:
        each crossing's primary booths.

    Returns
    -------
    RoutesResult
        Volume and share per crossing and per port, with every parameter's source.

    Raises
    ------
    ValueError
        Measure that cannot be routed, empty corridor, unknown closed crossing.
    LookupError
        If the query matches no port.
    """
    p = params or NetworkParams()
    reg = registry or load_registry()
    category = category_of(measure)
    options = corridor_options(con, query, category, p, reg, day.year - 1)
    ids = {o.crossing_id for o in options}
    unknown = sorted(closed - ids)
    if unknown:
        raise ValueError(
            f"closed crossing(s) {', '.join(unknown)} not in the corridor "
            f"({', '.join(f'{o.crossing_id} {o.name}' for o in options)})"
        )
    anchor = corridor_anchor(con, query, reg)
    demand, split = corridor_demand(con, options, day, measure, p, reg, anchor)
    zw = None if zone_weights is None else zone_weights.weights
    eq = route_equilibrium(demand, options, category, p, closed, extra_wait_min, zw)
    total = sum(demand)
    served = total - eq.unserved
    shares: list[RouteShare] = []
    for j, o in enumerate(options):
        vol = sum(eq.flows[j])
        wsum = sum(f * w for f, w in zip(eq.flows[j], eq.waits_min[j], strict=True) if f > 0)
        util = max(
            (
                eq.flows[j][h] / (o.booths_open(h) * 60.0 / o.service_time_min)
                for h in range(24)
                if o.booths_open(h) > 0 and o.crossing_id not in closed
            ),
            default=0.0,
        )
        shares.append(
            RouteShare(
                o.crossing_id,
                o.name,
                o.port_code,
                o.booths,
                great_circle_km(anchor.latitude, anchor.longitude, o.latitude, o.longitude),
                vol,
                vol / served if served > 0 else 0.0,
                split.get(o.crossing_id, 0.0),
                wsum / vol if vol > 0 else None,
                util,
                o.crossing_id in closed,
            )
        )
    ports: dict[str, float] = {}
    for s in shares:
        ports[s.port_code] = ports.get(s.port_code, 0.0) + s.share
    trip_ends = (
        "trip ends: travellers start near each crossing of the corridor in proportion to "
        "its primary booths of the class (no origin-destination data is shipped); the "
        "observed counts do not set the shares"
        if zone_weights is None
        else f"trip ends: {zone_weights.basis}"
    )
    assumptions = (
        trip_ends,
        "detour from zone i to crossing j: 2 x distance x detour factor at the detour "
        "speed (the closure model's rule)",
        "choice: logit on detour + expected wait, the closure model's scale, no size term",
        "expected wait: Erlang C per crossing and hour at the chosen flow, linear beyond "
        "the overload utilisation; queues do not carry over between hours",
        "corridor demand of the day: the sum of its crossings' hourly arrivals "
        "(borderflow.demand.hourly_demand, U.S.-bound)",
    )
    return RoutesResult(
        day=day,
        measure=measure,
        category=category,
        anchor=anchor.us_name,
        total=total,
        crossings=tuple(shares),
        port_shares=ports,
        unserved=eq.unserved,
        iterations=eq.iterations,
        gap=eq.gap,
        converged=eq.converged,
        parameters=route_parameters(p, category),
        assumptions=assumptions,
        zone_weights=zone_weights,
    )


def routes_json(result: RoutesResult) -> dict[str, Any]:
    """Return the JSON document of ``borderflow routes --json`` (plain types, no NaN)."""
    r = result
    return {
        "model": ROUTE_MODEL,
        "day": r.day.isoformat(),
        "measure": r.measure,
        "category": r.category,
        "corridor_of": r.anchor,
        "trip_ends": r.assumptions[0] if r.assumptions else None,
        "trip_end_fit": None
        if r.zone_weights is None
        else {
            "measure": r.zone_weights.measure,
            "from": f"{r.zone_weights.first:%Y-%m}",
            "to": f"{r.zone_weights.last:%Y-%m}",
            "weights": {k: round(v, 4) for k, v in r.zone_weights.weights.items()},
            "observed_port_shares": {
                k: round(v, 4) for k, v in r.zone_weights.observed_shares.items()
            },
            "residual": round(r.zone_weights.residual, 4),
            "iterations": r.zone_weights.iterations,
        },
        "total": round(r.total, 1),
        "unserved": round(r.unserved, 1),
        "crossings": [
            {
                "crossing_id": s.crossing_id,
                "name": s.name,
                "port_code": s.port_code,
                "booths": s.booths,
                "distance_km": round(s.distance_km, 1),
                "volume": round(s.volume, 1),
                "share": round(s.share, 4),
                "split_volume": round(s.split_volume, 1),
                "mean_wait_min": None if s.mean_wait_min is None else round(s.mean_wait_min, 2),
                "peak_utilisation": round(s.peak_utilisation, 3),
                "closed": s.closed,
            }
            for s in r.crossings
        ],
        "port_shares": {k: round(v, 4) for k, v in r.port_shares.items()},
        "equilibrium": {
            "iterations": r.iterations,
            "gap": None if not math.isfinite(r.gap) else r.gap,
            "converged": r.converged,
        },
        "parameters": [
            {"name": q.name, "value": q.value, "unit": q.unit, "source": q.source}
            for q in r.parameters
        ],
        "assumptions": list(r.assumptions),
    }


# --- check against data not used to set any parameter --------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    """Predicted vs observed shares of one month and measure.

    ``predicted``/``observed``/``comparator`` map a key (BTS port code, or
    ``"PH/(PH+Lynden)"`` for the Cascade Gateway truck rows) to a share. The comparator
    is named by ``comparator_name``: ``"booth share"`` (each port's share of the
    corridor's booths: the trip-end weights alone, no choice) or ``"persistence"`` (the
    port shares of the months the zone weights were fitted on).
    """

    month: date
    measure: str
    source: str
    predicted: Mapping[str, float]
    observed: Mapping[str, float]
    comparator: Mapping[str, float]
    comparator_name: str

    @property
    def mae(self) -> float:
        """Mean absolute error of the predicted shares."""
        return sum(abs(self.predicted[k] - self.observed[k]) for k in self.observed) / len(
            self.observed
        )

    @property
    def mae_comparator(self) -> float:
        """Mean absolute error of the comparator's shares."""
        return sum(abs(self.comparator[k] - self.observed[k]) for k in self.observed) / len(
            self.observed
        )


@dataclass(frozen=True)
class RouteCheck:
    """Predicted vs observed shares over months (see :func:`route_check`)."""

    query: str
    rows: tuple[CheckRow, ...]

    def summary(self) -> dict[str, dict[str, Any]]:
        """Mean MAE per (source, measure): model, comparator and rows (n: months or days)."""
        out: dict[str, dict[str, Any]] = {}
        for key in dict.fromkeys((r.source, r.measure) for r in self.rows):
            rs = [r for r in self.rows if (r.source, r.measure) == key]
            out[f"{key[0]} {key[1]}"] = {
                "n": float(len(rs)),
                "mae": sum(r.mae for r in rs) / len(rs),
                "mae_comparator": sum(r.mae_comparator for r in rs) / len(rs),
                "comparator": rs[0].comparator_name,
            }
        return out


def _months(first: date, last: date) -> list[date]:
    out: list[date] = []
    m = date(first.year, first.month, 1)
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def route_check(
    con: Any,
    first: date,
    last: date,
    query: str = "Pacific Highway",
    measures: Sequence[str] = ("Trucks", "Personal Vehicles"),
    params: NetworkParams | None = None,
    registry: Registry | None = None,
    day_of_month: int = 15,
    zone_weights: Mapping[str, ZoneWeights] | None = None,
    daily: bool = False,
) -> RouteCheck:
    """Compare predicted crossing shares with counts no parameter was set from.

    For each month from ``first`` to ``last`` the model is run for day
    ``day_of_month`` and its shares compared with (a) the month's BTS counts per port of
    the corridor, per measure, and (b) for Trucks, the Cascade Gateway southbound daily
    truck counts summed over the month: Pacific Highway / (Pacific Highway + Lynden).
    A corridor of one port gives no BTS rows (its share is 1 by construction). With
    ``daily``, every day with both Cascade Gateway counts is also compared (rows
    "Cascade Gateway daily", ``month`` holding the day).
    ``zone_weights`` (by measure, :func:`fit_zone_weights` on earlier months) replace
    the booth trip ends; the comparator is then persistence (the fitting months' port
    shares), else "booth share" (each port's share of the corridor's booths).

    Returns
    -------
    RouteCheck
        One row per month, measure and source with predicted and observed shares.
    """
    p = params or NetworkParams()
    reg = registry or load_registry()
    rows: list[CheckRow] = []
    for m in _months(first, last):
        for measure in measures:
            category = category_of(measure)
            try:
                zw = (zone_weights or {}).get(measure)
                res = predict_routes(
                    con, query, m.replace(day=day_of_month), measure, p, reg, zone_weights=zw
                )
            except (ValueError, LookupError):
                continue
            ports = sorted(res.port_shares)
            if len(ports) < 2:  # one port: its share is 1 by construction, nothing to test
                continue
            obs = dict(
                con.execute(
                    "SELECT port_code, value FROM bts_crossings WHERE month = $1 AND "
                    "measure = $2 AND port_code IN (SELECT unnest($3::VARCHAR[]))",
                    [m, measure, ports],
                ).fetchall()
            )
            tot = float(sum(obs.values()))
            if len(obs) != len(ports) or tot <= 0:
                continue
            opts = corridor_options(con, query, category, p, reg, m.year - 1)
            nb = float(sum(o.booths for o in opts))
            booth: dict[str, float] = {}
            for o in opts:
                booth[o.port_code] = booth.get(o.port_code, 0.0) + o.booths / nb
            comp, comp_name = (
                (booth, "booth share")
                if zw is None
                else (
                    dict(zw.observed_shares),
                    "persistence",
                )
            )
            rows.append(
                CheckRow(
                    m,
                    measure,
                    "BTS ports",
                    dict(res.port_shares),
                    {k: v / tot for k, v in obs.items()},
                    comp,
                    comp_name,
                )
            )
            if measure != "Trucks":
                continue
            cg = dict(
                con.execute(
                    "SELECT crossing, sum(volume) FROM cascade_trucks_daily WHERE "
                    "direction = 'southbound' AND date_trunc('month', day) = $1 AND "
                    "crossing IN ('Pacific Highway', 'Lynden/Aldergrove') AND day IN ("
                    "SELECT day FROM cascade_trucks_daily WHERE direction = 'southbound' "
                    "AND crossing IN ('Pacific Highway', 'Lynden/Aldergrove') "
                    "GROUP BY day HAVING count(volume) = 2) GROUP BY crossing",
                    [m],
                ).fetchall()
            )
            by_id = {s.crossing_id: s.volume for s in res.crossings}
            if len(cg) != 2 or "3004" not in by_id or "3023" not in by_id:
                continue
            key = "PH/(PH+Lynden)"
            rows.append(
                CheckRow(
                    m,
                    measure,
                    "Cascade Gateway",
                    {key: by_id["3004"] / (by_id["3004"] + by_id["3023"])},
                    {
                        key: cg["Pacific Highway"]
                        / (cg["Pacific Highway"] + cg["Lynden/Aldergrove"])
                    },
                    {key: comp["3004"] / (comp["3004"] + comp["3023"])},
                    comp_name,
                )
            )
            if daily:
                rows.extend(
                    _daily_rows(
                        con,
                        query,
                        m,
                        p,
                        reg,
                        zw,
                        {key: comp["3004"] / (comp["3004"] + comp["3023"])},
                        comp_name,
                    )
                )
    return RouteCheck(query, tuple(rows))


def _daily_rows(
    con: Any,
    query: str,
    month: date,
    params: NetworkParams,
    registry: Registry,
    zone_weights: ZoneWeights | None,
    comparator: Mapping[str, float],
    comparator_name: str,
) -> list[CheckRow]:
    """Cascade Gateway rows of every day of ``month`` with both truck counts."""
    days = con.execute(
        "SELECT day, max(volume) FILTER (WHERE crossing = 'Pacific Highway'), "
        "max(volume) FILTER (WHERE crossing = 'Lynden/Aldergrove') FROM cascade_trucks_daily "
        "WHERE direction = 'southbound' AND date_trunc('month', day) = $1 GROUP BY day "
        "HAVING count(volume) FILTER (WHERE crossing IN ('Pacific Highway', "
        "'Lynden/Aldergrove')) = 2 ORDER BY day",
        [month],
    ).fetchall()
    if not days:
        return []
    options = corridor_options(con, query, "commercial", params, registry, month.year - 1)
    ids = [o.crossing_id for o in options]
    if "3004" not in ids or "3023" not in ids:
        return []
    centre = corridor_anchor(con, query, registry)
    zw = None if zone_weights is None else zone_weights.weights
    key = "PH/(PH+Lynden)"
    out: list[CheckRow] = []
    for d, ph, ly in days:
        if ph + ly <= 0:
            continue
        demand, _ = corridor_demand(con, options, d, "Trucks", params, registry, centre)
        eq = route_equilibrium(demand, options, "commercial", params, zone_weights=zw)
        v = {i: sum(f) for i, f in zip(ids, eq.flows, strict=True)}
        if v["3004"] + v["3023"] <= 0:
            continue
        out.append(
            CheckRow(
                d,
                "Trucks",
                "Cascade Gateway daily",
                {key: v["3004"] / (v["3004"] + v["3023"])},
                {key: ph / (ph + ly)},
                dict(comparator),
                comparator_name,
            )
        )
    return out


__all__ = [
    "EXCLAVES",
    "ROUTE_MODEL",
    "CheckRow",
    "Equilibrium",
    "RouteCheck",
    "RouteOption",
    "RouteShare",
    "RoutesResult",
    "ZoneWeights",
    "choice_flows",
    "corridor_anchor",
    "corridor_demand",
    "corridor_options",
    "detour_minutes",
    "expected_wait_min",
    "fit_zone_weights",
    "predict_routes",
    "route_check",
    "route_equilibrium",
    "route_parameters",
    "routes_json",
]
