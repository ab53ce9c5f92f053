"""``run_compiled`` reuses the compiled port of the last spec object: never a stale one."""

from __future__ import annotations

import numpy as np

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    draw_vehicles,
    replication_seed,
)
from borderflow.sim._compiled import compiled_for, run_compiled
from borderflow.sim._reference import run_reference


def _port(booths: tuple[int, ...]) -> PortSpec:
    return PortSpec(
        "cache",
        "US-bound",
        3,
        (
            TrafficClass("cars", 100.0, {"general": Exponential(1.5)}),
            TrafficClass("nexus", 40.0, {"nexus": Exponential(0.5), "general": Exponential(1.5)}),
        ),
        (
            LaneGroup("general", "general", BoothSchedule(booths)),
            LaneGroup("nexus", "nexus", BoothSchedule((1,))),
        ),
    )


def test_alternating_specs_each_match_the_reference_engine() -> None:
    # Same classes, so the same draws; only the booths differ (2 vs 1-3-1 per hour).
    a, b = _port((2,)), _port((1, 3, 1))
    draws = draw_vehicles(a, replication_seed(5, 0))
    assert compiled_for(a) is compiled_for(a)
    for spec in (a, b, a, b):
        got = run_compiled(spec, draws)
        want = run_reference(spec, draws)
        np.testing.assert_array_equal(got.group_index, want.group_index)
        np.testing.assert_array_equal(got.start_min, want.start_min)
        np.testing.assert_array_equal(got.end_min, want.end_min)
    # The two ports really differ (otherwise the test could not see a stale port).
    assert not np.array_equal(run_compiled(a, draws).start_min, run_compiled(b, draws).start_min)
