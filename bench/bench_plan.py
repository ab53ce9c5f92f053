"""Planning benchmark: sweeps on local processes and on Dask, and the staffing optimiser.

1. A sweep of N port-days (default 10,000) of a multi-lane port with about 20,000
   vehicles a day (Peace Arch U.S.-bound from ``examples/``, demand × 3.33 and booths × 3:
   general, Ready and NEXUS lanes with lane choice and secondary inspection), every day's
   results computed and stored in Parquet, through the local back end (2 processes) and
   through a Dask ``LocalCluster`` (2 workers); targets: local < 30 s, Dask within 1.3×
   of local. Worker start-up (process spawn, imports, loading the compiled kernel) is
   timed apart; the sweep time runs from the first task submitted to the last stored.
   The machine is shared, so the local back end runs before and after Dask (Dask is
   compared with their mean), and the CPU seconds of the workers and of one port-day in
   this process are printed too: what the code costs, whatever the load.
2. Scaling from 1 to 2 local workers on a subset of the days.
3. The optimiser on the 24-hour Peace Arch example (target < 60 s).

Usage: ``python bench/bench_plan.py [--days N] [--per-task K] [--scaling-days M]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from borderflow.data import parse_scenario, scenario_to_toml  # noqa: E402
from borderflow.plan import (  # noqa: E402
    DaskBackend,
    LocalBackend,
    Sweep,
    apply_changes,
    load_sweep,
    optimise_schedule,
    run_sweep,
)
from borderflow.sim import BoothSchedule  # noqa: E402


def bench_port() -> str:
    spec = parse_scenario((ROOT / "examples" / "peace-arch-us-bound.toml").read_text())
    spec = apply_changes(spec, ["demand*=3.33"])
    groups = []
    for g in spec.lane_groups:
        assert isinstance(g.staffing, BoothSchedule)
        groups.append(
            dataclasses.replace(g, staffing=BoothSchedule(tuple(3 * b for b in g.staffing.booths)))
        )
    spec = dataclasses.replace(
        spec, lane_groups=tuple(groups), name="Peace-Arch-like, x3.33 demand, x3 booths"
    )
    return scenario_to_toml(spec)


def children_cpu() -> float:
    """CPU seconds of the finished child processes of this one (the workers, once closed)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed_sweep(make, sweep: Sweep, out: Path) -> tuple[float, float, int, str, float]:  # type: ignore[no-untyped-def]
    """Start-up [s], sweep [s], rows, back end name, workers' CPU incl. start-up [s]."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    be = make()
    be.warm()
    t1 = time.perf_counter()
    try:
        run = run_sweep(sweep, out, be)
    finally:
        t2 = time.perf_counter()
        be.close()
    return t1 - t0, t2 - t1, run.rows, run.backend, children_cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=10_000)
    ap.add_argument("--per-task", type=int, default=100)
    ap.add_argument("--scaling-days", type=int, default=2_000)
    args = ap.parse_args()
    text = bench_port()
    load = os.getloadavg()[0]
    print(f"# borderflow planning benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    print(f"machine: {os.cpu_count()} cores; load average at start {load:.2f} (shared machine)")
    # The work itself: one port-day in this process (draws, engine, results), serially.
    from borderflow.plan._sweep import SweepTask, run_task

    run_task(SweepTask("w", "bench", text, 0, (), (), 0, 0, 2))  # warm the kernel
    t, c = time.perf_counter(), time.process_time()
    run_task(SweepTask("w", "bench", text, 0, (), (), 0, 0, 100))
    per_day = (time.perf_counter() - t) / 100
    cpu_day = (time.process_time() - c) / 100
    print(
        f"one port-day in one process: {1000 * cpu_day:.2f} ms CPU ({1000 * per_day:.2f} ms "
        f"wall), so {args.days:,} port-days need about {args.days * cpu_day / 2:.1f} s on 2 "
        "free cores"
    )
    print()
    print(f"## Sweep: {args.days:,} port-days, {args.per_task} days per task")
    print(
        "Local runs before and after the Dask run (the machine is shared: its load changes "
        "from minute to minute); Dask is compared with their mean. Workers' CPU: CPU seconds "
        "of the worker processes, start-up included (what the code costs, whatever the load)."
    )
    print()
    print("| back end | start-up | sweep | workers' CPU | port-days | vehicles/day | days/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    results = {}
    walls: dict[str, list[float]] = {"local": [], "dask": []}
    with tempfile.TemporaryDirectory() as tmp:
        sweep = Sweep((("bench", text),), days=args.days, days_per_task=args.per_task, seed=1)
        for i, (key, make) in enumerate(
            (
                ("local", lambda: LocalBackend(2)),
                ("dask", lambda: DaskBackend(workers=2)),
                ("local", lambda: LocalBackend(2)),
            )
        ):
            out = Path(tmp) / f"{key}{i}"
            start, run, rows, name, cpu = timed_sweep(make, sweep, out)
            table = load_sweep(out)
            veh = float(table["vehicles"].to_numpy().mean())
            results[key] = (run, table)
            walls[key].append(run)
            print(
                f"| {name} | {start:.1f} s | {run:.1f} s | {cpu:.1f} s | {rows:,} | {veh:,.0f} | "
                f"{rows / run:,.0f} |",
                flush=True,
            )
        local = sum(walls["local"]) / len(walls["local"])
        ratio = walls["dask"][0] / local
        print(
            f"- local (mean of {len(walls['local'])} runs): {local:.1f} s "
            f"[{'PASS' if local < 30 else 'FAIL'}] (target < 30 s)"
        )
        print(
            f"- Dask / local: {ratio:.2f}x [{'PASS' if ratio <= 1.3 else 'FAIL'}] (target <= 1.3x)"
        )
        same = results["local"][1].equals(results["dask"][1])
        print(f"- Dask results equal the local ones bit for bit: {same}")
        print()
        print(f"## Scaling, local processes ({args.scaling_days:,} port-days)")
        sub = Sweep((("bench", text),), days=args.scaling_days, days_per_task=args.per_task, seed=2)
        times = {}
        for n in (1, 2):
            _, run, rows, _, _ = timed_sweep(lambda n=n: LocalBackend(n), sub, Path(tmp) / f"s{n}")
            times[n] = run
            print(f"- {n} worker(s): {run:.1f} s ({rows / run:,.0f} port-days/s)", flush=True)
        print(f"- speed-up 1 -> 2 workers: {times[1] / times[2]:.2f}x (ideal 2x on 2 free cores)")
    print()
    print("## Optimiser: Peace Arch U.S.-bound example, 24 h, 3 lane groups")
    spec = parse_scenario((ROOT / "examples" / "peace-arch-us-bound.toml").read_text())
    t = time.perf_counter()
    res = optimise_schedule(spec)
    dt = time.perf_counter() - t
    flat, base = res.comparison("flat"), res.comparison("baseline")
    print(
        f"- equal staff hours ({res.budget} booth-hours): {dt:.1f} s "
        f"({'PASS' if dt < 60 else 'FAIL'} < 60 s), {res.evaluations} schedules simulated; "
        f"mean delay {res.comparison('optimised').mean_delay_min:.3f} min vs baseline "
        f"{base.mean_delay_min:.3f} ({base.improvement:.0%} less), flat "
        f"{flat.mean_delay_min:.3f} ({flat.improvement:.0%} less)"
    )


if __name__ == "__main__":
    main()
