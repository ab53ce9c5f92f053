"""Malformed input: a clear DataFormatError naming file, line and column; nothing loaded.

Each case is a small file made here. It is offered to ``update_warehouse`` on a copy of
the session warehouse, which must stay byte-identical with no temporary file left.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from borderflow.data import (
    DataFormatError,
    read_bts_crossings,
    read_peace_arch_hourly_delay,
    read_transborder_monthly,
    update_warehouse,
)

HEADER = "Port Name,State,Port Code,Border,Date,Measure,Value,Latitude,Longitude,Point"
ROWS = [
    "Jackman,Maine,0104,US-Canada Border,Mar 2024,Trucks,6556,45.806,-70.397,"
    '"POINT (-70.396722 45.805661)"',
    "Warroad,Minnesota,3423,US-Canada Border,Mar 2024,Personal Vehicle Passengers,9266,"
    '48.999,-95.377,"POINT (-95.376555 48.999)"',
    "Whitlash,Montana,3321,US-Canada Border,Mar 2024,Personal Vehicles,29,48.997,-111.258,"
    '"POINT (-111.257916 48.99725)"',
    "Calais,Maine,0115,US-Canada Border,Mar 2024,Pedestrians,1234,45.189,-67.275,"
    '"POINT (-67.275381 45.188548)"',
]


def _text(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _replace(row: int, field: int, value: str) -> list[str]:
    """ROWS with field ``field`` of data row ``row`` (0-based) replaced."""
    import csv
    import io

    out = []
    for i, line in enumerate(ROWS):
        fields = next(csv.reader([line]))
        if i == row:
            fields[field] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(fields)
        out.append(buf.getvalue()[:-1])
    return out


def _truncated_gzip() -> bytes:
    big = _text(ROWS * 2000)
    data = gzip.compress(big)
    return data[: len(data) // 2]


# name -> (file bytes, file suffix, expected line, expected column, message pattern)
Case = tuple[Callable[[], bytes], str, int | None, str | None, str]
CASES: dict[str, Case] = {
    "missing column": (
        lambda: _text(
            [",".join(r.split(",")[:5] + r.split(",")[6:]) for r in ROWS],
            HEADER.replace(",Measure", ""),
        ),
        ".csv",
        1,
        "measure",
        r"missing column 'measure'",
    ),
    "wrong date format": (
        lambda: _text(_replace(2, 4, "2024/13/45")),
        ".csv",
        4,
        "Date",
        r"unrecognised month.*'2024/13/45'",
    ),
    "date not first of month": (
        lambda: _text(_replace(0, 4, "2024-03-15")),
        ".csv",
        2,
        "Date",
        r"not the first day of a month",
    ),
    "non-numeric value": (
        lambda: _text(_replace(1, 6, "12a")),
        ".csv",
        3,
        "Value",
        r"not a whole number.*'12a'",
    ),
    "negative value": (
        lambda: _text(_replace(3, 6, "-5")),
        ".csv",
        5,
        "Value",
        r"not a whole number",
    ),
    "empty value": (
        lambda: _text(_replace(3, 6, "")),
        ".csv",
        5,
        "Value",
        r"empty value",
    ),
    "bad latitude": (
        lambda: _text(_replace(2, 7, "north")),
        ".csv",
        4,
        "Latitude",
        r"not a number",
    ),
    "unknown border": (
        lambda: _text(_replace(1, 3, "US-Cuba Border")),
        ".csv",
        3,
        "Border",
        r"neither 'US-Canada Border' nor 'US-Mexico Border'",
    ),
    "port code not digits": (
        lambda: _text(_replace(0, 2, "AB12")),
        ".csv",
        2,
        "Port Code",
        r"port code",
    ),
    "latin-1 bytes": (
        lambda: _text(_replace(3, 0, "Montréal")).replace(
            "Montréal".encode(), "Montréal".encode("latin-1")
        ),
        ".csv",
        5,
        "Port Name",
        r"not UTF-8 text: byte 0xe9",
    ),
    "UTF-16 file": (
        lambda: _text(ROWS).decode("utf-8").encode("utf-16"),
        ".csv",
        1,
        None,
        r"UTF-16",
    ),
    "UTF-16 without BOM": (
        lambda: _text(ROWS).decode("utf-8").encode("utf-16-le"),
        ".csv",
        1,
        None,
        r"NUL byte",
    ),
    "empty file": (lambda: b"", ".csv", 1, None, r"empty file"),
    "header only": (lambda: _text([]), ".csv", 2, None, r"no data rows"),
    "truncated gzip": (_truncated_gzip, ".csv.gz", None, None, r"truncated gzip"),
    "missing field": (
        lambda: _text([*ROWS[:2], "Calais,Maine,0115", *ROWS[2:]]),
        ".csv",
        4,
        None,
        r"row has 3 fields, the header has 10",
    ),
    "blank line before a bad value": (
        lambda: _text([ROWS[0], "", ROWS[1], *_replace(2, 6, "x")[2:]]),
        ".csv",
        5,
        "Value",
        r"not a whole number",
    ),
    "quoted newline before a bad date": (
        lambda: _text([_replace(0, 0, "Jack\nman")[0], *_replace(1, 4, "soon")[1:]]),
        ".csv",
        4,
        "Date",
        r"unrecognised month",
    ),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_bts_file(name: str, tmp_path: Path) -> None:
    make, suffix, line, column, pattern = CASES[name]
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(make())
    with pytest.raises(DataFormatError, match=pattern) as info:
        read_bts_crossings(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == path and str(path) in str(err)
    assert err.line == line
    assert err.column == column
    if line is not None:
        assert f"line {line}" in str(err)
    if column is not None:
        assert repr(column) in str(err)


@pytest.mark.parametrize("name", ["wrong date format", "latin-1 bytes", "truncated gzip"])
def test_failed_update_leaves_database_untouched(
    name: str, warehouse_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = _sha(db)
    make, suffix, _, _, pattern = CASES[name]
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(make())
    with pytest.raises(DataFormatError, match=pattern):
        update_warehouse(path, db)
    assert _sha(db) == sha
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert left == sorted(["w.duckdb", path.name])  # no temporary file left


def test_good_small_file_is_accepted(tmp_path: Path) -> None:
    """The control: the unmodified rows read fine (so each case fails for its own reason)."""
    path = tmp_path / "good.csv"
    path.write_bytes(_text(ROWS))
    result = read_bts_crossings(path)
    assert result.table.num_rows == len(ROWS)
    # Sorted by (port_code, measure, month).
    assert result.table.column("port_code").to_pylist() == ["0104", "0115", "3321", "3423"]
    assert result.table.column("value").to_pylist() == [6556, 1234, 29, 9266]


def test_other_sources_name_line_and_column(tmp_path: Path) -> None:
    tb = tmp_path / "tb.csv"
    tb.write_text(
        "Year,Month,Country,Mode,TradeType,TradeValue,Weight,WeightLb\n"
        "2019,1,Canada,Truck,Export,14949155109.0,,\n"
        "2019,13,Canada,Truck,Import,12024943749.0,5061956.3,11159690.1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"line 3, column 'Month': month not in 1..12"):
        read_transborder_monthly(tb)
    tb.write_text(
        "Year,Month,Country,Mode,TradeType,TradeValue,Weight,WeightLb\n"
        "2019,1,Canada,Truck,Barter,1.0,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"line 2, column 'TradeType'"):
        read_transborder_monthly(tb)
    pa_file = tmp_path / "pa.csv"
    pa_file.write_text(
        "hour_start,crossing,direction,lane,delay_min,source\n"
        "2013-01-01 00:00:00,Peace Arch,Southbound,Cars (general),0.0,guerined\n"
        "2013-01-01 1 am,Peace Arch,Southbound,Cars (general),0.2,guerined\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"line 3, column 'hour_start'"):
        read_peace_arch_hourly_delay(pa_file)


def test_crlf_file_without_final_newline_reports_the_right_line(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(_text(_replace(2, 6, "n/a")).replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    with pytest.raises(DataFormatError, match=r"line 4, column 'Value'.*'n/a'"):
        read_bts_crossings(path)


def test_blank_line_and_quoted_newline_together(tmp_path: Path) -> None:
    # Header, row, blank line, a row spread over 2 lines, then the bad row on line 6.
    rows = [ROWS[0], "", _replace(1, 0, "War\nroad")[1], *_replace(2, 6, "x")[2:3]]
    path = tmp_path / "both.csv"
    path.write_bytes(_text(rows))
    with pytest.raises(DataFormatError, match=r"line 6, column 'Value'"):
        read_bts_crossings(path)
