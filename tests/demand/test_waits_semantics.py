"""Backtest semantics: the forecast for h reads only data at or before h - lead."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from borderflow.demand import WaitModel, WaitSeries, forecast_waits


def _history(shipped: WaitSeries, first: dt.datetime, last: dt.datetime) -> WaitSeries:
    return shipped.until(last).since(first)


@pytest.mark.parametrize("lead", [168, 200, 24 * 30])
def test_truncating_history_after_h_minus_lead_changes_nothing(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries, lead: int
) -> None:
    full = _history(hourly_shipped, dt.datetime(2017, 1, 1), dt.datetime(2017, 12, 31, 23))
    first, last = dt.date(2017, 3, 6), dt.date(2017, 3, 19)
    ref = forecast_waits(small_hourly_model, first, last, lead=lead, history=full)
    rng = np.random.default_rng(7)
    for k in rng.choice(len(ref.times), size=12, replace=False):
        h = ref.times[k].to_pydatetime()
        cut = h - dt.timedelta(hours=lead)
        trunc = full.until(cut)
        got = forecast_waits(small_hourly_model, first, last, lead=lead, history=trunc)
        assert got.delay_min[k] == ref.delay_min[k]
        assert got.lo[k] == ref.lo[k]
        assert got.hi[k] == ref.hi[k]
        # the hours whose information ends later do see the cut (history is really used)
        later = ref.times > pd.Timestamp(cut + dt.timedelta(hours=lead + 168))
        if later.any():
            assert not np.array_equal(got.delay_min[later], ref.delay_min[later])


def test_history_value_at_h_minus_lead_is_used_and_later_ones_are_not(
    small_hourly_model: WaitModel, hourly_shipped: WaitSeries
) -> None:
    full = _history(hourly_shipped, dt.datetime(2017, 1, 1), dt.datetime(2017, 6, 30, 23))
    day = dt.date(2017, 5, 10)
    h = dt.datetime(2017, 5, 10, 15)
    k = 15
    ref = forecast_waits(small_hourly_model, day, day, history=full)
    changed = {lane: v.copy() for lane, v in full.values.items()}
    i_after = int((h - dt.timedelta(hours=167) - full.start) / full.step)
    changed["general"][i_after:] = 90.0  # everything after h - lead: wild values
    other = WaitSeries("hourly", full.start, changed)
    assert (
        forecast_waits(small_hourly_model, day, day, history=other).delay_min[k]
        == (ref.delay_min[k])
    )
    changed["general"][i_after - 1 - 24 * 7 * 4 : i_after] = 90.0  # up to h - lead
    other = WaitSeries("hourly", full.start, changed)
    assert (
        forecast_waits(small_hourly_model, day, day, history=other).delay_min[k]
        != (ref.delay_min[k])
    )


def test_daily_truncation_invariance(
    small_daily_model: WaitModel, daily_shipped: WaitSeries
) -> None:
    full = daily_shipped.since(dt.datetime(2019, 1, 1))
    first, last = dt.date(2019, 3, 1), dt.date(2019, 4, 30)
    ref = forecast_waits(small_daily_model, first, last, lead=7, history=full)
    for k in range(0, len(ref.times), 9):
        h = ref.times[k].to_pydatetime()
        got = forecast_waits(
            small_daily_model, first, last, lead=7, history=full.until(h - dt.timedelta(days=7))
        )
        assert (got.delay_min[k], got.lo[k], got.hi[k]) == (ref.delay_min[k], ref.lo[k], ref.hi[k])


def test_every_local_hour_of_the_range_24_per_day_including_dst_days(
    small_hourly_model: WaitModel,
) -> None:
    fc = forecast_waits(small_hourly_model, dt.date(2019, 3, 9), dt.date(2019, 3, 11))
    assert len(fc.times) == 72
    assert list(fc.times.hour) == list(range(24)) * 3
    fc = forecast_waits(small_hourly_model, dt.date(2019, 11, 3), dt.date(2019, 11, 3))
    assert len(fc.times) == 24
    assert np.all(fc.lo <= fc.delay_min)
    assert np.all(fc.delay_min <= fc.hi)
    assert np.all(fc.lo >= 0)


def test_forecast_says_how_old_its_information_is(small_hourly_model: WaitModel) -> None:
    # no history: the model's data ends 2016-12-31 23:00
    fc = forecast_waits(small_hourly_model, dt.date(2017, 7, 1), dt.date(2017, 7, 1))
    assert fc.newest_used == dt.datetime(2016, 12, 31, 23)
    expected = (pd.Timestamp("2017-07-01") - pd.Timestamp("2016-12-31 23:00")) / pd.Timedelta(
        hours=1
    )
    assert fc.info_age[0] == expected


def test_fit_is_deterministic_and_survives_the_cache_round_trip(
    small_daily_model: WaitModel, daily_shipped: WaitSeries
) -> None:
    import pickle

    from borderflow.demand import WaitModelParams, fit_wait_model

    again = fit_wait_model(daily_shipped.until(dt.datetime(2018, 12, 31)))
    assert again.fingerprint == small_daily_model.fingerprint
    restored = pickle.loads(pickle.dumps(again))
    first, last = dt.date(2019, 1, 1), dt.date(2019, 3, 31)
    ref = forecast_waits(small_daily_model, first, last, history=daily_shipped)
    for model in (again, restored):
        fc = forecast_waits(model, first, last, history=daily_shipped)
        np.testing.assert_array_equal(fc.delay_min, ref.delay_min)
        np.testing.assert_array_equal(fc.lo, ref.lo)
        np.testing.assert_array_equal(fc.hi, ref.hi)
    # the daily model has no boosting settings: passing some is an error, not ignored
    with pytest.raises(ValueError, match="hourly model"):
        fit_wait_model(daily_shipped, params=WaitModelParams(max_iter=25))
