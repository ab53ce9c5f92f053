"""Response and request models of the API (pydantic at the edge only).

Records the library already defines as dataclasses (:class:`borderflow.data.Crossing`,
:class:`~borderflow.data.LaneFigure`, :class:`~borderflow.data.FactCheck`,
:class:`~borderflow.data.PortMatch`) are not re-declared field by field: their models are
derived from the dataclasses (:func:`model_of`), so the two can never drift apart.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from borderflow.data import Crossing, FactCheck, LaneFigure, PortMatch


def model_of(cls: type, name: str, **extra: Any) -> type[BaseModel]:
    """Return a pydantic model with the fields of dataclass ``cls`` (plus ``extra``).

    Parameters
    ----------
    cls
        A dataclass; its resolved type hints become the fields (tuples become lists in
        the JSON schema, as JSON has no tuples).
    name
        The model's name (the schema name in OpenAPI).
    extra
        More fields, as ``name=(type, default)``.
    """
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        fields[f.name] = (hints[f.name], ...)
    fields.update(extra)
    model: type[BaseModel] = create_model(name, __doc__=cls.__doc__, **fields)
    return model


LaneOut = model_of(LaneFigure, "LaneOut")


class SizedOut(BaseModel):
    """Booths filled by the sizing rule; never shown without ``label``."""

    value: int
    label: str
    demand_veh_per_h: float
    service_time_min: float
    target_utilisation: float
    assumptions: list[str]


CrossingOut = model_of(
    Crossing,
    "CrossingOut",
    lanes=(list[LaneOut], ...),  # type: ignore[valid-type]
    sized_us_bound_booths=(dict[str, SizedOut | None] | None, None),
)
FactOut = model_of(FactCheck, "FactOut")
PortMatchOut = model_of(PortMatch, "PortMatchOut")


class TrafficPoint(BaseModel):
    """One month of one measure [count/month, U.S.-bound]."""

    month: str = Field(description="YYYY-MM")
    measure: str
    value: int = Field(description="count/month")


class TrafficOut(BaseModel):
    """A port's monthly series, with where it comes from."""

    port_code: str
    port_name: str
    state: str
    border: str
    matched_by: str
    unit: str
    source: str
    rows: list[TrafficPoint]


class DatabaseStatus(BaseModel):
    """Whether the warehouse can be read (its path is never shown)."""

    available: bool
    problem: str | None = Field(description="What is missing, when not available.")


class HealthOut(BaseModel):
    """``ok`` when everything the API serves is there, ``degraded`` otherwise."""

    status: Literal["ok", "degraded"]
    version: str
    database: DatabaseStatus
    missing: list[str] = Field(description="Endpoints that cannot answer now, and why.")


class ForecastPoint(BaseModel):
    """One forecast month [count/month] with its prediction intervals."""

    month: str
    value: float
    lo80: float | None = None
    hi80: float | None = None
    lo95: float | None = None
    hi95: float | None = None


class ForecastOut(BaseModel):
    """Monthly traffic forecast of one port and measure."""

    port_code: str
    port_name: str
    measure: str
    model: str
    predicted: bool = True
    rows: list[ForecastPoint]


class WaitRow(BaseModel):
    """Predicted delay of one lane type in one local clock hour [minutes]."""

    hour_start: str = Field(description="Local start of the hour, ISO 8601 (no offset).")
    lane_type: str
    delay_min: float | None = Field(description="Predicted mean delay [minutes].")
    lo: float | None = Field(description="Lower end of the 80% interval [minutes].")
    hi: float | None = Field(description="Upper end of the 80% interval [minutes].")
    lanes_open: float | None = Field(description="Booths open [booths].")
    arrivals_per_h: float | None = Field(default=None, description="[vehicles/hour]")


CapacityBasis = str


class WaitsOut(BaseModel):
    """Predicted waits of one crossing-day, by hour and lane type."""

    crossing_id: str
    crossing_name: str
    port_code: str
    day: str
    direction: str
    model: str
    validated: bool = Field(description="Validated against measured waits (Peace Arch).")
    capacity_basis: CapacityBasis = Field(
        description="calibrated | sourced booths | sizing rule (an assumption)."
    )
    demand_basis: str
    predicted: bool = True
    rows: list[WaitRow]


class WhatIfIn(BaseModel):
    """A what-if on one crossing-day: booths added, NEXUS share, hours closed."""

    model_config = ConfigDict(extra="forbid")

    crossing_id: str = Field(max_length=8, description="Registry crossing id, e.g. 3005.")
    day: date = Field(description="Local day, YYYY-MM-DD.")
    direction: Literal["US-bound", "Canada-bound"] = "US-bound"
    booths: dict[
        Literal["general", "nexus", "ready", "commercial"], Annotated[int, Field(ge=-20, le=20)]
    ] = Field(
        default_factory=dict,
        description="Booths added per lane type (negative removes) [booths].",
    )
    nexus_share: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Share of passenger vehicles using NEXUS."
    )
    closed_hours: list[Annotated[int, Field(ge=0, le=23)]] = Field(
        default_factory=list, max_length=24, description="Local hours (0-23) closed."
    )


class WhatIfRow(BaseModel):
    """Baseline against changed delay, one hour and lane type [minutes]."""

    hour_start: str
    lane_type: str
    baseline_min: float | None
    scenario_min: float | None
    diff_min: float | None
    diff_lo: float | None
    diff_hi: float | None
    baseline_lanes_open: float | None = None
    scenario_lanes_open: float | None = None


class WhatIfOut(BaseModel):
    """A what-if's result: per hour and lane type, with a CI on each difference."""

    crossing_id: str
    day: str
    direction: str
    changes: dict[str, Any]
    model: str
    validated: bool
    capacity_basis: str
    predicted: bool = True
    notes: list[str] = Field(default_factory=list, description="Caps and assumptions applied.")
    rows: list[WhatIfRow]


class SimulateIn(BaseModel):
    """A scenario (the scenario file's schema, as JSON) and how to run it."""

    model_config = ConfigDict(extra="forbid")

    scenario: dict[str, Any] = Field(
        description="The scenario, with the TOML file's fields (docs/scenario-format.md)."
    )
    replications: int = Field(default=10, ge=1, description="Independent replications.")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Root seed.")


class SimulateOut(BaseModel):
    """A simulation's result (see ``SimulationResult.to_dict``)."""

    model_config = ConfigDict(extra="allow")

    name: str
    direction: str
    replications: int
    seed: int
    engine: str
    lane_types: list[str]
    summary: dict[str, Any]
    hourly: dict[str, Any]
    storage: dict[str, Any]
    daily: dict[str, Any]
    expected_vehicles: float = Field(description="Expected vehicles over all replications.")


class ClosurePortOut(BaseModel):
    """One port whose monthly total a closure changes."""

    model_config = ConfigDict(extra="allow")

    port_code: str
    port_name: str


class ClosureOut(BaseModel):
    """A closure's effect (the ``borderflow closure --json`` document)."""

    model_config = ConfigDict(extra="allow")

    closure: dict[str, Any]
    ports: list[ClosurePortOut]
    predicted: bool = True


class MapPoint(BaseModel):
    """One crossing on the map."""

    crossing_id: str
    name: str
    port_code: str
    state: str
    province: str | None
    mode: str
    latitude: float
    longitude: float
    vehicles_per_year: int = Field(description="U.S.-bound vehicles/year (see /api/map).")
    in_cbp_feed: bool


class MapOut(BaseModel):
    """Every crossing with its position and yearly traffic."""

    year: int
    unit: str
    crossings: list[MapPoint]


class WaitAt(BaseModel):
    """Predicted delay of one crossing at one hour [minutes]; ``null`` without one."""

    crossing_id: str
    delay_min: float | None
    validated: bool
    capacity_basis: str | None
    model: str | None


class WaitsAtOut(BaseModel):
    """Predicted delay of every road crossing at one local hour."""

    at: str
    lane_type: str
    predicted: bool = True
    ports: list[WaitAt]


class GeoOut(BaseModel):
    """Simplified map geometry, lon/lat degrees (WGS84), for drawing offline."""

    bbox: list[float] = Field(description="[west, south, east, north] degrees")
    border: list[list[list[float]]] = Field(description="Border lines, [[lon, lat], ...].")
    regions: list[dict[str, Any]] = Field(description="States and provinces: name, rings.")
    lakes: list[list[list[float]]] = Field(description="Lake outlines, rings.")
    sources: str
