"""Simulation commands: simulate."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from borderflow.cli._app import (
    app,
    console,
    fail,
    fmt_ci,
)

if TYPE_CHECKING:
    from borderflow.sim import PortSpec, SimulationResult

# --- simulation commands: simulate --------------------------------------------------------


@app.command()
def simulate(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file (TOML; see docs/scenario-format.md).")
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Independent replications.")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Root seed (same seed, same result).")] = 0,
    engine: Annotated[
        str,
        typer.Option(help="Engine: compiled or reference ('fast': deprecated alias of compiled)."),
    ] = "compiled",
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

    from borderflow.data import DataFormatError, read_scenario
    from borderflow.sim import ENGINE_ALIASES, ENGINES, SpecError
    from borderflow.sim import simulate as run_simulation

    if engine not in ENGINES and engine not in ENGINE_ALIASES:
        raise fail(
            f"--engine {engine!r}: must be one of {', '.join(ENGINES)} "
            "('fast' is a deprecated alias of 'compiled')"
        )
    engine = ENGINE_ALIASES.get(engine, engine)
    try:
        spec = read_scenario(scenario)
    except (DataFormatError, SpecError) as exc:
        raise fail(str(exc)) from None
    try:
        result = run_simulation(
            spec,
            replications=replications,
            seed=seed,
            engine=engine,  # type: ignore[arg-type]  # checked against ENGINES above
            keep_vehicles=parquet is not None,
        )
    except SpecError as exc:  # e.g. scenario too big to run
        raise fail(f"{scenario}: {exc}") from None
    if parquet is not None:
        import pyarrow.parquet as pq

        # Write beside the target and rename, so a failure never leaves half a file.
        partial = parquet.with_name(parquet.name + ".partial")
        try:
            pq.write_table(result.to_arrow(), partial)
            partial.replace(parquet)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise fail(f"cannot write {parquet}: {exc}") from None
    if json_output:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
        return

    _print_tables(spec, result, replications, seed, engine)
    if parquet is not None:
        console.print(f"per-vehicle records written to {parquet}", highlight=False)


def _header(spec: PortSpec, replications: int, seed: int, engine: str) -> str:
    """Return the title line; the direction only when the name does not already say it."""
    plain = spec.name.lower().replace(".", "").replace(" ", "-")
    direction = "" if spec.direction.lower() in plain else f" ({spec.direction})"
    reps = "replication" if replications == 1 else "replications"
    return (
        f"[bold]{escape(spec.name)}[/]{direction}: {spec.horizon_hours} h, "
        f"{replications} {reps}, seed {seed}, {engine} engine"
    )


def _hourly_table(result: SimulationResult) -> Table:
    """Per hour of arrival and lane type; fits in 80 columns (no vertical rules)."""
    hourly = result.hourly
    table = Table(
        title="Per hour of arrival and lane type (waits in minutes; ± = 95% CI half-width)",
        caption="p95, max: wait percentiles (p50, p90 in --json); queue: max vehicles "
        "waiting (km); /h: served per hour; util: busy/open booth time",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("hour", "lane", "veh", "wait", "±", "p95", "max", "queue", "km", "/h", "util"):
        table.add_column(col, justify="left" if col == "lane" else "right", no_wrap=True)
    for i in range(len(hourly["hour"])):
        if hourly["count"][i] == 0 and not hourly["utilisation"][i] > 0:
            continue
        table.add_row(
            f"{int(hourly['hour'][i]):02d}",
            str(hourly["lane_type"][i]),
            fmt_ci(hourly["count"][i], math.nan, 0),
            fmt_ci(hourly["mean_wait_min"][i], math.nan),
            fmt_ci(hourly["mean_wait_min_ci95"][i], math.nan),
            fmt_ci(hourly["p95_wait_min"][i], math.nan),
            fmt_ci(hourly["max_wait_min"][i], math.nan),
            fmt_ci(hourly["queue_max_veh"][i], math.nan, 0),
            fmt_ci(hourly["queue_max_km"][i], math.nan, 2),
            fmt_ci(hourly["throughput_per_h"][i], math.nan, 0),
            fmt_ci(hourly["utilisation"][i], math.nan, 2),
        )
    return table


def _daily_table(result: SimulationResult) -> Table:
    daily = result.daily
    table = Table(
        title="Per day (hours of arrival with mean wait > 30 / > 60 min)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("day", "lane", "vehicle-hours of delay", "hours > 30", "> 60"):
        table.add_column(col, justify="left" if col == "lane" else "right", no_wrap=True)
    for i in range(len(daily["day"])):
        table.add_row(
            str(int(daily["day"][i])),
            str(daily["lane_type"][i]),
            fmt_ci(daily["vehicle_hours_delay"][i], daily["vehicle_hours_delay_ci95"][i]),
            fmt_ci(daily["hours_mean_wait_over_30"][i], math.nan, 1),
            fmt_ci(daily["hours_mean_wait_over_60"][i], math.nan, 1),
        )
    return table


def _summary_lines(spec: PortSpec, result: SimulationResult) -> list[str]:
    """Whole-run figures, each line under 80 columns."""
    s = result.summary
    lines = [
        f"vehicles {fmt_ci(*s['vehicles'], 0)}; still waiting at the end "
        f"{fmt_ci(*s['waiting_at_end'], 0)}",
        f"wait (min): mean {fmt_ci(*s['mean_wait_min'], 2)}, p95 "
        f"{fmt_ci(*s['p95_wait_min'], 1)}, max {fmt_ci(*s['max_wait_min'], 1)}",
    ]
    if result.censored:
        lines += [
            "censored: waits of served vehicles only; those still waiting at the end",
            f"had waited {fmt_ci(*s['stranded_mean_wait_so_far_min'], 1)} min so far "
            f"(all vehicles: mean wait >= {fmt_ci(*s['mean_wait_with_stranded_min'], 2)} min)",
        ]
    if spec.secondary is not None:
        lines.append(
            f"secondary inspection: mean wait {fmt_ci(*s['mean_secondary_wait_min'], 1)} min"
        )
    return lines


def _print_tables(
    spec: PortSpec, result: SimulationResult, replications: int, seed: int, engine: str
) -> None:
    """Print the header, the hourly and daily tables and the summary lines."""
    H = spec.horizon_hours
    console.print(_header(spec, replications, seed, engine), highlight=False)
    if H <= 48:
        console.print(_hourly_table(result))
    else:
        console.print(f"({H} hours: hourly table omitted; use --json for it.)")
    console.print(_daily_table(result))
    for line in _summary_lines(spec, result):
        console.print(line, highlight=False)
    if spec.storage is not None:
        over = result.storage["minutes_over_storage"]
        hours_over = int((over > 0).sum())
        console.print(
            f"queue over approach storage: {float(over.sum()):.0f} min in {hours_over} hour(s)",
            highlight=False,
        )
