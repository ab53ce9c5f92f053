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
    assert p.capacity_basis == "sourced booths" and p.demand_basis == "observed month"
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
