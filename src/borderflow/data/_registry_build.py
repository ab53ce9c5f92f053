"""Build the crossing registry from the shipped CSV files (parsing and checks).

- ``us_canada_crossings.csv.gz`` -- 127 crossings (BTS crossing layer) with coordinates,
  BTS port code, state, derived province, mode, and the CBP wait-time feed's hours and
  lane flags for the 29 crossings in that feed;
- ``cbp_bwt_canadian_border_2023-11-10.csv.gz`` -- the same CBP snapshot with the Ready
  and pedestrian lane flags;
- ``bts_port_codes.csv.gz`` -- the 89 BTS port codes and the crossings counted under each;
- ``curated_lanes.csv`` -- figures from ``data/PARAMETERS.md`` and the Cascade Gateway
  series, one row per figure with its source string.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from borderflow._config import shipped_data_dir
from borderflow.data._errors import DataFormatError
from borderflow.data._registry import (
    _CBP_FILE,
    _CODES_FILE,
    _CROSSINGS_FILE,
    _CURATED_FILE,
    _STANDARD_TYPES,
    CBP_SOURCE,
    DIRECTIONS,
    LANE_TYPES,
    Crossing,
    LaneFigure,
    PortCode,
    Registry,
)
from borderflow.data._text import read_text
from borderflow.vocab import (
    CANADA_BOUND,
    US_BOUND,
)

# --- reading ---------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    """Read a (gzipped) CSV into dicts; errors name the file."""
    text = read_text(path)
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
        return LaneFigure(cid, US_BOUND, lane_type, "lanes", count, listed, CBP_SOURCE, note)

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


__all__ = ["load_registry", "read_curated_lanes"]
