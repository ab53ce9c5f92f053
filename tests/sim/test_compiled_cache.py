"""What is derived once per spec object (compiled port, draw and metrics plans) is never stale."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    InitialQueue,
    LaneGroup,
    PortSpec,
    QueueStorage,
    Secondary,
    TrafficClass,
    draw_vehicles,
    replication_metrics,
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


def _other_port() -> PortSpec:
    # Another shape: a trace-driven class, an initial queue, storage, longer vehicles.
    return PortSpec(
        "other",
        "US-bound",
        2,
        (
            TrafficClass("cars", 80.0, {"general": Exponential(1.0)}, vehicle_length_m=6.0),
            TrafficClass(
                "trucks",
                0.0,
                {"commercial": Exponential(2.0)},
                arrival_times_min=(1.0, 5.0, 70.0),
                referral_probability=0.5,
                secondary_service=Exponential(10.0),
                vehicle_length_m=20.0,
            ),
        ),
        (
            LaneGroup("general", "general", BoothSchedule((1,))),
            LaneGroup("trucks", "commercial", BoothSchedule((1,))),
        ),
        initial_queue=(InitialQueue("general", "cars", 4),),
        secondary=Secondary(1),
        storage=QueueStorage(vehicles=5),
    )


def test_draws_and_metrics_of_alternating_specs_are_never_stale() -> None:
    # The draws and the metrics reuse what they derive from the last spec object; a copy
    # of a spec (a new object) derives everything afresh.
    a, b = _port((1, 3, 1)), _other_port()
    seq = replication_seed(9, 0)
    for spec in (a, b, a, b):
        fresh = copy.deepcopy(spec)
        got = draw_vehicles(spec, seq)
        want = draw_vehicles(fresh, seq)
        for f in dataclasses.fields(got):
            np.testing.assert_array_equal(getattr(got, f.name), getattr(want, f.name))
        rec = run_compiled(spec, got)
        m_got = replication_metrics(spec, rec)
        m_want = replication_metrics(fresh, rec)
        for name in ("hourly", "storage", "daily"):
            g, w = getattr(m_got, name), getattr(m_want, name)
            assert g.keys() == w.keys()
            for k in g:
                np.testing.assert_array_equal(g[k], w[k])
        assert m_got.summary == pytest.approx(m_want.summary, nan_ok=True, rel=0, abs=0)
    # The two specs really differ (otherwise the test could not see a stale plan).
    assert draw_vehicles(a, seq).n != draw_vehicles(b, seq).n
    assert replication_metrics(b, run_compiled(b, draw_vehicles(b, seq))).storage[
        "minutes_over_storage"
    ].shape == (2,)


def _run_twice_with_one_cache(code: str, tmp_path: Path) -> list[Any]:
    """Run ``code`` in two fresh processes sharing one numba cache; the JSON of each."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    out = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


def test_compiled_kernels_load_from_cache_in_a_new_process(tmp_path: Path) -> None:
    # Two fresh processes with one cache dir: the second must load every kernel from disk.
    code = (
        "import json, numpy as np\n"
        "from borderflow.sim import _kernels as k\n"
        "from borderflow.sim._compiled import compile_kernels\n"
        "compile_kernels()\n"
        "fns = [k.run_single_constant, k.run_schedule, k.run_events, k.run_secondary]\n"
        "print(json.dumps([[sum(f.stats.cache_hits.values()),"
        " sum(f.stats.cache_misses.values())] for f in fns]))\n"
    )
    out = _run_twice_with_one_cache(code, tmp_path)
    assert all(miss >= 1 for _, miss in out[0])
    assert all(hit >= 1 and miss == 0 for hit, miss in out[1])


@pytest.mark.slow  # two fresh processes, the first compiling everything: about 11 s
def test_simulate_loads_every_compiled_function_from_the_cache_in_a_new_process(
    tmp_path: Path,
) -> None:
    # Two fresh processes with one cache dir run simulate() on a port that uses the
    # draws', the engine's and the metrics' compiled functions: the second compiles none.
    code = (
        "import json\n"
        "from numba.core.registry import CPUDispatcher\n"
        "from borderflow.sim import (BoothSchedule, Exponential, LaneGroup, PortSpec,\n"
        "    Secondary, TrafficClass, simulate)\n"
        "from borderflow.sim import _draws, _kernels, _metric_kernels\n"
        "spec = PortSpec('c', 'US-bound', 2, (\n"
        "    TrafficClass('cars', 60.0, {'general': Exponential(1.0)},\n"
        "        referral_probability=0.1, secondary_service=Exponential(5.0)),\n"
        "    TrafficClass('nexus', 30.0, {'nexus': Exponential(0.5),\n"
        "        'general': Exponential(1.0)})),\n"
        "    (LaneGroup('g', 'general', BoothSchedule((1, 2))),\n"
        "     LaneGroup('n', 'nexus', BoothSchedule((1,)))), secondary=Secondary(1))\n"
        "simulate(spec, replications=2)\n"
        "fns = [f for m in (_draws, _kernels, _metric_kernels) for f in vars(m).values()\n"
        "       if isinstance(f, CPUDispatcher) and f.signatures]\n"
        "print(json.dumps([[f.__name__, sum(f.stats.cache_hits.values()),\n"
        "    sum(f.stats.cache_misses.values())] for f in fns]))\n"
    )
    out = _run_twice_with_one_cache(code, tmp_path)
    names = {name for name, _, _ in out[1]}
    assert {"run_schedule", "record_pass", "_times_from_spacings", "_below"} <= names
    assert all(miss >= 1 for _, _, miss in out[0])
    assert all(hit >= 1 and miss == 0 for _, hit, miss in out[1])
