"""Sweeps: grids or Latin hypercubes over parameters × ports × days, resumable.

A sweep is a list of tasks, each a block of days of one (port, parameter point). Day
``d`` is replication ``d`` of the sweep's seed (``replication_seed(seed, d)``), the same
for every port and point (common random numbers across the design). A task's result is a
pure function of (scenario text, changes, seed, days), so any back end gives the same
numbers bit for bit.

Storage: ``OUT/sweep.json`` records the sweep; the driver (the only writer) writes each
finished task to ``OUT/parts/<key>.parquet`` through a temporary file and a rename, so a
kill never leaves half a result, and a rerun skips every task whose part exists: nothing
is lost or duplicated. Read the results with :func:`load_sweep` or DuckDB
(``SELECT * FROM read_parquet('OUT/parts/*.parquet')``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from borderflow.data import parse_scenario
from borderflow.plan._backends import Backend, LocalBackend
from borderflow.plan._changes import ChangeError, apply_changes, parse_change
from borderflow.plan._metrics import SUMMARY_FIGURES, summary_metrics
from borderflow.sim import (
    SpecError,
    draw_vehicles,
    replication_seed,
    run_draws,
)

#: Version of the sweep storage layout.
SWEEP_FORMAT = 1


class SweepError(ValueError):
    """A sweep definition or output folder that cannot be used (the message says why)."""


@dataclass(frozen=True)
class SweepParameter:
    """One swept parameter: a change template with ``{x}`` and its values or range.

    Attributes
    ----------
    name : str
        Column name in the results.
    change : str
        Change template, e.g. ``"demand*={x}"`` (see the change language).
    values : tuple of float, optional
        Grid values.
    low, high : float, optional
        Range for a Latin hypercube.
    integer : bool
        Round sampled values to whole numbers.
    """

    name: str
    change: str
    values: tuple[float, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def text(self, x: float) -> str:
        """Return the change for value ``x``."""
        v = round(x) if self.integer else x
        return self.change.replace("{x}", repr(v) if isinstance(v, float) else str(v))


@dataclass(frozen=True)
class Sweep:
    """A sweep definition.

    Attributes
    ----------
    scenarios : tuple of (label, TOML text)
        Ports (scenario files' text).
    parameters : tuple of SweepParameter
        Swept parameters (may be empty: the ports as they are).
    design : {"grid", "lhs"}
        Full factorial of ``values``, or a Latin hypercube of ``samples`` points.
    samples : int
        Latin-hypercube points.
    days : int
        Days (replications) per port and point.
    seed : int
        Root seed (also seeds the Latin hypercube).
    days_per_task : int
        Days per task (the unit of work and of storage).
    """

    scenarios: tuple[tuple[str, str], ...]
    parameters: tuple[SweepParameter, ...] = ()
    design: Literal["grid", "lhs"] = "grid"
    samples: int = 10
    days: int = 10
    seed: int = 0
    days_per_task: int = 25

    def points(self) -> list[dict[str, float]]:
        """SweepParameter values of every design point."""
        if not self.parameters:
            return [{}]
        if self.design == "grid":
            grids = []
            for p in self.parameters:
                if p.values is None:
                    raise SweepError(f"parameter {p.name!r}: a grid needs values = [...]")
                grids.append(p.values)
            return [
                {p.name: float(v) for p, v in zip(self.parameters, combo, strict=True)}
                for combo in itertools.product(*grids)
            ]
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(self.parameters), seed=self.seed).random(self.samples)
        out = []
        for row in u:
            pt = {}
            for p, x in zip(self.parameters, row, strict=True):
                if p.low is None or p.high is None:
                    raise SweepError(f"parameter {p.name!r}: a Latin hypercube needs range")
                v = p.low + float(x) * (p.high - p.low)
                pt[p.name] = float(round(v)) if p.integer else v
            out.append(pt)
        return out

    def tasks(self) -> list[SweepTask]:
        """Every task of the sweep, in a fixed order."""
        out = []
        for pi, pt in enumerate(self.points()):
            changes = tuple(p.text(pt[p.name]) for p in self.parameters)
            for si, (label, text) in enumerate(self.scenarios):
                for d0 in range(0, self.days, self.days_per_task):
                    d1 = min(d0 + self.days_per_task, self.days)
                    out.append(
                        SweepTask(
                            key=f"s{si:03d}-p{pi:05d}-d{d0:06d}",
                            scenario=label,
                            scenario_text=text,
                            point=pi,
                            values=tuple(sorted(pt.items())),
                            changes=changes,
                            seed=self.seed,
                            day_start=d0,
                            day_stop=d1,
                        )
                    )
        return out

    def fingerprint(self) -> str:
        """Hash of everything that determines the results."""
        doc = {
            "format": SWEEP_FORMAT,
            "scenarios": [[label, text] for label, text in self.scenarios],
            "parameters": [p.__dict__ for p in self.parameters],
            "design": self.design,
            "samples": self.samples,
            "days": self.days,
            "seed": self.seed,
            "days_per_task": self.days_per_task,
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=list).encode()).hexdigest()


@dataclass(frozen=True)
class SweepTask:
    """A block of days of one port at one design point (picklable, self-contained)."""

    key: str
    scenario: str
    scenario_text: str
    point: int
    values: tuple[tuple[str, float], ...]
    changes: tuple[str, ...]
    seed: int
    day_start: int
    day_stop: int


def _task_spec(task: SweepTask) -> Any:
    try:
        return apply_changes(parse_scenario(task.scenario_text), task.changes)
    except (ChangeError, SpecError) as exc:
        raise SweepError(
            f"port {task.scenario!r}, point {task.point} ({', '.join(task.changes)}): {exc}"
        ) from None


def run_task(task: SweepTask) -> dict[str, Any]:
    """Simulate a task's days; return its result columns (numpy arrays and lists).

    Columns: scenario, point, the parameter values, day, then the figures of
    :data:`~borderflow.plan._metrics.SUMMARY_FIGURES`.
    """
    spec = _task_spec(task)
    days = np.arange(task.day_start, task.day_stop, dtype=np.int64)
    figs: dict[str, list[float]] = {k: [] for k in SUMMARY_FIGURES}
    for d in days:
        rec = run_draws(spec, draw_vehicles(spec, replication_seed(task.seed, int(d))))
        for k, v in summary_metrics(spec, rec).items():
            figs[k].append(v)
    n = days.size
    cols: dict[str, Any] = {
        "scenario": [task.scenario] * n,
        "point": np.full(n, task.point, dtype=np.int64),
    }
    for name, v in task.values:
        cols[name] = np.full(n, v, dtype=np.float64)
    cols["day"] = days
    for k in SUMMARY_FIGURES:
        cols[k] = np.asarray(figs[k], dtype=np.float64)
    return cols


# ---- reading a sweep definition ----------------------------------------------------------


class _ParamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    change: str
    values: list[float] | None = None
    range: tuple[float, float] | None = None
    integer: bool = False


class _SweepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenarios: list[str] = Field(min_length=1)
    days: int = Field(default=10, ge=1)
    seed: int = 0
    design: Literal["grid", "lhs"] = "grid"
    samples: int = Field(default=10, ge=1)
    days_per_task: int = Field(default=25, ge=1)


class _FileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sweep: _SweepIn
    parameters: list[_ParamIn] = []


def _check_parameter(p: SweepParameter, where: str) -> None:
    if "{x}" not in p.change:
        raise SweepError(f"{where}.change = {p.change!r}: needs the placeholder {{x}}")
    probe = p.values[0] if p.values else (p.low if p.low is not None else 1.0)
    try:
        parse_change(p.text(probe))
    except ChangeError as exc:
        raise SweepError(f"{where}.change: {exc}") from None
    if p.low is not None and p.high is not None and not p.low <= p.high:
        raise SweepError(f"{where}.range = [{p.low}, {p.high}]: low must be <= high")


def read_sweep(text: str, base_dir: Path, source: str = "sweep file") -> Sweep:
    """Parse a sweep file (TOML; ``docs/planning.md``), reading its scenario files.

    Parameters
    ----------
    text : str
        TOML text.
    base_dir : Path
        Folder that scenario paths are relative to.
    source : str
        File name for messages.

    Returns
    -------
    Sweep
    """
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepError(f"{source}: not valid TOML: {exc}") from None
    try:
        doc = _FileIn.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise SweepError(f"{source}: {loc}: {err['msg']}") from None
    scenarios = []
    for i, name in enumerate(doc.sweep.scenarios):
        path = (base_dir / name) if not Path(name).is_absolute() else Path(name)
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SweepError(f"{source}: sweep.scenarios[{i}] = {name!r}: {exc}") from None
        try:
            parse_scenario(body)
        except SpecError as exc:
            raise SweepError(f"{source}: sweep.scenarios[{i}] = {name!r}: {exc}") from None
        scenarios.append((Path(name).stem, body))
    params = []
    for j, p in enumerate(doc.parameters):
        par = SweepParameter(
            p.name,
            p.change,
            tuple(p.values) if p.values is not None else None,
            p.range[0] if p.range else None,
            p.range[1] if p.range else None,
            p.integer,
        )
        _check_parameter(par, f"{source}: parameters[{j}]")
        params.append(par)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise SweepError(f"{source}: parameter names must be unique, got {names}")
    s = doc.sweep
    return Sweep(
        tuple(scenarios), tuple(params), s.design, s.samples, s.days, s.seed, s.days_per_task
    )


# ---- running and storage -----------------------------------------------------------------


def _write_part(out: Path, key: str, cols: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = out / "parts"
    tmp = parts / f".{key}.parquet.tmp"
    pq.write_table(pa.table(cols), tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, parts / f"{key}.parquet")


def _prepare(out: Path, sweep: Sweep, n_tasks: int) -> set[str]:
    """Create or check the output folder; return the keys of tasks already done."""
    parts = out / "parts"
    manifest = out / "sweep.json"
    fp = sweep.fingerprint()
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SweepError(f"{manifest}: unreadable ({exc})") from None
        if old.get("fingerprint") != fp:
            raise SweepError(
                f"{out} holds a different sweep (another definition or seed); use a new "
                "output folder or delete it"
            )
    else:
        if out.exists() and any(out.iterdir()):
            raise SweepError(f"{out} exists and is not a sweep output folder")
        parts.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": SWEEP_FORMAT,
            "fingerprint": fp,
            "tasks": n_tasks,
            "days": sweep.days,
            "points": len(sweep.points()),
            "scenarios": [label for label, _ in sweep.scenarios],
            "parameters": [p.__dict__ for p in sweep.parameters],
            "seed": sweep.seed,
        }
        tmp = out / ".sweep.json.tmp"
        tmp.write_text(json.dumps(doc, indent=2, default=list), encoding="utf-8")
        os.replace(tmp, manifest)
    parts.mkdir(parents=True, exist_ok=True)
    for stale in parts.glob(".*.tmp"):  # a write interrupted by a kill
        stale.unlink()
    return {p.name[: -len(".parquet")] for p in parts.glob("*.parquet")}


@dataclass(frozen=True)
class SweepRun:
    """What a call of :func:`run_sweep` did."""

    tasks: int
    skipped: int
    ran: int
    rows: int
    backend: str


def run_sweep(
    sweep: Sweep,
    out: Path,
    backend: Backend | None = None,
    *,
    on_task: Callable[[int, int], None] | None = None,
) -> SweepRun:
    """Run a sweep (or finish an interrupted one) into ``out``.

    Parameters
    ----------
    sweep : Sweep
        The definition.
    out : Path
        Output folder (created; an existing one must hold the same sweep).
    backend : Backend, optional
        Where tasks run (default: :class:`LocalBackend` with every CPU, closed after).
    on_task : callable, optional
        Called as ``on_task(done, total)`` after each task is stored (and once at start).

    Returns
    -------
    SweepRun
    """
    tasks = sweep.tasks()
    # Every port at every point must be a valid port before anything runs.
    seen: set[tuple[str, int]] = set()
    for t in tasks:
        if (t.scenario, t.point) not in seen:
            seen.add((t.scenario, t.point))
            _task_spec(t)
    done = _prepare(out, sweep, len(tasks))
    todo = [t for t in tasks if t.key not in done]
    n_done = len(tasks) - len(todo)
    if on_task is not None:
        on_task(n_done, len(tasks))
    own = backend is None
    be: Backend = LocalBackend() if backend is None else backend
    rows = 0
    try:
        for task, cols in be.map_unordered(run_task, todo):
            _write_part(out, task.key, cols)
            rows += int(cols["day"].size)
            n_done += 1
            if on_task is not None:
                on_task(n_done, len(tasks))
    finally:
        if own:
            be.close()
    return SweepRun(len(tasks), len(tasks) - len(todo), len(todo), rows, be.name)


def load_sweep(out: Path) -> Any:
    """All stored results of a sweep as a ``pyarrow.Table`` sorted by scenario, point, day.

    Parameters
    ----------
    out : Path
        The sweep's output folder.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted((out / "parts").glob("*.parquet"))
    if not parts:
        raise SweepError(f"{out}: no results (parts/*.parquet) yet")
    table = pa.concat_tables([pq.read_table(p) for p in parts], promote_options="permissive")
    return table.sort_by([("scenario", "ascending"), ("point", "ascending"), ("day", "ascending")])


__all__ = [
    "Sweep",
    "SweepError",
    "SweepParameter",
    "SweepRun",
    "SweepTask",
    "load_sweep",
    "read_sweep",
    "run_sweep",
    "run_task",
]
