"""Issue 7 item 3: no input produces a traceback.

Hypothesis feeds the BTS reader arbitrary bytes and CSV text, and ``update_warehouse``
mutated real rows. Each input either loads or raises :class:`DataFormatError`; after a
failure the database is byte-identical and untouched.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderflow.data import DataFormatError, read_bts_crossings, update_warehouse
from tests.data._bts_testfiles import file_state

TODAY = date(2025, 6, 15)
HEADER = "Port Name,State,Port Code,Border,Date,Measure,Value,Latitude,Longitude,Point"
FUZZ = settings(
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _read(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        read_bts_crossings(path)
    except DataFormatError as exc:
        assert str(exc).startswith(str(path))


def test_the_int64_overflow_is_one_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        f"{HEADER}\nJackman,Maine,0104,US-Canada Border,Mar 2024,Trucks,"
        "99999999999999999999999,45.8,-70.4,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError) as info:
        read_bts_crossings(path)
    assert (info.value.line, info.value.column) == (2, "Value")
    assert "99999999999999999999999" in str(info.value)


def test_a_field_over_the_csv_module_limit(tmp_path: Path) -> None:
    big = "x" * 200_000  # Python's csv module refuses fields over 131,072 characters
    _read(tmp_path / "big.csv", f"{HEADER}\n{big},Maine\n".encode())
    _read(tmp_path / "big2.csv", f'{HEADER}\n"{big}\n",Maine\n\n'.encode())


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _read(tmp_path / "x.csv", data)
    _read(tmp_path / "x.csv.gz", gzip.compress(data))


_FIELD = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "0104",
            "Mar 2024",
            "-1",
            "1e999",
            "nan",
            "inf",
            "99999999999999999999999",
            "9223372036854775808",
            "1,234",
            "1.0",
            "1.5",
            '"',
            "POINT (1 2)",
            "POINT (nan nan)",
            "\r\n",
            "\x00",
        ]
    ),
)


@FUZZ
@given(rows=st.lists(st.lists(_FIELD, min_size=8, max_size=11), min_size=1, max_size=4))
def test_csv_shaped_text(tmp_path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    _read(tmp_path / "x.csv", (HEADER + "\n" + buf.getvalue()).encode("utf-8", "replace"))


BASE = [
    ["Jackman", "Maine", "0104", "US-Canada Border", "Mar 2024", "Trucks", "6556"],
    ["Warroad", "Minnesota", "3423", "US-Canada Border", "Mar 2024", "Personal Vehicles", "9266"],
    ["Blaine", "Washington", "3004", "US-Canada Border", "Feb 2024", "Buses", "120"],
    ["San Ysidro", "California", "2504", "US-Mexico Border", "Mar 2024", "Pedestrians", "1000"],
]
_MUTANT = st.one_of(
    st.text(max_size=10),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(["Jan 1990", "Dec 2030", "Trains", "Hovercraft", "9999", "US-Mexico Border"]),
)


@pytest.fixture(scope="module")
def fuzz_db(warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "w.duckdb"
    shutil.copyfile(warehouse_path, path)
    return path


@pytest.mark.slow  # 40 updates of a warehouse copy
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 6), _MUTANT),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_real_rows(fuzz_db: Path, tmp_path: Path, edits: list[tuple[int, int, str]]):
    rows = [list(r) for r in BASE]
    for i, j, v in edits:
        rows[i][j] = v
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER.split(",")[:7])
    writer.writerows(rows)
    path = tmp_path / "mut.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    work = tmp_path / "w.duckdb"
    shutil.copyfile(fuzz_db, work)
    before = file_state(work)
    try:
        update_warehouse(path, work, today=TODAY)
    except DataFormatError as exc:
        assert str(exc).startswith(str(path))
        assert file_state(work) == before
    finally:
        work.unlink()


@pytest.mark.slow  # 30 update attempts on a warehouse copy
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tail=st.binary(max_size=300), header=st.booleans())
def test_update_with_arbitrary_bytes(fuzz_db: Path, tmp_path: Path, tail: bytes, header: bool):
    path = tmp_path / "bytes.csv"
    path.write_bytes((HEADER.encode() + b"\n" if header else b"") + tail)
    work = tmp_path / "w.duckdb"
    shutil.copyfile(fuzz_db, work)
    before = file_state(work)
    try:
        update_warehouse(path, work, today=TODAY)
    except DataFormatError as exc:
        assert str(exc).startswith(str(path))
        assert file_state(work) == before
    finally:
        work.unlink()
