"""Forecast model on synthetic series: theory checks (seasonality, COVID hole, calendar)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from borderflow.demand import MonthlySeries, forecast_series
from borderflow.demand._forecast import _easter, calendar_regressors


def _mi(d: date) -> int:
    return d.year * 12 + d.month - 1


SEASON = np.array([0.8, 0.75, 0.9, 1.0, 1.1, 1.2, 1.35, 1.4, 1.1, 1.0, 0.85, 0.95])


def _series(level_pre: float, level_post: float, covid: float, end: date) -> MonthlySeries:
    """Exact multiplicative seasonality; a level shift across the closure."""
    start = date(2010, 1, 1)
    n = _mi(end) - _mi(start) + 1
    vals = np.empty(n)
    for k in range(n):
        i = _mi(start) + k
        if i < _mi(date(2020, 3, 1)):
            lv = level_pre
        elif i <= _mi(date(2021, 11, 1)):
            lv = covid
        else:
            lv = level_post
        vals[k] = lv * SEASON[i % 12]
    return MonthlySeries("9999", "Trucks", start, vals)


def test_exact_seasonality_is_reproduced_pre_covid() -> None:
    s = _series(10_000.0, 10_000.0, 10_000.0, date(2018, 12, 1))
    f = forecast_series(s, 12)
    got = np.array([p.value for p in f.points])
    # A noiseless series has no calendar effect to find: forecast = level x season.
    np.testing.assert_allclose(got, 10_000.0 * SEASON, rtol=0.01)
    assert [p.month for p in f.points] == [date(2019, m, 1) for m in range(1, 13)]


def test_covid_months_do_not_poison_the_post_covid_level() -> None:
    # Level 10 000 before, 500 during the closure, 7 000 after: the forecast must sit at
    # 7 000 x season (the post-closure level), not be dragged to 500 or back to 10 000.
    s = _series(10_000.0, 7_000.0, 500.0, date(2024, 2, 1))
    f = forecast_series(s, 12)
    got = np.array([p.value for p in f.points])
    months = [p.month for p in f.points]
    expected = np.array([7_000.0 * SEASON[(m.month - 1)] for m in months])
    np.testing.assert_allclose(got, expected, rtol=0.02)


def test_intervals_are_ordered_nonnegative_and_widen() -> None:
    rng = np.random.default_rng(7)
    s = _series(5_000.0, 4_000.0, 300.0, date(2024, 2, 1))
    noisy = MonthlySeries(
        s.port_code, s.measure, s.start, s.values * rng.lognormal(0, 0.08, len(s.values))
    )
    f = forecast_series(noisy, 24)
    for p in f.points:
        assert 0.0 <= p.lo95 <= p.lo80 <= p.value <= p.hi80 <= p.hi95
    width = [np.log(p.hi80 / p.lo80) for p in f.points]
    assert width[-1] >= width[0]  # log-scale width grows (or stays) with the horizon


def test_inactive_and_all_zero_series_forecast_zero() -> None:
    start = date(2015, 1, 1)
    n = _mi(date(2024, 2, 1)) - _mi(start) + 1
    zeros = MonthlySeries("9999", "Trains", start, np.zeros(n))
    stopped = np.full(n, np.nan)
    stopped[:60] = 100.0  # reported until 2019-12, then never again
    for s in (zeros, MonthlySeries("9999", "Buses", start, stopped)):
        f = forecast_series(s, 12)
        assert f.model == "zero"
        assert all(p.value == p.lo80 == p.hi95 == 0.0 for p in f.points)


def test_short_series_gets_a_finite_forecast() -> None:
    s = MonthlySeries("9999", "Buses", date(2023, 9, 1), np.array([40.0, 55, 38, 61, 47, 52]))
    f = forecast_series(s, 6)
    for p in f.points:
        assert np.isfinite(p.value) and 0 <= p.lo80 <= p.value <= p.hi80
        assert 10 < p.value < 200


def test_origin_truncates_history() -> None:
    # Data after the origin must not change the forecast (no peeking).
    s = _series(10_000.0, 7_000.0, 500.0, date(2024, 2, 1))
    o = date(2023, 2, 1)
    cut = MonthlySeries(s.port_code, s.measure, s.start, s.values[: _mi(o) - _mi(s.start) + 1])
    changed = s.values.copy()
    changed[_mi(o) - _mi(s.start) + 1 :] *= 3.0
    a = forecast_series(MonthlySeries(s.port_code, s.measure, s.start, changed), 12, origin=o)
    b = forecast_series(cut, 12)
    assert a == b


def test_bad_horizon_is_rejected() -> None:
    s = _series(1.0, 1.0, 1.0, date(2018, 12, 1))
    with pytest.raises(ValueError, match="horizon"):
        forecast_series(s, 0)
    with pytest.raises(ValueError, match="horizon"):
        forecast_series(s, 25)


def test_easter_dates() -> None:
    # Published Easter Sundays.
    assert _easter(2019) == date(2019, 4, 21)
    assert _easter(2016) == date(2016, 3, 27)
    assert _easter(2024) == date(2024, 3, 31)
    assert _easter(2025) == date(2025, 4, 20)


def test_calendar_regressors_count_days() -> None:
    # 2024-02: 29 days (leap), Thursdays x5 -> Mon-Thu 17, Fri 4, Sat 4.
    # Long-run means: February has 28.2425 days on the 400-year cycle.
    x = calendar_regressors(np.array([_mi(date(2024, 2, 1))]))[0]
    assert x[3] == pytest.approx(29 - 28.2425)
    # Deviations average to zero over the 400-year cycle for each calendar month.
    idx = np.arange(_mi(date(1800, 1, 1)), _mi(date(2200, 1, 1)))
    np.testing.assert_allclose(calendar_regressors(idx).mean(axis=0), 0.0, atol=1e-9)


def test_sparse_seasonal_series_repeats_last_open_year() -> None:
    # A summer-only service (May-Sep), zero the rest of the year: the log model does not
    # suit it; the forecast is last open year's same month, and the closure is skipped.
    start = date(2015, 1, 1)
    n = _mi(date(2021, 12, 1)) - _mi(start) + 1
    vals = np.zeros(n)
    for k in range(n):
        i = _mi(start) + k
        if 4 <= i % 12 <= 8:
            vals[k] = 1000.0 + 10 * (i // 12 - 2015)
    f = forecast_series(MonthlySeries("9999", "Train Passengers", start, vals), 12)
    assert f.model == "seasonal-naive"
    got = [p.value for p in f.points]
    # Summers 2020 and 2021 fall in the closure: 2022 repeats 2019.
    assert got == [1000.0 + 10 * 4 if 4 <= k <= 8 else 0.0 for k in range(12)]
    for p in f.points:
        assert 0 <= p.lo95 <= p.lo80 <= p.value <= p.hi80 <= p.hi95


def test_guard_caps_runaway_forecasts() -> None:
    from borderflow.demand._forecast import GUARD

    # A series that doubles every year: the trend would run away; the guard holds it.
    start = date(2012, 1, 1)
    n = _mi(date(2019, 12, 1)) - _mi(start) + 1
    vals = 100.0 * 2.0 ** (np.arange(n) / 12.0) * SEASON[np.arange(n) % 12]
    f = forecast_series(MonthlySeries("9999", "Trucks", start, vals), 24)
    cap = GUARD * vals[-36:].max()
    assert max(p.hi95 for p in f.points) <= cap + 1e-6


def test_steady_level_is_an_exponential_mean_and_month_weights_discount_storms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import borderflow.demand._forecast as impl
    from borderflow.demand._forecast import STEADY_DECAY, _steady_level

    # Level 0 on the log scale; January and February swing +-0.2 from year to year
    # (storms), the other months +-0.01.  The last two months (a January and a
    # February) are a storm at -0.2.  The steady level is the plain exponentially
    # weighted mean of the last 24 months; with month weights, which know those months
    # are noisy, it barely moves.
    last = _mi(date(2019, 2, 1))
    months = np.arange(last - 59, last + 1)
    sign = np.where((months // 12) % 2 == 0, 1.0, -1.0)
    x = np.where(months % 12 <= 1, 0.2, 0.01) * sign
    x[-2:] = -0.2
    age = np.arange(24)[::-1]
    plain = np.sum(STEADY_DECAY**age * x[-24:]) / np.sum(STEADY_DECAY**age)
    assert _steady_level(x, last) == pytest.approx(plain, abs=1e-12)
    monkeypatch.setattr(impl, "STEADY_MONTH_WEIGHTS", True)
    weighted = _steady_level(x, last)
    assert plain < -0.08
    assert abs(weighted) < 0.25 * abs(plain)


def test_level_history_is_calm_only_inside_one_regime() -> None:
    from borderflow.demand._forecast import _level_history

    def calm(origin: date) -> bool:
        idx = np.arange(_mi(date(2010, 1, 1)), _mi(origin) + 1)
        return _level_history(idx, np.zeros(len(idx)))[1]

    assert calm(date(2019, 6, 1))  # all before the closure
    assert not calm(date(2022, 6, 1))  # 2019 joined to the reopening months
    assert not calm(date(2023, 2, 1))  # post-closure only, but with the 2022 reopening
    assert not calm(date(2024, 2, 1))  # 16 months after 2022-10: too short a regime
    assert not calm(date(2024, 9, 1))  # 23 months
    assert calm(date(2024, 10, 1))  # 24 months after 2022-10: those only


def test_month_weighted_steady_level_moves_a_storm_forecast_toward_the_true_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import borderflow.demand._forecast as impl

    # A level that wanders (random walk, 2 %/month) x season; winter months (Dec-Feb)
    # carry 8 % weather noise, the rest 1 %; 2019-01 and 2019-02 (the last two) are a
    # storm at -20 %.  The expected level ahead is the level at the origin: the steady
    # level with month weights (an option, off by default) must bring the forecast
    # clearly closer to it than the ETS pair alone.
    rng = np.random.default_rng(1)
    start, end = date(2011, 1, 1), date(2019, 2, 1)
    n = _mi(end) - _mi(start) + 1
    i = _mi(start) + np.arange(n)
    level = np.cumsum(rng.normal(0.0, 0.02, n))
    noise = rng.normal(0.0, 1.0, n) * np.where(np.isin(i % 12, (0, 1, 11)), 0.08, 0.01)
    noise[-2:] = np.log(0.8)
    s = MonthlySeries("9999", "Trucks", start, 1e4 * SEASON[i % 12] * np.exp(level + noise))
    truth = 1e4 * np.exp(level[-1]) * SEASON[(_mi(end) + 1 + np.arange(12)) % 12]

    def bias() -> float:
        got = np.array([p.value for p in forecast_series(s, 12).points])
        return float(np.mean(np.log(got / truth)))

    monkeypatch.setattr(impl, "CALENDAR", False)  # the noise is not a calendar effect
    monkeypatch.setattr(impl, "STEADY_MONTH_WEIGHTS", True)
    with_steady = bias()
    monkeypatch.setattr(impl, "STEADY_LEVEL", False)
    without = bias()
    assert without < -0.1  # the ETS pair follows the storm (and reads it as a trend)
    assert without < with_steady < 0.0
    assert abs(with_steady) < 0.8 * abs(without)


def test_personal_vehicles_have_no_calendar_effects(monkeypatch: pytest.MonkeyPatch) -> None:
    import borderflow.demand._forecast as impl

    # An Easter effect of +10 % in a personal-vehicle series is left to the profile
    # (the model for that measure has no calendar regressors), so the forecast equals
    # the one with calendar effects switched off; for trucks it differs.
    start, end = date(2010, 1, 1), date(2018, 12, 1)
    i = _mi(start) + np.arange(_mi(end) - _mi(start) + 1)
    easter = np.array([_easter(k // 12).month == k % 12 + 1 for k in i])
    vals = 5_000.0 * SEASON[i % 12] * np.where(easter, 1.1, 1.0)
    pv = MonthlySeries("9999", "Personal Vehicles", start, vals)
    tr = MonthlySeries("9999", "Trucks", start, vals)
    a, b = forecast_series(pv, 12), forecast_series(tr, 12)
    monkeypatch.setattr(impl, "CALENDAR", False)
    assert forecast_series(pv, 12) == a
    assert forecast_series(tr, 12) != b


def test_one_misreported_month_does_not_bend_the_profile() -> None:
    # Exact seasonality 2012-2018, but 2016-02 was reported as 24 instead of ~7,500.
    # The profile drops each month's highest and lowest year, so the seasonal shape of
    # 2019 is the true one (a mean of the 5 years would put February
    # exp(log(24 / 7500) / 5) = 0.32 times too low relative to the other months).  The
    # level may move a little (the glitch is in its history): only the shape is checked.
    start, end = date(2012, 1, 1), date(2018, 12, 1)
    i = _mi(start) + np.arange(_mi(end) - _mi(start) + 1)
    vals = 10_000.0 * SEASON[i % 12]
    vals[_mi(date(2016, 2, 1)) - _mi(start)] = 24.0
    f = forecast_series(MonthlySeries("9999", "Personal Vehicles", start, vals), 12)
    ratio = np.array([p.value for p in f.points]) / (10_000.0 * SEASON)
    np.testing.assert_allclose(ratio / ratio.mean(), 1.0, rtol=0.01)


def test_detrending_option_removes_a_steady_trend_from_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import borderflow.demand._forecast as impl

    # A log level falling 12 % a year, steadily, times exact seasonality: each calendar
    # year's deviations from its mean carry +-5.5 % of trend (January high, December
    # low).  With PROFILE_DETREND (an ablation option) the profile is the true one for
    # the middle years; without it the January-December gap is off by the trend.
    start, end = date(2010, 1, 1), date(2018, 12, 1)
    i = _mi(start) + np.arange(_mi(end) - _mi(start) + 1)
    z = np.log(SEASON[i % 12]) - 0.12 * (i - i[0]) / 12.0
    truth = np.log(SEASON) - np.log(SEASON).mean()
    plain, _ = impl._seasonal_model(i, z, calendar=False)
    monkeypatch.setattr(impl, "PROFILE_DETREND", True)
    monkeypatch.setattr(impl, "PROFILE_TRIM", False)  # edge years keep a flat side
    detr, _ = impl._seasonal_model(i, z, calendar=False)
    assert (plain[0] - plain[11]) - (truth[0] - truth[11]) == pytest.approx(0.11, abs=0.01)
    assert np.abs(detr - truth).max() < 0.5 * np.abs(plain - truth).max()
