"""The port specification: a frozen, validated description of one direction of a crossing.

See ``docs/kernel-semantics.md`` for what a specification means. Construction checks every
field and raises :class:`~borderflow.sim._errors.SpecError` naming the field path and value.
Times are in minutes, rates in vehicles/hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from borderflow.sim._bounds import MAX_HORIZON_HOURS
from borderflow.sim._errors import SpecError
from borderflow.sim._parts import (
    BoolArray,
    BoothSchedule,
    FloatArray,
    InitialQueue,
    IntArray,
    LaneGroup,
    QueueStorage,
    Secondary,
    TrafficClass,
    check_name,
    is_int,
)
from borderflow.vocab import DIRECTIONS, LANE_TYPES

#: Lane-choice rules both engines implement (``docs/kernel-semantics.md``, "Choice rules"):
#: ``least_expected_wait`` (default): ``max(0, n - o + 1) / o x mean service``;
#: ``least_work_per_booth``: ``n / o x mean service`` (the default of format version 1);
#: ``shortest_queue``: ``n / o``.
CHOICE_RULES: tuple[str, ...] = ("least_expected_wait", "least_work_per_booth", "shortest_queue")


@dataclass(frozen=True)
class PortSpec:
    """One direction of one crossing: classes, lane groups, staffing, secondary, storage.

    Parameters
    ----------
    name : str
        Name of the crossing and direction.
    direction : str
        ``"US-bound"`` (CBP) or ``"Canada-bound"`` (CBSA).
    horizon_hours : int
        Arrival horizon [hours], >= 1.
    classes : tuple of TrafficClass
        Traffic classes, unique names.
    lane_groups : tuple of LaneGroup
        Lane groups, unique names.
    secondary : Secondary, optional
        Secondary inspection (required if any class may be referred).
    storage : QueueStorage, optional
        Approach storage for spill-back reporting.
    drain : bool
        Keep serving after the horizon until every vehicle is served (default), or stop at
        ``60 * horizon_hours`` minutes.
    initial_queue : tuple of InitialQueue or (group, class, count) tuples
        Vehicles waiting at t = 0, in this order.
    choice_rule : str
        Lane-choice rule, one of :data:`CHOICE_RULES`.
    """

    name: str
    direction: Literal["US-bound", "Canada-bound"]
    horizon_hours: int
    classes: tuple[TrafficClass, ...]
    lane_groups: tuple[LaneGroup, ...]
    secondary: Secondary | None = None
    storage: QueueStorage | None = None
    drain: bool = True
    initial_queue: tuple[InitialQueue, ...] = field(default=())
    choice_rule: str = "least_expected_wait"

    def __post_init__(self) -> None:
        check_name("name", self.name)
        if self.direction not in DIRECTIONS:
            raise SpecError(f"direction = {self.direction!r}: must be one of {list(DIRECTIONS)}")
        H = self.horizon_hours
        if not is_int(H) or H < 1:
            raise SpecError(f"horizon_hours = {H!r}: must be an integer >= 1")
        if H > MAX_HORIZON_HOURS:
            raise SpecError(
                f"horizon_hours = {H!r}: at most {MAX_HORIZON_HOURS:,} (about 114 years); "
                "split the run"
            )
        object.__setattr__(self, "horizon_hours", int(H))
        if not isinstance(self.drain, bool):
            raise SpecError(f"drain = {self.drain!r}: must be true or false")
        if self.choice_rule not in CHOICE_RULES:
            raise SpecError(
                f"choice_rule = {self.choice_rule!r}: must be one of {list(CHOICE_RULES)}"
            )
        classes = tuple(self.classes)
        groups = tuple(self.lane_groups)
        object.__setattr__(self, "classes", classes)
        object.__setattr__(self, "lane_groups", groups)
        if not classes:
            raise SpecError("classes = []: needs at least one traffic class")
        if not groups:
            raise SpecError("lane_groups = []: needs at least one lane group")
        for i, c in enumerate(classes):
            if not isinstance(c, TrafficClass):
                raise SpecError(f"classes[{i}] = {c!r}: not a TrafficClass")
        for j, g in enumerate(groups):
            if not isinstance(g, LaneGroup):
                raise SpecError(f"lane_groups[{j}] = {g!r}: not a LaneGroup")
        self._check_unique("classes", [c.name for c in classes])
        self._check_unique("lane_groups", [g.name for g in groups])
        lane_types_present = {g.lane_type for g in groups}
        class_names = [c.name for c in classes]
        for j, g in enumerate(groups):
            for i, n in enumerate(g.classes or ()):
                if n not in class_names:
                    raise SpecError(f"lane_groups[{j}].classes[{i}] = {n!r}: no such class")
                if g.lane_type not in classes[class_names.index(n)].service:
                    raise SpecError(
                        f"lane_groups[{j}].classes[{i}] = {n!r}: the class has no service "
                        f"time for lane type {g.lane_type!r}"
                    )
        for i, c in enumerate(classes):
            where = f"classes[{i}]"
            if isinstance(c.rate_per_hour, tuple) and len(c.rate_per_hour) != H:
                raise SpecError(
                    f"{where}.rate_per_hour has {len(c.rate_per_hour)} values: needs "
                    f"horizon_hours = {H} (or a single number)"
                )
            if not any(g.admits(c) for g in groups):
                raise SpecError(
                    f"{where}.service = {sorted(c.service)}: class {c.name!r} has no eligible "
                    f"lane group (lane groups have types {sorted(lane_types_present)})"
                )
            if c.arrival_times_min is not None:
                for k, t in enumerate(c.arrival_times_min):
                    if t >= 60.0 * H:
                        raise SpecError(
                            f"{where}.arrival_times_min[{k}] = {t!r}: must be < 60 * "
                            f"horizon_hours = {60.0 * H}"
                        )
            if c.referral_probability > 0 and self.secondary is None:
                raise SpecError(
                    f"{where}.referral_probability = {c.referral_probability!r}: referrals "
                    "need a [secondary] section"
                )
        for j, g in enumerate(groups):
            st = g.staffing
            if isinstance(st, BoothSchedule) and len(st.booths) not in (1, H):
                raise SpecError(
                    f"lane_groups[{j}].booths has {len(st.booths)} values: needs "
                    f"horizon_hours = {H} (or a single number)"
                )
        if self.secondary is not None and not isinstance(self.secondary, Secondary):
            raise SpecError(f"secondary = {self.secondary!r}: not a Secondary")
        if self.storage is not None and not isinstance(self.storage, QueueStorage):
            raise SpecError(f"storage = {self.storage!r}: not a QueueStorage")
        self._check_initial_queue()

    @staticmethod
    def _check_unique(where: str, names: list[str]) -> None:
        seen: set[str] = set()
        for i, n in enumerate(names):
            if n in seen:
                raise SpecError(f"{where}[{i}].name = {n!r}: duplicate name")
            seen.add(n)

    def _check_initial_queue(self) -> None:
        items: list[InitialQueue] = []
        group_names = [g.name for g in self.lane_groups]
        class_names = [c.name for c in self.classes]
        for k, item in enumerate(tuple(self.initial_queue)):
            where = f"initial_queue[{k}]"
            if isinstance(item, InitialQueue):
                iq = item
            else:
                try:
                    g, c, n = item
                except (TypeError, ValueError):
                    raise SpecError(f"{where} = {item!r}: must be (group, class, count)") from None
                iq = InitialQueue(g, c, n)
            if iq.group not in group_names:
                raise SpecError(f"{where}.group = {iq.group!r}: no such lane group")
            if iq.traffic_class not in class_names:
                raise SpecError(f"{where}.traffic_class = {iq.traffic_class!r}: no such class")
            if not is_int(iq.count) or iq.count < 0:
                raise SpecError(f"{where}.count = {iq.count!r}: must be an integer >= 0")
            lt = self.lane_groups[group_names.index(iq.group)].lane_type
            cls = self.classes[class_names.index(iq.traffic_class)]
            if not self.lane_groups[group_names.index(iq.group)].admits(cls):
                raise SpecError(
                    f"{where}.traffic_class = {iq.traffic_class!r}: not eligible for lane "
                    f"group {iq.group!r} (lane type {lt!r})"
                )
            items.append(InitialQueue(iq.group, iq.traffic_class, int(iq.count)))
        object.__setattr__(self, "initial_queue", tuple(items))

    # ---- derived arrays, shared by the draws, both engines and the results ----

    @property
    def n_classes(self) -> int:
        """Number of traffic classes."""
        return len(self.classes)

    @property
    def n_groups(self) -> int:
        """Number of lane groups."""
        return len(self.lane_groups)

    def class_index(self, name: str) -> int:
        """Index of the class called ``name``."""
        return [c.name for c in self.classes].index(name)

    def group_index(self, name: str) -> int:
        """Index of the lane group called ``name``."""
        return [g.name for g in self.lane_groups].index(name)

    @cached_property
    def rate_matrix(self) -> FloatArray:
        """Poisson rates, shape (horizon_hours, n_classes) [vehicles/hour]; 0 for traces."""
        out = np.zeros((self.horizon_hours, self.n_classes))
        for k, c in enumerate(self.classes):
            if not c.trace_driven:
                out[:, k] = c.rates(self.horizon_hours)
        out.flags.writeable = False
        return out

    @cached_property
    def service_lane_types(self) -> tuple[int, ...]:
        """Lane-type indices that have a service-time column in the draws (sorted).

        The union of the lane types of every class's ``service`` mapping; it does not
        depend on the lane groups, so changing lanes or booths keeps the same draws.
        """
        used = {LANE_TYPES.index(lt) for c in self.classes for lt in c.service}
        return tuple(sorted(used))

    @cached_property
    def eligible(self) -> BoolArray:
        """Eligibility, shape (n_classes, n_groups): class k may use group g."""
        out = np.array(
            [[g.admits(c) for g in self.lane_groups] for c in self.classes],
            dtype=np.bool_,
        )
        out.flags.writeable = False
        return out

    @cached_property
    def mean_service_matrix(self) -> FloatArray:
        """Mean primary service, shape (n_classes, n_groups) [minutes]; NaN if not eligible."""
        out = np.full((self.n_classes, self.n_groups), np.nan)
        for k, c in enumerate(self.classes):
            for g, grp in enumerate(self.lane_groups):
                if grp.admits(c):
                    out[k, g] = c.service[grp.lane_type].mean
        out.flags.writeable = False
        return out

    @cached_property
    def specialisation(self) -> IntArray:
        """Number of classes eligible for each group (fewer = more specialised)."""
        out: IntArray = np.asarray(self.eligible.sum(axis=0), dtype=np.int64)
        out.flags.writeable = False
        return out

    @cached_property
    def group_lane_type(self) -> IntArray:
        """Lane-type index of each lane group."""
        out = np.array([g.lane_type_index for g in self.lane_groups], dtype=np.int64)
        out.flags.writeable = False
        return out

    @cached_property
    def schedule_matrix(self) -> IntArray:
        """Scheduled booths, shape (n_groups, horizon_hours); -1 rows for queue triggers."""
        out = np.full((self.n_groups, self.horizon_hours), -1, dtype=np.int64)
        for g, grp in enumerate(self.lane_groups):
            if isinstance(grp.staffing, BoothSchedule):
                out[g] = grp.staffing.per_hour(self.horizon_hours)
        out.flags.writeable = False
        return out

    @cached_property
    def drain_booths(self) -> IntArray:
        """Booths of each scheduled group after the horizon when draining (-1 for triggers)."""
        out = np.array(
            [
                g.staffing.drain_booths(self.horizon_hours)
                if isinstance(g.staffing, BoothSchedule)
                else -1
                for g in self.lane_groups
            ],
            dtype=np.int64,
        )
        out.flags.writeable = False
        return out

    @cached_property
    def max_booths(self) -> IntArray:
        """Most booths a group can ever have open (schedule maximum or ``max_booths``)."""
        out = np.array(
            [
                max(g.staffing.booths)
                if isinstance(g.staffing, BoothSchedule)
                else g.staffing.max_booths
                for g in self.lane_groups
            ],
            dtype=np.int64,
        )
        out.flags.writeable = False
        return out

    @property
    def vehicle_lengths_m(self) -> FloatArray:
        """Queued length of one vehicle of each class [metres]."""
        return np.array([c.vehicle_length_m for c in self.classes])


__all__ = ["CHOICE_RULES", "DIRECTIONS", "LANE_TYPES", "PortSpec"]
