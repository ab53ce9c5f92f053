"""Planning commands: closure (where traffic goes when a port closes)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    echo_json,
    fail,
    open_warehouse,
    spinner,
)

# --- planning commands: closure ---------------------------------------------------------------


def _parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{flag} must be a day YYYY-MM-DD (e.g. 2022-02-07), got {text!r}") from None


def _parse_hours(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", text)
    if not m:
        raise fail(f"--hours must be FROM-TO in whole hours (e.g. 6-10 or 22-6), got {text!r}")
    h0, h1 = int(m.group(1)), int(m.group(2))
    if not (0 <= h0 <= 23 and 1 <= h1 <= 24) or h0 == h1:
        raise fail(f"--hours {text!r}: FROM must be 0-23, TO 1-24, and they must differ")
    return h0, h1


def _usd(x: float | None) -> str:
    if x is None:
        return "-"
    for unit, div in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= div:
            return f"${x / div:,.3g}{unit}"
    return f"${x:,.0f}"


@app.command()
def closure(
    port: Annotated[
        str,
        typer.Argument(
            help="Port code (3801), port name (Detroit) or one crossing of a port "
            "(Ambassador Bridge: closes that crossing only)."
        ),
    ],
    start: Annotated[str, typer.Option("--from", help="First day closed, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day closed, YYYY-MM-DD.")],
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            "-m",
            help="Trucks, Personal Vehicles or Buses; repeat for several classes, or 'all'. "
            "Default: Trucks.",
            show_default=False,
        ),
    ] = None,
    demand_as_of: Annotated[
        str | None,
        typer.Option(
            "--demand-as-of",
            help="Last month of demand known, YYYY-MM (default: the month before --from).",
            show_default=False,
        ),
    ] = None,
    hours: Annotated[
        str | None,
        typer.Option(
            "--hours",
            help="Closed only FROM-TO each day (local hours, e.g. 6-10; 22-6 wraps). "
            "Default: all day.",
            show_default=False,
        ),
    ] = None,
    capacity_share: Annotated[
        float | None,
        typer.Option(
            "--capacity-share",
            help="Share of the port's booths closed, in (0, 1] (default: 1, or the named "
            "crossing's share).",
            show_default=False,
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        typer.Option(
            "--radius-km",
            help="Consider open ports within this distance (default: trucks 400, cars 150).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Close a port (or some of its booths or hours): diversion, delay, trade value."""
    from dataclasses import replace

    from borderflow.data import AmbiguousPortError, PortNotFoundError, parse_month
    from borderflow.plan import (
        ClosureResult,
        NetworkParams,
        closure_json,
        closure_json_many,
        closure_target,
        simulate_closure,
    )

    first, last = _parse_day(start, "--from"), _parse_day(end, "--to")
    if last < first:
        raise fail(f"--to {last} is before --from {first}")
    if (last - first).days > 366:
        raise fail(f"--from {first} to --to {last} is over a year: give a shorter closure")
    window = _parse_hours(hours) if hours is not None else None
    try:
        as_of = parse_month(demand_as_of) if demand_as_of else None
    except ValueError as exc:
        raise fail(f"--demand-as-of: {exc}") from None
    known = {"trucks": "Trucks", "personal vehicles": "Personal Vehicles", "buses": "Buses"}
    asked = measure or ["Trucks"]
    if any(m.strip().lower() == "all" for m in asked):
        asked = list(known.values())
    for m in asked:
        if m.strip().lower() not in known:
            raise fail(
                f"--measure {m!r}: a closure moves vehicles; use {', '.join(known.values())} or all"
            )
    measures = list(dict.fromkeys(known[m.strip().lower()] for m in asked))
    params = NetworkParams()
    if radius_km is not None:
        if radius_km < 0:
            raise fail(f"--radius-km must be >= 0, got {radius_km}")
        params = replace(params, radius_km_commercial=radius_km, radius_km_passenger=radius_km)

    results: list[ClosureResult] = []
    with open_warehouse(db) as con:
        try:
            with spinner() as bar:
                task = bar.add_task("closure: starting", total=None)
                for meas in measures:
                    label = f"closure ({meas})"

                    def step(msg: str, label: str = label) -> None:
                        bar.update(task, description=f"{label}: {msg}")

                    target = closure_target(con, port, meas, capacity_share, params)
                    results.append(
                        simulate_closure(
                            con,
                            target,
                            first,
                            last,
                            meas,
                            as_of,
                            window,
                            params,
                            progress=step,
                        )
                    )
        except AmbiguousPortError as exc:
            choices = "; ".join(f"{c.port_code} {c.port_name} ({c.state})" for c in exc.candidates)
            raise fail(f"{port!r} matches several ports; pick one code: {choices}") from None
        except (PortNotFoundError, ValueError, LookupError) as exc:
            raise fail(str(exc)) from None
    if json_output:
        echo_json(closure_json(results[0]) if len(results) == 1 else closure_json_many(results))
        return
    for i, result in enumerate(results):
        if i:
            console.print()
        _print_result(closure_json(result))


def _print_result(doc: dict[str, Any]) -> None:
    """Print one measure's closure result as text and tables (80 columns)."""
    from rich import box
    from rich.table import Table

    c = doc["closure"]
    when = "all day" if c["hours"] is None else f"{c['hours']} h daily"
    console.print(
        f"[bold]Closure of {c['port_code']} {c['port_name']}[/] "
        f"({', '.join(c['crossings_closed'])}), {c['from']} to {c['to']}, {when}; "
        f"{c['measure']}, demand known at {c['demand_as_of']}",
        highlight=False,
    )
    console.print(
        f"Capacity removed: {c['capacity_share_removed']:.1%} ({c['capacity_share_basis']})",
        highlight=False,
    )
    v = doc["vehicles"]
    console.print(
        f"Displaced {v['displaced']:,.0f}: diverted {v['diverted']:,.0f}, delayed "
        f"{v['delayed']:,.0f}, cancelled {v['cancelled']:,.0f}. Extra delay "
        f"{doc['extra_delay_vehicle_hours']:,.0f} vehicle-h, detour "
        f"{doc['detour_vehicle_km']:,.0f} vehicle-km.",
        highlight=False,
    )
    table = Table(title="Monthly totals (U.S.-bound, BTS)", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("port", "month", "baseline", "closure", "chg", "observed", "obs chg"):
        table.add_column(col, justify="left" if col == "port" else "right", no_wrap=True)
    for p in doc["ports"]:
        obs = "-" if p["observed"] is None else f"{p['observed']:,}"
        ochg = "-" if p["observed_change"] is None else f"{p['observed_change']:+,.0f}"
        table.add_row(
            f"{p['port_code']} {p['port_name']}"[:16],
            p["month"],
            f"{p['baseline']:,.0f}",
            f"{p['with_closure']:,.0f}",
            f"{p['change']:+,.0f}",
            obs,
            ochg,
        )
    console.print(table)
    days = Table(
        title="Per day (vehicles; extra delay in vehicle-hours)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("day", "hours", "displaced", "diverted", "delayed", "cancelled", "veh-h"):
        days.add_column(col, justify="right", no_wrap=True)
    if doc["closure"]["measure"] == "Trucks":
        days.add_column("trade", justify="right", no_wrap=True)
    for d in doc["days"]:
        row = [
            d["date"][5:],
            str(d["closed_hours"]),
            f"{d['displaced']:,.0f}",
            f"{d['diverted']:,.0f}",
            f"{d['delayed']:,.0f}",
            f"{d['cancelled']:,.0f}",
            f"{d['extra_delay_vehicle_hours']:,.0f}",
        ]
        if doc["closure"]["measure"] == "Trucks":
            total = (d["trade_value_delayed_usd"] or 0) + (d["trade_value_diverted_usd"] or 0)
            row.append(_usd(total))
        days.add_row(*row)
    console.print(days)
    if doc["closure"]["measure"] == "Trucks":
        console.print("trade: two-way value of the day's delayed, cancelled and diverted trucks")
    if doc["closure"]["measure"] == "Trucks":
        console.print(
            f"Trade value delayed {_usd(doc['trade_value_delayed_usd'])} "
            f"({_usd(doc['trade_value_delayed_usd_per_day'])}/day), diverted "
            f"{_usd(doc['trade_value_diverted_usd'])} "
            f"({_usd(doc['trade_value_diverted_usd_per_day'])}/day), two-way goods. "
            f"Basis: {doc['trade_value_basis']}.",
            highlight=False,
        )
    console.print(
        "Model closure-logit v1; parameters and sources: --json or docs/closures.md.",
        highlight=False,
        style="dim",
    )
