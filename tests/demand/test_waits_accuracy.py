"""The week-ahead model beats its three baselines on fixed chronological splits."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from borderflow.demand import (
    WaitForecast,
    WaitModel,
    WaitScore,
    WaitSeries,
    fit_wait_model,
    forecast_waits,
    wait_baselines,
    wait_score,
)


def _scores(fc: WaitForecast, shipped: WaitSeries, lane: str, lead: int) -> dict[str, WaitScore]:
    sel = np.array([ln == lane for ln in fc.lane])
    times = fc.times[sel]
    y = shipped.values[lane]
    start = pd.Timestamp(shipped.start)
    pos = np.asarray((times - start) // pd.Timedelta(shipped.step))
    obs = y[pos]
    base = wait_baselines(times, y, start, shipped.resolution, lead)
    common = np.isfinite(obs) & np.all([np.isfinite(b) for b in base.values()], axis=0)
    out: dict[str, WaitScore] = {
        "model": wait_score(obs, fc.delay_min[sel], fc.lo[sel], fc.hi[sel], mask=common)
    }
    out.update({k: wait_score(obs, b, mask=common) for k, b in base.items()})
    return out


def test_small_model_beats_every_baseline_on_2017_h1(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    fc = forecast_waits(
        small_hourly_model, dt.date(2017, 1, 1), dt.date(2017, 6, 30), history=hourly_shipped
    )
    s = _scores(fc, hourly_shipped, "general", 168)
    assert s["model"].n > 4000
    best = min(s[k].mae for k in ("last_week", "mean_8_weeks", "last_year"))
    assert s["model"].mae < 0.95 * best


@pytest.mark.slow
def test_shipped_settings_meet_the_goals_on_the_2018_holdout(hourly_shipped: WaitSeries) -> None:
    """Fitted on 2013-2017 with the shipped settings (about a minute of fitting)."""
    model = fit_wait_model(hourly_shipped.until(dt.datetime(2017, 12, 31, 23)))
    fc = forecast_waits(
        model, dt.date(2018, 1, 1), dt.date(2018, 12, 31), lead=168, history=hourly_shipped
    )
    s = _scores(fc, hourly_shipped, "general", 168)
    names = ("last_week", "mean_8_weeks", "last_year")
    best = min(s[k].mae for k in names)
    best_above = min(s[k].mae_above for k in names)
    assert s["model"].mae <= 0.85 * best
    assert s["model"].mae_above < best_above
    assert 0.75 <= s["model"].coverage <= 0.85


def test_daily_lanes_beat_their_baselines_on_2019_h1(daily_shipped: WaitSeries) -> None:
    """Settings chosen before 2019 (docs/waits.md); 2019-H1 scored as it came."""
    model = fit_wait_model(daily_shipped.until(dt.datetime(2018, 12, 31)))
    fc = forecast_waits(
        model, dt.date(2019, 1, 1), dt.date(2019, 6, 30), lead=7, history=daily_shipped
    )
    names = ("last_week", "mean_8_weeks", "last_year")
    for lane in ("general", "nexus"):
        s = _scores(fc, daily_shipped, lane, 7)
        best = min(s[k].mae for k in names)
        assert s["model"].n > 150
        assert s["model"].mae < best
        # the conformal interval from the model's own past errors: 75-85% inside
        assert 0.75 <= s["model"].coverage <= 0.85
    g = _scores(fc, daily_shipped, "general", 7)
    # general lanes: at least 5% below the best baseline (9.5% measured), and lower on
    # the days above 10 minutes too
    assert g["model"].mae <= 0.95 * min(g[k].mae for k in names)
    assert g["model"].n_above > 40
    assert g["model"].mae_above < min(g[k].mae_above for k in names)
