"""Scenario generation: registry lanes or the sizing rule, demand of the day, sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import connect_readonly, load_registry, parse_scenario
from borderflow.demand import hourly_demand
from borderflow.plan import SIZING_LABEL, build_scenario


@pytest.fixture(scope="module")
def con(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def test_peace_arch_uses_cbp_lanes_and_the_days_demand(con: duckdb.DuckDBPyConnection) -> None:
    day = date(2019, 7, 12)
    gen = build_scenario(con, "3005", day)
    spec = gen.spec
    assert gen.capacity_basis == "sourced booths"
    # CBP: 10 passenger lanes at Peace Arch; the schedules never open more.
    assert sum(gen.group_max.values()) == 10
    per_hour = [sum(g.staffing.per_hour(24)[h] for g in spec.lane_groups) for h in range(24)]  # type: ignore[union-attr]
    assert max(per_hour) <= 10
    # Arrivals are exactly the day's demand.
    demand = hourly_demand(con, "3005", day)
    assert sum(sum(c.rates(24)) for c in spec.classes) == sum(
        v for m, v in demand.day_totals.items() if m != "Pedestrians"
    )
    # The file round-trips through the parser and names its sources.
    text = gen.to_toml()
    assert parse_scenario(text) == spec
    assert "CBP maximum lanes" in text and "assumption" in text
    assert "Villegas" in text  # service-time source


def test_sizing_rule_where_no_lanes_are_sourced(con: duckdb.DuckDBPyConnection) -> None:
    reg = load_registry()
    unsourced = next(
        c
        for c in reg.crossings
        if c.mode == "road"
        and c.cbp_max_lanes("passenger") is None
        and not any(f.count for f in c.lanes if f.lane_type == "passenger")
        and con.execute(
            "SELECT count(*) FROM bts_crossings WHERE port_code = ? AND month = '2019-07-01' "
            "AND measure = 'Personal Vehicles' AND value > 1000",
            [c.bts_port_code],
        ).fetchone()[0]
    )
    gen = build_scenario(con, unsourced.crossing_id, date(2019, 7, 12), registry=reg)
    assert gen.capacity_basis == "sizing rule"
    assert SIZING_LABEL in gen.to_toml()


def test_dst_day_scenario_has_25_hours(con: duckdb.DuckDBPyConnection) -> None:
    gen = build_scenario(con, "3004", date(2019, 11, 3))
    assert gen.spec.horizon_hours == 25
    assert {g.lane_type for g in gen.spec.lane_groups} >= {"general", "commercial"}


def test_cli_scenario_writes_a_runnable_file(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pa.toml"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "scenario",
            "Peace Arch",
            "--date",
            "2019-07-12",
            "-o",
            str(out),
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    spec = parse_scenario(out.read_text())
    assert spec.horizon_hours == 24 and spec.direction == "US-bound"
    res = runner.invoke(
        app, ["scenario", "Blaine", "--date", "2019-07-12", "--db", str(warehouse_path)]
    )
    assert res.exit_code == 1 and "matches 2 crossings" in res.output
    res = runner.invoke(
        app, ["scenario", "3005", "--date", "2019-13-01", "--db", str(warehouse_path)]
    )
    assert res.exit_code == 1 and "--date" in res.output
    res = runner.invoke(
        app,
        ["scenario", "3005", "--date", "2019-07-01", "--nexus", "2", "--db", str(warehouse_path)],
    )
    assert res.exit_code == 1 and "--nexus" in res.output


def test_closed_hours_have_no_booths_and_no_arrivals(con: duckdb.DuckDBPyConnection) -> None:
    gen = build_scenario(con, "3023", date(2019, 7, 12))  # Lynden: 8 am-Midnight
    for g in gen.spec.lane_groups:
        booths = g.staffing.per_hour(24)  # type: ignore[union-attr]
        assert all(b == 0 for b in booths[:8]) and all(b >= 1 for b in booths[8:])
    for c in gen.spec.classes:
        assert sum(c.rates(24)[:8]) == 0
