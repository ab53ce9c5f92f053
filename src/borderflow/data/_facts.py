"""The State Department fact sheet's border figures, checked against the shipped data.

The fact sheet's figures are **read from its text** (shipped at
``data/source/us-relations-with-canada-fact-sheet.txt.gz``) by the regular expressions in
:data:`FACT_SHEET_PATTERNS`, never typed in. Each check takes a read-only DuckDB connection
to the warehouse and returns :class:`FactCheck` records: the claim, the fact sheet's
figure, the figure from the data, unit, period, source and a status:

- ``consistent`` -- the data gives the same figure (within the stated tolerance);
- ``differs`` -- it gives a different one;
- ``partial`` -- the data covers only part of what the claim counts (e.g. goods, not
  services), or counts something related but different (port codes, not crossings);
- ``not checkable`` -- no shipped data measures it (the record says why);
- ``context`` -- a figure from the data that the fact sheet states no number for (yearly
  crossings by mode, trucks per day), shown for scale.
"""

from __future__ import annotations

import calendar
import itertools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from borderflow._config import shipped_data_dir
from borderflow.data._errors import DataFormatError
from borderflow.data._queries import latest_full_year, yearly_totals
from borderflow.data._registry import Registry
from borderflow.data._registry_build import load_registry
from borderflow.data._text import read_text

__all__ = [
    "BTS_SOURCE",
    "FACT_SHEET_PATTERNS",
    "FACT_SHEET_SOURCE",
    "TRANSBORDER_SOURCE",
    "FactCheck",
    "FactSheetFigures",
    "Status",
    "all_facts",
    "check_border_length",
    "check_bts_port_codes",
    "check_crossings_by_mode",
    "check_goods_trade_per_day",
    "check_land_ports",
    "check_nexus",
    "check_trucks_per_day",
    "measure_border_miles",
    "read_fact_sheet",
]

Status = Literal["consistent", "differs", "not checkable", "partial", "context"]

FACT_SHEET_SOURCE = (
    "U.S. Department of State fact sheet 'U.S. Relations With Canada' "
    "(data/source/us-relations-with-canada-fact-sheet.txt.gz)"
)
BTS_SOURCE = (
    "warehouse table bts_crossings: BTS Border Crossing Entry Data (U.S. DOT BTS, from CBP)"
)
TRANSBORDER_SOURCE = (
    "warehouse table transborder_monthly: BTS North American TransBorder Freight Data "
    "(U.S. DOT BTS; national aggregate by UNT CLSCM)"
)
REGISTRY_SOURCE = (
    "crossing registry: BTS NTAD 'Canada and Mexico Border Crossings' layer "
    "(U.S. DOT BTS; data/crossings/us_canada_crossings.csv.gz)"
)
BORDER_LINE_SOURCE = (
    "data/geo/derived/us_canada_border_50m.geojson.gz (from Natural Earth / world-atlas "
    "countries 1:50m, public domain)"
)

#: Regular expressions that read each figure from the fact sheet (group 1 = the number).
FACT_SHEET_PATTERNS: dict[str, str] = {
    "border_miles": r"longest international border,\s*([\d,]+)\s*miles",
    "land_ports": r"with\s+(\d+)\s+land ports?-of-entry",
    "trade_usd_bn_per_day": r"\$([\d.]+)\s*billion a day in goods and services",
    "nexus_members_million": r"NEXUS program with more than\s+([\d.]+)\s+million members",
}

#: BTS measures reported by :func:`check_crossings_by_mode`, with their units.
MODE_MEASURES: tuple[tuple[str, str], ...] = (
    ("Personal Vehicles", "vehicles/year"),
    ("Personal Vehicle Passengers", "persons/year"),
    ("Trucks", "trucks/year"),
    ("Buses", "buses/year"),
    ("Bus Passengers", "persons/year"),
    ("Pedestrians", "persons/year"),
    ("Trains", "trains/year"),
    ("Train Passengers", "persons/year"),
)

_MILES_PER_KM = 1 / 1.609344
_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


@dataclass(frozen=True)
class FactSheetFigures:
    """The fact sheet's border figures, as read from its text.

    Attributes
    ----------
    border_miles
        Length of the border [miles].
    land_ports
        Land ports of entry [count].
    trade_usd_bn_per_day
        Goods and services trade [billion USD/day].
    nexus_members_million
        NEXUS members [million].
    """

    border_miles: float
    land_ports: int
    trade_usd_bn_per_day: float
    nexus_members_million: float


@dataclass(frozen=True)
class FactCheck:
    """One claim of the fact sheet checked against the data.

    Attributes
    ----------
    claim
        What is claimed/counted, in words.
    fact_sheet_figure
        The fact sheet's number (``None`` if it states none).
    data_figure
        The number from the shipped data (``None`` if not checkable).
    unit
        Unit of both figures.
    period
        Period of the data figure.
    source
        Table/file and publisher of the data figure (and the fact sheet).
    status
        ``consistent``, ``differs``, ``partial``, ``not checkable`` or ``context``.
    note
        How it was computed and what it does not cover.
    """

    claim: str
    fact_sheet_figure: float | None
    data_figure: float | None
    unit: str
    period: str
    source: str
    status: Status
    note: str

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict."""
        return asdict(self)


def _fact_sheet_path(data_dir: Path | None) -> Path:
    return (
        (data_dir or shipped_data_dir()) / "source" / "us-relations-with-canada-fact-sheet.txt.gz"
    )


def read_fact_sheet(path: Path | None = None) -> FactSheetFigures:
    """Read the fact sheet's border figures from its text with :data:`FACT_SHEET_PATTERNS`.

    Parameters
    ----------
    path
        The (gzipped) fact sheet text; default the shipped copy.

    Raises
    ------
    DataFormatError
        Naming the file and the figure whose pattern did not match.
    """
    p = path or _fact_sheet_path(None)
    text = read_text(p, "the fact sheet")
    found: dict[str, str] = {}
    for key, pattern in FACT_SHEET_PATTERNS.items():
        m = re.search(pattern, text)
        if not m:
            raise DataFormatError(p, f"figure {key!r} not found (pattern {pattern!r})")
        found[key] = m.group(1).replace(",", "")
    return FactSheetFigures(
        border_miles=float(found["border_miles"]),
        land_ports=int(found["land_ports"]),
        trade_usd_bn_per_day=float(found["trade_usd_bn_per_day"]),
        nexus_members_million=float(found["nexus_members_million"]),
    )


def _compare(fact: float, data: float, rel_tol: float) -> Status:
    return "consistent" if math.isclose(fact, data, rel_tol=rel_tol) else "differs"


def check_land_ports(figures: FactSheetFigures, registry: Registry) -> FactCheck:
    """Land ports of entry: the fact sheet's count against the registry's road crossings."""
    n = len(registry.road_crossings)
    masters = sum(c.is_master for c in registry.road_crossings)
    return FactCheck(
        claim="land ports of entry (road crossings)",
        fact_sheet_figure=float(figures.land_ports),
        data_figure=float(n),
        unit="crossings",
        period="crossing layer published 2011, metadata 2017",
        source=REGISTRY_SOURCE,
        status=_compare(figures.land_ports, n, 0.0),
        note=(
            f"Road rows of the registry ({n}); {masters} of them are BTS master ports. "
            "Ferry (6) and seaport (1) rows are not counted. The WWU Border Policy Research "
            "Institute atlas also counts 120 road crossings."
        ),
    )


def check_bts_port_codes(con: Any, figures: FactSheetFigures) -> list[FactCheck]:
    """BTS port codes: all distinct ever, and active (non-zero traffic) in the latest full year."""
    lo, hi, n_all = con.execute(
        "SELECT min(month), max(month), count(DISTINCT port_code) FROM bts_crossings "
        "WHERE border = 'US-Canada'"
    ).fetchone()
    year = latest_full_year(con)
    (n_active,) = con.execute(
        "SELECT count(*) FROM (SELECT port_code FROM bts_crossings WHERE border = 'US-Canada' "
        "AND year(month) = $1 GROUP BY port_code HAVING sum(value) > 0)",
        [year],
    ).fetchone()
    why = (
        "One BTS port code can cover several crossings (Blaine 3004: Peace Arch and Pacific "
        "Highway; Buffalo-Niagara Falls 0901: four bridges; Detroit 3801: Ambassador Bridge "
        "and the tunnel), so codes are fewer than crossings."
    )
    return [
        FactCheck(
            claim="land ports of entry (distinct BTS port codes)",
            fact_sheet_figure=float(figures.land_ports),
            data_figure=float(n_all),
            unit="port codes",
            period=f"{lo:%Y-%m} to {hi:%Y-%m}",
            source=BTS_SOURCE,
            status="partial",
            note=why,
        ),
        FactCheck(
            claim="land ports of entry (BTS port codes reporting traffic)",
            fact_sheet_figure=float(figures.land_ports),
            data_figure=float(n_active),
            unit="port codes",
            period=str(year),
            source=BTS_SOURCE,
            status="partial",
            note=f"Codes with a non-zero total of any measure in {year}. {why}",
        ),
    ]


def measure_border_miles(path: Path | None = None) -> float:
    """Great-circle length of the shipped 1:50m border line [miles].

    Parameters
    ----------
    path
        The GeoJSON (gzipped) of LineStrings; default the shipped
        ``geo/derived/us_canada_border_50m.geojson.gz``.
    """
    p = path or shipped_data_dir() / "geo" / "derived" / "us_canada_border_50m.geojson.gz"
    text = read_text(p, "the border line")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise DataFormatError(p, f"cannot read the border line: {exc}") from exc
    km = 0.0
    for feat in doc["features"]:
        pts = feat["geometry"]["coordinates"]
        for (lon1, lat1), (lon2, lat2) in itertools.pairwise(pts):
            p1, p2 = math.radians(lat1), math.radians(lat2)
            dl = math.radians(lon2 - lon1)
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
            km += 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))
    return km * _MILES_PER_KM


def check_border_length(figures: FactSheetFigures, data_dir: Path | None = None) -> FactCheck:
    """Border length: not in traffic data; the shipped 1:50m line, measured, for scale."""
    p = (data_dir or shipped_data_dir()) / "geo" / "derived" / "us_canada_border_50m.geojson.gz"
    miles = measure_border_miles(p)
    return FactCheck(
        claim="length of the border",
        fact_sheet_figure=figures.border_miles,
        data_figure=round(miles, 0),
        unit="miles",
        period="Natural Earth 1:50m",
        source=BORDER_LINE_SOURCE,
        status="partial",
        note=(
            "Not checkable from traffic data. The shipped line is a 1:50m generalisation "
            "(great-circle length of its segments) and lacks the water boundary west of "
            "Point Roberts, Passamaquoddy Bay and the seaward sections, so it is shorter "
            "than the surveyed boundary."
        ),
    )


def _year_label(con: Any, year: int) -> str:
    (n,) = con.execute(
        "SELECT count(DISTINCT month) FROM bts_crossings WHERE border = 'US-Canada' "
        "AND year(month) = $1",
        [year],
    ).fetchone()
    return str(year) if n == 12 else f"{year} ({n} months)"


def _years(con: Any, years: Iterable[int] | None) -> list[int]:
    if years is not None:
        return list(years)
    latest = latest_full_year(con)
    return sorted({latest, 2019})


def check_crossings_by_mode(con: Any, years: Iterable[int] | None = None) -> list[FactCheck]:
    """Yearly U.S.-bound crossings by mode (context: the fact sheet gives no number).

    Parameters
    ----------
    con
        DuckDB connection.
    years
        Years to report; default the latest full year and 2019.
    """
    out: list[FactCheck] = []
    for year in _years(con, years):
        period = _year_label(con, year)
        for measure, unit in MODE_MEASURES:
            total = yearly_totals(con, measure).get(year)
            out.append(
                FactCheck(
                    claim=f"U.S.-bound {measure.lower()} per year, U.S.-Canada border",
                    fact_sheet_figure=None,
                    data_figure=None if total is None else float(total),
                    unit=unit,
                    period=period,
                    source=BTS_SOURCE,
                    status="context",
                    note="The fact sheet states no figure; shown for scale. BTS counts "
                    "inbound (U.S.-bound) crossings only.",
                )
            )
    return out


def check_trucks_per_day(con: Any, years: Iterable[int] | None = None) -> list[FactCheck]:
    """U.S.-bound trucks per day = yearly trucks / days in the year (context figure)."""
    out: list[FactCheck] = []
    for year in _years(con, years):
        total = yearly_totals(con, "Trucks").get(year)
        days = 366 if calendar.isleap(year) else 365
        out.append(
            FactCheck(
                claim="U.S.-bound trucks per day, U.S.-Canada border",
                fact_sheet_figure=None,
                data_figure=None if total is None else round(total / days, 0),
                unit="trucks/day",
                period=_year_label(con, year),
                source=BTS_SOURCE,
                status="context",
                note=f"Yearly BTS 'Trucks' / {days} days. The fact sheet states no figure; "
                "Canada-bound trucks are not in BTS.",
            )
        )
    return out


def check_goods_trade_per_day(
    con: Any, figures: FactSheetFigures, years: Iterable[int] = (2019, 2022, 2023, 2024)
) -> list[FactCheck]:
    """Goods trade with Canada per day (TransBorder, all modes) against the $/day claim.

    Parameters
    ----------
    con
        DuckDB connection.
    figures
        The fact sheet's figures.
    years
        Calendar years to report; years without 12 months of data are skipped.
    """
    out: list[FactCheck] = []
    for year in years:
        row = con.execute(
            "SELECT count(DISTINCT month), sum(value_usd), "
            "sum(value_usd) FILTER (WHERE mode = 'Truck') FROM transborder_monthly "
            "WHERE country = 'Canada' AND year = $1",
            [year],
        ).fetchone()
        if row is None or row[0] != 12:
            continue
        days = 366 if calendar.isleap(year) else 365
        per_day_bn = row[1] / days / 1e9
        truck_share = (row[2] or 0.0) / row[1]
        share = per_day_bn / figures.trade_usd_bn_per_day
        out.append(
            FactCheck(
                claim="trade with Canada per day (fact sheet: goods and services)",
                fact_sheet_figure=figures.trade_usd_bn_per_day,
                data_figure=round(per_day_bn, 3),
                unit="billion USD/day",
                period=str(year),
                source=TRANSBORDER_SOURCE,
                status="partial",
                note=(
                    f"Goods only (exports + imports, all modes, total ${row[1] / 1e9:.0f} B "
                    f"/ {days} days); services are not in the shipped data. Goods are "
                    f"{share:.0%} of the fact sheet's goods-and-services figure; "
                    f"{truck_share:.0%} of the goods value moved by truck."
                ),
            )
        )
    return out


def check_nexus(figures: FactSheetFigures) -> FactCheck:
    """NEXUS membership: no membership data is shipped."""
    return FactCheck(
        claim="NEXUS members",
        fact_sheet_figure=figures.nexus_members_million,
        data_figure=None,
        unit="million members",
        period="-",
        source=FACT_SHEET_SOURCE,
        status="not checkable",
        note="Not checkable with shipped data: no membership figures. Peace Arch "
        "northbound data shows NEXUS lanes carry about half of Canada-bound cars (2018-19).",
    )


def all_facts(
    con: Any, registry: Registry | None = None, data_dir: Path | None = None
) -> list[FactCheck]:
    """Run every check, in fact-sheet order.

    Parameters
    ----------
    con
        Read-only DuckDB connection to the warehouse.
    registry
        Crossing registry (default the shipped one).
    data_dir
        Shipped data folder (default :func:`borderflow.shipped_data_dir`).
    """
    figures = read_fact_sheet(_fact_sheet_path(data_dir))
    reg = registry or load_registry(data_dir)
    return [
        check_border_length(figures, data_dir),
        check_land_ports(figures, reg),
        *check_bts_port_codes(con, figures),
        *check_goods_trade_per_day(con, figures),
        check_nexus(figures),
        *check_crossings_by_mode(con),
        *check_trucks_per_day(con),
    ]
