"""Twin wait predictions: shape, labels, determinism, and waits against Erlang C."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from borderflow.data import connect_readonly
from borderflow.plan import build_scenario, predict_waits


@pytest.fixture(scope="module")
def con(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def test_prediction_rows_and_labels(con: duckdb.DuckDBPyConnection) -> None:
    p = predict_waits(con, "3005", date(2019, 7, 12), replications=5)
    assert p.model == "twin" and p.validated and p.status.startswith("validated")
    assert p.capacity_basis == "calibrated" and p.demand_basis == "observed month"
    lane_types = {r.lane_type for r in p.rows}
    assert lane_types == {"general", "nexus", "ready"}
    assert len(p.rows) == 24 * len(lane_types)
    gen = build_scenario(con, "3005", date(2019, 7, 12))
    for r in p.rows:
        if math.isfinite(r.delay_min):
            assert r.lo <= r.delay_min <= r.hi + 1e-9
        assert r.lanes_open >= 1
    # Arrivals reported are the scenario's, hour by hour.
    total = sum(r.arrivals_per_h for r in p.rows)
    assert total == pytest.approx(sum(sum(c.rates(24)) for c in gen.spec.classes))
    # Same seed, same prediction.
    again = predict_waits(con, "3005", date(2019, 7, 12), replications=5)
    assert again.rows == p.rows
    doc = p.to_dict()
    assert doc["status"] == p.status and len(doc["rows"]) == len(p.rows)


def test_modelled_only_elsewhere(con: duckdb.DuckDBPyConnection) -> None:
    p = predict_waits(con, "3804", date(2031, 7, 1), replications=2)
    assert not p.validated and p.status == "modelled only"
    assert p.demand_basis == "assumption"  # no BTS count for 2031
    assert "commercial" in {r.lane_type for r in p.rows}


def _erlang_c_wq(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (s + top) / (c * mu - lam)


def test_busy_hour_wait_near_erlang_c(con: duckdb.DuckDBPyConnection) -> None:
    # Peace Arch with every car in general lanes (shares overridden to 0): one lane group,
    # nearly steady midday arrivals, booths fixed by the staffing rule: the hourly mean
    # wait should be near Erlang C (M/M/c) of that hour.
    p = predict_waits(
        con,
        "3005",
        date(2019, 7, 12),
        replications=40,
        seed=3,
        share_overrides={"nexus": 0.0, "ready": 0.0},
    )
    rows = {(r.hour_start.hour, r.lane_type): r for r in p.rows}
    r = rows[(12, "general")]
    assert rows[(11, "general")].lanes_open == r.lanes_open
    assert rows[(11, "general")].arrivals_per_h == pytest.approx(r.arrivals_per_h, rel=0.02)
    wq = _erlang_c_wq(r.arrivals_per_h / 60, 60 / 34, r.lanes_open)  # 34 s per car
    assert r.delay_min == pytest.approx(wq, rel=0.35)


def test_interval_matches_numpy_percentiles() -> None:
    import numpy as np

    from borderflow.plan._predict import _summarise

    rng = np.random.default_rng(7)
    w = rng.exponential(3.0, (10, 25, 4))
    w[rng.random(w.shape) < 0.3] = np.nan
    w[:, 0, 0] = np.nan  # an hour with no arrival in any replication
    mean, lo, hi = _summarise(w)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        want = (np.nanmean(w, 0), np.nanpercentile(w, 10, 0), np.nanpercentile(w, 90, 0))
    for got, exp in zip((mean, lo, hi), want, strict=True):
        assert np.allclose(got, exp, equal_nan=True)


def test_crossing_without_traffic_gives_no_rows(con: duckdb.DuckDBPyConnection) -> None:
    from borderflow.data import load_registry

    reg = load_registry()
    # A road crossing whose port stopped reporting years before the warehouse's end.
    quiet = next(
        c
        for c in reg.crossings
        if c.mode == "road"
        and con.execute(
            "SELECT max(month) < (SELECT max(month) FROM bts_crossings) - INTERVAL 24 MONTH "
            "FROM bts_crossings WHERE port_code = ?",
            [c.bts_port_code],
        ).fetchone()[0]
    )
    p = predict_waits(con, quiet.crossing_id, date(2023, 7, 14), registry=reg, replications=2)
    assert p.rows == () and "no simulated traffic" in p.notes[0]


def test_cli_predict_json_says_validated_or_modelled(warehouse_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from borderflow.cli import app

    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "predict",
            "3005",
            "--date",
            "2019-07-12",
            "-r",
            "2",
            "--json",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["validated"] is True and doc["model"] == "twin"
    assert {"hour_start", "lane_type", "delay_min", "lo", "hi"} <= set(doc["rows"][0])
    res = runner.invoke(
        app, ["predict", "3804", "--date", "2019-07-12", "-r", "2", "--db", str(warehouse_path)]
    )
    assert res.exit_code == 0, res.output
    assert "modelled only" in res.output
    res = runner.invoke(
        app,
        [
            "predict",
            "3005",
            "--date",
            "2019-07-12",
            "--direction",
            "south",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 1 and "--direction" in res.output
