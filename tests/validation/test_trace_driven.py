"""Trace-driven arrivals (recorded arrival times) against GI/M/1 theory.

The trace is a renewal process with Erlang-2 interarrival times drawn here, on the test
side (numpy seed 6001); the kernel draws only the service times (seed 6002). Theory:
Wq = σ/(μ(1 − σ)), σ the root of σ = A*(μ(1 − σ)), A*(s) = (2λ/(2λ + s))².
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    run_replication,
)
from tests.validation.theory import batch_means_se, gim1_mean_wait

VEHICLES = 6_000_000


@pytest.mark.slow
def test_erlang2_trace_matches_gi_m_1() -> None:
    lam, k = 0.8, 2  # vehicles/minute; mean service 1 min, so ρ = 0.8
    rng = np.random.default_rng(6001)
    times = np.cumsum(rng.gamma(k, 1.0 / (k * lam), VEHICLES))
    spec = PortSpec(
        name="trace",
        direction="US-bound",
        horizon_hours=math.ceil(times[-1] / 60.0) + 1,
        classes=(
            TrafficClass(
                "cars", 0.0, {"general": Exponential(1.0)}, arrival_times_min=tuple(times.tolist())
            ),
        ),
        lane_groups=(LaneGroup("booth", "general", BoothSchedule((1,))),),
    )
    rec = run_replication(spec, 6002)
    assert rec.n == VEHICLES
    np.testing.assert_array_equal(rec.arrival_min, times)
    w = rec.wait_min
    theory = gim1_mean_wait(lambda s: (k * lam / (k * lam + s)) ** k, 1.0)
    rel_err = float(w.mean()) / theory - 1.0
    rel_se = batch_means_se(w, 100) / theory
    print(f"E2/M/1 trace: W={w.mean():.4f} GI/M/1={theory:.4f} err={rel_err:+.3%} se={rel_se:.3%}")
    assert rel_se < 0.02 / 3
    assert abs(rel_err) < 0.02
