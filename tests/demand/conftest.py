"""Small wait models fitted once per session (seconds, not the full shipped fit)."""

from __future__ import annotations

import datetime as dt

import pytest

from borderflow.demand import WaitModel, WaitModelParams, WaitSeries, fit_wait_model, shipped_waits

SMALL = WaitModelParams(max_iter=25, max_leaf_nodes=15, min_samples_leaf=50, learning_rate=0.2)


@pytest.fixture(scope="session")
def hourly_shipped() -> WaitSeries:
    return shipped_waits("hourly")


@pytest.fixture(scope="session")
def daily_shipped() -> WaitSeries:
    return shipped_waits("daily")


@pytest.fixture(scope="session")
def small_hourly_model(hourly_shipped: WaitSeries) -> WaitModel:
    """Fitted on 2015-2016 only (2017-2018 serve as "newer" history)."""
    train = hourly_shipped.until(dt.datetime(2016, 12, 31, 23))
    train = train.since(dt.datetime(2015, 1, 1))
    return fit_wait_model(train, params=SMALL, extra_ages=1)


@pytest.fixture(scope="session")
def small_daily_model(daily_shipped: WaitSeries) -> WaitModel:
    """The daily model is not fitted (estimated at forecast time): the shipped settings."""
    return fit_wait_model(daily_shipped.until(dt.datetime(2018, 12, 31)))
