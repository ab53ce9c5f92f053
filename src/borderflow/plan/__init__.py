"""Planning: what to do about the border's traffic.

- sizing rule ``booths-from-peak-hour v1`` (:func:`booths_from_peak_hour`,
  :func:`size_crossing_booths`, :func:`sized_booths`): every value carries
  :data:`SIZING_LABEL`;
- scenario generation (:func:`build_scenario`: a crossing, direction and day -> a
  simulator-ready port with the source of every figure) and twin wait predictions
  (:func:`predict_waits`);
- closures and diversion over the border network (``closure-logit v1``:
  :func:`closure_target`, :func:`simulate_closure`, :func:`closure_json`), the baseline
  month known at a date (:func:`baseline_month`), truck trade value per port
  (:func:`port_truck_trade`).
"""

from borderflow.plan._baseline import (
    BASELINE_METHOD,
    Baseline,
    baseline_month,
)
from borderflow.plan._closure import (
    CLOSURE_MODEL,
    Alternative,
    ClosureResult,
    ClosureTarget,
    DayImpact,
    PortMonth,
    closure_json,
    closure_json_many,
    closure_target,
    erlang_c_wait_min,
    logit_shares,
    simulate_closure,
)
from borderflow.plan._network import (
    NetworkParams,
    Parameter,
    PortNode,
    build_node,
    great_circle_km,
    open_hours,
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
from borderflow.plan._trade import (
    TRADE_RULE,
    PortTradeValue,
    port_truck_trade,
)

__all__ = [
    "ASSUMED_SERVICE",
    "BASELINE_METHOD",
    "CAPACITY_BASES",
    "CLOSURE_MODEL",
    "INTERVAL",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "TRADE_RULE",
    "VALIDATED_CROSSINGS",
    "Alternative",
    "Baseline",
    "ClosureResult",
    "ClosureTarget",
    "DayImpact",
    "GeneratedScenario",
    "LaneCapacity",
    "NetworkParams",
    "Parameter",
    "PortMonth",
    "PortNode",
    "PortTradeValue",
    "ServiceTime",
    "SizedValue",
    "WaitPrediction",
    "WaitRow",
    "baseline_month",
    "booths_from_peak_hour",
    "build_node",
    "build_scenario",
    "closure_json",
    "closure_json_many",
    "closure_target",
    "erlang_c_wait_min",
    "great_circle_km",
    "logit_shares",
    "open_hours",
    "port_truck_trade",
    "predict_waits",
    "simulate_closure",
    "size_crossing_booths",
    "sized_booths",
]
