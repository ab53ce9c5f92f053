"""Brute-force metrics of one replication, written independently of the compiled passes.

Slow and plain: every figure straight from its definition in docs/kernel-semantics.md
(overlaps of intervals with hours, counts just after every event, np.percentile).
"""

from __future__ import annotations

import math

import numpy as np

from borderflow.sim import LANE_TYPES, PortSpec, VehicleRecords


def _overlap(
    a: np.ndarray, b: np.ndarray, lo: float, hi: float, w: np.ndarray | None = None
) -> float:
    """Sum of (weights x) the lengths of [a_i, b_i) inside [lo, hi)."""
    x = np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)
    return float(np.sum(x if w is None else x * w))


def brute_metrics(spec: PortSpec, rec: VehicleRecords) -> dict[str, np.ndarray]:
    H = spec.horizon_hours
    lts = [lt for lt in LANE_TYPES if any(g.lane_type == lt for g in spec.lane_groups)]
    T = len(lts)
    lt_of_group = np.array([lts.index(g.lane_type) for g in spec.lane_groups])
    lt = lt_of_group[rec.group_index]
    stop = 60.0 * H
    started = ~np.isnan(rec.start_min)
    start_or_stop = np.where(started, rec.start_min, np.inf)
    length = spec.vehicle_lengths_m[rec.class_index]
    hour = np.minimum(rec.arrival_min // 60, H - 1).astype(int)
    out: dict[str, np.ndarray] = {
        k: np.full((H, T), np.nan)
        for k in ("count", "mean_wait_min", "p50_wait_min", "p90_wait_min", "p95_wait_min",
                  "max_wait_min", "waiting_at_end", "queue_mean_veh", "queue_max_veh",
                  "queue_mean_km", "queue_max_km", "throughput_per_h", "busy")
    }  # fmt: skip
    events = np.unique(np.concatenate((rec.arrival_min, rec.start_min[started])))
    for h in range(H):
        lo, hi = 60.0 * h, 60.0 * h + 60.0
        pts = np.concatenate(([lo], events[(events >= lo) & (events < hi)]))
        for j in range(T):
            m = lt == j
            mh = m & (hour == h)
            out["count"][h, j] = mh.sum()
            w = rec.wait_min[mh & started]
            if w.size:
                out["mean_wait_min"][h, j] = w.mean()
                for q, name in ((50, "p50"), (90, "p90"), (95, "p95"), (100, "max")):
                    out[f"{name}_wait_min"][h, j] = np.percentile(w, q)
            out["waiting_at_end"][h, j] = np.sum(mh & ~started)
            a, b = rec.arrival_min[m], start_or_stop[m]
            out["queue_mean_veh"][h, j] = _overlap(a, b, lo, hi) / 60.0
            out["queue_mean_km"][h, j] = _overlap(a, b, lo, hi, length[m] / 1000.0) / 60.0
            inside = [(a <= t) & (t < b) for t in pts]
            out["queue_max_veh"][h, j] = max(int(x.sum()) for x in inside)
            out["queue_max_km"][h, j] = max(float(length[m][x].sum()) / 1000.0 for x in inside)
            e = rec.end_min[m & started]
            out["throughput_per_h"][h, j] = np.sum((e >= lo) & (e < hi))
            out["busy"][h, j] = _overlap(rec.start_min[m & started], e, lo, hi)
    # totals against storage
    tot_max = np.zeros(H)
    tot_m_max = np.zeros(H)
    for h in range(H):
        lo, hi = 60.0 * h, 60.0 * h + 60.0
        pts = np.concatenate(([lo], events[(events >= lo) & (events < hi)]))
        inside = [(rec.arrival_min <= t) & (t < start_or_stop) for t in pts]
        tot_max[h] = max(int(x.sum()) for x in inside)
        tot_m_max[h] = max(float(length[x].sum()) for x in inside)
    out["total_queue_max_veh"] = tot_max
    out["total_queue_max_m"] = tot_m_max
    delay = np.where(started, rec.wait_min, stop - rec.arrival_min)
    out["delay_all"] = np.array([delay.sum() / 60.0])
    ws = rec.wait_min[started]
    out["summary"] = np.array(
        [
            rec.n,
            ws.mean() if ws.size else math.nan,
            np.percentile(ws, 95) if ws.size else math.nan,
            ws.max() if ws.size else math.nan,
            (~started).sum(),
        ]
    )
    return out
