"""Planning commands: routes (everyday choice among nearby crossings) and its check."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from borderflow.cli._app import DbOption, app, console, echo_json, err_console, fail, open_warehouse

_MEASURES = {"trucks": "Trucks", "personal vehicles": "Personal Vehicles", "buses": "Buses"}


def _measure(text: str) -> str:
    m = _MEASURES.get(text.strip().lower())
    if m is None:
        raise fail(
            f"--measure {text!r}: routes moves vehicles; use {', '.join(_MEASURES.values())}"
        )
    return m


@app.command()
def routes(
    query: Annotated[
        str,
        typer.Argument(help="A crossing or port naming the corridor (e.g. 'Pacific Highway')."),
    ],
    day: Annotated[str, typer.Option("--date", help="Local day, YYYY-MM-DD.")],
    measure: Annotated[
        str, typer.Option("--measure", "-m", help="Trucks, Personal Vehicles or Buses.")
    ] = "Trucks",
    close: Annotated[
        list[str] | None,
        typer.Option(
            "--close",
            help="Crossing id closed all day (repeatable), e.g. 3023 for Lynden.",
            show_default=False,
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        typer.Option(
            "--radius-km",
            help="Corridor: crossings within this distance of the named one (default 50).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Predict how a day's traffic divides among a corridor's crossings (route choice)."""
    from dataclasses import replace

    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    from borderflow.data import AmbiguousPortError, PortNotFoundError
    from borderflow.plan import NetworkParams, predict_routes, routes_json

    try:
        when = date.fromisoformat(day.strip())
    except ValueError:
        raise fail(f"--date must be a day YYYY-MM-DD (e.g. 2019-07-12), got {day!r}") from None
    meas = _measure(measure)
    params = NetworkParams()
    if radius_km is not None:
        if radius_km < 0:
            raise fail(f"--radius-km must be >= 0, got {radius_km}")
        params = replace(params, corridor_radius_km=radius_km)
    with open_warehouse(db) as con:
        try:
            with Progress(
                SpinnerColumn(),
                "{task.description}",
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as bar:
                bar.add_task("routes: equilibrium", total=None)
                result = predict_routes(
                    con, query, when, meas, params, closed=frozenset(c.strip() for c in close or [])
                )
        except AmbiguousPortError as exc:
            choices = "; ".join(f"{c.port_code} {c.port_name} ({c.state})" for c in exc.candidates)
            raise fail(f"{query!r} matches several ports; pick one code: {choices}") from None
        except (PortNotFoundError, ValueError, LookupError) as exc:
            raise fail(str(exc)) from None
    doc = routes_json(result)
    if json_output:
        echo_json(doc)
        return
    _print_routes(doc)


def _print_routes(doc: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    eq = doc["equilibrium"]
    console.print(
        f"[bold]Route choice around {doc['corridor_of']}[/], {doc['day']}, {doc['measure']} "
        f"(U.S.-bound): {doc['total']:,.0f} vehicles; {doc['model']}",
        highlight=False,
    )
    state = "converged" if eq["converged"] else "NOT converged"
    console.print(
        f"Equilibrium {state} in {eq['iterations']} iterations (gap {eq['gap']:.1e}); "
        f"unserved {doc['unserved']:,.0f}",
        highlight=False,
    )
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in ("crossing", "port", "bth", "km", "model", "share", "split", "wait", "peak"):
        t.add_column(col, justify="left" if col == "crossing" else "right", no_wrap=True)
    for c in doc["crossings"]:
        wait = "-" if c["mean_wait_min"] is None else f"{c['mean_wait_min']:.1f}"
        name = c["name"] + (" (closed)" if c["closed"] else "")
        t.add_row(
            name.removeprefix("Blaine-")[:20],
            c["port_code"],
            str(c["booths"]),
            f"{c['distance_km']:.0f}",
            f"{c['volume']:,.0f}",
            f"{c['share']:.1%}",
            f"{c['split_volume']:,.0f}",
            wait,
            f"{c['peak_utilisation']:.0%}",
        )
    console.print(t)
    console.print(
        "bth: primary booths; km: from the named crossing; model: vehicles chosen; "
        "split: the demand module's split of each port's BTS count (observed port "
        "totals); wait: mean expected wait \\[min]; peak: highest hourly flow / capacity.",
        highlight=False,
    )


@app.command("routes-check")
def routes_check(
    start: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")] = "2018-01",
    end: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM.")] = "2019-12",
    query: Annotated[
        str, typer.Option("--corridor", help="Crossing naming the corridor.")
    ] = "Pacific Highway",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Compare predicted crossing shares with BTS and Cascade Gateway counts (MAE)."""
    from rich.progress import Progress

    from borderflow.data import parse_month
    from borderflow.plan import route_check

    try:
        first, last = parse_month(start), parse_month(end)
    except ValueError as exc:
        raise fail(f"--from/--to: {exc}") from None
    if last < first:
        raise fail(f"--to {end} is before --from {start}")
    with open_warehouse(db) as con, Progress(console=err_console, transient=True) as bar:
        bar.add_task("routes-check", total=None)
        try:
            chk = route_check(con, first, last, query)
        except (ValueError, LookupError) as exc:
            raise fail(str(exc)) from None
    summary = chk.summary()
    if json_output:
        echo_json(
            {
                "corridor": query,
                "from": start,
                "to": end,
                "summary": summary,
                "rows": [
                    {
                        "month": f"{r.month:%Y-%m}",
                        "measure": r.measure,
                        "source": r.source,
                        "predicted": {k: round(v, 4) for k, v in r.predicted.items()},
                        "observed": {k: round(v, 4) for k, v in r.observed.items()},
                        "booth_share": {k: round(v, 4) for k, v in r.booth_share.items()},
                        "mae": round(r.mae, 4),
                    }
                    for r in chk.rows
                ],
            }
        )
        return
    from rich import box
    from rich.table import Table

    t = Table(
        title=f"Route shares vs counts, {start} to {end} (MAE of shares)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("check", "months", "model MAE", "booth-share MAE"):
        t.add_column(col, justify="left" if col == "check" else "right")
    for k, v in summary.items():
        t.add_row(k, f"{v['months']:.0f}", f"{v['mae']:.3f}", f"{v['mae_booth_share']:.3f}")
    console.print(t)
