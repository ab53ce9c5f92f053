"""``borderflow forecast``: one port (table, CSV, chart), the --all batch, bad input."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import connect_readonly

runner = CliRunner()


def _months_after(origin: date, n: int) -> list[str]:
    out = []
    y, m = origin.year, origin.month
    for _ in range(n):
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append(f"{y:04d}-{m:02d}")
    return out


def test_one_port_csv_and_chart(warehouse_path: Path, tmp_path: Path) -> None:
    png = tmp_path / "blaine.png"
    res = runner.invoke(
        app,
        [
            "forecast",
            "Blaine",
            "--measure",
            "trucks",
            "--horizon",
            "6",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "3004 Blaine" in res.stdout and "95% hi" in res.stdout
    res = runner.invoke(
        app,
        ["forecast", "3004", "-m", "Trucks", "-h", "6", "--csv", "--db", str(warehouse_path)],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["month"] for r in rows] == _months_after(date(2024, 2, 1), 6)
    for r in rows:
        assert r["port_code"] == "3004" and r["measure"] == "Trucks"
        assert 0 <= float(r["lo"]) <= float(r["value"]) <= float(r["hi"])
    res = runner.invoke(
        app,
        [
            "forecast",
            "3004",
            "--as-of",
            "2019-12",
            "--chart",
            str(png),
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2020-01" in res.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_all_csv_covers_every_us_canada_series(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    res = runner.invoke(
        app,
        [
            "forecast",
            "--all",
            "--horizon",
            "12",
            "--csv",
            "-o",
            str(out),
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["port_code", "measure", "month", "value", "lo", "hi"]
        rows = list(reader)
    con = connect_readonly(warehouse_path)
    try:
        pairs = set(
            con.execute(
                "SELECT DISTINCT port_code, measure FROM bts_crossings WHERE border='US-Canada'"
            ).fetchall()
        )
        (last,) = con.execute("SELECT max(month) FROM bts_crossings").fetchone()
    finally:
        con.close()
    assert {(r[0], r[1]) for r in rows} == pairs
    assert len(rows) == 12 * len(pairs)
    assert {r[2] for r in rows} == set(_months_after(last, 12))
    for r in rows:
        assert 0 <= float(r[4]) <= float(r[3]) <= float(r[5])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "3004", "--horizon", "0"], "--horizon must be 1 to 24"),
        (["forecast", "3004", "--all"], "not both"),
        (["forecast"], "give a PORT"),
        (["forecast", "3004", "--measure", "Zeppelins"], "Zeppelins"),
        (["forecast", "3004", "--as-of", "2019-13"], "--as-of"),
        (["forecast", "--all", "--chart", "x.png"], "--chart"),
        (["forecast", "3004", "--out", "x.csv"], "--csv"),
        (["forecast", "Atlantis"], "Atlantis"),
    ],
)
def test_bad_input_names_the_problem(warehouse_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [*args, "--db", str(warehouse_path)])
    assert res.exit_code == 1
    assert message in res.stderr
