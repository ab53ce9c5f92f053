"""Crossing registry: counts from the shipped files, sources, sizing rule and split rule."""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderflow import shipped_data_dir
from borderflow.data.errors import DataFormatError
from borderflow.data.registry import (
    CANADA_BOUND,
    DIRECTION_NOT_STATED,
    MEASURE_GROUPS,
    SIZING_LABEL,
    SPLIT_RULE,
    US_BOUND,
    booths_from_peak_hour,
    load_registry,
    measure_group,
    peak_hour_demand,
    read_curated_lanes,
    split_shares,
)

DATA = shipped_data_dir()


def _csv(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA / "crossings" / name, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_counts_match_crossings_sources_md() -> None:
    reg = load_registry()
    # Figures stated in data/crossings/SOURCES.md.
    assert len(reg.crossings) == 127
    assert len(reg.road_crossings) == 120
    assert sum(c.mode == "ferry" for c in reg.crossings) == 6
    assert sum(c.mode == "seaport" for c in reg.crossings) == 1
    assert len(reg.port_codes) == 89
    assert sum(c.hours is not None for c in reg.crossings) == 29
    assert sum(c.open_24h is True for c in reg.crossings) == 26
    assert sum(c.is_master for c in reg.road_crossings) == 80
    # 24 ports with trains in 2013.
    assert len({c.bts_port_code for c in reg.crossings if c.port_has_rail}) == 24


def test_every_crossing_row_kept_with_code_and_coordinates() -> None:
    reg = load_registry()
    rows = _csv("us_canada_crossings.csv.gz")
    assert [c.crossing_id for c in reg.crossings] == [r["crossing_id"] for r in rows]
    codes = {p.bts_port_code for p in reg.port_codes}
    for c, r in zip(reg.crossings, rows, strict=True):
        assert c.bts_port_code in codes
        assert c.latitude == float(r["latitude"])
        assert c.canada_name is None  # no source has Canadian-side names
        assert 41 < c.latitude < 70 and -142 < c.longitude < -66


def test_every_known_figure_has_a_source_and_unknowns_stay_null() -> None:
    reg = load_registry()
    for c in reg.crossings:
        for f in c.lanes:
            if f.count is not None or f.listed is not None:
                assert f.source, (c.crossing_id, f)
            elif f.basis == "unknown":
                assert f.source is None
            else:  # the source itself says "Update Pending"
                assert f.source and f.source.startswith("CBP")
        # Both directions are present for every standard lane type, known or not.
        for d in (US_BOUND, CANADA_BOUND):
            for lt in ("general", "nexus", "ready", "commercial", "fast"):
                assert c.lane(d, lt), (c.crossing_id, d, lt)


def test_cbp_lane_figures_equal_the_snapshot_file() -> None:
    reg = load_registry()
    for r in _csv("cbp_bwt_canadian_border_2023-11-10.csv.gz"):
        if not r["bts_crossing_id"]:
            continue
        c = reg.crossing(r["bts_crossing_id"])
        raw = r["passenger_max_lanes"]
        assert c.cbp_max_lanes("passenger") == (0 if raw == "N/A" else int(raw))
        (nexus,) = c.lane(US_BOUND, "nexus")
        assert nexus.listed == {"yes": True, "no": False, "unknown": None}[r["nexus_lanes"]]
        (ready,) = c.lane(US_BOUND, "ready")
        assert ready.listed == {"yes": True, "no": False, "unknown": None}[r["ready_lanes"]]


def test_canada_bound_only_where_data_exists() -> None:
    reg = load_registry()
    with_cbsa = {
        c.crossing_id
        for c in reg.crossings
        for f in c.lanes
        if f.direction == CANADA_BOUND and f.listed is not None
    }
    assert with_cbsa == {"3005"}  # Peace Arch: Cascade Gateway northbound series


def test_curated_figures_are_in_parameters_md() -> None:
    params = (DATA / "PARAMETERS.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line
        for line in params.splitlines()
        if line.startswith("| ") and line.count("|") == 4
    }
    reg = load_registry()
    keys = {
        "3005": "Peace Arch (Blaine WA)",
        "3004": "Pacific Highway (Blaine WA)",
        "3804": "Ambassador Bridge (Detroit)",
        "3802": "Blue Water Bridge (Port Huron)",
        "0901": "Peace Bridge (Buffalo)",
        "0904": "Lewiston–Queenston",
    }
    seen = 0
    for cid, key in keys.items():
        for f in reg.crossing(cid).lanes:
            if f.source and f.source.startswith("data/PARAMETERS.md") and f.count is not None:
                assert str(f.count) in rows[key].split("|")[2], (cid, f.count)
                seen += 1
    assert seen == 8
    # Only the Peace Bridge figure says its side (U.S.), so only it has a direction.
    directed = [
        f
        for c in reg.crossings
        for f in c.lanes
        if f.source and "PARAMETERS" in f.source and f.direction != DIRECTION_NOT_STATED
    ]
    assert [(f.crossing_id, f.count) for f in directed] == [("0901", 7)]


def test_curated_file_bad_value_named(tmp_path: Path) -> None:
    src = (DATA / "crossings" / "curated_lanes.csv").read_text(encoding="utf-8").splitlines()
    src[3] = src[3].replace("direction not stated", "southbound", 1)
    bad = tmp_path / "curated_lanes.csv"
    bad.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read_curated_lanes(bad)
    assert err.value.line == 4 and err.value.column == "direction"
    assert "southbound" in str(err.value)


def test_curated_file_unknown_crossing(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text(
        "crossing_id,direction,lane_type,unit,count,listed,source,note\n"
        "9999,US-bound,nexus,lanes,2,yes,somewhere,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match="unknown crossing id"):
        read_curated_lanes(bad, known_ids=["3004"])


# --- split rule ---------------------------------------------------------------------------


def test_shares_sum_to_one_for_every_code_and_group() -> None:
    reg = load_registry()
    for p in reg.port_codes:
        if not reg.by_port_code(p.bts_port_code):
            continue
        for group in MEASURE_GROUPS:
            shares = split_shares(reg, p.bts_port_code, group)
            assert math.isclose(sum(s.share for s in shares), 1.0), (p.bts_port_code, group)
            assert all(s.share >= 0 and s.rule == SPLIT_RULE for s in shares)


def test_blaine_split_follows_cbp_passenger_lanes() -> None:
    reg = load_registry()
    cbp = {r["cbp_crossing_name"]: r for r in _csv("cbp_bwt_canadian_border_2023-11-10.csv.gz")}
    pa, ph = (
        int(cbp["Peace Arch"]["passenger_max_lanes"]),
        int(cbp["Pacific Highway"]["passenger_max_lanes"]),
    )
    shares = {s.crossing_id: s.share for s in split_shares(reg, "3004", "passenger")}
    assert shares.keys() == {"3004", "3005"}  # Point Roberts (3017) has its own code
    assert math.isclose(shares["3005"], pa / (pa + ph))
    assert math.isclose(shares["3004"], ph / (pa + ph))
    # Trucks: Peace Arch lists no commercial lanes in CBP's feed.
    trucks = {s.crossing_id: s.share for s in split_shares(reg, "3004", "commercial")}
    assert trucks == {"3004": 1.0, "3005": 0.0}


def test_buffalo_and_detroit_commercial_only_to_commercial_crossings() -> None:
    reg = load_registry()
    cbp = {r["bts_crossing_id"]: r for r in _csv("cbp_bwt_canadian_border_2023-11-10.csv.gz")}
    for code in ("0901", "3801"):
        shares = split_shares(reg, code, "commercial")
        lanes = {
            s.crossing_id: int(cbp[s.crossing_id]["commercial_max_lanes"])
            if cbp[s.crossing_id]["commercial_max_lanes"] != "N/A"
            else 0
            for s in shares
        }
        total = sum(lanes.values())
        for s in shares:
            assert math.isclose(s.share, lanes[s.crossing_id] / total)
    assert len(split_shares(reg, "0901", "passenger")) == 4


def test_equal_split_where_cbp_lacks_lanes() -> None:
    reg = load_registry()
    shares = split_shares(reg, "0104", "passenger")  # Jackman: 6 crossings, 1 in CBP's feed
    assert len(shares) == 6
    assert all(math.isclose(s.share, 1 / 6) for s in shares)
    assert "equal" in shares[0].basis


def test_split_errors_name_the_problem() -> None:
    reg = load_registry()
    with pytest.raises(KeyError, match="3814"):
        split_shares(reg, "3814", "passenger")  # Algonac: BTS data only
    with pytest.raises(KeyError, match="boats"):
        split_shares(reg, "3004", "boats")
    assert measure_group("Trucks") == "commercial"
    with pytest.raises(KeyError, match="Camels"):
        measure_group("Camels")


# --- sizing rule --------------------------------------------------------------------------


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


def test_peak_hour_demand_from_busiest_month() -> None:
    from datetime import date

    monthly = {date(2019, m, 1): 1_000_000.0 for m in range(1, 13)}
    monthly[date(2019, 8, 1)] = 3_100_000.0  # August: 31 days -> 100,000 a day
    monthly[date(2020, 8, 1)] = 9_000_000.0  # other year: ignored
    d = peak_hour_demand(monthly, 2019, 0.1)
    assert d.month == date(2019, 8, 1) and d.days == 31
    assert math.isclose(d.veh_per_h, 10_000.0)
    with pytest.raises(ValueError, match="2018"):
        peak_hour_demand(monthly, 2018)


def test_crossings_warehouse_table(warehouse_path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        n, road, hours = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE mode = 'road'), count(hours) FROM crossings"
        ).fetchone()
        assert (n, road, hours) == (127, 120, 29)
        bad = con.execute(
            "SELECT bts_port_code FROM crossings GROUP BY 1 "
            "HAVING abs(sum(share_passenger) - 1) > 1e-9 OR abs(sum(share_commercial) - 1) > 1e-9"
        ).fetchall()
        assert bad == []
        # Joinable to the BTS counts: every code but none is in bts_crossings.
        (missing,) = con.execute(
            "SELECT count(DISTINCT bts_port_code) FROM crossings WHERE bts_port_code NOT IN "
            "(SELECT port_code FROM bts_crossings)"
        ).fetchone()
        assert missing == 0
    finally:
        con.close()
