"""The crossing registry's model: crossings, their lane figures per direction, port codes.

Built by :func:`borderflow.data.load_registry` from the shipped, sourced files in
``data/crossings/`` (see its ``SOURCES.md`` and ``docs/registry.md``). Every lane figure
carries its direction ("US-bound" inspected by CBP, "Canada-bound" inspected by CBSA, or
"direction not stated" where the source does not say) and its source. Unknown stays
``None``. Lane-figure categories are :data:`borderflow.vocab.FIGURE_CATEGORIES`; their
mapping to the kernel's lane types is :data:`borderflow.vocab.FIGURE_LANE_TYPES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from borderflow.vocab import (
    FIGURE_CATEGORIES,
    FIGURE_DIRECTIONS,
    US_BOUND,
)

#: Directions a lane figure can carry; the third is for sources that do not say.
DIRECTIONS = FIGURE_DIRECTIONS
#: Figure categories (see :data:`borderflow.vocab.FIGURE_CATEGORIES`).
LANE_TYPES = FIGURE_CATEGORIES
#: Lane types listed (with explicit nulls where unknown) for each of the two directions.
_STANDARD_TYPES = ("passenger", "general", "nexus", "ready", "commercial", "fast", "pedestrian")

CBP_SOURCE = (
    "CBP Border Wait Times feed, snapshot 2023-11-10 "
    "(data/crossings/cbp_bwt_canadian_border_2023-11-10.csv.gz)"
)
_CROSSINGS_FILE = "us_canada_crossings.csv.gz"
_CBP_FILE = "cbp_bwt_canadian_border_2023-11-10.csv.gz"
_CODES_FILE = "bts_port_codes.csv.gz"
_CURATED_FILE = "curated_lanes.csv"

Mode = Literal["road", "ferry", "seaport"]


@dataclass(frozen=True)
class LaneFigure:
    """One lane/booth figure of one crossing, in one direction, with its source.

    Attributes
    ----------
    crossing_id
        BTS crossing id (4 characters).
    direction
        ``"US-bound"``, ``"Canada-bound"`` or ``"direction not stated"``.
    lane_type
        One of :data:`LANE_TYPES`.
    unit
        ``"lanes"``, ``"booths"`` or ``"primary lanes or booths"`` (as the source words it).
    count
        Number of lanes/booths; ``None`` when no source gives it.
    listed
        Whether the source lists this lane type at the crossing (``None`` = unknown).
    source
        Where the figure comes from; ``None`` when nothing is known.
    note
        Caveats (direction, vintage, disagreement with another source).
    basis
        ``"source"`` for a published figure, ``"sized: ..."`` for a rule's output,
        ``"unknown"`` when nothing is known.
    """

    crossing_id: str
    direction: str
    lane_type: str
    unit: str
    count: int | None
    listed: bool | None
    source: str | None
    note: str
    basis: str = "source"


@dataclass(frozen=True)
class Crossing:
    """One U.S.-Canada crossing (a point of the BTS crossing layer).

    Attributes
    ----------
    crossing_id
        BTS ``UNIQUEID`` (4 characters, leading zero kept).
    us_name
        BTS crossing name, verbatim.
    canada_name
        Canadian-side name: always ``None`` -- no shipped source has them.
    bts_port_code
        The BTS port code whose monthly counts include this crossing.
    bts_port_name
        Name of that port in the BTS crossing layer (verbatim, typos kept).
    is_master
        ``True`` for the port's master crossing (``bts_class`` 1).
    state, province
        U.S. state (2 letters) and the derived Canadian province (road rows only; else
        ``None``).
    latitude, longitude
        WGS84 degrees of the U.S. facility point.
    mode
        The source's ``mode`` column: ``road``, ``ferry`` or ``seaport``.
    crossing_types
        ``mode`` plus ``"pedestrian"`` where CBP lists pedestrian lanes.
    port_has_rail
        The BTS port reported trains in 2013 (``None`` = no count). Rail crossings are not
        separate points: this is a property of the port, not of this road crossing.
    hours
        CBP hours string at the snapshot, ``None`` if the crossing is not in CBP's feed.
    open_24h
        ``True``/``False`` from ``hours``; ``None`` when unknown.
    cbp_port_number, cbp_crossing_name
        CBP wait-time identifiers, ``None`` if not in the feed.
    lanes
        Lane figures per direction (see :class:`LaneFigure`), with explicit unknowns.
    source
        The source of the row (crossing layer, CBP feed, province derivation).
    """

    crossing_id: str
    us_name: str
    canada_name: str | None
    bts_port_code: str
    bts_port_name: str
    is_master: bool
    state: str
    province: str | None
    latitude: float
    longitude: float
    mode: str
    crossing_types: tuple[str, ...]
    port_has_rail: bool | None
    hours: str | None
    open_24h: bool | None
    cbp_port_number: str | None
    cbp_crossing_name: str | None
    lanes: tuple[LaneFigure, ...]
    source: str

    @property
    def in_cbp_feed(self) -> bool:
        """Whether CBP's wait-time feed (snapshot 2023-11-10) lists this crossing."""
        return self.cbp_port_number is not None

    def lane(self, direction: str, lane_type: str) -> tuple[LaneFigure, ...]:
        """Return the figures for one direction and lane type (possibly several sources)."""
        return tuple(f for f in self.lanes if f.direction == direction and f.lane_type == lane_type)

    def cbp_max_lanes(self, lane_type: str) -> int | None:
        """Return CBP's U.S.-bound maximum lanes of ``lane_type``, ``None`` if not given.

        A type CBP marks "N/A" gives ``0``.
        """
        for f in self.lane(US_BOUND, lane_type):
            if f.source == CBP_SOURCE and f.count is not None:
                return f.count
        return None

    def lanes_summary(self) -> str:
        """Short text of CBP's U.S.-bound lanes (pax/com counts, NEXUS/Ready/FAST flags).

        ``-`` = none listed, ``?`` = update pending; ``+n published`` counts the figures
        from other sources (PARAMETERS.md, Cascade Gateway).
        """
        parts: list[str] = []
        if self.in_cbp_feed:
            pax, com = self.cbp_max_lanes("passenger"), self.cbp_max_lanes("commercial")
            parts = [f"pax {pax or '-'}", f"com {com or '-'}"]
            for lt, name in (("nexus", "NEXUS"), ("ready", "Ready"), ("fast", "FAST")):
                flags = [f.listed for f in self.lane(US_BOUND, lt) if f.source == CBP_SOURCE]
                flag = flags[0] if flags else None
                parts.append(name + {True: "", False: " -", None: " ?"}[flag])
        n_pub = sum(1 for f in self.lanes if f.source and f.source != CBP_SOURCE)
        if n_pub:
            parts.append(f"+{n_pub} published")
        return ", ".join(parts) if parts else "unknown"

    def known_lane_figures(self) -> tuple[LaneFigure, ...]:
        """Return the figures that carry a count or a listed flag (no pure unknowns)."""
        return tuple(f for f in self.lanes if f.count is not None or f.listed is not None)


@dataclass(frozen=True)
class PortCode:
    """One BTS port code on the U.S.-Canada border and the crossings counted under it."""

    bts_port_code: str
    name: str
    state: str
    latitude: float
    longitude: float
    ntad_port_name: str | None
    crossing_ids: tuple[str, ...]
    in_entry_data: bool
    in_ntad: bool


@dataclass(frozen=True)
class Registry:
    """All crossings and port codes, with lookups.

    Build it with :func:`load_registry`.
    """

    crossings: tuple[Crossing, ...]
    port_codes: tuple[PortCode, ...]

    def crossing(self, crossing_id: str) -> Crossing:
        """Return one crossing by BTS crossing id; ``KeyError`` naming it if absent."""
        for c in self.crossings:
            if c.crossing_id == crossing_id:
                return c
        raise KeyError(f"no crossing with id {crossing_id!r} in the registry")

    def by_port_code(self, code: str) -> tuple[Crossing, ...]:
        """Return the crossings whose traffic BTS reports under ``code``."""
        return tuple(c for c in self.crossings if c.bts_port_code == code)

    def port_code(self, code: str) -> PortCode | None:
        """Return the BTS port code record, ``None`` if it is not a U.S.-Canada code."""
        for p in self.port_codes:
            if p.bts_port_code == code:
                return p
        return None

    def search(self, query: str | None = None, state: str | None = None) -> tuple[Crossing, ...]:
        """Return crossings matching a text query and/or a state.

        Parameters
        ----------
        query
            Case-insensitive substring of the U.S. name, BTS port name, CBP crossing name,
            or an exact crossing id / BTS port code.
        state
            Two-letter U.S. state (case-insensitive).
        """
        out: list[Crossing] = []
        q = query.strip().lower() if query else ""
        for c in self.crossings:
            if state and c.state.upper() != state.strip().upper():
                continue
            if q:
                names = (c.us_name, c.bts_port_name, c.cbp_crossing_name or "")
                hit = q in (c.crossing_id, c.bts_port_code) or any(q in n.lower() for n in names)
                if not hit:
                    continue
            out.append(c)
        return tuple(out)

    @property
    def road_crossings(self) -> tuple[Crossing, ...]:
        """Crossings whose source mode is ``road`` (120 in the shipped layer)."""
        return tuple(c for c in self.crossings if c.mode == "road")


__all__ = ["CBP_SOURCE", "Crossing", "LaneFigure", "PortCode", "Registry"]
