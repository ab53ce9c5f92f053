"""Crossing registry: counts from the shipped files, sources, sizing rule and split rule."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from borderflow import shipped_data_dir
from borderflow.data import DataFormatError, load_registry, read_curated_lanes
from borderflow.vocab import CANADA_BOUND, DIRECTION_NOT_STATED, US_BOUND

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


def test_crossings_warehouse_table(warehouse_path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        n, road, hours = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE mode = 'road'), count(hours) FROM crossings"
        ).fetchone()
        assert (n, road, hours) == (127, 120, 29)
        # Sourced facts only: shares are computed by borderflow.demand, not stored.
        cols = {r[0] for r in con.execute("DESCRIBE crossings").fetchall()}
        assert not any(c.startswith("share_") for c in cols)
        # Joinable to the BTS counts: every code but none is in bts_crossings.
        (missing,) = con.execute(
            "SELECT count(DISTINCT bts_port_code) FROM crossings WHERE bts_port_code NOT IN "
            "(SELECT port_code FROM bts_crossings)"
        ).fetchone()
        assert missing == 0
    finally:
        con.close()
