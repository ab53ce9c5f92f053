"""The CBP-shaped feed /api/bwt: CBP's schema, predicted marks, replay of a past day."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from borderflow.data import load_registry
from borderflow.service import create_app
from borderflow.service._bwt import is_open
from tests.service.service_fakes import FAKE, MISSING, predict_waits

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

HERE = Path(__file__).parent / "data"
SCHEMA = json.loads((HERE / "cbp_bwt.schema.json").read_text(encoding="utf-8"))
AS_OF = "2019-07-12T16:00"
LANES = {
    "passenger_vehicle_lanes": ("standard_lanes", "NEXUS_SENTRI_lanes", "ready_lanes"),
    "commercial_vehicle_lanes": ("standard_lanes", "FAST_lanes"),
    "pedestrian_lanes": ("standard_lanes", "ready_lanes"),
}


@pytest.fixture(scope="module")
def feed(warehouse_path: Path) -> Iterator[dict[str, Any]]:
    with TestClient(create_app(warehouse_path, providers=FAKE)) as c:
        res = c.get("/api/bwt", params={"as_of": AS_OF})
        assert res.status_code == 200, res.text
        yield res.json()


def test_schema_accepts_cbps_own_feed() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    sample = json.loads((HERE / "cbp_bwt_sample.json").read_text(encoding="utf-8"))
    jsonschema.validate(sample, SCHEMA)


def test_feed_matches_cbp_schema_and_lists_every_cbp_crossing(feed: dict[str, Any]) -> None:
    jsonschema.validate(feed, SCHEMA)
    expected = {c.cbp_port_number for c in load_registry().crossings if c.cbp_port_number}
    assert {p["port_number"] for p in feed["port"]} == expected
    assert feed["number_of_ports"] == str(len(expected))


def test_every_value_is_marked_predicted(feed: dict[str, Any]) -> None:
    assert feed["predicted"] is True and feed["as_of"] == AS_OF
    for p in feed["port"]:
        assert p["borderflow"]["predicted"] is True and p["borderflow"]["model"] == "test-fixture"
        for group, kinds in LANES.items():
            for kind in kinds:
                lane = p[group][kind]
                assert lane["predicted"] is True and lane["as_of"] == AS_OF
                assert lane["model"] == "test-fixture"


def test_replay_gives_the_models_figure_for_that_hour(feed: dict[str, Any]) -> None:
    (arch,) = [p for p in feed["port"] if p["port_number"] == "300402"]
    pred = predict_waits(None, "3005", date(2019, 7, 12), "US-bound")
    (row,) = [r for r in pred.rows if r.lane_type == "general" and r.hour_start.hour == 16]
    std = arch["passenger_vehicle_lanes"]["standard_lanes"]
    assert std["delay_minutes"] == str(round(row.delay_min))
    assert std["lanes_open"] == str(round(row.lanes_open))
    assert std["delay_lo_minutes"] <= row.delay_min <= std["delay_hi_minutes"]
    assert std["operational_status"] == ("delay" if round(row.delay_min) >= 1 else "no delay")
    # Peace Arch lists no commercial lanes in CBP's snapshot: N/A, as CBP writes it.
    assert arch["commercial_vehicle_lanes"]["standard_lanes"]["operational_status"] == "N/A"
    assert arch["borderflow"]["validated"] is True


def test_sizing_rule_crossings_say_so(feed: dict[str, Any]) -> None:
    sized = [p for p in feed["port"] if p["borderflow"]["capacity_basis"] == "sizing rule"]
    assert sized
    for p in sized:
        assert "sizing rule" in p["borderflow"]["capacity_note"]
        assert p["borderflow"]["validated"] is False


def test_closed_crossing_and_hours() -> None:
    assert is_open("24 hrs/day", datetime(2019, 1, 1, 3)) is True
    assert is_open("8 am-4 pm", datetime(2019, 1, 1, 15, 59)) is True
    assert is_open("8 am-4 pm", datetime(2019, 1, 1, 16)) is False
    assert is_open("8 am-Midnight", datetime(2019, 1, 1, 23, 30)) is True
    assert is_open("8 am-Midnight", datetime(2019, 1, 1, 7)) is False
    assert is_open("7 am-11 pm", datetime(2019, 1, 1, 23)) is False
    assert is_open(None, datetime(2019, 1, 1)) is None


def test_closed_port_at_night(warehouse_path: Path) -> None:
    with TestClient(create_app(warehouse_path, providers=FAKE)) as c:
        doc = c.get("/api/bwt", params={"as_of": "2019-07-12T20:00"}).json()
    jsonschema.validate(doc, SCHEMA)
    (milltown,) = [p for p in doc["port"] if p["crossing_name"] == "Milltown"]
    assert milltown["hours"] == "8 am-4 pm" and milltown["port_status"] == "Closed"
    std = milltown["passenger_vehicle_lanes"]["standard_lanes"]
    assert std["operational_status"] == "Lanes Closed"


def test_without_predictions_the_feed_says_update_pending(warehouse_path: Path) -> None:
    with TestClient(create_app(warehouse_path, providers=MISSING)) as c:
        doc = c.get("/api/bwt", params={"as_of": AS_OF}).json()
    jsonschema.validate(doc, SCHEMA)
    assert doc["problems"] and "not available" in doc["problems"][0]
    (arch,) = [p for p in doc["port"] if p["port_number"] == "300402"]
    std = arch["passenger_vehicle_lanes"]["standard_lanes"]
    assert std["operational_status"] == "Update Pending" and std["delay_minutes"] == ""
