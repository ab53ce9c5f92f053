"""Point numba's on-disk cache at a writable per-project folder before numba is imported.

Imported by :mod:`borderflow.sim._compiled` ahead of ``import numba``: numba reads
``NUMBA_CACHE_DIR`` once, at import, so it must be set first. An existing value (the
Makefile and the test configuration set one) is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO_CACHE = Path(__file__).resolve().parents[3] / ".cache" / "numba"


def _default_cache_dir() -> Path:
    """Return ``<repo>/.cache/numba`` for a source checkout, else a per-user cache folder."""
    if (_REPO_CACHE.parents[1] / "pyproject.toml").is_file():
        return _REPO_CACHE
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "borderflow" / "numba"


if not os.environ.get("NUMBA_CACHE_DIR"):
    os.environ["NUMBA_CACHE_DIR"] = str(_default_cache_dir())

from collections.abc import Callable  # noqa: E402
from typing import Any, TypeVar, cast  # noqa: E402

import numba  # noqa: E402

_F = TypeVar("_F", bound=Callable[..., Any])


def jit(fn: _F) -> _F:
    """Compile ``fn`` with ``numba.njit(cache=True)``, keeping its static type for mypy."""
    return cast(_F, numba.njit(cache=True, nogil=True)(fn))
