"""Data commands: load, ports, traffic, facts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    err_console,
    fail,
    open_warehouse,
    resolve_db,
)

# --- data commands: load, ports, traffic, facts -------------------------------------------


@app.command()
def load(
    db: DbOption = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            help="Apply a newer BTS Border Crossing Entry Data file (.csv or .csv.gz): a "
            "full release or new months only. Without it, (re)build from the shipped data.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load the shipped data into the DuckDB warehouse, or apply a BTS update."""
    import duckdb
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from borderflow.data import (
        TABLE_SOURCES,
        BuildSummary,
        DataFormatError,
        LoadIssue,
        UpdateSummary,
        WarehouseBusyError,
        WarehouseMissingError,
        build_warehouse,
        update_warehouse,
    )

    def _print_quirks(issues: tuple[LoadIssue, ...]) -> None:
        """One line per kind of source quirk; conflicting keys in full (they are few)."""
        if not issues:
            return
        dups = [i for i in issues if i.kind == "exact_duplicate"]
        if dups:
            console.print(
                f"Quirk rule: {len(dups)} exact duplicate rows dropped (one copy kept).",
                highlight=False,
            )
        for i in issues:
            if i.kind != "exact_duplicate":
                console.print(f"Quirk rule: {i.kind} {i.key}: {i.detail}.", highlight=False)
        console.print("Details: table load_issues.", highlight=False)

    path = resolve_db(db)
    summary: BuildSummary | UpdateSummary
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def on_step(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        failure: str | None = None
        try:
            if update is None:
                summary = build_warehouse(path, progress=on_step)
            else:
                summary = update_warehouse(update, path, progress=on_step)
        except (DataFormatError, WarehouseMissingError, WarehouseBusyError) as exc:
            failure = str(exc)
        except (OSError, duckdb.Error) as exc:
            failure = f"cannot write the database {path}: {exc}"
    if failure is not None:  # printed after the progress bar is gone
        raise fail(failure)

    if isinstance(summary, BuildSummary):
        files = {s.table.name: ", ".join(Path(f).name for f in s.files) for s in TABLE_SOURCES}
        table = Table(title=f"Warehouse {path} (built in {summary.seconds:.1f} s)")
        table.add_column("table")
        table.add_column("rows", justify="right")
        table.add_column("source file", overflow="fold")
        for name, rows in summary.row_counts.items():
            table.add_row(name, f"{rows:,}", files.get(name, "(bookkeeping)"))
        console.print(table)
        _print_quirks(summary.issues)
        return

    months = ", ".join(m.strftime("%Y-%m") for m in summary.months_added) or "none"
    table = Table(title=f"Update of {path} from {summary.source_file.name}")
    table.add_column("")
    table.add_column("", justify="right", overflow="fold")
    table.show_header = False
    for label, value in (
        ("rows read", f"{summary.rows_read:,}"),
        ("months added", months),
        ("rows added", f"{summary.rows_added:,}"),
        ("values revised", f"{summary.values_revised:,}"),
        ("rows unchanged", f"{summary.rows_unchanged:,}"),
        ("rows not in the file (kept)", f"{summary.rows_not_in_file:,}"),
        ("time", f"{summary.seconds:.1f} s"),
    ):
        table.add_row(label, value)
    console.print(table)
    if summary.revised_examples:
        rev = Table(title="Largest revisions")
        for col in ("port", "name", "month", "measure", "old", "new"):
            rev.add_column(col, justify="right" if col in ("old", "new") else "left")
        for r in summary.revised_examples:
            rev.add_row(
                r.port_code,
                r.port_name,
                r.month.strftime("%Y-%m"),
                r.measure,
                f"{r.old_value:,}",
                f"{r.new_value:,}",
            )
        console.print(rev)
    _print_quirks(summary.issues)
    if not summary.changed:
        console.print("No change: the warehouse already holds this data.")


@app.command()
def ports(
    query: Annotated[
        str | None, typer.Argument(help="Part of a crossing or port name, or a code.")
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="Two-letter U.S. state, e.g. WA.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
    sized: Annotated[
        bool,
        typer.Option(
            "--sized",
            help="Add U.S.-bound booths sized from BTS peak-hour demand of the latest full "
            "year (labelled rule booths-from-peak-hour v1; needs the warehouse).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """List or search the U.S.-Canada crossings of the registry (127 crossings)."""
    import dataclasses
    import json

    from rich.table import Table

    from borderflow.data import load_registry
    from borderflow.plan import SIZING_LABEL, SizedValue, sized_booths

    found = load_registry().search(query, state)
    if not found:
        what = " ".join(
            x for x in (repr(query) if query else "", f"state {state}" if state else "") if x
        )
        raise fail(f"no crossing matches {what}")
    booths: dict[str, dict[str, SizedValue | None]] = {}
    if sized:
        with open_warehouse(db) as con:
            booths = sized_booths(con, found)

    def sized_text(values: dict[str, SizedValue | None]) -> str:
        pax, com = values.get("passenger"), values.get("commercial")
        return f"pax {pax.value if pax else '-'}, com {com.value if com else '-'}"

    if as_json:
        recs = []
        for c in found:
            rec = dataclasses.asdict(c)
            if sized:
                rec["sized_us_bound_booths"] = {
                    lt: None if v is None else dataclasses.asdict(v)
                    for lt, v in booths[c.crossing_id].items()
                }
            recs.append(rec)
        typer.echo(json.dumps(recs, indent=2))
        return
    table = Table(
        title=f"U.S.-Canada crossings ({len(found)})",
        caption="Lanes: U.S.-bound maximum lanes in CBP's wait-time feed (2023-11-10); "
        "pax/com = passenger/commercial, '?' = update pending; '+n published' = figures "
        "from data/PARAMETERS.md or Cascade Gateway (see --json for sources). Canadian-side "
        "names: not in any shipped source.",
    )
    for col in (
        "ID",
        "Crossing (U.S. name)",
        "BTS code",
        "State",
        "Prov.",
        "Type",
        "Hours",
        "Lanes known",
    ):
        table.add_column(col, overflow="fold")
    if sized:
        table.add_column("Sized booths*", overflow="fold")
        table.caption = f"{table.caption} *{SIZING_LABEL}, U.S.-bound, pax/com."
    for c in found:
        kind = "+".join(c.crossing_types) + (" (rail at port)" if c.port_has_rail else "")
        table.add_row(
            c.crossing_id,
            c.us_name,
            c.bts_port_code,
            c.state,
            c.province or "-",
            kind,
            c.hours or "-",
            c.lanes_summary(),
            *([sized_text(booths[c.crossing_id])] if sized else []),
        )
    console.print(table)


@app.command()
def traffic(
    port: Annotated[str, typer.Argument(help="BTS port code (3004) or name (Blaine).")],
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure", "-m", help="BTS measure; repeat for several. Default: Personal Vehicles."
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    spark: Annotated[bool, typer.Option("--spark", help="Print a sparkline per measure.")] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a PNG chart here.")] = None,
    db: DbOption = None,
) -> None:
    """Monthly U.S.-bound traffic at one port (BTS Border Crossing Entry Data)."""
    import json

    from rich.table import Table

    from borderflow.data import (
        DEFAULT_MEASURE,
        TRAFFIC_SOURCE,
        AmbiguousPortError,
        PortNotFoundError,
        UnknownMeasureError,
        parse_month,
        resolve_port,
        traffic_series,
    )
    from borderflow.viz import sparkline

    if fmt not in ("table", "csv", "json"):
        raise fail(f"--format must be table, csv or json, not {fmt!r}")
    try:
        first = parse_month(start) if start else None
        last = parse_month(end) if end else None
    except ValueError as exc:
        raise fail(str(exc)) from None
    with open_warehouse(db) as con:
        try:
            match = resolve_port(con, port)
            rows = traffic_series(con, match.port_code, measure or [DEFAULT_MEASURE], first, last)
        except AmbiguousPortError as exc:
            choices = "; ".join(
                f"{c.port_code} {c.port_name} ({c.state}, {c.border})" for c in exc.candidates
            )
            raise fail(f"{port!r} matches several ports; pick one code: {choices}") from None
        except (PortNotFoundError, UnknownMeasureError, ValueError) as exc:
            raise fail(str(exc)) from None
    if not rows:
        raise fail(f"no data for port {match.port_code} {match.port_name} in that range")
    measures = list(dict.fromkeys(r.measure for r in rows))
    source = TRAFFIC_SOURCE
    period = f"{rows[0].month:%Y-%m} to {max(r.month for r in rows):%Y-%m}"
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()  # the csv module quotes names that hold commas or quotes
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["port_code", "port_name", "month", "measure", "value"])
        for r in rows:
            writer.writerow([r.port_code, match.port_name, f"{r.month:%Y-%m}", r.measure, r.value])
        typer.echo(buf.getvalue(), nl=False)
    elif fmt == "json":
        doc = {
            "port_code": match.port_code,
            "port_name": match.port_name,
            "state": match.state,
            "border": match.border,
            "matched_by": match.matched_by,
            "unit": "count/month",
            "period": period,
            "source": source,
            "rows": [
                {"month": f"{r.month:%Y-%m}", "measure": r.measure, "value": r.value} for r in rows
            ],
        }
        typer.echo(json.dumps(doc, indent=2))
    else:
        table = Table(
            title=f"{match.port_code} {match.port_name} ({match.state}) - monthly, U.S.-bound",
            caption=f"Source: {source}. Period {period}. Matched by {match.matched_by}.",
        )
        table.add_column("Month")
        for m in measures:
            table.add_column(m, justify="right")
        by_month: dict[str, dict[str, int]] = {}
        for r in rows:
            by_month.setdefault(f"{r.month:%Y-%m}", {})[r.measure] = r.value
        for month in sorted(by_month):
            vals = by_month[month]
            table.add_row(month, *(f"{vals[m]:,}" if m in vals else "-" for m in measures))
        console.print(table)
    if spark:
        out = console if fmt == "table" else err_console
        for m in measures:
            series = [r.value for r in rows if r.measure == m]
            out.print(f"{m:<28} {period}  {sparkline(series)}  max {max(series):,}")
    if chart is not None:
        from borderflow.viz import traffic_chart

        traffic_chart(
            {
                m: (
                    [r.month for r in rows if r.measure == m],
                    [r.value for r in rows if r.measure == m],
                )
                for m in measures
            },
            chart,
            title=f"{match.port_code} {match.port_name} ({match.state}): U.S.-bound per month",
            source=source,
        )
        err_console.print(f"chart written to {chart}")


def _fmt_figure(x: float | None) -> str:
    if x is None:
        return "-"
    if x == int(x) and abs(x) >= 100:
        return f"{int(x):,}"
    return f"{x:g}"


@app.command()
def facts(
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Check the State Department fact sheet's border figures against the data."""
    import json

    from rich.table import Table

    from borderflow.data import FACT_SHEET_SOURCE, DataFormatError, all_facts

    with open_warehouse(db) as con:
        try:
            records = all_facts(con)
        except DataFormatError as exc:
            raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in records], indent=2))
        return
    colour = {
        "consistent": "green",
        "differs": "red",
        "partial": "yellow",
        "not checkable": "dim",
        "context": "cyan",
    }
    table = Table(title="Fact sheet vs data", caption=f"Fact sheet: {FACT_SHEET_SOURCE}")
    table.add_column("#", justify="right")
    table.add_column("Claim", overflow="fold")
    table.add_column("Fact sheet", justify="right", no_wrap=True)
    table.add_column("Data", justify="right", no_wrap=True)
    for col in ("Unit", "Period"):
        table.add_column(col, overflow="fold")
    table.add_column("Status", no_wrap=True)
    for i, r in enumerate(records, start=1):
        table.add_row(
            str(i),
            r.claim,
            _fmt_figure(r.fact_sheet_figure),
            _fmt_figure(r.data_figure),
            r.unit,
            r.period,
            f"[{colour[r.status]}]{r.status}[/]",
        )
    console.print(table)
    for i, r in enumerate(records, start=1):
        console.print(f"[bold]{i}.[/] {r.note} [dim]Source: {r.source}.[/]", highlight=False)
