"""Sweeps: designs, results against the kernel, storage, resume after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from borderflow.data import parse_scenario
from borderflow.plan import (
    LocalBackend,
    Sweep,
    SweepError,
    SweepParameter,
    apply_changes,
    load_sweep,
    read_sweep,
    run_sweep,
)
from borderflow.plan._sweep import run_task
from borderflow.sim import simulate

SMALL = """
format_version = 1
name = "small"
direction = "US-bound"
horizon_hours = 4
[[classes]]
name = "cars"
rate_per_hour = [60.0, 150.0, 200.0, 90.0]
service.general = { distribution = "exponential", mean = 1.0 }
[[lane_groups]]
name = "general"
lane_type = "general"
booths = [2, 3, 4, 2]
"""


class InProcess:
    """A back end that runs tasks one by one in this process (the oracle)."""

    name = "in-process"
    workers = 1

    def map_unordered(self, fn, tasks):  # type: ignore[no-untyped-def]
        for t in tasks:
            yield t, fn(t)

    def close(self) -> None:
        pass


def small_sweep(days: int = 6, per_task: int = 2) -> Sweep:
    return Sweep(
        scenarios=(("small", SMALL),),
        parameters=(
            SweepParameter("demand", "demand*={x}", (0.8, 1.0)),
            SweepParameter("extra", "booths.general+={x}@1-3", (0.0, 1.0), integer=True),
        ),
        days=days,
        days_per_task=per_task,
        seed=11,
    )


def test_grid_and_tasks() -> None:
    sw = small_sweep()
    pts = sw.points()
    assert pts == [
        {"demand": 0.8, "extra": 0.0},
        {"demand": 0.8, "extra": 1.0},
        {"demand": 1.0, "extra": 0.0},
        {"demand": 1.0, "extra": 1.0},
    ]
    tasks = sw.tasks()
    assert len(tasks) == 4 * 3
    assert len({t.key for t in tasks}) == len(tasks)
    first = next(t for t in tasks if t.point == 1)
    assert first.changes == ("demand*=0.8", "booths.general+=1@1-3")


def test_latin_hypercube_has_one_point_per_stratum() -> None:
    sw = Sweep(
        scenarios=(("small", SMALL),),
        parameters=(
            SweepParameter("demand", "demand*={x}", low=0.5, high=1.5),
            SweepParameter("service", "service.general*={x}", low=0.8, high=1.2),
        ),
        design="lhs",
        samples=16,
    )
    pts = sw.points()
    for name, lo, hi in (("demand", 0.5, 1.5), ("service", 0.8, 1.2)):
        bins = np.floor((np.array([p[name] for p in pts]) - lo) / (hi - lo) * 16).astype(int)
        assert sorted(bins) == list(range(16))


def test_task_results_agree_with_the_kernel() -> None:
    sw = small_sweep(days=5, per_task=5)
    task = sw.tasks()[3]  # demand 1.0, one extra booth
    cols = run_task(task)
    spec = apply_changes(parse_scenario(SMALL), task.changes)
    ref = simulate(spec, replications=5, seed=11)  # replication r = day r
    assert list(cols["day"]) == [0, 1, 2, 3, 4]
    assert cols["mean_wait_min"].mean() == pytest.approx(ref.summary["mean_wait_min"][0], rel=1e-12)
    assert cols["vehicles"].mean() == pytest.approx(ref.summary["vehicles"][0])


@pytest.mark.slow  # starts worker processes (about 10 s on a busy 2-core machine)
def test_local_processes_store_every_day_once(tmp_path: Path) -> None:
    sw = small_sweep()
    be = LocalBackend(2)
    try:
        run = run_sweep(sw, tmp_path / "out", be)
    finally:
        be.close()
    assert (run.tasks, run.ran, run.rows) == (12, 12, 24)
    got = load_sweep(tmp_path / "out")
    oracle = tmp_path / "oracle"
    run_sweep(sw, oracle, InProcess())
    assert got.equals(load_sweep(oracle))
    # Running again does nothing and duplicates nothing.
    again = run_sweep(sw, tmp_path / "out", InProcess())
    assert (again.skipped, again.ran) == (12, 0)
    assert load_sweep(tmp_path / "out").num_rows == 24


def test_output_folder_of_another_sweep_is_refused(tmp_path: Path) -> None:
    run_sweep(small_sweep(days=2), tmp_path / "out", InProcess())
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(small_sweep(days=4), tmp_path / "out", InProcess())
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    with pytest.raises(SweepError, match="not a sweep output folder"):
        run_sweep(small_sweep(days=2), tmp_path / "other", InProcess())


def test_an_invalid_point_is_refused_before_anything_runs(tmp_path: Path) -> None:
    sw = Sweep((("small", SMALL),), (SweepParameter("less", "booths.general-={x}", (0.0, 3.0)),))
    with pytest.raises(SweepError, match=r"point 1 \(booths.general-=3\.0\): .*-1 booths"):
        run_sweep(sw, tmp_path / "out", InProcess())
    assert not (tmp_path / "out").exists()


def test_sweep_file_errors_name_the_place(tmp_path: Path) -> None:
    (tmp_path / "small.toml").write_text(SMALL)
    good = (
        '[sweep]\nscenarios = ["small.toml"]\ndays = 3\n'
        '[[parameters]]\nname = "d"\nchange = "demand*={x}"\nvalues = [1.0]\n'
    )
    sw = read_sweep(good, tmp_path, "s.toml")
    assert sw.scenarios[0][0] == "small" and sw.days == 3
    with pytest.raises(SweepError, match=r"s.toml: sweep.dayz"):
        read_sweep(good.replace("days", "dayz"), tmp_path, "s.toml")
    with pytest.raises(SweepError, match=r"parameters\[0\].change = 'demand\*=2'"):
        read_sweep(good.replace("{x}", "2"), tmp_path, "s.toml")
    with pytest.raises(SweepError, match=r"scenarios\[0\] = 'nope.toml'"):
        read_sweep(good.replace("small.toml", "nope.toml"), tmp_path, "s.toml")


SWEEP_FILE = """
[sweep]
scenarios = ["port.toml"]
days = 120
seed = 3
days_per_task = 2
[[parameters]]
name = "demand"
change = "demand*={x}"
values = [0.9, 1.0, 1.1]
"""
BIG = (
    SMALL.replace("horizon_hours = 4", "horizon_hours = 4")
    .replace("[60.0, 150.0, 200.0, 90.0]", "[600.0, 1500.0, 2000.0, 900.0]")
    .replace("[2, 3, 4, 2]", "[12, 28, 36, 16]")
)


@pytest.mark.slow  # a CLI process with two workers, killed and resumed
def test_resume_after_killing_the_process_group_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "port.toml").write_text(BIG)
    (tmp_path / "sweep.toml").write_text(SWEEP_FILE)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-c",
        "from borderflow.cli import main; main()",
        "sweep",
        str(tmp_path / "sweep.toml"),
        "--out",
        str(out),
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    parts = out / "parts"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if parts.is_dir() and len(list(parts.glob("*.parquet"))) >= 8:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its worker processes
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    done_before = len(list(parts.glob("*.parquet")))
    assert 8 <= done_before < 180
    sw = read_sweep(SWEEP_FILE, tmp_path)
    rerun = run_sweep(sw, out, InProcess())
    assert rerun.skipped == done_before and rerun.skipped + rerun.ran == 180
    assert not list(parts.glob(".*.tmp"))
    got = load_sweep(out)
    keys = list(zip(got["point"].to_pylist(), got["day"].to_pylist(), strict=True))
    assert len(keys) == len(set(keys)) == 3 * 120
    run_sweep(sw, tmp_path / "oracle", InProcess())
    assert got.equals(load_sweep(tmp_path / "oracle"))


@pytest.mark.slow
# Without a dashboard the scheduler still serves health checks on 127.0.0.1:8787, or on
# another port (with this warning) when another cluster on the machine holds 8787.
@pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")
def test_dask_local_cluster_gives_the_local_results_bit_for_bit(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from borderflow.cli import app
    from borderflow.plan import DaskBackend

    sw = small_sweep(days=8, per_task=2)
    be = DaskBackend(workers=2)  # LocalCluster: 2 processes, 127.0.0.1, no dashboard
    try:
        assert be.workers == 2
        assert be.address.startswith("tcp://127.0.0.1:")
        run = run_sweep(sw, tmp_path / "dask", be)
        # The same cluster through the command line, as a remote scheduler.
        (tmp_path / "port.toml").write_text(BIG)
        (tmp_path / "sweep.toml").write_text(SWEEP_FILE.replace("days = 120", "days = 4"))
        res = CliRunner().invoke(
            app,
            ["sweep", str(tmp_path / "sweep.toml"), "--out", str(tmp_path / "cli"),
             "--scheduler", be.address],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
    finally:
        be.close()
    assert run.rows == 4 * 8
    run_sweep(sw, tmp_path / "local", InProcess())
    a, b = load_sweep(tmp_path / "dask"), load_sweep(tmp_path / "local")
    assert isinstance(a, pa.Table) and a.equals(b)
    oracle = read_sweep(SWEEP_FILE.replace("days = 120", "days = 4"), tmp_path)
    run_sweep(oracle, tmp_path / "cli-oracle", InProcess())
    assert load_sweep(tmp_path / "cli").equals(load_sweep(tmp_path / "cli-oracle"))
