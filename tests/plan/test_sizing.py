"""The booth sizing rule booths-from-peak-hour v1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderflow import shipped_data_dir
from borderflow.data import connect_readonly, load_registry
from borderflow.demand import split_shares
from borderflow.plan import SIZING_LABEL, booths_from_peak_hour, size_crossing_booths

BTS_CSV = (
    shipped_data_dir() / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz"
)


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The BTS file read independently with pandas, exact duplicate rows dropped."""
    df = pd.read_csv(BTS_CSV, dtype={"Port Code": str})
    df = df.drop_duplicates()
    df["month"] = pd.to_datetime(df["Date"], format="%b %Y")
    return df[df["Border"] == "US-Canada Border"]


def test_sizing_rule_worked_example() -> None:
    # 900 veh/h x 0.5 min = 7.5 booths busy; / 0.85 = 8.8 -> 9 booths.
    sized = booths_from_peak_hour(900.0, 0.5)
    assert sized.value == 9
    assert sized.label == SIZING_LABEL == "sized: rule booths-from-peak-hour v1 (assumption)"
    assert any("0.85" in a for a in sized.assumptions)


@given(
    demand=st.floats(min_value=1.0, max_value=5000.0),
    service=st.floats(min_value=0.1, max_value=5.0),
    target=st.floats(min_value=0.5, max_value=0.95),
)
def test_sizing_rule_is_smallest_count_meeting_target(
    demand: float, service: float, target: float
) -> None:
    n = booths_from_peak_hour(demand, service, target).value
    load = demand * service / 60.0
    assert load / n <= target + 1e-9
    if n > 1:
        assert load / (n - 1) > target - 1e-9


def test_sizing_rule_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="target_utilisation"):
        booths_from_peak_hour(100.0, 0.5, 1.5)
    with pytest.raises(ValueError, match="service_time_min"):
        booths_from_peak_hour(100.0, 0.0)


def test_size_peace_arch_from_2019_counts(con: Any, raw: pd.DataFrame) -> None:
    sized = size_crossing_booths(con, "3005", "passenger", 2019)
    assert sized.label == SIZING_LABEL
    # Independent: busiest 2019 month of Blaine personal vehicles x Peace Arch share.
    sel = raw[
        (raw["Port Code"] == "3004")
        & (raw["Measure"] == "Personal Vehicles")
        & (raw["month"].dt.year == 2019)
    ]
    top = sel.loc[sel["Value"].idxmax()]
    share = next(
        s.share
        for s in split_shares(load_registry(), "3004", "passenger")
        if s.crossing_id == "3005"
    )
    demand = top["Value"] * share / top["month"].days_in_month * 0.10
    assert sized.demand_veh_per_h == pytest.approx(demand)
    booths = -(-demand * (34 / 60) / 60 // 0.85)
    assert sized.value == int(booths)
    assert any("split-by-cbp-max-lanes" in a for a in sized.assumptions)
    # Peace Arch takes no trucks in CBP's feed: zero demand, zero booths.
    assert size_crossing_booths(con, "3005", "commercial", 2019).value == 0
