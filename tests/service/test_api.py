"""HTTP API: read-only endpoints for ports, traffic and facts (FastAPI TestClient)."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from starlette.exceptions import StarletteDeprecationWarning

import borderflow
from borderflow import shipped_data_dir
from borderflow.data import Crossing, FactCheck, LaneFigure
from borderflow.service import Providers, create_app
from borderflow.service._errors import ErrorBody
from borderflow.service._models import CrossingOut, FactOut, LaneOut
from tests.service.service_fakes import FAKE, FAKE_NO_CLOSURE, MISSING

# Starlette warns that plain httpx is deprecated for its test client (it wants httpx2, which
# is not in the pinned stack); the client works the same.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

DATA = shipped_data_dir()


@pytest.fixture(scope="module")
def client(warehouse_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(warehouse_path)) as c:
        yield c


def _error(res: Any, status: int) -> dict[str, Any]:
    """The one error shape: check it and return its detail."""
    assert res.status_code == status, res.text
    body = res.json()
    assert set(body) == {"error"}
    ErrorBody.model_validate(body)
    assert body["error"]["status"] == status
    return body["error"]


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
    _error(client.get("/api/ports/Atlantis/traffic"), 404)
    near = _error(client.get("/api/ports/Detriot/traffic"), 404)
    assert any("Detroit" in x for x in near["suggestions"])
    amb = _error(client.get("/api/ports/Fort/traffic"), 409)
    assert {c["port_code"] for c in amb["candidates"]} == {"0107", "0110", "3417"}
    bad = _error(client.get("/api/ports/3004/traffic", params={"measure": "Camels"}), 422)
    assert "Camels" in bad["message"] and bad["parameter"] == "measure"
    month = _error(client.get("/api/ports/3004/traffic", params={"from": "2019"}), 422)
    # Errors name the HTTP parameter, never a CLI flag.
    assert month["parameter"] == "from" and "--" not in month["message"]


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


def test_missing_warehouse_is_503_and_health_degraded(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "none.duckdb")) as c:
        err = _error(c.get("/api/facts"), 503)
        assert "borderflow load" in err["message"] and str(tmp_path) not in err["message"]
        assert c.get("/api/ports").status_code == 200  # the registry needs no warehouse
        health = c.get("/api/health").json()
        assert health["status"] == "degraded"
        assert health["database"]["available"] is False
        assert "borderflow load" in health["database"]["problem"]
        assert str(tmp_path) not in c.get("/api/health").text


def test_health_ok_only_when_everything_is_there(warehouse_path: Path) -> None:
    with TestClient(create_app(warehouse_path, providers=FAKE_NO_CLOSURE)) as c:
        # Everything but closures: the health names exactly that one.
        doc = c.get("/api/health").json()
        assert doc["status"] == "degraded" and doc["database"]["available"] is True
        assert len(doc["missing"]) == 1 and "closures" in doc["missing"][0]
    every = Providers(
        **{f: getattr(FAKE, f) for f in ("predict_waits", "whatif", "forecast_monthly")},
        closure=_closure,
    )
    with TestClient(create_app(warehouse_path, providers=every)) as c:
        assert c.get("/api/health").json() == {
            "status": "ok",
            "version": borderflow.__version__,
            "database": {"available": True, "problem": None},
            "missing": [],
        }


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


def _closure(con: Any, port: str, start: Any, end: Any, measure: str, share: float) -> Any:
    return {"closure": {"port": port}, "ports": []}


def test_models_are_derived_from_the_dataclasses() -> None:
    for model, cls in ((CrossingOut, Crossing), (FactOut, FactCheck), (LaneOut, LaneFigure)):
        names = [f.name for f in dataclasses.fields(cls)]
        assert list(model.model_fields)[: len(names)] == names
    assert set(CrossingOut.model_fields) - {f.name for f in dataclasses.fields(Crossing)} == {
        "sized_us_bound_booths"
    }


def test_unknown_port_404_with_suggestions(client: TestClient) -> None:
    err = _error(client.get("/api/ports/Paece%20Arch"), 404)
    assert err["code"] == "crossing_not_found"
    assert err["suggestions"] and err["suggestions"][0].startswith("3005 ")
    detail = client.get("/api/ports/3005").json()
    assert detail["us_name"] == "Blaine-Peace Arch" and detail["bts_port_code"] == "3004"
    assert client.get("/api/ports/peace arch").json()["crossing_id"] == "3005"
    amb = _error(client.get("/api/ports/Blaine"), 409)
    assert {"3004", "3005"} <= {c["crossing_id"] for c in amb["candidates"]}


def test_long_parameters_are_capped_and_not_echoed(client: TestClient) -> None:
    huge = "x" * 60_000  # the test client refuses URLs over 64 KiB
    for url in (f"/api/ports/{huge}", f"/api/ports/{huge}/traffic", f"/nothing/{huge}"):
        res = client.get(url)
        assert res.status_code in (404, 422)
        err = _error(res, res.status_code)
        assert len(res.content) < 1_000 and "characters)" in err["message"]
    err = _error(client.get("/api/ports", params={"q": huge}), 422)
    assert err["parameter"] == "q"


def test_every_error_has_one_shape(client: TestClient, warehouse_path: Path) -> None:
    missing = TestClient(create_app(warehouse_path, providers=MISSING))
    for res, status in (
        (client.get("/api/nothing"), 404),
        (client.post("/api/facts"), 405),
        (
            client.post(
                "/api/simulate", content=b"{not json", headers={"content-type": "application/json"}
            ),
            422,
        ),
        (client.post("/api/simulate", json={"scenario": {}, "replications": 0}), 422),
        (missing.get("/api/ports/3005/waits", params={"day": "2019-07-12"}), 501),
        (missing.get("/api/ports/3004/forecast"), 501),
        (missing.post("/api/whatif", json={"crossing_id": "3005", "day": "2019-07-12"}), 501),
        (client.get("/api/bwt", params={"as_of": "yesterday"}), 422),
    ):
        _error(res, status)
    # The OpenAPI schema declares that shape for the errors.
    spec = client.get("/openapi.json").json()
    ref = spec["paths"]["/api/ports/{code}/traffic"]["get"]["responses"]["404"]
    assert ref["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_index_does_not_show_the_database_path(client: TestClient, warehouse_path: Path) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "<svg" in page.text
    assert str(warehouse_path) not in page.text and str(warehouse_path.parent) not in page.text


def test_docs_assets_are_served_locally(client: TestClient) -> None:
    page = client.get("/docs").text
    scripts = [p.split('"')[1] for p in page.split("src=")[1:]] + [
        p.split('"')[1] for p in page.split("href=")[1:]
    ]
    assert scripts and all(u.startswith("/") for u in scripts), scripts
    for u in scripts:
        assert client.get(u).status_code == 200, u
    assert "cdn" not in page.lower()
