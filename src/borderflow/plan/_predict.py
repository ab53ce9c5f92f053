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

from borderflow.data import Registry, load_registry
from borderflow.plan._scenario_gen import build_scenario
from borderflow.sim import replication_metrics, run_replication
from borderflow.vocab import US_BOUND

#: Crossings whose twin waits have been compared with observed waits (docs/demand.md).
VALIDATED_CROSSINGS: Mapping[str, str] = {
    "3005": "Peace Arch: compared with the WCOG hourly delays southbound 2013-18 and the "
    "daily northbound delays 2018-19 (docs/demand.md)",
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
    gen = build_scenario(
        con, crossing_id, day, direction, registry=reg, share_overrides=share_overrides
    )
    spec = gen.spec
    H = spec.horizon_hours
    lane_types: tuple[str, ...] = ()
    waits = []
    for r in range(replications):
        m = replication_metrics(
            spec, run_replication(spec, replication=r, replications=replications, seed=seed)
        )
        waits.append(m.hourly["mean_wait_min"])
    from borderflow.sim import LANE_TYPES

    present = {g.lane_type for g in spec.lane_groups}
    lane_types = tuple(lt for lt in LANE_TYPES if lt in present)
    w = np.stack(waits)  # (R, H, T)
    # Hours where a replication had no arrival give NaN there; summarise the others.
    with np.errstate(all="ignore"):
        ok = np.isfinite(w).any(axis=0)
        filled = np.where(np.isfinite(w), w, np.nan)
        mean = np.full(w.shape[1:], np.nan)
        lo = np.full(w.shape[1:], np.nan)
        hi = np.full(w.shape[1:], np.nan)
        mean[ok] = np.nanmean(filled[:, ok], axis=0)
        lo[ok] = np.nanpercentile(filled[:, ok], INTERVAL[0], axis=0)
        hi[ok] = np.nanpercentile(filled[:, ok], INTERVAL[1], axis=0)
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
