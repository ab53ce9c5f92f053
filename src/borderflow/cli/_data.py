"""Data commands: load, ports, traffic, facts."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    err_console,
    fail,
    open_warehouse,
    resolve_db,
)

if TYPE_CHECKING:
    from rich.table import Table

    from borderflow.data import LoadIssue

# --- data commands: load, ports, traffic, facts -------------------------------------------


def _table(title: str | None = None, caption: str | None = None) -> Table:
    """Return a table that reads well at 80 columns (no edges, two spaces between columns)."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        show_edge=False,
        caption_justify="left",
    )


def _keep_words_whole(table: Table, rows: list[list[str]], width: int) -> None:
    """Fix column widths so that cells wrap between words, never inside one.

    Rich folds a word longer than its column mid-word ("Blaine-P|eace") when it narrows
    columns to fit the terminal. Here each column gets at least its longest word (at most
    30 characters) and the rest of the width in proportion to how much more its longest
    cell needs. If even the longest words do not fit, Rich's own layout is kept.
    """
    n = len(table.columns)
    cells = [[r[i] for r in rows] + [str(table.columns[i].header)] for i in range(n)]
    longest_word = [
        min(max((len(w) for c in col for w in c.split()), default=1), 30) for col in cells
    ]
    longest_cell = [
        max(max((len(line) for c in col for line in c.splitlines()), default=1), m)
        for col, m in zip(cells, longest_word, strict=True)
    ]
    try:  # borders and padding, as Rich (13-15) computes them
        overhead = table._extra_width + sum(table._get_padding_width(i) for i in range(n))
    except AttributeError:  # pragma: no cover - another Rich: keep its own layout
        return
    avail = width - overhead
    if sum(longest_cell) <= avail or sum(longest_word) > avail:
        return
    spare = avail - sum(longest_word)
    want = [c - w for c, w in zip(longest_cell, longest_word, strict=True)]
    extra = [spare * x // sum(want) for x in want]
    for i in sorted(range(n), key=lambda k: -want[k])[: spare - sum(extra)]:
        extra[i] += 1
    for col, w, x in zip(table.columns, longest_word, extra, strict=True):
        col.width = w + x


def _add_rows(table: Table, rows: list[list[str]]) -> None:
    _keep_words_whole(table, rows, console.width)
    for r in rows:
        table.add_row(*r)


@app.command()
def load(
    db: DbOption = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            help="Apply a newer BTS Border Crossing Entry Data file (.csv or .csv.gz): a "
            "full release or new months only. Without it, (re)build from the shipped data, "
            "re-applying every update applied before.",
            show_default=False,
        ),
    ] = None,
    accept_new_ports: Annotated[
        bool,
        typer.Option(
            "--accept-new-ports",
            help="With --update: load port codes that are neither in the warehouse nor in "
            "the crossing registry (listed as warnings). Without it they are refused.",
        ),
    ] = False,
    drop_updates: Annotated[
        bool,
        typer.Option(
            "--drop-updates",
            help="Rebuild from the shipped data only, dropping the updates applied "
            "before (says what it drops).",
        ),
    ] = False,
) -> None:
    """Load the shipped data into the DuckDB warehouse, or apply a BTS update."""
    import duckdb
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from borderflow.data import (
        TABLE_SOURCES,
        BuildSummary,
        DataFormatError,
        UpdateSummary,
        WarehouseBusyError,
        WarehouseMissingError,
        build_warehouse,
        update_warehouse,
    )

    if update is not None and drop_updates:
        raise fail("--drop-updates rebuilds from the shipped data; it cannot go with --update")
    if update is None and accept_new_ports:
        raise fail("--accept-new-ports applies to --update FILE only")
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
                summary = build_warehouse(path, progress=on_step, keep_updates=not drop_updates)
            else:
                summary = update_warehouse(
                    update, path, progress=on_step, accept_new_ports=accept_new_ports
                )
        except (DataFormatError, WarehouseMissingError, WarehouseBusyError) as exc:
            failure = str(exc)
        except (OSError, duckdb.Error) as exc:
            failure = f"cannot write the database {path}: {exc}"
    if failure is not None:  # printed after the progress bar is gone
        raise fail(failure)

    if summary.stale_files_removed:
        names = ", ".join(p.name for p in summary.stale_files_removed)
        console.print(
            f"Removed {len(summary.stale_files_removed)} temporary file(s) left by killed "
            f"loads: {names}.",
            highlight=False,
            markup=False,
        )
    if isinstance(summary, BuildSummary):
        folders = {
            s.table.name: ", ".join(sorted({Path(f).parts[0] for f in s.files}))
            for s in TABLE_SOURCES
        }
        table = _table(
            title=f"Warehouse built in {summary.seconds:.1f} s",
            caption=f"Database: {path}. Source files: table load_log; provenance: data/SOURCES.md.",
        )
        table.add_column("table")
        table.add_column("rows", justify="right")
        table.add_column("from data/")
        _add_rows(
            table,
            [
                [name, f"{rows:,}", folders.get(name, "(bookkeeping)")]
                for name, rows in summary.row_counts.items()
            ],
        )
        console.print(table)
        console.print(f"Database: {path}", soft_wrap=True, highlight=False, markup=False)
        _print_quirks(summary.issues)
        for w in summary.warnings:
            console.print(f"warning: {w}", style="yellow", highlight=False, markup=False)
        kept = summary.updates
        if kept is not None:
            months = _months_text(kept.months)
            what = (
                f"{len(kept.files)} update(s) applied earlier: {kept.rows:,} rows, "
                f"months added {months}; files: {'; '.join(kept.files)}"
            )
            if kept.kept:
                console.print(f"Re-applied {what}.", highlight=False, markup=False)
            else:
                console.print(
                    f"Dropped (--drop-updates) {what}.",
                    style="yellow",
                    highlight=False,
                    markup=False,
                )
        return

    table = _table(title=f"Update from {summary.source_file.name}")
    table.add_column("")
    table.add_column("", justify="right")
    table.show_header = False
    _add_rows(
        table,
        [
            ["rows read", f"{summary.rows_read:,}"],
            ["months added", _months_text(summary.months_added)],
            ["rows added", f"{summary.rows_added:,}"],
            ["values revised", f"{summary.values_revised:,}"],
            ["rows unchanged", f"{summary.rows_unchanged:,}"],
            ["rows not in the file (kept)", f"{summary.rows_not_in_file:,}"],
            ["time", f"{summary.seconds:.1f} s"],
        ],
    )
    console.print(table)
    console.print(f"Database: {path}", soft_wrap=True, highlight=False, markup=False)
    if summary.revised_examples:
        rev = _table(title="Largest revisions")
        for col in ("port", "name", "month", "measure", "old", "new"):
            rev.add_column(col, justify="right" if col in ("old", "new") else "left")
        _add_rows(
            rev,
            [
                [
                    r.port_code,
                    r.port_name,
                    r.month.strftime("%Y-%m"),
                    r.measure,
                    f"{r.old_value:,}",
                    f"{r.new_value:,}",
                ]
                for r in summary.revised_examples
            ],
        )
        console.print(rev)
    _print_quirks(summary.issues)
    for w in summary.warnings:
        console.print(f"warning: {w}", style="yellow", highlight=False, markup=False)
    if not summary.changed:
        console.print("No change: the warehouse already holds this data; file untouched.")


def _months_text(months: tuple[date, ...]) -> str:
    """``2024-03 to 2025-02 (12 months)`` for a run of months, else the list."""
    if not months:
        return "none"
    run = all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
        for a, b in itertools.pairwise(months)
    )
    if len(months) > 2 and run:
        return f"{months[0]:%Y-%m} to {months[-1]:%Y-%m} ({len(months)} months)"
    return ", ".join(f"{m:%Y-%m}" for m in months)


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
            console.print(
                f"Quirk rule: {i.kind} {i.key}: {i.detail}.", highlight=False, markup=False
            )
    console.print("Details: table load_issues.", highlight=False)


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
    caption = (
        "Lanes: U.S.-bound maximum lanes in CBP's wait-time feed (2023-11-10); pax/com = "
        "passenger/commercial, '?' = update pending; '+n published' = figures from "
        "data/PARAMETERS.md or Cascade Gateway (see --json for sources). St./Prov.: U.S. "
        "state and Canadian province. Canadian-side names: not in any shipped source."
    )
    if sized:
        caption += f" *{SIZING_LABEL}, U.S.-bound, pax/com."
    table = _table(title=f"U.S.-Canada crossings ({len(found)})", caption=caption)
    for col in (
        "ID",
        "Crossing (U.S. name)",
        "Code",
        "St./ Prov.",
        "Type",
        "Hours",
        "Lanes known",
    ):
        table.add_column(col)
    if sized:
        table.add_column("Sized*")
    rows = []
    for c in found:
        kind = ", ".join(c.crossing_types) + (" (rail at port)" if c.port_has_rail else "")
        # CBP's hours as published, with room to wrap: "8 am-Midnight" -> "8 am - Midnight"
        hours = (c.hours or "-").replace("-", " - ") if c.hours else "-"
        rows.append(
            [
                c.crossing_id,
                c.us_name,
                c.bts_port_code,
                f"{c.state}/{c.province or '-'}",
                kind,
                hours,
                c.lanes_summary(),
                *([sized_text(booths[c.crossing_id])] if sized else []),
            ]
        )
    _add_rows(table, rows)
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
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table, csv or json (default table; with --chart: none).",
            show_default=False,
        ),
    ] = None,
    spark: Annotated[bool, typer.Option("--spark", help="Print a sparkline per measure.")] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a PNG chart here.")] = None,
    db: DbOption = None,
) -> None:
    """Monthly U.S.-bound traffic at one port (BTS Border Crossing Entry Data)."""
    import json

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

    if fmt is not None and fmt not in ("table", "csv", "json"):
        raise fail(f"--format must be table, csv or json, not {fmt!r}")
    # --chart writes the series to a file: the table is printed only if asked for.
    fmt = fmt or ("none" if chart is not None else "table")
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
    elif fmt == "table":
        table = _table(
            title=f"{match.port_code} {match.port_name} ({match.state}) - monthly, U.S.-bound",
            caption=f"Source: {source}. Period {period}. Matched by {match.matched_by}.",
        )
        table.add_column("Month")
        for m in measures:
            table.add_column(m, justify="right")
        by_month: dict[str, dict[str, int]] = {}
        for r in rows:
            by_month.setdefault(f"{r.month:%Y-%m}", {})[r.measure] = r.value
        _add_rows(
            table,
            [
                [month, *(f"{vals[m]:,}" if m in vals else "-" for m in measures)]
                for month, vals in sorted(by_month.items())
            ],
        )
        console.print(table)
    if spark:
        out = err_console if fmt in ("csv", "json") else console  # keep csv/json clean
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
    full: Annotated[
        bool, typer.Option("--full", help="Add each claim's period, note and source.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Check the State Department fact sheet's border figures against the data."""
    import json

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
    numbered = list(enumerate(records, start=1))
    shown = numbered if full else [(i, r) for i, r in numbered if r.status != "context"]
    hidden = len(numbered) - len(shown)
    more = (
        f" {hidden} context figures (yearly volumes), notes and sources: borderflow facts --full."
        if hidden or not full
        else ""
    )
    table = _table(title="Fact sheet vs data", caption=f"Fact sheet: {FACT_SHEET_SOURCE}.{more}")
    table.add_column("#", justify="right")
    table.add_column("Claim")
    table.add_column("Fact sheet", justify="right")
    table.add_column("Data", justify="right")
    table.add_column("Unit")
    table.add_column("Period")
    table.add_column("Status")
    rows = [
        [
            str(i),
            r.claim,
            _fmt_figure(r.fact_sheet_figure),
            _fmt_figure(r.data_figure),
            r.unit,
            r.period,
            r.status,
        ]
        for i, r in shown
    ]
    _keep_words_whole(table, rows, console.width)
    for row, (_, r) in zip(rows, shown, strict=True):
        # claims and units come from the data layer: printed as text, never as markup
        cells: list[Text | str] = [Text(c) for c in row[:-1]]
        table.add_row(*cells, Text(r.status, style=colour[r.status]))
    console.print(table)
    if full:
        for i, r in numbered:
            console.print(
                Text.assemble((f"{i}. ", "bold"), f"{r.note} ", (f"Source: {r.source}.", "dim"))
            )
