"""The compiled engine: compiled (numba) simulation of one replication from its draws.

Gives the same per-vehicle records as the reference engine
(:mod:`borderflow.sim._reference`), to floating-point equality, for the same
:class:`~borderflow.sim._draws.VehicleDraws`; it uses no random numbers of its own. The
specification is compiled into plain arrays (:func:`compile_port`) and one of three
compiled paths runs (see ``docs/kernel-semantics.md``, "Compiled engine"):

- ``"single"``: one lane group, constant booths (e.g. M/M/c): Kiefer–Wolfowitz recursion;
- ``"schedule"``: booth schedules only, any number of groups and the choice rule:
  vehicle-driven recursion (FIFO start times are non-decreasing within a group);
- ``"events"``: anything, including queue-triggered staffing: event-driven loop.

Secondary inspection is a second pass over referred vehicles in (primary end, index) order.
Compiled code is cached on disk (``NUMBA_CACHE_DIR``) so a new process does not recompile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim import _kernels, _numba_env
from borderflow.sim._draws import VehicleDraws
from borderflow.sim._memo import LastSpecMemo
from borderflow.sim._parts import BoothSchedule, QueueTrigger
from borderflow.sim._records import StaffingChanges, VehicleRecords
from borderflow.sim._spec import LANE_TYPES, PortSpec

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: The compiled paths, in increasing generality.
CompiledPath = Literal["single", "schedule", "events"]
PATHS: tuple[str, ...] = ("single", "schedule", "events")


@dataclass(frozen=True, eq=False)
class CompiledPort:
    """A :class:`PortSpec` as the plain arrays the compiled paths read.

    Attributes
    ----------
    schedule : ndarray of int64, shape (G, H + 1)
        Booths open per group and hour; column ``H`` is the drain count (0 for triggers).
    n_booths : ndarray of int64, shape (G,)
        Booth slots per group: the most booths it can ever have open.
    is_trigger : ndarray of bool, shape (G,)
        Queue-triggered groups.
    min_booths, max_booths : ndarray of int64, shape (G,)
        Trigger limits (0 for scheduled groups).
    open_above, close_below : ndarray of float64, shape (G,)
        Trigger thresholds [vehicles waiting per open booth].
    eligible : ndarray of int64, shape (C, G)
        Per class, its eligible groups in tie-break order (fewest eligible classes first,
        then lower index); padded with -1.
    n_eligible : ndarray of int64, shape (C,)
        Number of eligible groups per class.
    mean : ndarray of float64, shape (C, G)
        Weight of the choice rule: mean service [minutes], or 1 (``shortest_queue``).
    rule : int
        Choice-rule code: 0 expected wait (``least_expected_wait``), 1 work per booth
        (``least_work_per_booth``, ``shortest_queue``).
    lane_type : ndarray of int64, shape (G,)
        Lane-type index of each group.
    horizon_hours : int
        Arrival horizon [hours].
    drain : bool
        Serve until empty after the horizon.
    secondary_booths : int
        Secondary booths (0 without secondary inspection).
    path : {"single", "schedule", "events"}
        The fastest path that handles this port.
    service_lane_types : tuple of int
        The spec's lane types with service times (the columns of its draws).
    columns : ndarray of int64, shape (G,)
        Column of those draws' ``service_min`` used by each group (-1: none).
    """

    schedule: IntArray
    n_booths: IntArray
    is_trigger: BoolArray
    min_booths: IntArray
    max_booths: IntArray
    open_above: FloatArray
    close_below: FloatArray
    eligible: IntArray
    n_eligible: IntArray
    mean: FloatArray
    rule: int
    lane_type: IntArray
    horizon_hours: int
    drain: bool
    secondary_booths: int
    path: CompiledPath
    service_lane_types: tuple[int, ...]
    columns: IntArray


def compile_port(spec: PortSpec) -> CompiledPort:
    """Compile a port specification into the arrays of the compiled engine.

    Parameters
    ----------
    spec : PortSpec
        A validated port.

    Returns
    -------
    CompiledPort
        Arrays and the chosen path.
    """
    H = spec.horizon_hours
    G = spec.n_groups
    C = spec.n_classes
    schedule = np.zeros((G, H + 1), dtype=np.int64)
    is_trigger = np.zeros(G, dtype=np.bool_)
    min_b = np.zeros(G, dtype=np.int64)
    max_b = np.zeros(G, dtype=np.int64)
    open_above = np.zeros(G)
    close_below = np.zeros(G)
    for g, grp in enumerate(spec.lane_groups):
        st = grp.staffing
        if isinstance(st, BoothSchedule):
            schedule[g, :H] = st.per_hour(H)
            schedule[g, H] = st.drain_booths(H)
        elif isinstance(st, QueueTrigger):
            is_trigger[g] = True
            min_b[g] = st.min_booths
            max_b[g] = st.max_booths
            open_above[g] = st.open_above
            close_below[g] = st.close_below
    n_booths = np.where(is_trigger, max_b, schedule.max(axis=1)).astype(np.int64)
    spec_rank = spec.specialisation
    eligible = np.full((C, G), -1, dtype=np.int64)
    n_eligible = np.zeros(C, dtype=np.int64)
    for k in range(C):
        groups = [g for g in range(G) if spec.eligible[k, g]]
        groups.sort(key=lambda g: (int(spec_rank[g]), g))
        eligible[k, : len(groups)] = groups
        n_eligible[k] = len(groups)
    if spec.choice_rule == "shortest_queue":  # vehicles per open booth
        mean = np.ones((C, G))
    else:
        mean = np.nan_to_num(np.array(spec.mean_service_matrix, dtype=np.float64), nan=0.0)
    rule = (
        _kernels.RULE_EXPECTED_WAIT
        if spec.choice_rule == "least_expected_wait"
        else _kernels.RULE_WORK_PER_BOOTH
    )
    if is_trigger.any():
        path: CompiledPath = "events"
    elif G == 1 and bool(np.all(schedule[0, :H] == schedule[0, 0])):
        # A constant schedule drains with the same count (or 0 = its maximum).
        path = "single"
    else:
        path = "schedule"
    return CompiledPort(
        schedule=schedule,
        n_booths=n_booths,
        is_trigger=is_trigger,
        min_booths=min_b,
        max_booths=max_b,
        open_above=open_above,
        close_below=close_below,
        eligible=eligible,
        n_eligible=n_eligible,
        mean=mean,
        rule=rule,
        lane_type=spec.group_lane_type.copy(),
        horizon_hours=H,
        drain=spec.drain,
        secondary_booths=spec.secondary.booths if spec.secondary is not None else 0,
        path=path,
        service_lane_types=spec.service_lane_types,
        columns=_columns(spec.service_lane_types, spec.group_lane_type),
    )


# Callers that run many replications of one spec through :func:`run_compiled` (planning
# sweeps, one day at a time) compile it once.
_compiled_memo = LastSpecMemo(compile_port)


def compiled_for(spec: PortSpec) -> CompiledPort:
    """Return :func:`compile_port` ``(spec)``, reusing the result for the same spec object."""
    return _compiled_memo(spec)


def _columns(service_lane_types: tuple[int, ...], lane_type: IntArray) -> IntArray:
    """Column of ``service_min`` of draws with these lane types used by each lane group."""
    of_type = np.full(len(LANE_TYPES), -1, dtype=np.int64)
    for j, lt in enumerate(service_lane_types):
        of_type[lt] = j
    return np.ascontiguousarray(of_type[lane_type], dtype=np.int64)


def _group_columns(port: CompiledPort, draws: VehicleDraws) -> IntArray:
    """Column of ``draws.service_min`` used by each lane group (-1: no class uses it)."""
    if draws.service_lane_types == port.service_lane_types:  # draws of this spec
        return port.columns
    return _columns(draws.service_lane_types, port.lane_type)


@_numba_env.jit
def _non_decreasing(x: FloatArray) -> bool:
    """Whether no ``x[i + 1] < x[i]`` (as ``not np.any(x[1:] < x[:-1])``: NaN passes)."""
    for i in range(x.shape[0] - 1):  # noqa: SIM110 (a compiled loop; all() would differ at NaN)
        if x[i + 1] < x[i]:
            return False
    return True


def run_compiled(
    spec: PortSpec, draws: VehicleDraws, *, path: CompiledPath | None = None
) -> VehicleRecords:
    """Simulate one replication with the compiled engine.

    Parameters
    ----------
    spec : PortSpec
        The port.
    draws : VehicleDraws
        The replication's vehicles (arrival times [minutes] non-decreasing, service times
        [minutes] per lane type), e.g. from :func:`~borderflow.sim.draw_vehicles`.
    path : {"single", "schedule", "events"}, optional
        Force a compiled path (for tests); by default the fastest that handles ``spec``.
        A more general path always gives the same records.

    Returns
    -------
    VehicleRecords
        Per-vehicle group, booth, primary and secondary times [minutes].
    """
    return run_port(compiled_for(spec), draws, path=path)


def run_port(
    port: CompiledPort, draws: VehicleDraws, *, path: CompiledPath | None = None
) -> VehicleRecords:
    """Simulate one replication of an already compiled port (see :func:`run_compiled`).

    Compiling once and calling this for many replications avoids re-deriving the arrays.
    """
    chosen = port.path if path is None else path
    if chosen not in PATHS:
        raise ValueError(f"path = {chosen!r}: must be one of {list(PATHS)}")
    if PATHS.index(chosen) < PATHS.index(port.path):
        raise ValueError(f"path = {chosen!r} cannot run this port; it needs {port.path!r}")
    n = draws.n
    arrival = np.ascontiguousarray(draws.arrival_min, dtype=np.float64)
    if n > 1 and not _non_decreasing(arrival):
        raise ValueError("draws.arrival_min must be non-decreasing (vehicles in arrival order)")
    service = np.ascontiguousarray(draws.service_min, dtype=np.float64)
    cls = np.ascontiguousarray(draws.class_index, dtype=np.int32)
    initial = np.ascontiguousarray(draws.initial_group, dtype=np.int64)
    columns = _group_columns(port, draws)
    group = np.empty(n, dtype=np.int64)
    booth = np.empty(n, dtype=np.int64)
    start = np.empty(n)
    end = np.empty(n)
    changes = StaffingChanges.empty()
    if chosen == "single":
        group.fill(0)
        _kernels.run_single_constant(
            arrival, service, int(columns[0]), int(port.schedule[0, 0]), port.drain,
            port.horizon_hours, booth, start, end,
        )  # fmt: skip
    elif chosen == "schedule":
        _kernels.run_schedule(
            arrival, cls, service, initial, columns, port.schedule, port.n_booths,
            port.eligible, port.n_eligible, port.mean, port.rule, port.drain, port.horizon_hours,
            group, booth, start, end,
        )  # fmt: skip
    else:
        ch_t, ch_g, ch_o = _kernels.run_events(
            arrival, cls, service, initial, columns, port.schedule, port.n_booths,
            port.is_trigger, port.min_booths, port.max_booths, port.open_above,
            port.close_below, port.eligible, port.n_eligible, port.mean, port.rule, port.drain,
            port.horizon_hours, group, booth, start, end,
        )  # fmt: skip
        changes = StaffingChanges(ch_t, ch_g, ch_o)
    referred = np.ascontiguousarray(draws.referred, dtype=np.bool_)
    sec_start = np.empty(n)
    sec_end = np.empty(n)
    if port.secondary_booths > 0 and bool(referred.any()):
        _kernels.run_secondary(
            end, referred, np.ascontiguousarray(draws.secondary_min, dtype=np.float64),
            port.secondary_booths, port.drain, port.horizon_hours, sec_start, sec_end,
        )  # fmt: skip
    else:
        sec_start.fill(np.nan)
        sec_end.fill(np.nan)
    return VehicleRecords(
        arrival_min=draws.arrival_min,
        class_index=draws.class_index,
        group_index=group,
        booth_index=booth,
        start_min=start,
        end_min=end,
        referred=draws.referred,
        secondary_start_min=sec_start,
        secondary_end_min=sec_end,
        staffing_changes=changes,
    )


def run_mgc_arrays(
    arrival_min: FloatArray, service_min: FloatArray, booths: int
) -> tuple[FloatArray, FloatArray, IntArray]:
    """M/G/c core for benchmarks: one FIFO group, ``booths`` constant, drain to empty.

    Parameters
    ----------
    arrival_min : ndarray of float64, shape (N,)
        Arrival times [minutes], non-decreasing.
    service_min : ndarray of float64, shape (N,)
        Service times [minutes].
    booths : int
        Booths open [booths].

    Returns
    -------
    start_min, end_min : ndarray of float64
        Service start and end [minutes].
    booth_index : ndarray of int64
        Booth used (lowest free index).
    """
    arrival = np.ascontiguousarray(arrival_min, dtype=np.float64)
    service = np.ascontiguousarray(service_min, dtype=np.float64).reshape(-1, 1)
    if service.shape[0] != arrival.shape[0]:
        raise ValueError(
            f"service_min has {service.shape[0]} values, arrival_min {arrival.shape[0]}"
        )
    n = arrival.shape[0]
    start = np.empty(n)
    end = np.empty(n)
    booth = np.empty(n, dtype=np.int64)
    _kernels.run_single_constant(arrival, service, 0, int(booths), True, 1, booth, start, end)
    return start, end, booth


def compile_kernels() -> float:
    """Compile (or load from the on-disk cache) every path; return the seconds it took."""
    t0 = time.perf_counter()
    a = np.array([0.0, 1.0])
    svc = np.ones((2, 1))
    cls = np.zeros(2, dtype=np.int32)
    i1 = np.zeros(1, dtype=np.int64)
    i0 = np.zeros(0, dtype=np.int64)
    sched = np.ones((1, 2), dtype=np.int64)
    e = np.zeros((1, 1), dtype=np.int64)
    m = np.ones((1, 1))
    g = np.empty(2, dtype=np.int64)
    b = np.empty(2, dtype=np.int64)
    s = np.empty(2)
    f = np.empty(2)
    _kernels.run_single_constant(a, svc, 0, 1, True, 1, b, s, f)
    _kernels.run_schedule(a, cls, svc, i0, i1, sched, i1 + 1, e, i1 + 1, m, 0, True, 1, g, b, s, f)
    _kernels.run_events(
        a, cls, svc, i0, i1, sched, i1 + 1, np.zeros(1, dtype=np.bool_), i1, i1,
        np.zeros(1), np.zeros(1), e, i1 + 1, m, 0, True, 1, g, b, s, f,
    )  # fmt: skip
    _kernels.run_secondary(f, np.ones(2, dtype=np.bool_), a, 1, True, 1, s, f.copy())
    return time.perf_counter() - t0


__all__ = [
    "PATHS",
    "CompiledPath",
    "CompiledPort",
    "compile_kernels",
    "compile_port",
    "compiled_for",
    "run_compiled",
    "run_mgc_arrays",
    "run_port",
]
