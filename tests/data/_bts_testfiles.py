"""Helpers for tests that write BTS update files (imported by the data tests)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, gz: bool = False) -> Path:
    """Write rows as CSV (gzip if ``gz``) and return the path."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=1) if gz else data)
    return path


def file_state(path: Path) -> tuple[str, int, int, int]:
    """sha256, size, inode and modification time (ns) of a file: equal = untouched."""
    st = path.stat()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_ino, st.st_mtime_ns)
