"""Building the warehouse from the shipped data."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from borderflow._config import default_db_path, shipped_data_dir
from borderflow.data import _schema as schema
from borderflow.data._catalogue import META_TABLES, TABLE_SOURCES, Progress, TableSource
from borderflow.data._csv import LoadIssue
from borderflow.data._store import as_result, insert, log, log_issues, swap_in, table_row_counts

__all__ = ["BuildSummary", "build_warehouse"]


@dataclass(frozen=True)
class BuildSummary:
    """What :func:`build_warehouse` loaded.

    Parameters
    ----------
    db_path
        The warehouse written.
    row_counts
        Rows per table, in load order (meta tables last).
    issues
        Source quirks met and the rule applied to each.
    seconds
        Wall-clock time of the build, s.
    """

    db_path: Path
    row_counts: dict[str, int]
    issues: tuple[LoadIssue, ...]
    seconds: float


def build_warehouse(
    db_path: Path | str | None = None,
    data_dir: Path | str | None = None,
    progress: Progress | None = None,
    sources: Sequence[TableSource] = TABLE_SOURCES,
) -> BuildSummary:
    """Build the warehouse from the shipped data and swap it in atomically.

    Parameters
    ----------
    db_path
        Target DuckDB file (default :func:`borderflow._config.default_db_path`). Its folder
        is created if needed. An existing file is replaced only when the build succeeded.
    data_dir
        Folder of shipped data (default :func:`borderflow._config.shipped_data_dir`).
    progress
        Called as ``progress(step, done, total)`` before each step and once at the end.
    sources
        Tables to load (default :data:`TABLE_SOURCES`).

    Returns
    -------
    BuildSummary
        Row counts per table, quirks met, time taken.

    Raises
    ------
    DataFormatError
        A source file is malformed; the previous database is left untouched.
    WarehouseBusyError
        Another load or update is writing the same database.
    """
    start = time.perf_counter()
    db = Path(db_path) if db_path is not None else default_db_path()
    folder = Path(data_dir) if data_dir is not None else shipped_data_dir()
    total = len(sources) + 1
    issues: list[LoadIssue] = []
    counts: dict[str, int] = {}
    with swap_in(db) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for meta in META_TABLES:
                con.execute(meta.ddl())
            for i, source in enumerate(sources):
                if progress is not None:
                    progress(f"loading {source.table.name}", i, total)
                result = as_result(source.read(folder), source, folder)
                counts[source.table.name] = insert(con, source.table, result)
                months: list[date] = []
                if source.table.name == schema.BTS_CROSSINGS.name:
                    months = [
                        r[0]
                        for r in con.execute(
                            "SELECT DISTINCT month FROM bts_crossings ORDER BY month"
                        ).fetchall()
                    ]
                for rel in source.files or (str(result.path),):
                    log(
                        con,
                        kind="build",
                        table_name=source.table.name,
                        path=folder / rel,
                        rows_read=result.rows_read,
                        rows_inserted=counts[source.table.name],
                        rows_revised=0,
                        months_added=months,
                    )
                log_issues(con, result.issues)
                issues.extend(result.issues)
            if progress is not None:
                progress("writing the database file", len(sources), total)
            for meta in META_TABLES:
                counts[meta.name] = table_row_counts(con)[meta.name]
            con.execute("CHECKPOINT")
        finally:
            con.close()
    if progress is not None:
        progress("done", total, total)
    return BuildSummary(db, counts, tuple(issues), time.perf_counter() - start)
