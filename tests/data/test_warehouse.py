"""The warehouse built from the shipped data: real values, quirk rules, atomic swap.

Expected figures come from ``data/SOURCES.md`` or from reading the source files with the
standard library (``bts_raw_rows``), never from our own readers.
"""

from __future__ import annotations

import csv
import fcntl
import gzip
import hashlib
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from borderflow._config import shipped_data_dir
from borderflow.data import (
    META_TABLES,
    TABLE_SOURCES,
    Column,
    DataFormatError,
    Table,
    TableSource,
    WarehouseBusyError,
    WarehouseMissingError,
    build_warehouse,
    connect_readonly,
    update_warehouse,
)
from borderflow.data._catalogue import BTS_FILE

DATA = shipped_data_dir()
PVP = "Personal Vehicle Passengers"


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[str]:
    """Names in ``folder``: the database and its lock file, no temporary file."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def con(warehouse_path: Path):
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


# --- schema -------------------------------------------------------------------------------


def test_tables_match_their_declaration(con: duckdb.DuckDBPyConnection) -> None:
    for table in [s.table for s in TABLE_SOURCES] + list(META_TABLES):
        got = con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table.name],
        ).fetchall()
        want = [(c.name, c.type, "YES" if c.nullable else "NO") for c in table.columns]
        assert got == want, table.name


def test_primary_key_is_enforced(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse_path, db)
    c = duckdb.connect(str(db))
    row = c.execute("SELECT * FROM bts_crossings LIMIT 1").fetchall()
    with pytest.raises(duckdb.ConstraintException):
        c.execute("INSERT INTO bts_crossings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(row[0]))
    c.close()


# --- BTS: real values ------------------------------------------------------------------------


def test_bts_row_counts_and_dedup(
    con: duckdb.DuckDBPyConnection, bts_raw_rows: list[dict[str, str]]
) -> None:
    # SOURCES.md: 390,305 rows, 298,416 U.S.-Canada.
    assert len(bts_raw_rows) == 390_305
    canada_raw = [r for r in bts_raw_rows if r["Border"] == "US-Canada Border"]
    assert len(canada_raw) == 298_416
    # Independent count: distinct (port, month, measure) keys in the raw file.
    keys = {(r["Port Code"], r["Date"], r["Measure"]) for r in bts_raw_rows}
    assert _one(con, "SELECT count(*) FROM bts_crossings") == len(keys) == 390_294
    canada_keys = {(r["Port Code"], r["Date"], r["Measure"]) for r in canada_raw}
    # 4 U.S.-Canada exact duplicates (Fort Kent, Detroit; Jun 2019) are dropped.
    assert _one(con, "SELECT count(*) FROM bts_crossings WHERE border = 'US-Canada'") == len(
        canada_keys
    )
    assert len(canada_keys) == 298_412


def test_personal_vehicle_passengers_2019(
    con: duckdb.DuckDBPyConnection, bts_raw_rows: list[dict[str, str]]
) -> None:
    canada_2019 = [
        r
        for r in bts_raw_rows
        if r["Border"] == "US-Canada Border" and r["Measure"] == PVP and r["Date"].endswith("2019")
    ]
    raw_sum = sum(int(r["Value"]) for r in canada_2019)
    # SOURCES.md's 51.2 M is the plain sum of the file's rows, duplicates included...
    assert abs(raw_sum - 51.2e6) < 0.1e6
    # ...the warehouse counts each exact duplicate row once (Detroit, Fort Kent, Jun 2019).
    counts = Counter(tuple(r.values()) for r in canada_2019)
    duplicated = sum(
        int(dict(zip(canada_2019[0], k, strict=True))["Value"]) * (n - 1) for k, n in counts.items()
    )
    assert duplicated == 599_521 + 14_056
    got = _one(
        con,
        f"SELECT sum(value) FROM bts_crossings WHERE border = 'US-Canada' AND measure = '{PVP}' "
        "AND year(month) = 2019",
    )
    assert got == raw_sum - duplicated
    # SOURCES.md per-port 2019 figures; its Detroit figure also counts the Jun 2019 duplicate.
    by_port = dict(
        con.execute(
            "SELECT port_name, sum(value) FROM bts_crossings WHERE measure = ? "
            "AND year(month) = 2019 AND border = 'US-Canada' GROUP BY port_name",
            [PVP],
        ).fetchall()
    )
    assert abs(by_port["Buffalo Niagara Falls"] - 10.5e6) < 0.05e6
    assert abs(by_port["Blaine"] - 7.7e6) < 0.05e6
    assert abs(by_port["Port Huron"] - 3.0e6) < 0.05e6
    assert abs(by_port["Detroit"] + 599_521 - 7.6e6) < 0.05e6


@pytest.mark.parametrize(
    ("year", "millions"), [(1996, 101.1), (2010, 56.8), (2020, 10.1), (2021, 6.4), (2023, 40.6)]
)
def test_yearly_passengers_from_sources_md(
    con: duckdb.DuckDBPyConnection, year: int, millions: float
) -> None:
    got = _one(
        con,
        f"SELECT sum(value) FROM bts_crossings WHERE border = 'US-Canada' AND measure = '{PVP}' "
        f"AND year(month) = {year}",
    )
    assert abs(float(got) / 1e6 - millions) < 0.06  # type: ignore[arg-type]


def test_ports_months_and_codes(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(con, "SELECT count(DISTINCT port_code) FROM bts_crossings WHERE border='US-Canada'")
        == 89
    )
    assert _one(con, "SELECT count(*) FROM bts_crossings WHERE length(port_code) <> 4") == 0
    # Leading zero kept (Jackman ME is 0104 in the source).
    assert _one(con, "SELECT DISTINCT port_name FROM bts_crossings WHERE port_code = '0104'") == (
        "Jackman"
    )
    months = [r[0] for r in con.execute("SELECT DISTINCT month FROM bts_crossings").fetchall()]
    expected = [date(y, m, 1) for y in range(1996, 2025) for m in range(1, 13)]
    expected = [d for d in expected if d <= date(2024, 2, 1)]
    assert sorted(months) == expected  # Jan 1996 .. Feb 2024, every month
    for border in ("US-Canada", "US-Mexico"):
        n = _one(con, f"SELECT count(DISTINCT month) FROM bts_crossings WHERE border = '{border}'")
        assert n == len(expected)
    assert _one(con, "SELECT count(DISTINCT measure) FROM bts_crossings") == 12
    states = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT state FROM bts_crossings WHERE border = 'US-Canada'"
        ).fetchall()
    }
    assert states == {
        "Alaska",
        "Idaho",
        "Maine",
        "Michigan",
        "Minnesota",
        "Montana",
        "New York",
        "North Dakota",
        "Vermont",
        "Washington",
    }


def test_quirk_rules(con: duckdb.DuckDBPyConnection, bts_raw_rows: list[dict[str, str]]) -> None:
    # Conflicting key: Sasabe AZ, Feb 2021, Bus Passengers, 0 and 2175 -> keep the larger.
    sasabe = [
        int(r["Value"])
        for r in bts_raw_rows
        if r["Port Name"] == "Sasabe"
        and r["Date"] == "Feb 2021"
        and r["Measure"] == "Bus Passengers"
    ]
    assert sorted(sasabe) == [0, 2175]
    got = con.execute(
        "SELECT value FROM bts_crossings WHERE port_name = 'Sasabe' AND month = DATE '2021-02-01' "
        "AND measure = 'Bus Passengers'"
    ).fetchall()
    assert got == [(max(sasabe),)]
    issues = con.execute("SELECT kind, key, detail FROM load_issues").fetchall()
    kinds = Counter(k for k, _, _ in issues)
    assert kinds == {"exact_duplicate": 10, "conflicting_key": 1}
    conflict = next(d for k, _, d in issues if k == "conflicting_key")
    assert "0" in conflict and "2175" in conflict
    # Zero rows are real zero counts and kept: as many as in the raw file's distinct keys.
    zero_keys = {
        (r["Port Code"], r["Date"], r["Measure"]) for r in bts_raw_rows if r["Value"] == "0"
    }
    zero_keys.discard(("2606", "Feb 2021", "Bus Passengers"))  # resolved to 2175
    assert _one(con, "SELECT count(*) FROM bts_crossings WHERE value = 0") == len(zero_keys)
    share = len(zero_keys) / len(bts_raw_rows)
    assert 0.29 < share < 0.33  # SOURCES.md: about 31%
    assert _one(con, "SELECT count(*) FROM bts_crossings WHERE value < 0 OR value IS NULL") == 0


def test_coordinates_as_published(
    con: duckdb.DuckDBPyConnection, bts_raw_rows: list[dict[str, str]]
) -> None:
    first = bts_raw_rows[0]
    got = con.execute(
        "SELECT latitude, longitude FROM bts_crossings WHERE port_code = ? LIMIT 1",
        [first["Port Code"]],
    ).fetchone()
    assert got == (float(first["Latitude"]), float(first["Longitude"]))


# --- other tables --------------------------------------------------------------------------


def test_transborder_monthly(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM transborder_monthly") == 10_213
    total = _one(
        con, "SELECT sum(value_usd) FROM transborder_monthly WHERE country='Canada' AND year=2019"
    )
    assert abs(float(total) / 1e9 - 612) < 0.5  # type: ignore[arg-type]
    truck = {
        y: float(v) / 1e9
        for y, v in con.execute(
            "SELECT year, sum(value_usd) FROM transborder_monthly WHERE country = 'Canada' "
            "AND mode = 'Truck' AND year IN (2019, 2024) GROUP BY year"
        ).fetchall()
    }
    assert abs(truck[2019] - 343) < 0.5 and abs(truck[2024] - 423) < 0.5
    for year, billions in ((2020, 525), (2023, 774), (2024, 761)):
        v = _one(
            con,
            "SELECT sum(value_usd) FROM transborder_monthly "
            f"WHERE country = 'Canada' AND year = {year}",
        )
        assert abs(float(v) / 1e9 - billions) < 1.0  # type: ignore[arg-type]  # $1 B figures


def test_transborder_weight_is_short_tons(con: duckdb.DuckDBPyConnection) -> None:
    """The monthly ``Weight`` equals the raw dot1 kilograms / 907.18474 (Jan 2015 imports)."""
    with gzip.open(DATA / "transborder/dot1_0115_canada.csv.gz", "rt", encoding="utf-8") as fh:
        kg: Counter[str] = Counter()
        for r in csv.DictReader(fh):
            if r["TRDTYPE"] == "2":
                kg[r["DISAGMOT"]] += float(r["SHIPWT"])
    tons = dict(
        con.execute(
            "SELECT mode, weight_short_tons FROM transborder_monthly WHERE year = 2015 "
            "AND month = 1 AND country = 'Canada' AND trade_type = 'import'"
        ).fetchall()
    )
    for code, mode in (("5", "Truck"), ("6", "Rail"), ("7", "Pipeline"), ("1", "Vessel")):
        assert tons[mode] == pytest.approx(kg[code] / 907.18474, rel=2e-3), mode


def test_transborder_port_jan2015(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM transborder_port_jan2015") == 17_116
    truck = _one(con, "SELECT sum(value_usd) FROM transborder_port_jan2015 WHERE mode='truck'")
    assert abs(float(truck) / 1e9 - 26.4) < 0.05  # type: ignore[arg-type]
    total = _one(con, "SELECT sum(value_usd) FROM transborder_port_jan2015")
    assert abs(float(total) / 1e9 - 48.05) < 0.01  # type: ignore[arg-type]
    top = con.execute(
        "SELECT port_code, sum(value_usd) / 1e9 FROM transborder_port_jan2015 WHERE mode='truck' "
        "GROUP BY port_code ORDER BY 2 DESC LIMIT 3"
    ).fetchall()
    assert [p for p, _ in top] == ["3801", "0901", "3802"]  # Detroit, Buffalo, Port Huron
    assert abs(top[0][1] - 8.6) < 0.05 and abs(top[1][1] - 4.8) < 0.05
    assert (
        _one(
            con,
            "SELECT count(*) FROM (SELECT DISTINCT trade_type, us_state, port_code, mode, "
            "canadian_province_code, domestic_foreign, container_code "
            "FROM transborder_port_jan2015)",
        )
        == 17_116
    )


def test_peace_arch_hourly(con: duckdb.DuckDBPyConnection) -> None:
    n, first, last, mean, mx = con.execute(
        "SELECT count(DISTINCT hour_start), min(hour_start), max(hour_start), avg(delay_min), "
        "max(delay_min) FROM peace_arch_hourly_delay"
    ).fetchone()  # type: ignore[misc]
    assert n == 52_584 == _one(con, "SELECT count(*) FROM peace_arch_hourly_delay")
    assert (first, last) == (datetime(2013, 1, 1, 0), datetime(2018, 12, 31, 23))
    # Independent mean from the raw file; SOURCES.md says "about 8.5 min, max 91".
    path = DATA / "cascade_gateway/peace_arch_southbound_cars_hourly_delay_2013-01_2018-12.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw = [float(r["delay_min"]) for r in csv.DictReader(fh) if r["delay_min"] != ""]
    assert mean == pytest.approx(sum(raw) / len(raw), rel=1e-12)
    assert abs(mean - 8.5) < 0.25 and mx == 91
    assert _one(con, "SELECT count(*) FROM peace_arch_hourly_delay WHERE delay_min IS NULL") > 0


def _raw_means(relative: str) -> dict[str, float]:
    """Column means of a Cascade Gateway file over non-empty cells (standard library)."""
    with gzip.open(DATA / relative, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for col in rows[0]:
        if col != "Group Starts":
            vals = [float(r[col]) for r in rows if r[col] != ""]
            out[col] = sum(vals) / len(vals)
    return out


def test_cascade_daily(con: duckdb.DuckDBPyConnection) -> None:
    per_lane = dict(
        con.execute("SELECT lane, count(*) FROM peace_arch_north_daily GROUP BY lane").fetchall()
    )
    assert per_lane == {"general": 546, "nexus": 546}
    stats = {
        lane: (vol, delay)
        for lane, vol, delay in con.execute(
            "SELECT lane, avg(volume), avg(avg_delay_min) FROM peace_arch_north_daily GROUP BY lane"
        ).fetchall()
    }
    north = _raw_means("cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz")
    assert stats["general"][0] == pytest.approx(north["Sum - Volume (Peace Arch North Cars)"])
    assert stats["nexus"][0] == pytest.approx(north["Sum - Volume (Peace Arch North NEXUS)"])
    assert stats["general"][1] == pytest.approx(north["Avg - Delay (Peace Arch North Cars)"])
    assert stats["nexus"][1] == pytest.approx(north["Avg - Delay (Peace Arch North NEXUS)"])
    # SOURCES.md: "about 3,000 general and 2,900 NEXUS cars a day; 9.6 vs 2.2 min". The
    # plain means over the 546 shipped days are 3,130 / 2,874 cars and 10.0 / 2.5 min.
    assert stats["general"][0] == pytest.approx(3000, rel=0.05)
    assert stats["nexus"][0] == pytest.approx(2900, rel=0.05)
    assert abs(stats["general"][1] - 9.6) < 0.5 and abs(stats["nexus"][1] - 2.2) < 0.5
    assert _one(con, "SELECT count(DISTINCT day) FROM cascade_trucks_daily") == 821
    pac_south = _one(
        con,
        "SELECT avg(volume) FROM cascade_trucks_daily WHERE crossing = 'Pacific Highway' "
        "AND direction = 'southbound'",
    )
    trucks = _raw_means("cascade_gateway/all_trucks_20180101_20200331.csv.gz")
    assert pac_south == pytest.approx(trucks["Sum - Volume (Pacific Highway South Trucks)"])
    assert abs(float(pac_south) - 1515) < 10  # type: ignore[arg-type]
    assert (
        _one(
            con,
            "SELECT count(*) FROM cascade_trucks_daily WHERE crossing = 'Sumas/Huntingdon' "
            "AND direction = 'southbound'",
        )
        == 0
    )


# --- load mechanics ------------------------------------------------------------------------


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    c = connect_readonly(db)
    try:
        out = {}
        for s in TABLE_SOURCES:
            cols = ", ".join(s.table.column_names)
            out[s.table.name] = c.execute(
                f"SELECT {cols} FROM {s.table.name} ORDER BY ALL"
            ).fetchall()
        out["load_log"] = c.execute(
            "SELECT * EXCLUDE (loaded_at) FROM load_log ORDER BY ALL"
        ).fetchall()
        out["load_issues"] = c.execute("SELECT * FROM load_issues ORDER BY ALL").fetchall()
        return out
    finally:
        c.close()


def test_loading_twice_changes_nothing_and_readers_keep_reading(
    warehouse_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "twice.duckdb"
    shutil.copyfile(warehouse_path, db)
    reader = connect_readonly(db)  # a "server" holding the old file open
    before = _one(reader, "SELECT count(*) FROM bts_crossings")
    summary = build_warehouse(db)
    # The old connection still reads the old (unlinked) file, undisturbed.
    assert _one(reader, "SELECT count(*) FROM bts_crossings") == before
    reader.close()
    assert summary.row_counts["bts_crossings"] == before
    assert _contents(db) == _contents(warehouse_path)
    assert _files(tmp_path) == ["twice.duckdb", "twice.duckdb.lock"]


def _broken_data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("geo", "source"))
    bts = data / BTS_FILE
    bts.write_bytes(bts.read_bytes()[:1_000_000])  # truncated gzip
    return data


def test_failed_build_leaves_previous_database_intact(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "db" / "w.duckdb"
    db.parent.mkdir()
    shutil.copyfile(warehouse_path, db)
    sha = _sha(db)
    with pytest.raises(DataFormatError, match="truncated gzip"):
        build_warehouse(db, data_dir=_broken_data_dir(tmp_path))
    assert _sha(db) == sha
    assert _files(db.parent) == ["w.duckdb", "w.duckdb.lock"]


def test_interrupted_build_leaves_previous_database_intact(
    warehouse_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = _sha(db)

    def interrupt(step: str, done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_warehouse(db, progress=interrupt)
    assert _sha(db) == sha
    assert _files(tmp_path) == ["w.duckdb", "w.duckdb.lock"]


def test_first_build_creates_folder_and_reports_progress(tmp_path: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    db = tmp_path / "new" / "sub" / "w.duckdb"
    summary = build_warehouse(db, progress=lambda s, d, t: steps.append((s, d, t)))
    assert db.is_file()
    assert steps[-1][1] == steps[-1][2] == len(TABLE_SOURCES) + 1
    assert [d for _, d, _ in steps] == sorted(d for _, d, _ in steps)
    assert set(summary.row_counts) == {s.table.name for s in TABLE_SOURCES} | {
        m.name for m in META_TABLES
    }


def test_concurrent_load_is_refused(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = _sha(db)
    with (tmp_path / "w.duckdb.lock").open("w") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another loader at work
        with pytest.raises(WarehouseBusyError, match="another `borderflow load`"):
            build_warehouse(db)
        with pytest.raises(WarehouseBusyError):
            update_warehouse(DATA / BTS_FILE, db)
    assert _sha(db) == sha
    assert _files(tmp_path) == ["w.duckdb", "w.duckdb.lock"]


def test_new_connections_see_a_reload_open_ones_keep_theirs(
    warehouse_path: Path, tmp_path: Path
) -> None:
    """As a long-running server: one connection stays open across a swap."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    old = connect_readonly(db)
    n = _one(old, "SELECT count(*) FROM bts_crossings")
    march = tmp_path / "march.csv"
    with gzip.open(DATA / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = [r for i, r in enumerate(csv.reader(fh)) if i == 0 or r[4] == "Feb 2024"]
    with march.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + [[*r[:4], "Mar 2024", *r[5:]] for r in rows[1:]])
    update_warehouse(march, db)
    new = connect_readonly(db)
    assert _one(new, "SELECT count(*) FROM bts_crossings") == n + len(rows) - 1
    assert _one(old, "SELECT count(*) FROM bts_crossings") == n
    old.close()
    new.close()


def test_connect_readonly(warehouse_path: Path, tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError, match="borderflow load"):
        connect_readonly(tmp_path / "nope.duckdb")
    c = connect_readonly(warehouse_path)
    with pytest.raises(duckdb.Error):
        c.execute("DELETE FROM bts_crossings")
    c.close()
    assert issubclass(WarehouseMissingError, FileNotFoundError)


# --- the extension point --------------------------------------------------------------------

_EXTRA = Table(
    name="extra",
    description="A test table.",
    columns=(
        Column("code", "VARCHAR", "", "A code."),
        Column("volume", "BIGINT", "vehicles/day", "A count.", nullable=True),
    ),
    primary_key=("code",),
)


def test_a_table_source_is_one_entry(tmp_path: Path) -> None:
    frame = pd.DataFrame({"code": ["a", "b"], "volume": [3, None], "ignored": [0, 0]})
    source = TableSource(_EXTRA, (), lambda data_dir: frame)
    db = tmp_path / "x.duckdb"
    summary = build_warehouse(db, sources=[source])
    assert summary.row_counts["extra"] == 2
    con = connect_readonly(db)
    assert con.execute("SELECT * FROM extra ORDER BY code").fetchall() == [("a", 3), ("b", None)]
    assert con.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'extra'"
    ).fetchall() == [("VARCHAR",), ("BIGINT",)]
    con.close()


def test_duplicate_key_from_a_source_is_refused(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = _sha(db)
    frame = pd.DataFrame({"code": ["a", "a"], "volume": [1, 2]})
    with pytest.raises(DataFormatError, match=r"table extra: 2 rows share the key \(code\) = a"):
        build_warehouse(db, sources=[TableSource(_EXTRA, (), lambda data_dir: frame)])
    assert _sha(db) == sha
