"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Jitted code compiles on first call: no per-example deadline.
settings.register_profile("borderflow", deadline=None, print_blob=True)
settings.load_profile("borderflow")

os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".cache" / "numba")
)


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built once per session from the shipped data.

    Open it with :func:`borderflow.data.connect_readonly`; never write to it (copy it first).
    """
    from borderflow._config import shipped_data_dir
    from borderflow.data import build_warehouse

    path = tmp_path_factory.mktemp("warehouse") / "borderflow.duckdb"
    build_warehouse(path, data_dir=shipped_data_dir())
    return path
