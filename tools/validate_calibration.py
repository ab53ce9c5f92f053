"""Regenerate docs/validation-calibration.md, its charts and the shipped calibration.

Calibrates Peace Arch in both directions (method capacity-by-hour v1), scores the twin on
periods it was not fitted on, and writes:

- ``data/calibration/peace-arch.json`` (the fits the twin runs; provenance in
  ``data/SOURCES.md``),
- ``docs/img/calibration-*.png`` and ``docs/validation-calibration.md``.

Run: ``.venv/bin/python tools/validate_calibration.py`` (a few minutes).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from borderflow import shipped_data_dir
from borderflow.data import build_warehouse, connect_readonly
from borderflow.plan import calibrate_northbound, calibrate_southbound, calibration_to_dict
from borderflow.plan._calibrate import simulate_days
from borderflow.plan._calibrate_port import (
    VALIDATION_REPLICATIONS,
    northbound_days,
    southbound_days,
)

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        build_warehouse(db, data_dir=shipped_data_dir())
        con = connect_readonly(db)
        south = calibrate_southbound(con)
        north = {lane: calibrate_northbound(con, lane) for lane in ("general", "nexus")}
        vdays, vdates = southbound_days(con, *south.validate)
        vsim = simulate_days(vdays, south.chosen, seed=7, replications=VALIDATION_REPLICATIONS)
        ndays = {lane: northbound_days(con, lane, date(2018, 1, 1), date(2019, 6, 30))
                 for lane in north}  # fmt: skip
        con.close()
    record = {
        "southbound": calibration_to_dict(south),
        "northbound": {
            lane: {
                "service_min": f.service_min,
                "peak_booths": f.peak_booths.tolist(),
                "day_types": ["Mon-Thu", "Fri-Sun"],
                "validation_days": s.hours,
                "mae_twin_min": round(s.mae_twin_min, 3),
                "mae_weekday_mean_min": round(s.mae_previous_year_min, 3),
            }
            for lane, (f, s) in north.items()
        },
    }
    out = shipped_data_dir() / "calibration" / "peace-arch.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")

    fit = south.chosen
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for k, ax in enumerate(axes):
        ax.plot(range(24), fit.observed_delay_min[k], "o-", label="measured (training mean)")
        ax.plot(range(24), fit.simulated_delay_min[k], "s--", label="twin (calibrated)")
        ax.set_title(f"Peace Arch U.S.-bound, {south.day_types[k]}")
        ax.set_xlabel("hour of arrival (local)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("mean delay [minutes]")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(IMG / "calibration-hourly-profile.png", dpi=110)
    plt.close(fig)

    obs_day = np.nanmean(vdays.observed_delay_min, axis=1)
    sim_day = np.nanmean(vsim, axis=1)
    fig, ax = plt.subplots(figsize=(11, 3.8))
    x = np.array(vdates, dtype="datetime64[D]")
    ax.plot(x, obs_day, ".", label="measured")
    ax.plot(x, sim_day, ".", label="twin")
    ax.set_ylabel("daily mean of hourly delay [minutes]")
    ax.set_xlabel("validation day (not used for fitting)")
    ax.set_title("Peace Arch U.S.-bound general lanes: daily mean delay, validation period")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(IMG / "calibration-daily-validation.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(11, 3.8))
    for lane, (_days, used, daily) in ndays.items():
        ax.plot(np.array(used, dtype="datetime64[D]"), daily, ".", label=f"{lane} (measured)")
    for lane, (f, _) in north.items():
        for k, name in enumerate(("Mon-Thu", "Fri-Sun")):
            ax.axhline(f.simulated_daily_delay_min[k], ls="--" if k else ":", lw=1,
                       color="C0" if lane == "general" else "C1",
                       label=f"{lane} twin, {name}")  # fmt: skip
    ax.set_ylabel("daily mean delay [minutes]")
    ax.set_xlabel("day")
    ax.set_title("Peace Arch Canada-bound: general vs NEXUS lanes, measured and twin")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(IMG / "calibration-nexus-gap.png", dpi=110)
    plt.close(fig)

    sc = south.score
    n_train = south.notes[0].split("training days ")[1].split(" (")[0]
    pairs = "\n".join(
        f"| {f.service_min:.2f} | {int(f.booths.max())} | {f.capacity_per_h.max():.0f} | "
        f"{f.rmse_min:.2f} |"
        for f in south.fits
    )
    nrows = "\n".join(
        f"| {lane} | {f.service_min:.2f} | {'/'.join(map(str, f.peak_booths.tolist()))} | "
        f"{f.simulated_daily_delay_min[0]:.1f} / {f.observed_daily_delay_min[0]:.1f} | "
        f"{f.simulated_daily_delay_min[1]:.1f} / {f.observed_daily_delay_min[1]:.1f} | "
        f"{s.mae_twin_min:.2f} | {s.mae_previous_year_min:.2f} |"
        for lane, (f, s) in north.items()
    )
    text = f"""# Validation: the twin calibrated at Peace Arch

<!-- Generated by `python tools/validate_calibration.py`; do not edit by hand. -->

Method `{south.method}` (see [calibration.md](calibration.md)). The data identify
**capacity** (vehicles per hour the lanes clear while a queue stands), not booths and
service time apart; hours without queues bound capacity only from below.

## U.S.-bound (CBP), general car lanes, hourly delays

Trained {south.train[0]} to {south.train[1]} ({n_train} days in {len(south.day_types)}
day types); validated on {sc.period[0]} to {sc.period[1]} ({sc.hours} hours, not used
for fitting).

| | MAE [min] |
|---|---:|
| twin (calibrated capacity, demand from BTS months) | {sc.mae_twin_min:.2f} |
| previous-year baseline (same month, weekday, hour) | {sc.mae_previous_year_min:.2f} |

Twin bias on the validation period: {sc.bias_twin_min:+.2f} min. The twin knows no
recent waits (only demand and a capacity fitted on earlier years), so the fair
comparison is the previous-year baseline; the statistical week-ahead model, which sees
waits up to a week before, is scored in [validation-waits.md](validation-waits.md).
Each simulated validation day is the mean of {VALIDATION_REPLICATIONS} replications, as
the twin's prediction is (`borderflow waits --model twin`), not one random run.

(booths, service time) pairs consistent with the data (peak of the fitted schedule):

| service [min] | peak booths | peak capacity [veh/h] | training RMSE [min] |
|---:|---:|---:|---:|
{pairs}

The twin runs the pair with the lowest training error ({fit.service_min:.2f} min).

![hourly profile](img/calibration-hourly-profile.png)

![daily validation](img/calibration-daily-validation.png)

## Canada-bound (CBSA), general and NEXUS lanes, daily delays

Trained 2018, validated 2019-01 to 2019-06 (daily resolution). Baseline: the training
period's mean delay of the same weekday (no previous year exists for 2019). Twin days:
means of {VALIDATION_REPLICATIONS} replications.

| lane | service [min] | peak booths | twin/measured Mon-Thu | twin/measured Fri-Sun | MAE | base |
|---|---:|---|---:|---:|---:|---:|
{nrows}

![general vs NEXUS](img/calibration-nexus-gap.png)

## Limits

- Southbound volumes are not measured: arrivals come from BTS monthly counts through the
  split rule, the learned day profile, an **assumed** hour-of-day profile and the assumed
  lane-class shares ([demand.md](demand.md)); errors there become capacity errors.
- One schedule per day type (Mon–Thu, Fri–Sun); holidays, incidents and detector outages
  are not modelled; DST change days are left out.
- Northbound data is daily: one peak-booth figure per day type, not an hourly schedule.
"""
    (ROOT / "docs" / "validation-calibration.md").write_text(text, encoding="utf-8")
    print(f"wrote {out} and docs/validation-calibration.md")


if __name__ == "__main__":
    main()
