"""Planning: sizing, what-if scenarios, closures and diversion, staffing, sweeps.

Public API: the booth sizing rule ``booths-from-peak-hour v1``
(:func:`booths_from_peak_hour`, :func:`size_crossing_booths`, :func:`sized_booths`);
every value it produces carries :data:`SIZING_LABEL`.
"""

from borderflow.plan._calibrate import (
    CALIBRATION_METHOD,
    CalibrationDays,
    CapacityFit,
    fit_capacity,
    simulate_days,
)
from borderflow.plan._sizing import (
    SERVICE_TIMES,
    SIZING_LABEL,
    SIZING_RULE,
    TARGET_UTILISATION,
    ServiceTime,
    SizedValue,
    booths_from_peak_hour,
    size_crossing_booths,
    sized_booths,
)

__all__ = [
    "CALIBRATION_METHOD",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "CalibrationDays",
    "CapacityFit",
    "ServiceTime",
    "SizedValue",
    "booths_from_peak_hour",
    "fit_capacity",
    "simulate_days",
    "size_crossing_booths",
    "sized_booths",
]
