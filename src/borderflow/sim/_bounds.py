"""Bounds of what the kernel accepts: booths, horizon, service times, memory.

Every bound is a stated assumption (``docs/kernel-semantics.md``, "Bounds"), chosen far
above any real land port so that no real scenario meets it, and low enough that a typo
(``booths = 10**9``, a service mean of ``1e300``) ends in a clear :class:`SpecError`
instead of a ``MemoryError`` after minutes, a machine out of memory or NaN output.
"""

from __future__ import annotations

import os

#: Most booths of one lane group, of secondary inspection, or of a queue trigger's
#: ``max_booths``. Assumption: the largest primary-booth counts in data/PARAMETERS.md are
#: 13 truck booths (Ambassador Bridge) and 10 lanes (Peace Arch, Pacific Highway); 100 is
#: about 8x the largest, a ceiling, not a figure of any port. Runtime grows with
#: vehicles x booths, so the cap also bounds the time per vehicle.
MAX_BOOTHS = 100

#: Longest arrival horizon [hours]: 10^6 hours, about 114 years (assumption: far longer
#: than any planning horizon, a year being 8,760 hours, yet long enough for steady-state
#: theory checks of millions of vehicles on one booth); keeps per-hour arrays (rates,
#: schedules, hourly metrics) to tens of MB.
MAX_HORIZON_HOURS = 1_000_000

#: Largest service-time parameter (mean, value, sd, sample) [minutes]: one day
#: (assumption: no primary or secondary inspection lasts a day; keeps sums of times finite).
MAX_SERVICE_MIN = 24 * 60.0

#: Largest coefficient of variation (sd / mean) of a lognormal service time. Numerical:
#: the underlying normal's sigma = sqrt(log(1 + cv^2)) stays below 3.04, so samples stay
#: finite (larger cv are not seen in inspection data: data/PARAMETERS.md).
MAX_LOGNORMAL_CV = 100.0

#: Longest queued vehicle [metres] (assumption: the longest road trains in Canada and the
#: U.S. are under 40 m, plus spacing).
MAX_VEHICLE_LENGTH_M = 100.0

#: Peak memory of one replication per vehicle [bytes] by engine, besides the service
#: columns: draws, engine state, records and metrics alive at once. Measured as the growth
#: of the peak resident memory over 2 M vehicles (compiled: 102 bytes per vehicle) and
#: 0.2 M vehicles (reference: 280) of a port with four classes, four lane types and
#: secondary; ``tests/sim/test_bounds.py`` re-measures the compiled figure.
BYTES_PER_VEHICLE = {"compiled": 80, "reference": 250}
#: Peak memory per vehicle of each lane-type column of service times [bytes] (float64).
BYTES_PER_SERVICE_COLUMN = 8
#: Memory of one kept :class:`VehicleRecords` per vehicle [bytes] (``keep_vehicles``):
#: six float64/int64 columns, arrival (float64), class (int32) and referral (bool).
BYTES_PER_KEPT_VEHICLE = 61
#: Share of the machine's physical memory one run may plan to use.
MEMORY_SHARE = 0.75


def machine_memory_bytes() -> int:
    """Return the machine's physical memory [bytes] (``os.sysconf``; 8 GiB if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def memory_budget_bytes() -> int:
    """Return the memory one run may use [bytes]: :data:`MEMORY_SHARE` of the machine's."""
    return int(MEMORY_SHARE * machine_memory_bytes())


def gigabytes(n_bytes: float) -> str:
    """Format a byte count as GB with one decimal (e.g. ``'8.7 GB'``)."""
    return f"{n_bytes / 1e9:,.1f} GB"


__all__ = [
    "BYTES_PER_KEPT_VEHICLE",
    "BYTES_PER_SERVICE_COLUMN",
    "BYTES_PER_VEHICLE",
    "MAX_BOOTHS",
    "MAX_HORIZON_HOURS",
    "MAX_LOGNORMAL_CV",
    "MAX_SERVICE_MIN",
    "MAX_VEHICLE_LENGTH_M",
    "MEMORY_SHARE",
    "gigabytes",
    "machine_memory_bytes",
    "memory_budget_bytes",
]
