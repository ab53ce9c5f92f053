"""The compiled metric passes against brute force on random ports (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from borderflow.sim import PortSpec, draw_vehicles, replication_metrics, run_draws
from tests.sim.metrics_brute import brute_metrics
from tests.sim.test_reference_properties import ports

HOURLY = (
    "count", "mean_wait_min", "p50_wait_min", "p90_wait_min", "p95_wait_min", "max_wait_min",
    "waiting_at_end", "queue_mean_veh", "queue_max_veh", "queue_mean_km", "queue_max_km",
    "throughput_per_h",
)  # fmt: skip


@settings(max_examples=60)
@given(ports(), st.integers(0, 2**32 - 1))
def test_metrics_equal_brute_force(spec: PortSpec, seed: int) -> None:
    rec = run_draws(spec, draw_vehicles(spec, np.random.SeedSequence(seed)))
    m = replication_metrics(spec, rec)
    b = brute_metrics(spec, rec)
    for name in HOURLY:
        np.testing.assert_allclose(m.hourly[name], b[name], rtol=1e-9, atol=1e-9, err_msg=name)
    np.testing.assert_allclose(m.storage["total_queue_max_veh"], b["total_queue_max_veh"])
    np.testing.assert_allclose(
        m.storage["total_queue_max_m"], b["total_queue_max_m"], rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        m.daily["vehicle_hours_delay"][:, -1].sum(), b["delay_all"][0], rtol=1e-9, atol=1e-12
    )
    got = [
        m.summary[k]
        for k in ("vehicles", "mean_wait_min", "p95_wait_min", "max_wait_min", "waiting_at_end")
    ]
    np.testing.assert_allclose(got, b["summary"], rtol=1e-9, atol=1e-9)
