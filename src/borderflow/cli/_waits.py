"""Wait commands: ``borderflow waits`` (week-ahead forecasts, or one moment for a person)."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from borderflow.cli._app import DbOption, app, console, err_console, fail, open_warehouse
from borderflow.vocab import CANADA_BOUND, US_BOUND

if TYPE_CHECKING:
    from borderflow.demand import WaitForecast, WaitModel, WaitSeries


class WaitModelChoice(StrEnum):
    """Which model predicts the wait."""

    stats = "stats"
    twin = "twin"


_MODEL_LABEL = (
    "stats (Cascade Gateway data): gradient-boosted quantiles hourly, "
    "level x weekday x special days daily"
)


def _is_peace_arch(port: str) -> bool:
    low = " ".join(port.lower().replace("-", " ").split())
    return "peace arch" in low


def _parse_date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{flag} {text!r} is not a date (expected YYYY-MM-DD)") from None


def _parse_at(text: str) -> dt.datetime:
    t = text.strip().replace("T", " ")
    try:
        return dt.datetime.fromisoformat(t)
    except ValueError:
        raise fail(
            f"--at {text!r} is not a date and time (expected YYYY-MM-DD HH:MM, local time)"
        ) from None


@contextmanager
def _fit_progress() -> Iterator[Callable[[str], None]]:
    """Show a Rich progress bar on stderr for the one-off model fit (cache miss)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("fitting the wait model on the shipped data: {task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=3)
        started = [False]

        def step(name: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] = True
            bar.update(task, description=name)

        yield step


def _load_model(resolution: str) -> WaitModel:
    from borderflow.demand import wait_model

    with _fit_progress() as step:
        return wait_model(resolution, progress=step)


def _read_history(path: Path, resolution: str) -> WaitSeries:
    from borderflow.data import DataFormatError
    from borderflow.demand import read_wait_history

    if not path.exists():
        raise fail(f"--history {path}: no such file")
    try:
        return read_wait_history(path, resolution)
    except DataFormatError as exc:
        raise fail(str(exc)) from None


def _ahead_note(fc: WaitForecast, unit: str) -> str:
    import numpy as np

    age = fc.info_age[np.isfinite(fc.info_age)]
    if not len(age):
        return "no observation precedes the range: calendar-only forecast"
    newest = fc.newest_used
    when = f"{newest:%Y-%m-%d %H:%M}" if unit == "hours" else f"{newest:%Y-%m-%d}"
    lo, hi = int(age.min()), int(age.max())
    span = f"{lo / 24:.1f} to {hi / 24:.1f} days" if unit == "hours" else f"{lo} to {hi} days"
    return f"forecast {span} ahead of its newest observation (newest used: {when})"


@app.command()
def waits(
    port: Annotated[str, typer.Argument(help='Crossing, e.g. "Peace Arch".')],
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="First day (YYYY-MM-DD, local).", show_default=False),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help="Last day, included (YYYY-MM-DD).", show_default=False),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="One moment (YYYY-MM-DD HH:MM, local): the predicted wait by lane type.",
            show_default=False,
        ),
    ] = None,
    direction: Annotated[
        str, typer.Option("--direction", help="US-bound (hourly) or Canada-bound (--daily).")
    ] = US_BOUND,
    daily: Annotated[
        bool, typer.Option("--daily", help="Daily averages per lane (Canada-bound data).")
    ] = False,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Newer observations, in the shipped Cascade Gateway file's columns.",
            show_default=False,
        ),
    ] = None,
    lead: Annotated[
        int | None,
        typer.Option(
            "--lead",
            help="Steps between a forecast and the newest observation it may use "
            "(hours; days with --daily). Default: one week (168 or 7).",
            show_default=False,
        ),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV to stdout.")] = False,
    model: Annotated[
        WaitModelChoice | None,
        typer.Option(
            "--model",
            help="stats (week-ahead, Peace Arch only) or twin (demand through the simulated "
            "port, any crossing). Default: stats at Peace Arch, twin elsewhere.",
            show_default=False,
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=2, help="Twin: replications per day.")
    ] = 10,
    db: DbOption = None,
) -> None:
    """Forecast average waits (delay, minutes) at a crossing, with an 80% interval."""
    if model is None:
        model = WaitModelChoice.stats if _is_peace_arch(port) else WaitModelChoice.twin
    if model is WaitModelChoice.stats and not _is_peace_arch(port):
        raise fail(
            f"no wait history for {port!r}: the statistical wait model covers Peace Arch "
            "only (Cascade Gateway data); use --model twin (the simulated port)"
        )
    aliases = {
        "us-bound": US_BOUND,
        "southbound": US_BOUND,
        "canada-bound": CANADA_BOUND,
        "northbound": CANADA_BOUND,
    }
    if direction.strip().lower() not in aliases:
        raise fail(f"--direction {direction!r}: expected {US_BOUND!r} or {CANADA_BOUND!r}")
    direction = aliases[direction.strip().lower()]
    if model is WaitModelChoice.twin:
        if history is not None or lead is not None or daily:
            raise fail("--history, --lead and --daily belong to --model stats (Peace Arch)")
        _twin(port, date_from, date_to, at, direction, as_csv, replications, db)
        return
    if at is not None:
        if date_from is not None or date_to is not None:
            raise fail("--at gives one moment; do not combine it with --from/--to")
        _waits_at(_parse_at(at), direction, history, as_csv)
        return
    if date_from is None or date_to is None:
        raise fail("give --from and --to (a range of days), or --at (one moment)")
    first = _parse_date(date_from, "--from")
    last = _parse_date(date_to, "--to")
    if last < first:
        raise fail(f"--to {last} is before --from {first}")
    if direction == CANADA_BOUND and not daily:
        raise fail(
            "Canada-bound wait data at Peace Arch is daily (general and NEXUS lanes): add --daily"
        )
    if direction == US_BOUND and daily:
        raise fail("U.S.-bound wait forecasts are hourly (general lanes): drop --daily")
    resolution = "daily" if daily else "hourly"
    if lead is not None and lead < 1:
        raise fail(f"--lead {lead}: must be at least 1")
    hist = _read_history(history, resolution) if history is not None else None

    from borderflow.demand import forecast_waits

    fitted = _load_model(resolution)
    try:
        fc = forecast_waits(fitted, first, last, lead=lead, history=hist)
    except ValueError as exc:
        raise fail(str(exc)) from None
    unit = "hours" if resolution == "hourly" else "days"
    err_console.print(_ahead_note(fc, unit), highlight=False)
    if as_csv:
        _write_csv(fc)
    else:
        _print_table(fc)


def _write_csv(fc: WaitForecast) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    if fc.resolution == "hourly":
        out.writerow(["hour_start", "delay_min", "lo", "hi"])
        for t, m, lo, hi in zip(fc.times, fc.delay_min, fc.lo, fc.hi, strict=True):
            out.writerow([f"{t:%Y-%m-%d %H:%M:%S}", f"{m:.1f}", f"{lo:.1f}", f"{hi:.1f}"])
    else:
        out.writerow(["date", "lane", "delay_min", "lo", "hi"])
        for t, lane, m, lo, hi in zip(fc.times, fc.lane, fc.delay_min, fc.lo, fc.hi, strict=True):
            out.writerow([f"{t:%Y-%m-%d}", lane, f"{m:.1f}", f"{lo:.1f}", f"{hi:.1f}"])


def _print_table(fc: WaitForecast) -> None:
    """Daily: one row per day and lane. Hourly: one row per day (mean, peak hour)."""
    import numpy as np
    from rich.table import Table

    table = Table(title="Peace Arch average delay forecast (minutes, 80% interval)")
    if fc.resolution == "daily":
        for col in ("date", "lane", "delay", "80% interval"):
            table.add_column(col, justify="right" if col != "lane" else "left")
        for t, lane, m, lo, hi in zip(fc.times, fc.lane, fc.delay_min, fc.lo, fc.hi, strict=True):
            table.add_row(f"{t:%Y-%m-%d}", lane, f"{m:.1f}", f"{lo:.1f}–{hi:.1f}")
    else:
        for col in ("date", "mean", "peak hour", "peak", "peak 80% interval"):
            table.add_column(col, justify="right")
        days = np.asarray(fc.times.normalize())
        for day in np.unique(days):
            sel = np.flatnonzero(days == day)
            k = sel[int(np.argmax(fc.delay_min[sel]))]
            table.add_row(
                f"{fc.times[sel[0]]:%Y-%m-%d %a}",
                f"{fc.delay_min[sel].mean():.1f}",
                f"{fc.times[k]:%H:%M}",
                f"{fc.delay_min[k]:.1f}",
                f"{fc.lo[k]:.1f}–{fc.hi[k]:.1f}",
            )
    console.print(table)


def _waits_at(when: dt.datetime, direction: str, history: Path | None, as_csv: bool) -> None:
    """Print the wait at one moment for every lane with data.

    U.S.-bound general lanes (hourly) and Canada-bound general and NEXUS lanes (daily
    average), each from the newest observations available (lead 1).
    """
    from borderflow.demand import forecast_waits

    rows: list[tuple[str, str, str, float, float, float, str, str]] = []
    skipped: list[str] = []
    hour = when.replace(minute=0, second=0, microsecond=0)
    for d, resolution in ((US_BOUND, "hourly"), (CANADA_BOUND, "daily")):
        hist = (
            _read_history(history, resolution) if history is not None and d == direction else None
        )
        fitted = _load_model(resolution)
        try:
            fc = forecast_waits(fitted, when.date(), when.date(), lead=1, history=hist)
        except ValueError as exc:
            skipped.append(f"{d}: {exc}")
            continue
        for i, t in enumerate(fc.times):
            if resolution == "hourly" and t.to_pydatetime() != hour:
                continue
            age = fc.info_age[i]
            basis = (
                f"{age / 24:.1f} days after newest data"
                if resolution == "hourly"
                else f"{age:.0f} days after newest data"
            )
            span = (
                f"{hour:%H:%M}–{(hour + dt.timedelta(hours=1)):%H:%M}"
                if resolution == "hourly"
                else "day average"
            )
            rows.append((d, fc.lane[i], span, fc.delay_min[i], fc.lo[i], fc.hi[i], "stats", basis))
    for note in skipped:
        err_console.print(f"no forecast for {note}", highlight=False)
    if not rows:
        raise fail(f"no wait forecast for {when:%Y-%m-%d %H:%M}")
    if as_csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["direction", "lane", "period", "delay_min", "lo", "hi", "model", "basis"])
        for r in rows:
            out.writerow(
                [r[0], r[1], r[2], f"{r[3]:.1f}", f"{r[4]:.1f}", f"{r[5]:.1f}", r[6], r[7]]
            )
        return
    from rich.table import Table

    table = Table(title=f"Peace Arch, {when:%a %Y-%m-%d %H:%M} (local): predicted wait")
    for col in ("direction", "lane", "period", "wait", "80% interval", "model"):
        table.add_column(col, justify="right" if col in ("wait", "80% interval") else "left")
    for r in rows:
        table.add_row(r[0], r[1], r[2], f"{r[3]:.0f} min", f"{r[4]:.0f}–{r[5]:.0f} min", r[6])
    console.print(table)
    err_console.print(
        f"model {_MODEL_LABEL}; basis: " + "; ".join(f"{r[0]} {r[1]}: {r[7]}" for r in rows),
        highlight=False,
    )


def _twin(
    port: str,
    date_from: str | None,
    date_to: str | None,
    at: str | None,
    direction: str,
    as_csv: bool,
    replications: int,
    db: Path | None,
) -> None:
    """Predicted waits from the twin: the day's demand through the simulated port."""
    import math

    from borderflow.data import load_registry
    from borderflow.plan import predict_waits

    reg = load_registry()
    q = port.strip()
    found = [c for c in reg.road_crossings if c.crossing_id == q] or [
        c for c in reg.search(q) if c.mode == "road"
    ]
    if not found:
        raise fail(f"no road crossing matches {port!r}: `borderflow ports` lists them")
    if len(found) > 1:
        names = "; ".join(f"{c.crossing_id} {c.us_name}" for c in found[:12])
        raise fail(f"{port!r} matches {len(found)} crossings; give its id: {names}")
    crossing = found[0]
    if at is not None:
        if date_from is not None or date_to is not None:
            raise fail("--at gives one moment; do not combine it with --from/--to")
        when = _parse_at(at)
        days = [when.date()]
    else:
        if date_from is None or date_to is None:
            raise fail("give --from and --to (a range of days), or --at (one moment)")
        first, last = _parse_date(date_from, "--from"), _parse_date(date_to, "--to")
        if last < first:
            raise fail(f"--to {last} is before --from {first}")
        if (last - first).days > 366:
            raise fail("the twin predicts at most 367 days per call: shorten --from/--to")
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    preds = []
    status = err_console.status(f"simulating {crossing.us_name}, {len(days)} day(s)")
    with open_warehouse(db) as con, status:
        for d in days:
            try:
                preds.append(
                    predict_waits(
                        con, crossing.crossing_id, d, direction, replications=replications
                    )
                )
            except ValueError as exc:
                raise fail(str(exc)) from None
    p0 = preds[0]
    err_console.print(
        f"model twin ({replications} replications): {p0.status}; capacity: "
        f"{p0.capacity_basis}; demand: {', '.join(sorted({p.demand_basis for p in preds}))}",
        highlight=False,
        soft_wrap=True,
    )

    def fmt(x: float) -> str:
        return f"{x:.1f}" if math.isfinite(x) else ""

    if at is not None:
        hour = when.replace(minute=0, second=0, microsecond=0)
        rows = [r for r in p0.rows if r.hour_start.replace(tzinfo=None) == hour]
        if not rows:
            raise fail(f"no traffic predicted at {crossing.us_name} at {when:%Y-%m-%d %H:%M}")
        if as_csv:
            out = csv.writer(sys.stdout, lineterminator="\n")
            out.writerow(["hour_start", "lane_type", "delay_min", "lo", "hi", "model", "status"])
            for r in rows:
                out.writerow(
                    [f"{hour:%Y-%m-%d %H:%M:%S}", r.lane_type, fmt(r.delay_min), fmt(r.lo),
                     fmt(r.hi), "twin", p0.status]
                )  # fmt: skip
            return
        from rich.table import Table

        table = Table(
            title=f"{crossing.us_name}, {direction}, {when:%a %Y-%m-%d %H:%M} (local): "
            "predicted wait"
        )
        for col in ("lane", "wait", "80% interval", "booths", "model"):
            table.add_column(col, justify="left" if col in ("lane", "model") else "right")
        for r in rows:
            table.add_row(
                r.lane_type,
                f"{r.delay_min:.0f} min" if math.isfinite(r.delay_min) else "-",
                f"{r.lo:.0f}–{r.hi:.0f} min" if math.isfinite(r.lo) else "-",
                str(r.lanes_open),
                "twin",
            )
        console.print(table)
        return
    if as_csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["hour_start", "lane_type", "delay_min", "lo", "hi"])
        for p in preds:
            for r in p.rows:
                out.writerow(
                    [f"{r.hour_start:%Y-%m-%d %H:%M:%S}", r.lane_type, fmt(r.delay_min),
                     fmt(r.lo), fmt(r.hi)]
                )  # fmt: skip
        return
    from rich.table import Table

    table = Table(title=f"{crossing.us_name}, {direction}: predicted wait (minutes), twin")
    for col in ("date", "lane", "mean", "peak hour", "peak", "80% interval"):
        table.add_column(col, justify="left" if col == "lane" else "right")
    for p in preds:
        lanes = sorted({r.lane_type for r in p.rows})
        for lane in lanes:
            rs = [r for r in p.rows if r.lane_type == lane and math.isfinite(r.delay_min)]
            if not rs:
                continue
            top = max(rs, key=lambda r: r.delay_min)
            table.add_row(
                f"{p.day:%Y-%m-%d %a}",
                lane,
                f"{sum(r.delay_min for r in rs) / len(rs):.1f}",
                f"{top.hour_start:%H:%M}",
                f"{top.delay_min:.1f}",
                f"{top.lo:.1f}–{top.hi:.1f}",
            )
    console.print(table)
