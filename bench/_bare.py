"""The practical speed limit: a bare compiled earliest-free-booth (Kiefer–Wolfowitz) recursion.

Arrays of pre-drawn inter-arrival and service times in, a linear scan of the c booth
free times per vehicle, nothing else (no records, no classes, no schedules).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray


@njit(cache=True)
def kiefer_wolfowitz(
    interarrival_min: NDArray[np.float64], service_min: NDArray[np.float64], servers: int
) -> tuple[float, int]:
    """FCFS multi-server queue by the earliest-free-booth recursion: (mean wait [min], count)."""
    free = np.zeros(servers)
    t = 0.0
    total = 0.0
    n = interarrival_min.size
    for i in range(n):
        t += interarrival_min[i]
        j = 0
        best = free[0]
        for k in range(1, servers):
            if free[k] < best:
                best = free[k]
                j = k
        start = t if t > best else best
        total += start - t
        free[j] = start + service_min[i]
    return total / n, n


def draw_mmc(
    arrival_rate_per_min: float, mean_service_min: float, vehicles: int, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exponential inter-arrival and service times (minutes) from one PCG64 stream."""
    rng = np.random.default_rng(seed)
    return (
        rng.exponential(1.0 / arrival_rate_per_min, vehicles),
        rng.exponential(mean_service_min, vehicles),
    )
