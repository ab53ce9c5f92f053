"""Twin wait predictions: demand for the day -> port -> simulation with replications.

:func:`predict_waits` is what the HTTP feed, the dashboard and ``borderflow waits --model
twin`` call for every crossing, so it stays cheap: the scenario build reuses cached
profiles and shares, and the compiled engine runs a port-day in milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from borderflow.data import Registry, load_registry, read_calibration
from borderflow.plan._calibrate_port import apply_shipped_calibration
from borderflow.plan._scenario_gen import NoTrafficError, build_scenario
from borderflow.plan._sizing import TARGET_UTILISATION
from borderflow.sim import LANE_TYPES, VehicleRecords, run_replication
from borderflow.vocab import US_BOUND

#: Crossings whose twin waits have been compared with observed waits (docs/demand.md).
VALIDATED_CROSSINGS: Mapping[str, str] = {
    "3005": "Peace Arch: capacity calibrated on the observed WCOG delays (southbound hourly "
    "2015-17, northbound daily 2018) and scored on later periods (southbound 2018, "
    "northbound 2019-H1) beside baselines: docs/validation-calibration.md",
}
#: Interval reported around each hourly mean wait: 10th-90th percentile across replications.
INTERVAL = (10.0, 90.0)


@dataclass(frozen=True)
class WaitRow:
    """Predicted wait of one local hour and lane type.

    Attributes
    ----------
    hour_start
        Local start of the hour (timezone-aware).
    lane_type
        Kernel lane type (``general``, ``nexus``, ``ready``, ``commercial``, ...).
    delay_min
        Mean primary-inspection wait of vehicles arriving in the hour [minutes], averaged
        over replications (NaN when no vehicle arrived in any replication).
    lo, hi
        10th and 90th percentile of that hourly mean across replications [minutes] (an
        80% interval of the simulation's randomness; not of the demand or the model).
    lanes_open
        Booths open in the hour (staffing assumption, see the scenario notes).
    arrivals_per_h
        Arrivals expected in the hour at this lane type's home classes [vehicles/hour].
    """

    hour_start: datetime
    lane_type: str
    delay_min: float
    lo: float
    hi: float
    lanes_open: int
    arrivals_per_h: float


@dataclass(frozen=True)
class WaitPrediction:
    """Predicted hourly waits of one crossing, direction and local day by the twin.

    Attributes
    ----------
    crossing_id, crossing_name, port_code
        The crossing and its BTS port code.
    day
        Local date.
    direction
        ``"US-bound"`` or ``"Canada-bound"``.
    model
        ``"twin"``.
    validated
        Whether this crossing's twin waits have been checked against observed waits
        (Peace Arch only); otherwise the figures are modelled only.
    capacity_basis
        ``"calibrated"``, ``"sourced booths"`` or ``"sizing rule"`` (weakest used).
    demand_basis
        ``"observed month"``, ``"forecast"`` or ``"assumption"``.
    rows
        One per local hour and lane type.
    replications
        Replications simulated.
    notes
        Every source and assumption behind the figures.
    """

    crossing_id: str
    crossing_name: str
    port_code: str
    day: date
    direction: str
    model: str
    validated: bool
    capacity_basis: str
    demand_basis: str
    rows: tuple[WaitRow, ...]
    replications: int
    notes: tuple[str, ...]

    @property
    def status(self) -> str:
        """``"validated (Peace Arch)"`` or ``"modelled only"``: show it with every figure."""
        return "validated (Peace Arch)" if self.validated else "modelled only"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN as ``None``, times as ISO 8601 with offset)."""

        def num(x: float) -> float | None:
            return None if not math.isfinite(x) else round(x, 3)

        return {
            "crossing_id": self.crossing_id,
            "crossing_name": self.crossing_name,
            "port_code": self.port_code,
            "day": self.day.isoformat(),
            "direction": self.direction,
            "model": self.model,
            "validated": self.validated,
            "status": self.status,
            "capacity_basis": self.capacity_basis,
            "demand_basis": self.demand_basis,
            "replications": self.replications,
            "rows": [
                {
                    "hour_start": r.hour_start.isoformat(),
                    "lane_type": r.lane_type,
                    "delay_min": num(r.delay_min),
                    "lo": num(r.lo),
                    "hi": num(r.hi),
                    "lanes_open": r.lanes_open,
                    "arrivals_per_h": r.arrivals_per_h,
                }
                for r in self.rows
            ],
            "notes": list(self.notes),
        }


def _hourly_mean_wait(rec: VehicleRecords, pos: Any, H: int, T: int) -> Any:
    """Mean primary wait [min] per (hour of arrival, lane type); NaN where nobody arrived."""
    hour = np.minimum((rec.arrival_min // 60.0).astype(np.int64), H - 1)
    cell = hour * T + pos[rec.group_index]
    wait = rec.start_min - rec.arrival_min  # drain=True: every vehicle starts service
    n = np.bincount(cell, minlength=H * T)
    tot = np.bincount(cell, weights=wait, minlength=H * T)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, tot / np.maximum(n, 1), np.nan).reshape(H, T)


def _summarise(w: Any) -> tuple[Any, Any, Any]:
    """Mean and :data:`INTERVAL` percentiles over axis 0, ignoring NaN (no arrival).

    Percentiles by linear interpolation between order statistics (numpy's default),
    vectorised: NaN sorts last, so each cell uses its first ``k`` finite values.
    """
    srt = np.sort(w, axis=0)
    k = np.isfinite(w).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(k > 0, np.nansum(w, axis=0) / np.maximum(k, 1), np.nan)
    out = []
    for q in INTERVAL:
        x = q / 100 * np.maximum(k - 1, 0)
        i0 = np.floor(x).astype(np.int64)
        i1 = np.minimum(i0 + 1, np.maximum(k - 1, 0))
        a = np.take_along_axis(srt, i0[None], axis=0)[0]
        b = np.take_along_axis(srt, i1[None], axis=0)[0]
        out.append(np.where(k > 0, a + (b - a) * (x - i0), np.nan))
    return mean, out[0], out[1]


def predict_waits(
    con: Any,
    crossing_id: str,
    day: date,
    direction: str = US_BOUND,
    *,
    replications: int = 10,
    seed: int = 0,
    registry: Registry | None = None,
    share_overrides: Mapping[str, float] | None = None,
    target_utilisation: float | None = None,
    service_overrides: Mapping[str, tuple[float, str]] | None = None,
) -> WaitPrediction:
    """Predict hourly waits of one crossing and local day with the twin.

    Demand for the day (:func:`borderflow.demand.hourly_demand`) -> port with sourced or
    sized booths (:func:`build_scenario`) -> ``replications`` runs of the compiled engine.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    crossing_id
        Registry crossing id (e.g. ``"3005"`` Peace Arch).
    day
        Local date.
    direction
        ``"US-bound"`` or ``"Canada-bound"``.
    replications
        Independent replications (>= 1); the interval needs a few (default 10).
    seed
        Root seed: same inputs and seed, same prediction.
    registry
        Registry (default the shipped one).
    share_overrides
        Lane-class shares replacing the defaults.

    Returns
    -------
    WaitPrediction
        Rows ``hour_start, lane_type, delay_min, lo, hi, lanes_open, arrivals_per_h``.
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    reg = registry or load_registry()
    try:
        gen = build_scenario(
            con,
            crossing_id,
            day,
            direction,
            registry=reg,
            share_overrides=share_overrides,
            target_utilisation=TARGET_UTILISATION
            if target_utilisation is None
            else target_utilisation,
            service_overrides=service_overrides,
        )
        if not (share_overrides or service_overrides or target_utilisation is not None):
            record = read_calibration(crossing_id)
            if record is not None:  # measured delays exist: run the calibrated capacity
                gen = apply_shipped_calibration(gen, record)
    except NoTrafficError as exc:  # e.g. a closed crossing: no rows, and why
        d = exc.demand
        return WaitPrediction(
            d.crossing_id,
            d.crossing_name,
            d.port_code,
            d.day,
            d.direction,
            "twin",
            crossing_id in VALIDATED_CROSSINGS,
            "sizing rule",
            d.demand_basis,
            (),
            replications,
            (str(exc), *d.sources),
        )
    spec = gen.spec
    H = spec.horizon_hours
    present = {g.lane_type for g in spec.lane_groups}
    lane_types = tuple(lt for lt in LANE_TYPES if lt in present)
    pos = np.array([lane_types.index(g.lane_type) for g in spec.lane_groups], dtype=np.int64)
    T = len(lane_types)
    waits = []
    for r in range(replications):
        rec = run_replication(spec, seed, replication=r)
        waits.append(_hourly_mean_wait(rec, pos, H, T))
    w = np.stack(waits)  # (R, H, T)
    mean, lo, hi = _summarise(w)
    booths = {lt: [0] * H for lt in lane_types}
    for g in spec.lane_groups:
        for h, b in enumerate(g.staffing.per_hour(H)):  # type: ignore[union-attr]
            booths[g.lane_type][h] += b
    arrivals = {lt: [0.0] * H for lt in lane_types}
    lt_of_group = {g.lane_type for g in spec.lane_groups}
    for c in spec.classes:
        # A class's home lane type: its dedicated type when that type has lanes.
        home = next((lt for lt in c.service if lt != "general" and lt in lt_of_group), None)
        home = home or next(iter(c.service))
        for h, x in enumerate(c.rates(H)):
            arrivals[home][h] += x
    rows = [
        WaitRow(
            gen.demand.hours[h],
            lt,
            float(mean[h, j]),
            float(lo[h, j]),
            float(hi[h, j]),
            booths[lt][h],
            arrivals[lt][h],
        )
        for h in range(H)
        for j, lt in enumerate(lane_types)
    ]
    validated = crossing_id in VALIDATED_CROSSINGS
    status = (
        f"validated: {VALIDATED_CROSSINGS[crossing_id]}"
        if validated
        else "modelled only: no observed waits at this crossing to check against"
    )
    d = gen.demand
    return WaitPrediction(
        d.crossing_id,
        d.crossing_name,
        d.port_code,
        d.day,
        d.direction,
        "twin",
        validated,
        gen.capacity_basis,
        d.demand_basis,
        tuple(rows),
        replications,
        (
            status,
            f"interval: {INTERVAL[0]:g}th-{INTERVAL[1]:g}th percentile of the hourly mean "
            f"across {replications} replications (simulation noise only)",
            *gen.notes,
        ),
    )


__all__ = ["INTERVAL", "VALIDATED_CROSSINGS", "WaitPrediction", "WaitRow", "predict_waits"]
