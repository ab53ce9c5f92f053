"""The recent-level rule of the hourly wait forecast: a closure is followed within days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from borderflow.demand import WaitModel, WaitSeries, forecast_waits
from borderflow.demand._waits import (
    CLOSURE_RATIO,
    LEVEL_ALPHA,
    LEVEL_MAX_AGE_H,
    _design_rows,
    _level_scales,
    _positions,
)
from borderflow.demand._waits_features import recent_ratio

CLOSED = dt.datetime(2017, 3, 21)


def _closed_history(shipped: WaitSeries) -> WaitSeries:
    """2017 as observed until 21 March, then every hour 0 (the border closed)."""
    hist = shipped.until(dt.datetime(2017, 6, 30, 23)).since(dt.datetime(2017, 1, 1))
    y = hist.values["general"].copy()
    y[int((CLOSED - hist.start) / hist.step) :] = 0.0
    return WaitSeries("hourly", hist.start, {"general": y})


def _trees_alone(
    model: WaitModel, shipped: WaitSeries, hist: WaitSeries, times: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """The boosted trees' own forecasts (no level rule) at lead 168, and the observations."""
    series = shipped.until(dt.datetime(2016, 12, 31, 23)).extended(hist)
    pos = _positions(series, times)
    raw = model.predict(_design_rows(series, times, pos - 168, "general"))[0]
    return raw, series.values["general"][pos]


def test_recent_ratio_matches_a_direct_sum() -> None:
    rng = np.random.default_rng(3)
    y = rng.gamma(2.0, 3.0, 400)
    y[rng.choice(400, 40, replace=False)] = np.nan
    f = rng.gamma(2.0, 3.0, 400)
    cut = np.array([-1, 5, 150, 399, 450])
    got = recent_ratio(y, f, cut, 168, 24.0)
    assert np.isnan(got[0])
    for k, c in enumerate(cut[1:], start=1):
        e = max(i for i in range(min(c, 399) + 1) if np.isfinite(y[i]))
        w = [i for i in range(max(e - 167, 0), e + 1) if np.isfinite(y[i])]
        assert got[k] == pytest.approx((y[w].sum() + 24.0) / (f[w].sum() + 24.0), rel=1e-12)


@pytest.mark.timeout(300)
def test_no_week_of_2017_2018_reads_as_a_closure(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    series = hourly_shipped
    times = pd.date_range("2017-01-08", "2018-12-31 23:00", freq="h")
    cut = _positions(series, times) - 168
    age = np.full(len(cut), 168.0)
    point, band = _level_scales(small_hourly_model, series, cut, 168, "general", age)
    assert (band == 1.0).all()
    # the point forecast moves with the recent level, by at most ratio ** LEVEL_ALPHA
    assert (point > CLOSURE_RATIO**LEVEL_ALPHA).all() and (point < 2.0).all()
    # information older than LEVEL_MAX_AGE_H: no level factor
    stale = _level_scales(
        small_hourly_model, series, cut, 168, "general", np.full(len(cut), LEVEL_MAX_AGE_H + 1.0)
    )[0]
    assert (stale == 1.0).all()


def test_the_level_factor_moves_a_biased_forecast_toward_the_observations(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    # 2017 with every delay halved: the trees, fitted on 2015-2016, keep part of the old
    # level; scaling by the observed/forecast ratio of the newest week brings them closer.
    hist = hourly_shipped.until(dt.datetime(2017, 12, 31, 23)).since(dt.datetime(2017, 1, 1))
    half = WaitSeries("hourly", hist.start, {"general": hist.values["general"] * 0.5})
    first, last = dt.date(2017, 3, 1), dt.date(2017, 10, 31)
    fc = forecast_waits(small_hourly_model, first, last, history=half)
    raw, obs = _trees_alone(small_hourly_model, hourly_shipped, half, fc.times)
    ok = np.isfinite(obs)
    assert np.mean(raw[ok]) > np.mean(obs[ok])  # the trees alone are biased high
    assert np.mean(np.abs(fc.delay_min[ok] - obs[ok])) < np.mean(np.abs(raw[ok] - obs[ok]))


@pytest.mark.timeout(300)
def test_after_a_closure_the_forecast_falls_within_two_weeks(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    hist = _closed_history(hourly_shipped)
    first, last = dt.date(2017, 4, 5), dt.date(2017, 4, 30)
    fc = forecast_waits(small_hourly_model, first, last, history=hist)
    # the trees alone, on the same design rows, keep forecasting ordinary delays
    raw, _ = _trees_alone(small_hourly_model, hourly_shipped, hist, fc.times)
    assert raw.mean() > 1.0
    assert fc.delay_min.mean() < CLOSURE_RATIO * raw.mean()
    assert fc.delay_min.mean() < 0.3  # minutes; every observed hour is 0
    assert (fc.lo <= fc.delay_min).all() and (fc.delay_min <= fc.hi).all()


@pytest.mark.timeout(300)
def test_forecasts_made_before_the_closure_was_seen_are_unchanged(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    hist = _closed_history(hourly_shipped)
    open_hist = hourly_shipped.until(dt.datetime(2017, 6, 30, 23)).since(dt.datetime(2017, 1, 1))
    day = dt.date(2017, 3, 27)  # cutoffs up to 20 March 23:00: before the closure
    a = forecast_waits(small_hourly_model, day, day, history=hist)
    b = forecast_waits(small_hourly_model, day, day, history=open_hist)
    assert np.array_equal(a.delay_min, b.delay_min)


@pytest.mark.timeout(300)
def test_truncation_invariance_holds_through_a_closure(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    full = _closed_history(hourly_shipped)
    first, last = dt.date(2017, 3, 25), dt.date(2017, 4, 10)
    ref = forecast_waits(small_hourly_model, first, last, history=full)
    for k in np.random.default_rng(11).choice(len(ref.times), size=8, replace=False):
        cut = ref.times[k].to_pydatetime() - dt.timedelta(hours=168)
        got = forecast_waits(small_hourly_model, first, last, history=full.until(cut))
        assert (got.delay_min[k], got.lo[k], got.hi[k]) == (ref.delay_min[k], ref.lo[k], ref.hi[k])
