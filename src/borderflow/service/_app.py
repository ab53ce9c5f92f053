"""The FastAPI application: API routes, the one error shape, the dashboard, offline docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

import borderflow
from borderflow import shipped_data_dir
from borderflow.service import _routes_ports, _routes_sim
from borderflow.service._context import Context
from borderflow.service._errors import BodyLimitMiddleware, install_error_handlers
from borderflow.service._geo import map_geometry
from borderflow.service._limits import Limits, WorkerPool
from borderflow.service._models import GeoOut
from borderflow.service._providers import Providers

STATIC = Path(__file__).resolve().parent / "static"

_DESCRIPTION = """\
The HTTP API of borderflow, an open digital twin of the U.S.-Canada land border.
Read-only on the DuckDB warehouse. Every error has one shape: `{"error": {"status",
"code", "message", "parameter", "suggestions", "candidates"}}`. Predicted figures say
`predicted: true`, the model that made them and whether they are validated against
measurements. Limits on simulations are described in docs/api.md.
"""


def create_app(
    db_path: Path,
    *,
    limits: Limits | None = None,
    providers: Providers | None = None,
    data_dir: Path | None = None,
    prestart_workers: bool = False,
) -> FastAPI:
    """Build the application serving the warehouse at ``db_path`` (opened read-only).

    Parameters
    ----------
    db_path
        DuckDB warehouse file built by ``borderflow load``.
    limits
        Caps on simulation requests and the worker pool (default :class:`Limits`).
    providers
        The library functions behind predictions (default: the library's; tests pass
        their own).
    data_dir
        Shipped data folder (map geometry); default :func:`borderflow.shipped_data_dir`.
    prestart_workers
        Start and warm the simulation workers when the server starts (``borderflow
        serve`` does), so the first what-if does not wait for them.
    """
    lim = limits or Limits()
    ctx = Context(
        db_path=Path(db_path),
        data_dir=data_dir or shipped_data_dir(),
        limits=lim,
        providers=providers or Providers(),
        pool=WorkerPool(lim),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if prestart_workers:
            ctx.pool.prestart()
        try:
            yield
        finally:
            ctx.pool.close()  # no worker process outlives the server

    api = FastAPIOffline(
        title="borderflow",
        version=borderflow.__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        favicon_url="/static/favicon.svg",
    )
    api.state.context = ctx
    api.add_middleware(GZipMiddleware, minimum_size=2048)  # the map geometry is ~370 KB
    api.add_middleware(BodyLimitMiddleware)
    install_error_handlers(api)
    api.include_router(_routes_ports.build_router(ctx))
    api.include_router(_routes_sim.build_router(ctx))

    @api.get("/api/geo", response_model=GeoOut, tags=["map"])
    def geo() -> dict[str, Any]:
        """Simplified borders, states, provinces and lakes for the map [degrees, WGS84]."""
        return map_geometry(ctx.data_dir)

    @api.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    return api
