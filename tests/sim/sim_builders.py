"""Small spec builders shared by the kernel tests."""

from __future__ import annotations

from collections.abc import Sequence

from borderflow.sim import (
    BoothSchedule,
    Deterministic,
    Distribution,
    LaneGroup,
    PortSpec,
    Staffing,
    TrafficClass,
)


def trace_spec(
    times: Sequence[float],
    service: Distribution | float,
    staffing: Staffing | Sequence[int] | int = 1,
    *,
    horizon_hours: int = 1,
    drain: bool = True,
    **kw: object,
) -> PortSpec:
    """One trace-driven class, one general lane group: a fully deterministic port."""
    dist = Deterministic(float(service)) if isinstance(service, int | float) else service
    if isinstance(staffing, int):
        staffing = BoothSchedule((staffing,))
    elif not isinstance(staffing, BoothSchedule) and not hasattr(staffing, "min_booths"):
        staffing = BoothSchedule(tuple(staffing))  # type: ignore[arg-type]
    return PortSpec(
        name="trace",
        direction="US-bound",
        horizon_hours=horizon_hours,
        classes=(TrafficClass("cars", 0.0, {"general": dist}, arrival_times_min=tuple(times)),),
        lane_groups=(LaneGroup("g", "general", staffing),),  # type: ignore[arg-type]
        drain=drain,
        **kw,  # type: ignore[arg-type]
    )
