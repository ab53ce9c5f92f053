"""A feed in the shape of CBP's Border Wait Times JSON, filled with borderflow's predictions.

One entry per crossing that CBP's feed lists (the registry's CBP snapshot of 2023-11-10),
with CBP's field names, so apps written for that feed can show predicted waits. Every
lane entry says ``predicted: true``, the model and ``as_of``; each port entry says whether
its capacity comes from sourced booths or a sizing rule. Format: ``docs/api.md``.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from borderflow.data import Crossing
from borderflow.vocab import US_BOUND

#: CBP lane groups and lane kinds -> (registry figure category, prediction lane type).
_LANES: dict[str, dict[str, tuple[str, str]]] = {
    "passenger_vehicle_lanes": {
        "standard_lanes": ("passenger", "general"),
        "NEXUS_SENTRI_lanes": ("nexus", "nexus"),
        "ready_lanes": ("ready", "ready"),
    },
    "commercial_vehicle_lanes": {
        "standard_lanes": ("commercial", "commercial"),
        "FAST_lanes": ("fast", "fast"),
    },
    "pedestrian_lanes": {
        "standard_lanes": ("pedestrian", "pedestrian"),
        "ready_lanes": ("pedestrian_ready", "pedestrian_ready"),
    },
}
_MAX_FIGURE = {
    "passenger_vehicle_lanes": "passenger",
    "commercial_vehicle_lanes": "commercial",
    "pedestrian_lanes": "pedestrian",
}
_CBP = "CBP Border Wait Times feed"


def _cbp_figures(c: Crossing) -> dict[str, tuple[int | None, bool | None]]:
    """U.S.-bound CBP figures of a crossing: category -> (count, listed)."""
    out: dict[str, tuple[int | None, bool | None]] = {}
    for f in c.lanes:
        if f.direction == US_BOUND and (f.source or "").startswith(_CBP):
            out[f.lane_type] = (f.count, f.listed)
    return out


_HOURS = re.compile(
    r"^\s*(\d{1,2})(?::(\d\d))?\s*(am|pm)\s*-\s*(?:(midnight|noon)|(\d{1,2})(?::(\d\d))?\s*(am|pm))",
    re.IGNORECASE,
)


def _clock(h: str, m: str | None, ampm: str) -> float:
    hour = int(h) % 12 + (12 if ampm.lower() == "pm" else 0)
    return hour + (int(m) / 60 if m else 0.0)


def is_open(hours: str | None, at: datetime) -> bool | None:
    """Whether a CBP hours string (``24 hrs/day``, ``8 am-Midnight``) covers ``at``.

    ``None`` when the hours are unknown or not in a form this parser reads.
    """
    if not hours:
        return None
    if "24" in hours and "hrs" in hours.lower():
        return True
    m = _HOURS.match(hours)
    if not m:
        return None
    start = _clock(m.group(1), m.group(2), m.group(3))
    if m.group(4):
        end = 24.0 if m.group(4).lower() == "midnight" else 12.0
    else:
        end = _clock(m.group(5), m.group(6), m.group(7))
    t = at.hour + at.minute / 60
    return start <= t < end if start < end else (t >= start or t < end)


def _num(x: Any) -> float | None:
    """Return a finite float, or ``None`` (an hour without vehicles gives NaN)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _lane(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "update_time": "",
        "operational_status": status,
        "delay_minutes": "",
        "lanes_open": "",
        **extra,
    }


def _hour_rows(doc: dict[str, Any], at: datetime) -> dict[str, dict[str, Any]]:
    """Return the prediction rows of the hour containing ``at``, by lane type."""
    out: dict[str, dict[str, Any]] = {}
    for r in doc["rows"]:
        if int(r["hour_start"][11:13]) == at.hour and r["lane_type"] not in out:
            out[r["lane_type"]] = r
    return out


def _port_entry(c: Crossing, doc: dict[str, Any] | str | None, at: datetime) -> dict[str, Any]:
    figures = _cbp_figures(c)
    open_now = is_open(c.hours, at)
    pred = doc if isinstance(doc, dict) else None
    unavailable = doc if isinstance(doc, str) else None
    rows = _hour_rows(pred, at) if pred is not None else {}
    model = pred["model"] if pred is not None else None
    entry: dict[str, Any] = {
        "port_number": c.cbp_port_number,
        "border": "Canadian Border",
        "port_name": c.bts_port_name,
        "crossing_name": c.cbp_crossing_name or "",
        "hours": c.hours or "",
        "date": f"{at.month}/{at.day}/{at.year}",
        "port_status": "Closed" if open_now is False else "Open",
    }
    for group, kinds in _LANES.items():
        max_count, _ = figures.get(_MAX_FIGURE[group], (None, None))
        block: dict[str, Any] = {
            "maximum_lanes": str(max_count) if max_count else "N/A",
        }
        for kind, (category, lane_type) in kinds.items():
            count, listed = figures.get(category, (None, None))
            offered = listed if listed is not None else (count or 0) > 0
            if category == "passenger" or category == "commercial" or category == "pedestrian":
                offered = (max_count or 0) > 0
            meta = {"predicted": True, "model": model, "as_of": at.isoformat(timespec="minutes")}
            if not offered or category == "pedestrian_ready":
                block[kind] = _lane("N/A", **meta)
            elif open_now is False:
                block[kind] = _lane("Lanes Closed", **meta)
            elif lane_type not in rows:
                block[kind] = _lane("Update Pending", **meta)
            else:
                r = rows[lane_type]
                d_min, lanes_f = _num(r["delay_min"]), _num(r["lanes_open"])
                delay = None if d_min is None else round(d_min)
                lanes = None if lanes_f is None else round(lanes_f)
                status = (
                    "Update Pending"
                    if delay is None
                    else "Lanes Closed"
                    if lanes == 0
                    else "delay"
                    if delay >= 1
                    else "no delay"
                )
                block[kind] = _lane(
                    status,
                    **meta,
                    delay_lo_minutes=None if _num(r["lo"]) is None else round(float(r["lo"]), 1),
                    delay_hi_minutes=None if _num(r["hi"]) is None else round(float(r["hi"]), 1),
                )
                block[kind]["update_time"] = (
                    f"At {(at.hour - 1) % 12 + 1}:00 {'am' if at.hour < 12 else 'pm'} (predicted)"
                )
                block[kind]["delay_minutes"] = "" if delay is None else str(delay)
                block[kind]["lanes_open"] = "" if lanes is None else str(lanes)
        entry[group] = block
    basis = pred["capacity_basis"] if pred is not None else None
    entry["borderflow"] = {
        "predicted": True,
        "crossing_id": c.crossing_id,
        "model": model,
        "validated": bool(pred["validated"]) if pred is not None else False,
        "capacity_basis": basis,
        "capacity_note": (
            "booths from the sizing rule booths-from-peak-hour v1 (an assumption), "
            "not from a sourced booth count"
            if basis == "sizing rule"
            else None
        ),
        "available": pred is not None,
        "problem": unavailable,
    }
    return entry


def bwt_feed(
    crossings: list[Crossing], docs: dict[str, dict[str, Any] | str], at: datetime
) -> dict[str, Any]:
    """Return the CBP-shaped feed at local time ``at``.

    Parameters
    ----------
    crossings
        The crossings of CBP's list (the registry's CBP snapshot).
    docs
        Each crossing's wait document for the day, or why it has none.
    at
        Local clock time at each crossing the figures are for (minutes ignored).
    """
    ports = [_port_entry(c, docs.get(c.crossing_id), at) for c in crossings]
    problems = {p["borderflow"]["problem"] for p in ports if p["borderflow"]["problem"]}
    return {
        "last_updated_date": at.date().isoformat(),
        "last_updated_time": f"{at:%H:%M}",
        "number_of_ports": str(len(ports)),
        "predicted": True,
        "as_of": at.isoformat(timespec="minutes"),
        "note": (
            "Predicted by borderflow, not measured by CBP. as_of is local clock time at "
            "each crossing. U.S.-bound only, like CBP's feed."
        ),
        "problems": sorted(problems),
        "port": ports,
    }


__all__ = ["bwt_feed", "is_open"]
