"""Specification validation: every invalid field is rejected with its path and value."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from borderflow.sim import (
    BoothSchedule,
    Deterministic,
    Empirical,
    Erlang,
    Exponential,
    InitialQueue,
    LaneGroup,
    Lognormal,
    PortSpec,
    QueueStorage,
    QueueTrigger,
    Secondary,
    SpecError,
    TrafficClass,
)


def car(**kw: Any) -> TrafficClass:
    args: dict[str, Any] = {
        "name": "cars",
        "rate_per_hour": 10.0,
        "service": {"general": Exponential(1.0)},
    }
    args.update(kw)
    return TrafficClass(**args)


def port(**kw: Any) -> PortSpec:
    args: dict[str, Any] = {
        "name": "p",
        "direction": "US-bound",
        "horizon_hours": 3,
        "classes": (car(),),
        "lane_groups": (LaneGroup("g", "general", BoothSchedule((2,))),),
    }
    args.update(kw)
    return PortSpec(**args)


def test_valid_spec_derived_arrays() -> None:
    spec = port(
        classes=(
            car(rate_per_hour=(1.0, 2.0, 3.0)),
            TrafficClass("nexus", 5.0, {"nexus": Exponential(0.5), "general": Deterministic(0.6)}),
        ),
        lane_groups=(
            LaneGroup("g", "general", BoothSchedule((2, 3, 0))),
            LaneGroup("n", "nexus", QueueTrigger(1, 3, 2.0, 1.0)),
        ),
    )
    assert spec.rate_matrix.tolist() == [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]
    assert spec.eligible.tolist() == [[True, False], [True, True]]
    assert spec.specialisation.tolist() == [2, 1]
    assert spec.service_lane_types == (0, 1)
    np.testing.assert_array_equal(spec.mean_service_matrix, [[1.0, np.nan], [0.6, 0.5]])
    assert spec.schedule_matrix.tolist() == [[2, 3, 0], [-1, -1, -1]]
    # last hour closed: the drain count is the schedule's maximum
    assert spec.drain_booths.tolist() == [3, -1]
    assert spec.max_booths.tolist() == [3, 3]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: car(rate_per_hour=-1.0), "rate_per_hour = -1.0: rates must be finite and >= 0"),
        (lambda: car(rate_per_hour=math.nan), "rate_per_hour = nan"),
        (
            lambda: car(rate_per_hour=(1.0, 2.0, -3.0)),
            "rate_per_hour[2] = -3.0: rates must be finite and >= 0",
        ),
        (lambda: car(rate_per_hour=(1.0, math.inf)), "rate_per_hour[1] = inf"),
        (lambda: car(service={}), "service = {}: needs a service time"),
        (lambda: car(service={"hov": Exponential(1.0)}), "service.hov"),
        (lambda: car(referral_probability=1.5), "referral_probability = 1.5: must be in [0, 1]"),
        (lambda: car(referral_probability=0.1), "a referred class needs a secondary_service"),
        (lambda: car(vehicle_length_m=0.0), "vehicle_length_m = 0.0"),
        (
            lambda: car(rate_per_hour=0.0, arrival_times_min=(3.0, 1.0)),
            "arrival_times_min[1] = 1.0: times must be sorted",
        ),
        (lambda: car(arrival_times_min=(1.0,)), "must be 0 for a trace-driven class"),
        (lambda: Exponential(-1.0), "mean = -1.0: must be finite and > 0"),
        (lambda: Exponential(math.nan), "mean = nan"),
        (lambda: Deterministic(0.0), "value = 0.0"),
        (lambda: Erlang(0, 1.0), "k = 0: must be an integer >= 1"),
        (lambda: Lognormal(1.0, -2.0), "sd = -2.0"),
        (lambda: Empirical(()), "samples = (): needs at least one"),
        (lambda: Empirical((1.0, -2.0)), "samples[1] = -2.0"),
        (lambda: BoothSchedule((1, -2)), "booths[1] = -2: booth counts must be integers >= 0"),
        (lambda: BoothSchedule((0, 0)), "all zero, the group never opens"),
        (
            lambda: QueueTrigger(2, 1, 3.0, 1.0),
            "max_booths = 1: must be an integer >= 1 and >= min_booths (2)",
        ),
        (lambda: QueueTrigger(1, 3, 1.0, 2.0), "close_below = 2.0: must be <= open_above"),
        (lambda: QueueTrigger(0, 3, 4.0, 2.0), "close_below = 2.0: with min_booths = 0"),
        (lambda: QueueTrigger(1, 3, math.nan, 0.0), "open_above = nan"),
        (lambda: LaneGroup("g", "hov", BoothSchedule((1,))), "lane_type = 'hov'"),
        (lambda: Secondary(0), "booths = 0: must be an integer >= 1"),
        (lambda: QueueStorage(vehicles=-5.0), "vehicles = -5.0"),
        (lambda: port(direction="southbound"), "direction = 'southbound'"),
        (lambda: port(horizon_hours=0), "horizon_hours = 0: must be an integer >= 1"),
        (
            lambda: port(classes=(car(), car(name="b", rate_per_hour=(1.0, 2.0)))),
            "classes[1].rate_per_hour has 2 values: needs horizon_hours = 3",
        ),
        (
            lambda: port(lane_groups=(LaneGroup("g", "general", BoothSchedule((1, 2))),)),
            "lane_groups[0].booths has 2 values: needs horizon_hours = 3",
        ),
        (
            lambda: port(classes=(car(), car(name="n", service={"nexus": Exponential(0.5)}))),
            "classes[1].service = ['nexus']: class 'n' has no eligible lane group",
        ),
        (lambda: port(classes=(car(), car())), "classes[1].name = 'cars': duplicate name"),
        (
            lambda: port(
                classes=(car(referral_probability=0.1, secondary_service=Exponential(5.0)),)
            ),
            "classes[0].referral_probability = 0.1: referrals need a [secondary] section",
        ),
        (
            lambda: port(classes=(car(rate_per_hour=0.0, arrival_times_min=(1.0, 180.0)),)),
            "classes[0].arrival_times_min[1] = 180.0: must be < 60 * horizon_hours = 180.0",
        ),
        (
            lambda: port(initial_queue=(("x", "cars", 2),)),
            "initial_queue[0].group = 'x': no such lane group",
        ),
        (lambda: port(initial_queue=(("g", "cars", -2),)), "initial_queue[0].count = -2"),
        (
            lambda: port(
                classes=(
                    car(),
                    car(name="n", service={"nexus": Exponential(0.5), "general": Exponential(1.0)}),
                ),
                lane_groups=(
                    LaneGroup("g", "general", BoothSchedule((1,))),
                    LaneGroup("nx", "nexus", BoothSchedule((1,))),
                ),
                initial_queue=(InitialQueue("nx", "cars", 1),),
            ),
            "initial_queue[0].traffic_class = 'cars': not eligible for lane group 'nx'",
        ),
        (
            lambda: port(
                lane_groups=(LaneGroup("g", "general", BoothSchedule((1,)), classes=("trucks",)),)
            ),
            "lane_groups[0].classes[0] = 'trucks': no such class",
        ),
        (lambda: port(choice_rule="random"), "choice_rule = 'random'"),
    ],
)
def test_invalid_fields_are_named(build: Any, message: str) -> None:
    with pytest.raises(SpecError) as info:
        build()
    assert message in str(info.value)


def test_class_restricted_group_changes_eligibility() -> None:
    trucks = (
        TrafficClass("fast", 10.0, {"commercial": Exponential(1.0)}),
        TrafficClass("other", 10.0, {"commercial": Exponential(2.0)}),
    )
    spec = port(
        classes=trucks,
        lane_groups=(
            LaneGroup("FAST", "commercial", BoothSchedule((1,)), classes=("fast",)),
            LaneGroup("all", "commercial", BoothSchedule((3,))),
        ),
    )
    assert spec.eligible.tolist() == [[True, True], [False, True]]
    assert spec.specialisation.tolist() == [1, 2]
    assert np.isnan(spec.mean_service_matrix[1, 0])


def test_distribution_moments_exact() -> None:
    assert Exponential(2.0).variance == 4.0
    assert Erlang(4, 2.0).variance == 1.0
    assert Deterministic(3.0).mean == 3.0 and Deterministic(3.0).variance == 0.0
    assert Lognormal(2.0, 0.5).variance == 0.25
    e = Empirical((1.0, 2.0, 6.0))
    assert e.mean == 3.0
    assert e.variance == pytest.approx((4 + 1 + 9) / 3)


def test_spec_is_frozen() -> None:
    spec = port()
    with pytest.raises(AttributeError):
        spec.horizon_hours = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.classes[0].service["nexus"] = Exponential(1.0)  # type: ignore[index]


def test_equal_specs_hash_equal() -> None:
    a, b = port(), port()
    assert a == b and hash(a) == hash(b)
    assert port(horizon_hours=4) != a
    assert {a: 1}[b] == 1
