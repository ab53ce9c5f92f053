"""Routes that compute: simulate, what-if, closures. All run in the bounded worker pool."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from borderflow.data import WarehouseMissingError
from borderflow.service._context import Context, not_available
from borderflow.service._errors import PARAM_MAX, ApiError, clip, error_responses
from borderflow.service._limits import JobFailedError, Limits
from borderflow.service._models import (
    ClosureOut,
    SimulateIn,
    SimulateOut,
    WhatIfIn,
    WhatIfOut,
)
from borderflow.service._providers import NotAvailableError, parse_scenario_dict, provider_job
from borderflow.service._routes_ports import Measure
from borderflow.sim import PortSpec, SpecError, simulate

#: Longest closure period one request may ask [days].
MAX_CLOSURE_DAYS = 31


def expected_vehicles(spec: PortSpec) -> float:
    """Return expected vehicles of one replication (rates x hours, listed, queued)."""
    total = 0.0
    for c in spec.classes:
        rates = c.rate_per_hour
        if isinstance(rates, tuple):
            total += float(sum(rates[: spec.horizon_hours]))
        else:
            total += float(rates) * spec.horizon_hours
        total += len(c.arrival_times_min or ())
    total += sum(q.count for q in spec.initial_queue)
    return total


def check_caps(spec: PortSpec, replications: int, limits: Limits) -> float:
    """Raise 413 naming the cap a request exceeds; return its expected vehicles."""
    if spec.horizon_hours > limits.max_horizon_hours:
        raise ApiError(
            413,
            "horizon_too_long",
            f"scenario.horizon_hours = {spec.horizon_hours} is over the cap of "
            f"{limits.max_horizon_hours} hours",
            parameter="scenario.horizon_hours",
        )
    if replications > limits.max_replications:
        raise ApiError(
            413,
            "too_many_replications",
            f"replications = {replications} is over the cap of {limits.max_replications}",
            parameter="replications",
        )
    vehicles = expected_vehicles(spec) * replications
    if vehicles > limits.max_vehicles:
        raise ApiError(
            413,
            "too_many_vehicles",
            f"the request would simulate about {vehicles:,.0f} vehicles (rates x horizon x "
            f"replications), over the cap of {limits.max_vehicles:,}",
            parameter="scenario.classes",
        )
    return vehicles


def _simulate_job(doc: dict[str, Any], replications: int, seed: int) -> dict[str, Any]:
    """Worker side of ``POST /api/simulate`` (module level: it is pickled)."""
    spec = parse_scenario_dict(doc)
    return simulate(spec, replications=replications, seed=seed).to_dict()


def build_router(ctx: Context) -> APIRouter:
    """Build the computing routes, bound to ``ctx``."""
    r = APIRouter()

    @r.post(
        "/api/simulate",
        response_model=SimulateOut,
        responses=error_responses(413, 422, 429, 500, 504),
        tags=["simulation"],
    )
    async def simulate_scenario(body: SimulateIn) -> dict[str, Any]:
        """Simulate a scenario (the scenario file's schema, as JSON) in a worker process.

        Capped: horizon, replications and expected vehicles (413 names the cap); a wall
        time (504, the worker is killed); a bounded queue (429 with ``Retry-After``).
        """
        try:
            spec = parse_scenario_dict(body.scenario)
        except SpecError as exc:
            raise ApiError(
                422, "invalid_scenario", f"scenario: {clip(exc, 300)}", parameter="scenario"
            ) from None
        except (TypeError, ValueError, RecursionError) as exc:
            raise ApiError(
                422, "invalid_scenario", f"scenario: {clip(exc, 200)}", parameter="scenario"
            ) from None
        vehicles = check_caps(spec, body.replications, ctx.limits)
        try:
            out: dict[str, Any] = await ctx.pool.run(
                _simulate_job, body.scenario, body.replications, body.seed
            )
        except SpecError as exc:  # a problem only the kernel sees (e.g. too large)
            raise ApiError(422, "invalid_scenario", f"scenario: {clip(exc, 300)}") from None
        out["expected_vehicles"] = vehicles
        return out

    @r.post(
        "/api/whatif",
        response_model=WhatIfOut,
        responses=error_responses(404, 409, 422, 429, 500, 501, 503, 504),
        tags=["simulation"],
    )
    async def whatif(body: WhatIfIn) -> dict[str, Any]:
        """Re-run a crossing-day with booths added, a NEXUS share or closed hours."""
        c = ctx.crossing(body.crossing_id, "crossing_id")
        day = body.day
        ctx.require(ctx.providers.whatif)
        changes = {
            "booths": dict(body.booths),
            "nexus_share": body.nexus_share,
            "closed_hours": sorted(set(body.closed_hours)),
        }
        try:
            out: dict[str, Any] = await ctx.pool.run(
                provider_job,
                ctx.providers.whatif,
                ctx.db_path,
                c.crossing_id,
                day,
                body.direction,
                changes,
            )
        except NotAvailableError as exc:
            raise not_available(exc) from None
        except JobFailedError as exc:
            raise ApiError(exc.status, exc.code, clip(exc.message, 300)) from None
        except WarehouseMissingError:
            raise ApiError(
                503,
                "database_missing",
                "the warehouse has not been built: run `borderflow load` on the server",
            ) from None
        for row in out.get("rows", []):
            row["hour_start"] = str(row["hour_start"])
        return {
            "crossing_id": c.crossing_id,
            "day": day.isoformat(),
            "direction": body.direction,
            "changes": changes,
            **{k: v for k, v in out.items() if k not in ("crossing_id", "day", "direction")},
        }

    @r.get(
        "/api/closures",
        response_model=ClosureOut,
        responses=error_responses(404, 409, 422, 429, 500, 501, 503, 504),
        tags=["simulation"],
    )
    async def closures(
        port: Annotated[str, Query(max_length=PARAM_MAX, description="Port code or name.")],
        start: Annotated[date, Query(alias="from", description="First day, YYYY-MM-DD.")],
        end: Annotated[date, Query(alias="to", description="Last day, YYYY-MM-DD.")],
        measure: Annotated[Measure, Query(description="BTS measure.")] = "Trucks",
        capacity_share: Annotated[
            float, Query(gt=0.0, le=1.0, description="Share of capacity the closure removes.")
        ] = 1.0,
    ) -> dict[str, Any]:
        """Effect of closing a port for some days: diversion, delay, trade value delayed."""
        first, last = start, end
        if last < first or (last - first).days >= MAX_CLOSURE_DAYS:
            raise ApiError(
                422,
                "invalid_parameter",
                f"from/to: the closure must last 1 to {MAX_CLOSURE_DAYS} days",
                parameter="to",
            )
        ctx.require(ctx.providers.closure)
        try:
            out: dict[str, Any] = await ctx.pool.run(
                provider_job,
                ctx.providers.closure,
                ctx.db_path,
                port,
                first,
                last,
                measure,
                capacity_share,
            )
        except NotAvailableError as exc:
            raise not_available(exc) from None
        except JobFailedError as exc:
            raise ApiError(exc.status, exc.code, clip(exc.message, 300)) from None
        except WarehouseMissingError:
            raise ApiError(
                503,
                "database_missing",
                "the warehouse has not been built: run `borderflow load` on the server",
            ) from None
        return out

    return r
