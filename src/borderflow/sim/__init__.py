"""The simulation kernel: ports of entry as lanes and booths.

No I/O; no result depends on global state (the only module-level values are memos of
what the last specification fixes, keyed on that frozen object).

Semantics: ``docs/kernel-semantics.md``. Scenario files are read by the data layer
(:func:`borderflow.data.read_scenario`). Typical use::

    from borderflow.data import read_scenario
    from borderflow.sim import simulate
    result = simulate(read_scenario("examples/mmc-one-lane.toml"), replications=10, seed=1)

The modules of this package are private; this module lists the public names.
"""

from borderflow.sim._api import (
    ENGINE_ALIASES,
    ENGINES,
    Engine,
    run_draws,
    run_replication,
    simulate,
)
from borderflow.sim._distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
)
from borderflow.sim._draws import (
    VehicleDraws,
    draw_vehicles,
    replication_seed,
    replication_seeds,
)
from borderflow.sim._errors import ScenarioTooLargeError, SpecError
from borderflow.sim._metrics import ReplicationMetrics, replication_metrics
from borderflow.sim._parts import (
    BoothSchedule,
    InitialQueue,
    LaneGroup,
    QueueStorage,
    QueueTrigger,
    Secondary,
    Staffing,
    TrafficClass,
)
from borderflow.sim._records import StaffingChanges, VehicleRecords
from borderflow.sim._spec import CHOICE_RULES, DIRECTIONS, LANE_TYPES, PortSpec
from borderflow.sim._summary import SimulationResult, summarise

__all__ = [
    "CHOICE_RULES",
    "DIRECTIONS",
    "ENGINES",
    "ENGINE_ALIASES",
    "LANE_TYPES",
    "BoothSchedule",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Engine",
    "Erlang",
    "Exponential",
    "InitialQueue",
    "LaneGroup",
    "Lognormal",
    "PortSpec",
    "QueueStorage",
    "QueueTrigger",
    "ReplicationMetrics",
    "ScenarioTooLargeError",
    "Secondary",
    "SimulationResult",
    "SpecError",
    "Staffing",
    "StaffingChanges",
    "TrafficClass",
    "VehicleDraws",
    "VehicleRecords",
    "draw_vehicles",
    "replication_metrics",
    "replication_seed",
    "replication_seeds",
    "run_draws",
    "run_replication",
    "simulate",
    "summarise",
]
