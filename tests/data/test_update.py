"""``update_warehouse``: newer BTS releases, new-months-only files, other spellings.

The update files are made here from the shipped file: a "newer release" is the shipped
rows plus synthetic March/April 2024 rows (copies of February 2024 with other values)
and two revised values, so every expected count follows from how the file was made.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from borderflow._config import shipped_data_dir
from borderflow.data import (
    WarehouseMissingError,
    connect_readonly,
    parse_bts_month,
    update_warehouse,
)
from borderflow.data._catalogue import BTS_FILE

HEADER = [
    "Port Name",
    "State",
    "Port Code",
    "Border",
    "Date",
    "Measure",
    "Value",
    "Latitude",
    "Longitude",
    "Point",
]
N_KEYS = 390_294  # distinct (port, month, measure) in the shipped file


@pytest.fixture(scope="module")
def shipped_rows() -> list[list[str]]:
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    return rows[1:]


def _month_rows(shipped: list[list[str]], label: str, bump: int) -> list[list[str]]:
    """February 2024 rows relabelled as month ``label`` with value + ``bump``."""
    out = []
    for r in shipped:
        if r[4] == "Feb 2024":
            new = list(r)
            new[4] = label
            new[6] = str(int(r[6]) + bump)
            out.append(new)
    return out


def _write(path: Path, header: list[str], rows: list[list[str]], *, gz: bool = True) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=1) if gz else data)
    return path


@pytest.fixture
def db(warehouse_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, path)
    return path


def _count(db: Path, sql: str, params: list[object] | None = None) -> object:
    con = connect_readonly(db)
    try:
        row = con.execute(sql, params or []).fetchone()
        assert row is not None
        return row[0]
    finally:
        con.close()


def test_full_newer_release(db: Path, tmp_path: Path, shipped_rows: list[list[str]]) -> None:
    march = _month_rows(shipped_rows, "Mar 2024", 7)
    april = _month_rows(shipped_rows, "Apr 2024", 11)
    rows = [list(r) for r in shipped_rows]
    # Revise two values: one on each border.
    revised_idx = [
        next(i for i, r in enumerate(rows) if r[3] == "US-Canada Border" and r[4] == "Jan 2024"),
        next(i for i, r in enumerate(rows) if r[3] == "US-Mexico Border" and r[4] == "Dec 2023"),
    ]
    old = {i: int(rows[i][6]) for i in revised_idx}
    for i in revised_idx:
        rows[i][6] = str(old[i] + 1000)
    path = _write(tmp_path / "Border_Crossing_Entry_Data.csv.gz", HEADER, rows + march + april)

    steps: list[str] = []
    summary = update_warehouse(path, db, progress=lambda s, d, t: steps.append(s))
    assert summary.months_added == (date(2024, 3, 1), date(2024, 4, 1))
    assert summary.rows_added == len(march) + len(april)
    assert {r[3] for r in march} == {"US-Canada Border", "US-Mexico Border"}
    assert summary.values_revised == 2
    assert summary.rows_unchanged == N_KEYS - 2
    assert summary.rows_not_in_file == 0
    assert summary.rows_read == len(rows) + len(march) + len(april)
    got = {
        (e.port_code, e.month, e.measure): (e.old_value, e.new_value)
        for e in summary.revised_examples
    }
    for i in revised_idx:
        key = (rows[i][2], parse_bts_month(rows[i][4]), rows[i][5])
        assert got[key] == (old[i], old[i] + 1000)
    # The file carries the shipped quirks again: resolved by the same rules.
    assert {i.kind for i in summary.issues} == {"exact_duplicate", "conflicting_key"}
    assert steps[-1] == "done"

    assert _count(db, "SELECT count(*) FROM bts_crossings") == N_KEYS + len(march) + len(april)
    assert _count(
        db, "SELECT sum(value) FROM bts_crossings WHERE month = DATE '2024-03-01'"
    ) == sum(int(r[6]) for r in march)
    i = revised_idx[0]
    assert (
        _count(
            db,
            "SELECT value FROM bts_crossings WHERE port_code = ? AND month = ? AND measure = ?",
            [rows[i][2], parse_bts_month(rows[i][4]), rows[i][5]],
        )
        == old[i] + 1000
    )
    assert _count(db, "SELECT count(*) FROM load_log WHERE kind = 'update'") == 1
    assert _count(db, "SELECT months_added FROM load_log WHERE kind = 'update'") == [
        date(2024, 3, 1),
        date(2024, 4, 1),
    ]
    # Applying the same release again changes nothing.
    again = update_warehouse(path, db)
    assert (again.rows_added, again.values_revised, again.months_added) == (0, 0, ())
    assert again.rows_unchanged == N_KEYS + len(march) + len(april)
    assert not again.changed
    assert [p.name for p in tmp_path.iterdir() if "tmp" in p.name] == []


def test_identical_release_reports_no_change(db: Path) -> None:
    summary = update_warehouse(shipped_data_dir() / BTS_FILE, db)
    assert (summary.rows_added, summary.values_revised, summary.months_added) == (0, 0, ())
    assert summary.rows_unchanged == N_KEYS
    assert _count(db, "SELECT count(*) FROM bts_crossings") == N_KEYS


def test_new_months_only(db: Path, tmp_path: Path, shipped_rows: list[list[str]]) -> None:
    march = _month_rows(shipped_rows, "Mar 2024", 3)
    path = _write(tmp_path / "march.csv", HEADER, march, gz=False)
    summary = update_warehouse(path, db)
    assert summary.months_added == (date(2024, 3, 1),)
    assert summary.rows_added == len(march)
    assert (summary.values_revised, summary.rows_unchanged) == (0, 0)
    assert summary.rows_not_in_file == N_KEYS
    assert (
        _count(
            db, "SELECT count(DISTINCT border) FROM bts_crossings WHERE month = DATE '2024-03-01'"
        )
        == 2
    )


def test_snake_case_iso_dates_unpadded_codes(
    warehouse_path: Path, tmp_path: Path, shipped_rows: list[list[str]]
) -> None:
    """The BTS open-data export spelling gives the same table as our own spelling."""
    march = _month_rows(shipped_rows, "Mar 2024", 5)
    ours = tmp_path / "ours.duckdb"
    shutil.copyfile(warehouse_path, ours)
    update_warehouse(_write(tmp_path / "ours.csv.gz", HEADER, march), ours)

    # Socrata-style: snake_case, other column order, ISO timestamps, no coordinates,
    # port code without leading zero, thousands separators, UTF-8 BOM, plain CSV.
    header = ["port_name", "state", "port_code", "border", "date", "measure", "value"]
    formats = ["2024-03-01T00:00:00.000", "03/01/2024 12:00:00 AM", "2024-03-01", "March 2024"]
    rows = [
        [r[0], r[1], r[2].lstrip("0"), r[3], formats[k % len(formats)], r[5], f"{int(r[6]):,}"]
        for k, r in enumerate(march)
    ]
    assert any("," in r[6] for r in rows) and any(len(r[2]) < 4 for r in rows)
    snake = tmp_path / "snake.duckdb"
    shutil.copyfile(warehouse_path, snake)
    path = _write(tmp_path / "snake.csv", header, rows, gz=False)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    summary = update_warehouse(path, snake)
    assert summary.rows_added == len(march)

    def table(db: Path) -> list[tuple[object, ...]]:
        con = connect_readonly(db)
        try:
            return con.execute(
                "SELECT * FROM bts_crossings WHERE month = DATE '2024-03-01' ORDER BY ALL"
            ).fetchall()
        finally:
            con.close()

    assert table(snake) == table(ours)
    assert (
        _count(
            snake,
            "SELECT count(*) FROM bts_crossings WHERE month = DATE '2024-03-01' "
            "AND latitude IS NULL",
        )
        == 0
    )


@pytest.mark.parametrize(
    "text",
    [
        "Jan 2024",
        "January 2024",
        "01/01/2024 12:00:00 AM",
        "01/01/2024",
        "2024-01-01",
        "2024-01-01T00:00:00.000",
        "2024-01-01T00:00:00",
        "2024-01-01 00:00:00",
        "2024-01",
    ],
)
def test_month_spellings(text: str) -> None:
    assert parse_bts_month(text) == date(2024, 1, 1)


@pytest.mark.parametrize("text", ["2024-01-15", "01/01/2024 03:00:00 PM", "Jnu 2024", "2024"])
def test_bad_month_spellings(text: str) -> None:
    with pytest.raises(ValueError):
        parse_bts_month(text)


def test_update_without_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError, match="borderflow load"):
        update_warehouse(shipped_data_dir() / BTS_FILE, tmp_path / "none.duckdb")
