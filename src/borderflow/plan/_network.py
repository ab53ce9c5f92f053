"""The border as a network: ports as nodes, road travel between them, hourly capacity.

Nodes are BTS port codes (the unit the monthly counts use), placed at the mean position
of their road crossings. Travel between two ports is the great-circle distance times a
circuity (detour) factor at a stated speed; no road network is shipped, so no routed
distance is used. Capacity is primary booths x service rate over the hours a crossing is
open. Every parameter is in :class:`NetworkParams` with its source or the word
"assumption" (``docs/closures.md``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from borderflow.data import Crossing, Registry
from borderflow.plan._sizing import SERVICE_TIMES, TARGET_UTILISATION, size_crossing_booths
from borderflow.vocab import DIRECTION_NOT_STATED, US_BOUND, measure_group

#: Mean Earth radius [km] (IUGG mean radius R1).
EARTH_RADIUS_KM = 6371.0088

#: BTS measures a closure can be modelled for, and the lane category that serves each.
VEHICLE_MEASURES: dict[str, str] = {
    "Trucks": "commercial",
    "Personal Vehicles": "passenger",
    "Buses": "passenger",
}


@dataclass(frozen=True)
class Parameter:
    """One model parameter: value, unit and where it comes from."""

    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class NetworkParams:
    """Parameters of travel, capacity and route choice (each with its source).

    Attributes
    ----------
    detour_factor
        Road distance / great-circle distance.
    speed_kmh
        Mean speed of a detour, by lane category [km/h].
    radius_km
        Alternatives considered: open ports within this great-circle distance [km].
    logit_scale_min
        Logit dispersion: a cost difference of this many minutes multiplies the odds of
        the cheaper option by e [min].
    max_wait_h
        A postponed trip that would wait longer than this for reopening is cancelled
        (not crossed in the period) [h].
    usable_utilisation
        Share of a port's hourly capacity that traffic may use (open or receiving).
    unknown_hours
        Hours a day open assumed for a crossing whose hours no source gives [h].
    lane_source
        ``"published-first"``: a published primary booth count (``data/PARAMETERS.md``)
        where one exists, else CBP's maximum lanes; ``"cbp-first"``: the reverse.
    corridor_radius_km
        Everyday route choice (``route-logit-sue v1``): the road crossings within this
        great-circle distance of the named one form its corridor [km].
    overload_utilisation
        Everyday route choice: above this utilisation the expected wait grows linearly
        (a queue building over the hour) instead of Erlang C's pole at 1.
    sue_tolerance
        Everyday route choice: the equilibrium is reached when no crossing's share of an
        hour's demand moves by more than this between the flows and the choice they cause.
    sue_max_iterations
        Everyday route choice: cap on the successive-averages iterations.
    """

    detour_factor: float = 1.2
    speed_kmh_commercial: float = 80.0
    speed_kmh_passenger: float = 90.0
    radius_km_commercial: float = 400.0
    radius_km_passenger: float = 150.0
    logit_scale_min: float = 60.0
    max_wait_h: float = 24.0
    usable_utilisation: float = TARGET_UTILISATION
    unknown_hours: float = 8.0
    lane_source: str = "published-first"
    corridor_radius_km: float = 50.0
    overload_utilisation: float = 0.95
    sue_tolerance: float = 1e-3
    sue_max_iterations: int = 2000

    def __post_init__(self) -> None:
        checks = {
            "detour_factor": self.detour_factor >= 1.0,
            "speed_kmh_commercial": self.speed_kmh_commercial > 0,
            "speed_kmh_passenger": self.speed_kmh_passenger > 0,
            "radius_km_commercial": self.radius_km_commercial >= 0,
            "radius_km_passenger": self.radius_km_passenger >= 0,
            "logit_scale_min": self.logit_scale_min > 0,
            "max_wait_h": self.max_wait_h >= 0,
            "usable_utilisation": 0 < self.usable_utilisation <= 1,
            "unknown_hours": 0 < self.unknown_hours <= 24,
            "lane_source": self.lane_source in ("published-first", "cbp-first"),
            "corridor_radius_km": self.corridor_radius_km >= 0,
            "overload_utilisation": 0 < self.overload_utilisation < 1,
            "sue_tolerance": self.sue_tolerance > 0,
            "sue_max_iterations": self.sue_max_iterations >= 1,
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            vals = ", ".join(f"{k}={getattr(self, k)!r}" for k in bad)
            raise ValueError(f"invalid closure-model parameter(s): {vals}")

    def speed_kmh(self, category: str) -> float:
        """Detour speed of a lane category [km/h]."""
        return self.speed_kmh_commercial if category == "commercial" else self.speed_kmh_passenger

    def radius_km(self, category: str) -> float:
        """Search radius for alternatives of a lane category [km]."""
        return self.radius_km_commercial if category == "commercial" else self.radius_km_passenger

    def table(self, category: str) -> tuple[Parameter, ...]:
        """Every parameter used for ``category``, with its source or "assumption"."""
        return (
            Parameter(
                "detour_factor",
                self.detour_factor,
                "road km / great-circle km",
                "literature value: road circuity about 1.2 (Newell 1980; Ballou, Rahardja & "
                "Sakai 2002, Transportation Research Part A 36(9), national factors); not "
                "checked against a road network here",
            ),
            Parameter(
                "speed_kmh",
                self.speed_kmh(category),
                "km/h",
                "assumption: mean highway speed of a detour (trucks 80, cars 90), below "
                "posted limits for urban sections and border approaches",
            ),
            Parameter(
                "radius_km",
                self.radius_km(category),
                "km (great circle)",
                "assumption: alternatives farther away are not considered (trucks 400, cars 150)",
            ),
            Parameter(
                "logit_scale_min",
                self.logit_scale_min,
                "min",
                "assumption: a 60-min cost difference multiplies the odds by e; not fitted "
                "to any event (sensitivity in docs/validation-closure.md)",
            ),
            Parameter(
                "max_wait_h",
                self.max_wait_h,
                "h",
                "assumption: a trip that would wait more than a day for reopening is "
                "cancelled or shifted beyond the period, not crossed later",
            ),
            Parameter(
                "usable_utilisation",
                self.usable_utilisation,
                "share of capacity",
                "assumption: the target utilisation of the sizing rule "
                "booths-from-peak-hour v1 (borderflow.plan.TARGET_UTILISATION)",
            ),
            Parameter(
                "service_time_min",
                SERVICE_TIMES[category].minutes,
                "min",
                SERVICE_TIMES[category].source,
            ),
            Parameter(
                "unknown_hours",
                self.unknown_hours,
                "h/day",
                "assumption: a crossing whose hours no source gives is open 8 am-4 pm",
            ),
        )


# --- geometry ---------------------------------------------------------------------------------


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points (haversine, spherical Earth) [km]."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# --- hours ------------------------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2})\s*(am|pm)\s*$|^\s*(midnight|noon)\s*$", re.IGNORECASE)


def _clock_hour(text: str) -> int:
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"unrecognised clock time {text!r}")
    if m.group(3):
        return 24 if m.group(3).lower() == "midnight" else 12
    h = int(m.group(1)) % 12
    return h + 12 if m.group(2).lower() == "pm" else h


def open_hours(hours: str | None) -> tuple[bool, ...] | None:
    """Hours of the day a crossing is open, from CBP's hours string.

    Parameters
    ----------
    hours
        ``"24 hrs/day"`` or ``"8 am-Midnight"``-style text; ``None`` when unknown.

    Returns
    -------
    tuple of bool or None
        24 flags, ``True`` for each hour ``h`` (``h:00``-``h+1:00``) the crossing is open;
        ``None`` when ``hours`` is ``None``.

    Raises
    ------
    ValueError
        Naming the text when it is neither form.
    """
    if hours is None:
        return None
    text = hours.strip().lower()
    if text in ("24 hrs/day", "24 hours", "24/7"):
        return (True,) * 24
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"unrecognised crossing hours {hours!r}")
    start, end = _clock_hour(parts[0]), _clock_hour(parts[1])
    if start == 24:
        start = 0
    if end <= start:  # overnight window, e.g. 8 pm-4 am
        return tuple(h >= start or h < end for h in range(24))
    return tuple(start <= h < end for h in range(24))


# --- nodes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossingCapacity:
    """One crossing's primary booths for one lane category, and its open hours."""

    crossing_id: str
    name: str
    booths: int
    booths_source: str
    open_hours: tuple[bool, ...]
    hours_source: str


@dataclass(frozen=True)
class PortNode:
    """One BTS port code as a network node for one lane category.

    Attributes
    ----------
    port_code, name
        BTS port code and registry port name.
    latitude, longitude
        Mean position of the port's road crossings [degrees].
    category
        ``"commercial"`` or ``"passenger"``.
    crossings
        Capacity of each road crossing.
    service_time_min
        Mean primary service time [min].
    """

    port_code: str
    name: str
    latitude: float
    longitude: float
    category: str
    crossings: tuple[CrossingCapacity, ...]
    service_time_min: float

    @property
    def booths(self) -> int:
        """Primary booths of the category over all crossings."""
        return sum(c.booths for c in self.crossings)

    def booths_open(self, hour: int) -> int:
        """Booths open in hour ``hour`` (0-23) of the day."""
        return sum(c.booths for c in self.crossings if c.open_hours[hour])

    def capacity_per_h(self, hour: int) -> float:
        """Service capacity in hour ``hour`` of the day [vehicles/hour]."""
        return self.booths_open(hour) * 60.0 / self.service_time_min

    def open_hours_count(self) -> int:
        """Hours a day at least one crossing is open."""
        return sum(1 for h in range(24) if self.booths_open(h) > 0)


def _published_count(c: Crossing, category: str) -> tuple[int, str] | None:
    for direction in (US_BOUND, DIRECTION_NOT_STATED):
        for f in c.lane(direction, category):
            if f.count is not None and f.source and "CBP Border Wait Times" not in f.source:
                return f.count, f"{f.source} ({f.unit}, {direction})"
    return None


def crossing_booths(
    c: Crossing,
    category: str,
    params: NetworkParams,
    con: Any | None = None,
    year: int | None = None,
    registry: Registry | None = None,
) -> tuple[int, str]:
    """Primary booths of one crossing for a lane category, and their source.

    Order (``params.lane_source = "published-first"``): a published count from
    ``data/PARAMETERS.md`` (U.S.-bound or direction not stated), else CBP's maximum lanes
    (U.S.-bound, 2023-11-10), else the sizing rule ``booths-from-peak-hour v1`` (needs
    ``con``; labelled), else 0.
    """
    published = _published_count(c, category)
    cbp = c.cbp_max_lanes(category)
    cbp_pair = (cbp, "CBP maximum lanes, U.S.-bound, 2023-11-10") if cbp is not None else None
    order = (published, cbp_pair)
    if params.lane_source == "cbp-first":
        order = (cbp_pair, published)
    for pair in order:
        if pair is not None:
            return pair
    if con is not None:
        try:
            sized = size_crossing_booths(con, c.crossing_id, category, year, registry)
        except (ValueError, KeyError, LookupError):
            return 0, "no lane figure and no BTS counts to size from"
        return sized.value, sized.label
    return 0, "no lane figure"


def build_node(
    registry: Registry,
    port_code: str,
    category: str,
    params: NetworkParams,
    con: Any | None = None,
    year: int | None = None,
) -> PortNode | None:
    """Build one port's node; ``None`` if the port has no road crossing in the registry."""
    road = tuple(c for c in registry.by_port_code(port_code) if c.mode == "road")
    if not road:
        return None
    caps: list[CrossingCapacity] = []
    for c in road:
        booths, bsrc = crossing_booths(c, category, params, con, year, registry)
        hours = open_hours(c.hours)
        if hours is None:
            n = round(params.unknown_hours)
            start = 8 if n <= 16 else 0
            hours = tuple(start <= h < start + n for h in range(24))
            hsrc = f"unknown: open {start}:00-{start + n}:00 assumed"
        else:
            hsrc = f"CBP hours {c.hours!r}"
        caps.append(CrossingCapacity(c.crossing_id, c.us_name, booths, bsrc, hours, hsrc))
    lat = sum(c.latitude for c in road) / len(road)
    lon = sum(c.longitude for c in road) / len(road)
    name = road[0].bts_port_name
    return PortNode(
        port_code, name, lat, lon, category, tuple(caps), SERVICE_TIMES[category].minutes
    )


def category_of(measure: str) -> str:
    """Lane category (``commercial``/``passenger``) serving a vehicle measure.

    Raises
    ------
    ValueError
        Naming the measure when it is not a vehicle measure a closure can move.
    """
    if measure in VEHICLE_MEASURES:
        return VEHICLE_MEASURES[measure]
    try:
        group = measure_group(measure)
    except KeyError:
        group = "unknown"
    raise ValueError(
        f"--measure {measure!r} ({group}) cannot be diverted between ports: choose one of "
        f"{', '.join(VEHICLE_MEASURES)}"
    )


def detour_km(distance_km: float, params: NetworkParams) -> float:
    """Extra road distance of a trip diverted to a port ``distance_km`` away [km].

    Trips are taken to start and end near the closed crossing, one on each side of the
    border: via the alternative they drive there and back on both sides, so the extra
    distance is ``2 x distance x detour_factor``. For long-haul trips whose ends lie
    beyond the alternative this is an upper bound.
    """
    return 2.0 * distance_km * params.detour_factor


__all__ = [
    "EARTH_RADIUS_KM",
    "VEHICLE_MEASURES",
    "CrossingCapacity",
    "NetworkParams",
    "Parameter",
    "PortNode",
    "build_node",
    "category_of",
    "crossing_booths",
    "detour_km",
    "great_circle_km",
    "open_hours",
]
