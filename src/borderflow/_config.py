"""Where borderflow finds its shipped data and its DuckDB warehouse.

Both locations can be overridden by environment variables, so tests, servers and sweep
workers can point at their own copies.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the DuckDB warehouse file.
DB_ENV = "BORDERFLOW_DB"
#: Environment variable naming the folder of shipped data (``data/`` of the repository).
DATA_ENV = "BORDERFLOW_DATA_DIR"

#: Where a wheel puts the shipped data: the package ``borderflow._shipped``.
_WHEEL_DATA = Path(__file__).resolve().parent / "_shipped"
#: Where a source checkout (and ``make``'s editable install) has it.
_REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def shipped_data_dir() -> Path:
    """Return the folder holding the shipped source data and its ``SOURCES.md``.

    ``$BORDERFLOW_DATA_DIR`` if set; else the data installed with the package (a wheel
    ships ``data/`` as ``borderflow/_shipped/``); else the ``data/`` folder of the source
    checkout (editable install, as ``make`` does).
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    if (_WHEEL_DATA / "SOURCES.md").is_file():
        return _WHEEL_DATA
    return _REPO_DATA


def default_db_path() -> Path:
    """Return the default DuckDB warehouse path.

    ``$BORDERFLOW_DB`` if set, else ``$XDG_DATA_HOME/borderflow/borderflow.duckdb``
    (``~/.local/share/borderflow/borderflow.duckdb`` when ``XDG_DATA_HOME`` is unset).
    """
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "borderflow" / "borderflow.duckdb"
