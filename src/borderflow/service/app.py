"""FastAPI application: the HTTP API and (for now) a placeholder dashboard page."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

import borderflow
from borderflow.data import (
    DEFAULT_MEASURE,
    TRAFFIC_SOURCE,
    AmbiguousPortError,
    PortNotFoundError,
    UnknownMeasureError,
    WarehouseMissingError,
    all_facts,
    connect_readonly,
    load_registry,
    parse_month,
    resolve_port,
    traffic_series,
)
from borderflow.plan import sized_booths

_PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>borderflow</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto">
<h1>borderflow</h1>
<p>An open digital twin of the U.S.&ndash;Canada land border. The dashboard with its map
comes in a later release; the API is at <a href="/docs">/docs</a>.</p>
<p>Warehouse: <code>{db}</code></p>
</body></html>
"""


# --- response models (pydantic at the edge only) -------------------------------------------


class LaneOut(BaseModel):
    """One lane/booth figure of a crossing, per direction, with its source."""

    crossing_id: str
    direction: str
    lane_type: str
    unit: str
    count: int | None
    listed: bool | None
    source: str | None
    note: str
    basis: str


class SizedOut(BaseModel):
    """Booths filled by the sizing rule; never shown without ``label``."""

    value: int
    label: str
    demand_veh_per_h: float
    service_time_min: float
    target_utilisation: float
    assumptions: list[str]


class CrossingOut(BaseModel):
    """One crossing of the registry (see ``docs/registry.md``)."""

    crossing_id: str
    us_name: str
    canada_name: str | None
    bts_port_code: str
    bts_port_name: str
    is_master: bool
    state: str
    province: str | None
    latitude: float
    longitude: float
    mode: str
    crossing_types: list[str]
    port_has_rail: bool | None
    hours: str | None
    open_24h: bool | None
    cbp_port_number: str | None
    cbp_crossing_name: str | None
    lanes: list[LaneOut]
    source: str
    sized_us_bound_booths: dict[str, SizedOut | None] | None = None


class TrafficPoint(BaseModel):
    """One month of one measure [count/month, U.S.-bound]."""

    month: str
    measure: str
    value: int


class TrafficOut(BaseModel):
    """A port's monthly series, with where it comes from."""

    port_code: str
    port_name: str
    state: str
    border: str
    matched_by: str
    unit: str
    source: str
    rows: list[TrafficPoint]


class FactOut(BaseModel):
    """One fact-sheet claim checked against the data (see ``docs/facts.md``)."""

    claim: str
    fact_sheet_figure: float | None
    data_figure: float | None
    unit: str
    period: str
    source: str
    status: str
    note: str


def create_app(db_path: Path) -> FastAPI:
    """Build the application serving the warehouse at ``db_path`` (opened read-only).

    Parameters
    ----------
    db_path
        DuckDB warehouse file built by ``borderflow load``.
    """
    api = FastAPI(title="borderflow", version=borderflow.__version__)

    @api.get("/", response_class=HTMLResponse)
    def index() -> str:
        return _PLACEHOLDER.format(db=db_path)

    @api.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": borderflow.__version__}

    @contextmanager
    def warehouse() -> Iterator[Any]:
        try:
            con = connect_readonly(db_path)
        except WarehouseMissingError as exc:
            raise HTTPException(status_code=503, detail=str(exc)) from None
        try:
            yield con
        finally:
            con.close()

    @api.get("/api/ports", response_model=list[CrossingOut])
    def ports(
        q: Annotated[str | None, Query(description="Part of a name, or a code.")] = None,
        state: Annotated[str | None, Query(description="Two-letter U.S. state.")] = None,
        sized: Annotated[
            bool, Query(description="Add U.S.-bound booths from the labelled sizing rule.")
        ] = False,
    ) -> list[dict[str, Any]]:
        """Return the registry's crossings, optionally searched by name/code and state."""
        found = load_registry().search(q, state)
        out = [dataclasses.asdict(c) for c in found]
        if sized:
            with warehouse() as con:
                booths = sized_booths(con, found)
            for rec, c in zip(out, found, strict=True):
                rec["sized_us_bound_booths"] = {
                    lt: None if v is None else dataclasses.asdict(v)
                    for lt, v in booths[c.crossing_id].items()
                }
        return out

    @api.get("/api/ports/{code}/traffic", response_model=TrafficOut)
    def port_traffic(
        code: str,
        measure: Annotated[list[str] | None, Query(description="BTS measure(s).")] = None,
        start: Annotated[str | None, Query(alias="from", description="YYYY-MM")] = None,
        end: Annotated[str | None, Query(alias="to", description="YYYY-MM")] = None,
    ) -> dict[str, Any]:
        """Return the monthly U.S.-bound series of a port (code like 3004, or a name)."""
        try:
            first = parse_month(start) if start else None
            last = parse_month(end) if end else None
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        with warehouse() as con:
            try:
                match = resolve_port(con, code)
                rows = traffic_series(
                    con, match.port_code, measure or [DEFAULT_MEASURE], first, last
                )
            except PortNotFoundError as exc:
                raise HTTPException(status_code=404, detail=str(exc)) from None
            except AmbiguousPortError as exc:
                raise HTTPException(
                    status_code=409,
                    detail={
                        "message": str(exc),
                        "candidates": [dataclasses.asdict(c) for c in exc.candidates],
                    },
                ) from None
            except (UnknownMeasureError, ValueError) as exc:
                raise HTTPException(status_code=422, detail=str(exc)) from None
        return {
            **dataclasses.asdict(match),
            "unit": "count/month",
            "source": TRAFFIC_SOURCE,
            "rows": [
                {"month": f"{r.month:%Y-%m}", "measure": r.measure, "value": r.value} for r in rows
            ],
        }

    @api.get("/api/facts", response_model=list[FactOut])
    def facts() -> list[dict[str, Any]]:
        """Return the fact sheet's border figures checked against the data."""
        with warehouse() as con:
            return [f.to_dict() for f in all_facts(con)]

    return api
