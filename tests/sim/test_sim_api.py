"""Public entry points: seeds, engines, replication bookkeeping."""

from __future__ import annotations

import math

import numpy as np
import pytest

import borderflow.sim as sim
from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    draw_vehicles,
    run_draws,
    run_replication,
    simulate,
)
from tests.sim.sim_builders import trace_spec

SPEC = PortSpec(
    "api",
    "US-bound",
    2,
    (TrafficClass("c", 100.0, {"general": Exponential(1.0)}),),
    (LaneGroup("g", "general", BoothSchedule((2,))),),
)


def test_public_names_exist() -> None:
    for name in sim.__all__:
        assert hasattr(sim, name), name


def test_run_replication_uses_the_spawned_seed_sequence() -> None:
    seq = np.random.SeedSequence(42).spawn(4)[2]
    direct = run_draws(SPEC, draw_vehicles(SPEC, seq), "reference")
    via = run_replication(SPEC, 42, replication=2, engine="reference")
    assert not direct.mismatches(via)
    other = run_replication(SPEC, 42, replication=1, engine="reference")
    assert direct.n != other.n or not np.array_equal(direct.arrival_min, other.arrival_min)


def test_bad_engine_and_replication() -> None:
    d = draw_vehicles(SPEC, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match="engine = 'turbo'"):
        run_draws(SPEC, d, "turbo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="replication = -1"):
        run_replication(SPEC, 0, replication=-1)
    with pytest.raises(ValueError, match="replications = 0"):
        simulate(SPEC, replications=0)


def test_fast_is_a_deprecated_alias_of_compiled() -> None:
    d = draw_vehicles(SPEC, np.random.SeedSequence(5))
    assert sim.ENGINES == ("compiled", "reference")
    assert run_draws(SPEC, d, "fast").mismatches(run_draws(SPEC, d, "compiled")) == []
    old = simulate(SPEC, replications=2, seed=5, engine="fast")
    new = simulate(SPEC, replications=2, seed=5, engine="compiled")
    assert old.engine == "compiled" and old.to_dict() == new.to_dict()


def test_single_replication_has_no_interval_and_result_keeps_identity() -> None:
    res = simulate(SPEC, replications=1, seed=3, engine="reference")
    mean, half = res.summary["mean_wait_min"]
    assert math.isfinite(mean) and math.isnan(half)
    assert res.vehicles is None
    with pytest.raises(ValueError, match="keep_vehicles=True"):
        res.to_arrow()
    rec = run_replication(SPEC, 3, engine="reference")
    assert mean == pytest.approx(float(np.mean(rec.wait_min)))


def test_engines_agree_on_a_trace() -> None:
    spec = trace_spec([0, 0, 1, 2, 2, 3.5], 1.5, 2)
    d = draw_vehicles(spec, np.random.SeedSequence(0))
    assert run_draws(spec, d, "reference").mismatches(run_draws(spec, d, "compiled")) == []


def test_draws_of_another_port_are_refused() -> None:
    other = PortSpec(
        "other",
        "US-bound",
        2,
        (
            TrafficClass("a", 10.0, {"general": Exponential(1.0)}),
            TrafficClass("b", 10.0, {"nexus": Exponential(1.0)}),
        ),
        (
            LaneGroup("g", "general", BoothSchedule((1,))),
            LaneGroup("n", "nexus", BoothSchedule((1,))),
        ),
    )
    d = draw_vehicles(other, np.random.SeedSequence(0))
    with pytest.raises(ValueError, match="service columns"):
        run_draws(SPEC, d, "reference")
