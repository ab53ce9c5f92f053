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


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


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

    from borderflow.data.errors import (
        DataFormatError,
        WarehouseBusyError,
        WarehouseMissingError,
    )
    from borderflow.data.readers import LoadIssue
    from borderflow.data.warehouse import (
        TABLE_SOURCES,
        BuildSummary,
        UpdateSummary,
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
        raise _fail(failure)

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

    from borderflow.data.registry import SIZING_LABEL, SizedValue, load_registry

    found = load_registry().search(query, state)
    if not found:
        what = " ".join(
            x for x in (repr(query) if query else "", f"state {state}" if state else "") if x
        )
        raise _fail(f"no crossing matches {what}")
    booths: dict[str, dict[str, SizedValue | None]] = {}
    if sized:
        from borderflow.data.errors import WarehouseMissingError
        from borderflow.data.queries import latest_full_year, size_crossing_booths
        from borderflow.data.warehouse import connect_readonly

        try:
            con = connect_readonly(resolve_db(db))
        except WarehouseMissingError as exc:
            raise _fail(str(exc)) from None
        try:
            year = latest_full_year(con)
            for c in found:
                booths[c.crossing_id] = {}
                for lt in ("passenger", "commercial"):
                    try:
                        booths[c.crossing_id][lt] = size_crossing_booths(
                            con, c.crossing_id, lt, year
                        )
                    except ValueError:  # no BTS counts for the port in that year
                        booths[c.crossing_id][lt] = None
        finally:
            con.close()

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

    from borderflow.data.errors import WarehouseMissingError
    from borderflow.data.queries import (
        DEFAULT_MEASURE,
        AmbiguousPortError,
        PortNotFoundError,
        UnknownMeasureError,
        parse_month,
        resolve_port,
        sparkline,
        traffic_series,
    )
    from borderflow.data.warehouse import connect_readonly

    if fmt not in ("table", "csv", "json"):
        raise _fail(f"--format must be table, csv or json, not {fmt!r}")
    try:
        first = parse_month(start) if start else None
        last = parse_month(end) if end else None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    try:
        con = connect_readonly(resolve_db(db))
    except WarehouseMissingError as exc:
        raise _fail(str(exc)) from None
    try:
        match = resolve_port(con, port)
        rows = traffic_series(con, match.port_code, measure or [DEFAULT_MEASURE], first, last)
    except AmbiguousPortError as exc:
        err_console.print(
            f"[bold red]error:[/] {port!r} matches several ports; pick one code:", soft_wrap=True
        )
        for c in exc.candidates:
            err_console.print(
                f"  {c.port_code}  {c.port_name} ({c.state}, {c.border})", soft_wrap=True
            )
        raise typer.Exit(1) from None
    except (PortNotFoundError, UnknownMeasureError, ValueError) as exc:
        raise _fail(str(exc)) from None
    finally:
        con.close()
    if not rows:
        raise _fail(f"no data for port {match.port_code} {match.port_name} in that range")
    measures = list(dict.fromkeys(r.measure for r in rows))
    source = "BTS Border Crossing Entry Data (warehouse table bts_crossings), U.S.-bound only"
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
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        from matplotlib.ticker import StrMethodFormatter

        fig, ax = plt.subplots(figsize=(10, 4.5))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 400,000 not 0.4e6
        for m in measures:
            months = np.array([r.month for r in rows if r.measure == m], dtype="datetime64[D]")
            ax.plot(months, [r.value for r in rows if r.measure == m], label=m)
        ax.set_title(f"{match.port_code} {match.port_name} ({match.state}): U.S.-bound per month")
        ax.set_ylabel("count per month")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.text(0.01, 0.01, f"Source: {source}", fontsize=7)
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        fig.savefig(chart, dpi=120)
        plt.close(fig)
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

    from borderflow.data.errors import DataFormatError, WarehouseMissingError
    from borderflow.data.facts import FACT_SHEET_SOURCE, all_facts
    from borderflow.data.warehouse import connect_readonly

    try:
        con = connect_readonly(resolve_db(db))
    except WarehouseMissingError as exc:
        raise _fail(str(exc)) from None
    try:
        records = all_facts(con)
    except DataFormatError as exc:
        raise _fail(str(exc)) from None
    finally:
        con.close()
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


# --- simulation commands: simulate --------------------------------------------------------


def _sim_fail(message: str, code: int = 1) -> typer.Exit:
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _fmt_ci(mean: float, half: float, digits: int = 1) -> str:
    import math

    if not math.isfinite(mean):
        return "-"
    if not math.isfinite(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"


@app.command()
def simulate(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file (TOML; see docs/scenario-format.md).")
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Independent replications.")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Root seed (same seed, same result).")] = 0,
    engine: Annotated[str, typer.Option(help="Engine: fast or reference.")] = "fast",
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON instead of tables.")
    ] = False,
    parquet: Annotated[
        Path | None,
        typer.Option(help="Write every vehicle of every replication to this Parquet file."),
    ] = None,
) -> None:
    """Simulate a port scenario: hourly waits per lane type, daily delay, 95% CIs."""
    import json
    import math

    from rich.table import Table

    from borderflow.sim import ENGINES, SpecError, parse_scenario
    from borderflow.sim import simulate as run_simulation

    if engine not in ENGINES:
        raise _sim_fail(f"--engine {engine!r}: must be one of {', '.join(ENGINES)}")
    from borderflow.data import DataFormatError, read_scenario_text

    try:
        text = read_scenario_text(scenario)
    except DataFormatError as exc:
        raise _sim_fail(str(exc)) from None
    try:
        spec = parse_scenario(text)
    except SpecError as exc:
        raise _sim_fail(f"{scenario}: {exc}") from None
    try:
        result = run_simulation(
            spec,
            replications=replications,
            seed=seed,
            engine=engine,  # type: ignore[arg-type]  # checked against ENGINES above
            keep_vehicles=parquet is not None,
        )
    except (NotImplementedError, SpecError) as exc:  # SpecError: e.g. scenario too big
        raise _sim_fail(f"{scenario}: {exc}") from None
    if parquet is not None:
        import pyarrow.parquet as pq

        # Write beside the target and rename, so a failure never leaves half a file.
        partial = parquet.with_name(parquet.name + ".partial")
        try:
            pq.write_table(result.to_arrow(), partial)
            partial.replace(parquet)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise _sim_fail(f"cannot write {parquet}: {exc}") from None
    if json_output:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
        return

    H = spec.horizon_hours
    s = result.summary
    console.print(
        f"[bold]{spec.name}[/] ({spec.direction}), {H} h, {replications} replication(s), "
        f"seed {seed}, {engine} engine",
        highlight=False,
    )
    hourly = result.hourly
    if H <= 48:
        table = Table(
            title="Per hour of arrival and lane type (waits in minutes; ± = 95% CI half-width)",
            caption="queue: max vehicles waiting (km); /h: served per hour; util: busy/open "
            "booth time",
        )
        for col in ("hour", "lane", "veh", "wait", "±", "p95", "max", "queue", "km", "/h"):
            table.add_column(col, justify="left" if col == "lane" else "right", no_wrap=True)
        table.add_column("util", justify="right", no_wrap=True)
        for i in range(len(hourly["hour"])):
            if hourly["count"][i] == 0 and not hourly["utilisation"][i] > 0:
                continue
            table.add_row(
                f"{int(hourly['hour'][i]):02d}",
                str(hourly["lane_type"][i]),
                _fmt_ci(hourly["count"][i], math.nan, 0),
                _fmt_ci(hourly["mean_wait_min"][i], math.nan),
                _fmt_ci(hourly["mean_wait_min_ci95"][i], math.nan),
                _fmt_ci(hourly["p95_wait_min"][i], math.nan),
                _fmt_ci(hourly["max_wait_min"][i], math.nan),
                _fmt_ci(hourly["queue_max_veh"][i], math.nan, 0),
                _fmt_ci(hourly["queue_max_km"][i], math.nan, 2),
                _fmt_ci(hourly["throughput_per_h"][i], math.nan, 0),
                _fmt_ci(hourly["utilisation"][i], math.nan, 2),
            )
        console.print(table)
    else:
        console.print(f"({H} hours: hourly table omitted; use --json for it.)")
    daily = result.daily
    dtable = Table(title="Per day (hours of arrival with mean wait > 30 / > 60 min)")
    for col in ("day", "lane", "vehicle-hours of delay", "hours > 30", "> 60"):
        dtable.add_column(col, justify="left" if col == "lane" else "right", no_wrap=True)
    for i in range(len(daily["day"])):
        dtable.add_row(
            str(int(daily["day"][i])),
            str(daily["lane_type"][i]),
            _fmt_ci(daily["vehicle_hours_delay"][i], daily["vehicle_hours_delay_ci95"][i]),
            _fmt_ci(daily["hours_mean_wait_over_30"][i], math.nan, 1),
            _fmt_ci(daily["hours_mean_wait_over_60"][i], math.nan, 1),
        )
    console.print(dtable)
    console.print(
        f"vehicles {_fmt_ci(*s['vehicles'], 0)}; mean wait {_fmt_ci(*s['mean_wait_min'], 2)} min; "
        f"p95 {_fmt_ci(*s['p95_wait_min'], 1)} min; still waiting at end "
        f"{_fmt_ci(*s['waiting_at_end'], 0)}; secondary mean wait "
        f"{_fmt_ci(*s['mean_secondary_wait_min'], 1)} min",
        highlight=False,
    )
    if spec.storage is not None:
        over = result.storage["minutes_over_storage"]
        hours_over = int((over > 0).sum())
        console.print(
            f"queue over approach storage: {float(over.sum()):.0f} min in {hours_over} hour(s)",
            highlight=False,
        )
    if parquet is not None:
        console.print(f"per-vehicle records written to {parquet}", highlight=False)


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
