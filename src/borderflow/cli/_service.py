"""Service commands: serve."""

from __future__ import annotations

from typing import Annotated

import typer

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    fail,
    resolve_db,
)

# --- service: serve -----------------------------------------------------------------------


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Simulation worker processes (what-ifs, /api/simulate).", min=1)
    ] = 2,
    timeout: Annotated[
        float, typer.Option(help="Wall-time cap of one simulation request, in seconds.", min=1.0)
    ] = 30.0,
) -> None:
    """Serve the dashboard and the HTTP API (read-only on the warehouse).

    Dashboard at /: a map of every crossing, predicted waits, what-if controls.

    API documented at /docs. Both work offline.

    Waits, forecasts and what-ifs show where this build has them; elsewhere the
    page and the API say "not available" (see /api/health).
    """
    import uvicorn

    from borderflow.service import Limits, create_app

    path = resolve_db(db)
    if not path.exists():
        console.print(
            f"[yellow]warning:[/] no warehouse at {path}: run `borderflow load` first; "
            "/api/health reports what is missing"
        )
    try:
        limits = Limits(workers=workers, timeout_s=timeout)
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"borderflow: dashboard on http://{host}:{port}/ and API docs on /docs")
    uvicorn.run(
        create_app(path, limits=limits, prestart_workers=True),
        host=host,
        port=port,
        log_level="info",
        # Let long request lines reach the app, which answers them in the one error
        # shape with the echo capped (the default would answer plain text).
        h11_max_incomplete_event_size=256 * 1024,
    )
