"""``borderflow simulate`` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from borderflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

SMALL = """
format_version = 2
name = "small test port"
direction = "Canada-bound"
horizon_hours = 2
[storage]
vehicles = 5
[[classes]]
name = "cars"
rate_per_hour = [90.0, 120.0]
service.general = { distribution = "exponential", mean = 1.0 }
service.nexus = { distribution = "exponential", mean = 1.0 }
[[classes]]
name = "nexus"
rate_per_hour = 60.0
service.nexus = { distribution = "deterministic", value = 0.5 }
[[lane_groups]]
name = "general"
lane_type = "general"
booths = [2, 2]
[[lane_groups]]
name = "nexus"
lane_type = "nexus"
trigger = { min_booths = 1, max_booths = 2, open_above = 2.0, close_below = 0.5 }
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_json_and_parquet_agree(tmp_path: Path) -> None:
    out = tmp_path / "v.parquet"
    args = ["simulate", str(_write(tmp_path, SMALL)), "-r", "3", "--seed", "9"]
    res = runner.invoke(app, [*args, "--engine", "reference", "--json", "--parquet", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["replications"] == 3 and doc["lane_types"] == ["general", "nexus"]
    table = pq.read_table(out)
    rep = table.column("replication").to_numpy()
    wait = np.asarray(table.column("wait_min").to_numpy(zero_copy_only=False), dtype=float)
    assert sorted(set(rep.tolist())) == [0, 1, 2]
    # independent check: the summary mean wait is the mean over replications of the
    # per-vehicle mean wait in the Parquet file
    per_rep = [wait[rep == r].mean() for r in range(3)]
    assert doc["summary"]["mean_wait_min"]["mean"] == pytest.approx(np.mean(per_rep), rel=1e-12)
    assert doc["summary"]["vehicles"]["mean"] == table.num_rows / 3
    # hourly counts add up to the vehicles of each replication
    assert sum(doc["hourly"]["count"]) * 3 == pytest.approx(table.num_rows, rel=1e-12)
    # same seed, same answer (reference and fast engines agree vehicle by vehicle)
    again = runner.invoke(app, [*args, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"] == doc["summary"]
    assert json.loads(again.stdout)["hourly"] == doc["hourly"]


def test_readable_tables_for_an_example() -> None:
    res = runner.invoke(
        app,
        ["simulate", str(ROOT / "examples" / "peace-arch-us-bound.toml"), "--engine", "reference"],
    )
    assert res.exit_code == 0, res.output
    for text in ("Peace Arch", "general", "nexus", "ready", "Per day", "vehicle-hours", "storage"):
        assert text in res.output


def test_invalid_scenario_exits_1_naming_the_field(tmp_path: Path) -> None:
    bad = SMALL.replace("[90.0, 120.0]", "[90.0, -120.0]")
    res = runner.invoke(app, ["simulate", str(_write(tmp_path, bad))])
    assert res.exit_code == 1
    assert "classes[0].rate_per_hour[1] = -120.0" in res.output
    assert "s.toml" in res.output


def test_missing_file_and_bad_engine(tmp_path: Path) -> None:
    res = runner.invoke(app, ["simulate", str(tmp_path / "nope.toml")])
    assert res.exit_code == 1 and "cannot read scenario file" in res.output
    res = runner.invoke(app, ["simulate", str(_write(tmp_path, SMALL)), "--engine", "turbo"])
    assert res.exit_code == 1 and "--engine 'turbo'" in res.output


def test_a_scenario_too_big_to_run_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    # 10^8 vehicles/hour for the 2 hours of SMALL: 2 x 10^8, over the default cap
    huge = SMALL.replace("[90.0, 120.0]", "[1.0e8, 1.0e8]")
    out = tmp_path / "v.parquet"
    res = runner.invoke(app, ["simulate", str(_write(tmp_path, huge)), "--parquet", str(out)])
    assert res.exit_code == 1
    assert "scenario too big to run" in res.output
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


@pytest.fixture
def console_80(monkeypatch: pytest.MonkeyPatch) -> None:
    from borderflow.cli._app import console

    monkeypatch.setattr(console, "_width", 80)  # the Rich console at 80 columns


@pytest.mark.usefixtures("console_80")
@pytest.mark.parametrize(
    "example",
    sorted(
        p.name
        for p in (ROOT / "examples").glob("*.toml")
        if "format_version" in p.read_text(encoding="utf-8")  # scenarios, not sweeps/overlays
    ),
)
def test_output_fits_80_columns(example: str) -> None:
    res = runner.invoke(app, ["simulate", str(ROOT / "examples" / example), "-r", "2"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in res.output  # no cell cut short
    assert "p95" in res.output and "p50, p90 in --json" in res.output


@pytest.mark.usefixtures("console_80")
def test_header_says_the_direction_once_and_secondary_only_when_modelled(tmp_path: Path) -> None:
    res = runner.invoke(app, ["simulate", str(ROOT / "examples" / "peace-arch-us-bound.toml")])
    assert res.exit_code == 0, res.output
    header = res.output.splitlines()[0]
    assert header.startswith("Peace Arch, U.S.-bound, one day: 24 h, 1 replication,")
    assert "(US-bound)" not in res.output
    assert "secondary inspection: mean wait" in res.output  # Peace Arch models secondary
    res = runner.invoke(app, ["simulate", str(_write(tmp_path, SMALL))])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("small test port (Canada-bound): 2 h,")
    assert "secondary" not in res.output  # SMALL has no secondary inspection


def test_readme_describes_the_table_as_printed() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Simulating a port", 1)[1].split("\n## ", 1)[0]
    res = runner.invoke(app, ["simulate", str(ROOT / "examples" / "mmc-one-lane.toml")])
    header = next(line for line in res.output.splitlines() if line.strip().startswith("hour"))
    # the table has mean, p95 and max waits; p50 and p90 only in --json, as the README says
    assert header.split()[:7] == ["hour", "lane", "veh", "wait", "±", "p95", "max"]
    assert "p50 and p90 in `--json`" in section
    assert "p50 / p90" not in section


def test_engine_fast_is_still_accepted_as_compiled(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL)
    args = ["simulate", str(path), "-r", "2", "--seed", "4", "--json"]
    old = runner.invoke(app, [*args, "--engine", "fast"])
    new = runner.invoke(app, [*args, "--engine", "compiled"])
    assert old.exit_code == 0 and new.exit_code == 0, old.output + new.output
    assert json.loads(old.stdout) == json.loads(new.stdout)
    assert json.loads(old.stdout)["engine"] == "compiled"
