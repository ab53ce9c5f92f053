"""The closure model's results as JSON (``borderflow closure --json``, the API)."""

from __future__ import annotations

import math
from typing import Any

#: Name and version of the closure model.
from borderflow.plan._closure import CLOSURE_MODEL, ClosureResult


def closure_json(result: ClosureResult) -> dict[str, Any]:
    """Return the JSON document of ``borderflow closure --json`` (plain types, no NaN)."""

    def num(x: float | None, nd: int = 1) -> float | None:
        if x is None or not math.isfinite(x):
            return None
        return round(x, nd)

    r = result
    n_days = len(r.days)
    return {
        "model": CLOSURE_MODEL,
        "closure": {
            "port_code": r.target.port_code,
            "port_name": r.target.port_name,
            "crossings_closed": list(r.target.crossings_closed),
            "capacity_share_removed": round(r.target.capacity_share, 4),
            "capacity_share_basis": r.target.basis,
            "from": r.start.isoformat(),
            "to": r.end.isoformat(),
            "hours": None if r.hours is None else f"{r.hours[0]:02d}-{r.hours[1]:02d}",
            "measure": r.measure,
            "demand_as_of": f"{r.as_of:%Y-%m}",
        },
        "ports": [
            {
                "port_code": p.port_code,
                "port_name": p.port_name,
                "measure": p.measure,
                "month": f"{p.month:%Y-%m}",
                "baseline": num(p.baseline, 0),
                "with_closure": num(p.with_closure, 0),
                "change": num(p.change, 0),
                "observed": p.observed,
                "observed_change": None if p.observed is None else num(p.observed - p.baseline, 0),
                "baseline_basis": p.baseline_basis,
            }
            for p in r.ports
        ],
        "vehicles": {
            "displaced": num(r.displaced, 0),
            "diverted": num(r.diverted, 0),
            "delayed": num(r.delayed, 0),
            "cancelled": num(r.cancelled, 0),
        },
        "extra_delay_vehicle_hours": num(r.extra_delay_h, 0),
        "detour_vehicle_km": num(r.detour_km, 0),
        "trade_value_delayed_usd": num(r.trade_delayed_usd, 0),
        "trade_value_diverted_usd": num(r.trade_diverted_usd, 0),
        "trade_value_delayed_usd_per_day": (
            None if r.trade_delayed_usd is None else num(r.trade_delayed_usd / n_days, 0)
        ),
        "trade_value_diverted_usd_per_day": (
            None if r.trade_diverted_usd is None else num(r.trade_diverted_usd / n_days, 0)
        ),
        "trade_value_basis": r.trade_basis,
        "alternatives": [
            {
                "port_code": x.port_code,
                "port_name": x.port_name,
                "distance_km": num(x.distance_km),
                "detour_km": num(x.detour_km),
                "detour_min": num(x.detour_min),
                "booths": x.booths,
                "baseline_wait_min": num(x.baseline_wait_min, 2),
                "vehicles": num(x.vehicles, 0),
                "hours_at_capacity": x.capped_hours,
            }
            for x in r.alternatives
        ],
        "days": [
            {
                "date": d.day.isoformat(),
                "closed_hours": d.closed_hours,
                "displaced": num(d.displaced, 0),
                "diverted": num(d.diverted, 0),
                "delayed": num(d.delayed, 0),
                "cancelled": num(d.cancelled, 0),
                "extra_delay_vehicle_hours": num(d.extra_delay_h, 0),
                "detour_vehicle_km": num(d.detour_km, 0),
                "trade_value_delayed_usd": num(d.trade_delayed_usd, 0),
                "trade_value_diverted_usd": num(d.trade_diverted_usd, 0),
            }
            for d in r.days
        ],
        "parameters": [
            {"name": q.name, "value": q.value, "unit": q.unit, "source": q.source}
            for q in r.parameters
        ],
        "assumptions": list(r.assumptions),
    }


def closure_json_many(results: list[ClosureResult]) -> dict[str, Any]:
    """Return the JSON document of a closure run for several measures (classes).

    ``closure`` lists the measures and the capacity share removed for each, ``ports`` all
    measures' rows (each names its measure), the trade values come from the Trucks run
    (``None`` without it), and ``by_measure`` holds each measure's full
    :func:`closure_json` document.
    """
    if not results:
        raise ValueError("no closure results")
    docs = {r.measure: closure_json(r) for r in results}
    first = docs[results[0].measure]
    trucks = docs.get("Trucks")
    closure = {k: v for k, v in first["closure"].items() if k != "measure"}
    closure["measures"] = list(docs)
    closure["capacity_share_removed"] = {
        m: d["closure"]["capacity_share_removed"] for m, d in docs.items()
    }
    closure["capacity_share_basis"] = {
        m: d["closure"]["capacity_share_basis"] for m, d in docs.items()
    }
    closure["crossings_closed"] = sorted(
        {c for d in docs.values() for c in d["closure"]["crossings_closed"]}
    )
    trade_keys = (
        "trade_value_delayed_usd",
        "trade_value_diverted_usd",
        "trade_value_delayed_usd_per_day",
        "trade_value_diverted_usd_per_day",
    )
    out: dict[str, Any] = {
        "model": CLOSURE_MODEL,
        "closure": closure,
        "ports": [p for d in docs.values() for p in d["ports"]],
    }
    for k in trade_keys:
        out[k] = None if trucks is None else trucks[k]
    out["trade_value_basis"] = (
        "trade value is estimated for Trucks only"
        if trucks is None
        else trucks["trade_value_basis"]
    )
    out["by_measure"] = docs
    return out


__all__ = ["closure_json", "closure_json_many"]
