"""Everyday route choice checked against data not used to set any parameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from borderflow.data import Registry, load_registry
from borderflow.plan._network import (
    NetworkParams,
    category_of,
)
from borderflow.plan._routes import ZoneWeights, corridor_demand, predict_routes
from borderflow.plan._routes_core import (
    _months,
    corridor_anchor,
    corridor_options,
    route_equilibrium,
)

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


__all__ = ["CheckRow", "RouteCheck", "route_check"]
