"""Lane types, classes and hours without vehicles give zero or empty results, never errors.

Issue 8, defect 1: a lane type nobody used in a replication (rate 0 all day, an unused bus
bay, a rare class) crashed the results code on an empty step function.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    replication_metrics,
    run_replication,
    simulate,
)
from borderflow.sim._steps import StepFunction
from tests.sim.test_reference_properties import ports


def _cars_and_buses(bus_rate: float) -> PortSpec:
    return PortSpec(
        "cars and buses",
        "US-bound",
        3,
        (
            TrafficClass("cars", 60.0, {"general": Exponential(1.0)}),
            TrafficClass("buses", bus_rate, {"bus": Exponential(5.0)}),
        ),
        (
            LaneGroup("general", "general", BoothSchedule((2,))),
            LaneGroup("bus bay", "bus", BoothSchedule((1,))),
        ),
    )


def test_empty_step_function_is_zero_everywhere() -> None:
    empty = StepFunction(np.zeros(0), np.zeros(0))
    edges = np.array([0.0, 60.0, 120.0])
    assert empty.value_at(np.array([-1.0, 0.0, 90.0])).tolist() == [0.0, 0.0, 0.0]
    assert empty.maximum(edges).tolist() == [0.0, 0.0]
    assert empty.integral(edges).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("engine", ["compiled", "reference"])
def test_a_bus_bay_nobody_uses_reports_zero(engine: str) -> None:
    res = simulate(_cars_and_buses(0.0), replications=3, seed=1, engine=engine)  # type: ignore[arg-type]
    bus = res.hourly["lane_type"] == "bus"
    assert bus.sum() == 3  # one row per hour
    for name in ("count", "waiting_at_end", "queue_mean_veh", "queue_max_veh", "queue_max_km"):
        assert res.hourly[name][bus].tolist() == [0.0] * 3, name
    assert res.hourly["throughput_per_h"][bus].tolist() == [0.0] * 3
    assert res.hourly["utilisation"][bus].tolist() == [0.0] * 3  # open, never busy
    assert np.isnan(res.hourly["mean_wait_min"][bus]).all()  # no wait to average
    daily_bus = res.daily["lane_type"] == "bus"
    assert res.daily["vehicle_hours_delay"][daily_bus].tolist() == [0.0]


def test_rare_buses_on_many_seeds() -> None:
    # 0.02 buses/h for 3 h: most replications have no bus at all (P = e^-0.06 ~ 0.94)
    spec = _cars_and_buses(0.02)
    res = simulate(spec, replications=20, seed=0)
    per_rep = [run_replication(spec, 0, replication=r) for r in range(20)]
    buses = sum(int((rec.class_index == 1).sum()) for rec in per_rep)
    bus = res.hourly["lane_type"] == "bus"
    assert res.hourly["count"][bus].sum() * 20 == pytest.approx(buses)


@settings(max_examples=40)
@given(ports(), st.integers(0, 2**32 - 1), st.data())
def test_classes_without_vehicles_give_zero_counts(
    spec: PortSpec, seed: int, data: st.DataObject
) -> None:
    # silence some classes: Poisson rate 0 all day, or an empty trace
    silent = data.draw(st.sets(st.integers(0, spec.n_classes - 1), min_size=1))
    classes = tuple(
        dataclasses.replace(c, rate_per_hour=0.0, arrival_times_min=() if c.trace_driven else None)
        if k in silent
        else c
        for k, c in enumerate(spec.classes)
    )
    quiet = dataclasses.replace(spec, classes=classes, initial_queue=())
    for engine in ("compiled", "reference"):
        rec = run_replication(quiet, seed, engine=engine)  # type: ignore[arg-type]
        assert not np.isin(rec.class_index, list(silent)).any()
        m = replication_metrics(quiet, rec)
        # counts per lane type agree with the records, 0 where no vehicle came
        lts = sorted(
            {g.lane_type for g in quiet.lane_groups}, key=["general", "nexus", "ready"].index
        )
        lane_of = np.array([lts.index(g.lane_type) for g in quiet.lane_groups])
        per_lt = np.bincount(lane_of[rec.group_index], minlength=len(lts)) if rec.n else 0
        assert np.array_equal(m.hourly["count"].sum(axis=0), per_lt * np.ones(len(lts)))
        assert m.summary["vehicles"] == rec.n
        empty = m.hourly["count"] == 0
        unused = empty.all(axis=0)  # lane types nobody joined all day: no queue, no output
        assert (m.hourly["queue_max_veh"][:, unused] == 0).all()
        assert (m.hourly["throughput_per_h"][:, unused] == 0).all()
        assert np.isnan(m.hourly["mean_wait_min"][empty]).all()
        if rec.n == 0:
            assert math.isnan(m.summary["mean_wait_min"])
            assert m.summary["vehicle_hours_delay"] == 0.0
