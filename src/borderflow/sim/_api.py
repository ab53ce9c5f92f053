"""Run a port: draws -> engine -> records -> results (the public entry points)."""

from __future__ import annotations

from typing import Literal

from borderflow.sim._bounds import BYTES_PER_KEPT_VEHICLE, gigabytes, memory_budget_bytes
from borderflow.sim._draws import (
    VehicleDraws,
    check_size,
    draw_checked,
    draw_vehicles,
    estimated_bytes,
    expected_vehicles,
    replication_seed,
    replication_seeds,
)
from borderflow.sim._errors import ScenarioTooLargeError
from borderflow.sim._metrics import replication_metrics
from borderflow.sim._records import VehicleRecords
from borderflow.sim._spec import PortSpec
from borderflow.sim._summary import SimulationResult, summarise

#: Engine names. ``"fast"`` is also accepted, as a deprecated alias of ``"compiled"``.
Engine = Literal["compiled", "reference", "fast"]
ENGINES: tuple[str, ...] = ("compiled", "reference")
#: Deprecated engine names and the engine they mean.
ENGINE_ALIASES: dict[str, str] = {"fast": "compiled"}


def resolve_engine(engine: str) -> str:
    """Return the engine ``engine`` names (``"fast"`` -> ``"compiled"``).

    Raises
    ------
    ValueError
        If ``engine`` is neither an engine of :data:`ENGINES` nor a deprecated alias.
    """
    name = ENGINE_ALIASES.get(engine, engine)
    if name not in ENGINES:
        raise ValueError(
            f"engine = {engine!r}: must be one of {list(ENGINES)} ('fast' is a deprecated "
            "alias of 'compiled')"
        )
    return name


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


def run_draws(spec: PortSpec, draws: VehicleDraws, engine: Engine = "compiled") -> VehicleRecords:
    """Simulate one replication from its pre-drawn random numbers.

    Parameters
    ----------
    spec : PortSpec
        The port.
    draws : VehicleDraws
        The replication's vehicles (from :func:`draw_vehicles` with the same classes).
    engine : {"compiled", "reference"}
        ``"compiled"`` (numba) or ``"reference"`` (pure Python, event-driven). Both give
        identical records. ``"fast"`` is a deprecated alias of ``"compiled"``.

    Returns
    -------
    VehicleRecords
        Per-vehicle times [minutes].
    """
    name = resolve_engine(engine)
    _check_draws(spec, draws)
    if name == "reference":
        from borderflow.sim._reference import run_reference

        return run_reference(spec, draws)
    from borderflow.sim._compiled import run_compiled

    return run_compiled(spec, draws)


def run_replication(
    spec: PortSpec,
    seed: int = 0,
    *,
    replication: int = 0,
    engine: Engine = "compiled",
) -> VehicleRecords:
    """Draw and simulate replication ``replication`` of a run with root seed ``seed``.

    The replication's seed sequence is :func:`replication_seed` ``(seed, replication)``,
    equal to ``SeedSequence(seed).spawn(R)[replication]`` for every ``R > replication``.

    Parameters
    ----------
    spec : PortSpec
        The port.
    seed : int
        Root seed of the run.
    replication : int
        Which replication (>= 0).
    engine : {"compiled", "reference"}
        Engine to use (``"fast"``: deprecated alias of ``"compiled"``).

    Returns
    -------
    VehicleRecords
        Per-vehicle times [minutes].
    """
    seq = replication_seed(seed, replication)
    return run_draws(spec, draw_vehicles(spec, seq), engine)


def simulate(
    spec: PortSpec,
    *,
    replications: int = 1,
    seed: int = 0,
    engine: Engine = "compiled",
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
    engine : {"compiled", "reference"}
        Engine to use (``"fast"``: deprecated alias of ``"compiled"``).
    keep_vehicles : bool
        Keep every replication's :class:`VehicleRecords` in the result (memory!).

    Returns
    -------
    SimulationResult
        Hourly tables per lane type, daily figures, 95% confidence intervals.
    """
    name = resolve_engine(engine)
    if replications < 1:
        raise ValueError(f"replications = {replications}: must be >= 1")
    check_size(spec, engine=name)
    if keep_vehicles:
        kept_bytes = replications * expected_vehicles(spec) * BYTES_PER_KEPT_VEHICLE
        if kept_bytes + estimated_bytes(spec, name) > memory_budget_bytes():
            raise ScenarioTooLargeError(
                f"keep_vehicles: {replications} replications of about "
                f"{expected_vehicles(spec):,.0f} vehicles need about {gigabytes(kept_bytes)} "
                "of memory, more than this machine can spare: keep fewer replications"
            )
    seqs = replication_seeds(seed, replications)
    per_rep = []
    kept: list[VehicleRecords] = []
    if name == "compiled":
        from borderflow.sim._compiled import compile_port, run_port

        port = compile_port(spec)  # once for all replications

        def run(draws: VehicleDraws) -> VehicleRecords:
            return run_port(port, draws)
    else:

        def run(draws: VehicleDraws) -> VehicleRecords:
            return run_draws(spec, draws, "reference")

    for seq in seqs:
        rec = run(draw_checked(spec, seq))  # the size was checked above, once
        per_rep.append(replication_metrics(spec, rec))
        if keep_vehicles:
            kept.append(rec)
    return summarise(
        spec,
        per_rep,
        seed=seed,
        engine=name,
        vehicles=tuple(kept) if keep_vehicles else None,
    )


__all__ = [
    "ENGINES",
    "ENGINE_ALIASES",
    "Engine",
    "resolve_engine",
    "run_draws",
    "run_replication",
    "simulate",
]
