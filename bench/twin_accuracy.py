"""Accuracy of the twin's wait predictions at Peace Arch against the shipped observed waits.

Not a speed benchmark: it prints how far ``borderflow.plan.predict_waits`` is from the
WCOG delays (docs/demand.md, "Measured accuracy"). Run from the repository root:

    .venv/bin/python bench/twin_accuracy.py [--every N] [--replications R]

U.S.-bound: hourly general-lane delays (``peace_arch_hourly_delay``, southbound) on every
N-th day of 2017-2018 (BTS months observed), DST days skipped (the series' DST handling
is undocumented). Canada-bound: daily average delays of general and NEXUS lanes
(``peace_arch_north_daily``) on every N-th day of 2018-01 to 2019-06. Baselines: "no
wait" (0 min) and, for U.S.-bound, the mean of the same hour of week in 2013-2016.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path


def _days(start: date, end: date, every: int) -> list[date]:
    out, d = [], start
    while d <= end:
        out.append(d)
        d += timedelta(days=every)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=5, help="use every N-th day (default 5)")
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--db", type=Path, default=None, help="warehouse (default: build one)")
    args = ap.parse_args()

    from borderflow._config import shipped_data_dir
    from borderflow.data import build_warehouse, connect_readonly, load_registry
    from borderflow.plan import predict_waits

    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "borderflow.duckdb"
        build_warehouse(db, data_dir=shipped_data_dir())
    con = connect_readonly(db)
    reg = load_registry()

    # --- U.S.-bound hourly general-lane delays ------------------------------------------
    obs = {
        (ts.date(), ts.hour): v
        for ts, v in con.execute(
            "SELECT hour_start, delay_min FROM peace_arch_hourly_delay WHERE direction = "
            "'southbound' AND lane = 'general' AND delay_min IS NOT NULL"
        ).fetchall()
    }
    how: dict[tuple[int, int], list[float]] = defaultdict(list)  # hour-of-week baseline
    for (d, h), v in obs.items():
        if d.year <= 2016:
            how[(d.weekday(), h)].append(v)
    how_mean = {k: statistics.fmean(v) for k, v in how.items()}
    err_twin, err_zero, err_how, twin_all, obs_all = [], [], [], [], []
    by_hour_t: dict[int, list[float]] = defaultdict(list)
    by_hour_o: dict[int, list[float]] = defaultdict(list)
    for d in _days(date(2017, 1, 1), date(2018, 12, 31), args.every):
        p = predict_waits(con, "3005", d, replications=args.replications, registry=reg)
        if len({r.hour_start for r in p.rows}) != 24:
            continue  # DST day
        for r in p.rows:
            key = (d, r.hour_start.hour)
            if r.lane_type != "general" or key not in obs or not math.isfinite(r.delay_min):
                continue
            o = obs[key]
            err_twin.append(r.delay_min - o)
            err_zero.append(-o)
            err_how.append(how_mean[(d.weekday(), r.hour_start.hour)] - o)
            twin_all.append(r.delay_min)
            obs_all.append(o)
            by_hour_t[r.hour_start.hour].append(r.delay_min)
            by_hour_o[r.hour_start.hour].append(o)

    def mae(e: list[float]) -> float:
        return statistics.fmean(abs(x) for x in e)

    n = len(err_twin)
    print(f"Peace Arch U.S.-bound, general lanes, {n} hours (every {args.every}th day 2017-18)")
    print(f"  observed mean delay {statistics.fmean(obs_all):6.2f} min")
    print(f"  twin mean delay     {statistics.fmean(twin_all):6.2f} min")
    bias = statistics.fmean(err_twin)
    print(f"  MAE twin            {mae(err_twin):6.2f} min (bias {bias:+.2f})")
    print(f"  MAE 'no wait'       {mae(err_zero):6.2f} min")
    print(f"  MAE hour-of-week mean 2013-16 {mae(err_how):6.2f} min")
    print(f"  correlation twin vs observed  {statistics.correlation(twin_all, obs_all):6.2f}")
    print("  mean by hour (observed / twin):")
    print(
        "   "
        + " ".join(
            f"{h:02d}:{statistics.fmean(by_hour_o[h]):.0f}/{statistics.fmean(by_hour_t[h]):.0f}"
            for h in sorted(by_hour_o)
        )
    )

    # --- Canada-bound daily delays -------------------------------------------------------
    north = {
        (d, lane): v
        for d, lane, v in con.execute(
            "SELECT day, lane, avg_delay_min FROM peace_arch_north_daily "
            "WHERE avg_delay_min IS NOT NULL"
        ).fetchall()
    }
    res: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for d in _days(date(2018, 1, 1), date(2019, 6, 30), args.every):
        p = predict_waits(
            con, "3005", d, "Canada-bound", replications=args.replications, registry=reg
        )
        for lane in ("general", "nexus"):
            rows = [r for r in p.rows if r.lane_type == lane and math.isfinite(r.delay_min)]
            w = sum(r.arrivals_per_h for r in rows)
            if (d, lane) in north and w > 0:
                twin = sum(r.delay_min * r.arrivals_per_h for r in rows) / w
                res[lane].append((twin, north[(d, lane)]))
    for lane, pairs in res.items():
        t = [a for a, _ in pairs]
        o = [b for _, b in pairs]
        print(
            f"Peace Arch Canada-bound {lane}, {len(pairs)} days 2018-01..2019-06: observed daily "
            f"mean {statistics.fmean(o):.2f} min, twin {statistics.fmean(t):.2f} min, "
            f"MAE {statistics.fmean(abs(a - b) for a, b in pairs):.2f} min, 'no wait' MAE "
            f"{statistics.fmean(o):.2f} min"
        )
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
