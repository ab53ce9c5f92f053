"""Compiled (numba) cores of the compiled engine. Plain arrays in, plain arrays out.

Times are minutes from the start of the horizon. The semantics are those of
``docs/kernel-semantics.md``; :mod:`borderflow.sim._compiled` turns a specification into the
arrays used here. Three primary paths:

- :func:`run_single_constant`: one lane group with a constant booth count (the M/M/c
  workload): a Kiefer–Wolfowitz recursion over per-booth end times, one scan per vehicle.
- :func:`run_schedule`: any number of groups staffed by booth schedules, with the choice
  rule. Vehicle-driven: FIFO start times are non-decreasing within a group, so each
  vehicle's start depends only on earlier vehicles of its group.
- :func:`run_events`: the general event-driven loop (needed for queue-triggered staffing,
  whose booth count depends on later arrivals), with a binary heap of completions.

Secondary inspection is a separate pass (:func:`run_secondary`) since it never feeds back
into primary inspection.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from borderflow.sim._numba_env import jit

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B8 = npt.NDArray[np.bool_]


@jit
def hour_column(t: float, horizon_hours: int) -> int:
    """Return the schedule column in force at time ``t`` (``horizon_hours`` = drain column).

    Staffing changes at ``60.0 * h`` exactly; the correction steps guard against
    ``t / 60`` rounding across a boundary (so the estimate may be off by one).
    """
    if t >= 60.0 * horizon_hours:
        return horizon_hours
    h = int(t * (1.0 / 60.0))  # a product is cheaper than a quotient; corrected below
    if h > horizon_hours:
        h = horizon_hours
    if 60.0 * h > t:
        h -= 1
    elif h + 1 < horizon_hours and 60.0 * (h + 1) <= t:
        h += 1
    return max(h, 0)


@jit
def _ratio(waiting: int, open_booths: int) -> float:
    """Return ``waiting / open_booths`` with ``+inf`` (or 0 when nobody waits) at 0 booths."""
    if open_booths > 0:
        return waiting / open_booths
    if waiting > 0:
        return np.inf
    return 0.0


#: Choice-rule codes of :func:`choose_group`.
RULE_EXPECTED_WAIT = 0  # max(0, n - o + 1) / o * mean
RULE_WORK_PER_BOOTH = 1  # n / o * mean (mean = 1 for shortest_queue)


@jit
def choose_group(
    c: int, eligible: I64, n_eligible: I64, mean: F64, n_in: I64, n_open: I64, rule: int
) -> int:
    """Return the group of least ``E_g``; ``eligible[c]`` is pre-sorted by tie rank.

    ``rule`` 0: expected wait ``(max(0, n - o + 1) / o) * mean``; 1: work per booth
    ``(n / o) * mean``. ``o = 0`` gives ``+inf``.
    """
    best = -1
    best_e = np.inf
    for k in range(n_eligible[c]):
        g = eligible[c, k]
        o = n_open[g]
        if o <= 0:
            e = np.inf
        elif rule == RULE_EXPECTED_WAIT:
            e = (max(0, n_in[g] - o + 1) / o) * mean[c, g]
        else:
            e = (n_in[g] / o) * mean[c, g]
        if best < 0 or e < best_e:
            best = g
            best_e = e
    return best


# --- a min-heap of (time, vehicle) in plain arrays ---------------------------------------


@jit
def _eheap_less(t1: float, v1: int, t2: float, v2: int) -> bool:
    return t1 < t2 or (t1 == t2 and v1 < v2)


@jit
def _eheap_push(ht: F64, hv: I64, size: int, t: float, v: int) -> int:
    """Push completion ``(t, v)``; ties in ``t`` pop in vehicle order. Returns new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if not _eheap_less(t, v, ht[p], hv[p]):
            break
        ht[i] = ht[p]
        hv[i] = hv[p]
        i = p
    ht[i] = t
    hv[i] = v
    return size + 1


@jit
def _eheap_pop(ht: F64, hv: I64, size: int) -> int:
    """Remove the smallest completion. Returns the new size."""
    n = size - 1
    lt = ht[n]
    lv = hv[n]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _eheap_less(ht[child + 1], hv[child + 1], ht[child], hv[child]):
            child += 1
        if not _eheap_less(ht[child], hv[child], lt, lv):
            break
        ht[i] = ht[child]
        hv[i] = hv[child]
        i = child
    if n > 0:
        ht[i] = lt
        hv[i] = lv
    return n


# --- primary paths ---------------------------------------------------------------------------


@jit
def _earliest_booth(booth_end: F64, booths: int, t: float) -> tuple[int, float]:
    """Return the booth a FIFO head ready at ``t`` takes, and its start time [minutes].

    The lowest-index booth already free at ``t``; if none is, the one that frees first
    (lowest index among equal ends), starting when it frees.
    """
    min_end = np.inf
    min_b = 0
    for b in range(booths):
        e = booth_end[b]
        if e <= t:
            return b, t
        if e < min_end:
            min_end = e
            min_b = b
    return min_b, min_end


@jit
def run_single_constant(
    arrival: F64,
    service: F64,
    column: int,
    booths: int,
    drain: bool,
    horizon_hours: int,
    booth: I64,
    start: F64,
    end: F64,
) -> None:
    """One FIFO group, ``booths`` constant: start = max(arrival, previous start, min end).

    ``service[:, column]`` holds the vehicles' service times; results are written into ``booth``,
    ``start`` and ``end`` (NaN / -1 when never started).
    """
    n_veh = arrival.shape[0]
    stop = 60.0 * horizon_hours
    booth_end = np.full(max(booths, 1), -np.inf)
    last = -np.inf
    first_unserved = n_veh
    if booths <= 0:
        first_unserved = 0
    else:
        for n in range(n_veh):
            t = arrival[n]
            if last > t:
                t = last
            free, t = _earliest_booth(booth_end, booths, t)
            if not drain and t >= stop:
                first_unserved = n
                break
            e = t + service[n, column]
            booth_end[free] = e
            last = t
            start[n] = t
            end[n] = e
            booth[n] = free
    for n in range(first_unserved, n_veh):
        start[n] = np.nan
        end[n] = np.nan
        booth[n] = -1


@jit
def run_schedule(
    arrival: F64,
    cls: npt.NDArray[np.int32],
    service: F64,
    initial_group: I64,
    column: I64,
    schedule: I64,
    n_booths: I64,
    eligible: I64,
    n_eligible: I64,
    mean: F64,
    rule: int,
    drain: bool,
    horizon_hours: int,
    group: I64,
    booth: I64,
    start: F64,
    end: F64,
) -> None:
    """Vehicle-driven recursion for groups staffed by booth schedules.

    ``schedule[g, h]`` is the open count in hour ``h`` (column ``horizon_hours`` is the
    drain count). Vehicle ``n`` starts at the first ``t >= max(arrival, previous start in
    its group)`` where busy(t) < open(t); busy(t) counts booths whose last vehicle ends
    after ``t``. For the choice at ``a``, ``n_g(a)`` = vehicles in the group not finished
    at ``a``: those not started by ``a`` plus those in service at ``a`` (one per booth).
    """
    n_veh = arrival.shape[0]
    n_groups = column.shape[0]
    n_initial = initial_group.shape[0]
    stop = 60.0 * horizon_hours
    max_b = 1
    for g in range(n_groups):
        max_b = max(max_b, n_booths[g])
    booth_end = np.full((n_groups, max_b), -np.inf)
    last = np.full(n_groups, -np.inf)
    # Vehicles in a group a class can choose, n_g(a) = vehicles whose end > a: those not
    # started by a (starts are non-decreasing along the group's FIFO order) plus those in
    # service at a, at most one per booth. Per group: a pointer into its FIFO chain (a
    # linked list of vehicle indices) past the vehicles started by the last query, and per
    # booth the end of the latest vehicle started there by then.
    track = np.zeros(n_groups, np.bool_)
    for c in range(n_eligible.shape[0]):
        if n_eligible[c] > 1:
            for k in range(n_eligible[c]):
                track[eligible[c, k]] = True
    chain = np.empty(n_veh if n_veh > 0 else 1, np.int64)  # next vehicle of the same group
    tail = np.full(n_groups, -1, np.int64)  # last vehicle joined per group
    head = np.full(n_groups, -1, np.int64)  # first vehicle not started by the last query
    joined = np.zeros(n_groups, np.int64)
    passed = np.zeros(n_groups, np.int64)
    in_service = np.full((n_groups, max_b), -np.inf)
    n_in = np.zeros(n_groups, np.int64)
    n_open = np.zeros(n_groups, np.int64)
    # Groups with every booth open all the time (drain included): the first free booth,
    # or the one that frees first, as in run_single_constant; no hour lookups.
    constant = np.zeros(n_groups, np.bool_)
    for g in range(n_groups):
        constant[g] = n_booths[g] > 0
        for h in range(horizon_hours + 1):
            if schedule[g, h] != n_booths[g]:
                constant[g] = False
    for n in range(n_veh):
        a = arrival[n]
        c = cls[n]
        g = initial_group[n] if n < n_initial else -1
        if g < 0:
            if n_eligible[c] == 1:
                g = eligible[c, 0]
            else:
                col = hour_column(a, horizon_hours)
                for k in range(n_eligible[c]):
                    gg = eligible[c, k]
                    v = head[gg]
                    while v >= 0 and start[v] <= a:  # NaN (never started) stops it
                        in_service[gg, booth[v]] = end[v]
                        passed[gg] += 1
                        v = chain[v]
                    head[gg] = v
                    busy_now = 0
                    for b in range(n_booths[gg]):
                        busy_now += in_service[gg, b] > a
                    n_in[gg] = joined[gg] - passed[gg] + busy_now
                    n_open[gg] = schedule[gg, col]
                g = choose_group(c, eligible, n_eligible, mean, n_in, n_open, rule)
        group[n] = g
        t = a if a > last[g] else last[g]
        nb = n_booths[g]
        free = -1
        if constant[g]:
            if drain or t < stop:
                min_end = np.inf
                min_b = -1
                for b in range(nb):
                    e = booth_end[g, b]
                    if not e > t:
                        free = b
                        break
                    if min_b < 0 or e < min_end:
                        min_end = e
                        min_b = b
                if free < 0:
                    t = min_end
                    if t < np.inf and (drain or t < stop):
                        free = min_b
        else:
            while t < np.inf:
                if not drain and t >= stop:
                    break
                col = hour_column(t, horizon_hours)
                # busy < open  <=>  free booths >= nb - open + 1: stop scanning once that many
                # are found (the first free one is the lowest index, as in a full scan).
                need = nb - schedule[g, col] + 1
                n_free = 0
                nxt = np.inf
                free = -1
                for b in range(nb):
                    e = booth_end[g, b]
                    if e > t:
                        if e < nxt:
                            nxt = e
                    else:
                        if free < 0:
                            free = b
                        n_free += 1
                        if n_free >= need:
                            break
                if n_free >= need:
                    break
                free = -1
                if col < horizon_hours:
                    boundary = 60.0 * (col + 1)
                    if boundary < nxt:
                        nxt = boundary
                t = nxt
        if free >= 0:
            e = t + service[n, column[g]]
            start[n] = t
            end[n] = e
            booth[n] = free
            booth_end[g, free] = e
            last[g] = t
        else:
            start[n] = np.nan
            end[n] = np.nan
            booth[n] = -1
            last[g] = np.inf
            e = np.inf
        if track[g]:
            chain[n] = -1  # the end of the group's chain, until a vehicle joins after it
            if tail[g] >= 0:
                chain[tail[g]] = n
            tail[g] = n
            if head[g] < 0:
                head[g] = n
            joined[g] += 1


@jit
def _try_start(
    g: int,
    t: float,
    service: F64,
    column: I64,
    q_next: I64,
    q_head: I64,
    waiting: I64,
    busy: I64,
    n_open: I64,
    n_booths: I64,
    booth_end: F64,
    is_trigger: B8,
    min_booths: I64,
    close_below: F64,
    ht: F64,
    hv: I64,
    counters: I64,
    ch_t: F64,
    ch_g: I64,
    ch_o: I64,
    booth: I64,
    start: F64,
    end: F64,
) -> None:
    """Start head-of-queue vehicles of group ``g`` while busy < open.

    ``counters`` holds (completion-heap size, staffing changes recorded); the caller has
    reserved room for ``n_booths[g]`` more changes.
    """
    while waiting[g] > 0 and busy[g] < n_open[g]:
        v = q_head[g]
        q_head[g] = q_next[v]
        waiting[g] -= 1
        e = t + service[v, column[g]]
        free = 0
        for b in range(n_booths[g]):
            if booth_end[g, b] <= t:
                free = b
                break
        booth_end[g, free] = e
        start[v] = t
        end[v] = e
        booth[v] = free
        busy[g] += 1
        counters[0] = _eheap_push(ht, hv, counters[0], e, v)
        if is_trigger[g]:
            while n_open[g] > min_booths[g] and _ratio(waiting[g], n_open[g]) < close_below[g]:
                n_open[g] -= 1
                k = counters[1]
                ch_t[k] = t
                ch_g[k] = g
                ch_o[k] = n_open[g]
                counters[1] = k + 1


@jit
def _reserve(ch_t: F64, ch_g: I64, ch_o: I64, used: int, need: int) -> tuple[F64, I64, I64]:
    """Return the change buffers, grown (doubled) if fewer than ``need`` slots are free."""
    if used + need <= ch_t.shape[0]:
        return ch_t, ch_g, ch_o
    cap = max(2 * ch_t.shape[0], used + need)
    t2 = np.empty(cap)
    g2 = np.empty(cap, np.int64)
    o2 = np.empty(cap, np.int64)
    t2[:used] = ch_t[:used]
    g2[:used] = ch_g[:used]
    o2[:used] = ch_o[:used]
    return t2, g2, o2


@jit
def run_events(
    arrival: F64,
    cls: npt.NDArray[np.int32],
    service: F64,
    initial_group: I64,
    column: I64,
    schedule: I64,
    n_booths: I64,
    is_trigger: B8,
    min_booths: I64,
    max_booths: I64,
    open_above: F64,
    close_below: F64,
    eligible: I64,
    n_eligible: I64,
    mean: F64,
    rule: int,
    drain: bool,
    horizon_hours: int,
    group: I64,
    booth: I64,
    start: F64,
    end: F64,
) -> tuple[F64, I64, I64]:
    """General event-driven loop: hour boundaries, then completions, then arrivals.

    Trigger groups start at ``min_booths`` open; the opening loop runs after an arrival
    joins, the closing loop after every start. Schedule groups read ``schedule``.
    Returns the staffing changes of trigger groups (time, group, open count after).
    """
    n_veh = arrival.shape[0]
    n_groups = column.shape[0]
    n_initial = initial_group.shape[0]
    stop = 60.0 * horizon_hours
    max_b = 1
    total_b = 1
    for g in range(n_groups):
        max_b = max(max_b, n_booths[g])
        total_b += n_booths[g]
    booth_end = np.full((n_groups, max_b), -np.inf)
    n_open = np.zeros(n_groups, np.int64)
    any_schedule = False
    for g in range(n_groups):
        if is_trigger[g]:
            n_open[g] = min_booths[g]
        else:
            n_open[g] = schedule[g, 0]
            any_schedule = True
    busy = np.zeros(n_groups, np.int64)
    waiting = np.zeros(n_groups, np.int64)
    q_head = np.full(n_groups, -1, np.int64)
    q_tail = np.full(n_groups, -1, np.int64)
    q_next = np.full(n_veh, -1, np.int64)
    # Processed busy <= open <= n_booths per group, so the completion heap stays small.
    ht = np.empty(total_b)
    hv = np.empty(total_b, np.int64)
    counters = np.zeros(2, np.int64)
    ch_t = np.empty(64)
    ch_g = np.empty(64, np.int64)
    ch_o = np.empty(64, np.int64)
    n_in = np.zeros(n_groups, np.int64)
    for n in range(n_veh):
        start[n] = np.nan
        end[n] = np.nan
        booth[n] = -1
        group[n] = -1
    nxt_arr = 0
    nxt_hour = 1 if any_schedule else horizon_hours + 1
    while True:
        t_arr = arrival[nxt_arr] if nxt_arr < n_veh else np.inf
        t_cmp = ht[0] if counters[0] > 0 else np.inf
        t_hour = 60.0 * nxt_hour if nxt_hour <= horizon_hours else np.inf
        t = min(t_arr, t_cmp, t_hour)
        if t == np.inf or (not drain and t >= stop):
            break
        if t_hour <= t_cmp and t_hour <= t_arr:
            for g in range(n_groups):
                if not is_trigger[g]:
                    n_open[g] = schedule[g, nxt_hour]
            nxt_hour += 1
            if counters[1] + total_b > ch_t.shape[0]:
                ch_t, ch_g, ch_o = _reserve(ch_t, ch_g, ch_o, counters[1], total_b)
            for g in range(n_groups):
                _try_start(
                    g, t, service, column, q_next, q_head, waiting, busy, n_open,
                    n_booths, booth_end, is_trigger, min_booths, close_below, ht, hv,
                    counters, ch_t, ch_g, ch_o, booth, start, end,
                )  # fmt: skip
        elif t_cmp <= t_arr:
            v = hv[0]
            counters[0] = _eheap_pop(ht, hv, counters[0])
            g = group[v]
            busy[g] -= 1
            if counters[1] + total_b > ch_t.shape[0]:
                ch_t, ch_g, ch_o = _reserve(ch_t, ch_g, ch_o, counters[1], total_b)
            _try_start(
                g, t, service, column, q_next, q_head, waiting, busy, n_open,
                n_booths, booth_end, is_trigger, min_booths, close_below, ht, hv,
                counters, ch_t, ch_g, ch_o, booth, start, end,
            )  # fmt: skip
        else:
            v = nxt_arr
            nxt_arr += 1
            c = cls[v]
            g = initial_group[v] if v < n_initial else -1
            if g < 0:
                if n_eligible[c] == 1:
                    g = eligible[c, 0]
                else:
                    for k in range(n_eligible[c]):
                        gg = eligible[c, k]
                        n_in[gg] = waiting[gg] + busy[gg]
                    g = choose_group(c, eligible, n_eligible, mean, n_in, n_open, rule)
            group[v] = g
            if waiting[g] == 0:
                q_head[g] = v
            else:
                q_next[q_tail[g]] = v
            q_tail[g] = v
            waiting[g] += 1
            if counters[1] + 2 * total_b > ch_t.shape[0]:
                ch_t, ch_g, ch_o = _reserve(ch_t, ch_g, ch_o, counters[1], 2 * total_b)
            if is_trigger[g]:
                while _ratio(waiting[g], n_open[g]) > open_above[g] and n_open[g] < max_booths[g]:
                    n_open[g] += 1
                    k = counters[1]
                    ch_t[k] = t
                    ch_g[k] = g
                    ch_o[k] = n_open[g]
                    counters[1] = k + 1
            _try_start(
                g, t, service, column, q_next, q_head, waiting, busy, n_open,
                n_booths, booth_end, is_trigger, min_booths, close_below, ht, hv,
                counters, ch_t, ch_g, ch_o, booth, start, end,
            )  # fmt: skip
    n_ch = counters[1]
    return ch_t[:n_ch].copy(), ch_g[:n_ch].copy(), ch_o[:n_ch].copy()


@jit
def run_secondary(
    end: F64,
    referred: B8,
    secondary_service: F64,
    booths: int,
    drain: bool,
    horizon_hours: int,
    sec_start: F64,
    sec_end: F64,
) -> None:
    """Secondary FIFO queue with constant booths, in (primary end, vehicle index) order."""
    n_veh = end.shape[0]
    stop = 60.0 * horizon_hours
    for n in range(n_veh):
        sec_start[n] = np.nan
        sec_end[n] = np.nan
    if booths <= 0:
        return
    count = 0
    for n in range(n_veh):
        if referred[n] and np.isfinite(end[n]) and (drain or end[n] < stop):
            count += 1
    idx = np.empty(count, np.int64)
    keys = np.empty(count)
    k = 0
    for n in range(n_veh):
        if referred[n] and np.isfinite(end[n]) and (drain or end[n] < stop):
            idx[k] = n
            keys[k] = end[n]
            k += 1
    order = np.argsort(keys, kind="mergesort")
    booth_end = np.full(booths, -np.inf)
    last = -np.inf
    for j in range(count):
        v = idx[order[j]]
        t = end[v]
        if last > t:
            t = last
        free, t = _earliest_booth(booth_end, booths, t)
        if not drain and t >= stop:
            break
        e = t + secondary_service[v]
        booth_end[free] = e
        last = t
        sec_start[v] = t
        sec_end[v] = e
