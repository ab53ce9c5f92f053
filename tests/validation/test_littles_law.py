"""Little's law from independent measurements of the per-vehicle records.

The time-average queue length is integrated from the queue-length path (arrivals +1,
service starts −1) built from the records, and compared with (arrival rate × mean wait)
over the same window; the time-average number in service is compared with λ·E[S].
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    Lognormal,
    PortSpec,
    Secondary,
    TrafficClass,
    run_replication,
)
from tests.validation.ports import mgc_spec
from tests.validation.theory import mmc_mean_wait


def time_average(up: NDArray[np.float64], down: NDArray[np.float64], t0: float, t1: float) -> float:
    """Time-average over [t0, t1] of the count of items with up <= t < down."""
    up = np.clip(up, t0, t1)
    down = np.clip(down, t0, t1)
    times = np.concatenate([up, down])
    steps = np.concatenate([np.ones(up.size), -np.ones(down.size)])
    order = np.argsort(times, kind="stable")
    times, level = times[order], np.cumsum(steps[order])
    return float(np.sum(level[:-1] * np.diff(times)) / (t1 - t0))


def test_time_average_helper_on_a_hand_case() -> None:
    # Items present [0,2), [1,3), [4,5) over [0,5]: area 2 + 2 + 1 = 5.
    up = np.array([0.0, 1.0, 4.0])
    down = np.array([2.0, 3.0, 5.0])
    assert time_average(up, down, 0.0, 5.0) == pytest.approx(1.0)
    assert time_average(up, down, 1.0, 2.0) == pytest.approx(2.0)


def test_littles_law_mmc() -> None:
    lam, c = 2.7, 3  # ρ = 0.9, mean service 1 min
    spec = mgc_spec(lam, Exponential(mean=1.0), c, 2_000_000)
    rec = run_replication(spec, 4001)
    horizon = 60.0 * spec.horizon_hours
    # Queue: measured from the path, against λ (from the spec) × mean wait.
    lq = time_average(rec.arrival_min, rec.start_min, 0.0, horizon)
    w = float(np.mean(rec.wait_min))
    assert lq == pytest.approx(lam * w, rel=0.005)
    # Booths: time-average number in service against the offered load λ·E[S] = 2.7.
    busy = time_average(rec.start_min, rec.end_min, 0.0, horizon)
    assert busy == pytest.approx(lam * 1.0, rel=0.005)
    # And the path-measured queue against Erlang C (SE about 1.2% at 2×10^6 vehicles).
    assert lq == pytest.approx(lam * mmc_mean_wait(lam, 1.0, c), rel=0.05)


def test_littles_law_per_group_in_a_multilane_port() -> None:
    hours = 2000
    spec = PortSpec(
        name="little",
        direction="Canada-bound",
        horizon_hours=hours,
        classes=(
            TrafficClass(
                "cars",
                300.0,
                {"general": Exponential(1.1)},
                referral_probability=0.03,
                secondary_service=Exponential(8.0),
            ),
            TrafficClass(
                "nexus",
                150.0,
                {"nexus": Exponential(0.5), "general": Exponential(1.1)},
                referral_probability=0.01,
                secondary_service=Exponential(8.0),
            ),
            TrafficClass(
                "trucks",
                90.0,
                {"commercial": Lognormal(2.0, 1.5)},
                referral_probability=0.02,
                secondary_service=Exponential(30.0),
            ),
        ),
        lane_groups=(
            LaneGroup("general", "general", BoothSchedule((7,))),
            LaneGroup("nexus", "nexus", BoothSchedule((2,))),
            LaneGroup("commercial", "commercial", BoothSchedule((4,))),
        ),
        secondary=Secondary(booths=4),
    )
    rec = run_replication(spec, 4002)
    horizon = 60.0 * hours
    # All primary queues together: λ from the specification (540 vehicles/h) × mean wait
    # against the path-measured time-average number waiting (Poisson noise in the
    # count is 0.1% here).
    lq = time_average(rec.arrival_min, rec.start_min, 0.0, horizon)
    lam = (300.0 + 150.0 + 90.0) / 60.0
    assert lq == pytest.approx(lam * float(np.mean(rec.wait_min)), rel=0.01)
    # Per lane group (its arrival rate depends on the choice rule: counted, not given).
    for g in range(3):
        sel = rec.group_index == g
        lq_g = time_average(rec.arrival_min[sel], rec.start_min[sel], 0.0, horizon)
        lam_g = sel.sum() / horizon
        assert lq_g == pytest.approx(lam_g * float(np.mean(rec.wait_min[sel])), rel=0.01), g
    # Secondary: referral rate Σ λ_k p_k from the specification, about 12.3/h
    # (about 24,600 referrals, so 0.6% Poisson noise in the count).
    ref = rec.referred
    lam2 = (300.0 * 0.03 + 150.0 * 0.01 + 90.0 * 0.02) / 60.0
    lq2 = time_average(rec.end_min[ref], rec.secondary_start_min[ref], 0.0, horizon)
    assert lq2 == pytest.approx(lam2 * float(np.mean(rec.secondary_wait_min[ref])), rel=0.03)
    # Over the whole drained run the two integrals are the same quantity.
    end = float(np.nanmax(rec.start_min)) + 1.0
    total = time_average(rec.arrival_min, rec.start_min, 0.0, end) * end
    assert total == pytest.approx(float(np.sum(rec.wait_min)), rel=1e-9)
