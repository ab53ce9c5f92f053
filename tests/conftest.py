"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

# Jitted code compiles on first call: no per-example deadline.
settings.register_profile("borderflow", deadline=None, print_blob=True)
settings.load_profile("borderflow")

os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".cache" / "numba")
)
