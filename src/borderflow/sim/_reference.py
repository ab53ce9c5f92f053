"""The reference engine: a plain event-driven simulation, written to be read.

It implements ``docs/kernel-semantics.md`` directly with a heap of events keyed by
``(time, kind, index)``, one FIFO deque per lane group and one for secondary inspection.
It is slow (pure Python, fine up to about 10^5 vehicles) and exists to define what the
compiled engine must reproduce vehicle by vehicle. It is written independently of the compiled
engine: do not share code with it.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from borderflow.sim._draws import VehicleDraws
from borderflow.sim._parts import QueueTrigger
from borderflow.sim._records import StaffingChanges, VehicleRecords
from borderflow.sim._spec import PortSpec

# Event kinds, in the order they are processed at equal times.
HOUR_BOUNDARY = 0
PRIMARY_END = 1
SECONDARY_END = 2
ARRIVAL = 3


class ChoiceRule(Protocol):
    """Chooses the lane group an arriving vehicle joins.

    Called with the vehicle's class, its eligible groups (ascending index), the number of
    vehicles in each group (waiting + in service) and the open booths of each group.
    """

    def __call__(
        self, k: int, eligible: Sequence[int], in_group: Sequence[int], open_: Sequence[int]
    ) -> int:
        """Return the chosen group index."""
        ...


class LeastExpectedWait:
    """Default rule: least expected wait; ties to the most specialised group.

    A vehicle joining a FIFO group with ``n`` vehicles present (waiting and in service)
    and ``o`` open booths waits for ``max(0, n - o + 1)`` departures, which come at about
    ``o`` per mean service time: ``E = max(0, n - o + 1) / o x mean``. ``o = 0`` gives
    ``+inf``.

    Parameters
    ----------
    spec : PortSpec
        The port (mean service times and specialisation come from it).
    """

    def __init__(self, spec: PortSpec) -> None:
        self.mean = spec.mean_service_matrix
        self.special = [int(x) for x in spec.specialisation]

    def expected(self, k: int, g: int, n: int, o: int) -> float:
        """Return the expected wait [minutes] in group ``g`` for class ``k``."""
        if o == 0:
            return math.inf
        return (max(0, n - o + 1) / o) * float(self.mean[k, g])

    def __call__(
        self, k: int, eligible: Sequence[int], in_group: Sequence[int], open_: Sequence[int]
    ) -> int:
        """Return the eligible group with the least ``E``, ties by (specialisation, index)."""
        best: tuple[float, int, int] | None = None
        for g in eligible:
            key = (self.expected(k, g, in_group[g], open_[g]), self.special[g], g)
            if best is None or key < best:
                best = key
        assert best is not None
        return best[2]


class LeastWorkPerBooth(LeastExpectedWait):
    """Rule ``least_work_per_booth``: least ``n / o x mean`` (format version 1's default).

    Parameters
    ----------
    spec : PortSpec
        The port.
    use_service_time : bool
        ``False`` gives the ``shortest_queue`` rule (vehicles per open booth, ``n / o``).
    """

    def __init__(self, spec: PortSpec, use_service_time: bool = True) -> None:
        super().__init__(spec)
        self.use_service_time = use_service_time

    def expected(self, k: int, g: int, n: int, o: int) -> float:
        """Return the work per open booth [minutes] (or vehicles per booth) in group ``g``."""
        if o == 0:
            return math.inf
        e = n / o
        return e * float(self.mean[k, g]) if self.use_service_time else e


def default_choice_rule(spec: PortSpec) -> ChoiceRule:
    """Return the rule named by ``spec.choice_rule``."""
    if spec.choice_rule == "shortest_queue":
        return LeastWorkPerBooth(spec, use_service_time=False)
    if spec.choice_rule == "least_work_per_booth":
        return LeastWorkPerBooth(spec)
    return LeastExpectedWait(spec)


def run_reference(
    spec: PortSpec, draws: VehicleDraws, choice: ChoiceRule | None = None
) -> VehicleRecords:
    """Simulate one replication, event by event.

    Parameters
    ----------
    spec : PortSpec
        The port.
    draws : VehicleDraws
        The replication's vehicles, in processing order.
    choice : ChoiceRule, optional
        Lane-choice rule; default: the rule named by ``spec.choice_rule``.

    Returns
    -------
    VehicleRecords
        Per-vehicle times [minutes] and the staffing changes of triggered groups.
    """
    rule = choice if choice is not None else default_choice_rule(spec)
    N = draws.n
    G = spec.n_groups
    H = spec.horizon_hours
    stop = math.inf if spec.drain else 60.0 * H

    arrival = draws.arrival_min
    klass = draws.class_index
    service = draws.group_service_min(spec)  # (N, G) minutes
    referred = draws.referred
    eligible = [[g for g in range(G) if spec.eligible[k, g]] for k in range(spec.n_classes)]

    triggers: list[QueueTrigger | None] = [
        grp.staffing if isinstance(grp.staffing, QueueTrigger) else None for grp in spec.lane_groups
    ]
    schedule = spec.schedule_matrix
    open_ = [t.min_booths if t is not None else int(schedule[g, 0]) for g, t in enumerate(triggers)]
    queue: list[deque[int]] = [deque() for _ in range(G)]
    busy = [0] * G
    free_at = [[-math.inf] * int(spec.max_booths[g]) for g in range(G)]
    sec_queue: deque[int] = deque()
    sec_busy = 0
    sec_booths = spec.secondary.booths if spec.secondary is not None else 0

    group_of = np.full(N, -1, dtype=np.int64)
    booth_of = np.full(N, -1, dtype=np.int64)
    start = np.full(N, np.nan)
    end = np.full(N, np.nan)
    sec_start = np.full(N, np.nan)
    sec_end = np.full(N, np.nan)
    changes: list[tuple[float, int, int]] = []

    events: list[tuple[float, int, int]] = [(float(arrival[i]), ARRIVAL, i) for i in range(N)]
    if any(t is None for t in triggers):
        events += [(60.0 * h, HOUR_BOUNDARY, h) for h in range(1, H)]
        if spec.drain:
            events.append((60.0 * H, HOUR_BOUNDARY, H))
    heapq.heapify(events)

    def per_booth(waiting: int, o: int) -> float:
        if o == 0:
            return math.inf if waiting > 0 else 0.0
        return waiting / o

    def close_booths(g: int, t: float) -> None:
        trig = triggers[g]
        assert trig is not None
        while open_[g] > trig.min_booths and per_booth(len(queue[g]), open_[g]) < trig.close_below:
            open_[g] -= 1
            changes.append((t, g, open_[g]))

    def open_booths(g: int, t: float) -> None:
        trig = triggers[g]
        assert trig is not None
        while open_[g] < trig.max_booths and per_booth(len(queue[g]), open_[g]) > trig.open_above:
            open_[g] += 1
            changes.append((t, g, open_[g]))

    def start_primary(g: int, t: float) -> None:
        # Count rule: the head starts while fewer booths are busy than are open.
        while queue[g] and busy[g] < open_[g]:
            i = queue[g].popleft()
            b = next(b for b, f in enumerate(free_at[g]) if f <= t)
            start[i] = t
            end[i] = t + service[i, g]
            free_at[g][b] = end[i]
            booth_of[i] = b
            busy[g] += 1
            heapq.heappush(events, (float(end[i]), PRIMARY_END, i))
            if triggers[g] is not None:
                close_booths(g, t)

    def start_secondary(t: float) -> None:
        nonlocal sec_busy
        while sec_queue and sec_busy < sec_booths:
            i = sec_queue.popleft()
            sec_start[i] = t
            sec_end[i] = t + draws.secondary_min[i]
            sec_busy += 1
            heapq.heappush(events, (float(sec_end[i]), SECONDARY_END, i))

    while events:
        t, kind, i = heapq.heappop(events)
        if t >= stop:
            break  # drain=False: nothing happens from the end of the horizon on
        if kind == HOUR_BOUNDARY:
            for g in range(G):
                if triggers[g] is None:
                    open_[g] = int(schedule[g, i]) if i < H else int(spec.drain_booths[g])
                    start_primary(g, t)
        elif kind == PRIMARY_END:
            g = int(group_of[i])
            busy[g] -= 1
            if referred[i]:
                sec_queue.append(i)
                start_secondary(t)
            start_primary(g, t)
        elif kind == SECONDARY_END:
            sec_busy -= 1
            start_secondary(t)
        else:
            if i < draws.n_initial:
                g = int(draws.initial_group[i])
            else:
                k = int(klass[i])
                in_group = [len(queue[h]) + busy[h] for h in range(G)]
                g = rule(k, eligible[k], in_group, open_)
            group_of[i] = g
            queue[g].append(i)
            if triggers[g] is not None:
                open_booths(g, t)
            start_primary(g, t)

    if changes:
        ch = np.array(changes, dtype=np.float64)
        staffing = StaffingChanges(ch[:, 0], ch[:, 1].astype(np.int64), ch[:, 2].astype(np.int64))
    else:
        staffing = StaffingChanges.empty()
    return VehicleRecords(
        arrival_min=arrival.copy(),
        class_index=klass.copy(),
        group_index=group_of,
        booth_index=booth_of,
        start_min=start,
        end_min=end,
        referred=referred.copy(),
        secondary_start_min=sec_start,
        secondary_end_min=sec_end,
        staffing_changes=staffing,
    )


__all__ = [
    "ChoiceRule",
    "LeastExpectedWait",
    "LeastWorkPerBooth",
    "default_choice_rule",
    "run_reference",
]
