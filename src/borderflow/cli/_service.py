"""Service commands: serve."""

from __future__ import annotations

from typing import Annotated

import typer

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    resolve_db,
)

# --- service: serve -----------------------------------------------------------------------


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the dashboard (read-only on the warehouse)."""
    import uvicorn

    from borderflow.service import create_app

    console.print(f"borderflow serving on http://{host}:{port}/ (database {resolve_db(db)})")
    uvicorn.run(create_app(resolve_db(db)), host=host, port=port, log_level="info")
