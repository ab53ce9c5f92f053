"""Everyday route choice, one day: corridor demand, the equilibrium, shares and volumes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from borderflow.data import Crossing, Registry, load_registry
from borderflow.demand import hourly_demand
from borderflow.plan._network import (
    NetworkParams,
    Parameter,
    category_of,
    great_circle_km,
)
from borderflow.plan._routes_core import (
    EXCLAVES,
    ROUTE_MODEL,
    RouteOption,
    _months,
    corridor_anchor,
    corridor_options,
    route_equilibrium,
)
from borderflow.vocab import US_BOUND

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


__all__ = [
    "RouteShare",
    "RoutesResult",
    "ZoneWeights",
    "corridor_demand",
    "fit_zone_weights",
    "predict_routes",
    "route_parameters",
    "routes_json",
]
