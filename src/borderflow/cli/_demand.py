"""Demand and planning commands: scenario (a day's port from data), predict (twin waits)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from borderflow.cli._app import DbOption, app, console, echo_json, err_console, fail, open_warehouse

if TYPE_CHECKING:
    from borderflow.data import Crossing, Registry

DateOption = Annotated[str, typer.Option("--date", help="Local day, YYYY-MM-DD.")]
DirectionOption = Annotated[
    str, typer.Option("--direction", help="US-bound (BTS counts) or Canada-bound.")
]


def _crossing(reg: Registry, query: str) -> Crossing:
    """One road crossing from an id or a name; a clear error otherwise."""
    try:
        return reg.crossing(query.strip())
    except KeyError:
        pass
    found = [c for c in reg.search(query) if c.mode == "road"]
    if not found:
        raise fail(f"PORT {query!r}: no road crossing matches (try `borderflow ports`)")
    if len(found) > 1:
        names = ", ".join(f"{c.crossing_id} {c.us_name}" for c in found[:8])
        raise fail(f"PORT {query!r} matches {len(found)} crossings: {names}; give the id")
    return found[0]


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--date {text!r}: expected YYYY-MM-DD") from None


def _check_direction(direction: str) -> str:
    from borderflow.vocab import DIRECTIONS

    if direction not in DIRECTIONS:
        raise fail(f"--direction {direction!r}: must be one of {', '.join(DIRECTIONS)}")
    return direction


def _overrides(nexus: float | None, ready: float | None, fast: float | None) -> dict[str, float]:
    out = {k: v for k, v in (("nexus", nexus), ("ready", ready), ("fast", fast)) if v is not None}
    for k, v in out.items():
        if not 0 <= v <= 1:
            raise fail(f"--{k} {v}: a share must be in [0, 1]")
    return out


ShareOption = Annotated[
    float | None, typer.Option(help="Override this lane-class share (0-1).", show_default=False)
]


@app.command()
def scenario(
    port: Annotated[str, typer.Argument(help="Crossing id or name (see `borderflow ports`).")],
    day: DateOption,
    direction: DirectionOption = "US-bound",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the scenario file here.")
    ] = None,
    nexus: ShareOption = None,
    ready: ShareOption = None,
    fast: ShareOption = None,
    db: DbOption = None,
) -> None:
    """Write a day's scenario file for a crossing, every figure with its source."""
    from borderflow.data import load_registry
    from borderflow.plan import build_scenario

    reg = load_registry()
    crossing = _crossing(reg, port)
    d = _parse_day(day)
    _check_direction(direction)
    shares = _overrides(nexus, ready, fast)
    with open_warehouse(db) as con:
        try:
            gen = build_scenario(
                con, crossing.crossing_id, d, direction, registry=reg, share_overrides=shares
            )
        except (KeyError, ValueError) as exc:
            raise fail(str(exc).strip("'\"")) from None
    text = gen.to_toml()
    if output is None:
        typer.echo(text, nl=False)
        return
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise fail(f"cannot write {output}: {exc}") from None
    err_console.print(
        f"wrote {output}: {gen.spec.name}, {gen.spec.horizon_hours} local hours, "
        f"demand {gen.demand.demand_basis}, capacity {gen.capacity_basis}",
        highlight=False,
    )


@app.command()
def predict(
    port: Annotated[str, typer.Argument(help="Crossing id or name (see `borderflow ports`).")],
    day: DateOption,
    direction: DirectionOption = "US-bound",
    replications: Annotated[int, typer.Option("--replications", "-r", min=1)] = 10,
    seed: Annotated[int, typer.Option(help="Root seed (same seed, same result).")] = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Predict hourly waits of a crossing and day with the twin (demand -> port -> sim)."""
    import math

    from rich.table import Table

    from borderflow.data import load_registry
    from borderflow.plan import predict_waits

    reg = load_registry()
    crossing = _crossing(reg, port)
    d = _parse_day(day)
    _check_direction(direction)
    with open_warehouse(db) as con, err_console.status("simulating..."):
        try:
            p = predict_waits(
                con,
                crossing.crossing_id,
                d,
                direction,
                replications=replications,
                seed=seed,
                registry=reg,
            )
        except (KeyError, ValueError) as exc:
            raise fail(str(exc).strip("'\"")) from None
    if json_output:
        echo_json(p.to_dict())
        return
    console.print(
        f"[bold]{p.crossing_name}[/] ({p.crossing_id}) {p.direction} {p.day}: model twin, "
        f"{p.status}; capacity: {p.capacity_basis}; demand: {p.demand_basis}",
        highlight=False,
    )
    table = Table(
        caption="delay: mean wait of arrivals [min]; lo-hi: 10th-90th percentile "
        "across replications; open: booths; /h: arrivals"
    )
    for col in ("hour", "lane", "delay", "lo", "hi", "open", "/h"):
        table.add_column(col, justify="left" if col == "lane" else "right", no_wrap=True)
    for r in p.rows:

        def f(x: float) -> str:
            return f"{x:.1f}" if math.isfinite(x) else "-"

        table.add_row(
            r.hour_start.strftime("%H:%M %Z"),
            r.lane_type,
            f(r.delay_min),
            f(r.lo),
            f(r.hi),
            str(r.lanes_open),
            f"{r.arrivals_per_h:.0f}",
        )
    console.print(table)
    console.print(f"{p.status}; see --json notes for every source and assumption", highlight=False)
