"""Planning commands: routes (everyday choice among nearby crossings) and its check."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from borderflow.cli._app import (
    DbOption,
    app,
    console,
    echo_json,
    err_console,
    fail,
    open_warehouse,
    spinner,
)

_MEASURES = {"trucks": "Trucks", "personal vehicles": "Personal Vehicles", "buses": "Buses"}


def _measure(text: str) -> str:
    m = _MEASURES.get(text.strip().lower())
    if m is None:
        raise fail(
            f"--measure {text!r}: routes moves vehicles; use {', '.join(_MEASURES.values())}"
        )
    return m


def _params(radius_km: float | None, logit_scale_min: float | None) -> Any:
    from dataclasses import replace

    from borderflow.plan import NetworkParams

    params = NetworkParams()
    if radius_km is not None:
        if radius_km < 0:
            raise fail(f"--radius-km must be >= 0, got {radius_km}")
        params = replace(params, corridor_radius_km=radius_km)
    if logit_scale_min is not None:
        if not logit_scale_min > 0:
            raise fail(f"--logit-scale-min must be > 0, got {logit_scale_min}")
        params = replace(params, logit_scale_min=logit_scale_min)
    return params


def _fit_window(fit_from: str | None, fit_to: str | None) -> tuple[date, date] | None:
    from borderflow.data import parse_month

    if fit_from is None and fit_to is None:
        return None
    if fit_from is None or fit_to is None:
        raise fail("give both --fit-from and --fit-to (YYYY-MM), or neither")
    try:
        a, b = parse_month(fit_from), parse_month(fit_to)
    except ValueError as exc:
        raise fail(f"--fit-from/--fit-to: {exc}") from None
    if b < a:
        raise fail(f"--fit-to {fit_to} is before --fit-from {fit_from}")
    return a, b


#: Options shared by ``routes`` and ``routes-check``.
FitFromOption = Annotated[
    str | None,
    typer.Option(
        "--fit-from",
        help="Fit trip ends to BTS port shares from this month (YYYY-MM); default: "
        "trip ends by booths.",
        show_default=False,
    ),
]
FitToOption = Annotated[
    str | None,
    typer.Option("--fit-to", help="Last month fitted (YYYY-MM).", show_default=False),
]
LogitScaleOption = Annotated[
    float | None,
    typer.Option(
        "--logit-scale-min",
        help="Logit scale in minutes (default: the closure model's 60).",
        show_default=False,
    ),
]


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
    fit_from: FitFromOption = None,
    fit_to: FitToOption = None,
    logit_scale_min: LogitScaleOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Predict how a day's traffic divides among a corridor's crossings (route choice)."""
    from borderflow.data import AmbiguousPortError, PortNotFoundError
    from borderflow.plan import fit_zone_weights, predict_routes, routes_json

    try:
        when = date.fromisoformat(day.strip())
    except ValueError:
        raise fail(f"--date must be a day YYYY-MM-DD (e.g. 2019-07-12), got {day!r}") from None
    meas = _measure(measure)
    params = _params(radius_km, logit_scale_min)
    window = _fit_window(fit_from, fit_to)
    with open_warehouse(db) as con:
        try:
            with spinner() as bar:
                task = bar.add_task("routes: equilibrium", total=None)
                zw = None
                if window is not None:
                    bar.update(task, description="routes: fitting trip ends")
                    zw = fit_zone_weights(con, query, window[0], window[1], meas, params)
                    bar.update(task, description="routes: equilibrium")
                result = predict_routes(
                    con,
                    query,
                    when,
                    meas,
                    params,
                    closed=frozenset(c.strip() for c in close or []),
                    zone_weights=zw,
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
    scale = next(q["value"] for q in doc["parameters"] if q["name"] == "logit_scale_min")
    console.print(
        f"Logit scale {scale:g} min; {doc['assumptions'][0]}", highlight=False, soft_wrap=False
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
    fit_from: FitFromOption = None,
    fit_to: FitToOption = None,
    logit_scale_min: LogitScaleOption = None,
    daily: Annotated[
        bool,
        typer.Option("--daily", help="Also compare every day of the Cascade Gateway counts."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Compare predicted crossing shares with BTS and Cascade Gateway counts (MAE)."""
    from rich.progress import Progress

    from borderflow.data import parse_month
    from borderflow.plan import fit_zone_weights, route_check

    try:
        first, last = parse_month(start), parse_month(end)
    except ValueError as exc:
        raise fail(f"--from/--to: {exc}") from None
    if last < first:
        raise fail(f"--to {end} is before --from {start}")
    params = _params(None, logit_scale_min)
    window = _fit_window(fit_from, fit_to)
    if window is not None and window[1] >= first:
        raise fail(f"--fit-to {fit_to} must be before --from {start} (an out-of-sample check)")
    with open_warehouse(db) as con, Progress(console=err_console, transient=True) as bar:
        bar.add_task("routes-check", total=None)
        try:
            zw = None
            if window is not None:
                zw = {
                    m: fit_zone_weights(con, query, window[0], window[1], m, params)
                    for m in ("Trucks", "Personal Vehicles")
                }
            chk = route_check(con, first, last, query, params=params, zone_weights=zw, daily=daily)
        except (ValueError, LookupError) as exc:
            raise fail(str(exc)) from None
    if not chk.rows:
        raise fail(
            f"nothing to compare around {query!r} from {start} to {end}: the check needs "
            "BTS counts of two or more ports in the corridor"
        )
    summary = chk.summary()
    if json_output:
        echo_json(
            {
                "corridor": query,
                "from": start,
                "to": end,
                "logit_scale_min": params.logit_scale_min,
                "fit": None if window is None else [fit_from, fit_to],
                "summary": summary,
                "rows": [
                    {
                        "month": f"{r.month:%Y-%m}" if "daily" not in r.source else None,
                        "day": r.month.isoformat() if "daily" in r.source else None,
                        "measure": r.measure,
                        "source": r.source,
                        "predicted": {k: round(v, 4) for k, v in r.predicted.items()},
                        "observed": {k: round(v, 4) for k, v in r.observed.items()},
                        "comparator": {k: round(v, 4) for k, v in r.comparator.items()},
                        "comparator_name": r.comparator_name,
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
    for col in ("check", "n", "model MAE", "comparator", "MAE"):
        t.add_column(col, justify="left" if col == "check" else "right")
    for k, v in summary.items():
        t.add_row(
            k,
            f"{v['n']:.0f}",
            f"{v['mae']:.3f}",
            str(v["comparator"]),
            f"{v['mae_comparator']:.3f}",
        )
    console.print(t)
    trips = "booths" if window is None else f"fitted on {fit_from} to {fit_to}"
    console.print(
        f"logit scale {params.logit_scale_min:g} min; trip ends: {trips}.", highlight=False
    )
