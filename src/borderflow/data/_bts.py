"""Reader of the BTS Border Crossing Entry Data (shipped file and newer releases)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from borderflow.data import _columns as colmap
from borderflow.data._csv import LoadIssue, RawCsv, ReadResult, read_raw_csv
from borderflow.data._errors import DataFormatError

__all__ = ["MONTH_FORMATS", "BtsFile", "parse_bts_month", "read_bts_crossings", "read_bts_file"]

#: Accepted spellings of a BTS ``Date`` (strptime formats), tried in order.
MONTH_FORMATS = (
    "%b %Y",  # Jan 2024 (our shipped file)
    "%B %Y",  # January 2024
    "%m/%d/%Y %I:%M:%S %p",  # 01/01/2024 12:00:00 AM (BTS open-data CSV export)
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S.%f",  # 2024-01-01T00:00:00.000 (BTS open-data API)
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m",
    "%b-%Y",
    "%b-%y",  # Jan-24 (spreadsheet export)
)


def parse_bts_month(text: str) -> date:
    """Parse a BTS ``Date`` in any of the accepted spellings to the month's first day.

    Accepted: ``"Jan 2024"``, ``"January 2024"``, ``"01/01/2024 12:00:00 AM"``,
    ``"2024-01-01"``, ``"2024-01-01T00:00:00.000"``, ``"2024-01"`` and a few others.

    Raises
    ------
    ValueError
        If no format matches, or the date is not the first day of a month at midnight.
    """
    for fmt in MONTH_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.day != 1 or parsed.time() != datetime.min.time():
            raise ValueError("date is not the first day of a month at 00:00")
        return parsed.date()
    raise ValueError("unrecognised month; expected e.g. 'Jan 2024', '2024-01-01' or '01/01/2024'")


def _port_code(text: str) -> str:
    if not re.fullmatch(r"[0-9]{1,4}", text):
        raise ValueError("port code is not 1-4 digits")
    return text.zfill(4)


_POINT = r"^POINT\s*\(\s*(?P<lon>[-+0-9.eE]+)\s+(?P<lat>[-+0-9.eE]+)\s*\)$"


def _bts_coordinates(raw: RawCsv, cols: dict[str, str]) -> tuple[pa.Array, pa.Array]:
    """Latitude and longitude from their columns, else from WKT ``Point``, else NULL."""
    n = raw.num_rows
    if "latitude" in cols and "longitude" in cols:
        lat = raw.floats(cols["latitude"], nullable=True)
        lon = raw.floats(cols["longitude"], nullable=True)
    elif "point" in cols:
        col = cols["point"]
        arr = raw.strings(col)
        parts = pc.extract_regex(arr, _POINT)
        raw.check(
            pc.and_(pc.is_null(parts), pc.not_equal(arr, "")), col, "not a WKT 'POINT (lon lat)'"
        )
        lat = pc.cast(pc.struct_field(parts, "lat"), pa.float64())
        lon = pc.cast(pc.struct_field(parts, "lon"), pa.float64())
    else:
        return pa.nulls(n, pa.float64()), pa.nulls(n, pa.float64())
    where = cols.get("latitude", cols.get("point", ""))
    raw.check(pc.greater(pc.abs(lat), 90.0), where, "latitude outside -90..90")
    raw.check(pc.greater(pc.abs(lon), 180.0), cols.get("longitude", where), "longitude outside")
    return lat, lon


_BTS_ATTRS = "port_code, port_name, state, border, month, measure, value, latitude, longitude"


@dataclass(frozen=True)
class BtsFile:
    """A BTS file read for an update: the rows plus where each came from.

    Parameters
    ----------
    result
        As :func:`read_bts_crossings` returns it, plus a ``_row`` column: the 0-based data
        row each kept row was read from (for messages naming its line).
    raw
        The file as text columns (line numbers, header names).
    columns
        Our column name -> the file's header name.
    all_rows
        Every row read, before the quirk rules dropped any (same columns as ``result``).
    """

    result: ReadResult
    raw: RawCsv
    columns: dict[str, str]
    all_rows: pa.Table

    def fail(self, row: int, column: str, problem: str) -> NoReturn:
        """Raise :class:`DataFormatError` at data row ``row`` in our ``column``."""
        self.raw.fail(row, self.columns.get(column, column), problem)


def read_bts_crossings(path: Path | str) -> ReadResult:
    """Read a BTS Border Crossing Entry Data file into ``bts_crossings`` rows.

    Accepts the shipped file, a newer full release or a file of new months only, with
    headers as in the shipped file or in snake_case; see ``docs/data.md`` for the accepted
    spellings. Quirk rules: exact duplicate rows are dropped (one kept); rows sharing
    (port_code, month, measure) with different values keep the **largest** value. Both are
    returned as issues.

    Parameters
    ----------
    path
        ``.csv`` or ``.csv.gz`` file.

    Returns
    -------
    ReadResult
        Rows in ``bts_crossings`` columns, unique on the key, sorted by key.

    Raises
    ------
    DataFormatError
        Missing column or unreadable value, naming file, line and column.
    """
    bts = read_bts_file(path)
    table = bts.result.table.drop_columns(["_row"])
    return ReadResult(table, bts.result.path, bts.result.rows_read, bts.result.issues)


def read_bts_file(path: Path | str) -> BtsFile:
    """Read a BTS file as :func:`read_bts_crossings` does, keeping each row's origin.

    Raises
    ------
    DataFormatError
        For every problem found in the file. Any other error of the CSV and Arrow
        machinery on a file they cannot handle is turned into one too (naming the file),
        so that no input ends in a traceback.
    """
    try:
        return _read_bts_file(Path(path))
    except (pa.ArrowException, csv.Error, UnicodeError, OverflowError, MemoryError) as exc:
        raise DataFormatError(path, f"unreadable file ({type(exc).__name__}: {exc})") from None


def _read_bts_file(path: Path) -> BtsFile:
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.BTS_COLUMNS, optional=colmap.BTS_OPTIONAL)
    lat, lon = _bts_coordinates(raw, cols)
    table = pa.table(
        {
            "port_code": raw.by_value(cols["port_code"], _port_code, pa.string()),
            "port_name": raw.text(cols["port_name"]),
            "state": raw.text(cols["state"]),
            "border": raw.by_value(cols["border"], colmap.bts_border, pa.string()),
            "month": raw.by_value(cols["date"], parse_bts_month, pa.date32()),
            "measure": raw.text(cols["measure"]),
            "value": raw.integers(cols["value"]),
            "latitude": lat,
            "longitude": lon,
            "_row": pa.array(np.arange(raw.num_rows, dtype=np.int64)),
        }
    )
    return BtsFile(_dedup_bts(raw, table), raw, cols, table)


_BTS_KEY = ["port_code", "month", "measure"]


def _dedup_bts(raw: RawCsv, table: pa.Table) -> ReadResult:
    """Apply the quirk rules; only rows whose key repeats are looked at in Python."""
    counts = table.group_by(_BTS_KEY).aggregate([("_row", "count")])
    repeated_keys = counts.filter(pc.greater(counts["_row_count"], 1)).select(_BTS_KEY)
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    if repeated_keys.num_rows:
        repeated = table.join(repeated_keys, _BTS_KEY, join_type="inner").sort_by("_row")
        names = [*_BTS_ATTRS.split(", "), "_row"]
        for rec in zip(*(repeated[n].to_pylist() for n in names), strict=True):
            groups.setdefault((rec[0], rec[4], rec[5]), []).append(rec)
    issues, dropped = _bts_quirks(raw, groups)
    kept = table.filter(pc.invert(pc.is_in(table["_row"], pa.array(dropped, pa.int64()))))
    # Sorted by port and measure so that one port's series is contiguous (zone maps).
    result = kept.sort_by(
        [("port_code", "ascending"), ("measure", "ascending"), ("month", "ascending")]
    )
    return ReadResult(result, raw.path, raw.num_rows, tuple(issues))


def _bts_quirks(
    raw: RawCsv, groups: dict[tuple[Any, ...], list[tuple[Any, ...]]]
) -> tuple[list[LoadIssue], list[int]]:
    """Rules: drop exact duplicates (keep the first); on a conflicting key keep the largest.

    A key whose rows differ is a correction or a placeholder: a 0 beside a non-zero count
    for the same port, month and measure is far likelier a missing report than a real
    zero, and summing would double count, so the largest value is kept.
    """
    name = raw.path.name
    issues: list[LoadIssue] = []
    dropped: list[int] = []
    for (code, month, measure), recs in groups.items():
        key = f"{code} {month} {measure}"
        distinct: dict[tuple[Any, ...], list[int]] = {}
        for rec in recs:
            distinct.setdefault(rec[:-1], []).append(rec[-1])
        for rows in distinct.values():
            if len(rows) > 1:
                lines = ", ".join(str(raw.line_of(r)) for r in rows)
                issues.append(
                    LoadIssue(
                        "bts_crossings",
                        name,
                        "exact_duplicate",
                        key,
                        f"{len(rows)} identical rows (lines {lines}); rule: keep the first",
                    )
                )
                dropped.extend(rows[1:])
        if len(distinct) > 1:
            # value is field 6; ties keep the earliest row
            firsts = sorted(distinct.items(), key=lambda kv: (-kv[0][6], kv[1][0]))
            best = firsts[0][1][0]
            values = [attrs[6] for attrs, _ in sorted(distinct.items(), key=lambda kv: kv[1][0])]
            lines = ", ".join(str(raw.line_of(rows[0])) for _, rows in distinct.items())
            issues.append(
                LoadIssue(
                    "bts_crossings",
                    name,
                    "conflicting_key",
                    key,
                    f"values {values} (lines {lines}); rule: keep the largest, {max(values)}",
                )
            )
            dropped.extend(rows[0] for _, rows in distinct.items() if rows[0] != best)
    return issues, dropped
