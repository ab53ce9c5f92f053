"""Data fixtures: the raw BTS rows (the session warehouse is in tests/conftest.py)."""

from __future__ import annotations

import csv
import gzip

import pytest

from borderflow._config import shipped_data_dir
from borderflow.data._catalogue import BTS_FILE


@pytest.fixture(scope="session")
def bts_raw_rows() -> list[dict[str, str]]:
    """The shipped BTS file read with the standard library (an independent reader)."""
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def bts_rows() -> tuple[list[str], list[list[str]]]:
    """Header and rows of the shipped BTS file, as lists of text (standard library)."""
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]
