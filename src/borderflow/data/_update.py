"""Updating the warehouse with a newer BTS release.

Read and check the file (:mod:`borderflow.data._plausible`) against the warehouse opened
read-only, under the writer lock; if it changes nothing, stop there (the file is not
touched); else write a compact new database from the old one plus the changes and swap
it in. Every added or revised row is also kept in ``bts_updates`` for rebuilds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from borderflow._config import default_db_path
from borderflow.data import _schema as schema
from borderflow.data._bts import read_bts_file
from borderflow.data._catalogue import Progress
from borderflow.data._csv import LoadIssue, ReadResult
from borderflow.data._errors import WarehouseMissingError
from borderflow.data._plausible import check_update
from borderflow.data._registry_build import load_registry
from borderflow.data._store import (
    connect_readonly,
    copy_tables,
    log,
    log_issues,
    now,
    scalar,
    sha256,
    swap_in_locked,
    writing,
)

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
    warnings
        What was accepted only because it was allowed explicitly (new ports).
    stale_files_removed
        Temporary files of killed loads removed before this update.

    An update that changes nothing leaves the database file untouched (same bytes, same
    modification time).
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
    warnings: tuple[str, ...] = field(default=())
    stale_files_removed: tuple[Path, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """Whether the update changed any row."""
        return self.rows_added > 0 or self.values_revised > 0


_JOIN = "u.port_code = b.port_code AND u.month = b.month AND u.measure = b.measure"


def update_warehouse(
    update_file: Path | str,
    db_path: Path | str | None = None,
    progress: Progress | None = None,
    *,
    accept_new_ports: bool = False,
    today: date | None = None,
) -> UpdateSummary:
    """Apply a newer BTS release (full, or new months only) to ``bts_crossings``.

    The file is read and checked first (format, then the rules of ``docs/data.md``:
    months, measures, ports, plausible values). If it changes nothing the database file
    is not touched. Otherwise a new, compact database is written next to it from the
    current one plus the changes and swapped in atomically. New keys (port, month,
    measure) are appended; existing keys whose value differs are revised to the file's
    value (the newer release wins); nothing is ever duplicated or deleted. New rows
    without coordinates take the port's coordinates already in the warehouse. Every row
    added or revised is also kept in ``bts_updates``, so a later rebuild
    (:func:`build_warehouse`) re-applies it.

    Parameters
    ----------
    update_file
        BTS Border Crossing Entry Data file, ``.csv`` or ``.csv.gz`` (see
        ``docs/data.md`` for accepted column names and date spellings).
    db_path
        The warehouse (default :func:`borderflow._config.default_db_path`).
    progress
        Called as ``progress(step, done, total)``.
    accept_new_ports
        Load port codes that are neither in the warehouse nor in the crossing registry
        (reported in :attr:`UpdateSummary.warnings`); without it they are refused.
    today
        The date deciding which months are over (default: today, UTC).

    Returns
    -------
    UpdateSummary
        Months and rows added, values revised (with examples), rows unchanged, warnings.

    Raises
    ------
    WarehouseMissingError
        No warehouse yet: run ``borderflow load`` first.
    DataFormatError
        The file is malformed or breaks a rule (file, line, column and reason); the
        database is left byte-identical.
    WarehouseBusyError
        Another load or update is writing the same database.
    """
    start = time.perf_counter()
    db = Path(db_path) if db_path is not None else default_db_path()
    path = Path(update_file)
    if not db.is_file():
        raise WarehouseMissingError(db)
    day = today if today is not None else datetime.now(UTC).date()
    total = 4

    def step(text: str, done: int) -> None:
        if progress is not None:
            progress(text, done, total)

    step(f"reading {path.name}", 0)
    bts = read_bts_file(path)
    digest = sha256(path)
    codes = frozenset(p.bts_port_code for p in load_registry().port_codes)
    with writing(db) as stale:
        step("checking the update against the warehouse", 1)
        con = connect_readonly(db)
        try:
            con.register("upd", bts.result.table)
            warnings = check_update(con, bts, codes, today=day, accept_new_ports=accept_new_ports)
            diff = _diff(con)
        finally:
            con.close()
        if diff.changed:
            step("writing a new database file", 2)
            with swap_in_locked(db) as tmp:
                _write(db, tmp, diff, bts.result, digest)
    step("done", total)
    return UpdateSummary(
        db_path=db,
        source_file=path,
        rows_read=bts.result.rows_read,
        rows_added=diff.added.num_rows,
        months_added=diff.months_added,
        values_revised=diff.revised.num_rows,
        revised_examples=diff.examples,
        rows_unchanged=diff.unchanged,
        rows_not_in_file=diff.rows_before - diff.revised.num_rows - diff.unchanged,
        issues=bts.result.issues,
        seconds=time.perf_counter() - start,
        warnings=warnings,
        stale_files_removed=stale,
    )


@dataclass(frozen=True)
class _Diff:
    added: pa.Table  # bts_crossings rows, coordinates filled
    revised: pa.Table  # bts_crossings rows with the new value
    months_added: tuple[date, ...]
    examples: tuple[Revision, ...]
    unchanged: int
    rows_before: int

    @property
    def changed(self) -> bool:
        return bool(self.added.num_rows > 0 or self.revised.num_rows > 0)


_COLS = ", ".join(schema.BTS_CROSSINGS.column_names)


def _diff(con: duckdb.DuckDBPyConnection) -> _Diff:
    """Compare the update ``upd`` with the warehouse (read-only connection)."""
    added = con.sql(
        "SELECT u.port_code, u.port_name, u.state, u.border, u.month, u.measure, u.value, "
        "coalesce(u.latitude, p.latitude) AS latitude, "
        "coalesce(u.longitude, p.longitude) AS longitude "
        f"FROM upd u ANTI JOIN bts_crossings b ON {_JOIN} "
        "LEFT JOIN (SELECT port_code, arg_max(latitude, month) AS latitude, "
        "arg_max(longitude, month) AS longitude FROM bts_crossings GROUP BY port_code) p "
        "USING (port_code) ORDER BY u.port_code, u.measure, u.month"
    ).to_arrow_table()
    revised = con.sql(
        "SELECT b.port_code, b.port_name, b.state, b.border, b.month, b.measure, "
        "u.value, b.latitude, b.longitude "
        f"FROM upd u JOIN bts_crossings b ON {_JOIN} WHERE u.value <> b.value "
        "ORDER BY b.port_code, b.measure, b.month"
    ).to_arrow_table()
    con.register("added", added)
    months_added = tuple(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT month FROM added WHERE month NOT IN "
            "(SELECT DISTINCT month FROM bts_crossings) ORDER BY month"
        ).fetchall()
    )
    con.unregister("added")
    examples = tuple(
        Revision(*r)
        for r in con.execute(
            "SELECT b.port_code, b.port_name, b.month, b.measure, b.value, u.value "
            f"FROM upd u JOIN bts_crossings b ON {_JOIN} WHERE u.value <> b.value "
            "ORDER BY abs(u.value - b.value) DESC, b.port_code, b.month, b.measure LIMIT 5"
        ).fetchall()
    )
    unchanged = scalar(
        con, f"SELECT count(*) FROM upd u JOIN bts_crossings b ON {_JOIN} AND u.value = b.value"
    )
    return _Diff(
        added=added,
        revised=revised,
        months_added=months_added,
        examples=examples,
        unchanged=unchanged,
        rows_before=scalar(con, "SELECT count(*) FROM bts_crossings"),
    )


def _write(db: Path, tmp: Path, diff: _Diff, result: ReadResult, digest: str) -> None:
    """Write ``tmp``: every table of ``db`` copied, ``bts_crossings`` with the changes.

    A fresh file holds each row once; updating a copy in place would keep the old row
    versions and grow the file by most of its size on every update.
    """
    at = now()
    con = duckdb.connect(str(tmp))
    try:
        quoted = str(db).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS old (READ_ONLY)")
        con.register("added", diff.added)
        con.register("revised", diff.revised)
        con.execute("BEGIN TRANSACTION")
        copy_tables(con, "old", skip={schema.BTS_CROSSINGS.name})
        con.execute(schema.BTS_CROSSINGS.ddl())
        con.execute(
            f"INSERT INTO bts_crossings ({_COLS}) SELECT {_COLS} FROM ("
            f"SELECT b.* REPLACE (coalesce(r.value, b.value) AS value) "
            f"FROM old.bts_crossings b LEFT JOIN revised r "
            "USING (port_code, month, measure) "
            f"UNION ALL SELECT {_COLS} FROM added) ORDER BY port_code, measure, month"
        )
        for change, view in (("added", "added"), ("revised", "revised")):
            con.execute(
                f"INSERT INTO bts_updates SELECT ?, ?, ?, ?, {_COLS} FROM {view}",
                [at, result.path.name, digest, change],
            )
        log(
            con,
            kind="update",
            table_name=schema.BTS_CROSSINGS.name,
            path=result.path,
            rows_read=result.rows_read,
            rows_inserted=diff.added.num_rows,
            rows_revised=diff.revised.num_rows,
            months_added=diff.months_added,
            at=at,
            digest=digest,
        )
        log_issues(con, result.issues)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
