"""Planning: sizing, what-if scenarios, closures and diversion, staffing, sweeps.

Public API: the booth sizing rule ``booths-from-peak-hour v1``
(:func:`booths_from_peak_hour`, :func:`size_crossing_booths`, :func:`sized_booths`);
every value it produces carries :data:`SIZING_LABEL`. What-ifs against a baseline with
paired replications (:func:`whatif`, the change language of :func:`apply_changes`), the
staffing optimiser (:func:`optimise_schedule`) and resumable sweeps on local processes
or Dask (:func:`run_sweep`); see ``docs/planning.md``.
"""

from borderflow.plan._backends import Backend, DaskBackend, LocalBackend
from borderflow.plan._changes import (
    Change,
    ChangeError,
    apply_changes,
    combine_directions,
    nexus_share,
    parse_change,
    read_overlay,
)
from borderflow.plan._months import month_changes
from borderflow.plan._optimise import (
    Comparison,
    OptimiseError,
    OptimiseResult,
    evaluate_schedule,
    optimise_schedule,
    with_schedule,
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
from borderflow.plan._whatif import WhatIfResult, paired_ci, whatif

__all__ = [
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "ServiceTime",
    "SizedValue",
    "booths_from_peak_hour",
    "size_crossing_booths",
    "sized_booths",
]
# What-ifs, the staffing optimiser and sweeps (docs/planning.md).
__all__ += [
    "Backend",
    "Change",
    "ChangeError",
    "Comparison",
    "DaskBackend",
    "LocalBackend",
    "OptimiseError",
    "OptimiseResult",
    "Sweep",
    "SweepError",
    "SweepParameter",
    "SweepRun",
    "WhatIfResult",
    "apply_changes",
    "combine_directions",
    "evaluate_schedule",
    "load_sweep",
    "month_changes",
    "nexus_share",
    "optimise_schedule",
    "paired_ci",
    "parse_change",
    "read_overlay",
    "read_sweep",
    "run_sweep",
    "whatif",
    "with_schedule",
]
