"""Holidays of both countries as features; baselines against independent computations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from borderflow.demand import WaitModel, WaitSeries, forecast_waits, wait_baselines
from borderflow.demand._waits import _design_rows
from borderflow.demand._waits_calendar import calendar_features


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(weekday - d.weekday()) % 7)
    return d + dt.timedelta(weeks=n - 1)


def _victoria_day(year: int) -> dt.date:
    # the last Monday before May 25
    d = dt.date(year, 5, 24)
    return d - dt.timedelta(days=d.weekday())


def _last_monday_of_may(year: int) -> dt.date:
    d = dt.date(year, 5, 31)
    return d - dt.timedelta(days=d.weekday())


@pytest.mark.parametrize("year", range(2013, 2027))
def test_holidays_of_both_countries_by_their_rules(year: int) -> None:
    ca = {
        _victoria_day(year),
        _nth_weekday(year, 8, 0, 1),  # British Columbia Day
        _nth_weekday(year, 10, 0, 2),  # Canadian Thanksgiving
        _nth_weekday(year, 9, 0, 1),  # Labour Day
    }
    us = {
        _last_monday_of_may(year),  # Memorial Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _nth_weekday(year, 9, 0, 1),  # Labor Day
    }
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    cal = calendar_features(days)
    ca_days = {d.date() for d in days[cal["ca_hol"].to_numpy() == 1]}
    us_days = {d.date() for d in days[cal["us_hol"].to_numpy() == 1]}
    assert ca <= ca_days
    assert us <= us_days
    # Victoria Day and B.C. Day are not U.S. holidays; Memorial Day is not Canadian
    assert _victoria_day(year) not in us_days
    assert _nth_weekday(year, 8, 0, 1) not in us_days
    assert _last_monday_of_may(year) not in ca_days
    # a Monday holiday makes a three-day weekend: Sat, Sun, Mon with 2, 1, 0 days left
    vd = pd.Timestamp(_victoria_day(year))
    sat = cal.loc[vd - pd.Timedelta(days=2)]
    assert (sat["ca_off_run"], sat["ca_off_pos"], sat["ca_off_left"]) == (3, 1, 2)
    assert cal.loc[vd, "ca_off_left"] == 0


def test_the_model_reads_both_countries_holidays(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    names = small_hourly_model.feature_names
    for col in ("ca_hol", "us_hol", "ca_hol_offset", "us_hol_offset", "ca_off_run"):
        assert col in names
    # blanking one country's holiday columns changes the forecasts around its holidays
    times = pd.date_range("2016-01-01", "2016-12-31 23:00", freq="h")
    pos = np.asarray((times - pd.Timestamp(hourly_shipped.start)) // pd.Timedelta(hours=1))
    X = _design_rows(hourly_shipped, times, pos - 168, "general")
    base = small_hourly_model.predict(X)[0]
    for prefix in ("ca_", "us_"):
        near = X[:, names.index(f"{prefix}hol_kind")] > 0
        assert near.sum() > 24 * 30  # holidays of that country and the days around them
        Xb = X.copy()
        for j, n in enumerate(names):
            if n.startswith(prefix):
                Xb[:, j] = 0.0
        Xb[:, names.index(f"{prefix}off_run")] = np.where(X[:, names.index("dow")] >= 5, 2, 0)
        changed = ~np.isclose(small_hourly_model.predict(Xb)[0], base)
        assert changed[near].mean() > 0.05


def test_baselines_match_a_direct_computation(hourly_shipped: WaitSeries) -> None:
    y = hourly_shipped.values["general"]
    start = pd.Timestamp(hourly_shipped.start)
    times = pd.date_range("2017-03-01", "2017-03-31 23:00", freq="h")
    b = wait_baselines(times, y, start, "hourly", 168)
    s = pd.Series(y, index=hourly_shipped.times())
    for k in range(0, len(times), 37):
        t = times[k]
        prev = [s.get(t - pd.Timedelta(weeks=w)) for w in range(1, 9)]
        lw = next((v for v in prev if not np.isnan(v)), np.nan)
        assert b["last_week"][k] == pytest.approx(lw, nan_ok=True)
        assert b["mean_8_weeks"][k] == pytest.approx(np.nanmean(prev))
        ly = s[(s.index.year == t.year - 1) & (s.index.month == t.month)]
        ly = ly[(ly.index.day_of_week == t.day_of_week) & (ly.index.hour == t.hour)]
        assert b["last_year"][k] == pytest.approx(ly.mean())


def test_baselines_never_read_past_h_minus_lead(hourly_shipped: WaitSeries) -> None:
    y = hourly_shipped.values["general"].copy()
    start = pd.Timestamp(hourly_shipped.start)
    times = pd.date_range("2017-03-01", "2017-03-07 23:00", freq="h")
    ref = wait_baselines(times, y, start, "hourly", 24 * 40)
    cut = int((times[0] - start) / pd.Timedelta(hours=1)) - 24 * 40
    y[cut + 1 :] = 500.0
    got = wait_baselines(times, y, start, "hourly", 24 * 40)
    # only the first forecast hour's information ends at `cut`: every value is unchanged
    for name in ref:
        np.testing.assert_array_equal(got[name][:1], ref[name][:1])


def test_daily_forecast_has_both_lanes_every_day(
    small_daily_model: WaitModel,
) -> None:
    fc = forecast_waits(small_daily_model, dt.date(2019, 5, 13), dt.date(2019, 5, 20), lead=7)
    assert len(fc.times) == 16
    assert set(fc.lane) == {"general", "nexus"}
