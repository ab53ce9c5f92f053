"""Planning: what to do about the border's traffic.

- sizing rule ``booths-from-peak-hour v1`` (:func:`booths_from_peak_hour`,
  :func:`size_crossing_booths`, :func:`sized_booths`): every value carries
  :data:`SIZING_LABEL`;
- scenario generation (:func:`build_scenario`: a crossing, direction and day -> a
  simulator-ready port with the source of every figure) and twin wait predictions
  (:func:`predict_waits`);
- calibration of capacity against measured delays (``capacity-by-hour v1``:
  :func:`fit_capacity`, :func:`calibrate_southbound`, :func:`calibrate_northbound`,
  :func:`apply_shipped_calibration`);
- what-ifs against a baseline with paired replications (:func:`whatif`, the change
  language of :func:`apply_changes`), the staffing optimiser (:func:`optimise_schedule`)
  and resumable sweeps on local processes or Dask (:func:`run_sweep`):
  ``docs/planning.md``;
- closures and diversion over the border network (``closure-logit v1``:
  :func:`closure_target`, :func:`simulate_closure`, :func:`closure_json`), the baseline
  month known at a date (:func:`baseline_month`), truck trade value per port
  (:func:`port_truck_trade`): ``docs/closures.md``;
- everyday route choice among nearby crossings (``route-logit-sue v1``:
  :func:`predict_routes`, :func:`route_equilibrium`, :func:`route_check`):
  ``docs/routes.md``.
"""

from borderflow.plan._backends import (
    Backend,
    DaskBackend,
    LocalBackend,
)
from borderflow.plan._baseline import (
    BASELINE_METHOD,
    Baseline,
    baseline_month,
)
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
from borderflow.plan._changes import (
    Change,
    ChangeError,
    apply_changes,
    combine_directions,
    nexus_share,
    parse_change,
    read_overlay,
)
from borderflow.plan._closure import (
    CLOSURE_MODEL,
    Alternative,
    ClosureResult,
    ClosureTarget,
    DayImpact,
    PortMonth,
    closure_target,
    logit_shares,
    simulate_closure,
)
from borderflow.plan._closure_json import closure_json, closure_json_many
from borderflow.plan._months import (
    month_changes,
)
from borderflow.plan._network import (
    NetworkParams,
    Parameter,
    PortNode,
    build_node,
    great_circle_km,
    open_hours,
)
from borderflow.plan._optimise import (
    Comparison,
    OptimiseError,
    OptimiseResult,
    evaluate_schedule,
    optimise_schedule,
    with_schedule,
)
from borderflow.plan._predict import (
    INTERVAL,
    VALIDATED_CROSSINGS,
    WaitPrediction,
    WaitRow,
    predict_waits,
)
from borderflow.plan._queueing import erlang_c_wait_min
from borderflow.plan._routes import (
    RouteShare,
    RoutesResult,
    ZoneWeights,
    fit_zone_weights,
    predict_routes,
    route_parameters,
    routes_json,
)
from borderflow.plan._routes_check import RouteCheck, route_check
from borderflow.plan._routes_core import (
    EXCLAVES,
    ROUTE_MODEL,
    Equilibrium,
    RouteOption,
    corridor_options,
    expected_wait_min,
    route_equilibrium,
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
from borderflow.plan._sweep import (
    Sweep,
    SweepError,
    SweepParameter,
    SweepRun,
    load_sweep,
    read_sweep,
    run_sweep,
)
from borderflow.plan._trade import (
    TRADE_RULE,
    PortTradeValue,
    port_truck_trade,
)
from borderflow.plan._whatif import (
    WhatIfResult,
    paired_ci,
    whatif,
)

__all__ = [
    "ASSUMED_SERVICE",
    "BASELINE_METHOD",
    "CALIBRATION_METHOD",
    "CAPACITY_BASES",
    "CLOSURE_MODEL",
    "EXCLAVES",
    "INTERVAL",
    "ROUTE_MODEL",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "TRADE_RULE",
    "VALIDATED_CROSSINGS",
    "Alternative",
    "Backend",
    "Baseline",
    "CalibrationDays",
    "CapacityFit",
    "Change",
    "ChangeError",
    "ClosureResult",
    "ClosureTarget",
    "Comparison",
    "DailyFit",
    "DaskBackend",
    "DayImpact",
    "DayScore",
    "Equilibrium",
    "GeneratedScenario",
    "LaneCapacity",
    "LocalBackend",
    "NetworkParams",
    "OptimiseError",
    "OptimiseResult",
    "Parameter",
    "PortCalibration",
    "PortMonth",
    "PortNode",
    "PortTradeValue",
    "RouteCheck",
    "RouteOption",
    "RouteShare",
    "RoutesResult",
    "ServiceTime",
    "SizedValue",
    "Sweep",
    "SweepError",
    "SweepParameter",
    "SweepRun",
    "WaitPrediction",
    "WaitRow",
    "WhatIfResult",
    "ZoneWeights",
    "apply_changes",
    "apply_shipped_calibration",
    "baseline_month",
    "booths_from_peak_hour",
    "build_node",
    "build_scenario",
    "calibrate_northbound",
    "calibrate_southbound",
    "calibrated_north_scenario",
    "calibrated_scenario",
    "calibration_to_dict",
    "closure_json",
    "closure_json_many",
    "closure_target",
    "combine_directions",
    "corridor_options",
    "erlang_c_wait_min",
    "evaluate_schedule",
    "expected_wait_min",
    "fit_capacity",
    "fit_zone_weights",
    "great_circle_km",
    "load_sweep",
    "logit_shares",
    "month_changes",
    "nexus_share",
    "open_hours",
    "optimise_schedule",
    "paired_ci",
    "parse_change",
    "port_truck_trade",
    "predict_routes",
    "predict_waits",
    "read_overlay",
    "read_sweep",
    "route_check",
    "route_equilibrium",
    "route_parameters",
    "routes_json",
    "run_sweep",
    "simulate_closure",
    "simulate_days",
    "size_crossing_booths",
    "sized_booths",
    "whatif",
    "with_schedule",
]
