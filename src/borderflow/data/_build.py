"""Building the warehouse from the shipped data, keeping the updates applied to it.

The model (``docs/data.md``, "Updates survive rebuilds"): the shipped files are the base,
and every row a ``load --update`` added or revised is kept in the ``bts_updates`` table.
A rebuild (``borderflow load``, run by every ``make run``) reads those rows from the
database it replaces and re-applies them, latest first per key, on top of the shipped
data, so no documented command loses an update. ``keep_updates=False``
(``borderflow load --drop-updates``) rebuilds from the shipped files only and reports
what it dropped.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from borderflow._config import default_db_path, shipped_data_dir
from borderflow.data import _schema as schema
from borderflow.data._catalogue import META_TABLES, TABLE_SOURCES, Progress, TableSource
from borderflow.data._csv import LoadIssue, ReadResult
from borderflow.data._store import (
    as_result,
    connect_readonly,
    insert,
    log,
    log_issues,
    swap_in_locked,
    table_row_counts,
    writing,
)

__all__ = ["AppliedUpdates", "BuildSummary", "build_warehouse"]

_KEY = "port_code, month, measure"
_COLS = ", ".join(schema.BTS_CROSSINGS.column_names)


@dataclass(frozen=True)
class AppliedUpdates:
    """The updates a rebuild found in the database it replaced, kept or dropped.

    Parameters
    ----------
    files
        Update files in the order applied, as ``"name (applied YYYY-MM-DD HH:MM UTC)"``.
    rows
        ``bts_crossings`` keys they set (the latest value per key counts).
    months
        Months they hold that the shipped data does not.
    kept
        True if re-applied, False if dropped (``keep_updates=False``).
    """

    files: tuple[str, ...]
    rows: int
    months: tuple[date, ...]
    kept: bool


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
    updates
        Updates of the replaced database, re-applied or dropped (None: there were none).
    warnings
        Anything the user must know (e.g. a replaced file that could not be read).
    stale_files_removed
        Temporary files of killed loads removed before this build.
    """

    db_path: Path
    row_counts: dict[str, int]
    issues: tuple[LoadIssue, ...]
    seconds: float
    updates: AppliedUpdates | None = None
    warnings: tuple[str, ...] = field(default=())
    stale_files_removed: tuple[Path, ...] = field(default=())


@dataclass(frozen=True)
class _Previous:
    rows: pa.Table | None  # bts_updates rows
    log: pa.Table  # load_log rows of kind 'update'
    old: pa.Table | None = None  # the old bts_crossings, if some updates left no rows
    legacy_log: pa.Table | None = None  # those updates' load_log rows


def _previous_updates(db: Path) -> tuple[_Previous | None, str | None]:
    """Read the applied updates of the database about to be replaced (or a warning)."""
    if not db.is_file():
        return None, None
    try:
        con = connect_readonly(db)
    except duckdb.Error as exc:
        return None, f"the existing file {db} could not be read ({exc}); it is replaced"
    try:
        names = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        if schema.LOAD_LOG.name not in names or schema.BTS_CROSSINGS.name not in names:
            return None, None
        has_rows = schema.BTS_UPDATES.name in names
        # Updates logged without rows in bts_updates were applied by a borderflow that kept
        # none: what differs from the shipped data is recovered later (_legacy_rows).
        unkept = "" if not has_rows else "AND loaded_at NOT IN (SELECT applied_at FROM bts_updates)"
        cols = ", ".join(c for c in _log_columns(con) if c in schema.LOAD_LOG.column_names)
        legacy_log = con.sql(
            f"SELECT {cols} FROM load_log WHERE kind = 'update' {unkept} ORDER BY loaded_at"
        ).to_arrow_table()
        log_rows = con.sql(
            f"SELECT {cols} FROM load_log WHERE kind = 'update' ORDER BY loaded_at"
        ).to_arrow_table()
        rows = (
            con.sql("SELECT * FROM bts_updates ORDER BY applied_at").to_arrow_table()
            if has_rows
            else None
        )
        old = (
            con.sql(f"SELECT {_COLS} FROM bts_crossings").to_arrow_table()
            if legacy_log.num_rows
            else None
        )
    except duckdb.Error as exc:
        return None, f"the updates in {db} could not be read ({exc}); they are not re-applied"
    finally:
        con.close()
    if old is not None:
        return _Previous(rows, log_rows, old=old, legacy_log=legacy_log), None
    if rows is None or rows.num_rows == 0:
        return None, None
    return _Previous(rows, log_rows), None


def _log_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'load_log'"
        ).fetchall()
    ]


def _legacy_rows(con: duckdb.DuckDBPyConnection, prev: _Previous) -> pa.Table:
    """``bts_updates`` rows of updates that kept none: old rows the shipped data lacks.

    With ``shipped`` and ``old`` registered: every old row whose key is new or whose value
    differs came from an update (the shipped file is the one the old build read). Rows
    of updates that were kept are added back after them, so the latest value wins.
    """
    assert prev.legacy_log is not None
    names = sorted({str(n) for n in prev.legacy_log.column("source_file").to_pylist()})
    at = max(prev.legacy_log.column("loaded_at").to_pylist())
    recovered = con.sql(
        "SELECT ?::TIMESTAMP AS applied_at, ? AS source_file, '' AS sha256, "
        "CASE WHEN s.port_code IS NULL THEN 'added' ELSE 'revised' END AS change, "
        + ", ".join(f"o.{c}" for c in schema.BTS_CROSSINGS.column_names)
        + f" FROM old o LEFT JOIN shipped s USING ({_KEY}) "
        "WHERE s.port_code IS NULL OR s.value <> o.value",
        params=[at, "; ".join(names) + " (recovered)"],
    ).to_arrow_table()
    if prev.rows is None or prev.rows.num_rows == 0:
        return recovered
    return pa.concat_tables([recovered, prev.rows.cast(recovered.schema)])


def _reapply(
    con: duckdb.DuckDBPyConnection, shipped: ReadResult, prev: _Previous, keep: bool
) -> tuple[ReadResult, AppliedUpdates, _Previous]:
    """Return the shipped BTS rows with the update rows applied (latest per key wins)."""
    con.register("shipped", shipped.table)
    if prev.old is not None:
        con.register("old", prev.old)
        prev = _Previous(_legacy_rows(con, prev), prev.log)
        con.unregister("old")
    con.register("upd_rows", prev.rows)
    try:
        con.execute(
            "CREATE TEMP TABLE latest AS SELECT * FROM upd_rows QUALIFY row_number() OVER "
            f"(PARTITION BY {_KEY} ORDER BY applied_at DESC) = 1"
        )
        months = tuple(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT month FROM latest WHERE month NOT IN "
                "(SELECT DISTINCT month FROM shipped) ORDER BY month"
            ).fetchall()
        )
        n = int(con.execute("SELECT count(*) FROM latest").fetchall()[0][0])
        files = tuple(
            f"{name} (applied {at:%Y-%m-%d %H:%M} UTC)"
            for name, at in con.execute(
                "SELECT source_file, applied_at FROM upd_rows GROUP BY ALL ORDER BY applied_at"
            ).fetchall()
        )
        table = shipped.table
        if keep:
            table = con.sql(
                f"SELECT {_COLS} FROM shipped ANTI JOIN latest USING ({_KEY}) "
                f"UNION ALL SELECT {_COLS} FROM latest ORDER BY port_code, measure, month"
            ).to_arrow_table()
        con.execute("DROP TABLE latest")
    finally:
        con.unregister("shipped")
        con.unregister("upd_rows")
    merged = ReadResult(table, shipped.path, shipped.rows_read, shipped.issues)
    return merged, AppliedUpdates(files, n, months, keep), prev


def build_warehouse(
    db_path: Path | str | None = None,
    data_dir: Path | str | None = None,
    progress: Progress | None = None,
    sources: Sequence[TableSource] = TABLE_SOURCES,
    *,
    keep_updates: bool = True,
) -> BuildSummary:
    """Build the warehouse from the shipped data and swap it in atomically.

    If the database being replaced holds applied updates (table ``bts_updates``), they
    are re-applied on top of the shipped data unless ``keep_updates`` is False.

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
    keep_updates
        Re-apply the updates of the database being replaced (default); False drops them
        (reported in :attr:`BuildSummary.updates`).

    Returns
    -------
    BuildSummary
        Row counts per table, quirks met, updates kept or dropped, time taken.

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
    applied: AppliedUpdates | None = None
    with writing(db) as stale:
        prev, warning = _previous_updates(db)
        with swap_in_locked(db) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                for meta in META_TABLES:
                    con.execute(meta.ddl())
                for i, source in enumerate(sources):
                    if progress is not None:
                        progress(f"loading {source.table.name}", i, total)
                    result = as_result(source.read(folder), source, folder)
                    is_bts = source.table.name == schema.BTS_CROSSINGS.name
                    if is_bts and prev is not None:
                        result, applied, prev = _reapply(con, result, prev, keep_updates)
                    counts[source.table.name] = insert(con, source.table, result)
                    months: list[date] = []
                    if is_bts:
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
                if prev is not None and applied is not None and applied.kept:
                    # The history goes with the rows, so the next rebuild keeps them too.
                    con.register("prev_rows", prev.rows)
                    con.register("prev_log", prev.log)
                    con.execute("INSERT INTO bts_updates SELECT * FROM prev_rows")
                    cols = ", ".join(prev.log.column_names)
                    con.execute(f"INSERT INTO load_log ({cols}) SELECT {cols} FROM prev_log")
                    con.unregister("prev_rows")
                    con.unregister("prev_log")
                if progress is not None:
                    progress("writing the database file", len(sources), total)
                for meta in META_TABLES:
                    counts[meta.name] = table_row_counts(con)[meta.name]
                con.execute("CHECKPOINT")
            finally:
                con.close()
    if progress is not None:
        progress("done", total, total)
    return BuildSummary(
        db,
        counts,
        tuple(issues),
        time.perf_counter() - start,
        updates=applied,
        warnings=(warning,) if warning else (),
        stale_files_removed=stale,
    )
