"""One vocabulary for every layer: directions, lane types, figure categories, BTS measures.

The kernel (:mod:`borderflow.sim`) simulates *lane types*; the crossing registry records
*lane figures* whose categories are partly coarser (``passenger`` = all passenger-vehicle
lanes, as CBP's ``maximum_lanes`` counts them) and partly finer (``fast`` = the FAST lanes
among the commercial ones). :data:`FIGURE_LANE_TYPES` maps each figure category to the
kernel lane types it covers. This module imports nothing from borderflow, so every layer
may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

#: U.S.-bound traffic: inspected by CBP; the only direction BTS counts.
US_BOUND: Final = "US-bound"
#: Canada-bound traffic: inspected by CBSA.
CANADA_BOUND: Final = "Canada-bound"
#: The two directions of a crossing, in this order everywhere.
DIRECTIONS: tuple[str, ...] = (US_BOUND, CANADA_BOUND)
Direction: TypeAlias = Literal["US-bound", "Canada-bound"]

#: A lane figure whose source does not say which direction it counts.
DIRECTION_NOT_STATED: Final = "direction not stated"
#: Directions a registry lane figure can carry.
FIGURE_DIRECTIONS: tuple[str, ...] = (*DIRECTIONS, DIRECTION_NOT_STATED)

#: Lane types the kernel simulates, in their fixed order (a lane type's index is its
#: position here). FAST is not a lane type: a FAST lane is a ``commercial`` lane group
#: restricted to the FAST class.
LANE_TYPES: tuple[str, ...] = ("general", "nexus", "ready", "commercial", "bus", "pedestrian")

#: Categories of registry lane figures (see ``docs/registry.md``): the kernel lane types
#: a source names, plus ``passenger`` (all passenger-vehicle lanes together), ``fast``
#: (FAST commercial lanes) and ``all`` (a figure whose lane type is not stated).
FIGURE_CATEGORIES: tuple[str, ...] = (
    "passenger",
    "general",
    "nexus",
    "ready",
    "commercial",
    "fast",
    "pedestrian",
    "all",
)

#: Kernel lane types each figure category covers (``fast`` lanes are ``commercial``
#: lanes restricted to FAST trucks; ``bus`` lanes appear in no shipped source).
FIGURE_LANE_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "passenger": ("general", "nexus", "ready"),
        "general": ("general",),
        "nexus": ("nexus",),
        "ready": ("ready",),
        "commercial": ("commercial",),
        "fast": ("commercial",),
        "pedestrian": ("pedestrian",),
        "all": LANE_TYPES,
    }
)

#: The measures BTS publishes in its Border Crossing Entry Data.
BTS_MEASURES: tuple[str, ...] = (
    "Personal Vehicles",
    "Personal Vehicle Passengers",
    "Trucks",
    "Truck Containers Loaded",
    "Truck Containers Empty",
    "Buses",
    "Bus Passengers",
    "Pedestrians",
    "Trains",
    "Train Passengers",
    "Rail Containers Loaded",
    "Rail Containers Empty",
)

#: BTS measures grouped by the lanes that serve them.
MEASURE_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "passenger": (
            "Personal Vehicles",
            "Personal Vehicle Passengers",
            "Buses",
            "Bus Passengers",
        ),
        "commercial": ("Trucks", "Truck Containers Loaded", "Truck Containers Empty"),
        "pedestrian": ("Pedestrians",),
        "rail": ("Trains", "Train Passengers", "Rail Containers Loaded", "Rail Containers Empty"),
    }
)


def measure_group(measure: str) -> str:
    """Return the group (key of :data:`MEASURE_GROUPS`) of a BTS measure name.

    Raises
    ------
    KeyError
        Naming the measure if it is not a BTS measure.
    """
    for group, measures in MEASURE_GROUPS.items():
        if measure in measures:
            return group
    raise KeyError(f"unknown BTS measure {measure!r}")


__all__ = [
    "BTS_MEASURES",
    "CANADA_BOUND",
    "DIRECTIONS",
    "DIRECTION_NOT_STATED",
    "FIGURE_CATEGORIES",
    "FIGURE_DIRECTIONS",
    "FIGURE_LANE_TYPES",
    "LANE_TYPES",
    "MEASURE_GROUPS",
    "US_BOUND",
    "Direction",
    "measure_group",
]
