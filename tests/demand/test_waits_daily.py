"""The daily Canada-bound model: special days, online estimation, level, intervals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from borderflow.demand import WaitModel, WaitSeries, forecast_waits
from borderflow.demand._waits_daily import (
    SPECIAL_DAYS,
    DailyParams,
    _effect_table,
    daily_forecast,
    special_days,
)


def _cats(days: list[str]) -> dict[str, set[str]]:
    times = pd.DatetimeIndex(days)
    m = special_days(times)
    return {d: {SPECIAL_DAYS[j] for j in np.flatnonzero(m[i])} for i, d in enumerate(days)}


def test_long_weekends_of_both_countries_around_memorial_and_victoria_day_2019() -> None:
    # Victoria Day: Monday 20 May 2019 (Canada); Memorial Day: Monday 27 May 2019 (U.S.)
    victoria = ["2019-05-17", "2019-05-18", "2019-05-20", "2019-05-21"]
    memorial = ["2019-05-24", "2019-05-25", "2019-05-26", "2019-05-27", "2019-05-28"]
    got = _cats(victoria + memorial)
    assert got["2019-05-17"] == {"ca_lw_before"}
    assert got["2019-05-18"] == {"ca_lw_first"}
    assert got["2019-05-20"] == {"ca_lw_last"}
    assert got["2019-05-21"] == {"ca_lw_after"}
    assert got["2019-05-24"] == {"us_lw_before"}
    assert got["2019-05-25"] == {"us_lw_first"}
    assert got["2019-05-26"] == {"us_lw_mid"}
    assert got["2019-05-27"] == {"us_lw_last"}
    assert got["2019-05-28"] == {"us_lw_after"}


def test_year_end_and_bc_spring_break_dates() -> None:
    days = pd.date_range("2017-12-20", "2020-04-05", freq="D")
    m = special_days(days)
    year_end = days[m[:, SPECIAL_DAYS.index("year_end")] > 0]
    assert all((d.month, d.day) >= (12, 24) or (d.month, d.day) == (1, 1) for d in year_end)
    assert len(year_end) == 3 * 9  # 24-31 Dec of 2017-2019, 1 Jan 2018-2020
    sb = days[m[:, SPECIAL_DAYS.index("bc_spring_break")] > 0]
    # school spring break 19-30 Mar 2018, 18-29 Mar 2019, 16-27 Mar 2020, with weekends
    for first, last in (("2018-03-17", "2018-04-01"), ("2019-03-16", "2019-03-31")):
        want = pd.date_range(first, last, freq="D")
        assert set(want) <= set(sb)
    assert set(pd.date_range("2020-03-14", "2020-03-29", freq="D")) <= set(sb)
    assert len(sb) == 3 * 16


def test_effect_table_is_a_shrunk_running_median_of_past_days_only() -> None:
    r = np.array([np.nan, 1.0, 0.0, 3.0, np.nan, 2.0, 5.0, 0.5])
    cats = np.array([[0], [1], [0], [1], [1], [1], [0], [1]], dtype=np.float64)
    k = 2.0
    table = _effect_table(r, cats, k)
    for c in range(len(r)):
        seen = [r[t] for t in range(c + 1) if cats[t, 0] and np.isfinite(r[t])]
        want = np.median(seen) * len(seen) / (len(seen) + k) if seen else 0.0
        assert table[c, 0] == pytest.approx(want)


def _daily(values: np.ndarray, start: str = "2018-01-01") -> tuple[np.ndarray, dt.datetime]:
    return np.asarray(values, dtype=np.float64), pd.Timestamp(start).to_pydatetime()


def test_a_steady_weekly_pattern_is_forecast_exactly_with_a_closed_interval() -> None:
    pattern = np.array([3.0, 2.0, 2.5, 4.0, 9.0, 12.0, 8.0])  # Monday first
    n = 7 * 40
    y, start = _daily(np.tile(pattern, 40))  # 2018-01-01 is a Monday
    targets = np.arange(7 * 20, n + 14)
    mid, lo, hi, age = daily_forecast(y, start, targets, targets - 7, DailyParams())
    want = pattern[targets % 7]
    # no residual anywhere: the special days learn nothing and the errors are all 0
    np.testing.assert_allclose(mid, want, atol=1e-9)
    np.testing.assert_allclose(lo, want, atol=1e-9)
    np.testing.assert_allclose(hi, want, atol=1e-9)
    np.testing.assert_array_equal(age[targets < n], 7)
    # past the data: the newest observation is the last one (age at least the lead)
    np.testing.assert_array_equal(age[targets >= n], np.maximum(7, targets[targets >= n] - (n - 1)))


def test_full_level_weight_follows_a_step_in_four_weeks_the_8_week_mean_does_not() -> None:
    pattern = np.array([3.0, 2.0, 2.5, 4.0, 9.0, 12.0, 8.0])
    offset = dict(DailyParams().offsets)["general"]
    weeks = 30
    y = np.tile(pattern, weeks)
    step = 7 * 20  # from week 20 on, delay + offset doubles (log level + log 2)
    y[step:] = 2 * (y[step:] + offset) - offset
    arr, start = _daily(y)
    params = replace(DailyParams(), level_weight=1.0)
    # cutoffs at the end of whole weeks >= 4 weeks after the step: every weekday has as
    # many post-step values in its last 8, so 8-week weekday mean - mean of them is the
    # pure weekday effect and the 28-day mean the new level; leads 7..13 give every day
    for lead in range(7, 14):
        c = step - 1 + 7 * np.arange(4, 9)
        t = c + lead
        mid, _, _, _ = daily_forecast(arr, start, t, c, params)
        # special days may carry effects learnt from the step: ordinary days only
        grid = pd.date_range(start, periods=len(y) + 14, freq="D")
        ordinary = special_days(grid)[t].sum(axis=1) == 0
        assert ordinary.sum() >= 3
        np.testing.assert_allclose(mid[ordinary], y[t][ordinary], rtol=1e-9)
        m8 = np.mean([y[t - 7 * k] for k in range(1, 9)], axis=0)
        assert np.all(np.abs(m8 - y[t])[:3] > 0.5)  # the 8-week mean still lags


def test_after_a_long_gap_a_few_new_days_give_the_level_not_their_weekdays() -> None:
    # 20 weeks of a weekly pattern, 60 days without data, then the same pattern at a
    # doubled level (log + log 2). With 1..6 new days (a history file starting after a
    # gap), the 28-day level nets out the weekday effects of the days it holds. What
    # is left: each weekday's 8-week mean holds at most one new value, which pulls the
    # estimate back by log 2 / 8; a raw mean of the new days would instead err by
    # their weekday effects (0.39 for one new day here, 0.47 for two).
    pattern = np.array([3.0, 2.0, 2.5, 4.0, 9.0, 12.0, 8.0])
    offset = dict(DailyParams().offsets)["general"]
    old, gap = 7 * 20, 60
    n = old + gap + 7 * 6
    y = np.tile(pattern, n // 7 + 1)[:n].copy()
    y[old : old + gap] = np.nan
    new = old + gap
    y[new:] = 2 * (y[new:] + offset) - offset
    arr, start = _daily(y)
    params = replace(DailyParams(), level_weight=1.0)
    grid = pd.date_range(start, periods=n + 14, freq="D")
    for k in range(1, 7):
        c = np.full(7, new + k - 1)  # the first k new days are known
        t = c + 7 + np.arange(7)  # every weekday
        mid, _, _, _ = daily_forecast(arr, start, t, c, params)
        ordinary = special_days(grid)[t].sum(axis=1) == 0
        err = np.abs(np.log(mid + offset) - np.log(y[t] + offset))[ordinary]
        assert err.max() <= np.log(2) / 8 + 1e-9


def test_a_holiday_seen_twice_gets_its_own_effect_shrunk_by_two_pseudo_days() -> None:
    # a steady weekly pattern 2018-2020 whose only departure is Memorial Day weekend's
    # Saturday (log + 1 each year). Its residual is exactly 1 (no spike within the 8
    # weeks before); the other U.S. long-weekend Saturdays have residual 0, so the
    # category's median is 0 and the holiday's own effect is 1 * n / (n + 2).
    pattern = np.log(np.array([3.0, 2.0, 2.5, 4.0, 9.0, 12.0, 8.0]) + 5.0)
    days = pd.date_range("2018-01-01", "2020-12-31", freq="D")  # starts on a Monday
    z = pattern[np.arange(len(days)) % 7]
    memorial_sat = [pd.Timestamp(d) for d in ("2018-05-26", "2019-05-25", "2020-05-23")]
    spike = np.isin(days, memorial_sat)
    y = np.exp(z + spike) - 5.0
    arr, start = _daily(y)
    pos = np.flatnonzero(spike)
    want_log = {1: 0.0, 2: 2 / (2 + 2)}  # occurrences seen before -> effect (kind_min 2)
    mid, _, _, _ = daily_forecast(arr, start, pos[1:], pos[1:] - 7, DailyParams())
    got = np.log(mid + 5.0) - z[pos[1:]]
    np.testing.assert_allclose(got, [want_log[1], want_log[2]], atol=1e-9)
    # from the first occurrence (kind_min 1): 1 * 1 / (1 + 2) in 2019
    first = replace(DailyParams(), kind_min=1)
    mid1, _, _, _ = daily_forecast(arr, start, pos[1:2], pos[1:2] - 7, first)
    assert np.log(mid1[0] + 5.0) - z[pos[1]] == pytest.approx(1 / 3, abs=1e-9)


def test_a_day_without_any_earlier_observation_is_an_error(daily_shipped: WaitSeries) -> None:
    from borderflow.demand import fit_wait_model

    model = fit_wait_model(daily_shipped)
    with pytest.raises(ValueError, match=r"2018-01-05 needs an observation at or before"):
        forecast_waits(model, dt.date(2018, 1, 5), dt.date(2018, 1, 9), lead=7)


def test_intervals_widen_with_the_age_of_the_information() -> None:
    # a random-walk level (log scale) times a weekly pattern: the error of a forecast
    # grows like the square root of its information age, so must its interval
    rng = np.random.default_rng(3)
    n = 7 * 60
    total = n + 120
    level = np.cumsum(rng.normal(0.0, 0.05, total))
    pattern = np.log(np.array([3.0, 2.0, 2.5, 4.0, 9.0, 12.0, 8.0]) + 5.0)
    y = np.exp(level + pattern[np.arange(total) % 7]) - 5.0
    arr, start = _daily(y)
    targets = np.arange(n, total)
    fresh = daily_forecast(arr, start, targets, targets - 7, DailyParams())
    # the same days, information ending at day n - 1 (ages 1..120)
    stale = daily_forecast(arr[:n], start, targets, targets - 7, DailyParams())
    assert np.all(fresh[3] == 7)
    old = stale[3] >= 91

    def log_width(fc: tuple[np.ndarray, ...]) -> np.ndarray:
        return np.log(fc[2][old] + 5.0) - np.log(fc[1][old] + 5.0)

    # the walk alone adds a variance of (91 - 7) * 0.05**2 = 0.21 (sd 0.46) to the
    # week-ahead errors (10-90% width about 0.5, sd about 0.2): the width must grow
    assert np.median(log_width(stale)) > 1.5 * np.median(log_width(fresh))


@pytest.mark.parametrize("lead", [7, 30])
def test_daily_truncation_invariance_with_a_gap(
    small_daily_model: WaitModel, daily_shipped: WaitSeries, lead: int
) -> None:
    hist = daily_shipped.since(dt.datetime(2019, 1, 1))
    holed = {k: v.copy() for k, v in hist.values.items()}
    for v in holed.values():
        v[40:52] = np.nan  # 12 missing days in February
    full = WaitSeries("daily", hist.start, holed)
    first, last = dt.date(2019, 2, 1), dt.date(2019, 5, 31)
    ref = forecast_waits(small_daily_model, first, last, lead=lead, history=full)
    for k in range(0, len(ref.times), 11):
        h = ref.times[k].to_pydatetime()
        cut = full.until(h - dt.timedelta(days=lead))
        got = forecast_waits(small_daily_model, first, last, lead=lead, history=cut)
        assert (got.delay_min[k], got.lo[k], got.hi[k]) == (ref.delay_min[k], ref.lo[k], ref.hi[k])
        # the day after the cut sees less (its forecast may differ), so the cut is real
        assert len(cut) < len(full)
