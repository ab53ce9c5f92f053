"""Routes that read: health, crossings, traffic, forecasts, predicted waits, facts, feed."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Path, Query

import borderflow
from borderflow.data import (
    DEFAULT_MEASURE,
    TRAFFIC_SOURCE,
    AmbiguousPortError,
    PortNotFoundError,
    UnknownMeasureError,
    all_facts,
    parse_month,
    resolve_port,
    traffic_series,
)
from borderflow.plan import sized_booths
from borderflow.service._bwt import bwt_feed
from borderflow.service._context import Context, not_available, suggest
from borderflow.service._errors import PARAM_MAX, ApiError, clip, error_responses
from borderflow.service._limits import JobFailedError
from borderflow.service._models import (
    CrossingOut,
    FactOut,
    ForecastOut,
    HealthOut,
    MapOut,
    TrafficOut,
    WaitsAtOut,
    WaitsOut,
)
from borderflow.service._providers import NotAvailableError, provider_job, row_dict
from borderflow.vocab import BTS_MEASURES, US_BOUND

#: Longest forecast horizon served [months] (the forecast models' own limit).
MAX_FORECAST_MONTHS = 24

CrossingId = Annotated[
    str, Path(max_length=PARAM_MAX, description="Crossing id (e.g. 3005) or part of a name.")
]
PortCodeParam = Annotated[
    str, Path(max_length=PARAM_MAX, description="BTS port code (e.g. 3004) or a name.")
]
DayParam = Annotated[date, Query(description="Local day, YYYY-MM-DD.")]
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
#: A BTS measure name (the schema lists them).
Measure = Literal[
    "Personal Vehicles",
    "Personal Vehicle Passengers",
    "Trucks",
    "Truck Containers Loaded",
    "Truck Containers Empty",
    "Buses",
    "Bus Passengers",
    "Pedestrians",
    "Trains",
    "Train Passengers",
    "Rail Containers Loaded",
    "Rail Containers Empty",
]
assert set(get_args(Measure)) == set(BTS_MEASURES)
DirectionParam = Annotated[
    str, Query(pattern="^(US-bound|Canada-bound)$", description="US-bound or Canada-bound.")
]


def _resolve(ctx: Context, con: Any, code: str) -> Any:
    try:
        return resolve_port(con, code)
    except PortNotFoundError:
        raise ApiError(
            404,
            "port_not_found",
            f"no BTS port matches {clip(code)!r}: give a 4-digit port code (e.g. 3004) or "
            "part of a port or crossing name (e.g. Blaine)",
            parameter="code",
            suggestions=suggest(ctx.registry, code),
        ) from None
    except AmbiguousPortError as exc:
        raise ApiError(
            409,
            "ambiguous_port",
            f"{clip(code)!r} matches {len(exc.candidates)} ports: give one of their codes",
            parameter="code",
            candidates=[dataclasses.asdict(c) for c in exc.candidates],
        ) from None


def build_router(ctx: Context) -> APIRouter:
    """Build the read-only routes, bound to ``ctx``."""
    r = APIRouter()

    @r.get("/api/health", response_model=HealthOut, tags=["service"])
    def health() -> dict[str, Any]:
        """Say whether the API can answer: ``degraded`` names what is missing."""
        problem = ctx.database_problem()
        missing = []
        if problem:
            missing.append(f"traffic, facts, waits, forecasts, closures: {problem}")
        labels = {
            "predict_waits": "predicted waits (/api/ports/{id}/waits, /api/waits, /api/bwt)",
            "forecast_monthly": "forecasts (/api/ports/{code}/forecast)",
            "whatif": "what-ifs (/api/whatif)",
            "closure": "closures (/api/closures)",
        }
        missing += [
            f"{labels[n]}: not available in this build yet" for n in ctx.providers.missing()
        ]
        return {
            "status": "degraded" if missing else "ok",
            "version": borderflow.__version__,
            "database": {"available": problem is None, "problem": problem},
            "missing": missing,
        }

    @r.get(
        "/api/ports",
        response_model=list[CrossingOut],  # type: ignore[valid-type]
        responses=error_responses(422, 503),
        tags=["crossings"],
    )
    def ports(
        q: Annotated[
            str | None, Query(max_length=PARAM_MAX, description="Part of a name, or a code.")
        ] = None,
        state: Annotated[
            str | None, Query(max_length=2, description="Two-letter U.S. state.")
        ] = None,
        sized: Annotated[
            bool, Query(description="Add U.S.-bound booths from the labelled sizing rule.")
        ] = False,
    ) -> list[dict[str, Any]]:
        """List or search the registry's crossings (by name/code and state)."""
        found = ctx.registry.search(q, state)
        out = [dataclasses.asdict(c) for c in found]
        if sized and found:
            with ctx.warehouse() as con:
                booths = sized_booths(con, found)
            for rec, c in zip(out, found, strict=True):
                rec["sized_us_bound_booths"] = {
                    lt: None if v is None else dataclasses.asdict(v)
                    for lt, v in booths[c.crossing_id].items()
                }
        return out

    @r.get(
        "/api/ports/{crossing_id}",
        response_model=CrossingOut,
        responses=error_responses(404, 409, 422),
        tags=["crossings"],
    )
    def port_detail(crossing_id: CrossingId) -> dict[str, Any]:
        """One crossing of the registry, by id or an unambiguous part of its name."""
        return dataclasses.asdict(ctx.crossing(crossing_id))

    @r.get(
        "/api/ports/{code}/traffic",
        response_model=TrafficOut,
        responses=error_responses(404, 409, 422, 503),
        tags=["traffic"],
    )
    def port_traffic(
        code: PortCodeParam,
        measure: Annotated[
            list[Measure] | None, Query(max_length=12, description="BTS measure(s).")
        ] = None,
        start: Annotated[
            str | None,
            Query(alias="from", pattern=MONTH_PATTERN, description="First month, YYYY-MM."),
        ] = None,
        end: Annotated[
            str | None,
            Query(alias="to", pattern=MONTH_PATTERN, description="Last month, YYYY-MM."),
        ] = None,
    ) -> dict[str, Any]:
        """Monthly U.S.-bound series of a BTS port [count/month] (code like 3004, or a name)."""
        key = ("traffic", ctx.stamp(), code, tuple(measure or ()), start, end)
        return dict(ctx.responses.get_or(key, lambda: _traffic(code, measure, start, end)))

    def _traffic(
        code: str, measure: list[Measure] | None, start: str | None, end: str | None
    ) -> dict[str, Any]:
        months = []
        for name, value in (("from", start), ("to", end)):
            try:
                months.append(parse_month(value) if value else None)
            except ValueError:
                raise ApiError(
                    422,
                    "invalid_parameter",
                    f"query parameter {name} = {clip(value)!r}: a month looks like YYYY-MM "
                    "(e.g. 2019-07)",
                    parameter=name,
                ) from None
        with ctx.warehouse() as con:
            match = _resolve(ctx, con, code)
            try:
                rows = traffic_series(
                    con, match.port_code, measure or [DEFAULT_MEASURE], months[0], months[1]
                )
            except UnknownMeasureError as exc:
                raise ApiError(
                    422,
                    "invalid_parameter",
                    f"query parameter measure = {clip(exc.measure)!r} is not a BTS measure",
                    parameter="measure",
                    suggestions=list(BTS_MEASURES),
                ) from None
            except ValueError as exc:
                raise ApiError(422, "invalid_parameter", clip(exc, 200)) from None
        return {
            **dataclasses.asdict(match),
            "unit": "count/month",
            "source": TRAFFIC_SOURCE,
            "rows": [
                {"month": f"{x.month:%Y-%m}", "measure": x.measure, "value": x.value} for x in rows
            ],
        }

    @r.get(
        "/api/ports/{code}/forecast",
        response_model=ForecastOut,
        responses=error_responses(404, 409, 422, 429, 500, 501, 503, 504),
        tags=["traffic"],
    )
    async def port_forecast(
        code: PortCodeParam,
        measure: Annotated[Measure, Query(description="BTS measure.")] = "Personal Vehicles",
        horizon: Annotated[
            int, Query(ge=1, le=MAX_FORECAST_MONTHS, description="Months ahead.")
        ] = 12,
    ) -> dict[str, Any]:
        """Monthly traffic forecast of a port [count/month], with 80% and 95% intervals.

        Computed in the worker pool (the forecast models run compiled code), cached per
        warehouse file, port, measure and horizon.
        """
        ctx.require(ctx.providers.forecast_monthly)
        with ctx.warehouse() as con:
            match = _resolve(ctx, con, code)
        key = (ctx.stamp(), match.port_code, measure, horizon)
        recs = ctx.forecasts.get(key)
        if recs is None:
            try:
                recs = await ctx.pool.run(
                    provider_job,
                    ctx.providers.forecast_monthly,
                    ctx.db_path,
                    match.port_code,
                    measure,
                    horizon,
                )
            except NotAvailableError as exc:
                raise not_available(exc) from None
            except JobFailedError as exc:
                raise ApiError(exc.status, exc.code, clip(exc.message, 300)) from None
            ctx.forecasts.put(key, recs)
        rows = [row_dict(x) for x in recs]
        for x in rows:
            x["month"] = str(x["month"])[:7]
        return {
            "port_code": match.port_code,
            "port_name": match.port_name,
            "measure": measure,
            "model": str(rows[0].get("model", "")) if rows else "",
            "rows": rows,
        }

    @r.get(
        "/api/ports/{crossing_id}/waits",
        response_model=WaitsOut,
        responses=error_responses(404, 409, 422, 429, 500, 501, 503, 504),
        tags=["waits"],
    )
    async def port_waits(
        crossing_id: CrossingId,
        day: DayParam,
        direction: DirectionParam = US_BOUND,
    ) -> dict[str, Any]:
        """Predicted waits of a crossing for one day, by local hour and lane type [minutes]."""
        c = ctx.crossing(crossing_id)
        doc = (await ctx.predictions([c.crossing_id], day, direction))[c.crossing_id]
        if isinstance(doc, str):
            raise ApiError(500, "prediction_failed", doc)
        return doc

    @r.get(
        "/api/waits",
        response_model=WaitsAtOut,
        responses=error_responses(422, 429, 500, 501, 503, 504),
        tags=["waits"],
    )
    async def waits_at(
        at: Annotated[datetime, Query(description="Local clock time, e.g. 2019-07-12T16:00.")],
        lane_type: Annotated[
            str, Query(pattern="^(general|nexus|ready|commercial|pedestrian)$")
        ] = "general",
    ) -> dict[str, Any]:
        """Predicted U.S.-bound delay of every road crossing at one local hour [minutes]."""
        crossings = ctx.registry.road_crossings
        docs = await ctx.predictions([c.crossing_id for c in crossings], at.date(), US_BOUND)
        out = []
        for c in crossings:
            doc = docs.get(c.crossing_id)
            if not isinstance(doc, dict):  # no prediction: grey on the map
                out.append(
                    {
                        "crossing_id": c.crossing_id,
                        "delay_min": None,
                        "validated": False,
                        "capacity_basis": None,
                        "model": None,
                    }
                )
                continue
            row = next(
                (
                    x
                    for x in doc["rows"]
                    if x["lane_type"] == lane_type and int(x["hour_start"][11:13]) == at.hour
                ),
                None,
            )
            out.append(
                {
                    "crossing_id": c.crossing_id,
                    "delay_min": None if row is None else row["delay_min"],
                    "validated": doc["validated"],
                    "capacity_basis": doc["capacity_basis"],
                    "model": doc["model"],
                }
            )
        return {"at": at.isoformat(timespec="minutes"), "lane_type": lane_type, "ports": out}

    @r.get(
        "/api/bwt",
        responses=error_responses(422),
        tags=["waits"],
    )
    async def bwt(
        as_of: Annotated[
            datetime | None,
            Query(
                description="Local clock time to predict for (default: now), e.g. 2019-07-12T16:00."
            ),
        ] = None,
    ) -> dict[str, Any]:
        """Predicted waits in the shape of CBP's Border Wait Times JSON (see docs/api.md)."""
        at = (as_of or datetime.now()).replace(tzinfo=None, second=0, microsecond=0)
        crossings = [c for c in ctx.registry.crossings if c.cbp_port_number]
        docs: dict[str, dict[str, Any] | str]
        try:
            docs = await ctx.predictions([c.crossing_id for c in crossings], at.date(), US_BOUND)
        except ApiError as exc:  # no predictions at all: every entry says why
            docs = {c.crossing_id: exc.detail.message for c in crossings}
        return bwt_feed(crossings, docs, at)

    @r.get("/api/map", response_model=MapOut, responses=error_responses(503), tags=["map"])
    def map_points() -> dict[str, Any]:
        """Every crossing with its position and yearly U.S.-bound vehicles [vehicles/year].

        Traffic is the latest complete BTS year's personal vehicles plus trucks of the
        crossing's port code, shared among the port's crossings by the split rule
        (``borderflow.demand.split_shares``).
        """
        return ctx.map_points()

    @r.get(
        "/api/facts",
        response_model=list[FactOut],  # type: ignore[valid-type]
        responses=error_responses(503),
        tags=["facts"],
    )
    def facts() -> list[dict[str, Any]]:
        """Return the State Department fact sheet's border figures checked against the data."""
        with ctx.warehouse() as con:
            return [f.to_dict() for f in all_facts(con)]

    return r


__all__ = ["build_router"]
