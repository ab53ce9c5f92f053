"""Writing the warehouse safely: writer lock, temporary files, atomic swap; reading it.

DuckDB allows one writer or many readers per file, so nothing here ever writes into the
live database file. A build or an update writes a new file next to it
(``<db>.tmp-<pid>``) and :func:`os.replace` swaps it in atomically: a server that has the
old file open keeps reading the old inode, and a failed or interrupted load removes the
temporary file and leaves the previous database byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from borderflow._config import default_db_path
from borderflow.data import _schema as schema
from borderflow.data._catalogue import META_TABLES, TABLE_SOURCES, SourceData, TableSource
from borderflow.data._csv import LoadIssue, ReadResult
from borderflow.data._errors import DataFormatError, WarehouseBusyError, WarehouseMissingError

__all__ = [
    "as_result",
    "connect_readonly",
    "copy_tables",
    "insert",
    "log",
    "log_issues",
    "now",
    "remove_stale_temp_files",
    "scalar",
    "sha256",
    "swap_in_locked",
    "table_row_counts",
    "writer_lock",
    "writing",
]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tmp_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")


def remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


@contextlib.contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
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


_TMP_RE = re.compile(r"\.tmp-(?P<pid>[0-9]+)(\.wal)?$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    except OSError:  # pragma: no cover - e.g. pid out of range: no such process
        return False
    return True


def remove_stale_temp_files(db_path: Path) -> tuple[Path, ...]:
    """Delete ``<db>.tmp-<pid>`` and ``<db>.tmp-<pid>.wal`` left by killed loads.

    Only files whose process no longer exists are removed (a live process may still be
    writing its own), and only while the writer lock is held. Returns what was removed.
    """
    removed: list[Path] = []
    prefix = db_path.name + ".tmp-"
    if not db_path.parent.is_dir():
        return ()
    for p in sorted(db_path.parent.iterdir()):
        if not p.name.startswith(prefix):
            continue
        m = _TMP_RE.search(p.name[len(db_path.name) :])
        if m is None or _pid_alive(int(m["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
            removed.append(p)
    return tuple(removed)


@contextlib.contextmanager
def writing(db_path: Path) -> Iterator[tuple[Path, ...]]:
    """Hold the writer lock of ``db_path`` (creating its folder); yield stale files removed."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(db_path):
        yield remove_stale_temp_files(db_path)


@contextlib.contextmanager
def swap_in_locked(db_path: Path) -> Iterator[Path]:
    """Yield a temporary path; on success replace ``db_path`` by it, else delete it.

    The caller holds the writer lock (:func:`writing`).
    """
    tmp = tmp_path(db_path)
    remove(tmp)
    try:
        yield tmp
        os.replace(tmp, db_path)
    except BaseException:  # incl. KeyboardInterrupt: never leave a half-built file
        remove(tmp)
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.with_name(tmp.name + ".wal").unlink()


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def as_result(data: SourceData, source: TableSource, data_dir: Path) -> ReadResult:
    path = data_dir / source.files[0] if source.files else data_dir
    if isinstance(data, ReadResult):
        return data
    table = (
        pa.Table.from_pandas(data, preserve_index=False) if isinstance(data, pd.DataFrame) else data
    )
    return ReadResult(table, path, int(table.num_rows))


def insert(con: duckdb.DuckDBPyConnection, table: schema.Table, result: ReadResult) -> int:
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


def log(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    table_name: str,
    path: Path,
    rows_read: int,
    rows_inserted: int,
    rows_revised: int,
    months_added: Sequence[date],
    at: datetime | None = None,
    digest: str | None = None,
) -> None:
    """Add a ``load_log`` row (``digest``: the file's sha256, computed if not given)."""
    if digest is None:
        digest = sha256(path) if path.is_file() else ""
    con.execute(
        "INSERT INTO load_log (loaded_at, kind, table_name, source_file, source_path, sha256, "
        "rows_read, rows_inserted, rows_revised, months_added) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            at or now(),
            kind,
            table_name,
            path.name,
            str(path.resolve()),
            digest,
            rows_read,
            rows_inserted,
            rows_revised,
            list(months_added),
        ],
    )


def copy_tables(con: duckdb.DuckDBPyConnection, source: str, skip: set[str]) -> None:
    """Create every table of the attached database ``source`` in ``con`` and copy its rows.

    Declared tables (:data:`TABLE_SOURCES`, :data:`META_TABLES`) get their declared DDL;
    a declared column the old file lacks (a warehouse built by an older borderflow) is
    filled with NULL, and a declared table it lacks is created empty.
    """
    declared = {t.name: t for t in (*(s.table for s in TABLE_SOURCES), *META_TABLES)}
    present = {
        r[0]: r[1]
        for r in con.execute(
            "SELECT table_name, list(column_name) FROM duckdb_columns() "
            "WHERE database_name = ? GROUP BY table_name",
            [source],
        ).fetchall()
    }
    for name in sorted(set(declared) | set(present)):
        if name in skip:
            continue
        table = declared.get(name)
        if table is None:
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {source}."{name}"')
            continue
        con.execute(table.ddl())
        if name not in present:
            continue
        cols = ", ".join(table.column_names)
        exprs = ", ".join(
            c.name if c.name in present[name] else f"NULL::{c.type}" for c in table.columns
        )
        con.execute(f"INSERT INTO {name} ({cols}) SELECT {exprs} FROM {source}.{name}")


def log_issues(con: duckdb.DuckDBPyConnection, issues: Sequence[LoadIssue]) -> None:
    if issues:
        con.executemany(
            "INSERT INTO load_issues VALUES (?, ?, ?, ?, ?)",
            [[i.table_name, i.source_file, i.kind, i.key, i.detail] for i in issues],
        )


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall: DuckDB 2 keeps a fetchone() result open and refuses some later calls.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return ``{table: rows}`` for every table of the open warehouse, by name."""
    names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    out: dict[str, int] = {}
    for name in sorted(names):
        out[name] = scalar(con, f'SELECT count(*) FROM "{name}"')
    return out


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
