"""What-if against a baseline: paired replications and a confidence interval per difference.

Replication ``r`` of the baseline and of the scenario use the same seed sequence
(``replication_seed(seed, r)``). When the scenario keeps the baseline's classes, horizon
and initial queue (booth, lane or hours-of-booths changes), the draws are identical, so
both see exactly the same vehicles (common random numbers). When a change alters the
classes (demand, NEXUS share, service times), the draws differ and the pairing is by seed
only; the paired interval is still valid, only less narrow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import stats

from borderflow.plan._metrics import SUMMARY_FIGURES, hourly_metrics, summary_metrics
from borderflow.sim import PortSpec, draw_vehicles, replication_seed, run_draws
from borderflow.vocab import LANE_TYPES

FloatArray: TypeAlias = npt.NDArray[np.float64]


def paired_ci(samples: FloatArray, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Mean and Student-t confidence half-width over axis 0, ignoring NaN.

    Parameters
    ----------
    samples : ndarray
        One row per replication (e.g. paired differences scenario − baseline).
    level : float
        Confidence level.

    Returns
    -------
    mean, half : ndarray
        Half-width NaN where fewer than two replications have a value.
    """
    x = np.asarray(samples, dtype=np.float64)
    ok = ~np.isnan(x)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(ok, x, 0.0).sum(axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(ok, x - mean, 0.0)
        var = (dev**2).sum(axis=0) / np.maximum(n - 1, 1)
        tq = stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1, 1))
        half = np.where(n >= 2, tq * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return np.asarray(mean, dtype=np.float64), np.asarray(half, dtype=np.float64)


def same_draws(a: PortSpec, b: PortSpec) -> bool:
    """Whether two ports draw identical vehicles from the same seed (classes, horizon, queue)."""
    return (
        a.classes == b.classes
        and a.horizon_hours == b.horizon_hours
        and a.initial_queue == b.initial_queue
        and a.service_lane_types == b.service_lane_types
    )


@dataclass(frozen=True, eq=False)
class WhatIfResult:
    """A scenario against its baseline, over paired replications.

    Attributes
    ----------
    baseline_name, scenario_name : str
        Port names.
    replications, seed : int
        Replications and root seed.
    paired_draws : bool
        True when both saw identical vehicles; False when paired by seed only.
    lane_types : tuple of str
        Columns of the hourly arrays: lane types of either port, then ``"all"``.
    hourly : dict
        ``hourly[figure][part]``, figure in vehicles / mean_wait_min / p90_wait_min, part
        in baseline / scenario / diff / diff_ci95; arrays (hours, lane types + 1)
        [vehicles, minutes]. ``diff`` is the mean paired difference scenario − baseline.
    summary : dict
        ``summary[figure]`` = dict with baseline, baseline_ci95, scenario, scenario_ci95,
        diff, diff_ci95 (figures of :data:`SUMMARY_FIGURES`).
    """

    baseline_name: str
    scenario_name: str
    replications: int
    seed: int
    paired_draws: bool
    lane_types: tuple[str, ...]
    hourly: dict[str, dict[str, FloatArray]]
    summary: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""

        def clean(v: Any) -> Any:
            if isinstance(v, np.ndarray):
                return clean(v.tolist())
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        return {
            "baseline": self.baseline_name,
            "scenario": self.scenario_name,
            "replications": self.replications,
            "seed": self.seed,
            "pairing": "same vehicles" if self.paired_draws else "by seed only",
            "lane_types": list(self.lane_types),
            "summary": {k: {p: clean(x) for p, x in v.items()} for k, v in self.summary.items()},
            "hourly": {k: {p: clean(x) for p, x in v.items()} for k, v in self.hourly.items()},
        }


def whatif(
    baseline: PortSpec,
    scenario: PortSpec,
    *,
    replications: int = 20,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> WhatIfResult:
    """Simulate a scenario against its baseline with paired replications.

    Parameters
    ----------
    baseline, scenario : PortSpec
        The two ports (same horizon).
    replications : int
        Paired replications, >= 2 for confidence intervals.
    seed : int
        Root seed; replication ``r`` of both uses ``replication_seed(seed, r)``.
    progress : callable, optional
        Called as ``progress(done, replications)`` after each pair of runs.

    Returns
    -------
    WhatIfResult
        Baseline, scenario and paired difference with 95% Student-t half-widths.
    """
    if replications < 1:
        raise ValueError(f"replications = {replications}: must be >= 1")
    if baseline.horizon_hours != scenario.horizon_hours:
        raise ValueError(
            f"the scenario has a horizon of {scenario.horizon_hours} h, the baseline "
            f"{baseline.horizon_hours} h: they must be equal"
        )
    present = {g.lane_type for s in (baseline, scenario) for g in s.lane_groups}
    lts = tuple(lt for lt in LANE_TYPES if lt in present)
    paired = same_draws(baseline, scenario)
    hourly_b: list[dict[str, FloatArray]] = []
    hourly_s: list[dict[str, FloatArray]] = []
    sum_b: list[dict[str, float]] = []
    sum_s: list[dict[str, float]] = []
    for r in range(replications):
        draws = draw_vehicles(baseline, replication_seed(seed, r))
        rec_b = run_draws(baseline, draws)
        if not paired:
            draws = draw_vehicles(scenario, replication_seed(seed, r))
        rec_s = run_draws(scenario, draws)
        hourly_b.append(hourly_metrics(baseline, rec_b, lts))
        hourly_s.append(hourly_metrics(scenario, rec_s, lts))
        sum_b.append(summary_metrics(baseline, rec_b))
        sum_s.append(summary_metrics(scenario, rec_s))
        if progress is not None:
            progress(r + 1, replications)
    hourly: dict[str, dict[str, FloatArray]] = {}
    for name in hourly_b[0]:
        b = np.stack([m[name] for m in hourly_b])
        s = np.stack([m[name] for m in hourly_s])
        mb, _ = paired_ci(b)
        ms, _ = paired_ci(s)
        d, dh = paired_ci(s - b)
        hourly[name] = {"baseline": mb, "scenario": ms, "diff": d, "diff_ci95": dh}
    summary: dict[str, dict[str, float]] = {}
    for name in SUMMARY_FIGURES:
        b1 = np.array([m[name] for m in sum_b])
        s1 = np.array([m[name] for m in sum_s])
        mb, hb = paired_ci(b1)
        ms, hs = paired_ci(s1)
        d, dh = paired_ci(s1 - b1)
        summary[name] = {
            "baseline": float(mb),
            "baseline_ci95": float(hb),
            "scenario": float(ms),
            "scenario_ci95": float(hs),
            "diff": float(d),
            "diff_ci95": float(dh),
        }
    return WhatIfResult(
        baseline_name=baseline.name,
        scenario_name=scenario.name,
        replications=replications,
        seed=seed,
        paired_draws=paired,
        lane_types=(*lts, "all"),
        hourly=hourly,
        summary=summary,
    )


__all__ = ["WhatIfResult", "paired_ci", "same_draws", "whatif"]
