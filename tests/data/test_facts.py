"""Fact-sheet checks: figures read from the text, data figures from the warehouse."""

from __future__ import annotations

import gzip
import itertools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from borderflow import shipped_data_dir
from borderflow.data import (
    FactCheck,
    all_facts,
    measure_border_miles,
    read_fact_sheet,
)
from borderflow.data._errors import DataFormatError

DATA = shipped_data_dir()
SHEET = DATA / "source" / "us-relations-with-canada-fact-sheet.txt.gz"


@pytest.fixture(scope="session")
def warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session warehouse of tests/data/conftest.py if there is one, else our own."""
    try:
        return Path(request.getfixturevalue("warehouse_path"))
    except pytest.FixtureLookupError:
        from borderflow.data import build_warehouse

        db = tmp_path_factory.mktemp("facts_wh") / "borderflow.duckdb"
        build_warehouse(db)
        return db


@pytest.fixture(scope="module")
def facts(warehouse: Path) -> list[FactCheck]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return all_facts(con)
    finally:
        con.close()


@pytest.fixture
def con(warehouse: Path) -> Iterator[Any]:
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def _find(facts: list[FactCheck], claim_part: str, period: str | None = None) -> FactCheck:
    hits = [f for f in facts if claim_part in f.claim and (period is None or f.period == period)]
    assert len(hits) == 1, (claim_part, period, hits)
    return hits[0]


def test_fact_sheet_figures_read_from_text() -> None:
    figs = read_fact_sheet(SHEET)
    # Independent reading: plain substring search around the words of each claim.
    text = gzip.decompress(SHEET.read_bytes()).decode("utf-8")
    assert "5,525 miles" in text and figs.border_miles == 5525
    assert "120 land ports-of-entry" in text and figs.land_ports == 120
    assert "$2.6 billion a day in goods and services" in text
    assert figs.trade_usd_bn_per_day == 2.6
    i = text.index("NEXUS program with more than ")
    assert (
        text[i:].split("than ")[1].startswith("1.8 million") and figs.nexus_members_million == 1.8
    )


def test_fact_sheet_missing_figure_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "sheet.txt.gz"
    bad.write_bytes(gzip.compress(b"The border is long. Nothing else here."))
    with pytest.raises(DataFormatError, match="border_miles"):
        read_fact_sheet(bad)


def test_every_record_is_complete(facts: list[FactCheck]) -> None:
    assert facts
    for f in facts:
        assert f.claim and f.unit and f.period and f.source and f.note
        assert f.status in {"consistent", "differs", "not checkable", "partial", "context"}
        if f.status == "consistent":
            assert f.fact_sheet_figure == f.data_figure
        # a context figure is data the fact sheet states no number for
        assert (f.status == "context") == (f.fact_sheet_figure is None)


def test_land_ports(facts: list[FactCheck]) -> None:
    road = _find(facts, "road crossings")
    assert (road.fact_sheet_figure, road.data_figure, road.status) == (120, 120, "consistent")
    codes = _find(facts, "distinct BTS port codes")
    assert codes.data_figure == 89 and codes.period == "1996-01 to 2024-02"
    assert codes.status == "partial"


def test_active_codes_2023_match_pandas(facts: list[FactCheck]) -> None:
    df = pd.read_csv(
        DATA / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz",
        dtype={"Port Code": str},
        usecols=["Port Code", "Border", "Date", "Value"],
    )
    sel = df[(df["Border"] == "US-Canada Border") & df["Date"].str.endswith("2023")]
    active = (sel.groupby("Port Code")["Value"].sum() > 0).sum()
    rec = _find(facts, "reporting traffic")
    assert rec.period == "2023" and rec.data_figure == active


def test_trade_per_day_2019(facts: list[FactCheck]) -> None:
    rec = _find(facts, "trade with Canada per day", "2019")
    # data/SOURCES.md: $612 B in 2019 -> 1.68 B a day; goods only.
    assert rec.data_figure == pytest.approx(612 / 365, abs=0.01)
    assert rec.fact_sheet_figure == 2.6 and rec.status == "partial"
    assert "Goods only" in rec.note and "65%" in rec.note  # 1.677 / 2.6


def test_trade_per_day_2023_2024(facts: list[FactCheck]) -> None:
    # data/SOURCES.md: $774 B (2023), $761 B (2024, a leap year).
    assert _find(facts, "trade with Canada", "2023").data_figure == pytest.approx(
        774 / 365, abs=0.01
    )
    assert _find(facts, "trade with Canada", "2024").data_figure == pytest.approx(
        761 / 366, abs=0.01
    )


def test_modes_and_trucks_per_day(facts: list[FactCheck], con: Any) -> None:
    pvp = _find(facts, "personal vehicle passengers per year", "2019")
    assert pvp.data_figure == pytest.approx(50.56e6, rel=1e-3)
    trucks = _find(facts, "trucks per year", "2023")
    (want,) = con.execute(
        "SELECT sum(value) FROM bts_crossings WHERE border = 'US-Canada' "
        "AND measure = 'Trucks' AND month BETWEEN DATE '2023-01-01' AND DATE '2023-12-01'"
    ).fetchone()
    assert trucks.data_figure == want
    per_day = _find(facts, "trucks per day", "2023")
    assert per_day.data_figure == round(want / 365)
    # SOURCES.md: 5.2-7.0 M trucks a year.
    assert 5.2e6 <= want <= 7.0e6
    assert {f.period for f in facts if "per year" in f.claim} == {"2019", "2023"}


def test_nexus_and_border_length(facts: list[FactCheck]) -> None:
    nexus = _find(facts, "NEXUS")
    assert nexus.status == "not checkable" and nexus.data_figure is None
    length = _find(facts, "length of the border")
    assert length.fact_sheet_figure == 5525 and length.status == "partial"
    assert "1:50m" in length.note


def test_border_line_length_independent() -> None:
    # Spherical law of cosines instead of haversine, kilometres then miles.
    import json

    doc = json.loads(
        gzip.decompress(
            (DATA / "geo/derived/us_canada_border_50m.geojson.gz").read_bytes()
        ).decode()
    )
    km = 0.0
    for f in doc["features"]:
        c = f["geometry"]["coordinates"]
        for (x1, y1), (x2, y2) in itertools.pairwise(c):
            a, b = math.radians(y1), math.radians(y2)
            cosang = math.sin(a) * math.sin(b) + math.cos(a) * math.cos(b) * math.cos(
                math.radians(x2 - x1)
            )
            km += 6371.0088 * math.acos(min(1.0, cosang))
    assert measure_border_miles() == pytest.approx(km / 1.609344, rel=1e-4)
    # Shorter than the surveyed 5,525 miles: generalised, and water sections missing.
    assert 4000 < km / 1.609344 < 5525
