"""The DuckDB warehouse: build from the shipped data, update with newer BTS files, read.

DuckDB allows one writer or many readers per file, so nothing here ever writes into the
live database file. A build or an update writes a new file next to it
(``<db>.tmp-<pid>``) and :func:`os.replace` swaps it in atomically: a server that has the
old file open keeps reading the old inode, and a failed or interrupted load removes the
temporary file and leaves the previous database byte-identical.

Adding a table is one :class:`TableSource` entry in :data:`TABLE_SOURCES`: a declared
:class:`~borderflow.data.schema.Table` plus a function that reads it from the data folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import pandas as pd
import pyarrow as pa

from borderflow._config import default_db_path, shipped_data_dir
from borderflow.data import schema
from borderflow.data._registry_table import CROSSINGS_TABLE, REGISTRY_FILES, registry_table
from borderflow.data.errors import DataFormatError, WarehouseBusyError, WarehouseMissingError
from borderflow.data.readers import (
    LoadIssue,
    ReadResult,
    read_bts_crossings,
    read_cascade_trucks_daily,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
    read_transborder_monthly,
    read_transborder_port_jan2015,
)

__all__ = [
    "BTS_FILE",
    "META_TABLES",
    "TABLE_SOURCES",
    "BuildSummary",
    "Progress",
    "Revision",
    "TableSource",
    "UpdateSummary",
    "build_warehouse",
    "connect_readonly",
    "table_row_counts",
    "update_warehouse",
]

#: Progress callback: ``(step description, steps done, steps in all)``.
Progress = Callable[[str, int, int], None]

#: What a table source's reader may return.
SourceData: TypeAlias = ReadResult | pa.Table | pd.DataFrame

#: The shipped BTS release, relative to the data folder.
BTS_FILE = "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz"


@dataclass(frozen=True)
class TableSource:
    """A warehouse table and how to fill it from the data folder.

    Parameters
    ----------
    table
        The declared table (columns, types, units, key).
    files
        Source files relative to the data folder, recorded in ``load_log`` with sha256.
    read
        Called with the data folder; returns a :class:`ReadResult`, an Arrow table or a
        pandas DataFrame holding (at least) the declared columns.
    """

    table: schema.Table
    files: tuple[str, ...]
    read: Callable[[Path], SourceData]


def _one_file(reader: Callable[[Path], ReadResult], relative: str) -> Callable[[Path], SourceData]:
    def read(data_dir: Path) -> SourceData:
        return reader(data_dir / relative)

    return read


_PEACE_ARCH_HOURLY = (
    "cascade_gateway/peace_arch_southbound_cars_hourly_delay_2013-01_2018-12.csv.gz"
)
_PEACE_ARCH_NORTH = "cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz"
_TRUCKS = "cascade_gateway/all_trucks_20180101_20200331.csv.gz"
_TB_MONTHLY = "transborder/transborder_monthly_by_country_mode_1993-04_2025-12.csv.gz"
_TB_DOT1 = "transborder/dot1_0115_canada.csv.gz"

#: Every table the build loads, in order. Add an entry to add a table.
TABLE_SOURCES: tuple[TableSource, ...] = (
    TableSource(schema.BTS_CROSSINGS, (BTS_FILE,), _one_file(read_bts_crossings, BTS_FILE)),
    TableSource(
        schema.PEACE_ARCH_HOURLY_DELAY,
        (_PEACE_ARCH_HOURLY,),
        _one_file(read_peace_arch_hourly_delay, _PEACE_ARCH_HOURLY),
    ),
    TableSource(
        schema.PEACE_ARCH_NORTH_DAILY,
        (_PEACE_ARCH_NORTH,),
        _one_file(read_peace_arch_north_daily, _PEACE_ARCH_NORTH),
    ),
    TableSource(
        schema.CASCADE_TRUCKS_DAILY, (_TRUCKS,), _one_file(read_cascade_trucks_daily, _TRUCKS)
    ),
    TableSource(
        schema.TRANSBORDER_MONTHLY, (_TB_MONTHLY,), _one_file(read_transborder_monthly, _TB_MONTHLY)
    ),
    TableSource(
        schema.TRANSBORDER_PORT_JAN2015,
        (_TB_DOT1,),
        _one_file(read_transborder_port_jan2015, _TB_DOT1),
    ),
    TableSource(CROSSINGS_TABLE, REGISTRY_FILES, registry_table),
)

#: Bookkeeping tables every warehouse has.
META_TABLES: tuple[schema.Table, ...] = (schema.LOAD_LOG, schema.LOAD_ISSUES)


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


@dataclass(frozen=True)
class Revision:
    """One value changed by an update (count/month)."""

    port_code: str
    port_name: str
    month: date
    measure: str
    old_value: int
    new_value: int


@dataclass(frozen=True)
class UpdateSummary:
    """What :func:`update_warehouse` changed in ``bts_crossings``.

    Parameters
    ----------
    db_path
        The warehouse updated.
    source_file
        The update file.
    rows_read
        Data rows in the file.
    rows_added
        New (port, month, measure) rows inserted.
    months_added
        Months that were not in the table before, sorted.
    values_revised
        Existing rows whose value the file changed.
    revised_examples
        Up to five of the revisions (largest absolute change first).
    rows_unchanged
        Rows of the file already present with the same value.
    rows_not_in_file
        Rows of the warehouse the file does not mention (kept; normal for a
        new-months-only file).
    issues
        Quirks found in the file (duplicates, conflicting keys) and the rule applied.
    seconds
        Wall-clock time, s.
    """

    db_path: Path
    source_file: Path
    rows_read: int
    rows_added: int
    months_added: tuple[date, ...]
    values_revised: int
    revised_examples: tuple[Revision, ...]
    rows_unchanged: int
    rows_not_in_file: int
    issues: tuple[LoadIssue, ...] = field(default=())
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the update changed any row."""
        return self.rows_added > 0 or self.values_revised > 0


# --- helpers ------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tmp_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


@contextlib.contextmanager
def _writer_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<db>.lock`` so two loads never interleave.

    Without it, an update that copied the old file while a rebuild ran would swap in a
    copy that silently drops the rebuild. Readers take no lock: they never block.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the atomic replace still protects readers
        yield
        return
    fd = os.open(db_path.with_name(db_path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusyError(db_path) from None
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _swap_in(db_path: Path) -> Iterator[Path]:
    """Yield a temporary path; on success replace ``db_path`` by it, else delete it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(db_path)
    with _writer_lock(db_path):
        _remove(tmp)
        try:
            yield tmp
            os.replace(tmp, db_path)
        except BaseException:  # incl. KeyboardInterrupt: never leave a half-built file
            _remove(tmp)
            raise
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.with_name(tmp.name + ".wal").unlink()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _as_result(data: SourceData, source: TableSource, data_dir: Path) -> ReadResult:
    path = data_dir / source.files[0] if source.files else data_dir
    if isinstance(data, ReadResult):
        return data
    table = (
        pa.Table.from_pandas(data, preserve_index=False) if isinstance(data, pd.DataFrame) else data
    )
    return ReadResult(table, path, int(table.num_rows))


def _insert(con: duckdb.DuckDBPyConnection, table: schema.Table, result: ReadResult) -> int:
    """Create ``table`` and insert the result's rows; return the row count."""
    missing = [c for c in table.column_names if c not in result.table.column_names]
    if missing:
        raise ValueError(f"reader for {table.name} returned no column(s) {missing}")
    con.execute(table.ddl())
    con.register("staging", result.table)
    try:
        if table.primary_key:
            key = ", ".join(table.primary_key)
            dups = con.execute(
                f"SELECT {key}, count(*) FROM staging GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
            ).fetchall()
            if dups:
                shown = " ".join(str(v) for v in dups[0][:-1])
                raise DataFormatError(
                    result.path,
                    f"table {table.name}: {dups[0][-1]} rows share the key ({key}) = {shown}",
                )
        cols = ", ".join(table.column_names)
        try:
            con.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM staging")
        except duckdb.ConstraintException as exc:
            raise DataFormatError(result.path, f"violates table {table.name}: {exc}") from None
    finally:
        con.unregister("staging")
    return int(result.table.num_rows)


def _log(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    table_name: str,
    path: Path,
    rows_read: int,
    rows_inserted: int,
    rows_revised: int,
    months_added: Sequence[date],
) -> None:
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            _now(),
            kind,
            table_name,
            path.name,
            _sha256(path) if path.is_file() else "",
            rows_read,
            rows_inserted,
            rows_revised,
            list(months_added),
        ],
    )


def _log_issues(con: duckdb.DuckDBPyConnection, issues: Sequence[LoadIssue]) -> None:
    if issues:
        con.executemany(
            "INSERT INTO load_issues VALUES (?, ?, ?, ?, ?)",
            [[i.table_name, i.source_file, i.kind, i.key, i.detail] for i in issues],
        )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall: DuckDB 2 keeps a fetchone() result open and refuses some later calls.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return ``{table: rows}`` for every table of the open warehouse, by name."""
    names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    out: dict[str, int] = {}
    for name in sorted(names):
        out[name] = _scalar(con, f'SELECT count(*) FROM "{name}"')
    return out


# --- build ---------------------------------------------------------------------------------


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
    with _swap_in(db) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for meta in META_TABLES:
                con.execute(meta.ddl())
            for i, source in enumerate(sources):
                if progress is not None:
                    progress(f"loading {source.table.name}", i, total)
                result = _as_result(source.read(folder), source, folder)
                counts[source.table.name] = _insert(con, source.table, result)
                months: list[date] = []
                if source.table.name == schema.BTS_CROSSINGS.name:
                    months = [
                        r[0]
                        for r in con.execute(
                            "SELECT DISTINCT month FROM bts_crossings ORDER BY month"
                        ).fetchall()
                    ]
                for rel in source.files or (str(result.path),):
                    _log(
                        con,
                        kind="build",
                        table_name=source.table.name,
                        path=folder / rel,
                        rows_read=result.rows_read,
                        rows_inserted=counts[source.table.name],
                        rows_revised=0,
                        months_added=months,
                    )
                _log_issues(con, result.issues)
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


# --- update --------------------------------------------------------------------------------

_KEY = "port_code, month, measure"
_JOIN = "u.port_code = b.port_code AND u.month = b.month AND u.measure = b.measure"


def update_warehouse(
    update_file: Path | str,
    db_path: Path | str | None = None,
    progress: Progress | None = None,
) -> UpdateSummary:
    """Apply a newer BTS release (full, or new months only) to ``bts_crossings``.

    The file is read and validated first; then the current database is copied to a
    temporary file, the update applied there, and the copy swapped in atomically. New keys
    (port, month, measure) are appended; existing keys whose value differs are revised to
    the file's value (the newer release wins); nothing is ever duplicated or deleted.
    New rows without coordinates take the port's coordinates already in the warehouse.

    Parameters
    ----------
    update_file
        BTS Border Crossing Entry Data file, ``.csv`` or ``.csv.gz`` (see
        ``docs/data.md`` for accepted column names and date spellings).
    db_path
        The warehouse (default :func:`borderflow._config.default_db_path`).
    progress
        Called as ``progress(step, done, total)``.

    Returns
    -------
    UpdateSummary
        Months and rows added, values revised (with examples), rows unchanged.

    Raises
    ------
    WarehouseMissingError
        No warehouse yet: run ``borderflow load`` first.
    DataFormatError
        The file is malformed; the database is left byte-identical.
    WarehouseBusyError
        Another load or update is writing the same database.
    """
    start = time.perf_counter()
    db = Path(db_path) if db_path is not None else default_db_path()
    path = Path(update_file)
    if not db.is_file():
        raise WarehouseMissingError(db)
    total = 4

    def step(text: str, done: int) -> None:
        if progress is not None:
            progress(text, done, total)

    step(f"reading {path.name}", 0)
    result = read_bts_crossings(path)
    with _swap_in(db) as tmp:
        step("copying the warehouse", 1)
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            step("applying the update", 2)
            summary = _apply_update(con, result)
            step("writing the database file", 3)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    step("done", total)
    return UpdateSummary(
        db_path=db,
        source_file=path,
        rows_read=result.rows_read,
        seconds=time.perf_counter() - start,
        issues=result.issues,
        **summary,
    )


def _apply_update(con: duckdb.DuckDBPyConnection, result: ReadResult) -> dict[str, Any]:
    con.register("upd", result.table)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TEMP TABLE new_rows AS SELECT u.* FROM upd u "
            f"ANTI JOIN bts_crossings b ON {_JOIN}"
        )
        months_added = tuple(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT month FROM new_rows WHERE month NOT IN "
                "(SELECT DISTINCT month FROM bts_crossings) ORDER BY month"
            ).fetchall()
        )
        examples = tuple(
            Revision(*r)
            for r in con.execute(
                "SELECT b.port_code, b.port_name, b.month, b.measure, b.value, u.value "
                f"FROM upd u JOIN bts_crossings b ON {_JOIN} WHERE u.value <> b.value "
                "ORDER BY abs(u.value - b.value) DESC, b.port_code, b.month, b.measure LIMIT 5"
            ).fetchall()
        )
        revised = _scalar(
            con,
            f"SELECT count(*) FROM upd u JOIN bts_crossings b ON {_JOIN} AND u.value <> b.value",
        )
        unchanged = _scalar(
            con, f"SELECT count(*) FROM upd u JOIN bts_crossings b ON {_JOIN} AND u.value = b.value"
        )
        n_before = _scalar(con, "SELECT count(*) FROM bts_crossings")
        con.execute(
            "UPDATE bts_crossings b SET value = u.value FROM upd u "
            f"WHERE {_JOIN} AND u.value <> b.value"
        )
        cols = ", ".join(schema.BTS_CROSSINGS.column_names)
        con.execute(
            f"INSERT INTO bts_crossings ({cols}) "
            "SELECT n.port_code, n.port_name, n.state, n.border, n.month, n.measure, n.value, "
            "coalesce(n.latitude, p.latitude), coalesce(n.longitude, p.longitude) "
            "FROM new_rows n LEFT JOIN (SELECT port_code, "
            "arg_max(latitude, month) AS latitude, arg_max(longitude, month) AS longitude "
            "FROM bts_crossings GROUP BY port_code) p USING (port_code) "
            f"ORDER BY n.{_KEY}"
        )
        rows_added = int(result.table.num_rows) - revised - unchanged
        _log(
            con,
            kind="update",
            table_name=schema.BTS_CROSSINGS.name,
            path=result.path,
            rows_read=result.rows_read,
            rows_inserted=rows_added,
            rows_revised=revised,
            months_added=months_added,
        )
        _log_issues(con, result.issues)
        con.execute("DROP TABLE new_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("upd")
    return {
        "rows_added": rows_added,
        "months_added": months_added,
        "values_revised": revised,
        "revised_examples": examples,
        "rows_unchanged": unchanged,
        "rows_not_in_file": n_before - revised - unchanged,
    }


# --- read ----------------------------------------------------------------------------------


def connect_readonly(db_path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (many readers may do so while a load runs).

    Parameters
    ----------
    db_path
        The warehouse (default :func:`borderflow._config.default_db_path`).

    Returns
    -------
    duckdb.DuckDBPyConnection
        A connection whose default database is the warehouse, attached read-only; close
        it when done (or use it as a context manager).

    Raises
    ------
    WarehouseMissingError
        The file does not exist yet: the message says to run ``borderflow load`` first.

    Notes
    -----
    ``duckdb.connect(path)`` hands out the *same* database instance to every connection
    of a process while one is open, so a long-running server would never see a reloaded
    file. Each call here attaches the file in a fresh in-memory instance instead: a new
    connection always reads the current file, and open ones keep their snapshot.
    """
    db = Path(db_path) if db_path is not None else default_db_path()
    if not db.is_file():
        raise WarehouseMissingError(db)
    con = duckdb.connect(":memory:")
    try:
        quoted = str(db).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con
