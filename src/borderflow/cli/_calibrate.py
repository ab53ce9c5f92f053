"""The twin calibrated against measured delays: ``borderflow calibrate``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from borderflow.cli._app import DbOption, app, console, echo_json, err_console, fail, open_warehouse

_PEACE_ARCH_NAMES = ("peace arch", "3005", "blaine-peace arch")


@app.command()
def calibrate(
    port: Annotated[str, typer.Argument(help="Crossing with measured delays: Peace Arch.")],
    direction: Annotated[
        str, typer.Option("--direction", help="US-bound (CBP) or Canada-bound (CBSA).")
    ] = "US-bound",
    day: Annotated[
        str | None,
        typer.Option("--date", help="Day of the scenario written by --out (YYYY-MM-DD)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the calibrated scenario (TOML) here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the calibration as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Fit the port's capacity by hour to its measured delays and validate it.

    Method capacity-by-hour v1 (docs/calibration.md): the data identify capacity
    (vehicles/hour cleared), not booths and service time apart; the output lists the
    pairs consistent with it and scores the twin on a period it was not fitted on.
    """
    from rich.table import Table

    from borderflow.plan import (
        calibrate_northbound,
        calibrate_southbound,
        calibrated_north_scenario,
        calibrated_scenario,
        calibration_to_dict,
    )

    if port.strip().lower() not in _PEACE_ARCH_NAMES:
        raise fail(
            f"no measured delays for {port!r}: only Peace Arch has wait history in the "
            "shipped data; elsewhere the twin uses sourced booths or the sizing rule"
        )
    if direction not in ("US-bound", "Canada-bound"):
        raise fail(f"--direction {direction!r}: must be US-bound or Canada-bound")
    try:
        when = date.fromisoformat(day) if day else date(2018, 7, 13)
    except ValueError:
        raise fail(f"--date {day!r}: must look like YYYY-MM-DD") from None
    with open_warehouse(db) as con:
        with err_console.status(f"calibrating Peace Arch {direction} (about a minute)"):
            if direction == "US-bound":
                cal = calibrate_southbound(con)
                gen = calibrated_scenario(con, cal, when) if out else None
            else:
                north = [calibrate_northbound(con, lane) for lane in ("general", "nexus")]
                gen = calibrated_north_scenario(con, [f for f, _ in north], when) if out else None
        if out is not None and gen is not None:
            partial = out.with_name(out.name + ".partial")
            try:
                partial.write_text(gen.to_toml(), encoding="utf-8")
                partial.replace(out)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise fail(f"cannot write {out}: {exc}") from None
    if direction == "US-bound":
        if as_json:
            echo_json(calibration_to_dict(cal))
            return
        fit = cal.chosen
        console.print(
            f"[bold]Peace Arch, US-bound general lanes[/] ({cal.method}); trained "
            f"{cal.train[0]} to {cal.train[1]}",
            highlight=False,
        )
        table = Table(title="Fitted capacity by hour (vehicles/hour; booths)")
        table.add_column("hour", justify="right")
        for name in cal.day_types:
            table.add_column(f"{name} cap", justify="right")
            table.add_column("sim/obs min", justify="right")
        for h in range(24):
            cells = [f"{h:02d}"]
            for k in range(len(cal.day_types)):
                cells.append(f"{fit.capacity_per_h[k, h]:.0f} ({fit.booths[k, h]})")
                cells.append(
                    f"{fit.simulated_delay_min[k, h]:.1f}/{fit.observed_delay_min[k, h]:.1f}"
                )
            table.add_row(*cells)
        console.print(table)
        pairs = Table(title="(booths, service time) pairs consistent with the data")
        for col in ("service min", "peak booths", "peak cap/h", "RMSE min"):
            pairs.add_column(col, justify="right")
        for f in cal.fits:
            pairs.add_row(
                f"{f.service_min:.2f}",
                str(int(f.booths.max())),
                f"{f.capacity_per_h.max():.0f}",
                f"{f.rmse_min:.2f}",
            )
        console.print(pairs)
        sc = cal.score
        console.print(
            f"validation {sc.period[0]} to {sc.period[1]} ({sc.hours} hours): twin MAE "
            f"{sc.mae_twin_min:.2f} min, previous-year baseline {sc.mae_previous_year_min:.2f}"
            f" min; twin bias {sc.bias_twin_min:+.2f} min",
            highlight=False,
        )
    else:
        if as_json:
            echo_json(
                [
                    {
                        "lane_type": nf.lane_type,
                        "service_min": nf.service_min,
                        "peak_booths": nf.peak_booths.tolist(),
                        "simulated_daily_delay_min": nf.simulated_daily_delay_min.round(3).tolist(),
                        "observed_daily_delay_min": nf.observed_daily_delay_min.round(3).tolist(),
                        "validation": {
                            "days": ns.hours,
                            "mae_twin_min": round(ns.mae_twin_min, 3),
                            "mae_weekday_mean_min": round(ns.mae_previous_year_min, 3),
                        },
                    }
                    for nf, ns in north
                ]
            )
            return
        table = Table(title="Peace Arch, Canada-bound: capacity fitted to daily delays")
        for col in ("lane", "service min", "peak booths", "sim/obs min", "val. MAE", "baseline"):
            table.add_column(col, justify="right")
        for nf, ns in north:
            table.add_row(
                nf.lane_type,
                f"{nf.service_min:.2f}",
                "/".join(str(int(x)) for x in nf.peak_booths),
                "  ".join(
                    f"{a:.1f}/{b:.1f}"
                    for a, b in zip(
                        nf.simulated_daily_delay_min, nf.observed_daily_delay_min, strict=True
                    )
                ),
                f"{ns.mae_twin_min:.2f}",
                f"{ns.mae_previous_year_min:.2f}",
            )
        console.print(table)
        console.print(
            "peak booths and sim/obs per day type (Mon-Thu/Fri-Sun); baseline: the training "
            "period's mean delay of the same weekday",
            highlight=False,
        )
    if out is not None:
        console.print(f"calibrated scenario for {when} written to {out}", highlight=False)
