"""Issue 7 item 2: an update is checked before anything is written.

A realistic newer release is made from the shipped file the way BTS releases differ: the
last twelve months (March 2023 - February 2024) shifted forward a year with values a few
percent off, plus a few revised values of 2023. It loads with a report. Each malformed
variant changes one row of it and must be refused naming file, line, column and reason,
with the database byte-identical and untouched.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from borderflow.data import DataFormatError, connect_readonly, update_warehouse
from borderflow.data._plausible import GLOBAL_FACTOR, PORT_FACTOR, SLACK_FACTOR
from tests.data._bts_testfiles import file_state, write_csv

TODAY = date(2025, 6, 15)  # the release below ends 2025-02; months up to 2025-05 are over
COL = {"port_name": 0, "state": 1, "port_code": 2, "border": 3, "date": 4, "measure": 5}
VALUE = 6


def _shift(label: str) -> str:
    d = datetime.strptime(label, "%b %Y")
    return d.replace(year=d.year + 1).strftime("%b %Y")


def newer_rows(rows: list[list[str]], seed: int = 7) -> list[list[str]]:
    """Rows of March 2023 - February 2024 moved a year on, values within +-5 %."""
    rng = random.Random(seed)
    last12 = {datetime(2023, m, 1).strftime("%b %Y") for m in range(3, 13)} | {
        "Jan 2024",
        "Feb 2024",
    }
    out = []
    for r in rows:
        if r[4] in last12:
            new = list(r)
            new[4] = _shift(r[4])
            new[VALUE] = str(round(int(r[VALUE]) * rng.uniform(0.95, 1.05)))
            out.append(new)
    return out


@pytest.fixture(scope="module")
def release(
    bts_rows: tuple[list[str], list[list[str]]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, int]:
    """A full newer release file: (path, rows added, values revised)."""
    header, rows = bts_rows
    body = [list(r) for r in rows]
    rng = random.Random(3)
    candidates = [i for i, r in enumerate(body) if r[4].endswith("2023") and int(r[VALUE]) > 100]
    revised = rng.sample(candidates, 20)
    for i in revised:
        body[i][VALUE] = str(int(body[i][VALUE]) + rng.choice((-1, 1)) * 37)
    new = newer_rows(rows)
    path = write_csv(
        tmp_path_factory.mktemp("release") / "Border_Crossing_Entry_Data.csv.gz",
        header,
        body + new,
        gz=True,
    )
    return path, len(new), len(revised)


@pytest.fixture
def db(warehouse_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, path)
    return path


def test_realistic_newer_release_loads_with_a_report(db: Path, release: tuple[Path, int, int]):
    path, n_new, n_revised = release
    summary = update_warehouse(path, db, today=TODAY)
    want = tuple(date(2024 + (m < 3), m, 1) for m in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2))
    assert summary.months_added == tuple(sorted(want))
    assert summary.rows_added == n_new
    assert summary.values_revised == n_revised
    assert summary.warnings == ()
    con = connect_readonly(db)
    try:
        rows = con.execute(
            "SELECT count(*), min(month), max(month) FROM bts_crossings "
            "WHERE month >= DATE '2024-03-01'"
        ).fetchall()
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = 'bts_crossings'"
            ).fetchall()
        )
    finally:
        con.close()
    assert rows == [(n_new, date(2024, 3, 1), date(2025, 2, 1))]
    # what the forecast batch reads: first-of-month DATEs and integer values
    assert types["month"] == "DATE" and types["value"] == "BIGINT"


@pytest.fixture(scope="module")
def march(bts_rows: tuple[list[str], list[list[str]]]) -> tuple[list[str], list[list[str]]]:
    """A new-months-only file: March 2024 of the realistic release."""
    header, rows = bts_rows
    return header, [r for r in newer_rows(rows) if r[4] == "Mar 2024"]


def _row_of(rows: list[list[str]], code: str, measure: str) -> int:
    return next(i for i, r in enumerate(rows) if r[2] == code and r[5] == measure)


# (name, port code, measure, column, new value, words expected in the message)
CASES = [
    ("future month", "3004", "Trucks", "Date", "Jul 2025", "has not ended"),
    ("before 1996", "3004", "Trucks", "Date", "Dec 1995", "before January 1996"),
    ("unknown measure", "3004", "Trucks", "Measure", "Hovercraft", "not a measure BTS"),
    ("measure case", "3004", "Trucks", "Measure", "trucks", "not a measure BTS"),
    ("unknown port", "3004", "Trucks", "Port Code", "9999", "--accept-new-ports"),
    ("state changes", "3004", "Trucks", "State", "Montana", "port 3004 is in Washington"),
    ("border changes", "3004", "Trucks", "Border", "US-Mexico Border", "border"),
    ("1e9 trucks, one-lane port", "3317", "Trucks", "Value", "1000000000", "implausible"),
    ("negative", "3004", "Trucks", "Value", "-5", "not a whole number"),
    ("too large for int64", "3004", "Trucks", "Value", "99999999999999999999999", "18 digits"),
]


@pytest.mark.parametrize(
    ("code", "measure", "column", "value", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_impossible_rows_are_refused_and_nothing_is_written(
    db: Path,
    tmp_path: Path,
    march: tuple[list[str], list[list[str]]],
    code: str,
    measure: str,
    column: str,
    value: str,
    words: str,
) -> None:
    header, rows = march
    rows = [list(r) for r in rows]
    i = _row_of(rows, code, measure)
    rows[i][header.index(column)] = value
    path = write_csv(tmp_path / "bad.csv", header, rows)
    before = file_state(db)
    with pytest.raises(DataFormatError) as info:
        update_warehouse(path, db, today=TODAY)
    err = info.value
    assert err.path == path and err.line == i + 2 and err.column == column, str(err)
    assert words in str(err)
    assert file_state(db) == before
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".wal" in p.name]


@pytest.fixture(scope="module")
def trucks_slack(bts_raw_rows: list[dict[str, str]]) -> tuple[int, dict[str, int]]:
    """The largest excess of a month over PORT_FACTOR x its port's previous maximum (any
    measure), and each port's Trucks maximum, from the raw file with pandas (independent
    of the SQL rule)."""
    import pandas as pd

    df = pd.DataFrame(bts_raw_rows)
    df["value"] = df["Value"].astype("int64")
    df["month"] = pd.to_datetime(df["Date"], format="%b %Y")
    # the quirk rule keeps the largest of conflicting rows
    key = ["Port Code", "Measure"]
    df = df.groupby([*key, "month"], as_index=False)["value"].max()
    df = df.sort_values([*key, "month"])
    df["prev"] = df.groupby(key)["value"].transform(lambda s: s.cummax().shift(1))
    runs = df[df["prev"] >= 1]
    excess = max(int((runs["value"] - PORT_FACTOR * runs["prev"]).max()), 0)
    trucks = df[df["Measure"] == "Trucks"]
    return excess, trucks.groupby("Port Code")["value"].max().to_dict()


def test_value_within_the_border_record_but_absurd_for_the_port(
    db: Path,
    tmp_path: Path,
    march: tuple[list[str], list[list[str]]],
    trucks_slack: tuple[int, dict[str, int]],
) -> None:
    header, rows = march
    excess, port_max = trucks_slack
    assert excess > 0
    code = min(
        (c for c in {r[2] for r in rows if r[5] == "Trucks"} if port_max.get(c)),
        key=lambda c: port_max[c],
    )
    bound = PORT_FACTOR * port_max[code] + SLACK_FACTOR * excess
    all_max = max(port_max.values())
    assert bound + 1 < GLOBAL_FACTOR * all_max  # only the port rule can catch it
    rows = [list(r) for r in rows]
    i = _row_of(rows, code, "Trucks")
    rows[i][VALUE] = str(bound + 1)
    before = file_state(db)
    with pytest.raises(DataFormatError, match=f"bound {bound:,}") as info:
        update_warehouse(write_csv(tmp_path / "bad.csv", header, rows), db, today=TODAY)
    assert info.value.line == i + 2 and info.value.column == "Value"
    assert file_state(db) == before
    rows[i][VALUE] = str(bound)  # the bound itself is allowed
    assert update_warehouse(write_csv(tmp_path / "ok.csv", header, rows), db, today=TODAY).changed


def test_new_port_needs_the_flag_and_is_reported(
    db: Path, tmp_path: Path, march: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = march
    new = [list(r) for r in rows if r[2] == "3004"]
    for r in new:
        r[0], r[2] = "Newport Crossing", "3099"
    path = write_csv(tmp_path / "new.csv", header, rows + new)
    before = file_state(db)
    with pytest.raises(DataFormatError, match="--accept-new-ports") as info:
        update_warehouse(path, db, today=TODAY)
    assert info.value.line == len(rows) + 2 and info.value.column == "Port Code"
    assert file_state(db) == before
    summary = update_warehouse(path, db, today=TODAY, accept_new_ports=True)
    assert summary.rows_added == len(rows) + len(new)
    assert len(summary.warnings) == 1
    assert "new port 3099 Newport Crossing (Washington" in summary.warnings[0]
    assert f"line {len(rows) + 2}" in summary.warnings[0]


def test_new_port_in_a_state_without_ports_on_that_border_is_refused(
    db: Path, tmp_path: Path, march: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = march
    new = [list(r) for r in rows if r[2] == "3004"][:1]
    new[0][1:4] = ["Texas", "3099", "US-Canada Border"]
    path = write_csv(tmp_path / "new.csv", header, rows + new)
    with pytest.raises(DataFormatError, match="Texas, which has no port on the US-Canada"):
        update_warehouse(path, db, today=TODAY, accept_new_ports=True)


def test_the_last_real_year_loads_as_an_update(
    warehouse_path: Path, tmp_path: Path, bts_raw_rows: list[dict[str, str]]
) -> None:
    """BTS's own March 2023 - February 2024 passes every rule as an update to the years
    before it: the shipped file offered to a warehouse that stops at February 2023."""
    import duckdb

    from borderflow._config import shipped_data_dir
    from borderflow.data._catalogue import BTS_FILE

    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM bts_crossings WHERE month >= DATE '2023-03-01'")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    last_year = {
        (r["Port Code"], r["Date"], r["Measure"])
        for r in bts_raw_rows
        if datetime.strptime(r["Date"], "%b %Y") >= datetime(2023, 3, 1)
    }
    summary = update_warehouse(shipped_data_dir() / BTS_FILE, db, today=date(2024, 3, 20))
    assert summary.months_added[0] == date(2023, 3, 1) and len(summary.months_added) == 12
    assert summary.rows_added == len(last_year)
    assert (summary.values_revised, summary.warnings) == (0, ())


def test_a_renamed_port_loads_with_a_warning(
    db: Path, tmp_path: Path, march: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = march
    rows = [list(r) for r in rows]
    idx = [i for i, r in enumerate(rows) if r[2] == "3004"]
    for i in idx:
        rows[i][0] = "Blaine-Peace Arch"
    summary = update_warehouse(write_csv(tmp_path / "renamed.csv", header, rows), db, today=TODAY)
    assert summary.rows_added == len(rows)
    (warning,) = summary.warnings
    assert warning.startswith(
        f"port 3004 is named 'Blaine-Peace Arch' in this file ({len(idx)} new rows, first at "
        f"line {idx[0] + 2}) and 'Blaine' in the warehouse"
    )
