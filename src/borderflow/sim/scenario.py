"""Scenario files: the TOML form of a :class:`~borderflow.sim.spec.PortSpec`.

``parse_scenario(text)`` takes the file's text (the kernel does no I/O: the caller reads
the file). The format is versioned (``format_version = 1``) and documented in
``docs/scenario-format.md``. Pydantic checks the structure at this edge (unknown keys,
types); the spec's own validation checks the values. Every error is a
:class:`~borderflow.sim.errors.SpecError` naming the field path and the value.
"""

from __future__ import annotations

import tomllib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from borderflow.sim.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
)
from borderflow.sim.errors import SpecError
from borderflow.sim.spec import (
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

#: The scenario format version this module reads.
FORMAT_VERSION = 1

_SCALE = {"min": 1.0, "s": 1.0 / 60.0}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ExponentialIn(_Model):
    distribution: Literal["exponential"]
    mean: float
    unit: Literal["min", "s"] = "min"

    def build(self) -> Distribution:
        return Exponential(self.mean * _SCALE[self.unit])


class _DeterministicIn(_Model):
    distribution: Literal["deterministic"]
    value: float
    unit: Literal["min", "s"] = "min"

    def build(self) -> Distribution:
        return Deterministic(self.value * _SCALE[self.unit])


class _ErlangIn(_Model):
    distribution: Literal["erlang"]
    k: int
    mean: float
    unit: Literal["min", "s"] = "min"

    def build(self) -> Distribution:
        return Erlang(self.k, self.mean * _SCALE[self.unit])


class _LognormalIn(_Model):
    distribution: Literal["lognormal"]
    mean: float
    sd: float
    unit: Literal["min", "s"] = "min"

    def build(self) -> Distribution:
        return Lognormal(self.mean * _SCALE[self.unit], self.sd * _SCALE[self.unit])


class _EmpiricalIn(_Model):
    distribution: Literal["empirical"]
    samples: list[float]
    unit: Literal["min", "s"] = "min"

    def build(self) -> Distribution:
        return Empirical(tuple(v * _SCALE[self.unit] for v in self.samples))


_DistIn = Annotated[
    _ExponentialIn | _DeterministicIn | _ErlangIn | _LognormalIn | _EmpiricalIn,
    Field(discriminator="distribution"),
]


class _ClassIn(_Model):
    name: str
    rate_per_hour: float | list[float] = 0.0
    service: dict[str, _DistIn]
    referral_probability: float = 0.0
    vehicle_length_m: float = 7.5
    secondary_service: _DistIn | None = None
    arrival_times_min: list[float] | None = None


class _TriggerIn(_Model):
    min_booths: int
    max_booths: int
    open_above: float
    close_below: float


class _GroupIn(_Model):
    name: str
    lane_type: str
    booths: int | list[int] | None = None
    trigger: _TriggerIn | None = None
    classes: list[str] | None = None


class _SecondaryIn(_Model):
    booths: int


class _StorageIn(_Model):
    vehicles: float | None = None
    metres: float | None = None


class _InitialIn(_Model):
    group: str
    class_: str = Field(alias="class")
    count: int


class _ScenarioIn(_Model):
    format_version: Literal[1]
    name: str
    direction: str
    horizon_hours: int
    drain: bool = True
    choice_rule: str = "least_expected_wait"
    classes: list[_ClassIn]
    lane_groups: list[_GroupIn]
    secondary: _SecondaryIn | None = None
    storage: _StorageIn | None = None
    initial_queue: list[_InitialIn] = []


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _pydantic_error(exc: ValidationError) -> SpecError:
    """Convert the first structural error to 'path = value: message'."""
    err = exc.errors()[0]
    loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
    # Drop union-member tags (e.g. 'exponential', 'float', 'list[float]') after a field.
    tags = {"exponential", "deterministic", "erlang", "lognormal", "empirical", "int", "float"}
    path = _loc(tuple(p for p in loc if p not in tags))
    value = err.get("input")
    if err["type"] == "missing":
        return SpecError(f"{path}: required field is missing")
    if err["type"] == "extra_forbidden":
        return SpecError(f"{path} = {value!r}: unknown field")
    return SpecError(f"{path} = {value!r}: {err['msg']}")


def _build_class(i: int, c: _ClassIn) -> TrafficClass:
    where = f"classes[{i}]"
    try:
        service: dict[str, Distribution] = {}
        for lt, d in c.service.items():
            try:
                service[lt] = d.build()
            except SpecError as e:
                raise e.within(f"service.{lt}") from None
        secondary = None
        if c.secondary_service is not None:
            try:
                secondary = c.secondary_service.build()
            except SpecError as e:
                raise e.within("secondary_service") from None
        rate = c.rate_per_hour if isinstance(c.rate_per_hour, float) else tuple(c.rate_per_hour)
        return TrafficClass(
            name=c.name,
            rate_per_hour=rate,
            service=service,
            referral_probability=c.referral_probability,
            vehicle_length_m=c.vehicle_length_m,
            secondary_service=secondary,
            arrival_times_min=(
                tuple(c.arrival_times_min) if c.arrival_times_min is not None else None
            ),
        )
    except SpecError as e:
        raise e.within(where) from None


def _build_group(j: int, g: _GroupIn) -> LaneGroup:
    where = f"lane_groups[{j}]"
    if (g.booths is None) == (g.trigger is None):
        got = "both" if g.booths is not None else "neither"
        raise SpecError(
            f"{where}: give exactly one of 'booths' (a schedule) or 'trigger' (got {got})"
        )
    staffing: Staffing
    try:
        if g.booths is not None:
            booths = (g.booths,) if isinstance(g.booths, int) else tuple(g.booths)
            staffing = BoothSchedule(booths)  # its errors already say 'booths[h] = ...'
        else:
            assert g.trigger is not None
            try:
                t = g.trigger
                staffing = QueueTrigger(t.min_booths, t.max_booths, t.open_above, t.close_below)
            except SpecError as e:
                raise e.within("trigger") from None
        return LaneGroup(
            g.name, g.lane_type, staffing, tuple(g.classes) if g.classes is not None else None
        )
    except SpecError as e:
        raise e.within(where) from None


def parse_scenario(text: str) -> PortSpec:
    """Parse a scenario file's text into a validated :class:`PortSpec`.

    Parameters
    ----------
    text : str
        The TOML text (format documented in ``docs/scenario-format.md``).

    Returns
    -------
    PortSpec
        The frozen, validated specification.

    Raises
    ------
    SpecError
        On a TOML syntax error (with line and column), a structural error (unknown or
        missing field, wrong type) or an invalid value; the message names the field path
        and the value.
    """
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"TOML syntax error: {e}") from None
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise SpecError(
            f"format_version = {version!r}: this borderflow reads format_version = {FORMAT_VERSION}"
        )
    try:
        sc = _ScenarioIn.model_validate(raw)
    except ValidationError as e:
        raise _pydantic_error(e) from None
    classes = tuple(_build_class(i, c) for i, c in enumerate(sc.classes))
    groups = tuple(_build_group(j, g) for j, g in enumerate(sc.lane_groups))
    try:
        secondary = Secondary(sc.secondary.booths) if sc.secondary is not None else None
    except SpecError as e:
        raise e.within("secondary") from None
    try:
        storage = (
            QueueStorage(sc.storage.vehicles, sc.storage.metres) if sc.storage is not None else None
        )
    except SpecError as e:
        raise e.within("storage") from None
    try:
        return _build_port(sc, classes, groups, secondary, storage)
    except SpecError as e:
        # The spec names the initial-queue class field 'traffic_class'; the file says 'class'.
        raise SpecError(str(e).replace(".traffic_class = ", ".class = ")) from None


def _build_port(
    sc: _ScenarioIn,
    classes: tuple[TrafficClass, ...],
    groups: tuple[LaneGroup, ...],
    secondary: Secondary | None,
    storage: QueueStorage | None,
) -> PortSpec:
    return PortSpec(
        name=sc.name,
        direction=sc.direction,  # type: ignore[arg-type]  # checked by PortSpec
        horizon_hours=sc.horizon_hours,
        classes=classes,
        lane_groups=groups,
        secondary=secondary,
        storage=storage,
        drain=sc.drain,
        initial_queue=tuple(InitialQueue(q.group, q.class_, q.count) for q in sc.initial_queue),
        choice_rule=sc.choice_rule,
    )


__all__ = ["FORMAT_VERSION", "parse_scenario"]
