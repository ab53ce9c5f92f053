"""``borderflow load`` through Typer's CliRunner: build, update, errors, DB location."""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderflow._config import shipped_data_dir
from borderflow.cli import app
from borderflow.data import connect_readonly
from borderflow.data._catalogue import BTS_FILE

runner = CliRunner()


def _count(db: Path, sql: str) -> object:
    con = connect_readonly(db)
    try:
        row = con.execute(sql).fetchone()
        assert row is not None
        return row[0]
    finally:
        con.close()


def test_load_builds_where_the_flag_says(tmp_path: Path) -> None:
    env_db = tmp_path / "env" / "w.duckdb"
    flag_db = tmp_path / "flag" / "w.duckdb"
    res = runner.invoke(
        app, ["load", "--db", str(flag_db)], env={"BORDERFLOW_DB": str(env_db), "COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    assert flag_db.is_file() and not env_db.exists()  # --db overrides $BORDERFLOW_DB
    n = _count(flag_db, "SELECT count(*) FROM bts_crossings")
    assert n == 390_294
    assert "bts_crossings" in res.stdout and f"{n:,}" in res.stdout
    assert "10 exact duplicate rows dropped" in res.stdout
    assert "conflicting_key" in res.stdout and "2175" in res.stdout


def test_load_uses_environment_variable(tmp_path: Path) -> None:
    env_db = tmp_path / "env.duckdb"
    res = runner.invoke(app, ["load"], env={"BORDERFLOW_DB": str(env_db), "COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert _count(env_db, "SELECT count(*) FROM peace_arch_hourly_delay") == 52_584


def _march_file(path: Path) -> int:
    """New-months-only file: the February 2024 rows relabelled March 2024."""
    with gzip.open(shipped_data_dir() / BTS_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    march = [[*r[:4], "Mar 2024", *r[5:]] for r in rows[1:] if r[4] == "Feb 2024"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *march])
    return len(march)


def test_load_update_reports_changes(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    n = _march_file(tmp_path / "march.csv")
    res = runner.invoke(
        app,
        ["load", "--db", str(db), "--update", str(tmp_path / "march.csv")],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "2024-03" in res.stdout and f"{n:,}" in res.stdout
    assert _count(db, "SELECT count(*) FROM bts_crossings WHERE month = DATE '2024-03-01'") == n
    again = runner.invoke(app, ["load", "--db", str(db), "--update", str(tmp_path / "march.csv")])
    assert again.exit_code == 0
    assert "No change" in again.stdout


def test_load_update_bad_file_exits_1_with_one_line(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Port Name,State,Port Code,Border,Date,Measure,Value\n"
        "Jackman,Maine,0104,US-Canada Border,Mar 2024,Trucks,6556\n"
        "Jackman,Maine,0104,US-Canada Border,Mar 2024,Buses,many\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        app, ["load", "--db", str(db), "--update", str(bad)], env={"COLUMNS": "300"}
    )
    assert res.exit_code == 1
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    assert "error:" in lines[0] and "bad.csv" in lines[0]
    assert "line 3" in lines[0] and "'Value'" in lines[0] and "many" in lines[0]
    assert "Traceback" not in res.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == sha


def test_load_update_without_database(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        ["load", "--db", str(tmp_path / "none.duckdb"), "--update", str(tmp_path / "x.csv")],
        env={"COLUMNS": "300"},
    )
    assert res.exit_code == 1
    assert "run `borderflow load` first" in res.stderr


# --- issue 7 items 1, 2, 9 through the command line ---------------------------------------


@pytest.mark.slow  # three loads
def test_plain_load_after_update_keeps_it_and_drop_says_what_it_drops(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    n = _march_file(tmp_path / "march.csv")
    env = {"COLUMNS": "80"}
    assert runner.invoke(app, ["load", "--db", str(db)], env=env).exit_code == 0
    upd = runner.invoke(app, ["load", "--db", str(db), "--update", str(tmp_path / "march.csv")])
    assert upd.exit_code == 0, upd.output
    march = "SELECT count(*) FROM bts_crossings WHERE month = DATE '2024-03-01'"
    again = runner.invoke(app, ["load", "--db", str(db)], env=env)  # what `make run` does
    assert again.exit_code == 0, again.output
    assert _count(db, march) == n
    text = " ".join(again.stdout.split())
    assert f"Re-applied 1 update(s) applied earlier: {n:,} rows, months added 2024-03" in text
    assert "march.csv" in text
    # every line fits 80 columns but the database path, printed whole for copying
    assert max(len(x) for x in again.stdout.splitlines() if "Database:" not in x) <= 80
    bad = runner.invoke(
        app, ["load", "--db", str(db), "--drop-updates", "--update", str(tmp_path / "march.csv")]
    )
    assert bad.exit_code == 1 and "--drop-updates" in bad.stderr
    drop = runner.invoke(app, ["load", "--db", str(db), "--drop-updates"], env=env)
    assert drop.exit_code == 0, drop.output
    assert "Dropped (--drop-updates) 1 update(s)" in " ".join(drop.stdout.split())
    assert _count(db, march) == 0


def test_update_refusals_name_file_line_column(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, db)
    sha = hashlib.sha256(db.read_bytes()).hexdigest()
    header = "Port Name,State,Port Code,Border,Date,Measure,Value\n"
    ok = "Jackman,Maine,0104,US-Canada Border,Mar 2024,Trucks,6556\n"
    cases = {
        "Jackman,Maine,0104,US-Canada Border,Mar 2024,Trucks,999999999999\n": "'Value'",
        "Jackman,Maine,0104,US-Canada Border,Mar 2024,Buses,99999999999999999999999\n": "'Value'",
        "Jackman,Maine,0104,US-Canada Border,Mar 2024,Camels,5\n": "'Measure'",
        "Jackman,Maine,0104,US-Canada Border,Mar 2099,Trucks,5\n": "'Date'",
        "Jackman,Vermont,0104,US-Canada Border,Mar 2024,Trucks,5\n": "'State'",
        "Newport,Maine,0199,US-Canada Border,Mar 2024,Trucks,5\n": "'Port Code'",
    }
    for k, (row, column) in enumerate(cases.items()):
        path = tmp_path / f"bad{k}.csv"
        path.write_text(header + ok + row, encoding="utf-8")
        res = runner.invoke(
            app, ["load", "--db", str(db), "--update", str(path)], env={"COLUMNS": "300"}
        )
        assert res.exit_code == 1, res.output
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and f"bad{k}.csv, line 3, column {column}" in lines[0], lines
        assert hashlib.sha256(db.read_bytes()).hexdigest() == sha
    new_port = tmp_path / "bad5.csv"
    res = runner.invoke(
        app,
        ["load", "--db", str(db), "--update", str(new_port), "--accept-new-ports"],
        env={"COLUMNS": "80"},
    )
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "warning: new port 0199 Newport (Maine, US-Canada border): 1 rows" in text
