"""Shared data fixtures: one warehouse built per test session, and the raw BTS rows.

``warehouse_path`` is meant for every test that needs the loaded data: build it once,
open it with :func:`borderflow.data.connect_readonly`, never write to it (copy it first).
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from borderflow._config import shipped_data_dir
from borderflow.data import build_warehouse
from borderflow.data.warehouse import BTS_FILE


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse built once per session from the shipped data (read-only use)."""
    path = tmp_path_factory.mktemp("warehouse") / "borderflow.duckdb"
    build_warehouse(path, data_dir=shipped_data_dir())
    return path


@pytest.fixture(scope="session")
def bts_raw_rows() -> list[dict[str, str]]:
    """The shipped BTS file read with the standard library (an independent reader)."""
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
