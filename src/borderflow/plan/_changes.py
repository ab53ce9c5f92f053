"""The what-if change language: small text edits of a port specification.

One change per string (``docs/planning.md`` lists them)::

    booths.general+=2@16-19     booths of a lane group (group name or lane type)
    lanes.ready+=2@6-22         a new lane group of a lane type
    service.general*=0.8        primary service times in a lane type (service*=: all)
    service.Ready cars.ready=0.88   give a class a service time in a lane type [minutes]
    demand*=1.1@16-19           arrival rates of every class (``demand.<class>*=``: one)
    nexus+=0.05                 NEXUS share of eligible passenger traffic (+5 points)
    hours=6-22                  port open 06:00-22:00 only
    essential=0.1               essential travel only: passenger traffic x 0.1, trucks kept
    colocate                    one facility for both directions (``colocate=3``: 3 booths
                                in every hour either direction was open)

``@A-B`` restricts a change to the clock hours ``A <= h < B`` of the horizon (``@22-6``
wraps past the end of the horizon; ``@7`` is one hour). Changes apply in the order given.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

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
    Secondary,
    SpecError,
    TrafficClass,
)
from borderflow.vocab import LANE_TYPES

#: Lane types used by personal (non-commercial) traffic.
PASSENGER_LANE_TYPES: tuple[str, ...] = ("general", "nexus", "ready", "bus", "pedestrian")
#: Lane types a NEXUS member could otherwise use (the "eligible traffic" of NEXUS growth).
_NEXUS_ELIGIBLE_TYPES: tuple[str, ...] = ("general", "ready")


class ChangeError(ValueError):
    """A what-if change that cannot be parsed or applied (the message names it)."""


@dataclass(frozen=True)
class Change:
    """One parsed change.

    Attributes
    ----------
    text : str
        The change as written.
    kind : str
        ``booths``, ``lanes``, ``service``, ``service_add``, ``demand``, ``nexus``,
        ``hours``, ``essential`` or ``colocate``.
    target : str
        Lane group, lane type or class it applies to ("" for the whole port).
    op : str
        ``+=``, ``-=``, ``=`` or ``*=``.
    value : float
        The number on the right.
    hours : tuple of int or None
        Clock hours it applies to (None: every hour).
    target2 : str
        Second target (lane type of ``service_add``).
    """

    text: str
    kind: str
    target: str
    op: str
    value: float
    hours: tuple[int, ...] | None = None
    target2: str = ""


_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?"
_HOURS = r"(?:@(?P<h1>\d{1,3})(?:-(?P<h2>\d{1,3}))?)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("booths", re.compile(rf"booths\.(?P<t>[^=+*@]+?)\s*(?P<op>\+=|-=|=)\s*(?P<v>{_NUM}){_HOURS}")),
    ("lanes", re.compile(rf"lanes\.(?P<t>[a-z]+)\s*(?P<op>\+=)\s*(?P<v>{_NUM}){_HOURS}")),
    ("service", re.compile(rf"service(?:\.(?P<t>[a-z]+|\*))?\s*(?P<op>\*=)\s*(?P<v>{_NUM})")),
    (
        "service_add",
        re.compile(rf"service\.(?P<t>[^=*@]+?)\.(?P<t2>[a-z]+)\s*(?P<op>=)\s*(?P<v>{_NUM})"),
    ),
    ("demand", re.compile(rf"demand(?:\.(?P<t>[^=*@]+?))?\s*(?P<op>\*=)\s*(?P<v>{_NUM}){_HOURS}")),
    ("nexus", re.compile(rf"nexus\s*(?P<op>\+=|-=)\s*(?P<v>{_NUM})")),
    ("hours", re.compile(r"hours\s*(?P<op>=)\s*(?P<h1>\d{1,3})-(?P<h2>\d{1,3})")),
    ("essential", re.compile(rf"essential\s*(?P<op>=)\s*(?P<v>{_NUM})")),
    ("colocate", re.compile(rf"colocate(?:\s*(?P<op>=)\s*(?P<v>{_NUM}))?")),
)


def _number(text: str, change: str) -> float:
    pct = text.endswith("%")
    try:
        v = float(text.rstrip("%"))
    except ValueError:
        raise ChangeError(f"change {change!r}: {text!r} is not a number") from None
    return v / 100.0 if pct else v


def parse_change(text: str) -> Change:
    """Parse one change string.

    Parameters
    ----------
    text : str
        E.g. ``"booths.general+=2@16-19"`` (see the module docstring).

    Returns
    -------
    Change

    Raises
    ------
    ChangeError
        If the text matches no form of the language; the message lists the forms.
    """
    s = text.strip()
    for kind, pat in _PATTERNS:
        m = pat.fullmatch(s)
        if m is None:
            continue
        g = m.groupdict()
        op = g.get("op") or "="
        value = _number(g["v"], s) if g.get("v") else math.nan
        hours: tuple[int, ...] | None = None
        if kind != "hours" and g.get("h1") is not None:
            a = int(g["h1"])
            b = int(g["h2"]) if g.get("h2") is not None else a + 1
            hours = (a, b)
        if kind == "hours":
            hours = (int(g["h1"]), int(g["h2"]))
        target = (g.get("t") or "").strip()
        if kind == "service" and not target:
            target = "*"  # service*=F: every lane type
        if kind in ("booths", "lanes") and value != int(value):
            raise ChangeError(f"change {s!r}: booths must be a whole number, not {g['v']}")
        if kind == "lanes" and target not in LANE_TYPES:
            raise ChangeError(
                f"change {s!r}: lane type {target!r} must be one of {list(LANE_TYPES)}"
            )
        if kind == "service" and target != "*" and target not in LANE_TYPES:
            raise ChangeError(
                f"change {s!r}: lane type {target!r} must be one of {list(LANE_TYPES)} or *"
            )
        if kind == "service_add" and (g.get("t2") or "") not in LANE_TYPES:
            raise ChangeError(
                f"change {s!r}: lane type {g.get('t2')!r} must be one of {list(LANE_TYPES)}"
            )
        return Change(s, kind, target, op, value, hours, (g.get("t2") or "").strip())
    raise ChangeError(
        f"change {s!r}: not understood; forms: booths.<group|lane type>(+=|-=|=)N[@A-B], "
        "lanes.<lane type>+=N[@A-B], service.<lane type|*>*=F, "
        "service.<class>.<lane type>=MINUTES, demand[.<class>]*=F[@A-B], nexus+=SHARE, "
        "hours=A-B, essential=F, colocate[=N]"
    )


def read_overlay(text: str, source: str = "overlay") -> list[Change]:
    """Parse a TOML overlay: ``changes = ["booths.general+=2@16-19", ...]``.

    Parameters
    ----------
    text : str
        TOML text.
    source : str
        File name for error messages.

    Returns
    -------
    list of Change
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChangeError(f"{source}: not valid TOML: {exc}") from None
    items = doc.get("changes")
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise ChangeError(f'{source}: needs changes = ["...", ...] (a list of change strings)')
    unknown = sorted(set(doc) - {"changes", "name"})
    if unknown:
        raise ChangeError(f"{source}: unknown key(s) {unknown}; only changes and name")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(parse_change(item))
        except ChangeError as exc:
            raise ChangeError(f"{source}: changes[{i}]: {exc}") from None
    return out


# ---- helpers -----------------------------------------------------------------------------


def _hour_mask(change: Change, H: int) -> list[bool]:
    if change.hours is None:
        return [True] * H
    a, b = change.hours
    if a >= H or b > H or a == b:
        raise ChangeError(
            f"change {change.text!r}: hours {a}-{b} must lie in the horizon 0-{H} (and differ)"
        )
    if a < b:
        return [a <= h < b for h in range(H)]
    return [h >= a or h < b for h in range(H)]  # wraps past the end of the horizon


def scaled_distribution(dist: Distribution, factor: float) -> Distribution:
    """Return ``dist`` with every time multiplied by ``factor`` (same shape, mean × factor)."""
    if isinstance(dist, Exponential):
        return Exponential(dist.mean * factor)
    if isinstance(dist, Deterministic):
        return Deterministic(dist.value * factor)
    if isinstance(dist, Erlang):
        return Erlang(dist.k, dist.mean * factor)
    if isinstance(dist, Lognormal):
        return Lognormal(dist.mean * factor, dist.sd * factor)
    if isinstance(dist, Empirical):
        return Empirical(tuple(x * factor for x in dist.samples))
    raise ChangeError(f"cannot scale a {type(dist).__name__} distribution")


def _group_rows(spec: PortSpec, change: Change) -> list[int]:
    names = [g.name for g in spec.lane_groups]
    if change.target in names:
        return [names.index(change.target)]
    rows = [j for j, g in enumerate(spec.lane_groups) if g.lane_type == change.target]
    if len(rows) == 1:
        return rows
    if not rows:
        raise ChangeError(
            f"change {change.text!r}: no lane group or lane type {change.target!r}; "
            f"groups are {names}"
        )
    raise ChangeError(
        f"change {change.text!r}: {len(rows)} groups have lane type {change.target!r}; "
        f"name one of {[names[j] for j in rows]}"
    )


def _with_rates(c: TrafficClass, rates: Sequence[float], change: Change) -> TrafficClass:
    if c.trace_driven:
        raise ChangeError(
            f"change {change.text!r}: class {c.name!r} is trace-driven (recorded arrivals); "
            "its demand cannot be scaled"
        )
    return dataclasses.replace(c, rate_per_hour=tuple(float(r) for r in rates))


def _replace_port(spec: PortSpec, change: Change, **kw: object) -> PortSpec:
    try:
        return dataclasses.replace(spec, **kw)  # type: ignore[arg-type]
    except SpecError as exc:
        raise ChangeError(f"change {change.text!r}: the changed port is invalid: {exc}") from None


def nexus_share(spec: PortSpec) -> float:
    """Share of NEXUS-class arrivals in NEXUS-eligible passenger traffic (0-1).

    NEXUS classes are those with a ``nexus`` service time; eligible traffic is every
    passenger class that could use a general or Ready lane, plus the NEXUS classes.
    """
    rm = spec.rate_matrix
    nexus = [k for k, c in enumerate(spec.classes) if "nexus" in c.service]
    other = [
        k
        for k, c in enumerate(spec.classes)
        if k not in nexus
        and any(lt in c.service for lt in _NEXUS_ELIGIBLE_TYPES)
        and "commercial" not in c.service
    ]
    n = float(rm[:, nexus].sum())
    total = n + float(rm[:, other].sum())
    return n / total if total > 0 else math.nan


# ---- one change --------------------------------------------------------------------------


def _apply_booths(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    mask = _hour_mask(ch, H)
    groups = list(spec.lane_groups)
    for j in _group_rows(spec, ch):
        st = groups[j].staffing
        if not isinstance(st, BoothSchedule):
            raise ChangeError(
                f"change {ch.text!r}: lane group {groups[j].name!r} is queue-triggered; "
                "only scheduled groups have booths by hour"
            )
        new = []
        for h, b in enumerate(st.per_hour(H)):
            if not mask[h]:
                new.append(b)
            elif ch.op == "+=":
                new.append(b + int(ch.value))
            elif ch.op == "-=":
                new.append(b - int(ch.value))
            else:
                new.append(int(ch.value))
            if new[-1] < 0:
                raise ChangeError(
                    f"change {ch.text!r}: lane group {groups[j].name!r} would have "
                    f"{new[-1]} booths in hour {h}"
                )
        try:
            groups[j] = dataclasses.replace(groups[j], staffing=BoothSchedule(tuple(new)))
        except SpecError as exc:
            raise ChangeError(f"change {ch.text!r}: {groups[j].name!r}: {exc}") from None
    return _replace_port(spec, ch, lane_groups=tuple(groups))


def _apply_lanes(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    mask = _hour_mask(ch, H)
    if not any(ch.target in c.service for c in spec.classes):
        raise ChangeError(
            f"change {ch.text!r}: no class has a service time for lane type {ch.target!r}; "
            f"add one first with service.<class>.{ch.target}=MINUTES"
        )
    names = {g.name for g in spec.lane_groups}
    name = f"added {ch.target} lanes"
    k = 2
    while name in names:
        name, k = f"added {ch.target} lanes {k}", k + 1
    booths = tuple(int(ch.value) if m else 0 for m in mask)
    try:
        group = LaneGroup(name, ch.target, BoothSchedule(booths))
    except SpecError as exc:
        raise ChangeError(f"change {ch.text!r}: {exc}") from None
    return _replace_port(spec, ch, lane_groups=(*spec.lane_groups, group))


def _apply_service(spec: PortSpec, ch: Change) -> PortSpec:
    if ch.value <= 0:
        raise ChangeError(f"change {ch.text!r}: the factor must be > 0")
    hit = False
    classes = []
    for c in spec.classes:
        svc = dict(c.service)
        for lt in svc:
            if ch.target in ("*", lt):
                svc[lt] = scaled_distribution(svc[lt], ch.value)
                hit = True
        classes.append(dataclasses.replace(c, service=svc))
    if not hit:
        raise ChangeError(f"change {ch.text!r}: no class has a service time in {ch.target!r}")
    return _replace_port(spec, ch, classes=tuple(classes))


def _apply_service_add(spec: PortSpec, ch: Change) -> PortSpec:
    names = [c.name for c in spec.classes]
    if ch.target not in names:
        raise ChangeError(f"change {ch.text!r}: no class {ch.target!r}; classes are {names}")
    if ch.value <= 0:
        raise ChangeError(f"change {ch.text!r}: the mean must be > 0 minutes")
    k = names.index(ch.target)
    c = spec.classes[k]
    # Same shape as the class's first service time, rescaled to the given mean.
    template = next(iter(c.service.values()))
    svc = dict(c.service)
    svc[ch.target2] = scaled_distribution(template, ch.value / template.mean)
    classes = list(spec.classes)
    classes[k] = dataclasses.replace(c, service=svc)
    return _replace_port(spec, ch, classes=tuple(classes))


def _apply_demand(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    mask = _hour_mask(ch, H)
    if ch.value < 0:
        raise ChangeError(f"change {ch.text!r}: the factor must be >= 0")
    names = [c.name for c in spec.classes]
    if ch.target and ch.target not in names:
        raise ChangeError(f"change {ch.text!r}: no class {ch.target!r}; classes are {names}")
    classes = []
    for c in spec.classes:
        if ch.target in ("", c.name):
            rates = [r * ch.value if m else r for r, m in zip(c.rates(H), mask, strict=True)]
            c = _with_rates(c, rates, ch)
        classes.append(c)
    return _replace_port(spec, ch, classes=tuple(classes))


def _apply_nexus(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    d = ch.value if ch.op == "+=" else -ch.value
    nexus = [k for k, c in enumerate(spec.classes) if "nexus" in c.service]
    other = [
        k
        for k, c in enumerate(spec.classes)
        if k not in nexus
        and any(lt in c.service for lt in _NEXUS_ELIGIBLE_TYPES)
        and "commercial" not in c.service
    ]
    if not nexus or not other:
        raise ChangeError(
            f"change {ch.text!r}: needs a NEXUS class (service.nexus) and at least one other "
            "passenger class (general or Ready service)"
        )
    rm = spec.rate_matrix
    classes = list(spec.classes)
    new = rm.copy()
    for h in range(H):
        n_h, o_h = float(rm[h, nexus].sum()), float(rm[h, other].sum())
        moved = d * (n_h + o_h)
        if moved > o_h + 1e-12 or -moved > n_h + 1e-12:
            raise ChangeError(
                f"change {ch.text!r}: hour {h} has a NEXUS share of "
                f"{n_h / (n_h + o_h):.0%}; it cannot move by {d:+.0%}"
            )
        if o_h > 0:
            new[h, other] = rm[h, other] * (1.0 - moved / o_h)
        if n_h > 0:
            new[h, nexus] = rm[h, nexus] * (1.0 + moved / n_h)
        else:
            new[h, nexus] = moved / len(nexus)
    for k in (*nexus, *other):
        classes[k] = _with_rates(classes[k], [max(0.0, float(x)) for x in new[:, k]], ch)
    return _replace_port(spec, ch, classes=tuple(classes))


def _apply_hours(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    mask = _hour_mask(ch, H)
    groups = []
    for g in spec.lane_groups:
        if not isinstance(g.staffing, BoothSchedule):
            raise ChangeError(
                f"change {ch.text!r}: lane group {g.name!r} is queue-triggered; hours need "
                "scheduled groups"
            )
        base = g.staffing.per_hour(H)
        open_hours = [h for h in range(H) if base[h] > 0]
        new = []
        for h in range(H):
            if not mask[h]:
                new.append(0)
            elif base[h] > 0:
                new.append(base[h])
            else:  # newly opened hour: the booths of the nearest hour that was open
                near = min(open_hours, key=lambda x: (min(abs(x - h), H - abs(x - h)), x))
                new.append(base[near])
        if not any(new):
            raise ChangeError(f"change {ch.text!r}: lane group {g.name!r} would never open")
        groups.append(dataclasses.replace(g, staffing=BoothSchedule(tuple(new))))
    classes = []
    for c in spec.classes:
        if c.trace_driven:
            assert c.arrival_times_min is not None
            kept = tuple(t for t in c.arrival_times_min if mask[min(int(t // 60), H - 1)])
            classes.append(dataclasses.replace(c, arrival_times_min=kept))
        else:
            # Traffic that would arrive while the port is closed does not come.
            rates = [r if m else 0.0 for r, m in zip(c.rates(H), mask, strict=True)]
            classes.append(_with_rates(c, rates, ch))
    return _replace_port(spec, ch, lane_groups=tuple(groups), classes=tuple(classes))


def _apply_essential(spec: PortSpec, ch: Change) -> PortSpec:
    if not 0 <= ch.value <= 1:
        raise ChangeError(f"change {ch.text!r}: the share kept must be in [0, 1]")
    H = spec.horizon_hours
    classes = []
    for c in spec.classes:
        if set(c.service) <= set(PASSENGER_LANE_TYPES):
            c = _with_rates(c, [r * ch.value for r in c.rates(H)], ch)
        classes.append(c)
    return _replace_port(spec, ch, classes=tuple(classes))


def _apply_colocate(spec: PortSpec, ch: Change) -> PortSpec:
    H = spec.horizon_hours
    by_type: dict[str, list[LaneGroup]] = {}
    for g in spec.lane_groups:
        by_type.setdefault(g.lane_type, []).append(g)
    if all(len(v) < 2 for v in by_type.values()):
        raise ChangeError(
            f"change {ch.text!r}: no two lane groups share a lane type; co-location needs "
            "both directions in one port (whatif --pair OTHER.toml)"
        )
    groups = []
    for lt, gs in by_type.items():
        if len(gs) == 1:
            groups.append(gs[0])
            continue
        scheds = []
        for g in gs:
            if not isinstance(g.staffing, BoothSchedule):
                raise ChangeError(f"change {ch.text!r}: lane group {g.name!r} is queue-triggered")
            scheds.append(g.staffing.per_hour(H))
        if math.isnan(ch.value):
            booths = tuple(sum(x) for x in zip(*scheds, strict=True))
        else:
            if ch.value < 1 or ch.value != int(ch.value):
                raise ChangeError(f"change {ch.text!r}: shared booths must be a whole number >= 1")
            # N booths whenever either facility was open; closed hours stay closed.
            booths = tuple(int(ch.value) if any(x) else 0 for x in zip(*scheds, strict=True))
        members: list[str] | None = []
        for g in gs:
            if g.classes is None or members is None:
                members = None
            else:
                members.extend(n for n in g.classes if n not in members)
        groups.append(
            LaneGroup(
                f"{lt} (shared)",
                lt,
                BoothSchedule(booths),
                tuple(members) if members is not None else None,
            )
        )
    return _replace_port(spec, ch, lane_groups=tuple(groups))


_APPLY = {
    "booths": _apply_booths,
    "lanes": _apply_lanes,
    "service": _apply_service,
    "service_add": _apply_service_add,
    "demand": _apply_demand,
    "nexus": _apply_nexus,
    "hours": _apply_hours,
    "essential": _apply_essential,
    "colocate": _apply_colocate,
}


def apply_changes(spec: PortSpec, changes: Sequence[Change | str]) -> PortSpec:
    """Apply changes in order and return the changed port (the input is not modified).

    Parameters
    ----------
    spec : PortSpec
        The baseline port.
    changes : sequence of Change or str
        Changes, parsed or as text.

    Returns
    -------
    PortSpec

    Raises
    ------
    ChangeError
        Naming the change that cannot be applied and why.
    """
    out = spec
    for item in changes:
        ch = parse_change(item) if isinstance(item, str) else item
        out = _APPLY[ch.kind](out, ch)
    return out


def combine_directions(a: PortSpec, b: PortSpec) -> PortSpec:
    """Both directions of a crossing as one port whose lane groups stay separate.

    Classes and lane groups are prefixed with their direction ("US-bound: cars") and each
    group serves only its direction's classes, so the result behaves like the two ports
    side by side (the secondary booths and the approach storage are pooled). It is the
    baseline of a ``colocate`` change, which then merges groups of the same lane type.

    Parameters
    ----------
    a, b : PortSpec
        The two directions (same horizon and ``drain``).

    Returns
    -------
    PortSpec
    """
    if a.horizon_hours != b.horizon_hours:
        raise ChangeError(
            f"the two directions have horizons of {a.horizon_hours} and {b.horizon_hours} h"
        )
    if a.drain != b.drain:
        raise ChangeError("the two directions differ in drain")
    if a.direction == b.direction:
        raise ChangeError(f"both scenario files are {a.direction}: give one of each direction")
    classes: list[TrafficClass] = []
    groups: list[LaneGroup] = []
    initial: list[InitialQueue] = []
    for spec in (a, b):
        p = f"{spec.direction}: "
        own = [dataclasses.replace(c, name=p + c.name) for c in spec.classes]
        classes.extend(own)
        for g in spec.lane_groups:
            members = tuple(p + c.name for c in spec.classes if g.admits(c))
            if members:
                groups.append(dataclasses.replace(g, name=p + g.name, classes=members))
        initial.extend(
            InitialQueue(p + q.group, p + q.traffic_class, q.count) for q in spec.initial_queue
        )
    sec = [s.secondary.booths for s in (a, b) if s.secondary is not None]
    metres = [s.storage.metres for s in (a, b) if s.storage is not None and s.storage.metres]
    try:
        return PortSpec(
            name=f"{a.name} + {b.name}",
            direction=a.direction,
            horizon_hours=a.horizon_hours,
            classes=tuple(classes),
            lane_groups=tuple(groups),
            secondary=Secondary(sum(sec)) if sec else None,
            storage=QueueStorage(metres=sum(metres)) if metres else None,
            drain=a.drain,
            initial_queue=tuple(initial),
            choice_rule=a.choice_rule,
        )
    except SpecError as exc:
        raise ChangeError(f"cannot combine the two directions: {exc}") from None


__all__ = [
    "PASSENGER_LANE_TYPES",
    "Change",
    "ChangeError",
    "apply_changes",
    "combine_directions",
    "nexus_share",
    "parse_change",
    "read_overlay",
    "scaled_distribution",
]
