"""Small port specifications and run helpers for the validation tests (test side)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from borderflow.sim import (
    BoothSchedule,
    Distribution,
    LaneGroup,
    PortSpec,
    TrafficClass,
    run_replication,
)


def single_queue_spec(
    rates_per_hour: float | Sequence[float],
    service: Distribution,
    booths: int,
    *,
    horizon_hours: int | None = None,
    drain: bool = True,
) -> PortSpec:
    """One class, one general lane group of ``booths`` constant booths (M/G/c or M(t)/G/c)."""
    rate: float | tuple[float, ...]
    if isinstance(rates_per_hour, (int, float)):
        rate = float(rates_per_hour)
        hours = horizon_hours if horizon_hours is not None else 1
    else:
        rate = tuple(float(r) for r in rates_per_hour)
        hours = len(rate)
    return PortSpec(
        name="validation",
        direction="US-bound",
        horizon_hours=hours,
        classes=(TrafficClass(name="cars", rate_per_hour=rate, service={"general": service}),),
        lane_groups=(
            LaneGroup(name="booths", lane_type="general", staffing=BoothSchedule((booths,))),
        ),
        drain=drain,
    )


def mgc_spec(
    arrival_rate_per_min: float, service: Distribution, booths: int, vehicles: float
) -> PortSpec:
    """Stationary M/G/c with about ``vehicles`` arrivals (horizon rounded up to whole hours)."""
    rate_per_hour = 60.0 * arrival_rate_per_min
    return single_queue_spec(
        rate_per_hour, service, booths, horizon_hours=math.ceil(vehicles / rate_per_hour)
    )


@dataclass(frozen=True)
class WaitEstimate:
    """Pooled mean wait over replications and its batch-means standard error [minutes]."""

    mean: float
    se: float
    vehicles: int


def long_run_mean_wait(
    spec: PortSpec, seed: int, replications: int, batches_per_replication: int = 50
) -> WaitEstimate:
    """Mean primary wait over ``replications`` independent long runs of the fast engine.

    Each run's waits (in arrival order) are cut into batches; the standard error is
    that of the pooled batch means, all batches being much longer than the queue's
    relaxation time (a few thousand vehicles at ρ = 0.95).
    """
    total, count = 0.0, 0
    batch_means: list[NDArray[np.float64]] = []
    for r in range(replications):
        rec = run_replication(spec, seed, replication=r, engine="compiled")
        w = rec.wait_min
        assert not np.isnan(w).any()
        total += float(w.sum())
        count += w.size
        m = w.size // batches_per_replication * batches_per_replication
        batch_means.append(w[:m].reshape(batches_per_replication, -1).mean(axis=1))
        del rec, w
    means = np.concatenate(batch_means)
    return WaitEstimate(total / count, float(means.std(ddof=1) / math.sqrt(means.size)), count)
