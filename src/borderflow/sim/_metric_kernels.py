"""Compiled (numba) passes that turn one replication's records into its metrics.

Two passes over plain arrays (times in minutes, vehicles in arrival order), and a
finishing loop:

- :func:`record_pass`: one sweep over the queue's events (arrivals +1; starts -1, merged
  from the lane groups' FIFO runs; starts first at equal times), which also takes each
  vehicle's statistics at its arrival:

  - per vehicle: counts, waits, delay, throughput, and every time integral as the
    overlap of an interval with each clock hour (busy booths ``[start, end)``, the
    waiting queue ``[arrival, start)`` in vehicles and km);
  - per event: maxima per clock hour of the waiting queue per lane type [vehicles, km]
    and of the total queue [vehicles, metres], and the minutes over the approach
    storage. Maxima are taken after all the events of an instant, so a vehicle that
    arrives and starts at the same moment never counts.

- :func:`wait_percentiles`: percentiles of the waits per (hour of arrival, lane type)
  from numpy's sort of the positive waits and a counting sort by key, each key's zero
  waits first (numpy's linear interpolation).
- :func:`hourly_means`: mean waits per (hour, lane type) and the hours of each day over
  30 and 60 minutes.

Cost: O(N x G) for the sweep and the merge (G lane groups) plus O(P log P) for the sort
of the P positive waits; no Python loop over vehicles or hours.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from borderflow.sim._numba_env import jit

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@jit
def _hour(t: float, H: int) -> int:
    """Clock hour of time ``t`` [minutes], clamped to ``[0, H - 1]``; ``floor(t / 60)``."""
    if t < 0.0:
        return 0
    h = int(t * (1.0 / 60.0))
    # the product may round across a boundary: hour h holds [60 h, 60 h + 60) exactly
    if 60.0 * h > t:
        h -= 1
    elif 60.0 * (h + 1) <= t:
        h += 1
    if h > H - 1:
        return H - 1
    return h


@jit
def _add_overlap(out: F64, col: int, t0: float, t1: float, H: int, weight: float) -> None:
    """Add ``weight`` x the length of ``[t0, t1)`` inside each clock hour to ``out[:, col]``."""
    end = 60.0 * H
    if t1 > end:
        t1 = end
    if t0 < 0.0:
        t0 = 0.0
    if not t1 > t0:
        return
    h = _hour(t0, H)
    if t1 <= 60.0 * (h + 1):  # the usual case: inside one hour
        out[h, col] += weight * (t1 - t0)
        return
    while h < H:
        lo = 60.0 * h
        hi = lo + 60.0
        a = t0 if t0 > lo else lo
        b = t1 if t1 < hi else hi
        if b > a:
            out[h, col] += weight * (b - a)
        if t1 <= hi:
            break
        h += 1


@jit
def _starts_by_group(
    start: F64, group: I64, group_pos: I64, cls: npt.NDArray[np.int32]
) -> tuple[F64, I64, npt.NDArray[np.int32], I64]:
    """Return each group's start times, with each start's lane type and traffic class.

    Vehicles that never started are left out. FIFO makes start times non-decreasing
    within a lane group in vehicle order, so each group's run ``first[g] : first[g + 1]``
    is sorted. Returns (times, lane-type positions, classes, first).
    """
    n = start.shape[0]
    n_groups = group_pos.shape[0]
    first = np.zeros(n_groups + 1, np.int64)
    for i in range(n):
        if start[i] == start[i]:
            first[group[i] + 1] += 1
    for g in range(n_groups):
        first[g + 1] += first[g]
    times = np.empty(first[n_groups])
    pos = np.empty(first[n_groups], np.int64)
    klass = np.empty(first[n_groups], np.int32)
    fill = first[:-1].copy()
    for i in range(n):
        if start[i] == start[i]:
            g = group[i]
            k = fill[g]
            times[k] = start[i]
            pos[k] = group_pos[g]
            klass[k] = cls[i]
            fill[g] = k + 1
    return times, pos, klass, first


@jit
def _enter_hours(
    h_from: int,
    h_to: int,
    T: int,
    level: F64,
    level_km: F64,
    total: float,
    total_m: float,
    q_max: F64,
    km_max: F64,
    tot_max: F64,
    tot_m_max: F64,
) -> None:
    """Hours ``h_from .. h_to - 1`` start with the current levels (count them in the max)."""
    for h in range(h_from, h_to):
        for q in range(T):
            q_max[h, q] = max(q_max[h, q], level[q])
            km_max[h, q] = max(km_max[h, q], level_km[q])
        tot_max[h] = max(tot_max[h], total)
        tot_m_max[h] = max(tot_m_max[h], total_m)


@jit
def _add_time(over: F64, t0: float, t1: float, H: int) -> None:
    """Add the minutes of ``[t0, t1)`` to ``over`` hour by hour."""
    h = _hour(t0, H)
    while h < H and t1 > t0:
        hi = 60.0 * (h + 1)
        b = t1 if t1 < hi else hi
        over[h] += b - t0
        t0 = b
        h += 1


@jit
def record_pass(
    arrival: F64,
    start: F64,
    end: F64,
    group: I64,
    group_pos: I64,
    cls: npt.NDArray[np.int32],
    class_m: F64,
    class_km: F64,
    sec_start: F64,
    sec_end: F64,
    H: int,
    T: int,
    cap_v: float,
    cap_m: float,
    wait_key: I64,
    wait_val: F64,
    hourly: F64,
    storage: F64,
    delay_day: F64,
    totals: F64,
) -> None:
    """Sweep the queue's events; take each vehicle's statistics at its arrival.

    Events: arrivals +1 (vehicles are in arrival order), starts -1 (merged from the lane
    groups' FIFO sequences); at equal times the starts go first and the maxima are taken
    after all the events of the instant. ``cap_v`` / ``cap_m``: storage in vehicles /
    metres (``+inf`` when not given); ``class_km`` is ``class_m / 1000``.

    Time integrals are overlaps with each clock hour: busy booth-minutes of
    ``[start, end)``; waiting vehicle-minutes (and km-minutes) of ``[arrival, start)``,
    up to the end of the horizon for a vehicle never started. Vehicles arriving at or
    after the horizon (none from the draws) get their statistics after the sweep.

    Outputs (accumulated into the arrays given): ``hourly`` (10, H, T): count, served,
    wait sum, stranded, throughput, busy, waiting vehicle-minutes, waiting km-minutes
    (all by hour of arrival or clock hour as in the results), queue maximum [vehicles]
    and [km]; ``storage`` (3, H): total queue maximum [vehicles] and [metres], minutes
    over either storage; ``delay_day`` (D, T). ``wait_key`` / ``wait_val`` receive, for
    the vehicles that started and waited (wait > 0; the first ``totals[9]``), the key
    ``hour of arrival * T + lane-type position`` and the wait. ``totals`` receives: [0]
    waits of served vehicles, [1] served vehicles, [2] delay (censored at the horizon
    for vehicles never started), [3] stranded vehicles, [4] their waits so far, [5] max
    wait, [6] secondary waits, [7] secondary count, [8] last departure (primary or
    secondary end; -inf if none), [9] vehicles with a wait > 0.
    """
    n = arrival.shape[0]
    horizon = 60.0 * H
    G = group_pos.shape[0]
    count = hourly[0]
    served = hourly[1]
    wait_sum = hourly[2]
    stranded = hourly[3]
    throughput = hourly[4]
    busy = hourly[5]
    q_int = hourly[6]
    km_int = hourly[7]
    q_max = hourly[8]
    km_max = hourly[9]
    tot_max = storage[0]
    tot_m_max = storage[1]
    over = storage[2]
    # vehicle statistics: running sums in locals (kept in registers)
    max_wait = -np.inf
    last = -np.inf
    n_waited = 0
    w_tot = 0.0
    n_served = 0.0
    delay_tot = 0.0
    n_stranded = 0.0
    stranded_tot = 0.0
    sec_tot = 0.0
    n_sec = 0.0
    # the queue sweep: the next start of all groups is a G-way merge of the groups'
    # sorted runs, over their next start times side by side (+inf once exhausted)
    s_time, s_pos, s_cls, head = _starts_by_group(start, group, group_pos, cls)
    stop = head[1:].copy()
    t_head = np.full(G, np.inf)
    for g in range(G):
        if head[g] < stop[g]:
            t_head[g] = s_time[head[g]]
    g_next = 0
    t_next = np.inf
    for g in range(G):
        if t_head[g] < t_next:
            g_next = g
            t_next = t_head[g]
    level = np.zeros(T)
    level_km = np.zeros(T)
    total = 0.0
    total_m = 0.0
    i = 0
    hc = 0  # hours before hc have been entered
    t_prev = 0.0
    above = False  # total queue above the storage since t_prev
    h = 0
    edge = 0.0  # start of hour hc; events before it are in hour h = hc - 1
    sweeping = True  # False once the sweep reached the horizon
    while True:
        ta = arrival[i] if i < n else np.inf
        at_edge = False
        if sweeping:
            t = ta if ta < t_next else t_next
            if not t < horizon:
                if above:
                    _add_time(over, t_prev, horizon, H)
                _enter_hours(
                    hc, H, T, level, level_km, total, total_m, q_max, km_max, tot_max,
                    tot_m_max,
                )  # fmt: skip
                sweeping = False
        if not sweeping:  # arrivals at or after the horizon (none from the draws)
            if i >= n:
                break
            t = ta
            h = _hour(t, H)
        else:
            if above:
                _add_time(over, t_prev, t, H)
            if t >= edge:
                h = _hour(t, H)
                at_edge = 60.0 * h == t
                # hours entered strictly before t start with the levels held until t
                _enter_hours(
                    hc, h if at_edge else h + 1, T, level, level_km, total, total_m,
                    q_max, km_max, tot_max, tot_m_max,
                )  # fmt: skip
                hc = h + 1
                edge = 60.0 * hc
            while t_next == t:
                k = head[g_next]
                p = s_pos[k]
                c = s_cls[k]
                m = class_m[c]
                k += 1
                head[g_next] = k
                t_head[g_next] = s_time[k] if k < stop[g_next] else np.inf
                t_next = np.inf
                for g in range(G):
                    if t_head[g] < t_next:
                        g_next = g
                        t_next = t_head[g]
                level[p] -= 1.0
                level_km[p] -= class_km[c]
                total -= 1.0
                total_m -= m
        n_up = 0
        p_up = 0
        while i < n and arrival[i] == t:
            n_up += 1
            p = group_pos[group[i]]
            p_up = p
            c = cls[i]
            km = class_km[c]
            if sweeping:
                level[p] += 1.0
                level_km[p] += km
                total += 1.0
                total_m += class_m[c]
            # the vehicle's statistics; its arrival t lies in clock hour h
            a = t
            hi = 60.0 * (h + 1)  # end of hour h (at most the horizon)
            count[h, p] += 1.0
            s = start[i]
            if s == s:  # started (not NaN)
                w = s - a
                if w != 0.0:  # zero waits (a free booth) need no sorting: counted by key
                    wait_key[n_waited] = h * T + p
                    wait_val[n_waited] = w
                    n_waited += 1
                served[h, p] += 1.0
                wait_sum[h, p] += w
                w_tot += w
                n_served += 1.0
                if w > max_wait:
                    max_wait = w
                e = end[i]
                # Inside hour h (the usual case) the hour is known: the same sums as
                # _add_overlap's first branch, without finding the hour again.
                if e < hi:
                    throughput[h, p] += 1.0
                elif e < horizon:
                    throughput[_hour(e, H), p] += 1.0
                if s < hi and e <= hi:
                    if e > s:
                        busy[h, p] += 1.0 * (e - s)
                else:
                    _add_overlap(busy, p, s, e, H, 1.0)
                if e > last:
                    last = e
                delay = w
                if w > 0.0:
                    if s <= hi:
                        q_int[h, p] += 1.0 * (s - a)
                        km_int[h, p] += km * (s - a)
                    else:
                        _add_overlap(q_int, p, a, s, H, 1.0)
                        _add_overlap(km_int, p, a, s, H, km)
            else:
                stranded[h, p] += 1.0
                delay = horizon - a
                n_stranded += 1.0
                stranded_tot += delay
                _add_overlap(q_int, p, a, horizon, H, 1.0)
                _add_overlap(km_int, p, a, horizon, H, km)
            delay_day[h // 24, p] += delay
            delay_tot += delay
            ss = sec_start[i]
            if ss == ss:
                sec_tot += ss - end[i]
                n_sec += 1.0
            se = sec_end[i]
            if se == se and se > last:
                last = se
            i += 1
        if not sweeping:
            continue
        # Levels only rise at arrivals: an instant of starts alone cannot raise a maximum,
        # except at the very start of an hour (the hour's first value).
        if n_up == 1 and not at_edge:  # the usual instant: one arrival, one lane type
            q_max[h, p_up] = max(q_max[h, p_up], level[p_up])
            km_max[h, p_up] = max(km_max[h, p_up], level_km[p_up])
            tot_max[h] = max(tot_max[h], total)
            tot_m_max[h] = max(tot_m_max[h], total_m)
        elif n_up > 0 or at_edge:
            for q in range(T):
                q_max[h, q] = max(q_max[h, q], level[q])
                km_max[h, q] = max(km_max[h, q], level_km[q])
            tot_max[h] = max(tot_max[h], total)
            tot_m_max[h] = max(tot_m_max[h], total_m)
        above = total > cap_v or total_m > cap_m
        t_prev = t
    totals[0] = w_tot
    totals[1] = n_served
    totals[2] = delay_tot
    totals[3] = n_stranded
    totals[4] = stranded_tot
    totals[5] = max_wait
    totals[6] = sec_tot
    totals[7] = n_sec
    totals[8] = last
    totals[9] = n_waited


@jit
def _lerp(v: F64, first: int, count: int, q: float) -> float:
    """Percentile ``q`` (in [0, 1]) of the sorted ``v[first : first + count]``, linear."""
    x = (count - 1) * q
    lo = int(np.floor(x))
    hi = lo + 1 if lo + 1 < count else count - 1
    frac = x - lo
    a: float = v[first + lo]
    b: float = v[first + hi]
    return a + (b - a) * frac


@jit
def wait_percentiles(key: I64, wait: F64, order: I64, counts: I64, qs: F64, out: F64) -> float:
    """Fill ``out[i, k]`` with percentile ``qs[i]`` of the waits of key ``k`` (NaN if none).

    ``key`` / ``wait``: the positive waits and their keys; ``order`` sorts ``wait``
    (``np.argsort``, done by numpy, much faster than here); ``counts[k]``: all the waits
    of key ``k``, zeros included. Each key's waits are laid out sorted (its zeros first,
    then its positive waits in global sorted order: a counting sort by key) and read by
    numpy's linear interpolation. Returns the 95th percentile of all the waits (NaN if
    there are none).
    """
    n_keys = counts.shape[0]
    n_pos = wait.shape[0]
    positive = np.zeros(n_keys, np.int64)
    for i in range(n_pos):
        positive[key[i]] += 1
    first = np.zeros(n_keys, np.int64)
    fill = np.zeros(n_keys, np.int64)
    acc = 0
    for k in range(n_keys):
        first[k] = acc
        fill[k] = acc + counts[k] - positive[k]  # after the key's zeros
        acc += counts[k]
    n = acc
    by_key = np.zeros(n)
    for r in range(n_pos):
        i = order[r]
        k = key[i]
        by_key[fill[k]] = wait[i]
        fill[k] += 1
    for k in range(n_keys):
        for iq in range(qs.shape[0]):
            out[iq, k] = _lerp(by_key, first[k], counts[k], qs[iq]) if counts[k] > 0 else np.nan
    if n == 0:
        return np.nan
    # 95th percentile of all waits: ranks below the zeros' count are 0, the rest are the
    # positive waits in sorted order.
    zeros = n - n_pos
    x = (n - 1) * 0.95
    lo = int(np.floor(x))
    hi = lo + 1 if lo + 1 < n else n - 1
    a = 0.0 if lo < zeros else wait[order[lo - zeros]]
    b = 0.0 if hi < zeros else wait[order[hi - zeros]]
    p95: float = a + (b - a) * (x - lo)
    return p95


@jit
def hourly_means(
    wait_sum: F64,
    served: F64,
    wait_sum_all: F64,
    served_all: F64,
    mean_wait: F64,
    over_30: F64,
    over_60: F64,
) -> None:
    """Mean wait per (hour, lane type) and the hours of each day over 30 and 60 minutes.

    ``wait_sum`` / ``served``: (H, T) sums of waits [minutes] and vehicles served by hour
    of arrival; ``wait_sum_all`` / ``served_all``: their sums over lane types (H,).
    ``mean_wait`` (H, T) gets the means (NaN where no vehicle was served); ``over_30`` and
    ``over_60`` (D, T + 1) get, per day, the hours whose mean wait exceeds 30 / 60
    minutes, per lane type and (last column) over all lane types.
    """
    H, T = wait_sum.shape
    for h in range(H):
        d = h // 24
        for q in range(T + 1):
            if q < T:
                n = served[h, q]
                m = wait_sum[h, q] / n if n > 0 else np.nan
                mean_wait[h, q] = m
            else:
                n = served_all[h]
                m = wait_sum_all[h] / n if n > 0 else np.nan
            if m > 30.0:  # False for NaN
                over_30[d, q] += 1.0
            if m > 60.0:
                over_60[d, q] += 1.0


__all__ = ["hourly_means", "record_pass", "wait_percentiles"]
