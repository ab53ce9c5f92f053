"""Truck trade value per port: January 2015 port shares x the month's national total."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from borderflow import shipped_data_dir
from borderflow.data import connect_readonly
from borderflow.plan import TRADE_RULE, port_truck_trade

DOT1 = shipped_data_dir() / "transborder/dot1_0115_canada.csv.gz"
MONTHLY = (
    shipped_data_dir() / "transborder/transborder_monthly_by_country_mode_1993-04_2025-12.csv.gz"
)


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw_shares() -> dict[tuple[str, str], float]:
    """Truck (DISAGMOT 5) value shares by (trade type, port), read from the raw file."""
    by: dict[tuple[str, str], float] = defaultdict(float)
    tot: dict[str, float] = defaultdict(float)
    with gzip.open(DOT1, "rt", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["DISAGMOT"] != "5":
                continue
            tt = "export" if row["TRDTYPE"] == "1" else "import"
            by[(tt, row["DEPE"])] += float(row["VALUE"])
            tot[tt] += float(row["VALUE"])
    return {k: v / tot[k[0]] for k, v in by.items()}


def test_port_shares_match_the_raw_file(con: Any, raw_shares: dict[tuple[str, str], float]) -> None:
    for code in ("3801", "3802", "0901", "3004"):
        v = port_truck_trade(con, code, date(2022, 2, 1))
        assert v.import_share == pytest.approx(raw_shares[("import", code)], rel=1e-9)
        assert v.export_share == pytest.approx(raw_shares[("export", code)], rel=1e-9)
        assert TRADE_RULE in v.basis and "2015" in v.basis


def test_value_is_share_times_the_months_national_total(
    con: Any, raw_shares: dict[tuple[str, str], float]
) -> None:
    # National truck trade with Canada, February 2022, read from the source file.
    nat: dict[str, float] = defaultdict(float)
    with gzip.open(MONTHLY, "rt", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if (r["Year"], r["Month"], r["Country"], r["Mode"]) == ("2022", "2", "Canada", "Truck"):
                nat[r["TradeType"].lower()] += float(r["TradeValue"])
    for code in ("3801", "3802", "0901"):
        v = port_truck_trade(con, code, date(2022, 2, 1))
        assert v.imports_usd == pytest.approx(raw_shares[("import", code)] * nat["import"])
        assert v.exports_usd == pytest.approx(raw_shares[("export", code)] * nat["export"])
        assert v.two_way_usd == pytest.approx(v.imports_usd + v.exports_usd)
        assert v.national_month == date(2022, 2, 1)


def test_shares_over_all_ports_sum_to_one(raw_shares: dict[tuple[str, str], float]) -> None:
    assert sum(v for (tt, _), v in raw_shares.items() if tt == "import") == pytest.approx(1.0)


def test_month_after_the_data_uses_the_latest_month(con: Any) -> None:
    v = port_truck_trade(con, "3801", date(2031, 5, 1))
    last = con.execute(
        "SELECT max(make_date(year, month, 1)) FROM transborder_monthly "
        "WHERE country = 'Canada' AND mode = 'Truck'"
    ).fetchone()[0]
    assert v.national_month == last
    assert "latest before 2031-05" in v.basis


def test_port_absent_from_2015_file_has_zero_value(con: Any) -> None:
    v = port_truck_trade(con, "0000", date(2022, 2, 1))
    assert v.imports_usd == 0 and v.exports_usd == 0
