"""FastAPI application: the HTTP API and (for now) a placeholder dashboard page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

import borderflow

_PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>borderflow</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto">
<h1>borderflow</h1>
<p>An open digital twin of the U.S.&ndash;Canada land border. The dashboard with its map
comes in a later release; the API is at <a href="/docs">/docs</a>.</p>
<p>Warehouse: <code>{db}</code></p>
</body></html>
"""


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

    return api
