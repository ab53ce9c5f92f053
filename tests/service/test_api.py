"""HTTP API: read-only endpoints for ports, traffic and facts (FastAPI TestClient)."""

from __future__ import annotations

import csv
import gzip
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from borderflow import shipped_data_dir
from borderflow.service import create_app

# Starlette warns that plain httpx is deprecated for its test client (it wants httpx2, which
# is not in the pinned stack); the client works the same.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

DATA = shipped_data_dir()


@pytest.fixture(scope="module")
def client(warehouse_path: Path) -> TestClient:
    return TestClient(create_app(warehouse_path))


def test_placeholder_and_health_still_served(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/api/health").json()["status"] == "ok"


def test_ports_all_and_filtered(client: TestClient) -> None:
    everything = client.get("/api/ports").json()
    assert len(everything) == 127
    with gzip.open(DATA / "crossings/us_canada_crossings.csv.gz", "rt", encoding="utf-8") as fh:
        me = [r["crossing_id"] for r in csv.DictReader(fh) if r["us_state"] == "ME"]
    got = client.get("/api/ports", params={"state": "ME"}).json()
    assert [p["crossing_id"] for p in got] == me
    blaine = client.get("/api/ports", params={"q": "peace arch"}).json()
    assert [p["crossing_id"] for p in blaine] == ["3005"]
    lanes = blaine[0]["lanes"]
    us_pax = [
        x
        for x in lanes
        if x["direction"] == "US-bound" and x["lane_type"] == "passenger" and x["count"] is not None
    ]
    assert us_pax[0]["count"] == 10 and us_pax[0]["source"].startswith("CBP")


def test_traffic_by_code_matches_file(client: TestClient) -> None:
    res = client.get(
        "/api/ports/3801/traffic",
        params={"measure": ["Trucks"], "from": "2019-01", "to": "2019-12"},
    )
    assert res.status_code == 200, res.text
    doc = res.json()
    assert doc["port_name"] == "Detroit" and "U.S.-bound" in doc["source"]
    raw = pd.read_csv(
        DATA / "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz",
        dtype={"Port Code": str},
    )
    sel = raw[
        (raw["Port Code"] == "3801")
        & (raw["Measure"] == "Trucks")
        & raw["Date"].str.endswith("2019")
    ]
    assert len(doc["rows"]) == 12
    assert sum(r["value"] for r in doc["rows"]) == int(sel["Value"].sum())


def test_traffic_errors(client: TestClient) -> None:
    assert client.get("/api/ports/Atlantis/traffic").status_code == 404
    amb = client.get("/api/ports/Fort/traffic")
    assert amb.status_code == 409
    assert {c["port_code"] for c in amb.json()["detail"]["candidates"]} == {"0107", "0110", "3417"}
    bad = client.get("/api/ports/3004/traffic", params={"measure": "Camels"})
    assert bad.status_code == 422 and "Camels" in bad.text
    assert client.get("/api/ports/3004/traffic", params={"from": "2019"}).status_code == 422


def test_facts(client: TestClient) -> None:
    recs = client.get("/api/facts").json()
    trade = [r for r in recs if r["claim"].startswith("trade") and r["period"] == "2019"]
    assert math.isclose(trade[0]["data_figure"], 612 / 365, abs_tol=0.01)
    assert {r["status"] for r in recs} <= {
        "consistent",
        "differs",
        "partial",
        "not checkable",
        "context",
    }


def test_missing_warehouse_is_503(tmp_path: Path) -> None:
    c = TestClient(create_app(tmp_path / "none.duckdb"))
    res = c.get("/api/facts")
    assert res.status_code == 503 and "borderflow load" in res.json()["detail"]
    assert c.get("/api/ports").status_code == 200  # the registry needs no warehouse


def test_ports_sized_carry_label(client: TestClient) -> None:
    recs = client.get("/api/ports", params={"q": "3801", "sized": "true"}).json()
    assert {r["crossing_id"] for r in recs} == {"3801", "3804"}
    for r in recs:
        for v in r["sized_us_bound_booths"].values():
            assert v["label"] == "sized: rule booths-from-peak-hour v1 (assumption)"
            load = v["demand_veh_per_h"] * v["service_time_min"] / 60
            assert load / v["value"] <= 0.85
    # Without the flag, no sized values.
    plain = client.get("/api/ports", params={"q": "3801"}).json()
    assert all(r["sized_us_bound_booths"] is None for r in plain)
