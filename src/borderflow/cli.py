"""The ``borderflow`` command line (Typer + Rich)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from borderflow._config import default_db_path

app = typer.Typer(
    name="borderflow",
    help="An open digital twin of the U.S.-Canada land border.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file (default: $BORDERFLOW_DB or "
        "~/.local/share/borderflow/borderflow.duckdb).",
        show_default=False,
    ),
]


def resolve_db(db: Path | None) -> Path:
    """Return the warehouse path from ``--db`` or the documented default."""
    return db if db is not None else default_db_path()


# --- data commands: load, ports, traffic, facts -------------------------------------------


# --- simulation commands: simulate --------------------------------------------------------


# --- service: serve -----------------------------------------------------------------------


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the dashboard (read-only on the warehouse)."""
    import uvicorn

    from borderflow.service.app import create_app

    console.print(f"borderflow serving on http://{host}:{port}/ (database {resolve_db(db)})")
    uvicorn.run(create_app(resolve_db(db)), host=host, port=port, log_level="info")


def main() -> None:
    """Entry point of the ``borderflow`` console script."""
    app()


if __name__ == "__main__":
    main()
