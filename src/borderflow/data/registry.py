"""The crossing registry: every U.S.-Canada crossing, its lanes per direction, and its rules.

Built only from the shipped, sourced files in ``data/crossings/`` (see its ``SOURCES.md``):

- ``us_canada_crossings.csv.gz`` -- 127 crossings (BTS crossing layer) with coordinates,
  BTS port code, state, derived province, mode, and the CBP wait-time feed's hours and
  lane flags for the 29 crossings in that feed;
- ``cbp_bwt_canadian_border_2023-11-10.csv.gz`` -- the same CBP snapshot with the Ready
  and pedestrian lane flags;
- ``bts_port_codes.csv.gz`` -- the 89 BTS port codes and the crossings counted under each;
- ``curated_lanes.csv`` -- figures from ``data/PARAMETERS.md`` and the Cascade Gateway
  series, one row per figure with its source string.

Every lane figure carries its direction ("US-bound" inspected by CBP, "Canada-bound"
inspected by CBSA, or "direction not stated" where the source does not say) and its
source. Unknown stays ``None``. Two labelled rules fill what no source gives:

- :func:`booths_from_peak_hour` -- the sizing rule ``booths-from-peak-hour v1``;
- :func:`split_shares` -- the rule ``split-by-cbp-max-lanes v1`` that assigns the traffic
  of one BTS port code to the crossings it covers.
"""

from __future__ import annotations

import calendar
import csv
import functools
import gzip
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd

from borderflow._config import shipped_data_dir
from borderflow.data.errors import DataFormatError
from borderflow.data.schema import Column, Table
from borderflow.vocab import (
    CANADA_BOUND,
    DIRECTION_NOT_STATED,
    FIGURE_CATEGORIES,
    FIGURE_DIRECTIONS,
    MEASURE_GROUPS,
    US_BOUND,
    measure_group,
)

__all__ = [
    "CANADA_BOUND",
    "CROSSINGS_TABLE",
    "DIRECTIONS",
    "DIRECTION_NOT_STATED",
    "LANE_TYPES",
    "MEASURE_GROUPS",
    "PEAK_HOUR_FACTOR",
    "REGISTRY_FILES",
    "SERVICE_TIMES",
    "SIZING_LABEL",
    "SIZING_RULE",
    "SPLIT_RULE",
    "TARGET_UTILISATION",
    "US_BOUND",
    "Crossing",
    "LaneFigure",
    "PeakHourDemand",
    "PortCode",
    "Registry",
    "ServiceTime",
    "SizedValue",
    "SplitShare",
    "booths_from_peak_hour",
    "load_registry",
    "measure_group",
    "peak_hour_demand",
    "read_curated_lanes",
    "registry_table",
    "split_shares",
]

#: Directions a lane figure can carry; the third is for sources that do not say.
DIRECTIONS = FIGURE_DIRECTIONS
#: Figure categories (see :data:`borderflow.vocab.FIGURE_CATEGORIES`).
LANE_TYPES = FIGURE_CATEGORIES
#: Lane types listed (with explicit nulls where unknown) for each of the two directions.
_STANDARD_TYPES = ("passenger", "general", "nexus", "ready", "commercial", "fast", "pedestrian")

_CBP_SOURCE = (
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
            if f.source == _CBP_SOURCE and f.count is not None:
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
                flags = [f.listed for f in self.lane(US_BOUND, lt) if f.source == _CBP_SOURCE]
                flag = flags[0] if flags else None
                parts.append(name + {True: "", False: " -", None: " ?"}[flag])
        n_pub = sum(1 for f in self.lanes if f.source and f.source != _CBP_SOURCE)
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


# --- reading ---------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    """Read a (gzipped) CSV into dicts; errors name the file."""
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError as exc:
        raise DataFormatError(path, "file not found") from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataFormatError(path, f"cannot read: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise DataFormatError(path, "no data rows")
    return rows


def _require(path: Path, rows: list[dict[str, str]], columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise DataFormatError(path, f"missing column(s) {', '.join(missing)}", line=1)


def _flag(path: Path, line: int, column: str, value: str) -> bool | None:
    """Decode the CBP lane flags: yes / no / unknown (blank = not in the feed)."""
    v = value.strip().lower()
    if v == "yes":
        return True
    if v == "no":
        return False
    if v in ("unknown", ""):
        return None
    raise DataFormatError(
        path, "expected yes, no, unknown or blank", line=line, column=column, value=value
    )


def _lanes_count(path: Path, line: int, column: str, value: str) -> int | None:
    """Decode CBP ``maximum_lanes``: a number, ``N/A`` (= 0: class not processed), blank."""
    v = value.strip()
    if v == "":
        return None
    if v.upper() == "N/A":
        return 0
    try:
        n = int(v)
    except ValueError as exc:
        raise DataFormatError(
            path, "expected a whole number, N/A or blank", line=line, column=column, value=value
        ) from exc
    if n < 0:
        raise DataFormatError(path, "negative lane count", line=line, column=column, value=value)
    return n


def _float(path: Path, line: int, column: str, value: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise DataFormatError(
            path, "expected a number", line=line, column=column, value=value
        ) from exc


def read_curated_lanes(
    path: Path, known_ids: Iterable[str] | None = None
) -> tuple[LaneFigure, ...]:
    """Read the curated per-direction lane table (``data/crossings/curated_lanes.csv``).

    Parameters
    ----------
    path
        The CSV file (columns ``crossing_id, direction, lane_type, unit, count, listed,
        source, note``).
    known_ids
        Valid crossing ids; a row naming another id is an error.

    Returns
    -------
    tuple of LaneFigure
        One figure per row, ``basis="source"``.

    Raises
    ------
    DataFormatError
        Naming file, line, column and value of the first bad field.
    """
    rows = _rows(path)
    cols = ("crossing_id", "direction", "lane_type", "unit", "count", "listed", "source", "note")
    _require(path, rows, cols)
    ids = set(known_ids) if known_ids is not None else None
    out: list[LaneFigure] = []
    for i, r in enumerate(rows, start=2):
        cid = r["crossing_id"].strip()
        if ids is not None and cid not in ids:
            raise DataFormatError(
                path, "unknown crossing id", line=i, column="crossing_id", value=cid
            )
        if r["direction"] not in DIRECTIONS:
            raise DataFormatError(
                path,
                f"direction must be one of {DIRECTIONS}",
                line=i,
                column="direction",
                value=r["direction"],
            )
        if r["lane_type"] not in LANE_TYPES:
            raise DataFormatError(
                path,
                f"lane_type must be one of {LANE_TYPES}",
                line=i,
                column="lane_type",
                value=r["lane_type"],
            )
        count_text = r["count"].strip()
        count: int | None = None
        if count_text:
            count = _lanes_count(path, i, "count", count_text)
            if count_text.upper() == "N/A":
                raise DataFormatError(
                    path,
                    "write 0 or leave blank, not N/A",
                    line=i,
                    column="count",
                    value=count_text,
                )
        if not r["source"].strip():
            raise DataFormatError(path, "every figure needs a source", line=i, column="source")
        out.append(
            LaneFigure(
                crossing_id=cid,
                direction=r["direction"],
                lane_type=r["lane_type"],
                unit=r["unit"].strip() or "lanes",
                count=count,
                listed=_flag(path, i, "listed", r["listed"]),
                source=r["source"].strip(),
                note=r["note"].strip(),
            )
        )
    return tuple(out)


def _cbp_figures(cid: str, cbp: Mapping[str, str], path: Path, line: int) -> list[LaneFigure]:
    """Turn one CBP snapshot row into U.S.-bound lane figures."""

    def fig(lane_type: str, count: int | None, listed: bool | None, field: str) -> LaneFigure:
        note = f"CBP field {field}"
        if count == 0:
            note += ": N/A at the snapshot (not processed / not listed), not proof none exist"
        return LaneFigure(cid, US_BOUND, lane_type, "lanes", count, listed, _CBP_SOURCE, note)

    pax = _lanes_count(path, line, "passenger_max_lanes", cbp["passenger_max_lanes"])
    com = _lanes_count(path, line, "commercial_max_lanes", cbp["commercial_max_lanes"])
    ped = _lanes_count(path, line, "pedestrian_max_lanes", cbp["pedestrian_max_lanes"])

    def listed(n: int | None) -> bool | None:
        return None if n is None else n > 0

    return [
        fig("passenger", pax, listed(pax), "passenger_vehicle_lanes.maximum_lanes"),
        fig(
            "nexus",
            None,
            _flag(path, line, "nexus_lanes", cbp["nexus_lanes"]),
            "NEXUS_SENTRI_lanes.operational_status",
        ),
        fig(
            "ready",
            None,
            _flag(path, line, "ready_lanes", cbp["ready_lanes"]),
            "ready_lanes.operational_status",
        ),
        fig("commercial", com, listed(com), "commercial_vehicle_lanes.maximum_lanes"),
        fig(
            "fast",
            None,
            _flag(path, line, "fast_lanes", cbp["fast_lanes"]),
            "FAST_lanes.operational_status",
        ),
        fig("pedestrian", ped, listed(ped), "pedestrian_lanes.maximum_lanes"),
    ]


def _with_unknowns(cid: str, figures: list[LaneFigure]) -> tuple[LaneFigure, ...]:
    """Add an explicit null figure for every standard (direction, type) no source covers."""
    have = {(f.direction, f.lane_type) for f in figures}
    out = list(figures)
    for direction in (US_BOUND, CANADA_BOUND):
        for lt in _STANDARD_TYPES:
            if (direction, lt) not in have:
                why = (
                    "no shipped source gives this (CBSA booth counts are not public data here)"
                    if direction == CANADA_BOUND
                    else "no shipped source gives this"
                )
                out.append(
                    LaneFigure(cid, direction, lt, "lanes", None, None, None, why, "unknown")
                )
    order = {d: i for i, d in enumerate(DIRECTIONS)}
    lt_order = {t: i for i, t in enumerate(LANE_TYPES)}
    out.sort(key=lambda f: (order[f.direction], lt_order[f.lane_type]))
    return tuple(out)


def _build(data_dir: Path) -> Registry:
    folder = data_dir / "crossings"
    cpath, bpath, ppath = folder / _CROSSINGS_FILE, folder / _CBP_FILE, folder / _CODES_FILE
    crows = _rows(cpath)
    _require(
        cpath,
        crows,
        (
            "crossing_id",
            "us_crossing_name",
            "us_state",
            "bts_port_code",
            "bts_port_name",
            "bts_class",
            "mode",
            "latitude",
            "longitude",
            "canada_province",
            "port_trains_2013",
            "cbp_bwt_port_number",
            "cbp_bwt_crossing_name",
            "hours",
            "open_24h",
            "source",
        ),
    )
    brows = _rows(bpath)
    _require(
        bpath,
        brows,
        (
            "cbp_bwt_port_number",
            "passenger_max_lanes",
            "nexus_lanes",
            "ready_lanes",
            "commercial_max_lanes",
            "fast_lanes",
            "pedestrian_max_lanes",
            "bts_crossing_id",
        ),
    )
    cbp_by_id: dict[str, tuple[int, dict[str, str]]] = {}
    for i, r in enumerate(brows, start=2):
        if r["bts_crossing_id"].strip():
            cbp_by_id[r["bts_crossing_id"].strip()] = (i, r)
    ids = [r["crossing_id"] for r in crows]
    curated = read_curated_lanes(folder / _CURATED_FILE, ids)

    crossings: list[Crossing] = []
    for i, r in enumerate(crows, start=2):
        cid = r["crossing_id"].strip()
        if len(cid) != 4 or not cid.isdigit():
            raise DataFormatError(
                cpath, "crossing id must be 4 digits", line=i, column="crossing_id", value=cid
            )
        figures: list[LaneFigure] = []
        if cid in cbp_by_id:
            line, b = cbp_by_id[cid]
            figures.extend(_cbp_figures(cid, b, bpath, line))
        figures.extend(f for f in curated if f.crossing_id == cid)
        trains = r["port_trains_2013"].strip()
        hours = r["hours"].strip() or None
        open24 = _flag(cpath, i, "open_24h", r["open_24h"])
        types = [r["mode"]]
        if any(f.lane_type == "pedestrian" and f.count for f in figures):
            types.append("pedestrian")
        crossings.append(
            Crossing(
                crossing_id=cid,
                us_name=r["us_crossing_name"],
                canada_name=None,
                bts_port_code=r["bts_port_code"].strip(),
                bts_port_name=r["bts_port_name"],
                is_master=r["bts_class"].strip() == "1",
                state=r["us_state"],
                province=r["canada_province"].strip() or None,
                latitude=_float(cpath, i, "latitude", r["latitude"]),
                longitude=_float(cpath, i, "longitude", r["longitude"]),
                mode=r["mode"],
                crossing_types=tuple(types),
                port_has_rail=(int(trains) > 0) if trains else None,
                hours=hours,
                open_24h=open24,
                cbp_port_number=r["cbp_bwt_port_number"].strip() or None,
                cbp_crossing_name=r["cbp_bwt_crossing_name"].strip() or None,
                lanes=_with_unknowns(cid, figures),
                source=r["source"],
            )
        )

    prows = _rows(ppath)
    _require(
        ppath,
        prows,
        (
            "bts_port_code",
            "entry_data_port_name",
            "entry_data_state",
            "entry_data_latitude",
            "entry_data_longitude",
            "ntad_port_name",
            "crossing_ids",
            "in_entry_data",
            "in_ntad",
        ),
    )
    codes = [
        PortCode(
            bts_port_code=r["bts_port_code"].strip(),
            name=r["entry_data_port_name"],
            state=r["entry_data_state"],
            latitude=_float(ppath, i, "entry_data_latitude", r["entry_data_latitude"]),
            longitude=_float(ppath, i, "entry_data_longitude", r["entry_data_longitude"]),
            ntad_port_name=r["ntad_port_name"].strip() or None,
            crossing_ids=tuple(x for x in r["crossing_ids"].split(";") if x),
            in_entry_data=r["in_entry_data"].strip() == "yes",
            in_ntad=r["in_ntad"].strip() == "yes",
        )
        for i, r in enumerate(prows, start=2)
    ]
    return Registry(crossings=tuple(crossings), port_codes=tuple(codes))


@functools.lru_cache(maxsize=4)
def _cached(data_dir: Path) -> Registry:
    return _build(data_dir)


def load_registry(data_dir: Path | None = None) -> Registry:
    """Build (once per data folder) the crossing registry from the shipped files.

    Parameters
    ----------
    data_dir
        The shipped ``data/`` folder (default :func:`borderflow.shipped_data_dir`).

    Raises
    ------
    DataFormatError
        If a file is missing or malformed (file, line, column, value named).
    """
    return _cached((data_dir or shipped_data_dir()).resolve())


# --- sizing rule ------------------------------------------------------------------------------

#: Name and version of the booth sizing rule.
SIZING_RULE = "booths-from-peak-hour v1"
#: Label every output that used the sizing rule must carry.
SIZING_LABEL = f"sized: rule {SIZING_RULE} (assumption)"
#: Target booth utilisation of the sizing rule (assumption, not from a source).
TARGET_UTILISATION = 0.85
#: Share of a day's traffic in its busiest hour (assumption: no shipped series gives
#: hourly volumes; a flat day would give 1/24 = 0.042).
PEAK_HOUR_FACTOR = 0.10


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


@dataclass(frozen=True)
class PeakHourDemand:
    """Peak-hour demand derived from monthly counts.

    Attributes
    ----------
    veh_per_h
        Peak-hour demand [vehicles/hour].
    month
        First day of the busiest month used.
    monthly_count
        Count of that month [vehicles/month].
    days
        Days in that month.
    peak_hour_factor
        Share of a day's traffic in its peak hour used.
    assumptions
        The derivation in words.
    """

    veh_per_h: float
    month: date
    monthly_count: float
    days: int
    peak_hour_factor: float
    assumptions: tuple[str, ...]


def peak_hour_demand(
    monthly: Mapping[date, float], year: int, peak_hour_factor: float = PEAK_HOUR_FACTOR
) -> PeakHourDemand:
    """Peak-hour demand = busiest month of ``year`` / days in it x peak-hour factor.

    Parameters
    ----------
    monthly
        Counts [vehicles/month] keyed by the first day of the month.
    year
        Year whose busiest month is used (should be a full year).
    peak_hour_factor
        Share of a day's traffic in its busiest hour, in (0, 1].

    Raises
    ------
    ValueError
        If ``year`` has no months in ``monthly``.
    """
    if not 0 < peak_hour_factor <= 1:
        raise ValueError(f"peak_hour_factor must be in (0, 1], got {peak_hour_factor}")
    months = {m: v for m, v in monthly.items() if m.year == year}
    if not months:
        raise ValueError(f"no monthly counts for {year}")
    busiest = max(months, key=lambda m: (months[m], m))
    days = calendar.monthrange(busiest.year, busiest.month)[1]
    per_h = months[busiest] / days * peak_hour_factor
    return PeakHourDemand(
        per_h,
        busiest,
        months[busiest],
        days,
        peak_hour_factor,
        (
            f"busiest month of {year} ({busiest:%Y-%m}) spread evenly over its {days} days",
            f"peak-hour factor {peak_hour_factor:g} of daily traffic (assumption)",
        ),
    )


# --- split rule -------------------------------------------------------------------------------

#: Name and version of the split rule.
SPLIT_RULE = "split-by-cbp-max-lanes v1"


@dataclass(frozen=True)
class SplitShare:
    """Share of one BTS port code's traffic (one measure group) assigned to one crossing."""

    bts_port_code: str
    crossing_id: str
    crossing_name: str
    group: str
    share: float
    rule: str
    basis: str


def _proportional(
    code: str,
    group: str,
    weights: Mapping[Crossing, int],
    members: tuple[Crossing, ...],
    basis: str,
) -> tuple[SplitShare, ...]:
    total = sum(weights.values())
    return tuple(
        SplitShare(
            code, c.crossing_id, c.us_name, group, weights.get(c, 0) / total, SPLIT_RULE, basis
        )
        for c in members
    )


def _equal(
    code: str, group: str, members: tuple[Crossing, ...], basis: str
) -> tuple[SplitShare, ...]:
    return tuple(
        SplitShare(code, c.crossing_id, c.us_name, group, 1 / len(members), SPLIT_RULE, basis)
        for c in members
    )


def _passenger_split(
    code: str, group: str, members: tuple[Crossing, ...]
) -> tuple[SplitShare, ...]:
    lanes = {c: c.cbp_max_lanes("passenger") for c in members}
    if all(v is not None and v > 0 for v in lanes.values()):
        known = {c: v for c, v in lanes.items() if v is not None}
        detail = ", ".join(f"{c.us_name} {v}" for c, v in known.items())
        return _proportional(
            code,
            group,
            known,
            members,
            f"proportional to CBP maximum passenger lanes (2023-11-10): {detail}",
        )
    return _equal(
        code,
        group,
        members,
        "equal split: CBP gives passenger lanes for only some or none of these crossings",
    )


def split_shares(registry: Registry, bts_port_code: str, group: str) -> tuple[SplitShare, ...]:
    """Split one BTS port code's traffic among its crossings (rule ``split-by-cbp-max-lanes v1``).

    The rule, by measure group (see :data:`MEASURE_GROUPS`):

    - one crossing under the code: share 1;
    - ``passenger``: proportional to CBP's maximum passenger lanes (U.S.-bound, snapshot
      2023-11-10) when every crossing under the code has that figure, else equal shares;
    - ``commercial``: if any crossing under the code is in CBP's feed, only crossings whose
      feed entry lists commercial lanes get trucks, in proportion to those lanes; if none
      is in the feed (or none lists them), as ``passenger``;
    - ``pedestrian``: crossings with CBP pedestrian lanes, in proportion to them; else as
      ``passenger``;
    - ``rail``: all to the master crossing -- rail lines are not points of the registry,
      so this is a placeholder attribution, not a location.

    Point Roberts sits under Blaine (``300403``) in CBP's feed but has its own BTS code
    (3017), so it is not part of the Blaine (3004) split.

    Parameters
    ----------
    registry
        The crossing registry.
    bts_port_code
        4-character BTS port code.
    group
        Measure group: ``passenger``, ``commercial``, ``pedestrian`` or ``rail``.

    Returns
    -------
    tuple of SplitShare
        One share per crossing under the code; the shares sum to 1.

    Raises
    ------
    KeyError
        If the group is unknown or no crossing of the registry is counted under the code
        (e.g. Algonac 3814, in the BTS data but not in the crossing layer).
    """
    if group not in MEASURE_GROUPS:
        raise KeyError(f"unknown measure group {group!r}; expected one of {tuple(MEASURE_GROUPS)}")
    members = registry.by_port_code(bts_port_code)
    if not members:
        raise KeyError(f"no registry crossing is counted under BTS port code {bts_port_code!r}")
    if len(members) == 1:
        return (
            SplitShare(
                bts_port_code,
                members[0].crossing_id,
                members[0].us_name,
                group,
                1.0,
                SPLIT_RULE,
                "only crossing under this code",
            ),
        )
    if group == "rail":
        master = [c for c in members if c.is_master] or [members[0]]
        weights = {master[0]: 1}
        return _proportional(
            bts_port_code,
            group,
            weights,
            members,
            "all to the master crossing: rail lines are not registry points (placeholder)",
        )
    if group == "commercial" and any(c.in_cbp_feed for c in members):
        com = {c: n for c in members if (n := c.cbp_max_lanes("commercial"))}
        if com:
            detail = ", ".join(f"{c.us_name} {v}" for c, v in com.items())
            return _proportional(
                bts_port_code,
                group,
                com,
                members,
                "only crossings whose CBP feed entry lists commercial lanes, proportional to "
                f"them (2023-11-10): {detail}",
            )
    if group == "pedestrian":
        ped = {c: n for c in members if (n := c.cbp_max_lanes("pedestrian"))}
        if ped:
            detail = ", ".join(f"{c.us_name} {v}" for c, v in ped.items())
            return _proportional(
                bts_port_code,
                group,
                ped,
                members,
                f"only crossings with CBP pedestrian lanes (2023-11-10): {detail}",
            )
    return _passenger_split(bts_port_code, group, members)


# --- warehouse table ---------------------------------------------------------------------------

#: Shipped files the ``crossings`` warehouse table is built from (relative to ``data/``).
REGISTRY_FILES = (
    "crossings/us_canada_crossings.csv.gz",
    "crossings/cbp_bwt_canadian_border_2023-11-10.csv.gz",
    "crossings/bts_port_codes.csv.gz",
    "crossings/curated_lanes.csv",
)

_B, _D, _I, _V = "BOOLEAN", "DOUBLE", "INTEGER", "VARCHAR"

#: The registry as one warehouse table, one row per crossing (lane figures with their
#: sources stay in Python / the API: ``load_registry().crossing(id).lanes``).
CROSSINGS_TABLE = Table(
    name="crossings",
    description=(
        "Crossing registry (`borderflow.data.registry`): the 127 U.S.-Canada crossings of the "
        "BTS crossing layer with CBP's U.S.-bound lane figures (wait-time feed snapshot "
        "2023-11-10) and the shares of their BTS port code's traffic under rule "
        f"`{SPLIT_RULE}`. Join to `bts_crossings` on `bts_port_code = port_code`. Sources: "
        "`data/crossings/` (see its SOURCES.md) and `docs/registry.md`."
    ),
    columns=(
        Column("crossing_id", _V, "", "BTS crossing id, 4 characters."),
        Column("us_name", _V, "", "BTS crossing name, verbatim."),
        Column("canada_name", _V, "", "Canadian-side name: NULL, no shipped source has it.", True),
        Column("bts_port_code", _V, "", "BTS port code whose counts include this crossing."),
        Column("bts_port_name", _V, "", "BTS crossing-layer port name (verbatim, typos kept)."),
        Column("is_master", _B, "", "Master crossing of its port code (BTS class 1)."),
        Column("state", _V, "", "U.S. state, 2 letters."),
        Column("province", _V, "", "Nearest Canadian province (derived; road rows).", True),
        Column("latitude", _D, "degrees", "WGS84 latitude of the U.S. facility point."),
        Column("longitude", _D, "degrees", "WGS84 longitude of the U.S. facility point."),
        Column("mode", _V, "", "'road', 'ferry' or 'seaport' (source column)."),
        Column("port_has_rail", _B, "", "The port code reported trains in 2013.", True),
        Column("hours", _V, "", "CBP hours string; NULL = not in CBP's feed.", True),
        Column("open_24h", _B, "", "Open 24 hours (from `hours`); NULL = unknown.", True),
        Column("cbp_port_number", _V, "", "CBP wait-time port number.", True),
        Column("us_passenger_lanes", _I, "lanes", "CBP maximum passenger lanes (0 = N/A).", True),
        Column("us_commercial_lanes", _I, "lanes", "CBP maximum commercial lanes (0 = N/A).", True),
        Column("us_nexus_listed", _B, "", "CBP lists NEXUS/SENTRI lanes; NULL = unknown.", True),
        Column("us_ready_listed", _B, "", "CBP lists Ready lanes; NULL = unknown.", True),
        Column("us_fast_listed", _B, "", "CBP lists FAST lanes; NULL = unknown.", True),
        Column("share_passenger", _D, "fraction", "Share of the code's passenger-group traffic."),
        Column("share_commercial", _D, "fraction", "Share of the code's commercial-group traffic."),
        Column("split_rule", _V, "", "Name and version of the split rule."),
    ),
    primary_key=("crossing_id",),
)


def registry_table(data_dir: Path) -> pd.DataFrame:
    """Return the registry as rows of :data:`CROSSINGS_TABLE` (a warehouse table source).

    Parameters
    ----------
    data_dir
        The shipped ``data/`` folder.
    """
    reg = load_registry(data_dir)

    def flag(c: Crossing, lt: str) -> bool | None:
        found = [f.listed for f in c.lane(US_BOUND, lt) if f.source == _CBP_SOURCE]
        return found[0] if found else None

    rows: list[dict[str, object]] = []
    for c in reg.crossings:
        pax = {s.crossing_id: s.share for s in split_shares(reg, c.bts_port_code, "passenger")}
        com = {s.crossing_id: s.share for s in split_shares(reg, c.bts_port_code, "commercial")}
        rows.append(
            {
                "crossing_id": c.crossing_id,
                "us_name": c.us_name,
                "canada_name": c.canada_name,
                "bts_port_code": c.bts_port_code,
                "bts_port_name": c.bts_port_name,
                "is_master": c.is_master,
                "state": c.state,
                "province": c.province,
                "latitude": c.latitude,
                "longitude": c.longitude,
                "mode": c.mode,
                "port_has_rail": c.port_has_rail,
                "hours": c.hours,
                "open_24h": c.open_24h,
                "cbp_port_number": c.cbp_port_number,
                "us_passenger_lanes": c.cbp_max_lanes("passenger"),
                "us_commercial_lanes": c.cbp_max_lanes("commercial"),
                "us_nexus_listed": flag(c, "nexus"),
                "us_ready_listed": flag(c, "ready"),
                "us_fast_listed": flag(c, "fast"),
                "share_passenger": pax[c.crossing_id],
                "share_commercial": com[c.crossing_id],
                "split_rule": SPLIT_RULE,
            }
        )
    df = pd.DataFrame(rows, columns=list(CROSSINGS_TABLE.column_names))
    # Nullable integer/boolean dtypes so NULL stays NULL (not NaN or a float column).
    for col in ("us_passenger_lanes", "us_commercial_lanes"):
        df[col] = df[col].astype("Int32")
    for col in (
        "port_has_rail",
        "open_24h",
        "us_nexus_listed",
        "us_ready_listed",
        "us_fast_listed",
    ):
        df[col] = df[col].astype("boolean")
    for col in ("canada_name", "province", "hours", "cbp_port_number"):
        df[col] = df[col].astype("string")
    return df
