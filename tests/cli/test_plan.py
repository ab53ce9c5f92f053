"""``borderflow whatif``, ``optimise`` and ``sweep`` through Typer's CliRunner."""

from __future__ import annotations

import calendar
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import connect_readonly

ROOT = Path(__file__).resolve().parents[2]
PEACE_ARCH = str(ROOT / "examples" / "peace-arch-us-bound.toml")
runner = CliRunner()

SMALL = """
format_version = 1
name = "small"
direction = "US-bound"
horizon_hours = 4
[[classes]]
name = "cars"
rate_per_hour = [60.0, 150.0, 200.0, 90.0]
service.general = { distribution = "exponential", mean = 1.0 }
[[lane_groups]]
name = "general"
lane_type = "general"
booths = [2, 3, 4, 2]
"""


def test_whatif_prints_baseline_scenario_and_difference() -> None:
    res = runner.invoke(
        app, ["whatif", PEACE_ARCH, "--change", "booths.general+=2@16-19", "-r", "3"]
    )
    assert res.exit_code == 0, res.output
    assert "same vehicles" in res.output
    assert "booth-hours" in res.output and "+6 ± 0" in res.output
    assert "scen − base" in res.output


def test_whatif_json_and_chart(tmp_path: Path) -> None:
    png = tmp_path / "w.png"
    res = runner.invoke(
        app,
        ["whatif", PEACE_ARCH, "-c", "nexus+=5%", "-r", "3", "--json", "--chart", str(png)],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["pairing"] == "by seed only" and doc["changes"] == ["nexus+=5%"]
    s = doc["summary"]["mean_wait_min"]
    assert s["diff"] == pytest.approx(s["scenario"] - s["baseline"])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_whatif_colocation_of_the_small_port_pair() -> None:
    us = str(ROOT / "examples" / "small-port-us-bound.toml")
    ca = str(ROOT / "examples" / "small-port-canada-bound.toml")
    res = runner.invoke(app, ["whatif", us, "--pair", ca, "-c", "colocate=1", "-r", "4", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["pairing"] == "same vehicles"
    # Two facilities open 9 hours with one booth each -> one shared booth for 9 hours.
    assert doc["summary"]["booth_hours"]["baseline"] == 18
    assert doc["summary"]["booth_hours"]["diff"] == -9
    assert doc["summary"]["vehicles"]["diff"] == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-c", "booths.nope+=1"], "no lane group or lane type 'nope'"),
        (["-c", "boths.general+=1"], "not understood"),
        ([], "no change given"),
        (["--month", "2020-04"], "--month needs --base-month and --port"),
    ],
)
def test_whatif_errors(args: list[str], needle: str) -> None:
    res = runner.invoke(app, ["whatif", PEACE_ARCH, *args])
    assert res.exit_code == 1
    assert needle in res.output


def test_whatif_month_scales_by_bts_counts_per_day(warehouse_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "whatif", PEACE_ARCH, "--month", "2020-04", "--base-month", "2019-02",
            "--port", "3004", "--db", str(warehouse_path), "-r", "2", "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    con = connect_readonly(warehouse_path)
    try:
        q = (
            "SELECT value FROM bts_crossings WHERE port_code = '3004' AND "
            "measure = 'Personal Vehicles' AND month = ?"
        )
        apr = con.execute(q, ["2020-04-01"]).fetchone()[0]
        feb = con.execute(q, ["2019-02-01"]).fetchone()[0]
    finally:
        con.close()
    ratio = (apr / 30) / (feb / calendar.monthrange(2019, 2)[1])
    doc = json.loads(res.output)
    assert len(doc["changes"]) == 3
    assert doc["changes"][0].startswith(f"demand.general cars*={ratio:.4g} ")
    veh = doc["summary"]["vehicles"]
    assert veh["scenario"] / veh["baseline"] == pytest.approx(ratio, rel=0.15)


def test_optimise_json_respects_the_budget(tmp_path: Path) -> None:
    f = tmp_path / "small.toml"
    f.write_text(SMALL)
    res = runner.invoke(
        app, ["optimise", str(f), "--budget", "9", "--booths", "4", "-r", "4", "--json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    opt = doc["schedules"]["optimised"]
    assert sum(map(sum, opt)) <= 9 and max(map(max, opt)) <= 4
    names = [c["schedule"] for c in doc["comparisons"]]
    assert names == ["optimised", "flat", "baseline", "analytic"]


def test_optimise_error_for_a_budget_too_small(tmp_path: Path) -> None:
    f = tmp_path / "small.toml"
    f.write_text(SMALL)
    res = runner.invoke(app, ["optimise", str(f), "--budget", "2"])
    assert res.exit_code == 1 and "below" in res.output


def test_sweep_file_error_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text('[sweep]\nscenarios = ["missing.toml"]\n')
    res = runner.invoke(app, ["sweep", str(f), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "sweep.scenarios[0] = 'missing.toml'" in res.output
