"""baseline_month: demand known at as_of, never reading a later month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from borderflow.data import connect_readonly, traffic_series
from borderflow.plan import baseline_month


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def _months(y0: int, m0: int, n: int) -> list[date]:
    out = []
    for k in range(n):
        i = y0 * 12 + m0 - 1 + k
        out.append(date(i // 12, i % 12 + 1, 1))
    return out


def test_formula_on_the_warehouse(con: Any) -> None:
    # Detroit trucks, February 2022, known at January 2022; the months read independently.
    s = {r.month: r.value for r in traffic_series(con, "3801", ["Trucks"])}
    recent = sum(s[m] for m in _months(2021, 11, 3))
    prior = sum(s[m] for m in _months(2020, 11, 3))
    expected = s[date(2021, 2, 1)] * recent / prior
    b = baseline_month(con, "3801", "Trucks", date(2022, 2, 1), date(2022, 1, 1))
    assert b.value == pytest.approx(expected, rel=1e-12)
    assert "2021-02" in b.basis and "<= 2022-01" in b.basis


def _toy(poison: float) -> Any:
    """An in-memory bts_crossings: 1,000 a month to 2021-06, then ``poison`` a month."""
    c = duckdb.connect()
    c.execute(
        "CREATE TABLE bts_crossings (port_code VARCHAR, month DATE, measure VARCHAR, value BIGINT)"
    )
    rows = []
    for i, m in enumerate(_months(2019, 1, 48)):
        v = 1000 + 10 * i if m <= date(2021, 6, 1) else poison
        rows.append(("9999", m, "Trucks", int(v)))
    c.executemany("INSERT INTO bts_crossings VALUES (?, ?, ?, ?)", rows)
    return c


def test_never_reads_after_as_of() -> None:
    # Months after as_of hold absurd values; the result must not change with them.
    clean, poisoned = _toy(0), _toy(10**9)
    for month in (date(2021, 7, 1), date(2021, 12, 1), date(2022, 3, 1), date(2022, 8, 1)):
        a = baseline_month(clean, "9999", "Trucks", month, date(2021, 6, 1))
        b = baseline_month(poisoned, "9999", "Trucks", month, date(2021, 6, 1))
        assert a.value == b.value
        assert a.value < 10**6


def test_forecast_more_than_a_year_ahead_uses_latest_known_same_month() -> None:
    c = _toy(10**9)
    # 2022-08 from 2021-06: 2021-08 is unknown, so 2020-08 is the seasonal base.
    b = baseline_month(c, "9999", "Trucks", date(2022, 8, 1), date(2021, 6, 1))
    v = {m: 1000 + 10 * i for i, m in enumerate(_months(2019, 1, 30))}
    trend = sum(v[m] for m in _months(2021, 4, 3)) / sum(v[m] for m in _months(2020, 4, 3))
    assert b.value == pytest.approx(v[date(2020, 8, 1)] * trend)


def test_as_of_must_precede_the_month(con: Any) -> None:
    with pytest.raises(ValueError, match="must not read"):
        baseline_month(con, "3801", "Trucks", date(2022, 2, 1), date(2022, 2, 1))


def test_missing_months_are_named(con: Any) -> None:
    with pytest.raises(ValueError, match="1995-02"):
        baseline_month(con, "3801", "Trucks", date(1996, 2, 1), date(1996, 1, 1))


def test_measure_left_out_of_a_reported_month_reads_as_zero() -> None:
    c = _toy(0)
    # 2021-05: the port reports another measure but not Trucks -> 0; the trend drops.
    c.execute("DELETE FROM bts_crossings WHERE month = DATE '2021-05-01'")
    c.execute("INSERT INTO bts_crossings VALUES ('9999', DATE '2021-05-01', 'Buses', 3)")
    b = baseline_month(c, "9999", "Trucks", date(2021, 7, 1), date(2021, 6, 1))
    v = {m: 1000 + 10 * i for i, m in enumerate(_months(2019, 1, 30))}
    v[date(2021, 5, 1)] = 0
    trend = sum(v[m] for m in _months(2021, 4, 3)) / sum(v[m] for m in _months(2020, 4, 3))
    assert b.value == pytest.approx(v[date(2020, 7, 1)] * trend)
    assert "read as 0" in b.basis and "2021-05" in b.basis
    # A month the port does not report at all stays missing.
    c.execute("DELETE FROM bts_crossings WHERE month = DATE '2021-05-01'")
    with pytest.raises(ValueError, match="2021-05"):
        baseline_month(c, "9999", "Trucks", date(2021, 7, 1), date(2021, 6, 1))
