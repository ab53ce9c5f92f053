"""Wait-forecast benchmark: what ``borderflow waits`` spends its time on.

Prints the median and minimum wall-clock time over N repeats of:

1. loading the cached hourly model (pickle) and the shipped series;
2. a 212-day hourly forecast (5,088 hours, ``--lead 168``) with a 7-month history,
   beside the three baselines computed side by side on the same hours (ratio = how
   many baseline computations one model forecast costs);
3. the whole ``borderflow waits ... --csv`` command in a fresh process.

The one-off fit on the shipped data (one to three minutes; cached afterwards) is timed
only with ``--fit``. Usage: ``python bench/bench_waits.py [--repeats N] [--fit]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from borderflow.demand import (
    fit_wait_model,
    forecast_waits,
    shipped_waits,
    wait_baselines,
    wait_model,
)

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def show(name: str, times: list[float]) -> float:
    med = statistics.median(times)
    print(f"| {name} | {med:.3f} | {min(times):.3f} |")
    return med


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--fit", action="store_true")
    args = ap.parse_args()
    n = args.repeats
    model = wait_model("hourly")  # fills the cache if empty (not timed)
    shipped = shipped_waits("hourly")
    # 2018 observations relabelled as 2019 make a realistic "newer" history
    hist = shipped.since(dt.datetime(2018, 1, 1)).until(dt.datetime(2018, 7, 31, 23))
    hist = type(hist)("hourly", dt.datetime(2019, 1, 1), hist.values)
    print("| step | median (s) | min (s) |\n|---|---:|---:|")
    show("load cached model + shipped series", timed(lambda: wait_model("hourly"), n))
    first, last = dt.date(2019, 1, 1), dt.date(2019, 7, 31)
    t_fc = show(
        "forecast 212 days hourly (5,088 h)",
        timed(lambda: forecast_waits(model, first, last, lead=168, history=hist), n),
    )
    series = model.base.extended(hist)
    times = pd.date_range("2019-01-01", "2019-07-31 23:00", freq="h")
    t_b = show(
        "three baselines, same hours",
        timed(
            lambda: wait_baselines(
                times, series.values["general"], pd.Timestamp(series.start), "hourly", 168
            ),
            n,
        ),
    )
    print(f"\nforecast / baselines time ratio: {t_fc / t_b:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hist.csv"
        rows = ["hour_start,crossing,direction,lane,delay_min,source"]
        for t, v in zip(hist.times(), hist.values["general"], strict=True):
            val = "" if v != v else f"{v:.1f}"
            rows.append(f"{t:%Y-%m-%d %H:%M:%S},Peace Arch,Southbound,Cars (general),{val},b")
        path.write_text("\n".join(rows) + "\n")
        cmd = [
            str(ROOT / ".venv" / "bin" / "borderflow"),
            "waits",
            "Peace Arch",
            "--from",
            "2019-01-01",
            "--to",
            "2019-07-31",
            "--history",
            str(path),
            "--lead",
            "168",
            "--csv",
        ]
        env = dict(os.environ)
        show(
            "`borderflow waits ... --csv` (fresh process)",
            timed(lambda: subprocess.run(cmd, check=True, capture_output=True, env=env), min(n, 3)),
        )
    if args.fit:
        show(
            "fit on the shipped data (3 quantile models)", timed(lambda: fit_wait_model(shipped), 1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
