"""Forecast command: monthly crossings per port and measure, 1-24 months ahead."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from borderflow.cli._app import DbOption, app, console, err_console, fail, open_warehouse

if TYPE_CHECKING:
    from collections.abc import Iterable

    from borderflow.demand import MonthlyForecast

_CSV_HEADER = ("port_code", "measure", "month", "value", "lo", "hi")


def _write_csv(forecasts: Iterable[MonthlyForecast], out: Path | None) -> int:
    """Write the batch CSV (80 % interval as lo/hi, counts rounded); return rows written."""
    import csv
    import io
    import os

    from borderflow.demand import forecast_rows

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_CSV_HEADER)
    n = 0
    for pc, m, month, v, lo, hi in forecast_rows(forecasts):
        # Rounding is monotone, so lo <= value <= hi survives it.
        w.writerow([pc, m, month, f"{v:.0f}", f"{lo:.0f}", f"{hi:.0f}"])
        n += 1
    if out is None:
        typer.echo(buf.getvalue(), nl=False)
    else:  # whole file or nothing: write beside it, then rename
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        os.replace(tmp, out)
    return n


@app.command()
def forecast(
    port: Annotated[
        str | None,
        typer.Argument(help="BTS port code (3004) or name (Blaine); omit with --all."),
    ] = None,
    measure: Annotated[
        str, typer.Option("--measure", "-m", help="BTS measure (single-port mode).")
    ] = "Personal Vehicles",
    horizon: Annotated[int, typer.Option("--horizon", "-h", help="Months ahead, 1-24.")] = 12,
    all_ports: Annotated[
        bool,
        typer.Option("--all", help="Every U.S.-Canada port and measure (use with --csv)."),
    ] = False,
    as_csv: Annotated[
        bool,
        typer.Option("--csv", help="CSV: port_code,measure,month,value,lo,hi (80% interval)."),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV to this file.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Origin YYYY-MM: use only data up to it (backtests)."),
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write a PNG chart (single port).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Forecast monthly U.S.-bound crossings with 80% and 95% prediction intervals.

    The origin is the last month in the warehouse (or --as-of); the COVID closure
    (2020-03 to 2021-11) is excluded from the fit.  See docs/forecasts.md.
    """
    from borderflow.data import parse_month

    if not 1 <= horizon <= 24:
        raise fail(f"--horizon must be 1 to 24 months, got {horizon}")
    if all_ports and port is not None:
        raise fail("give a PORT or --all, not both")
    if not all_ports and port is None:
        raise fail("give a PORT (code or name), or --all for every port")
    if all_ports and chart is not None:
        raise fail("--chart draws one port: drop --all")
    if out is not None and not as_csv:
        raise fail("--out writes the CSV: add --csv")
    if out is not None and not out.parent.is_dir():
        raise fail(f"--out {out}: folder {out.parent} does not exist")
    try:
        origin = parse_month(as_of) if as_of else None
    except ValueError as exc:
        raise fail(f"--as-of: {exc}") from None
    if all_ports:
        _forecast_all(horizon, origin, as_csv, out, db)
    else:
        assert port is not None
        _forecast_one(port, measure, horizon, origin, as_csv, out, chart, db)


def _forecast_all(
    horizon: int, origin: date | None, as_csv: bool, out: Path | None, db: Path | None
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from borderflow.demand import forecast_all

    with (
        open_warehouse(db) as con,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("forecasting", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            start, fcs = forecast_all(con, horizon, as_of=origin, progress=tick)
        except LookupError as exc:
            raise fail(str(exc)) from None
    if as_csv:
        n = _write_csv(fcs, out)
        err_console.print(
            f"{len(fcs)} series, {n} rows, origin {start:%Y-%m}"
            + (f", written to {out}" if out else ""),
            highlight=False,
        )
        return
    from rich.table import Table

    table = Table(title=f"Forecast totals, U.S.-Canada border, origin {start:%Y-%m}")
    table.add_column("Measure")
    table.add_column("Series", justify="right")
    table.add_column(f"Next {horizon} months", justify="right")
    totals: dict[str, tuple[int, float]] = {}
    for f in fcs:
        n0, v0 = totals.get(f.measure, (0, 0.0))
        totals[f.measure] = (n0 + 1, v0 + sum(p.value for p in f.points))
    for m, (n, v) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        table.add_row(m, str(n), f"{v:,.0f}")
    console.print(table)
    console.print("Sum of port forecasts (bottom-up). Use --csv for every port and month.")


def _forecast_one(
    port: str,
    measure: str,
    horizon: int,
    origin: date | None,
    as_csv: bool,
    out: Path | None,
    chart: Path | None,
    db: Path | None,
) -> None:
    from borderflow.data import (
        AmbiguousPortError,
        PortNotFoundError,
        known_measures,
        resolve_port,
    )
    from borderflow.demand import forecast_monthly

    with open_warehouse(db) as con:
        try:
            match = resolve_port(con, port)
        except AmbiguousPortError as exc:
            names = "; ".join(f"{c.port_code} {c.port_name}" for c in exc.candidates)
            raise fail(f"{port!r} matches several ports, pick one code: {names}") from None
        except PortNotFoundError as exc:
            raise fail(str(exc)) from None
        by_lower = {m.lower(): m for m in known_measures(con)}
        if measure.lower() not in by_lower:
            raise fail(
                f"--measure {measure!r} is not a BTS measure; known: {', '.join(by_lower.values())}"
            )
        name = by_lower[measure.lower()]
        try:
            history, fc = forecast_monthly(con, match.port_code, name, horizon, as_of=origin)
        except LookupError as exc:
            raise fail(str(exc)) from None
    if as_csv:
        _write_csv([fc], out)
        return
    from rich.table import Table

    from borderflow.viz import forecast_chart, forecast_sparkline

    title = f"{match.port_code} {match.port_name} ({match.state}) - {name}, U.S.-bound"
    table = Table(
        title=title,
        caption=f"Origin {fc.origin:%Y-%m}, model {fc.model}. Counts per month; "
        "intervals are prediction intervals.",
    )
    for col in ("Month", "Forecast", "80% lo", "80% hi", "95% lo", "95% hi"):
        table.add_column(col, justify="left" if col == "Month" else "right")
    for p in fc.points:
        table.add_row(
            f"{p.month:%Y-%m}",
            f"{p.value:,.0f}",
            f"{p.lo80:,.0f}",
            f"{p.hi80:,.0f}",
            f"{p.lo95:,.0f}",
            f"{p.hi95:,.0f}",
        )
    console.print(table)
    hist, ahead = forecast_sparkline(
        [float(v) for v in history.values], [p.value for p in fc.points], width=60
    )
    console.print(f"{hist}[bold red]{ahead}[/]", highlight=False)
    console.print(
        f"last {len(hist)} months of history, then {len(ahead)} forecast (red)", style="dim"
    )
    if chart is not None:
        forecast_chart(chart, history, fc, title=title)
        err_console.print(f"chart written to {chart}")
