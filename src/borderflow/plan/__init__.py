"""Planning: sizing, what-if scenarios, closures and diversion, staffing, sweeps.

Public API: the booth sizing rule ``booths-from-peak-hour v1``
(:func:`booths_from_peak_hour`, :func:`size_crossing_booths`, :func:`sized_booths`);
every value it produces carries :data:`SIZING_LABEL`. Scenario generation
(:func:`build_scenario`: a crossing, direction and day -> a simulator-ready port with the
source of every figure) and twin wait predictions (:func:`predict_waits`).
"""

from borderflow.plan._calibrate import (
    CALIBRATION_METHOD,
    CalibrationDays,
    CapacityFit,
    fit_capacity,
    simulate_days,
)
from borderflow.plan._calibrate_port import (
    DailyFit,
    DayScore,
    PortCalibration,
    apply_shipped_calibration,
    calibrate_northbound,
    calibrate_southbound,
    calibrated_north_scenario,
    calibrated_scenario,
    calibration_to_dict,
)
from borderflow.plan._predict import (
    INTERVAL,
    VALIDATED_CROSSINGS,
    WaitPrediction,
    WaitRow,
    predict_waits,
)
from borderflow.plan._scenario_gen import (
    ASSUMED_SERVICE,
    CAPACITY_BASES,
    GeneratedScenario,
    LaneCapacity,
    build_scenario,
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
    "ASSUMED_SERVICE",
    "CALIBRATION_METHOD",
    "CAPACITY_BASES",
    "INTERVAL",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "VALIDATED_CROSSINGS",
    "CalibrationDays",
    "CapacityFit",
    "DailyFit",
    "DayScore",
    "GeneratedScenario",
    "LaneCapacity",
    "PortCalibration",
    "ServiceTime",
    "SizedValue",
    "WaitPrediction",
    "WaitRow",
    "apply_shipped_calibration",
    "booths_from_peak_hour",
    "build_scenario",
    "calibrate_northbound",
    "calibrate_southbound",
    "calibrated_north_scenario",
    "calibrated_scenario",
    "calibration_to_dict",
    "fit_capacity",
    "predict_waits",
    "simulate_days",
    "size_crossing_booths",
    "sized_booths",
]
