"""Combining replications: means, 95% confidence half-widths, the result object."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import special

from borderflow.sim._metrics import (
    DAILY_METRICS,
    HOURLY_METRICS,
    STORAGE_METRICS,
    SUMMARY_METRICS,
    ReplicationMetrics,
    lane_types_of,
)
from borderflow.sim._records import VehicleRecords
from borderflow.sim._spec import PortSpec

FloatArray: TypeAlias = npt.NDArray[np.float64]


@functools.lru_cache(maxsize=256)
def _t975(df: int) -> float:
    """97.5% quantile of Student's t with ``df`` degrees of freedom.

    ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` computes (the same values),
    without importing ``scipy.stats`` (about half a second at start-up).
    """
    return float(special.stdtrit(df, 0.975))


def mean_ci(samples: FloatArray, axis: int = 0) -> tuple[FloatArray, FloatArray]:
    """Mean and 95% Student-t confidence half-width over ``axis``, ignoring NaN.

    The half-width is NaN where fewer than two replications have a value.
    """
    n = np.sum(~np.isnan(samples), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(samples, axis=axis)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(np.isnan(samples), 0.0, samples - np.expand_dims(mean, axis))
        var = np.sum(dev**2, axis=axis) / np.maximum(n - 1, 1)
        # one quantile per distinct count (the counts are mostly all equal)
        df, where = np.unique(np.maximum(n - 1, 1), return_inverse=True)
        tq = np.array([_t975(int(d)) for d in df])[where.reshape(np.shape(n))]
        half = np.where(n >= 2, tq * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return np.asarray(mean, dtype=np.float64), np.asarray(half, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Summary of a simulation over replications.

    Tables are dicts of equal-length 1-D numpy columns. For every metric ``m`` there is
    ``m`` (mean over replications) and ``m_ci95`` (95% Student-t half-width; NaN with one
    replication).

    Attributes
    ----------
    name : str
        Port name.
    replications, seed : int
        Number of replications and root seed.
    engine : str
        Engine used.
    lane_types : tuple of str
        Lane types with lane groups, in lane-type order.
    hourly : dict
        Rows (hour, lane_type): waits by hour of arrival [minutes], queues by clock hour
        [vehicles, km], throughput [vehicles/hour], utilisation [busy/open booth-minutes].
    storage : dict
        Rows (hour): total waiting queue [vehicles, metres] against the approach storage.
    daily : dict
        Rows (day, lane_type including "all"): vehicle-hours of delay, hours with mean
        wait over 30 and 60 minutes.
    summary : dict
        Whole-run figures: each metric name maps to (mean, ci95). ``mean_wait_min``,
        ``p95_wait_min`` and ``max_wait_min`` count the vehicles that started primary
        inspection only; with ``drain = false`` the vehicles still waiting at the end
        (``waiting_at_end``) are reported beside them: ``stranded_mean_wait_so_far_min``
        (their waits up to the end of the horizon) and ``mean_wait_with_stranded_min``
        (every vehicle, stranded ones at their wait so far: a lower bound of the mean
        wait). See :attr:`censored`.
    vehicles : tuple of VehicleRecords, optional
        Per-vehicle records of every replication, when kept.
    """

    name: str
    direction: str
    replications: int
    seed: int
    engine: str
    lane_types: tuple[str, ...]
    hourly: dict[str, npt.NDArray[Any]]
    storage: dict[str, npt.NDArray[Any]]
    daily: dict[str, npt.NDArray[Any]]
    summary: dict[str, tuple[float, float]]
    vehicles: tuple[VehicleRecords, ...] | None
    class_names: tuple[str, ...]
    group_names: tuple[str, ...]
    group_lane_types: tuple[str, ...]

    @property
    def censored(self) -> bool:
        """Whether the wait figures are censored: some vehicle never started primary.

        Only possible with ``drain = false``; then ``mean_wait_min`` covers served
        vehicles only and understates the wait of the day.
        """
        stranded = self.summary["waiting_at_end"][0]
        return bool(math.isfinite(stranded) and stranded > 0)

    def to_arrow(self) -> Any:
        """Per-vehicle records of all replications as a ``pyarrow.Table``.

        Columns: replication, vehicle, class, lane_group, lane_type, arrival_min,
        start_min, end_min, wait_min, booth, referred, secondary_start_min,
        secondary_end_min. Requires ``keep_vehicles=True``.
        """
        import pyarrow as pa

        if self.vehicles is None:
            raise ValueError("per-vehicle records were not kept: simulate(..., keep_vehicles=True)")
        classes = np.asarray(self.class_names, dtype=object)
        groups = np.asarray((*self.group_names, ""), dtype=object)
        glts = np.asarray((*self.group_lane_types, ""), dtype=object)
        parts = []
        for r, rec in enumerate(self.vehicles):
            n = rec.n
            gi = np.where(rec.group_index >= 0, rec.group_index, len(self.group_names))
            parts.append(
                pa.table(
                    {
                        "replication": pa.array(np.full(n, r, dtype=np.int32)),
                        "vehicle": pa.array(np.arange(n, dtype=np.int64)),
                        "class": pa.array(
                            classes[rec.class_index], type=pa.string()
                        ).dictionary_encode(),
                        "lane_group": pa.array(groups[gi], type=pa.string()).dictionary_encode(),
                        "lane_type": pa.array(glts[gi], type=pa.string()).dictionary_encode(),
                        "arrival_min": pa.array(rec.arrival_min),
                        "start_min": pa.array(rec.start_min, from_pandas=True),
                        "end_min": pa.array(rec.end_min, from_pandas=True),
                        "wait_min": pa.array(rec.wait_min, from_pandas=True),
                        "booth": pa.array(rec.booth_index),
                        "referred": pa.array(rec.referred),
                        "secondary_start_min": pa.array(rec.secondary_start_min, from_pandas=True),
                        "secondary_end_min": pa.array(rec.secondary_end_min, from_pandas=True),
                    }
                )
            )
        return pa.concat_tables(parts, promote_options="permissive")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN becomes None)."""

        def clean(v: Any) -> Any:
            if isinstance(v, np.ndarray):
                return [clean(x) for x in v.tolist()]
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            return v

        return {
            "name": self.name,
            "direction": self.direction,
            "replications": self.replications,
            "seed": self.seed,
            "engine": self.engine,
            "censored": self.censored,
            "lane_types": list(self.lane_types),
            "summary": {
                k: {"mean": clean(m), "ci95": clean(c)} for k, (m, c) in self.summary.items()
            },
            "hourly": {k: clean(v) for k, v in self.hourly.items()},
            "storage": {k: clean(v) for k, v in self.storage.items()},
            "daily": {k: clean(v) for k, v in self.daily.items()},
        }


def summarise(
    spec: PortSpec,
    per_rep: list[ReplicationMetrics],
    *,
    seed: int,
    engine: str,
    vehicles: tuple[VehicleRecords, ...] | None = None,
) -> SimulationResult:
    """Combine replications into means and 95% confidence half-widths.

    Parameters
    ----------
    spec : PortSpec
        The port.
    per_rep : list of ReplicationMetrics
        One per replication.
    seed : int
        Root seed (for the record).
    engine : str
        Engine used (for the record).
    vehicles : tuple of VehicleRecords, optional
        Per-vehicle records to keep.

    Returns
    -------
    SimulationResult
    """
    H = spec.horizon_hours
    lts = lane_types_of(spec)
    T = len(lts)
    D = math.ceil(H / 24)
    hourly: dict[str, npt.NDArray[Any]] = {
        "hour": np.repeat(np.arange(H), T),
        "lane_type": np.asarray(lts * H, dtype=object),
    }
    for name in HOURLY_METRICS:
        stack = np.stack([m.hourly[name].reshape(-1) for m in per_rep])
        hourly[name], hourly[name + "_ci95"] = mean_ci(stack)
    storage: dict[str, npt.NDArray[Any]] = {"hour": np.arange(H)}
    for name in STORAGE_METRICS:
        stack = np.stack([m.storage[name] for m in per_rep])
        storage[name], storage[name + "_ci95"] = mean_ci(stack)
    daily: dict[str, npt.NDArray[Any]] = {
        "day": np.repeat(np.arange(D), T + 1),
        "lane_type": np.asarray((*lts, "all") * D, dtype=object),
    }
    for name in DAILY_METRICS:
        stack = np.stack([m.daily[name].reshape(-1) for m in per_rep])
        daily[name], daily[name + "_ci95"] = mean_ci(stack)
    summary: dict[str, tuple[float, float]] = {}
    for name in SUMMARY_METRICS:
        mean, half = mean_ci(np.array([[m.summary[name]] for m in per_rep]))
        summary[name] = (float(mean[0]), float(half[0]))
    return SimulationResult(
        name=spec.name,
        direction=spec.direction,
        replications=len(per_rep),
        seed=seed,
        engine=engine,
        lane_types=lts,
        hourly=hourly,
        storage=storage,
        daily=daily,
        summary=summary,
        vehicles=vehicles,
        class_names=tuple(c.name for c in spec.classes),
        group_names=tuple(g.name for g in spec.lane_groups),
        group_lane_types=tuple(g.lane_type for g in spec.lane_groups),
    )


__all__ = ["SimulationResult", "mean_ci", "summarise"]
