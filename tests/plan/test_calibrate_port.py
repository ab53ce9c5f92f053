"""Peace Arch calibration on the shipped delays: like with like, and honest scores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from borderflow import shipped_data_dir
from borderflow.data import connect_readonly
from borderflow.demand import hourly_demand
from borderflow.plan import calibrate_southbound, calibrated_scenario
from borderflow.plan._calibrate_port import _previous_year, day_type_of, southbound_days

DELAYS = (
    shipped_data_dir()
    / "cascade_gateway/peace_arch_southbound_cars_hourly_delay_2013-01_2018-12.csv.gz"
)


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def test_days_pair_general_lane_arrivals_with_the_measured_hours(con: Any) -> None:
    days, used = southbound_days(con, date(2016, 3, 7), date(2016, 3, 20))
    assert date(2016, 3, 13) not in used  # DST change day: 23 local hours, left out
    raw = pd.read_csv(DELAYS, parse_dates=["hour_start"])
    for i, d in enumerate(used):
        want = raw[raw["hour_start"].dt.date == d].sort_values("hour_start")["delay_min"]
        np.testing.assert_array_equal(days.observed_delay_min[i], want.to_numpy())
        demand = hourly_demand(con, "3005", d)
        general = sum(
            r.vehicles
            for r in demand.rows
            if r.lane_type == "general" and r.measure == "Personal Vehicles"
        )
        assert days.arrivals_per_h[i].sum() == general > 0
        assert days.day_type[i] == day_type_of(d)


@pytest.fixture(scope="module")
def small(warehouse_path: Path) -> Any:
    c = connect_readonly(warehouse_path)
    try:
        cal = calibrate_southbound(
            c,
            train=(date(2016, 1, 1), date(2016, 12, 31)),
            validate=(date(2017, 1, 1), date(2017, 6, 30)),
            per_type=5,
            service_grid=(1.0, 1.25),
        )
        gen = calibrated_scenario(c, cal, date(2017, 7, 14))
    finally:
        c.close()
    return cal, gen


def test_previous_year_baseline_matches_an_independent_computation(con: Any, small: Any) -> None:
    cal, _ = small
    raw = pd.read_csv(DELAYS, parse_dates=["hour_start"])
    t = raw["hour_start"]
    days = [date(2017, 3, 3), date(2018, 7, 14)]
    got = _previous_year(con, days)
    for i, d in enumerate(days):
        prev = raw[(t.dt.year == d.year - 1) & (t.dt.month == d.month)]
        prev = prev[prev["hour_start"].dt.day_of_week == d.weekday()]
        want = prev.groupby(prev["hour_start"].dt.hour)["delay_min"].mean()
        np.testing.assert_allclose(got[i], want.reindex(range(24)).to_numpy(), rtol=1e-12)
    assert cal.score.hours > 100
    assert np.isfinite(cal.score.mae_twin_min) and np.isfinite(cal.score.mae_previous_year_min)


def test_overlapping_periods_are_refused(con: Any) -> None:
    with pytest.raises(ValueError, match="overlap"):
        calibrate_southbound(
            con, train=(date(2016, 1, 1), date(2016, 12, 31)),
            validate=(date(2016, 6, 1), date(2017, 6, 30)),
        )  # fmt: skip


def test_calibrated_scenario_runs_the_chosen_fit(small: Any) -> None:
    cal, gen = small
    fit = cal.chosen
    assert fit.rmse_min == min(f.rmse_min for f in cal.fits)
    assert gen.capacity_basis == "calibrated"
    k = day_type_of(date(2017, 7, 14))
    (general,) = [g for g in gen.spec.lane_groups if g.lane_type == "general"]
    assert general.staffing.booths == tuple(int(b) for b in fit.booths[k])
    cars = [c for c in gen.spec.classes if c.name == "general cars"]
    assert cars[0].service["general"].mean == pytest.approx(fit.service_min)
    assert any("calibrated" in n for n in gen.notes)


def test_shipped_calibration_applies_to_peace_arch_only(con: Any) -> None:
    from borderflow.data import read_calibration
    from borderflow.plan import apply_shipped_calibration, build_scenario

    record = read_calibration("3005")
    assert record is not None
    day = date(2019, 7, 12)  # a Friday: day type Fri-Sun
    south = record["southbound"]
    chosen = next(f for f in south["fits"] if f["service_min"] == south["chosen_service_min"])
    gen = apply_shipped_calibration(build_scenario(con, "3005", day), record)
    assert gen.capacity_basis == "calibrated"
    (general,) = [g for g in gen.spec.lane_groups if g.lane_type == "general"]
    assert list(general.staffing.booths) == chosen["booths"][1]
    north = apply_shipped_calibration(build_scenario(con, "3005", day, "Canada-bound"), record)
    for g in north.spec.lane_groups:
        if g.lane_type in ("general", "nexus"):
            peak = record["northbound"][g.lane_type]["peak_booths"][1]
            assert max(g.staffing.booths) <= peak
    assert read_calibration("3004") is None  # Pacific Highway: no measured delays
    other = build_scenario(con, "3004", day)
    assert apply_shipped_calibration(other, record) is other
