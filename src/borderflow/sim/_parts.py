"""The parts a port specification is made of: lane groups, their staffing, traffic classes.

Service maps, booth schedules, queue triggers, lane groups, traffic classes, secondary
inspection, approach storage and the initial queue; :class:`~borderflow.sim.PortSpec`
(``_spec``) puts them together. Every part checks its own fields on construction and
raises :class:`~borderflow.sim._errors.SpecError` naming the field and value. Times are in
minutes, rates in vehicles/hour.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from borderflow.sim._bounds import MAX_BOOTHS, MAX_VEHICLE_LENGTH_M
from borderflow.sim._distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
)
from borderflow.sim._errors import SpecError
from borderflow.vocab import LANE_TYPES

__all__ = [
    "BoothSchedule",
    "InitialQueue",
    "LaneGroup",
    "QueueStorage",
    "QueueTrigger",
    "Secondary",
    "ServiceMap",
    "Staffing",
    "TrafficClass",
    "check_name",
    "is_int",
    "is_number",
]

_TOO_MANY_BOOTHS = (
    f"at most {MAX_BOOTHS} booths per lane group (the largest real ports have a few dozen "
    "primary booths per direction)"
)

_DISTRIBUTIONS = (Exponential, Deterministic, Erlang, Lognormal, Empirical)

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


class ServiceMap(Mapping[str, Distribution]):
    """A read-only, hashable mapping of lane type to service-time distribution."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Distribution]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> Distribution:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"ServiceMap({self._items!r})"


def is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def check_name(field_name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{field_name} = {value!r}: must be a non-empty string")


@dataclass(frozen=True)
class BoothSchedule:
    """Booths open in each hour of the horizon.

    Parameters
    ----------
    booths : tuple of int
        Booths open in hour ``h`` (``booths[h]``), each >= 0; length ``horizon_hours``, or
        length 1 for a constant count.
    """

    booths: tuple[int, ...]

    def __post_init__(self) -> None:
        raw: Any = self.booths
        values: tuple[Any, ...] = (raw,) if is_int(raw) else tuple(raw)
        if len(values) == 0:
            raise SpecError("booths = (): needs at least one hour")
        for h, b in enumerate(values):
            if not is_int(b) or b < 0:
                raise SpecError(f"booths[{h}] = {b!r}: booth counts must be integers >= 0")
            if b > MAX_BOOTHS:
                raise SpecError(f"booths[{h}] = {b!r}: {_TOO_MANY_BOOTHS}")
        if all(b == 0 for b in values):
            raise SpecError(f"booths = {list(values)!r}: all zero, the group never opens")
        object.__setattr__(self, "booths", tuple(int(b) for b in values))

    def per_hour(self, horizon_hours: int) -> tuple[int, ...]:
        """Return the booth count of every hour of a horizon of ``horizon_hours`` hours."""
        if len(self.booths) == 1:
            return self.booths * horizon_hours
        return self.booths

    def drain_booths(self, horizon_hours: int) -> int:
        """Booths open after the horizon when draining: the last hour's, or the maximum."""
        last = self.per_hour(horizon_hours)[-1]
        return last if last > 0 else max(self.booths)


@dataclass(frozen=True)
class QueueTrigger:
    """Queue-triggered staffing: officers open booths when the queue per booth is long.

    Parameters
    ----------
    min_booths : int
        Booths always open, >= 0 (the count at t = 0).
    max_booths : int
        Most booths that can be open, >= max(1, ``min_booths``).
    open_above : float
        Open another booth while vehicles waiting per open booth exceed this [vehicles].
    close_below : float
        Close a booth while vehicles waiting per open booth fall below this [vehicles];
        0 <= ``close_below`` <= ``open_above``, and <= 1 when ``min_booths`` is 0 (else the
        last booth could close while a vehicle waits, stranding it).
    """

    min_booths: int
    max_booths: int
    open_above: float
    close_below: float

    def __post_init__(self) -> None:
        if not is_int(self.min_booths) or self.min_booths < 0:
            raise SpecError(f"min_booths = {self.min_booths!r}: must be an integer >= 0")
        if not is_int(self.max_booths) or self.max_booths < self.min_booths or self.max_booths < 1:
            raise SpecError(
                f"max_booths = {self.max_booths!r}: must be an integer >= 1 and >= "
                f"min_booths ({self.min_booths})"
            )
        if self.max_booths > MAX_BOOTHS:
            raise SpecError(f"max_booths = {self.max_booths!r}: {_TOO_MANY_BOOTHS}")
        for name in ("open_above", "close_below"):
            v = getattr(self, name)
            if not is_number(v) or not math.isfinite(v) or v < 0:
                raise SpecError(f"{name} = {v!r}: must be finite and >= 0")
        if self.close_below > self.open_above:
            raise SpecError(
                f"close_below = {self.close_below!r}: must be <= open_above ({self.open_above!r})"
            )
        if self.min_booths == 0 and self.close_below > 1:
            # At o = 1, waiting / 1 < close_below would close the last booth on a waiting
            # vehicle, which then waits for an arrival that may never come.
            raise SpecError(
                f"close_below = {self.close_below!r}: with min_booths = 0 it must be "
                "<= 1, or the last booth could close while vehicles wait"
            )
        object.__setattr__(self, "min_booths", int(self.min_booths))
        object.__setattr__(self, "max_booths", int(self.max_booths))
        object.__setattr__(self, "open_above", float(self.open_above))
        object.__setattr__(self, "close_below", float(self.close_below))


#: A lane group's staffing policy.
Staffing: TypeAlias = BoothSchedule | QueueTrigger


@dataclass(frozen=True)
class LaneGroup:
    """One FIFO queue served by several booths of one lane type.

    Parameters
    ----------
    name : str
        Unique name of the group.
    lane_type : str
        One of :data:`LANE_TYPES`.
    staffing : BoothSchedule or QueueTrigger
        How many booths are open, and when.
    classes : tuple of str, optional
        Restrict the group to these classes (e.g. a FAST-only commercial lane); by
        default every class with a service time for ``lane_type`` may use it.
    """

    name: str
    lane_type: str
    staffing: Staffing
    classes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_name("name", self.name)
        if self.lane_type not in LANE_TYPES:
            raise SpecError(f"lane_type = {self.lane_type!r}: must be one of {list(LANE_TYPES)}")
        if not isinstance(self.staffing, BoothSchedule | QueueTrigger):
            raise SpecError(
                f"staffing = {self.staffing!r}: must be a BoothSchedule or a QueueTrigger"
            )
        if self.classes is not None:
            names = (self.classes,) if isinstance(self.classes, str) else tuple(self.classes)
            if not names:
                raise SpecError("classes = []: give at least one class, or omit the field")
            for i, n in enumerate(names):
                check_name(f"classes[{i}]", n)
            object.__setattr__(self, "classes", names)

    def admits(self, traffic_class: TrafficClass) -> bool:
        """Whether ``traffic_class`` may use this group (lane type and class list)."""
        if self.lane_type not in traffic_class.service:
            return False
        return self.classes is None or traffic_class.name in self.classes

    @property
    def lane_type_index(self) -> int:
        """Index of the lane type in :data:`LANE_TYPES`."""
        return LANE_TYPES.index(self.lane_type)


@dataclass(frozen=True)
class TrafficClass:
    """A class of traffic (e.g. NEXUS cars) with its arrivals and service times.

    Parameters
    ----------
    name : str
        Unique name of the class.
    rate_per_hour : float or tuple of float
        Poisson arrival rate [vehicles/hour]: a constant, or one value per hour of the
        horizon. Must be 0 for a trace-driven class.
    service : mapping of str to Distribution
        Primary service time [minutes] per lane type; the class may use exactly the lane
        groups whose lane type is a key (its eligibility).
    referral_probability : float
        Probability of referral to secondary inspection, in [0, 1].
    vehicle_length_m : float
        Road length one queued vehicle occupies [metres], > 0 (7.5 m for a car).
    secondary_service : Distribution, optional
        Secondary inspection time [minutes]; required when ``referral_probability > 0``.
    arrival_times_min : tuple of float, optional
        Recorded arrival times [minutes], sorted, in [0, 60 * horizon_hours): makes the
        class trace-driven instead of Poisson.
    """

    name: str
    rate_per_hour: float | tuple[float, ...]
    service: Mapping[str, Distribution]
    referral_probability: float = 0.0
    vehicle_length_m: float = 7.5
    secondary_service: Distribution | None = None
    arrival_times_min: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        check_name("name", self.name)
        # Rates.
        if is_number(self.rate_per_hour):
            const = float(self.rate_per_hour)  # type: ignore[arg-type]
            if not math.isfinite(const) or const < 0:
                raise SpecError(f"rate_per_hour = {const!r}: rates must be finite and >= 0")
            rates: float | tuple[float, ...] = const
        else:
            try:
                seq = tuple(self.rate_per_hour)  # type: ignore[arg-type]
            except TypeError:
                raise SpecError(
                    f"rate_per_hour = {self.rate_per_hour!r}: must be a number or a list"
                ) from None
            if len(seq) == 0:
                raise SpecError("rate_per_hour = []: needs at least one hour")
            for h, r in enumerate(seq):
                if not is_number(r) or not math.isfinite(r) or r < 0:
                    raise SpecError(f"rate_per_hour[{h}] = {r!r}: rates must be finite and >= 0")
            rates = tuple(float(r) for r in seq)
        object.__setattr__(self, "rate_per_hour", rates)
        # Service per lane type, stored read-only in lane-type order.
        if not isinstance(self.service, Mapping) or len(self.service) == 0:
            raise SpecError(
                f"service = {self.service!r}: needs a service time for at least one lane type"
            )
        for key, dist in self.service.items():
            if key not in LANE_TYPES:
                raise SpecError(
                    f"service.{key} = {dist!r}: {key!r} is not a lane type {list(LANE_TYPES)}"
                )
            if not isinstance(dist, _DISTRIBUTIONS):
                raise SpecError(f"service.{key} = {dist!r}: not a service-time distribution")
        ordered = {lt: self.service[lt] for lt in LANE_TYPES if lt in self.service}
        object.__setattr__(self, "service", ServiceMap(ordered))
        # Referral and secondary.
        p = self.referral_probability
        if not is_number(p) or not (0.0 <= p <= 1.0):
            raise SpecError(f"referral_probability = {p!r}: must be in [0, 1]")
        object.__setattr__(self, "referral_probability", float(p))
        if self.secondary_service is not None and not isinstance(
            self.secondary_service, _DISTRIBUTIONS
        ):
            raise SpecError(
                f"secondary_service = {self.secondary_service!r}: not a service-time distribution"
            )
        if p > 0 and self.secondary_service is None:
            raise SpecError(
                f"referral_probability = {p!r}: a referred class needs a secondary_service"
            )
        L = self.vehicle_length_m
        if not is_number(L) or not math.isfinite(L) or L <= 0:
            raise SpecError(f"vehicle_length_m = {L!r}: must be finite and > 0")
        if L > MAX_VEHICLE_LENGTH_M:
            raise SpecError(
                f"vehicle_length_m = {L!r}: at most {MAX_VEHICLE_LENGTH_M:g} metres per vehicle"
            )
        object.__setattr__(self, "vehicle_length_m", float(L))
        # Trace-driven arrivals.
        if self.arrival_times_min is not None:
            times = tuple(self.arrival_times_min)
            prev = -math.inf
            for i, t in enumerate(times):
                if not is_number(t) or not math.isfinite(t) or t < 0:
                    raise SpecError(f"arrival_times_min[{i}] = {t!r}: must be finite and >= 0")
                if t < prev:
                    raise SpecError(
                        f"arrival_times_min[{i}] = {t!r}: times must be sorted (previous {prev!r})"
                    )
                prev = float(t)
            object.__setattr__(self, "arrival_times_min", tuple(float(t) for t in times))
            if any(r != 0 for r in self.rates(1 if isinstance(rates, float) else len(rates))):
                raise SpecError(
                    f"rate_per_hour = {self.rate_per_hour!r}: must be 0 for a trace-driven "
                    "class (it has arrival_times_min)"
                )

    @property
    def trace_driven(self) -> bool:
        """Whether arrivals come from ``arrival_times_min`` rather than a Poisson process."""
        return self.arrival_times_min is not None

    def rates(self, horizon_hours: int) -> tuple[float, ...]:
        """Return the Poisson rate of each hour [vehicles/hour]."""
        if isinstance(self.rate_per_hour, float):
            return (self.rate_per_hour,) * horizon_hours
        return self.rate_per_hour

    def mean_service(self, lane_type: str) -> float:
        """Mean primary service time in ``lane_type`` [minutes] (KeyError if not eligible)."""
        return self.service[lane_type].mean


@dataclass(frozen=True)
class Secondary:
    """Secondary inspection: one FIFO queue with a constant number of booths.

    Parameters
    ----------
    booths : int
        Secondary booths, >= 1.
    """

    booths: int

    def __post_init__(self) -> None:
        if not is_int(self.booths) or self.booths < 1:
            raise SpecError(f"booths = {self.booths!r}: must be an integer >= 1")
        if self.booths > MAX_BOOTHS:
            raise SpecError(f"booths = {self.booths!r}: {_TOO_MANY_BOOTHS}")
        object.__setattr__(self, "booths", int(self.booths))


@dataclass(frozen=True)
class QueueStorage:
    """Approach storage: how much queue the approach holds before it spills back.

    Parameters
    ----------
    vehicles : float, optional
        Vehicles the approach holds [vehicles].
    metres : float, optional
        Length of the approach [metres].
    """

    vehicles: float | None = None
    metres: float | None = None

    def __post_init__(self) -> None:
        for name in ("vehicles", "metres"):
            v = getattr(self, name)
            if v is None:
                continue
            if not is_number(v) or not math.isfinite(v) or v < 0:
                raise SpecError(f"{name} = {v!r}: must be finite and >= 0")
            object.__setattr__(self, name, float(v))


@dataclass(frozen=True)
class InitialQueue:
    """Vehicles already waiting at t = 0 in one lane group.

    Parameters
    ----------
    group : str
        Lane group name.
    traffic_class : str
        Class name (must be eligible for the group's lane type).
    count : int
        Number of vehicles, >= 0.
    """

    group: str
    traffic_class: str
    count: int
