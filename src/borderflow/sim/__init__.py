"""The simulation kernel: ports of entry as lanes and booths. No I/O, no global state.

Semantics: ``docs/kernel-semantics.md``. Typical use::

    from borderflow.sim import parse_scenario, simulate
    result = simulate(parse_scenario(text), replications=10, seed=1)
"""

from borderflow.sim.api import ENGINES, Engine, run_draws, run_replication, simulate
from borderflow.sim.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
)
from borderflow.sim.draws import VehicleDraws, draw_vehicles, replication_seed, replication_seeds
from borderflow.sim.errors import ScenarioTooLargeError, SpecError
from borderflow.sim.records import StaffingChanges, VehicleRecords
from borderflow.sim.results import SimulationResult, replication_metrics
from borderflow.sim.scenario import FORMAT_VERSION, parse_scenario, scenario_to_toml
from borderflow.sim.spec import (
    CHOICE_RULES,
    DIRECTIONS,
    LANE_TYPES,
    BoothSchedule,
    InitialQueue,
    LaneGroup,
    PortSpec,
    QueueStorage,
    QueueTrigger,
    Secondary,
    Staffing,
    TrafficClass,
)

__all__ = [
    "CHOICE_RULES",
    "DIRECTIONS",
    "ENGINES",
    "FORMAT_VERSION",
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
    "parse_scenario",
    "replication_metrics",
    "replication_seed",
    "replication_seeds",
    "run_draws",
    "run_replication",
    "scenario_to_toml",
    "simulate",
]
