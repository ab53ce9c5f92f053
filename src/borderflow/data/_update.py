"""Updating the warehouse with a newer BTS release."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from borderflow._config import default_db_path
from borderflow.data import _schema as schema
from borderflow.data._bts import read_bts_crossings
from borderflow.data._catalogue import Progress
from borderflow.data._csv import LoadIssue, ReadResult
from borderflow.data._errors import WarehouseMissingError
from borderflow.data._store import log, log_issues, scalar, swap_in

__all__ = ["Revision", "UpdateSummary", "update_warehouse"]


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
    with swap_in(db) as tmp:
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
        revised = scalar(
            con,
            f"SELECT count(*) FROM upd u JOIN bts_crossings b ON {_JOIN} AND u.value <> b.value",
        )
        unchanged = scalar(
            con, f"SELECT count(*) FROM upd u JOIN bts_crossings b ON {_JOIN} AND u.value = b.value"
        )
        n_before = scalar(con, "SELECT count(*) FROM bts_crossings")
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
        log(
            con,
            kind="update",
            table_name=schema.BTS_CROSSINGS.name,
            path=result.path,
            rows_read=result.rows_read,
            rows_inserted=rows_added,
            rows_revised=revised,
            months_added=months_added,
        )
        log_issues(con, result.issues)
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
