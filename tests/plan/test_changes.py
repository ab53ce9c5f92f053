"""The what-if change language: parsing, and what each change does to a port."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from borderflow.data import parse_scenario
from borderflow.plan import (
    ChangeError,
    apply_changes,
    combine_directions,
    nexus_share,
    parse_change,
    read_overlay,
)
from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    Lognormal,
    PortSpec,
    TrafficClass,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def peace_arch() -> PortSpec:
    return parse_scenario((ROOT / "examples" / "peace-arch-us-bound.toml").read_text())


def mixed_port() -> PortSpec:
    """Cars (general), NEXUS cars and trucks, 4 hours."""
    return PortSpec(
        name="mixed",
        direction="US-bound",
        horizon_hours=4,
        classes=(
            TrafficClass("cars", (60.0, 80.0, 100.0, 40.0), {"general": Exponential(1.0)}),
            TrafficClass("nexus", 20.0, {"nexus": Exponential(0.5), "general": Exponential(1.0)}),
            TrafficClass("trucks", 30.0, {"commercial": Lognormal(2.0, 1.0)}),
        ),
        lane_groups=(
            LaneGroup("gen", "general", BoothSchedule((2, 2, 3, 1))),
            LaneGroup("nx", "nexus", BoothSchedule((1,))),
            LaneGroup("com", "commercial", BoothSchedule((2,))),
        ),
    )


def booths(spec: PortSpec, name: str) -> tuple[int, ...]:
    st = spec.lane_groups[spec.group_index(name)].staffing
    assert isinstance(st, BoothSchedule)
    return st.per_hour(spec.horizon_hours)


# ---- parsing -----------------------------------------------------------------------------


def test_parse_booths_change_with_hours() -> None:
    ch = parse_change("booths.general+=2@16-19")
    got = (ch.kind, ch.target, ch.op, ch.value, ch.hours)
    assert got == ("booths", "general", "+=", 2, (16, 19))
    assert parse_change("nexus+=5%").value == pytest.approx(0.05)
    assert parse_change("booths.general lanes=3").target == "general lanes"
    assert parse_change("service.Ready cars.ready=0.88").target2 == "ready"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("boths.general+=1", "not understood"),
        ("booths.general+=1.5", "whole number"),
        ("lanes.express+=1", "lane type 'express'"),
        ("service.truck*=0.8", "lane type 'truck'"),
        ("demand*=abc", "not understood"),
    ],
)
def test_parse_errors_name_the_change(text: str, needle: str) -> None:
    with pytest.raises(ChangeError, match=needle) as exc:
        parse_change(text)
    assert text.split("=")[0][:5] in str(exc.value)


def test_overlay_reads_a_list_of_changes() -> None:
    chs = read_overlay('changes = ["booths.general+=1", "demand*=1.1"]')
    assert [c.kind for c in chs] == ["booths", "demand"]
    with pytest.raises(ChangeError, match=r"x.toml: changes\[1\]"):
        read_overlay('changes = ["booths.general+=1", "nope"]', "x.toml")
    with pytest.raises(ChangeError, match="unknown key"):
        read_overlay("changes = []\nbooths = 3", "x.toml")


# ---- applying ----------------------------------------------------------------------------


def test_booths_change_only_in_its_hours(peace_arch: PortSpec) -> None:
    before = booths(peace_arch, "general lanes")
    after = booths(apply_changes(peace_arch, ["booths.general+=2@16-19"]), "general lanes")
    expected = tuple(b + 2 if 16 <= h < 19 else b for h, b in enumerate(before))
    assert after == expected
    # Wrapping past midnight, setting and removing.
    wrapped = booths(apply_changes(peace_arch, ["booths.general lanes=5@22-2"]), "general lanes")
    assert wrapped == tuple(5 if h >= 22 or h < 2 else b for h, b in enumerate(before))
    with pytest.raises(ChangeError, match="-1 booths in hour 0"):
        apply_changes(peace_arch, ["booths.general-=2"])


def test_new_lane_type_needs_an_eligible_class() -> None:
    spec = mixed_port()
    with pytest.raises(ChangeError, match=r"service.<class>.ready"):
        apply_changes(spec, ["lanes.ready+=1"])
    out = apply_changes(spec, ["service.cars.ready=0.8", "lanes.ready+=2@1-3"])
    assert booths(out, "added ready lanes") == (0, 2, 2, 0)
    added = out.classes[out.class_index("cars")].service["ready"]
    assert added == Exponential(0.8)  # same shape as the class's service, new mean


def test_service_scaling_scales_mean_and_variance() -> None:
    spec = mixed_port()
    out = apply_changes(spec, ["service.commercial*=0.8"])
    a = spec.classes[2].service["commercial"]
    b = out.classes[2].service["commercial"]
    assert b.mean == pytest.approx(0.8 * a.mean)
    assert b.variance == pytest.approx(0.64 * a.variance)
    assert out.classes[0] == spec.classes[0]  # other lane types untouched
    every = apply_changes(spec, ["service*=0.5"])
    assert every.mean_service_matrix == pytest.approx(0.5 * spec.mean_service_matrix, nan_ok=True)


def test_demand_growth_in_some_hours() -> None:
    spec = mixed_port()
    out = apply_changes(spec, ["demand.cars*=1.5@1-3"])
    ratio = out.rate_matrix / spec.rate_matrix
    assert np.allclose(ratio[:, 0], [1.0, 1.5, 1.5, 1.0])
    assert np.allclose(ratio[:, 1:], 1.0)


def test_nexus_growth_moves_a_share_of_eligible_traffic(peace_arch: PortSpec) -> None:
    out = apply_changes(peace_arch, ["nexus+=0.05"])
    # Each hour's total is kept; the share rises by exactly 5 points overall.
    assert np.allclose(out.rate_matrix.sum(axis=1), peace_arch.rate_matrix.sum(axis=1))
    assert nexus_share(out) == pytest.approx(nexus_share(peace_arch) + 0.05)
    with pytest.raises(ChangeError, match="cannot move"):
        apply_changes(peace_arch, ["nexus+=0.6"])


def test_port_hours_close_booths_and_traffic() -> None:
    spec = mixed_port()
    out = apply_changes(spec, ["hours=1-3"])
    assert booths(out, "gen") == (0, 2, 3, 0)
    assert booths(out, "nx") == (0, 1, 1, 0)
    assert np.all(out.rate_matrix[[0, 3]] == 0)
    assert np.array_equal(out.rate_matrix[1:3], spec.rate_matrix[1:3])


def test_extended_hours_open_with_the_nearest_open_hour() -> None:
    spec = apply_changes(mixed_port(), ["hours=1-3"])
    out = apply_changes(spec, ["hours=0-4"])
    assert booths(out, "gen") == (2, 2, 3, 3)


def test_essential_travel_keeps_trucks() -> None:
    spec = mixed_port()
    out = apply_changes(spec, ["essential=0.1"])
    assert np.allclose(out.rate_matrix[:, :2], 0.1 * spec.rate_matrix[:, :2])
    assert np.array_equal(out.rate_matrix[:, 2], spec.rate_matrix[:, 2])


def one_way(direction: str, rate: float) -> PortSpec:
    return PortSpec(
        name=f"small {direction}",
        direction=direction,  # type: ignore[arg-type]
        horizon_hours=2,
        classes=(TrafficClass("cars", rate, {"general": Exponential(1.0)}),),
        lane_groups=(LaneGroup("general", "general", BoothSchedule((1,))),),
    )


def test_colocation_merges_groups_of_both_directions() -> None:
    both = combine_directions(one_way("US-bound", 30.0), one_way("Canada-bound", 20.0))
    assert [g.classes for g in both.lane_groups] == [("US-bound: cars",), ("Canada-bound: cars",)]
    shared = apply_changes(both, ["colocate"])
    assert len(shared.lane_groups) == 1
    assert booths(shared, "general (shared)") == (2, 2)  # the two facilities' booths
    assert booths(apply_changes(both, ["colocate=1"]), "general (shared)") == (1, 1)
    closed = apply_changes(both, ["hours=1-2"])
    assert booths(apply_changes(closed, ["colocate=3"]), "general (shared)") == (0, 3)
    with pytest.raises(ChangeError, match="--pair"):
        apply_changes(one_way("US-bound", 30.0), ["colocate"])
    with pytest.raises(ChangeError, match="both scenario files are US-bound"):
        combine_directions(one_way("US-bound", 1.0), one_way("US-bound", 1.0))
