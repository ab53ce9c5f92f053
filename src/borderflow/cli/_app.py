"""The Typer application, its consoles and the helpers every command shares.

Commands live in one module per layer (``_data``, ``_sim``, ``_service``) and register
themselves on :data:`app` when :mod:`borderflow.cli` imports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from borderflow._config import default_db_path

if TYPE_CHECKING:
    import duckdb
    from rich.progress import Progress

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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on stderr (markup escaped) and return the exit to raise.

    Every command reports errors through this one path, so text from the user (a port
    name like ``"[bold]Atlantis"``) is printed as typed, never interpreted as markup.
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def open_warehouse(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-only for one command; a missing warehouse is a clean error."""
    from borderflow.data import WarehouseMissingError, connect_readonly

    try:
        con = connect_readonly(resolve_db(db))
    except WarehouseMissingError as exc:
        raise fail(str(exc)) from None
    try:
        yield con
    finally:
        con.close()


def spinner() -> Progress:
    """Return a transient spinner showing the task and the elapsed time, on stderr.

    For work of unknown length (a closure, a route equilibrium, an optimisation); use it
    as ``with spinner() as bar: task = bar.add_task("...", total=None)``.
    """
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        "{task.description}",
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def fmt_ci(mean: float, half: float, digits: int = 1) -> str:
    """Format ``mean ± half`` (``-`` for a missing mean, no ± for a missing half-width)."""
    import math

    if not math.isfinite(mean):
        return "-"
    if not math.isfinite(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"


def echo_json(doc: Any) -> None:
    """Print a JSON document (no NaN: they must be None by now)."""
    import json

    typer.echo(json.dumps(doc, indent=2, allow_nan=False))


__all__ = [
    "DbOption",
    "app",
    "console",
    "echo_json",
    "err_console",
    "fail",
    "fmt_ci",
    "open_warehouse",
    "resolve_db",
    "spinner",
]
