"""Every random number of a replication, drawn up front (common random numbers).

Both engines consume the same :class:`VehicleDraws`, so two engines, or two scenarios that
differ only in booths, staffing or the choice rule, see exactly the same vehicles.

Draw order for one replication (fixed; see ``docs/kernel-semantics.md``), all from one
``Generator(PCG64(seed_sequence))``:

1. ``poisson(Λ)`` for all hours at once, ``Λ[h]`` = the sum of the Poisson classes'
   rates in hour ``h`` [vehicles/hour], i.e. the expected arrivals in that hour.
2. ``standard_exponential(N_p + H)``: sorted uniform times within each hour by
   exponential spacings (hour ``h`` uses ``n_h + 1`` consecutive values), ``60 h + 60 u``.
3. ``random(N_p)``: class of each (sorted) Poisson arrival, categorical with the hour's
   class proportions (inverse CDF by ``searchsorted``, side ``right``); skipped when
   there is at most one Poisson class.
4. Trace-driven classes add their recorded times (no draws). Initial-queue vehicles come
   first (time 0, in listed order); the rest are merged by a stable sort on time (Poisson
   before trace at equal times, trace classes in class order).
5. Primary service: for each class ``k`` in class order, for each lane type of its
   ``service`` in lane-type order: ``sample(rng, n_k)`` for the class's vehicles in
   vehicle order.
6. ``random(N)``: referral flag ``u < referral_probability[class]``; skipped when every
   class has referral probability 0.
7. Secondary service: for each class with a ``secondary_service``, in class order,
   ``sample(rng, n_k)`` for all of the class's vehicles (NaN for other classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim._bounds import (
    BYTES_PER_SERVICE_COLUMN,
    BYTES_PER_VEHICLE,
    MEMORY_SHARE,
    gigabytes,
    machine_memory_bytes,
    memory_budget_bytes,
)
from borderflow.sim._distributions import Distribution
from borderflow.sim._errors import ScenarioTooLargeError
from borderflow.sim._memo import LastSpecMemo
from borderflow.sim._numba_env import jit
from borderflow.sim._spec import LANE_TYPES, PortSpec

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Int32Array: TypeAlias = npt.NDArray[np.int32]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class VehicleDraws:
    """All random draws of one replication, one row per vehicle in processing order.

    Vehicles are sorted by arrival time (non-decreasing); the first ``n_initial`` are the
    initial queue (arrival 0, lane group ``initial_group``). Engines process vehicles in
    index order at equal times.

    Attributes
    ----------
    arrival_min : ndarray of float64, shape (N,)
        Arrival time [minutes from the start of the horizon].
    class_index : ndarray of int32, shape (N,)
        Traffic class (index into ``spec.classes``).
    service_min : ndarray of float64, shape (N, L)
        Primary service time [minutes] in each lane type of ``service_lane_types``
        (column ``j`` is lane type ``service_lane_types[j]``); NaN where the vehicle's
        class has no service time for that lane type.
    service_lane_types : tuple of int
        Lane-type index of each column of ``service_min``.
    referred : ndarray of bool, shape (N,)
        Whether the vehicle is referred to secondary inspection.
    secondary_min : ndarray of float64, shape (N,)
        Secondary service time [minutes] (NaN for classes without secondary service).
    initial_group : ndarray of int64, shape (n_initial,)
        Lane group of each initial-queue vehicle (they are vehicles ``0..n_initial-1``).
    """

    arrival_min: FloatArray
    class_index: Int32Array
    service_min: FloatArray
    service_lane_types: tuple[int, ...]
    referred: BoolArray
    secondary_min: FloatArray
    initial_group: IntArray

    @property
    def n(self) -> int:
        """Number of vehicles."""
        return int(self.arrival_min.shape[0])

    @property
    def n_initial(self) -> int:
        """Number of initial-queue vehicles (the first ones)."""
        return int(self.initial_group.shape[0])

    @property
    def service_column(self) -> IntArray:
        """Column of ``service_min`` for each lane type (length 6; -1 if absent)."""
        out = np.full(len(LANE_TYPES), -1, dtype=np.int64)
        for j, lt in enumerate(self.service_lane_types):
            out[lt] = j
        return out

    def group_service_min(self, spec: PortSpec) -> FloatArray:
        """Service time of each vehicle in each lane group, shape (N, n_groups) [minutes]."""
        cols = self.service_column[spec.group_lane_type]
        out = np.full((self.n, spec.n_groups), np.nan)
        for g, c in enumerate(cols):
            if c >= 0:
                out[:, g] = self.service_min[:, c]
        return out


def _sorted_times_in_hours(rng: np.random.Generator, counts: IntArray) -> FloatArray:
    """Sorted uniform arrival times within each hour [minutes], by exponential spacings.

    The order statistics of ``n`` uniforms on (0, 1) are ``S_i / S_{n+1}`` with ``S`` the
    partial sums of ``n + 1`` standard exponentials, so no sort is needed (a sort of 10^7
    values costs about twice as much). One extra exponential closes each hour.
    """
    H = counts.shape[0]
    n_p = int(counts.sum())
    spacings = rng.standard_exponential(n_p + H)
    return _times_from_spacings(spacings, np.ascontiguousarray(counts, dtype=np.int64))


@jit
def _times_from_spacings(spacings: FloatArray, counts: IntArray) -> FloatArray:
    """Hour h uses the partial sums ``csum[src_h : src_h + n_h + 1]`` of the spacings.

    ``csum`` is ``np.cumsum(spacings)`` (the same additions in the same order, done here
    in place), ``src_h = sum_{j<h} (n_j + 1)``. Arrival k of hour h is ``(csum[src_h + k]
    - base) * (60 / total) + 60 h`` with ``base = csum[src_h - 1]`` (0 for the first hour)
    and ``total = csum[src_h + n_h] - base``: monotone operations keep each hour sorted.
    """
    csum = spacings
    acc = 0.0
    for i in range(csum.shape[0]):
        acc += csum[i]
        csum[i] = acc
    out = np.empty(counts.sum())
    src = 0
    dst = 0
    for h in range(counts.shape[0]):
        n = counts[h]
        base = csum[src - 1] if src > 0 else 0.0
        scale = 60.0 / (csum[src + n] - base)
        offset = 60.0 * h
        for k in range(n):
            out[dst + k] = (csum[src + k] - base) * scale + offset
        src += n + 1
        dst += n
    return out


@jit
def _classes_by_hour(cum: FloatArray, counts: IntArray, u: FloatArray) -> Int32Array:
    """Class of each arrival: ``searchsorted(cum[h], u, side="right")`` in its hour h."""
    out = np.empty(u.shape[0], np.int32)
    K = cum.shape[1]
    i = 0
    for h in range(counts.shape[0]):
        for _ in range(counts[h]):
            x = u[i]
            # cum[h] is non-decreasing, so the first k with cum[h, k] > x is the number of
            # k < K - 1 with cum[h, k] <= x (cum[h, K - 1] = 1 > x always): counted without
            # branches, as a random class would mispredict them.
            k = 0
            for j in range(K - 1):
                k += cum[h, j] <= x
            out[i] = k
            i += 1
    return out


@jit
def _members_by_class(classes: Int32Array, n_classes: int) -> tuple[IntArray, IntArray]:
    """Vehicle indices grouped by class, ascending within a class, and the class offsets."""
    n = classes.shape[0]
    first = np.zeros(n_classes + 1, np.int64)
    if n_classes <= 8:
        # One branch-free pass per class (a random class would mispredict a branch): write
        # every index, advance past it only if it is of the class.
        out = np.empty(n + 1, np.int64)
        pos = 0
        for k in range(n_classes):
            for i in range(n):
                out[pos] = i
                pos += classes[i] == k
            first[k + 1] = pos
        return out[:n], first
    for i in range(n):
        first[classes[i] + 1] += 1
    for k in range(n_classes):
        first[k + 1] += first[k]
    fill = first[:-1].copy()
    out = np.empty(n, np.int64)
    for i in range(n):
        k = classes[i]
        out[fill[k]] = i
        fill[k] += 1
    return out, first


@jit
def _scatter_column(out: FloatArray, col: int, rows: IntArray, values: FloatArray) -> None:
    """``out[rows, col] = values`` (numpy's fancy assignment costs several times more)."""
    for i in range(rows.shape[0]):
        out[rows[i], col] = values[i]


@jit
def _below(u: FloatArray, p: FloatArray, classes: Int32Array) -> BoolArray:
    """``u < p[classes]`` (referral flags)."""
    out = np.empty(u.shape[0], np.bool_)
    for i in range(u.shape[0]):
        out[i] = u[i] < p[classes[i]]
    return out


@jit
def _scatter(out: FloatArray, rows: IntArray, values: FloatArray) -> None:
    """``out[rows] = values``."""
    for i in range(rows.shape[0]):
        out[rows[i]] = values[i]


def expected_vehicles(spec: PortSpec) -> float:
    """Return the expected number of vehicles of one replication.

    Poisson arrivals (sum of hourly rates [vehicles/hour] over the horizon), plus recorded
    (trace-driven) arrivals and the initial queue.
    """
    poisson = float(spec.rate_matrix.sum())
    trace = sum(len(c.arrival_times_min or ()) for c in spec.classes if c.trace_driven)
    return poisson + trace + sum(iq.count for iq in spec.initial_queue)


def estimated_bytes(spec: PortSpec, engine: str = "compiled") -> float:
    """Return the estimated peak memory of one replication of ``spec`` [bytes].

    Expected vehicles times the measured peak per vehicle of the engine
    (:data:`BYTES_PER_VEHICLE`) plus :data:`BYTES_PER_SERVICE_COLUMN` per lane type with
    service times: draws, engine state, records and metrics alive at once.
    """
    per_vehicle = BYTES_PER_VEHICLE.get(engine, max(BYTES_PER_VEHICLE.values()))
    per_vehicle += BYTES_PER_SERVICE_COLUMN * len(spec.service_lane_types)
    return expected_vehicles(spec) * per_vehicle


def check_size(spec: PortSpec, max_vehicles: int | None = None, engine: str = "compiled") -> None:
    """Refuse a replication that would not fit in memory (or exceeds ``max_vehicles``).

    Raises
    ------
    ScenarioTooLargeError
        Naming the expected vehicles, the estimated memory and the machine's memory.
    """
    n_expected = expected_vehicles(spec)
    need = estimated_bytes(spec, engine)
    budget = memory_budget_bytes()
    if max_vehicles is not None and n_expected > max_vehicles:
        raise ScenarioTooLargeError(
            f"scenario too big to run: one replication expects about {n_expected:,.0f} "
            f"vehicles (limit {max_vehicles:,}; about {gigabytes(need)} of memory): shorten "
            "horizon_hours, lower rate_per_hour, or split the run"
        )
    if need > budget:
        raise ScenarioTooLargeError(
            f"scenario too big to run: one replication expects about {n_expected:,.0f} "
            f"vehicles, about {gigabytes(need)} of memory, over {MEMORY_SHARE:.0%} of this "
            f"machine's {gigabytes(machine_memory_bytes())}: shorten horizon_hours, lower "
            "rate_per_hour, or split the run"
        )


def draw_vehicles(
    spec: PortSpec,
    seed_sequence: np.random.SeedSequence,
    *,
    max_vehicles: int | None = None,
) -> VehicleDraws:
    """Draw every vehicle of one replication, up front, in the documented order.

    Parameters
    ----------
    spec : PortSpec
        The port; only its classes, horizon and initial queue affect the draws.
    seed_sequence : numpy.random.SeedSequence
        The replication's seed sequence (``SeedSequence(seed).spawn(R)[r]``).
    max_vehicles : int, optional
        Refuse a replication expected to hold more vehicles than this. In any case a
        replication whose estimated memory (:func:`estimated_bytes`) exceeds 75% of the
        machine's physical memory is refused.

    Returns
    -------
    VehicleDraws
        Arrival times [minutes], classes, service times [minutes], referrals and
        secondary times, in processing order.

    Raises
    ------
    ScenarioTooLargeError
        If the replication would not fit in memory or exceeds ``max_vehicles``.
    """
    check_size(spec, max_vehicles)
    return draw_checked(spec, seed_sequence)


@dataclass(frozen=True, eq=False)
class _DrawPlan:
    """What the draws of every replication of one spec share, derived once."""

    hourly_total: FloatArray  # (H,) expected Poisson arrivals per hour
    cum: FloatArray | None  # (H, K) class CDF per hour; None with at most one Poisson class
    single_class: int  # the class of every Poisson arrival when cum is None
    trace_times: FloatArray | None  # recorded arrivals of the trace-driven classes, in order
    trace_classes: Int32Array
    init_classes: Int32Array  # the initial queue, in listed order
    init_groups: IntArray
    service: tuple[tuple[int, int, Distribution], ...]  # (class, column, distribution)
    p_ref: FloatArray | None  # referral probability per class; None if all are 0
    secondary: tuple[tuple[int, Distribution], ...]  # (class, distribution)


def _make_draw_plan(spec: PortSpec) -> _DrawPlan:
    rates = spec.rate_matrix  # (H, K) vehicles/hour
    hourly_total = rates.sum(axis=1)
    poisson_classes = [k for k, c in enumerate(spec.classes) if not c.trace_driven]
    cum: FloatArray | None = None
    if len(poisson_classes) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            cum = np.cumsum(rates, axis=1) / hourly_total[:, None]
        cum[:, -1] = 1.0  # exact upper end: u < 1 never falls past the last class
    trace_t = [np.asarray(c.arrival_times_min) for c in spec.classes if c.trace_driven]
    trace_k = [
        np.full(len(c.arrival_times_min or ()), k, dtype=np.int32)
        for k, c in enumerate(spec.classes)
        if c.trace_driven
    ]
    init_k = [
        spec.class_index(iq.traffic_class) for iq in spec.initial_queue for _ in range(iq.count)
    ]
    init_g = [spec.group_index(iq.group) for iq in spec.initial_queue for _ in range(iq.count)]
    col_of = {lt: j for j, lt in enumerate(spec.service_lane_types)}
    p_ref = np.array([c.referral_probability for c in spec.classes])
    return _DrawPlan(
        hourly_total=hourly_total,
        cum=cum,
        single_class=poisson_classes[0] if poisson_classes else 0,
        trace_times=np.concatenate(trace_t) if trace_t else None,
        trace_classes=np.concatenate(trace_k) if trace_k else np.zeros(0, dtype=np.int32),
        init_classes=np.asarray(init_k, dtype=np.int32),
        init_groups=np.asarray(init_g, dtype=np.int64),
        service=tuple(
            (k, col_of[LANE_TYPES.index(lt_name)], dist)
            for k, c in enumerate(spec.classes)
            for lt_name, dist in c.service.items()
        ),
        p_ref=p_ref if np.any(p_ref > 0) else None,
        secondary=tuple(
            (k, c.secondary_service)
            for k, c in enumerate(spec.classes)
            if c.secondary_service is not None
        ),
    )


# simulate() draws many replications of one spec: its draw plan is derived once.
_plan_for = LastSpecMemo(_make_draw_plan)


def draw_checked(spec: PortSpec, seed_sequence: np.random.SeedSequence) -> VehicleDraws:
    """:func:`draw_vehicles` without the size check (for callers that made it once)."""
    plan = _plan_for(spec)
    rng = np.random.Generator(np.random.PCG64(seed_sequence))
    K = spec.n_classes

    # 1-3: Poisson arrivals, piecewise constant per hour.
    counts = rng.poisson(plan.hourly_total)
    n_p = int(counts.sum())
    times_p = _sorted_times_in_hours(rng, counts)
    if plan.cum is None:
        # One Poisson class: nothing to draw (the rule depends on the classes only).
        class_p = np.full(n_p, plan.single_class, dtype=np.int32)
    else:
        u_class = rng.random(n_p)
        class_p = _classes_by_hour(plan.cum, np.ascontiguousarray(counts, dtype=np.int64), u_class)

    # 4: trace-driven classes and the initial queue.
    if plan.trace_times is not None:
        times = np.concatenate([times_p, plan.trace_times])
        classes = np.concatenate([class_p, plan.trace_classes])
        order = np.argsort(times, kind="stable")
        times = times[order]
        classes = classes[order]
    else:
        times, classes = times_p, class_p
    n_init = plan.init_classes.shape[0]
    if n_init:
        times = np.concatenate([np.zeros(n_init), times])
        classes = np.concatenate([plan.init_classes, classes])
    classes = np.ascontiguousarray(classes, dtype=np.int32)
    N = int(times.shape[0])

    # 5: primary service for every lane type the class may use.
    lane_types = spec.service_lane_types
    service = np.full((N, len(lane_types)), np.nan)
    if K == 1:
        sizes = [N]
    else:
        by_class, first = _members_by_class(classes, K)
        sizes = np.diff(first).tolist()
    for k, col, dist in plan.service:
        values = dist.sample(rng, sizes[k])
        if K == 1:
            service[:, col] = values
        else:
            _scatter_column(
                service, col, by_class[first[k] : first[k + 1]], np.asarray(values, np.float64)
            )

    # 6: referral flags (no draws when no class is ever referred).
    if plan.p_ref is not None:
        referred = _below(rng.random(N), plan.p_ref, classes)
    else:
        referred = np.zeros(N, dtype=np.bool_)

    # 7: secondary service times.
    secondary = np.full(N, np.nan)
    for k, dist in plan.secondary:
        values = dist.sample(rng, sizes[k])
        if K == 1:
            secondary[:] = values
        else:
            _scatter(secondary, by_class[first[k] : first[k + 1]], np.asarray(values, np.float64))

    return VehicleDraws(
        arrival_min=times,
        class_index=classes,
        service_min=service,
        service_lane_types=lane_types,
        referred=referred,
        secondary_min=secondary,
        initial_group=plan.init_groups.copy(),
    )


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """Seed sequences of ``replications`` replications: ``SeedSequence(seed).spawn(R)``."""
    if replications < 1:
        raise ValueError(f"replications = {replications}: must be >= 1")
    return np.random.SeedSequence(seed).spawn(replications)


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """Seed sequence of one replication, equal to ``SeedSequence(seed).spawn(R)[replication]``.

    Built directly from its spawn key, so a worker running replication ``r`` alone does not
    spawn the ``r`` sequences before it.
    """
    if replication < 0:
        raise ValueError(f"replication = {replication}: must be >= 0")
    return np.random.SeedSequence(seed, spawn_key=(replication,))


__all__ = [
    "VehicleDraws",
    "check_size",
    "draw_checked",
    "draw_vehicles",
    "estimated_bytes",
    "expected_vehicles",
    "replication_seed",
    "replication_seeds",
]
