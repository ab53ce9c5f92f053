"""Traffic queries: port lookup, monthly series, yearly totals, sizing from real data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from borderflow import shipped_data_dir
from borderflow.data import (
    AmbiguousPortError,
    PortNotFoundError,
    UnknownMeasureError,
    latest_full_year,
    parse_month,
    resolve_port,
    traffic_series,
    yearly_totals,
)
from borderflow.data._schema import BTS_CROSSINGS

BTS_CSV = (
    shipped_data_dir() / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz"
)


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = duckdb.connect(str(warehouse_path), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The BTS file read independently with pandas, exact duplicate rows dropped."""
    df = pd.read_csv(BTS_CSV, dtype={"Port Code": str})
    df = df.drop_duplicates()
    df["month"] = pd.to_datetime(df["Date"], format="%b %Y")
    return df[df["Border"] == "US-Canada Border"]


def test_personal_vehicle_passengers_2019(con: Any, raw: pd.DataFrame) -> None:
    got = yearly_totals(con, "Personal Vehicle Passengers")[2019]
    sel = raw[(raw["month"].dt.year == 2019) & (raw["Measure"] == "Personal Vehicle Passengers")]
    assert got == int(sel["Value"].sum())
    # data/SOURCES.md says 51.2 M, counting the June 2019 exact duplicates (Detroit 599,521
    # and Fort Kent 14,056) twice; the warehouse keeps one of each.
    assert abs(got + 599_521 + 14_056 - 51.2e6) < 0.05e6


def test_yearly_totals_per_port_match_pandas(con: Any, raw: pd.DataFrame) -> None:
    got = yearly_totals(con, "Trucks", port_code="3801")
    sel = raw[(raw["Port Code"] == "3801") & (raw["Measure"] == "Trucks")]
    want = sel.groupby(sel["month"].dt.year)["Value"].sum()
    assert got == {int(y): int(v) for y, v in want.items()}


def test_traffic_series_range_and_order(con: Any, raw: pd.DataFrame) -> None:
    rows = traffic_series(
        con, "3004", ["Trucks", "personal vehicles"], date(2019, 1, 1), date(2019, 12, 1)
    )
    assert [r.measure for r in rows] == ["Trucks"] * 12 + ["Personal Vehicles"] * 12
    assert [r.month.month for r in rows[:12]] == list(range(1, 13))
    sel = raw[
        (raw["Port Code"] == "3004")
        & (raw["Measure"] == "Personal Vehicles")
        & (raw["month"].dt.year == 2019)
    ].sort_values("month")
    assert [r.value for r in rows[12:]] == sel["Value"].tolist()


def test_latest_full_year_is_2023(con: Any) -> None:
    # The shipped file ends in February 2024.
    assert latest_full_year(con) == 2023


def test_resolve_by_code_name_and_crossing(con: Any) -> None:
    assert resolve_port(con, "3004").port_name == "Blaine"
    assert resolve_port(con, "blaine").port_code == "3004"
    assert resolve_port(con, "Peace Arch").port_code == "3004"  # crossing under Blaine
    assert resolve_port(con, "Ambassador").port_code == "3801"
    assert resolve_port(con, "Niagara").port_code == "0901"


def test_resolve_ambiguous_and_unknown(con: Any) -> None:
    with pytest.raises(AmbiguousPortError) as err:
        resolve_port(con, "Fort")
    assert {c.port_code for c in err.value.candidates} == {"0107", "0110", "3417"}
    with pytest.raises(PortNotFoundError, match="Atlantis"):
        resolve_port(con, "Atlantis")


def test_unknown_measure_and_bad_month(con: Any) -> None:
    with pytest.raises(UnknownMeasureError, match="Camels"):
        traffic_series(con, "3004", ["Camels"])
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("2019/07")
    assert parse_month("2019-07") == date(2019, 7, 1)
    with pytest.raises(ValueError, match="after"):
        traffic_series(con, "3004", start=date(2020, 1, 1), end=date(2019, 1, 1))


def test_tiny_warehouse_partial_year(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "tiny.duckdb"))
    con.execute(BTS_CROSSINGS.ddl())
    rows = [
        ("0001", "Alpha", "Maine", "US-Canada", date(2020, m, 1), "Trucks", 10 * m, None, None)
        for m in range(1, 13)
    ] + [("0001", "Alpha", "Maine", "US-Canada", date(2021, 1, 1), "Trucks", 5, None, None)]
    con.executemany("INSERT INTO bts_crossings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    assert latest_full_year(con) == 2020
    assert yearly_totals(con, "Trucks") == {2020: 780, 2021: 5}
    with pytest.raises(LookupError, match="US-Mexico"):
        latest_full_year(con, "US-Mexico")
    con.close()
