"""Issue 7 items 1, 5 and 6: updates survive rebuilds, stale files go, files stay compact.

- item 1: ``load --update`` then a plain ``load`` (what ``make run`` does) keeps the
  update; ``--drop-updates`` drops it and says what it dropped;
- item 5: temporary files of killed loads are removed by the next load, only when their
  process is gone;
- item 6: an update that changes nothing leaves the file untouched; one that changes
  something leaves a file about the size of a fresh build.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from borderflow._config import shipped_data_dir
from borderflow.data import build_warehouse, connect_readonly, update_warehouse
from borderflow.data._catalogue import BTS_FILE
from tests.data._bts_testfiles import file_state, write_csv

TODAY = date(2025, 6, 15)


def _q(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = connect_readonly(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(warehouse_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, path)
    return path


@pytest.fixture(scope="module")
def update_file(
    bts_rows: tuple[list[str], list[list[str]]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, tuple[str, str, str, int]]:
    """March 2024 (February's rows relabelled, +3) plus one revised value of January 2024.

    Returns the file, the rows it adds and the revised (code, month, measure, new value).
    """
    header, rows = bts_rows
    march = [
        [*r[:4], "Mar 2024", r[5], str(int(r[6]) + 3), *r[7:]] for r in rows if r[4] == "Feb 2024"
    ]
    jan = next(list(r) for r in rows if r[4] == "Jan 2024" and r[2] == "3004" and r[5] == "Trucks")
    jan[6] = str(int(jan[6]) + 1234)
    path = write_csv(tmp_path_factory.mktemp("upd") / "march.csv", header, [*march, jan])
    return path, len(march), (jan[2], "2024-01-01", jan[5], int(jan[6]))


@pytest.mark.slow  # several builds of the warehouse
def test_plain_load_after_an_update_keeps_it(
    db: Path, update_file: tuple[Path, int, tuple[str, str, str, int]]
) -> None:
    path, n_added, (code, month, measure, value) = update_file
    shipped_rows = _q(db, "SELECT count(*) FROM bts_crossings")[0][0]
    update_warehouse(path, db, today=TODAY)
    before = _q(db, "SELECT * FROM bts_crossings ORDER BY ALL")
    assert len(before) == shipped_rows + n_added

    for _ in range(2):  # `make run` twice
        summary = build_warehouse(db)
        assert summary.updates is not None and summary.updates.kept
        assert summary.updates.months == (date(2024, 3, 1),)
        assert summary.updates.rows == n_added + 1
        assert summary.updates.files[0].startswith("march.csv (applied ")
        assert _q(db, "SELECT * FROM bts_crossings ORDER BY ALL") == before
    got = _q(
        db,
        f"SELECT value FROM bts_crossings WHERE port_code = '{code}' "
        f"AND month = DATE '{month}' AND measure = '{measure}'",
    )
    assert got == [(value,)]
    assert _q(db, "SELECT count(*), min(source_file) FROM load_log WHERE kind = 'update'") == [
        (1, "march.csv")
    ]
    assert _q(db, "SELECT change, count(*) FROM bts_updates GROUP BY ALL ORDER BY ALL") == [
        ("added", n_added),
        ("revised", 1),
    ]

    dropped = build_warehouse(db, keep_updates=False)
    assert dropped.updates is not None and not dropped.updates.kept
    assert dropped.updates.months == (date(2024, 3, 1),)
    assert _q(db, "SELECT count(*) FROM bts_crossings") == [(shipped_rows,)]
    assert _q(db, "SELECT count(*) FROM bts_updates") == [(0,)]
    assert build_warehouse(db).updates is None


@pytest.mark.slow  # several builds of the warehouse
def test_a_later_update_wins_over_an_earlier_one_after_a_rebuild(
    db: Path, tmp_path: Path, bts_rows: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = bts_rows
    row = next(list(r) for r in rows if r[4] == "Feb 2024" and r[2] == "0104")
    row[4] = "Mar 2024"
    first, second = list(row), list(row)
    first[6], second[6] = "100", "120"
    update_warehouse(write_csv(tmp_path / "a.csv", header, [first]), db, today=TODAY)
    update_warehouse(write_csv(tmp_path / "b.csv", header, [second]), db, today=TODAY)
    summary = build_warehouse(db)
    assert summary.updates is not None and len(summary.updates.files) == 2
    got = _q(
        db,
        f"SELECT value FROM bts_crossings WHERE port_code = '0104' "
        f"AND month = DATE '2024-03-01' AND measure = '{row[5]}'",
    )
    assert got == [(120,)]


def test_update_that_changes_nothing_leaves_the_file_untouched(db: Path) -> None:
    before = file_state(db)
    summary = update_warehouse(shipped_data_dir() / BTS_FILE, db, today=TODAY)
    assert not summary.changed
    assert file_state(db) == before


@pytest.mark.slow  # several builds of the warehouse
def test_update_leaves_a_file_the_size_of_a_fresh_build(
    db: Path, update_file: tuple[Path, int, tuple[str, str, str, int]]
) -> None:
    path = update_file[0]
    fresh = db.stat().st_size
    update_warehouse(path, db, today=TODAY)
    once = db.stat().st_size
    # 759 new rows of 390,294 (0.2 %); an in-place update grew the file by ~70 %
    assert once <= 1.05 * fresh
    rebuilt = db.parent / "rebuilt.duckdb"
    shutil.copyfile(db, rebuilt)
    build_warehouse(rebuilt)  # fresh build with the update re-applied: the same rows
    assert once <= 1.05 * rebuilt.stat().st_size


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.slow  # several builds of the warehouse
def test_stale_temp_files_of_dead_processes_are_removed(db: Path) -> None:
    dead = _dead_pid()
    stale = [db.with_name(f"{db.name}.tmp-{dead}"), db.with_name(f"{db.name}.tmp-{dead}.wal")]
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = db.with_name(f"{db.name}.tmp-{live.pid}")
        for p in [*stale, busy]:
            p.write_bytes(b"x" * 1000)
        other = db.with_name("other.duckdb.tmp-1")  # another database's file: not ours
        other.write_bytes(b"x")
        summary = build_warehouse(db)
        assert sorted(summary.stale_files_removed) == sorted(stale)
        assert not any(p.exists() for p in stale)
        assert busy.exists() and other.exists()  # its process may still be writing it
    finally:
        live.kill()
        live.wait()
    # the update path cleans up too, now also the file of the process just ended
    stale[0].write_bytes(b"x")
    summary = update_warehouse(shipped_data_dir() / BTS_FILE, db, today=TODAY)
    assert sorted(summary.stale_files_removed) == sorted([stale[0], busy])
    assert not stale[0].exists() and not busy.exists()


@pytest.mark.slow  # several builds of the warehouse
def test_a_killed_load_leaves_files_the_next_load_removes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    code = (
        "import sys, time\n"
        "from borderflow.data import build_warehouse\n"
        "def stall(step, done, total):\n"
        "    if step == 'loading crossings':\n"
        "        print('stalled', flush=True); time.sleep(120)\n"
        f"build_warehouse({str(db)!r}, progress=stall)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "stalled"
        left = sorted(p.name for p in tmp_path.iterdir() if ".tmp-" in p.name)
        assert left and left[0] == f"w.duckdb.tmp-{proc.pid}"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    time.sleep(0.1)
    assert (tmp_path / left[0]).exists()  # SIGKILL: no clean-up ran
    summary = build_warehouse(db)
    assert {p.name for p in summary.stale_files_removed} == set(left)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


@pytest.mark.slow  # updates and builds
def test_updates_of_an_older_borderflow_are_recovered(
    db: Path,
    tmp_path: Path,
    update_file: tuple[Path, int, tuple[str, str, str, int]],
    bts_rows: tuple[list[str], list[list[str]]],
) -> None:
    """A database updated before ``bts_updates`` existed, then updated again: a rebuild
    keeps both the old update (recovered from the data) and the new one."""
    import duckdb

    path, n_added = update_file[0], update_file[1]
    update_warehouse(path, db, today=TODAY)
    con = duckdb.connect(str(db))  # make it look like an older borderflow's database
    try:
        con.execute("DROP TABLE bts_updates")
        con.execute("ALTER TABLE load_log DROP COLUMN source_path")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    header, rows = bts_rows
    april = next(list(r) for r in rows if r[4] == "Feb 2024" and r[2] == "0104")
    april[4] = "Apr 2024"
    update_warehouse(write_csv(tmp_path / "april.csv", header, [april]), db, today=TODAY)
    want = _q(db, "SELECT * FROM bts_crossings ORDER BY ALL")
    summary = build_warehouse(db)
    assert summary.updates is not None and summary.updates.kept
    assert summary.updates.months == (date(2024, 3, 1), date(2024, 4, 1))
    assert summary.updates.rows == n_added + 1 + 1
    assert summary.updates.files[0].startswith("march.csv (recovered)")
    assert summary.updates.files[-1].startswith("april.csv (applied")
    assert _q(db, "SELECT * FROM bts_crossings ORDER BY ALL") == want
    assert build_warehouse(db).updates is not None  # and kept from now on
    assert _q(db, "SELECT * FROM bts_crossings ORDER BY ALL") == want
