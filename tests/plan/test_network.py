"""The border network: distances, hours, booths per port, detour, parameters."""

from __future__ import annotations

import math

import pytest

from borderflow.data import load_registry
from borderflow.plan import NetworkParams, build_node, great_circle_km, open_hours
from borderflow.plan._network import EARTH_RADIUS_KM, category_of, detour_km


def test_great_circle_matches_arc_length() -> None:
    # One degree of latitude along a meridian is R * pi / 180; a quarter of the equator
    # is R * pi / 2; a point to itself is 0.
    assert great_circle_km(45.0, -80.0, 46.0, -80.0) == pytest.approx(
        EARTH_RADIUS_KM * math.pi / 180, rel=1e-12
    )
    assert great_circle_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(
        EARTH_RADIUS_KM * math.pi / 2, rel=1e-12
    )
    assert great_circle_km(42.3, -83.0, 42.3, -83.0) == 0.0
    # Symmetric.
    assert great_circle_km(42.3, -83.0, 43.0, -82.4) == pytest.approx(
        great_circle_km(43.0, -82.4, 42.3, -83.0)
    )


@pytest.mark.parametrize(
    ("text", "first", "n"),
    [("24 hrs/day", 0, 24), ("8 am-Midnight", 8, 16), ("7 am-11 pm", 7, 16), ("8 am-4 pm", 8, 8)],
)
def test_open_hours_from_cbp_strings(text: str, first: int, n: int) -> None:
    hours = open_hours(text)
    assert hours is not None
    assert sum(hours) == n
    assert hours.index(True) == first
    # Contiguous window.
    assert all(hours[first : first + n])


def test_open_hours_overnight_unknown_and_bad() -> None:
    hours = open_hours("8 pm-4 am")
    assert hours is not None
    assert sum(hours) == 8 and hours[20] and hours[3] and not hours[4]
    assert open_hours(None) is None
    with pytest.raises(ValueError, match="sometimes"):
        open_hours("sometimes")


def test_every_registry_hours_string_parses() -> None:
    for c in load_registry().crossings:
        if c.hours is not None:
            hours = open_hours(c.hours)
            assert hours is not None
            assert (sum(hours) == 24) == bool(c.open_24h)


def test_nodes_sum_booths_of_their_road_crossings() -> None:
    reg = load_registry()
    detroit = build_node(reg, "3801", "commercial", NetworkParams())
    assert detroit is not None
    # Ambassador Bridge: 13 truck booths published (PARAMETERS.md); the tunnel: CBP's 1.
    tunnel = reg.crossing("3801").cbp_max_lanes("commercial")
    assert tunnel is not None
    assert detroit.booths == 13 + tunnel
    assert detroit.capacity_per_h(3) == pytest.approx(detroit.booths * 60 / 2.0)
    huron_pub = build_node(reg, "3802", "commercial", NetworkParams())
    huron_cbp = build_node(reg, "3802", "commercial", NetworkParams(lane_source="cbp-first"))
    assert huron_pub is not None and huron_cbp is not None
    assert huron_pub.booths == 5  # TollRoadsNews 2012: 13 car + 5 truck
    assert huron_cbp.booths == reg.crossing("3802").cbp_max_lanes("commercial")
    # Node position: mean of the road crossings.
    road = [c for c in reg.by_port_code("0901") if c.mode == "road"]
    buffalo = build_node(reg, "0901", "passenger", NetworkParams())
    assert buffalo is not None
    assert buffalo.latitude == pytest.approx(sum(c.latitude for c in road) / len(road))
    # Whirlpool Bridge (7 am-11 pm) closes at night: fewer passenger booths at 3 am.
    assert buffalo.booths_open(3) < buffalo.booths_open(12)


def test_port_without_road_crossing_has_no_node() -> None:
    assert build_node(load_registry(), "3007", "passenger", NetworkParams()) is None  # ferry


def test_unknown_hours_take_the_stated_assumption() -> None:
    node = build_node(load_registry(), "3011", "passenger", NetworkParams(unknown_hours=8))
    assert node is not None
    assert sum(node.crossings[0].open_hours) == 8
    assert "assumed" in node.crossings[0].hours_source


def test_detour_is_out_and_back_on_both_sides() -> None:
    p = NetworkParams(detour_factor=1.25)
    assert detour_km(100.0, p) == pytest.approx(250.0)


def test_params_reject_bad_values_by_name() -> None:
    with pytest.raises(ValueError, match="detour_factor"):
        NetworkParams(detour_factor=0.9)
    with pytest.raises(ValueError, match="usable_utilisation"):
        NetworkParams(usable_utilisation=1.5)
    with pytest.raises(ValueError, match="lane_source"):
        NetworkParams(lane_source="guess")


def test_every_parameter_states_source_or_assumption() -> None:
    for cat in ("commercial", "passenger"):
        for prm in NetworkParams().table(cat):
            assert prm.source
            assert (
                "assumption" in prm.source
                or "PARAMETERS.md" in prm.source
                or ("literature" in prm.source)
            )


def test_category_of_measures() -> None:
    assert category_of("Trucks") == "commercial"
    assert category_of("Personal Vehicles") == "passenger"
    with pytest.raises(ValueError, match="Pedestrians"):
        category_of("Pedestrians")
