"""Reading shipped and user files as bytes or text: one gzip rule, one UTF-8 rule.

Every reader of the data layer goes through here, so a truncated gzip file, a UTF-16 or
latin-1 file and a missing file give the same clear :class:`DataFormatError` wherever
they are met. Gzip is recognised by its magic bytes, never by the file name: a ``.csv``
that is really gzip and a ``.gz`` that is really plain text both read correctly.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from pathlib import Path

from borderflow.data._errors import DataFormatError

__all__ = ["GZIP_MAGIC", "check_utf8", "decompress", "read_bytes_maybe_gzip", "read_text"]

#: The first two bytes of every gzip stream (RFC 1952).
GZIP_MAGIC = b"\x1f\x8b"


def decompress(path: Path, raw: bytes) -> bytes:
    """Return ``raw`` gunzipped if it starts with the gzip magic bytes, else unchanged.

    Raises
    ------
    DataFormatError
        The gzip stream is truncated or corrupt.
    """
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataFormatError(
            path,
            "truncated gzip file: the compressed stream ends before its end marker "
            "(incomplete download or copy?)",
        ) from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise DataFormatError(path, f"corrupt gzip file ({exc})") from None


def read_bytes_maybe_gzip(path: Path | str, what: str = "file") -> bytes:
    """Return the bytes of a file, decompressed if it is gzip.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for messages (``"scenario file"``, ``"fact sheet"``).

    Raises
    ------
    DataFormatError
        The file cannot be read, or its gzip stream is truncated or corrupt.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:  # missing, a folder, no permission
        raise DataFormatError(p, f"cannot read {what} ({exc.strerror or exc})") from None
    return decompress(p, raw)


def _column_at(data: bytes, line: int, offset_in_line: int) -> str | None:
    """Best-effort header name of the CSV field at a byte offset of a line."""
    lines = data.split(b"\n", line)
    if not lines:
        return None
    try:
        header = next(csv.reader([lines[0].decode("utf-8", "replace")]), [])
    except csv.Error:
        return None
    this = lines[line - 1] if len(lines) >= line else b""
    idx = this[:offset_in_line].count(b",")
    return header[idx].strip() if idx < len(header) else None


def check_utf8(path: Path, data: bytes, *, csv_columns: bool = False) -> bytes:
    """Return UTF-8 ``data`` without its BOM, or raise naming the first undecodable byte.

    Parameters
    ----------
    path
        The file, for messages.
    data
        Decompressed bytes.
    csv_columns
        Name the CSV column (from the header) of a bad byte in the message.

    Raises
    ------
    DataFormatError
        UTF-16 (byte-order mark or NUL bytes) or a byte that is not UTF-8, with its line.
    """
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
            path, "NUL byte in text: file is probably UTF-16 or binary, not UTF-8", line=line
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = _column_at(data, line, exc.start - line_start) if csv_columns else None
        bad = data[exc.start : exc.start + 1].hex()
        raise DataFormatError(
            path,
            f"not UTF-8 text: byte 0x{bad} cannot be decoded (latin-1/cp1252 file?); "
            "save it as UTF-8",
            line=line,
            column=column,
        ) from None
    return data


def read_text(path: Path | str, what: str = "file") -> str:
    """Return the text of a UTF-8 file (plain or gzip), without a byte-order mark.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for messages.

    Raises
    ------
    DataFormatError
        Unreadable file, corrupt gzip, or text that is not UTF-8 (with its line).
    """
    p = Path(path)
    return check_utf8(p, read_bytes_maybe_gzip(p, what)).decode("utf-8")
