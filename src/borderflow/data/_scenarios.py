"""Scenario files: reading, validating and writing the TOML form of a port specification.

A scenario file (``docs/scenario-format.md``) is one direction of one crossing. This is
the file edge of the kernel: pydantic checks the structure here (unknown keys, types), the
kernel's frozen dataclasses (:class:`borderflow.sim.PortSpec`) check the values. Every
content error is a :class:`borderflow.sim.SpecError` naming the field path and the value;
file errors (unreadable, not UTF-8) are :class:`DataFormatError`.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from borderflow.data._text import read_text
from borderflow.sim import (
    BoothSchedule,
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    InitialQueue,
    LaneGroup,
    Lognormal,
    PortSpec,
    QueueStorage,
    QueueTrigger,
    Secondary,
    SpecError,
    Staffing,
    TrafficClass,
)

#: The scenario format version this module reads.
SCENARIO_FORMAT_VERSION = 2
#: Versions this module reads. Version 1 files keep their meaning: their choice rule
#: ``least_expected_wait`` (explicit or by default) was ``n / o x mean service``, which
#: version 2 calls ``least_work_per_booth`` (see docs/scenario-format.md, "Versions").
READABLE_VERSIONS = (1, 2)
_V1_RULES = {"least_expected_wait": "least_work_per_booth", "shortest_queue": "shortest_queue"}

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
    format_version: Literal[1, 2]
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
    """Parse a scenario file's text into a validated :class:`~borderflow.sim.PortSpec`.

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
    return parse_scenario_dict(raw)


def parse_scenario_dict(raw: Mapping[str, Any]) -> PortSpec:
    """Validate a scenario given as a dict (the JSON form of a scenario file).

    The keys and values are those of the TOML file (``docs/scenario-format.md``), e.g.
    from ``json.loads`` of an HTTP request body.

    Parameters
    ----------
    raw : mapping
        The scenario document.

    Returns
    -------
    PortSpec
        The frozen, validated specification.

    Raises
    ------
    SpecError
        On a structural error or an invalid value, naming the field path and the value.
    """
    if not isinstance(raw, Mapping):
        raise SpecError(f"scenario = {raw!r}: must be a table (a JSON object)")
    version = raw.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise SpecError(
            f"format_version = {version!r}: this borderflow reads format_version = "
            f"{' or '.join(str(v) for v in READABLE_VERSIONS)}"
        )
    try:
        sc = _ScenarioIn.model_validate(dict(raw))
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


def read_scenario(path: Path | str) -> PortSpec:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : path or str
        The scenario file (UTF-8 TOML, ``docs/scenario-format.md``).

    Returns
    -------
    PortSpec
        The frozen, validated specification.

    Raises
    ------
    DataFormatError
        If the file cannot be read or is not UTF-8.
    SpecError
        If its content is invalid; the message starts with the file name, then the field
        path and the value.
    """
    text = read_scenario_text(path)
    try:
        return parse_scenario(text)
    except SpecError as e:
        raise SpecError(f"{path}: {e}") from None


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
        choice_rule=_choice_rule(sc),
    )


def _choice_rule(sc: _ScenarioIn) -> str:
    """Return the kernel's rule name for the file's ``choice_rule`` in its version."""
    if sc.format_version == 1:
        if sc.choice_rule not in _V1_RULES:
            raise SpecError(
                f"choice_rule = {sc.choice_rule!r}: format_version = 1 knows "
                f"{sorted(_V1_RULES)}; use format_version = 2 for the other rules"
            )
        return _V1_RULES[sc.choice_rule]
    return sc.choice_rule


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON string escapes are valid TOML


def _f(x: float) -> str:
    return repr(float(x))


def _dist_toml(d: Distribution) -> str:
    if isinstance(d, Exponential):
        body = f'"exponential", mean = {_f(d.mean)}'
    elif isinstance(d, Deterministic):
        body = f'"deterministic", value = {_f(d.value)}'
    elif isinstance(d, Erlang):
        body = f'"erlang", k = {d.k}, mean = {_f(d.mean)}'
    elif isinstance(d, Lognormal):
        body = f'"lognormal", mean = {_f(d.mean)}, sd = {_f(d.sd)}'
    else:
        body = f'"empirical", samples = [{", ".join(_f(v) for v in d.samples)}]'
    return "{ distribution = " + body + " }"


def scenario_to_toml(spec: PortSpec) -> str:
    """Write a :class:`PortSpec` as scenario-file text (format version 1).

    ``parse_scenario(scenario_to_toml(spec)) == spec`` for every valid spec.

    Parameters
    ----------
    spec : PortSpec
        The port.

    Returns
    -------
    str
        TOML text.
    """
    out = [
        f"format_version = {SCENARIO_FORMAT_VERSION}",
        f"name = {_q(spec.name)}",
        f"direction = {_q(spec.direction)}",
        f"horizon_hours = {spec.horizon_hours}",
        f"drain = {'true' if spec.drain else 'false'}",
        f"choice_rule = {_q(spec.choice_rule)}",
    ]
    if spec.storage is not None:
        out.append("\n[storage]")
        if spec.storage.vehicles is not None:
            out.append(f"vehicles = {_f(spec.storage.vehicles)}")
        if spec.storage.metres is not None:
            out.append(f"metres = {_f(spec.storage.metres)}")
    if spec.secondary is not None:
        out += ["\n[secondary]", f"booths = {spec.secondary.booths}"]
    for c in spec.classes:
        out += ["\n[[classes]]", f"name = {_q(c.name)}"]
        if isinstance(c.rate_per_hour, float):
            out.append(f"rate_per_hour = {_f(c.rate_per_hour)}")
        else:
            out.append(f"rate_per_hour = [{', '.join(_f(r) for r in c.rate_per_hour)}]")
        out.append(f"referral_probability = {_f(c.referral_probability)}")
        out.append(f"vehicle_length_m = {_f(c.vehicle_length_m)}")
        if c.arrival_times_min is not None:
            out.append(f"arrival_times_min = [{', '.join(_f(t) for t in c.arrival_times_min)}]")
        for lt, d in c.service.items():
            out.append(f"service.{lt} = {_dist_toml(d)}")
        if c.secondary_service is not None:
            out.append(f"secondary_service = {_dist_toml(c.secondary_service)}")
    for g in spec.lane_groups:
        out += ["\n[[lane_groups]]", f"name = {_q(g.name)}", f"lane_type = {_q(g.lane_type)}"]
        st = g.staffing
        if isinstance(st, BoothSchedule):
            out.append(f"booths = [{', '.join(str(b) for b in st.booths)}]")
        else:
            out.append(
                f"trigger = {{ min_booths = {st.min_booths}, max_booths = {st.max_booths}, "
                f"open_above = {_f(st.open_above)}, close_below = {_f(st.close_below)} }}"
            )
        if g.classes is not None:
            out.append(f"classes = [{', '.join(_q(n) for n in g.classes)}]")
    for iq in spec.initial_queue:
        out += [
            "\n[[initial_queue]]",
            f"group = {_q(iq.group)}",
            f"class = {_q(iq.traffic_class)}",
            f"count = {iq.count}",
        ]
    return "\n".join(out) + "\n"


def read_scenario_text(path: Path | str) -> str:
    """Return the text of a scenario file (UTF-8 TOML, ``docs/scenario-format.md``).

    Parameters
    ----------
    path
        The scenario file.

    Raises
    ------
    DataFormatError
        If the file cannot be read, or is not UTF-8 (the message gives the line and the
        offending byte).
    """
    return read_text(path, "scenario file")


__all__ = [
    "SCENARIO_FORMAT_VERSION",
    "parse_scenario",
    "parse_scenario_dict",
    "read_scenario",
    "read_scenario_text",
    "scenario_to_toml",
]
