"""Run a port: draws -> engine -> records -> results (the public entry points)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal

from borderflow.sim.draws import VehicleDraws, draw_vehicles, replication_seed, replication_seeds
from borderflow.sim.records import VehicleRecords
from borderflow.sim.spec import PortSpec

if TYPE_CHECKING:
    from borderflow.sim.results import SimulationResult

Engine = Literal["fast", "reference"]
ENGINES: tuple[str, ...] = ("fast", "reference")


def _check_draws(spec: PortSpec, draws: VehicleDraws) -> None:
    """Refuse draws made for another port (different classes or lane types)."""
    if draws.service_lane_types != spec.service_lane_types:
        raise ValueError(
            f"draws have service columns for lane types {draws.service_lane_types}, the spec "
            f"needs {spec.service_lane_types}: draw them with draw_vehicles(spec, ...)"
        )
    if draws.n and int(draws.class_index.max()) >= spec.n_classes:
        raise ValueError(
            f"draws have class index {int(draws.class_index.max())}, the spec has "
            f"{spec.n_classes} classes: draw them with draw_vehicles(spec, ...)"
        )
    if draws.n_initial and int(draws.initial_group.max()) >= spec.n_groups:
        raise ValueError("draws put initial-queue vehicles in a lane group the spec lacks")


def run_draws(spec: PortSpec, draws: VehicleDraws, engine: Engine = "fast") -> VehicleRecords:
    """Simulate one replication from its pre-drawn random numbers.

    Parameters
    ----------
    spec : PortSpec
        The port.
    draws : VehicleDraws
        The replication's vehicles (from :func:`draw_vehicles` with the same classes).
    engine : {"fast", "reference"}
        ``"fast"`` (compiled, ``borderflow.sim.fast.run_fast``) or ``"reference"``
        (pure Python, event-driven). Both give identical records.

    Returns
    -------
    VehicleRecords
        Per-vehicle times [minutes].
    """
    _check_draws(spec, draws)
    if engine == "reference":
        from borderflow.sim.reference import run_reference

        ref: VehicleRecords = run_reference(spec, draws)
        return ref
    if engine == "fast":
        try:
            fast = importlib.import_module("borderflow.sim.fast")
        except ModuleNotFoundError as exc:
            if exc.name != "borderflow.sim.fast":
                raise
            raise NotImplementedError(
                "the fast engine (borderflow.sim.fast) is not available yet; use engine='reference'"
            ) from None
        records: VehicleRecords = fast.run_fast(spec, draws)
        return records
    raise ValueError(f"engine = {engine!r}: must be one of {list(ENGINES)}")


def run_replication(
    spec: PortSpec,
    seed: int = 0,
    *,
    replication: int = 0,
    replications: int = 1,
    engine: Engine = "fast",
) -> VehicleRecords:
    """Draw and simulate replication ``replication`` of ``replications`` with ``seed``.

    The replication's seed sequence is ``SeedSequence(seed).spawn(replications)[replication]``.

    Parameters
    ----------
    spec : PortSpec
        The port.
    seed : int
        Root seed of the run.
    replication : int
        Which replication, in ``[0, replications)``.
    replications : int
        Number of replications the root seed is spawned into.
    engine : {"fast", "reference"}
        Engine to use.

    Returns
    -------
    VehicleRecords
        Per-vehicle times [minutes].
    """
    if not 0 <= replication < replications:
        raise ValueError(
            f"replication = {replication}: must be in [0, replications = {replications})"
        )
    seq = replication_seed(seed, replication)  # == SeedSequence(seed).spawn(R)[replication]
    return run_draws(spec, draw_vehicles(spec, seq), engine)


def simulate(
    spec: PortSpec,
    *,
    replications: int = 1,
    seed: int = 0,
    engine: Engine = "fast",
    keep_vehicles: bool = False,
) -> SimulationResult:
    """Simulate ``replications`` independent replications and summarise them.

    Parameters
    ----------
    spec : PortSpec
        The port.
    replications : int
        Number of replications (>= 1); confidence intervals need at least 2.
    seed : int
        Root seed; replication ``r`` uses ``SeedSequence(seed).spawn(replications)[r]``.
    engine : {"fast", "reference"}
        Engine to use.
    keep_vehicles : bool
        Keep every replication's :class:`VehicleRecords` in the result (memory!).

    Returns
    -------
    SimulationResult
        Hourly tables per lane type, daily figures, 95% confidence intervals.
    """
    from borderflow.sim.results import replication_metrics, summarise

    seqs = replication_seeds(seed, replications)
    per_rep = []
    kept: list[VehicleRecords] = []
    for seq in seqs:
        rec = run_draws(spec, draw_vehicles(spec, seq), engine)
        per_rep.append(replication_metrics(spec, rec))
        if keep_vehicles:
            kept.append(rec)
    return summarise(
        spec,
        per_rep,
        seed=seed,
        engine=engine,
        vehicles=tuple(kept) if keep_vehicles else None,
    )


__all__ = ["ENGINES", "Engine", "run_draws", "run_replication", "simulate"]
