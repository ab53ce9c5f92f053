"""Readers of the shipped source files (and of BTS update files).

Every reader decompresses (gzip, detected by its magic bytes), checks the encoding, reads
all columns as text with pyarrow, then validates and converts each column vectorised. On
the first bad value it raises :class:`~borderflow.data.errors.DataFormatError` naming the
file, the 1-based line (header = line 1), the column and the value. Values repeated on
many rows (dates, port codes, border names) are parsed once per distinct value.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from borderflow.data import columns as colmap
from borderflow.data.errors import DataFormatError

__all__ = [
    "MONTH_FORMATS",
    "LoadIssue",
    "RawCsv",
    "ReadResult",
    "parse_bts_month",
    "read_bts_crossings",
    "read_cascade_trucks_daily",
    "read_peace_arch_hourly_delay",
    "read_peace_arch_north_daily",
    "read_raw_csv",
    "read_transborder_monthly",
    "read_transborder_port_jan2015",
]


@dataclass(frozen=True)
class LoadIssue:
    """A source quirk met while reading, and the rule applied (a ``load_issues`` row)."""

    table_name: str
    source_file: str
    kind: str
    key: str
    detail: str


@dataclass(frozen=True)
class ReadResult:
    """A source file read into warehouse columns.

    Parameters
    ----------
    table
        Rows in warehouse column names and types, ready to insert.
    path
        File read.
    rows_read
        Data rows in the file (before any duplicate removal).
    issues
        Quirks found and how each was resolved.
    """

    table: pa.Table
    path: Path
    rows_read: int
    issues: tuple[LoadIssue, ...] = field(default=())


# --- raw CSV ------------------------------------------------------------------------------


def _decompress(path: Path, raw: bytes) -> bytes:
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataFormatError(
            path,
            "truncated gzip file: the compressed stream ends before its end marker "
            "(incomplete download or copy?)",
        ) from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise DataFormatError(path, f"corrupt gzip file ({exc})") from None


def _column_at(data: bytes, line: int, offset_in_line: int) -> str | None:
    """Best-effort header name of the field at a byte offset of a line (quotes ignored)."""
    lines = data.split(b"\n", line)
    if not lines:
        return None
    header = next(csv.reader([lines[0].decode("utf-8", "replace")]), [])
    this = lines[line - 1] if len(lines) >= line else b""
    idx = this[:offset_in_line].count(b",")
    return header[idx].strip() if idx < len(header) else None


def _decode(path: Path, data: bytes) -> bytes:
    """Return UTF-8 bytes without BOM, or raise naming the first undecodable byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataFormatError(
            path, "file is UTF-16 text (byte-order mark found); save it as UTF-8", line=1
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataFormatError(
            path, "NUL byte in text: file is probably UTF-16 or binary, not UTF-8 CSV", line=line
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = _column_at(data, line, exc.start - line_start)
        bad = data[exc.start : exc.start + 1].hex()
        raise DataFormatError(
            path,
            f"not UTF-8 text: byte 0x{bad} cannot be decoded (latin-1/cp1252 file?); "
            "save it as UTF-8",
            line=line,
            column=column,
        ) from None
    return data


class RawCsv:
    """A CSV file read as text columns, with line numbers for error messages.

    Parameters
    ----------
    path
        The file (for messages).
    data
        Decompressed, UTF-8 validated bytes without BOM.
    table
        Every column as strings (empty fields are ``""``, not NULL), header names verbatim.
    """

    def __init__(self, path: Path, data: bytes, table: pa.Table) -> None:
        self.path = path
        self.data = data
        self.table = table
        self.header: tuple[str, ...] = tuple(table.column_names)
        self._by_norm = {colmap.normalise_header(h): h for h in self.header}
        self._lines: list[int] | None = None
        self._direct: bool | None = None

    @property
    def num_rows(self) -> int:
        """Number of data rows."""
        return int(self.table.num_rows)

    # where things are -------------------------------------------------------------------

    def line_of(self, row: int) -> int:
        """Return the 1-based line (header = 1) where data row ``row`` (0-based) starts."""
        if self._direct is None:
            # Blank lines (skipped) and quoted newlines both add lines without adding rows.
            n_lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") else 1)
            self._direct = n_lines == self.num_rows + 1
        if self._direct:
            return row + 2
        if self._lines is None:
            starts: list[int] = []
            reader = csv.reader(io.StringIO(self.data.decode("utf-8"), newline=""))
            prev_end = 0
            for i, rec in enumerate(reader):
                if i > 0 and rec:
                    starts.append(prev_end + 1)
                prev_end = reader.line_num
            self._lines = starts
        return self._lines[row] if row < len(self._lines) else row + 2

    def fail(self, row: int | None, column: str | None, problem: str) -> NoReturn:
        """Raise :class:`DataFormatError` at data row ``row`` (0-based) of ``column``."""
        value = None
        if row is not None and column is not None:
            value = str(self.table.column(column)[row].as_py())
        line = self.line_of(row) if row is not None else None
        raise DataFormatError(self.path, problem, line=line, column=column, value=value)

    def resolve(
        self, mapping: Mapping[str, tuple[str, ...]], optional: frozenset[str] = frozenset()
    ) -> dict[str, str]:
        """Map our column names to this file's header names; raise if a required one lacks."""
        found: dict[str, str] = {}
        for ours, aliases in mapping.items():
            hit = next((self._by_norm[a] for a in aliases if a in self._by_norm), None)
            if hit is not None:
                found[ours] = hit
            elif ours not in optional:
                names = " or ".join(repr(a) for a in aliases)
                raise DataFormatError(
                    self.path,
                    f"missing column {names}; the header has: {', '.join(self.header)}",
                    line=1,
                    column=ours,
                )
        return found

    def column(self, name: str) -> str:
        """Header name of a required column given in normalised form."""
        if name not in self._by_norm:
            raise DataFormatError(
                self.path,
                f"missing column {name!r}; the header has: {', '.join(self.header)}",
                line=1,
                column=name,
            )
        return self._by_norm[name]

    # converters -------------------------------------------------------------------------

    def strings(self, column: str) -> pa.ChunkedArray:
        """Return the column's text with surrounding white space removed."""
        return pc.utf8_trim_whitespace(self.table.column(column))

    def _first(self, mask: Any) -> int | None:
        idx = int(pc.index(pc.fill_null(mask, False), True).as_py())
        return None if idx < 0 else idx

    def check(self, mask: Any, column: str, problem: str) -> None:
        """Fail at the first row where ``mask`` is true."""
        row = self._first(mask)
        if row is not None:
            self.fail(row, column, problem)

    def text(self, column: str, *, nullable: bool = False) -> pa.Array:
        """Trimmed text; ``""`` -> NULL if nullable, else an error (few distinct values)."""

        def convert(value: str) -> str | None:
            if value:
                return value
            if nullable:
                return None
            raise ValueError("empty value")

        return self.by_value(column, convert, pa.string())

    @staticmethod
    def _fast_cast(arr: pa.ChunkedArray, to: pa.DataType) -> pa.ChunkedArray | None:
        """Cast clean text directly (the common case); None if any value needs care."""
        try:
            out = pc.cast(arr, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        bad = pc.less(out, 0) if pa.types.is_integer(to) else pc.invert(pc.is_finite(out))
        return None if pc.any(bad).as_py() else out

    def integers(self, column: str, *, nullable: bool = False) -> pa.ChunkedArray:
        """Whole non-negative numbers; thousands separators and a ``.0`` tail accepted."""
        fast = self._fast_cast(self.table.column(column), pa.int64())
        if fast is not None:
            return fast
        arr = pc.replace_substring(self.strings(column), ",", "")
        empty = pc.equal(arr, "")
        if not nullable:
            self.check(empty, column, "empty value where a count is required")
        ok = pc.match_substring_regex(arr, r"^[0-9]+(\.0*)?$")
        self.check(pc.and_(pc.invert(ok), pc.invert(empty)), column, "not a whole number >= 0")
        whole = pc.replace_substring_regex(arr, r"\.0*$", "")
        whole = pc.if_else(empty, pa.scalar(None, pa.string()), whole)
        return pc.cast(whole, pa.int64())

    def floats(self, column: str, *, nullable: bool = False) -> pa.ChunkedArray:
        """Decimal numbers; thousands separators accepted; ``""`` -> NULL if nullable."""
        fast = self._fast_cast(self.table.column(column), pa.float64())
        if fast is not None:
            return fast
        arr = pc.replace_substring(self.strings(column), ",", "")
        empty = pc.equal(arr, "")
        if not nullable:
            self.check(empty, column, "empty value where a number is required")
        ok = pc.match_substring_regex(arr, r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
        self.check(pc.and_(pc.invert(ok), pc.invert(empty)), column, "not a number")
        arr = pc.if_else(empty, pa.scalar(None, pa.string()), arr)
        return pc.cast(arr, pa.float64())

    def timestamps(self, column: str, fmt: str, what: str) -> pa.ChunkedArray:
        """Parse with a strptime format; ``what`` describes the format for messages."""
        arr = self.strings(column)
        parsed = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        self.check(pc.is_null(parsed), column, f"not a {what}")
        return parsed

    def by_value(self, column: str, func: Callable[[str], Any], out_type: pa.DataType) -> pa.Array:
        """Convert each distinct value once with ``func`` (given it trimmed; ValueError = bad)."""
        arr = self.table.column(column).combine_chunks()
        uniq = pc.unique(arr)
        results: list[Any] = []
        for value in uniq.to_pylist():
            try:
                results.append(func(value.strip()))
            except ValueError as exc:
                row = self._first(pc.equal(arr, value))
                self.fail(row, column, str(exc))
        idx = pc.index_in(arr, value_set=uniq)
        return pc.take(pa.array(results, type=out_type), idx)


def read_raw_csv(path: Path | str) -> RawCsv:
    """Read a CSV (plain or gzip) as text columns, checking encoding and shape.

    Parameters
    ----------
    path
        The file; gzip is detected from its content, not its name.

    Returns
    -------
    RawCsv
        All columns as strings.

    Raises
    ------
    DataFormatError
        Truncated/corrupt gzip, non-UTF-8 text, empty file, no data rows, duplicate or
        empty header names, rows with the wrong number of fields.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFormatError(path, f"cannot read file ({exc.strerror})") from None
    data = _decompress(path, raw)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or data.isspace():
        raise DataFormatError(path, "empty file: no header and no rows", line=1)
    end = data.find(b"\n")
    first_bytes = data if end < 0 else data[:end]
    if b"\x00" in first_bytes or first_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        _decode(path, data)  # raises, naming UTF-16
    try:
        first = first_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        _decode(path, data)
        raise
    header = next(csv.reader([first]))
    norm = [colmap.normalise_header(h) for h in header]
    if any(not h for h in norm):
        raise DataFormatError(path, f"empty column name in header {first!r}", line=1)
    dup = next((h for h in norm if norm.count(h) > 1), None)
    if dup is not None:
        raise DataFormatError(path, "column appears twice in the header", line=1, column=dup)

    bad_rows: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        _decode(path, data)  # names the line and column of a non-UTF-8 byte, if that is it
        raise DataFormatError(path, f"not a readable CSV ({exc})") from None
    if b"\x00" in data:
        _decode(path, data)
    if bad_rows:
        _raise_field_count(path, data, len(header))
    if table.num_rows == 0:
        raise DataFormatError(path, "no data rows after the header", line=2)
    return RawCsv(path, data, table)


def _raise_field_count(path: Path, data: bytes, expected: int) -> NoReturn:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    prev_end = 0
    for rec in reader:
        if rec and len(rec) != expected:
            raise DataFormatError(
                path,
                f"row has {len(rec)} fields, the header has {expected}",
                line=prev_end + 1,
                value=",".join(rec),
            )
        prev_end = reader.line_num
    raise DataFormatError(path, f"a row does not have the header's {expected} fields")


# --- BTS border crossings ----------------------------------------------------------------

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


def _schedule_d_code(text: str) -> str:
    # TransBorder uses 'ddXX' for "other ports of district dd".
    if not re.fullmatch(r"[0-9A-Za-z]{4}", text):
        raise ValueError("port code is not 4 letters/digits")
    return text.upper()


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
    return _dedup_bts(raw, table)


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
    result = kept.drop_columns(["_row"]).sort_by(
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


# --- Cascade Gateway ---------------------------------------------------------------------

_ISO_SECONDS = "%Y-%m-%d %H:%M:%S"


def _choice(mapping: Mapping[str, str]) -> Callable[[str], str]:
    def convert(text: str) -> str:
        key = text.strip().lower()
        if key not in mapping:
            raise ValueError(f"unknown value; expected one of {sorted(mapping)}")
        return mapping[key]

    return convert


def read_peace_arch_hourly_delay(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway Peace Arch southbound hourly delay file.

    Parameters
    ----------
    path
        ``peace_arch_southbound_cars_hourly_delay_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``peace_arch_hourly_delay`` rows (delay in minutes; NULL = no detector data).
    """
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.PEACE_ARCH_HOURLY_COLUMNS)
    table = pa.table(
        {
            "hour_start": raw.timestamps(cols["hour_start"], _ISO_SECONDS, "YYYY-MM-DD HH:MM:SS"),
            "direction": raw.by_value(
                cols["direction"],
                _choice({"southbound": "southbound", "northbound": "northbound"}),
                pa.string(),
            ),
            "lane": raw.by_value(cols["lane"], _choice({"cars (general)": "general"}), pa.string()),
            "delay_min": raw.floats(cols["delay_min"], nullable=True),
            "source": raw.text(cols["source"]),
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)


def _days(raw: RawCsv) -> pa.ChunkedArray:
    col = raw.column(colmap.CASCADE_DAY_COLUMN)
    ts = raw.timestamps(col, _ISO_SECONDS, "YYYY-MM-DD 00:00:00 day start")
    raw.check(
        pc.not_equal(pc.cast(pc.cast(ts, pa.date32()), pa.timestamp("s")), ts),
        col,
        "day does not start at 00:00:00",
    )
    return pc.cast(ts, pa.date32())


def read_peace_arch_north_daily(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway Peace Arch northbound daily cars file (general + NEXUS).

    Parameters
    ----------
    path
        ``peacearch_N_cars_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``peace_arch_north_daily`` rows, two per day (lanes 'general' and 'nexus').
    """
    raw = read_raw_csv(path)
    days = _days(raw)
    parts = []
    for lane in ("general", "nexus"):
        delay = raw.column(colmap.PEACE_ARCH_NORTH_COLUMNS[(lane, "avg_delay_min")])
        volume = raw.column(colmap.PEACE_ARCH_NORTH_COLUMNS[(lane, "volume")])
        parts.append(
            pa.table(
                {
                    "day": days,
                    "lane": pa.array([lane] * raw.num_rows, pa.string()),
                    "volume": raw.integers(volume, nullable=True),
                    "avg_delay_min": raw.floats(delay, nullable=True),
                }
            )
        )
    table = pa.concat_tables(parts).sort_by([("day", "ascending"), ("lane", "ascending")])
    return ReadResult(table, raw.path, raw.num_rows)


def read_cascade_trucks_daily(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway all-trucks daily file (Whatcom County crossings).

    Parameters
    ----------
    path
        ``all_trucks_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``cascade_trucks_daily`` rows, one per day, crossing and direction (trucks/day).
    """
    raw = read_raw_csv(path)
    days = _days(raw)
    parts = []
    for (crossing, direction), source in colmap.CASCADE_TRUCK_COLUMNS.items():
        n = raw.num_rows
        parts.append(
            pa.table(
                {
                    "day": days,
                    "crossing": pa.array([crossing] * n, pa.string()),
                    "direction": pa.array([direction] * n, pa.string()),
                    "volume": raw.integers(raw.column(source), nullable=True),
                }
            )
        )
    table = pa.concat_tables(parts).sort_by(
        [("day", "ascending"), ("crossing", "ascending"), ("direction", "ascending")]
    )
    return ReadResult(table, raw.path, raw.num_rows)


# --- TransBorder ---------------------------------------------------------------------------

#: Kilograms per short ton (2000 lb x 0.45359237 kg/lb).
KG_PER_SHORT_TON = 907.18474


def read_transborder_monthly(path: Path | str) -> ReadResult:
    """Read the national TransBorder monthly series (country x mode x trade type).

    Parameters
    ----------
    path
        ``transborder_monthly_by_country_mode_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``transborder_monthly`` rows (USD/month; weight in short tons and kg per month).
    """
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.TRANSBORDER_MONTHLY_COLUMNS)
    month = raw.integers(cols["month"])
    raw.check(pc.or_(pc.less(month, 1), pc.greater(month, 12)), cols["month"], "month not in 1..12")
    weight = raw.floats(cols["weight_short_tons"], nullable=True)
    table = pa.table(
        {
            "year": pc.cast(raw.integers(cols["year"]), pa.int32()),
            "month": pc.cast(month, pa.int32()),
            "country": raw.text(cols["country"]),
            "mode": raw.text(cols["mode"]),
            "trade_type": raw.by_value(
                cols["trade_type"], _choice({"export": "export", "import": "import"}), pa.string()
            ),
            "value_usd": raw.floats(cols["value_usd"]),
            "weight_short_tons": weight,
            "weight_kg": pc.multiply(weight, KG_PER_SHORT_TON),
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)


def read_transborder_port_jan2015(path: Path | str) -> ReadResult:
    """Read the raw TransBorder ``dot1`` file (January 2015, Canada rows), codes decoded.

    Parameters
    ----------
    path
        ``dot1_0115_canada.csv.gz``.

    Returns
    -------
    ReadResult
        ``transborder_port_jan2015`` rows (USD/month, kg/month).
    """
    raw = read_raw_csv(path)
    cols = raw.resolve(colmap.DOT1_COLUMNS)
    year = raw.integers(cols["year"])
    month = raw.integers(cols["month"])
    raw.check(pc.or_(pc.less(month, 1), pc.greater(month, 12)), cols["month"], "month not 1..12")
    first = pc.strptime(
        pc.binary_join_element_wise(
            pc.cast(year, pa.string()), pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0"), "-"
        ),
        format="%Y-%m",
        unit="s",
    )
    df = raw.strings(cols["domestic_foreign"])
    raw.check(
        pc.invert(pc.is_in(df, value_set=pa.array(["", *colmap.DOT1_DOMESTIC_FOREIGN]))),
        cols["domestic_foreign"],
        "DF code is not 1, 2 or empty",
    )
    table = pa.table(
        {
            "month": pc.cast(first, pa.date32()),
            "trade_type": raw.by_value(
                cols["trade_type"], _code(colmap.DOT1_TRADE_TYPES, "TRDTYPE"), pa.string()
            ),
            "us_state": raw.text(cols["us_state"]),
            "port_code": raw.by_value(cols["port_code"], _schedule_d_code, pa.string()),
            "mode": raw.by_value(cols["mode"], _code(colmap.DOT1_MODES, "DISAGMOT"), pa.string()),
            "canadian_province_code": raw.text(cols["canadian_province_code"]),
            "value_usd": raw.floats(cols["value_usd"]),
            "shipping_weight_kg": raw.floats(cols["shipping_weight_kg"]),
            "freight_charges_usd": raw.floats(cols["freight_charges_usd"]),
            "domestic_foreign": raw.by_value(
                cols["domestic_foreign"],
                lambda s: colmap.DOT1_DOMESTIC_FOREIGN.get(s),
                pa.string(),
            ),
            "container_code": raw.text(cols["container_code"]),
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)


def _code(mapping: Mapping[str, str], what: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if text not in mapping:
            raise ValueError(f"unknown {what} code; known: {', '.join(sorted(mapping))}")
        return mapping[text]

    return convert
