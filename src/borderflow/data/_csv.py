"""The raw-CSV machinery every source reader shares.

A file is decompressed and checked for UTF-8 by :mod:`borderflow.data._text`, read with
all columns as text by pyarrow, then each column is validated and converted vectorised.
On the first bad value a reader raises :class:`~borderflow.data.DataFormatError` naming
the file, the 1-based line (header = line 1), the column and the value. Values repeated
on many rows (dates, port codes, border names) are converted once per distinct value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from borderflow.data import _columns as colmap
from borderflow.data._errors import DataFormatError
from borderflow.data._text import check_utf8, read_bytes_maybe_gzip

__all__ = ["LoadIssue", "RawCsv", "ReadResult", "choice", "code_lookup", "read_raw_csv"]


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
            try:
                for i, rec in enumerate(reader):
                    if i > 0 and rec:
                        starts.append(prev_end + 1)
                    prev_end = reader.line_num
            except csv.Error:  # pyarrow read it, the csv module cannot: approximate lines
                starts = []
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
        # 18 digits always fit a signed 64-bit integer (max 9,223,372,036,854,775,807).
        fits = pc.match_substring_regex(arr, r"^0*[0-9]{1,18}(\.0*)?$")
        self.check(
            pc.and_(pc.invert(fits), pc.invert(empty)),
            column,
            "number too large for a count (more than 18 digits)",
        )
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

    def timestamps(self, column: str, fmt: str | Sequence[str], what: str) -> pa.ChunkedArray:
        """Parse with strptime formats, the first that fits each value wins.

        ``what`` describes the accepted forms for messages.
        """
        arr = self.strings(column)
        formats = (fmt,) if isinstance(fmt, str) else tuple(fmt)
        parsed = pc.strptime(arr, format=formats[0], unit="s", error_is_null=True)
        for other in formats[1:]:
            parsed = pc.coalesce(
                parsed, pc.strptime(arr, format=other, unit="s", error_is_null=True)
            )
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
    data = read_bytes_maybe_gzip(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or data.isspace():
        raise DataFormatError(path, "empty file: no header and no rows", line=1)
    end = data.find(b"\n")
    first_bytes = data if end < 0 else data[:end]
    if b"\x00" in first_bytes or first_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        check_utf8(path, data, csv_columns=True)  # raises, naming UTF-16
    try:
        first = first_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        check_utf8(path, data, csv_columns=True)
        raise
    try:
        header = next(csv.reader([first]), [])
    except csv.Error as exc:
        raise DataFormatError(path, f"header is not a CSV line ({exc})", line=1) from None
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
        # names the line and column of a non-UTF-8 byte, if that is it
        check_utf8(path, data, csv_columns=True)
        raise DataFormatError(path, f"not a readable CSV ({exc})") from None
    if b"\x00" in data:
        check_utf8(path, data, csv_columns=True)
    if bad_rows:
        _raise_field_count(path, data, len(header))
    if table.num_rows == 0:
        raise DataFormatError(path, "no data rows after the header", line=2)
    return RawCsv(path, data, table)


def _raise_field_count(path: Path, data: bytes, expected: int) -> NoReturn:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    prev_end = 0
    try:
        for rec in reader:
            if rec and len(rec) != expected:
                raise DataFormatError(
                    path,
                    f"row has {len(rec)} fields, the header has {expected}",
                    line=prev_end + 1,
                    value=",".join(rec),
                )
            prev_end = reader.line_num
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise DataFormatError(path, f"not a readable CSV row ({exc})", line=prev_end + 1) from None
    raise DataFormatError(path, f"a row does not have the header's {expected} fields")


def choice(mapping: Mapping[str, str]) -> Callable[[str], str]:
    """Return a :meth:`RawCsv.by_value` converter: case-insensitive lookup in ``mapping``."""

    def convert(text: str) -> str:
        key = text.strip().lower()
        if key not in mapping:
            raise ValueError(f"unknown value; expected one of {sorted(mapping)}")
        return mapping[key]

    return convert


def code_lookup(mapping: Mapping[str, str], what: str) -> Callable[[str], str]:
    """Return a :meth:`RawCsv.by_value` converter: exact lookup of a ``what`` code."""

    def convert(text: str) -> str:
        if text not in mapping:
            raise ValueError(f"unknown {what} code; known: {', '.join(sorted(mapping))}")
        return mapping[text]

    return convert
