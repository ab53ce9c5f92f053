"""Lane-class shares per crossing and direction: NEXUS and Ready cars, FAST trucks.

Every share is an explicit parameter with its source (:class:`Share`); any of them can be
overridden. Only Peace Arch has a measured share (NEXUS, from the shipped Cascade Gateway
volumes); the others are labelled assumptions, and a class whose lanes the crossing does
not list gets share 0 (its vehicles use the general or commercial lanes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from borderflow.data import Crossing
from borderflow.vocab import CANADA_BOUND, DIRECTIONS, US_BOUND

#: Crossing id of Blaine-Peace Arch, the one crossing with measured lane-class volumes.
PEACE_ARCH = "3005"

#: Default NEXUS share of cars where NEXUS lanes are listed (assumption).
DEFAULT_NEXUS_SHARE = 0.25
#: Default Ready share of cars where Ready lanes are listed (assumption).
DEFAULT_READY_SHARE = 1000 / 6000
#: Default FAST share of trucks where FAST lanes are listed (assumption).
DEFAULT_FAST_SHARE = 0.30

_NEXUS_DEFAULT_SOURCE = (
    "assumption: no shipped source gives NEXUS shares outside Peace Arch (about half of "
    "cars there); 0.25 used where NEXUS lanes are listed"
)
_READY_DEFAULT_SOURCE = (
    "assumption: no shipped source gives Ready-lane shares; 1,000 of 6,000 cars as in "
    "examples/peace-arch-us-bound.toml"
)
_FAST_DEFAULT_SOURCE = (
    "assumption: no shipped source gives FAST shares of trucks; 0.30 where FAST lanes are listed"
)


@dataclass(frozen=True)
class Share:
    """A share in [0, 1] with where it comes from."""

    value: float
    source: str

    def __post_init__(self) -> None:
        if not 0 <= self.value <= 1:
            raise ValueError(f"share must be in [0, 1], got {self.value}")


@dataclass(frozen=True)
class ClassShares:
    """Lane-class shares of one crossing in one direction.

    Attributes
    ----------
    crossing_id
        Registry crossing id.
    direction
        ``"US-bound"`` or ``"Canada-bound"``.
    nexus
        Share of personal vehicles that are NEXUS cars in NEXUS lanes.
    ready
        Share of personal vehicles that use Ready lanes.
    fast
        Share of trucks that are FAST trucks in FAST lanes.
    """

    crossing_id: str
    direction: str
    nexus: Share
    ready: Share
    fast: Share

    def __post_init__(self) -> None:
        if self.nexus.value + self.ready.value > 1:
            raise ValueError(
                f"NEXUS share {self.nexus.value} + Ready share {self.ready.value} exceed 1"
            )

    def car_split(self) -> tuple[tuple[str, str, float], ...]:
        """``(class, lane type, share)`` of personal vehicles; shares sum to 1."""
        n, r = self.nexus.value, self.ready.value
        return (
            ("general cars", "general", 1 - n - r),
            ("Ready cars", "ready", r),
            ("NEXUS cars", "nexus", n),
        )

    def truck_split(self) -> tuple[tuple[str, str, float], ...]:
        """``(class, lane type, share)`` of trucks; shares sum to 1."""
        f = self.fast.value
        return (("other trucks", "commercial", 1 - f), ("FAST trucks", "commercial", f))

    def sources(self) -> tuple[str, ...]:
        """One line per share: value and source."""
        return (
            f"NEXUS share of cars {self.nexus.value:.3f}: {self.nexus.source}",
            f"Ready share of cars {self.ready.value:.3f}: {self.ready.source}",
            f"FAST share of trucks {self.fast.value:.3f}: {self.fast.source}",
        )


_NEXUS_CACHE: dict[tuple[Any, ...], tuple[float, int]] = {}


def measured_nexus_share(con: Any) -> tuple[float, int]:
    """NEXUS share of Peace Arch Canada-bound cars in the shipped data, and its day count.

    Sum of NEXUS-lane volume over the sum of both lanes, on days with both lanes counted
    (``peace_arch_north_daily``). Cached per table content.
    """
    fp = tuple(con.execute("SELECT count(*), sum(volume) FROM peace_arch_north_daily").fetchone())
    if fp not in _NEXUS_CACHE:
        row = con.execute(
            "SELECT sum(volume) FILTER (lane = 'nexus'), sum(volume), count(DISTINCT day) "
            "FROM peace_arch_north_daily WHERE day IN (SELECT day FROM peace_arch_north_daily "
            "GROUP BY day HAVING count(volume) = 2)"
        ).fetchone()
        _NEXUS_CACHE[fp] = (float(row[0]) / float(row[1]), int(row[2]))
    return _NEXUS_CACHE[fp]


def _listed(crossing: Crossing, direction: str, lane_type: str) -> bool:
    return any(f.listed for f in crossing.lane(direction, lane_type))


def class_shares(
    con: Any,
    crossing: Crossing,
    direction: str = US_BOUND,
    overrides: Mapping[str, float] | None = None,
) -> ClassShares:
    """Lane-class shares of a crossing: sourced where possible, else labelled assumptions.

    Rules: NEXUS share is measured at Peace Arch (Canada-bound; applied to U.S.-bound as
    an assumption); elsewhere :data:`DEFAULT_NEXUS_SHARE` where the registry lists NEXUS
    lanes in that direction, else 0. Ready lanes are a CBP (U.S.-bound) programme:
    :data:`DEFAULT_READY_SHARE` where listed, else 0. FAST: :data:`DEFAULT_FAST_SHARE`
    where listed in that direction, else 0.

    Parameters
    ----------
    con
        DuckDB connection (for the measured Peace Arch share).
    crossing
        Registry crossing.
    direction
        ``"US-bound"`` or ``"Canada-bound"``.
    overrides
        ``{"nexus": x, "ready": y, "fast": z}`` (any subset) replacing the defaults; each
        is labelled ``"override"``.

    Raises
    ------
    ValueError
        For an unknown direction, override key or a share outside [0, 1].
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if crossing.crossing_id == PEACE_ARCH:
        share, days = measured_nexus_share(con)
        src = (
            f"measured: Peace Arch Canada-bound NEXUS-lane cars / all cars over {days} days "
            "2018-01 to 2019-06 (data/cascade_gateway/peacearch_N_cars_*)"
        )
        if direction == US_BOUND:
            src += "; applied to U.S.-bound (assumption: no U.S.-bound lane volumes shipped)"
        nexus = Share(share, src)
    elif _listed(crossing, direction, "nexus"):
        nexus = Share(DEFAULT_NEXUS_SHARE, _NEXUS_DEFAULT_SOURCE)
    else:
        nexus = Share(
            0.0, f"no NEXUS lanes listed {direction} in the registry: NEXUS cars use general lanes"
        )
    if direction == US_BOUND and _listed(crossing, direction, "ready"):
        ready = Share(DEFAULT_READY_SHARE, _READY_DEFAULT_SOURCE)
    elif direction == CANADA_BOUND:
        ready = Share(0.0, "Ready lanes are a CBP (U.S.-bound) programme")
    else:
        ready = Share(0.0, "no Ready lanes listed in the registry: Ready cars use general lanes")
    if _listed(crossing, direction, "fast"):
        fast = Share(DEFAULT_FAST_SHARE, _FAST_DEFAULT_SOURCE)
    else:
        fast = Share(
            0.0, f"no FAST lanes listed {direction} in the registry: all trucks in commercial lanes"
        )
    out = ClassShares(crossing.crossing_id, direction, nexus, ready, fast)
    for key, value in (overrides or {}).items():
        if key not in ("nexus", "ready", "fast"):
            raise ValueError(f"unknown share {key!r}: expected nexus, ready or fast")
        given = Share(float(value), "override (given by the user)")
        if key == "nexus":
            out = replace(out, nexus=given)
        elif key == "ready":
            out = replace(out, ready=given)
        else:
            out = replace(out, fast=given)
    return out


__all__ = [
    "DEFAULT_FAST_SHARE",
    "DEFAULT_NEXUS_SHARE",
    "DEFAULT_READY_SHARE",
    "PEACE_ARCH",
    "ClassShares",
    "Share",
    "class_shares",
    "measured_nexus_share",
]
