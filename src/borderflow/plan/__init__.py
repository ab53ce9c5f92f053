"""Planning: sizing, what-if scenarios, closures and diversion, staffing, sweeps.

Public API: the booth sizing rule ``booths-from-peak-hour v1``
(:func:`booths_from_peak_hour`, :func:`size_crossing_booths`, :func:`sized_booths`);
every value it produces carries :data:`SIZING_LABEL`. Closures and diversion over the
border network (model ``closure-logit v1``: :func:`closure_target`,
:func:`simulate_closure`, :func:`closure_json`), the baseline month known at a date
(:func:`baseline_month`) and truck trade value per port (:func:`port_truck_trade`).
"""

# --- closures, network, baseline, trade (docs/closures.md) ---
from borderflow.plan._baseline import BASELINE_METHOD, Baseline, baseline_month
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

# --- sizing ---
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
from borderflow.plan._trade import TRADE_RULE, PortTradeValue, port_truck_trade

__all__ = [
    "BASELINE_METHOD",
    "CLOSURE_MODEL",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "TRADE_RULE",
    "Alternative",
    "Baseline",
    "ClosureResult",
    "ClosureTarget",
    "DayImpact",
    "NetworkParams",
    "Parameter",
    "PortMonth",
    "PortNode",
    "PortTradeValue",
    "ServiceTime",
    "SizedValue",
    "baseline_month",
    "booths_from_peak_hour",
    "build_node",
    "closure_json",
    "closure_json_many",
    "closure_target",
    "erlang_c_wait_min",
    "great_circle_km",
    "logit_shares",
    "open_hours",
    "port_truck_trade",
    "simulate_closure",
    "size_crossing_booths",
    "sized_booths",
]
