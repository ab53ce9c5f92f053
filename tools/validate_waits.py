"""Regenerate docs/validation-waits.md and its charts.

Chronological holdouts of the Peace Arch wait forecasts against the three baselines
(same information).

Run: ``.venv/bin/python tools/validate_waits.py`` (a few minutes: it fits the hourly
model twice and the daily model once, each on the training side of its split only).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from borderflow.demand import (
    DAILY_LANES,
    WaitForecast,
    WaitSeries,
    fit_wait_model,
    forecast_waits,
    shipped_waits,
    wait_baselines,
    wait_score,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation-waits.md"
IMG = ROOT / "docs" / "img"
LABELS = {
    "model": "**model** (GBM quantiles)",
    "last_week": "value one week earlier",
    "mean_8_weeks": "mean of same hour, previous 8 weeks",
    "last_year": "same month, weekday, hour of previous year",
}


def _fmt(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{x:.2f}"


def _table(rows: list[tuple[str, object]]) -> list[str]:
    out = [
        "| forecast | MAE, all (min) | MAE, observed > 10 min | 80% coverage | hours/days scored |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in rows:
        cov = "–" if not np.isfinite(s.coverage) else f"{100 * s.coverage:.1f}%"
        out.append(f"| {name} | {_fmt(s.mae)} | {_fmt(s.mae_above)} | {cov} | {s.n} |")
    return out


def _gain(model_mae: float, best: float) -> str:
    return f"{100 * (1 - model_mae / best):.1f}%"


def hourly_fold(shipped: WaitSeries, year: int, lines: list[str]) -> dict[str, object]:
    """Fit on the years before ``year``, score ``year``; append the tables to ``lines``."""
    train = shipped.until(dt.datetime(year - 1, 12, 31, 23))
    t0 = time.time()
    model = fit_wait_model(train)
    fit_s = time.time() - t0
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    fc = forecast_waits(model, first, last, lead=168, history=shipped)
    stale = forecast_waits(model, first, last, lead=168)
    y = shipped.values["general"]
    pos = np.asarray((fc.times - pd.Timestamp(shipped.start)) // pd.Timedelta(hours=1))
    obs = y[pos]
    base = wait_baselines(fc.times, y, pd.Timestamp(shipped.start), "hourly", 168)
    common = np.isfinite(obs) & np.all([np.isfinite(b) for b in base.values()], axis=0)
    scores = {"model": wait_score(obs, fc.delay_min, fc.lo, fc.hi, mask=common)}
    for name, b in base.items():
        scores[name] = wait_score(obs, b, mask=common)
    best = min(("last_week", "mean_8_weeks", "last_year"), key=lambda n: scores[n].mae)
    best_above = min(("last_week", "mean_8_weeks", "last_year"), key=lambda n: scores[n].mae_above)
    lines += [
        f"### U.S.-bound hourly, holdout {year} (model fitted on "
        f"{train.start:%Y-%m-%d} to {train.end:%Y-%m-%d}, {fit_s:.0f} s)",
        "",
        f"Week-ahead (`--lead 168`, history = the {year} observations). Every hour of "
        f"{year} where the observation and all baselines exist.",
        "",
        *_table([(LABELS[k], v) for k, v in scores.items()]),
        "",
        f"MAE over all hours: **{_gain(scores['model'].mae, scores[best].mae)} lower** than "
        f"the best baseline ({LABELS[best]}); above 10 minutes: "
        f"{_fmt(scores['model'].mae_above)} vs {_fmt(scores[best_above].mae_above)} "
        f"({LABELS[best_above]}).",
        "",
    ]
    # no history at all: information ends at the training end
    ly = wait_baselines(
        stale.times, train.values["general"], pd.Timestamp(train.start), "hourly", 1
    )["last_year"]
    m2 = np.isfinite(obs) & np.isfinite(ly)
    s_stale = wait_score(obs, stale.delay_min, stale.lo, stale.hi, mask=m2)
    s_ly = wait_score(obs, ly, mask=m2)
    lines += [
        f"Without a history file (newest observation {train.end:%Y-%m-%d %H:%M}; the "
        f"forecast is 1 to 365 days ahead): the only baseline still available is the "
        "previous year's month/weekday/hour mean.",
        "",
        *_table([(LABELS["model"] + ", no history", s_stale), (LABELS["last_year"], s_ly)]),
        "",
    ]
    return {"fc": fc, "obs": obs, "base": base, "scores": scores}


def daily_fold(shipped: WaitSeries, lines: list[str]) -> dict[str, object]:
    """Fit on 2018, score 2019-01 to 2019-06 per lane; append the tables to ``lines``."""
    train = shipped.until(dt.datetime(2018, 12, 31))
    model = fit_wait_model(train)
    first, last = dt.date(2019, 1, 1), dt.date(2019, 6, 30)
    fc = forecast_waits(model, first, last, lead=7, history=shipped)
    lines += [
        "### Canada-bound daily, holdout 2019-01-01 to 2019-06-30 (model fitted on 2018)",
        "",
        "Week-ahead (`--daily --lead 7`, history = the 2019 observations); baselines on "
        "days (value 7 days earlier, mean of the same weekday over 8 weeks, same month "
        "and weekday of 2018).",
        "",
    ]
    out: dict[str, object] = {"fc": fc}
    for lane in DAILY_LANES:
        sel = np.array([ln == lane for ln in fc.lane])
        times = fc.times[sel]
        y = shipped.values[lane]
        pos = np.asarray((times - pd.Timestamp(shipped.start)) // pd.Timedelta(days=1))
        obs = y[pos]
        base = wait_baselines(times, y, pd.Timestamp(shipped.start), "daily", 7)
        common = np.isfinite(obs) & np.all([np.isfinite(b) for b in base.values()], axis=0)
        scores = {"model": wait_score(obs, fc.delay_min[sel], fc.lo[sel], fc.hi[sel], mask=common)}
        for name, b in base.items():
            scores[name] = wait_score(obs, b, mask=common)
        best = min(("last_week", "mean_8_weeks", "last_year"), key=lambda n: scores[n].mae)
        lines += [
            f"**{lane} lanes**",
            "",
            *_table([(LABELS[k].replace("hour", "day"), v) for k, v in scores.items()]),
            "",
            f"MAE: model {_fmt(scores['model'].mae)} vs best baseline "
            f"{_fmt(scores[best].mae)} ({_gain(scores['model'].mae, scores[best].mae)} lower).",
            "",
        ]
        out[lane] = (times, obs, fc.delay_min[sel], fc.lo[sel], fc.hi[sel], base)
    return out


def charts(h: dict[str, object], d: dict[str, object]) -> list[str]:
    """Draw the two PNG charts; return the Markdown that shows them."""
    IMG.mkdir(parents=True, exist_ok=True)
    fc: WaitForecast = h["fc"]  # type: ignore[assignment]
    obs = h["obs"]
    base = h["base"]
    sel = (fc.times >= "2018-07-23") & (fc.times < "2018-08-13")
    fig, ax = plt.subplots(figsize=(10, 3.8))
    t = fc.times[sel]
    ax.fill_between(t, fc.lo[sel], fc.hi[sel], color="tab:blue", alpha=0.2, label="80% interval")
    ax.plot(t, obs[sel], color="black", lw=1, label="observed")
    ax.plot(t, fc.delay_min[sel], color="tab:blue", lw=1.2, label="model, one week ahead")
    ax.plot(
        t,
        base["mean_8_weeks"][sel],
        color="tab:orange",
        lw=1,
        ls="--",
        label="mean of previous 8 weeks",
    )
    ax.set_ylabel("average delay (min)")
    ax.set_title(
        "Peace Arch U.S.-bound cars, hourly delay, 2018-07-23 to 2018-08-12 (incl. B.C. Day)"
    )
    ax.legend(loc="upper left", fontsize=8, ncol=4)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(IMG / "waits-hourly-2018.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    for ax, lane in zip(axes, DAILY_LANES, strict=True):
        times, o, m, lo, hi, b = d[lane]  # type: ignore[misc]
        ax.fill_between(times, lo, hi, color="tab:green", alpha=0.2, label="80% interval")
        ax.plot(times, o, color="black", lw=1, label="observed")
        ax.plot(times, m, color="tab:green", lw=1.2, label="model, 7 days ahead")
        ax.plot(
            times,
            b["mean_8_weeks"],
            color="tab:orange",
            lw=1,
            ls="--",
            label="mean of same weekday, 8 weeks",
        )
        ax.set_ylabel(f"{lane} delay (min)")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", fontsize=8, ncol=4)
    axes[0].set_title("Peace Arch Canada-bound cars, daily average delay, 2019-01 to 2019-06")
    fig.tight_layout()
    fig.savefig(IMG / "waits-daily-2019.png", dpi=110)
    plt.close(fig)
    return [
        "![hourly forecast, summer 2018](img/waits-hourly-2018.png)",
        "",
        "![daily forecast, 2019 H1](img/waits-daily-2019.png)",
        "",
    ]


def main() -> int:
    """Run every fold and write the report."""
    hourly = shipped_waits("hourly")
    daily = shipped_waits("daily")
    lines = [
        "# Validation: week-ahead wait forecasts at Peace Arch",
        "",
        "Generated by `.venv/bin/python tools/validate_waits.py` (do not edit by hand). "
        "Each model is fitted only on the data before its holdout; forecasts and "
        "baselines use the same information (observations at or before h − lead). "
        "Coverage is the share of observed values inside the 80% interval "
        "(target 75–85%). Minutes of average delay throughout.",
        "",
        "## U.S.-bound (southbound), hourly, general car lanes",
        "",
    ]
    folds = {}
    for year in (2017, 2018):
        print(f"hourly fold {year} ...", file=sys.stderr, flush=True)
        folds[year] = hourly_fold(hourly, year, lines)
    lines += ["## Canada-bound (northbound), daily, general and NEXUS lanes", ""]
    print("daily fold ...", file=sys.stderr, flush=True)
    d = daily_fold(daily, lines)
    lines += ["## Charts", ""]
    lines += charts(folds[2018], d)
    DOC.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
