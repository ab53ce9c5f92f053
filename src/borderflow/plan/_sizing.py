"""The booth sizing rule ``booths-from-peak-hour v1``: booths where no source gives them.

Every output that uses a sized value carries :data:`SIZING_LABEL` and the assumptions
behind it (``docs/registry.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from borderflow.data import Crossing, Registry, latest_full_year, load_registry, traffic_series
from borderflow.demand import peak_hour_demand, split_shares

# --- sizing rule ------------------------------------------------------------------------------

#: Name and version of the booth sizing rule.
SIZING_RULE = "booths-from-peak-hour v1"
#: Label every output that used the sizing rule must carry.
SIZING_LABEL = f"sized: rule {SIZING_RULE} (assumption)"
#: Target booth utilisation of the sizing rule (assumption, not from a source).
TARGET_UTILISATION = 0.85


@dataclass(frozen=True)
class ServiceTime:
    """Mean primary inspection time of one lane type, with its source."""

    lane_type: str
    minutes: float
    source: str


#: Mean primary service times [min], from ``data/PARAMETERS.md``.
SERVICE_TIMES: Mapping[str, ServiceTime] = {
    "general": ServiceTime(
        "general",
        34 / 60,
        "PARAMETERS.md: Villegas et al. 2006, TRR 1942 (34 s, car, general lane)",
    ),
    "passenger": ServiceTime(
        "passenger",
        34 / 60,
        "PARAMETERS.md: Villegas et al. 2006, TRR 1942 (34 s, car, general lane)",
    ),
    "nexus": ServiceTime(
        "nexus",
        0.5,
        "PARAMETERS.md: textbook exercise on Peace Arch, NEXUS under 0.5 min "
        "(indicative; upper bound used)",
    ),
    "ready": ServiceTime(
        "ready",
        34 / 60 * 0.8,
        "PARAMETERS.md: Brownsville study, CivilEng 2023 (Ready ~20% faster than general's 34 s)",
    ),
    "commercial": ServiceTime(
        "commercial", 2.0, "PARAMETERS.md: TruckNews (about 120 s per truck, Ambassador Bridge)"
    ),
    "fast": ServiceTime(
        "fast",
        2.0,
        "PARAMETERS.md: TruckNews (about 120 s per truck; FAST-specific time not published here)",
    ),
}


@dataclass(frozen=True)
class SizedValue:
    """A value produced by the sizing rule, never to be shown without its label.

    Attributes
    ----------
    value
        Number of booths.
    label
        :data:`SIZING_LABEL`.
    demand_veh_per_h
        Peak-hour demand used [vehicles/hour].
    service_time_min
        Mean service time used [min].
    target_utilisation
        Utilisation target used.
    assumptions
        Every assumption behind the value, in words.
    """

    value: int
    label: str
    demand_veh_per_h: float
    service_time_min: float
    target_utilisation: float
    assumptions: tuple[str, ...]


def booths_from_peak_hour(
    demand_veh_per_h: float,
    service_time_min: float,
    target_utilisation: float = TARGET_UTILISATION,
    *,
    extra_assumptions: tuple[str, ...] = (),
) -> SizedValue:
    """Size booths so the peak hour runs at the target utilisation (rule v1).

    ``booths = ceil(demand * service_time / (60 * target_utilisation))``, at least 1
    (0 when demand is 0).

    Parameters
    ----------
    demand_veh_per_h
        Peak-hour arrivals [vehicles/hour], >= 0.
    service_time_min
        Mean primary inspection time [min], > 0.
    target_utilisation
        Booth utilisation to aim for, in (0, 1].
    extra_assumptions
        Assumptions of the caller (demand derivation) to carry in the result.

    Returns
    -------
    SizedValue
        The booth count with label :data:`SIZING_LABEL` and its assumptions.
    """
    if demand_veh_per_h < 0 or not math.isfinite(demand_veh_per_h):
        raise ValueError(f"demand_veh_per_h must be finite and >= 0, got {demand_veh_per_h}")
    if service_time_min <= 0:
        raise ValueError(f"service_time_min must be > 0, got {service_time_min}")
    if not 0 < target_utilisation <= 1:
        raise ValueError(f"target_utilisation must be in (0, 1], got {target_utilisation}")
    workload = demand_veh_per_h * service_time_min / 60.0  # offered load [booths busy]
    # Round before ceil so 2.0000000001 from float noise stays 2 booths.
    # No demand, no booth (e.g. trucks at a crossing that takes none); else at least one.
    n = 0 if workload == 0 else max(1, math.ceil(round(workload / target_utilisation, 9)))
    assumptions = (
        *extra_assumptions,
        f"target utilisation {target_utilisation:g} (assumption)",
        f"mean service time {service_time_min:.3g} min",
        "one vehicle per booth at a time; no secondary inspection in the primary booth",
    )
    return SizedValue(
        n, SIZING_LABEL, demand_veh_per_h, service_time_min, target_utilisation, assumptions
    )


def size_crossing_booths(
    con: Any,
    crossing_id: str,
    lane_type: str = "passenger",
    year: int | None = None,
    registry: Registry | None = None,
) -> SizedValue:
    """Size U.S.-bound primary booths of one crossing from BTS counts (labelled rule).

    Demand: the port's monthly count (``Personal Vehicles`` for ``passenger``, ``Trucks``
    for ``commercial``) times the crossing's split share (rule
    ``split-by-cbp-max-lanes v1``), busiest month of ``year`` / days x peak-hour factor;
    booths by :func:`~borderflow.data.registry.booths_from_peak_hour` with the service time
    of :data:`~borderflow.data.registry.SERVICE_TIMES`.

    Parameters
    ----------
    con
        DuckDB connection.
    crossing_id
        Registry crossing id (e.g. ``"3005"`` Peace Arch).
    lane_type
        ``"passenger"`` or ``"commercial"``.
    year
        Year of demand; default the latest full year.
    registry
        Registry to use (default the shipped one).

    Returns
    -------
    SizedValue
        Labelled ``sized: rule booths-from-peak-hour v1 (assumption)``.
    """
    if lane_type not in ("passenger", "commercial"):
        raise ValueError(f"lane_type must be 'passenger' or 'commercial', got {lane_type!r}")
    reg = registry or load_registry()
    crossing = reg.crossing(crossing_id)
    measure = "Personal Vehicles" if lane_type == "passenger" else "Trucks"
    shares = split_shares(reg, crossing.bts_port_code, lane_type)
    share = next(s for s in shares if s.crossing_id == crossing_id)
    y = year if year is not None else latest_full_year(con)
    series = traffic_series(con, crossing.bts_port_code, [measure], date(y, 1, 1), date(y, 12, 1))
    monthly = {r.month: r.value * share.share for r in series}
    demand = peak_hour_demand(monthly, y)
    st = SERVICE_TIMES[lane_type]
    return booths_from_peak_hour(
        demand.veh_per_h,
        st.minutes,
        extra_assumptions=(
            f"BTS {measure} (U.S.-bound) at port {crossing.bts_port_code}",
            f"share {share.share:.3f} to {crossing.us_name}: {share.rule}, {share.basis}",
            *demand.assumptions,
            f"service time: {st.source}",
        ),
    )


def sized_booths(
    con: Any,
    crossings: tuple[Crossing, ...],
    year: int | None = None,
    registry: Registry | None = None,
) -> dict[str, dict[str, SizedValue | None]]:
    """Size U.S.-bound passenger and commercial booths of several crossings.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    crossings
        Registry crossings.
    year
        Year of demand; default the latest full year.
    registry
        Registry to use (default the shipped one).

    Returns
    -------
    dict
        ``{crossing_id: {"passenger": SizedValue | None, "commercial": ...}}``; ``None``
        where the port has no BTS counts in that year.
    """
    y = year if year is not None else latest_full_year(con)
    out: dict[str, dict[str, SizedValue | None]] = {}
    for c in crossings:
        out[c.crossing_id] = {}
        for lt in ("passenger", "commercial"):
            try:
                out[c.crossing_id][lt] = size_crossing_booths(con, c.crossing_id, lt, y, registry)
            except ValueError:  # no BTS counts for the port in that year
                out[c.crossing_id][lt] = None
    return out


__all__ = [
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "TARGET_UTILISATION",
    "ServiceTime",
    "SizedValue",
    "booths_from_peak_hour",
    "size_crossing_booths",
    "sized_booths",
]
