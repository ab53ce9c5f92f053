"""Monthly -> daily -> hourly demand: exact monthly totals, holidays, DST days."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderflow.data import connect_readonly, load_registry
from borderflow.demand import (
    DEMAND_MEASURES,
    hourly_demand,
    largest_remainder,
    month_demand,
    monthly_count,
    shipped_profiles,
    split_shares,
)
from borderflow.vocab import measure_group


@pytest.fixture(scope="module")
def con(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


@given(
    st.integers(0, 10**7),
    st.lists(st.floats(0, 1e3, allow_nan=False), min_size=1, max_size=40).filter(
        lambda w: sum(w) > 0
    ),
)
def test_largest_remainder_sums_exactly_and_stays_within_one(
    total: int, weights: list[float]
) -> None:
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    s = sum(weights)
    for p, w in zip(parts, weights, strict=True):
        assert abs(p - total * w / s) < 1 + 1e-6
        assert p >= 0


def test_largest_remainder_errors() -> None:
    with pytest.raises(ValueError, match="all zero"):
        largest_remainder(3, [0.0, 0.0])
    with pytest.raises(ValueError, match=">= 0"):
        largest_remainder(-1, [1.0])
    assert largest_remainder(0, [0.0, 0.0]) == (0, 0)


# Ports of every border state, single- and multi-crossing codes, months with DST changes.
_CASES = [
    ("3005", date(2019, 3, 1)),  # Peace Arch, spring DST month
    ("3004", date(2019, 11, 1)),  # Pacific Highway, autumn DST month, trucks
    ("3023", date(2019, 7, 1)),  # Lynden, not open 24 h
    ("3804", date(2023, 10, 1)),  # Ambassador Bridge (MI/ON)
    ("0902", date(2022, 12, 1)),  # Rainbow Bridge, pedestrians
    ("0712", date(2020, 4, 1)),  # Champlain, pandemic month
    ("3302", date(2018, 2, 1)),  # Eastport ID (Pacific time), February
]


@pytest.mark.parametrize(("crossing_id", "month"), _CASES)
def test_monthly_totals_conserved_exactly(
    con: duckdb.DuckDBPyConnection, crossing_id: str, month: date
) -> None:
    reg = load_registry()
    crossing = reg.crossing(crossing_id)
    days = month_demand(con, crossing_id, month, registry=reg)
    for measure in DEMAND_MEASURES:
        # The crossing's share of the port's count, from an independent split of the
        # warehouse value.
        (value,) = con.execute(
            "SELECT coalesce(sum(value), 0) FROM bts_crossings WHERE port_code = ? AND "
            "measure = ? AND month = ?",
            [crossing.bts_port_code, measure, month],
        ).fetchone()
        shares = split_shares(reg, crossing.bts_port_code, measure_group(measure))
        parts = largest_remainder(int(value), [s.share for s in shares])
        mine = parts[[s.crossing_id for s in shares].index(crossing_id)]
        hourly_sum = sum(r.vehicles for d in days for r in d.rows if r.measure == measure)
        assert hourly_sum == mine, measure
        assert sum(d.day_totals[measure] for d in days) == mine
    assert all(r.vehicles >= 0 for d in days for r in d.rows)


def test_port_total_over_its_crossings_is_exact(con: duckdb.DuckDBPyConnection) -> None:
    reg = load_registry()
    month = date(2019, 8, 1)
    total = 0
    for c in reg.by_port_code("0901"):  # Buffalo-Niagara Falls: several bridges
        total += sum(
            r.vehicles
            for d in month_demand(con, c.crossing_id, month, registry=reg)
            for r in d.rows
            if r.measure == "Personal Vehicles"
        )
    assert total == monthly_count(con, "0901", "Personal Vehicles", month).value


def test_dst_days_in_demand(con: duckdb.DuckDBPyConnection) -> None:
    spring = hourly_demand(con, "3005", date(2019, 3, 10))
    autumn = hourly_demand(con, "3005", date(2019, 11, 3))
    assert len(spring.hours) == 23 and len(autumn.hours) == 25
    assert {r.hour_index for r in spring.rows} == set(range(23))
    assert {r.hour_index for r in autumn.rows} == set(range(25))
    # The repeated 01:00 hour carries traffic in both of its occurrences.
    cars = autumn.class_rates()["general cars"][1]
    assert autumn.hours[1].hour == autumn.hours[2].hour == 1
    assert abs(cars[1] - cars[2]) <= 1
    for d in (spring, autumn):
        assert sum(r.vehicles for r in d.rows) == sum(d.day_totals.values())


def _cars(con: duckdb.DuckDBPyConnection, crossing: str, day: date) -> int:
    return hourly_demand(con, crossing, day).day_totals["Personal Vehicles"]


def test_canada_day_moves_demand(con: duckdb.DuckDBPyConnection) -> None:
    cars = shipped_profiles(con)["cars"]
    # Hand check from the shipped data: on Canadian Monday holidays Peace Arch carried
    # far more cars than on ordinary Mondays (Victoria Day 2018: 8,321; BC Day 2018:
    # 9,496; ordinary days average about 6,000).
    mondays = con.execute(
        "SELECT sum(volume) FROM peace_arch_north_daily WHERE dayofweek(day) = 1 "
        "AND day NOT IN ('2018-01-01','2018-01-15','2018-02-12','2018-02-19','2018-05-21',"
        "'2018-05-28','2018-07-02','2018-08-06','2018-09-03','2018-10-08','2018-11-12',"
        "'2019-01-21','2019-02-18','2019-05-20') GROUP BY day HAVING count(volume) = 2"
    ).fetchall()
    typical_monday = statistics.median(v for (v,) in mondays)
    assert 8321 / typical_monday > 1.25 and 9496 / typical_monday > 1.25
    assert cars.holiday["CA Monday"] > 1.25
    # Canada Day 2019 (Monday) against the next, ordinary Monday of the same month.
    for crossing in ("3005", "3804"):  # Peace Arch (BC) and Ambassador Bridge (ON)
        ratio = _cars(con, crossing, date(2019, 7, 1)) / _cars(con, crossing, date(2019, 7, 8))
        assert ratio == pytest.approx(cars.holiday["CA Monday"], rel=2e-3)
    # The same date at a crossing whose province does not observe it moves nothing
    # beyond the weekday (no such province: Canada Day is federal), so compare a
    # provincial holiday: BC Day moves Peace Arch, not Champlain (QC).
    bc = _cars(con, "3005", date(2019, 8, 5)) / _cars(con, "3005", date(2019, 8, 12))
    qc = _cars(con, "0712", date(2019, 8, 5)) / _cars(con, "0712", date(2019, 8, 12))
    assert bc > 1.25 and qc == pytest.approx(1.0, abs=2e-3)


def test_us_thanksgiving_moves_truck_demand(con: duckdb.DuckDBPyConnection) -> None:
    trucks = shipped_profiles(con)["trucks"]
    # Hand check: Pacific Highway southbound trucks, Thanksgiving 2018 (1,178) against
    # the Thursdays before and after (1,824 and 1,681).
    raw = dict(
        con.execute(
            "SELECT day, volume FROM cascade_trucks_daily WHERE crossing = 'Pacific Highway' "
            "AND direction = 'southbound' AND day IN ('2018-11-15','2018-11-22','2018-11-29')"
        ).fetchall()
    )
    data_ratio = raw[date(2018, 11, 22)] / statistics.fmean(
        (raw[date(2018, 11, 15)], raw[date(2018, 11, 29)])
    )
    assert data_ratio < 0.7
    assert trucks.holiday["US other day"] < 0.8
    d = hourly_demand(con, "3004", date(2019, 11, 28)).day_totals["Trucks"]
    ordinary = hourly_demand(con, "3004", date(2019, 11, 21)).day_totals["Trucks"]
    assert d / ordinary == pytest.approx(trucks.holiday["US other day"], rel=2e-3)
    # Canadian Thanksgiving (six weeks earlier, a Monday) is not a U.S. holiday but moves
    # trucks too (learned "CA Monday").
    ca = hourly_demand(con, "3004", date(2019, 10, 14)).day_totals["Trucks"]
    mon = hourly_demand(con, "3004", date(2019, 10, 21)).day_totals["Trucks"]
    assert ca / mon == pytest.approx(trucks.holiday["CA Monday"], rel=2e-3)


def test_closed_hours_get_no_demand(con: duckdb.DuckDBPyConnection) -> None:
    d = hourly_demand(con, "3023", date(2019, 7, 10))  # Lynden: 8 am-Midnight
    assert sum(r.vehicles for r in d.rows if r.hour_start.hour < 8) == 0
    assert sum(r.vehicles for r in d.rows) > 0


def test_future_month_uses_labelled_stand_in(con: duckdb.DuckDBPyConnection) -> None:
    mc = monthly_count(con, "3004", "Personal Vehicles", date(2031, 7, 1))
    (latest,) = con.execute(
        "SELECT value FROM bts_crossings WHERE port_code = '3004' AND measure = "
        "'Personal Vehicles' AND month(month) = 7 ORDER BY month DESC LIMIT 1"
    ).fetchone()
    assert mc.value == latest and mc.basis == "assumption"
    assert "beyond the 24-month forecast" in mc.source
    d = hourly_demand(con, "3005", date(2031, 7, 1))
    assert d.demand_basis == "assumption"
    ob = hourly_demand(con, "3005", date(2019, 7, 1))
    assert ob.demand_basis == "observed month"


def test_month_within_two_years_uses_the_forecast(con: duckdb.DuckDBPyConnection) -> None:
    from borderflow.demand import forecast_monthly

    month = date(2024, 7, 1)  # five months after the shipped data end (2024-02)
    mc = monthly_count(con, "3004", "Personal Vehicles", month)
    _, fc = forecast_monthly(con, "3004", "Personal Vehicles", 24)
    point = next(p for p in fc.points if p.month == month)
    assert mc.basis == "forecast" and mc.value == round(point.value)
    assert "80% interval" in mc.source
    assert hourly_demand(con, "3005", date(2024, 7, 12)).demand_basis == "forecast"


def test_canada_bound_is_labelled_assumption(con: duckdb.DuckDBPyConnection) -> None:
    d = hourly_demand(con, "3005", date(2019, 7, 12), "Canada-bound")
    assert d.demand_basis == "assumption"
    assert any("BTS counts U.S.-bound only" in s for s in d.sources)
    assert "Ready cars" not in d.class_rates()
    with pytest.raises(ValueError, match="direction"):
        hourly_demand(con, "3005", date(2019, 7, 12), "northbound")


def test_peace_arch_canada_bound_uses_observed_days(con: duckdb.DuckDBPyConnection) -> None:
    day = date(2018, 7, 2)  # Canada Day observed
    (general, nexus) = con.execute(
        "SELECT sum(volume) FILTER (lane = 'general'), sum(volume) FILTER (lane = 'nexus') "
        "FROM peace_arch_north_daily WHERE day = ?",
        [day],
    ).fetchone()
    d = hourly_demand(con, "3005", day, "Canada-bound")
    assert d.demand_basis == "observed day"
    assert d.day_totals["Personal Vehicles"] == general + nexus
    rates = d.class_rates()
    assert sum(rates["general cars"][1]) == general
    assert sum(rates["NEXUS cars"][1]) == nexus
    assert "observed daily volumes" in d.sources[0]


def test_month_before_the_data_is_a_stand_in(con: duckdb.DuckDBPyConnection) -> None:
    mc = monthly_count(con, "3004", "Personal Vehicles", date(1990, 7, 1))
    assert mc.basis == "assumption" and mc.value > 0
    # Inside the port's reported period a measure BTS leaves out is an observed 0.
    (first,) = con.execute(
        "SELECT min(month) FROM bts_crossings WHERE port_code = '3004'"
    ).fetchone()
    assert monthly_count(con, "3004", "Trains", first).basis == "observed month"
