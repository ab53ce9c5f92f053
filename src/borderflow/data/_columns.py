"""The one place where source column names and codes are mapped to ours.

Source headers are compared after :func:`normalise_header` (lower case, runs of
non-alphanumerics to ``_``), so ``"Port Code"``, ``"port_code"`` and ``"PORT CODE"`` all
match ``port_code``. Each mapping lists, per warehouse column, the header names accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "BTS_BORDERS",
    "BTS_COLUMNS",
    "BTS_OPTIONAL",
    "CASCADE_DAY_COLUMN",
    "CASCADE_TRUCK_COLUMNS",
    "DOT1_COLUMNS",
    "DOT1_DOMESTIC_FOREIGN",
    "DOT1_MODES",
    "DOT1_TRADE_TYPES",
    "PEACE_ARCH_HOURLY_COLUMNS",
    "PEACE_ARCH_NORTH_COLUMNS",
    "TRANSBORDER_MONTHLY_COLUMNS",
    "bts_border",
    "normalise_header",
]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(name: str) -> str:
    """Return a header name in comparable form: ``"Port Code"`` -> ``"port_code"``."""
    return _NON_ALNUM.sub("_", name.strip().lstrip("\ufeff").lower()).strip("_")


#: BTS Border Crossing Entry Data: ours -> accepted normalised source names. Our shipped file
#: uses "Port Name, State, Port Code, ...", the BTS open-data export uses snake_case.
BTS_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "port_name": ("port_name",),
    "state": ("state",),
    "port_code": ("port_code", "port"),
    "border": ("border",),
    "date": ("date", "month"),
    "measure": ("measure",),
    "value": ("value", "count"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "long", "lng"),
    "point": ("point", "location", "the_geom"),
}
#: BTS columns a file may lack (coordinates are taken from the warehouse or left NULL).
BTS_OPTIONAL = frozenset({"latitude", "longitude", "point"})

#: BTS border strings (lower-cased, trimmed) -> ours.
BTS_BORDERS: Mapping[str, str] = {
    "us-canada border": "US-Canada",
    "us-canada": "US-Canada",
    "us canada border": "US-Canada",
    "us-mexico border": "US-Mexico",
    "us-mexico": "US-Mexico",
    "us mexico border": "US-Mexico",
}


def bts_border(text: str) -> str:
    """Map a BTS border string to ``'US-Canada'`` or ``'US-Mexico'``.

    Raises
    ------
    ValueError
        If the string names neither border.
    """
    key = " ".join(text.strip().lower().split())
    if key in BTS_BORDERS:
        return BTS_BORDERS[key]
    raise ValueError("border is neither 'US-Canada Border' nor 'US-Mexico Border'")


#: Cascade Gateway Peace Arch southbound hourly delay.
PEACE_ARCH_HOURLY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "hour_start": ("hour_start",),
    "direction": ("direction",),
    "lane": ("lane",),
    "delay_min": ("delay_min",),
    "source": ("source",),
}

#: Cascade Gateway Peace Arch northbound daily file: "day" plus, per (lane, field), the
#: source column (normalised).
PEACE_ARCH_NORTH_COLUMNS: Mapping[tuple[str, str], str] = {
    ("general", "avg_delay_min"): "avg_delay_peace_arch_north_cars",
    ("general", "volume"): "sum_volume_peace_arch_north_cars",
    ("nexus", "avg_delay_min"): "avg_delay_peace_arch_north_nexus",
    ("nexus", "volume"): "sum_volume_peace_arch_north_nexus",
}
#: Day column of the Cascade Gateway "grouped by day" exports.
CASCADE_DAY_COLUMN = "group_starts"

#: Cascade Gateway all-trucks daily file: (crossing, direction) -> source column.
CASCADE_TRUCK_COLUMNS: Mapping[tuple[str, str], str] = {
    ("Lynden/Aldergrove", "northbound"): "sum_volume_lynden_aldergrove_north_trucks",
    ("Lynden/Aldergrove", "southbound"): "sum_volume_lynden_aldergrove_south_trucks",
    ("Pacific Highway", "northbound"): "sum_volume_pacific_highway_north_trucks",
    ("Pacific Highway", "southbound"): "sum_volume_pacific_highway_south_trucks",
    ("Sumas/Huntingdon", "northbound"): "sum_volume_sumas_huntingdon_north_trucks",
}

#: TransBorder national monthly series (UNT CLSCM): ours -> source. ``WeightLb`` is not
#: loaded (it is Weight x 2.20462, not pounds; see docs/data.md).
TRANSBORDER_MONTHLY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "year": ("year",),
    "month": ("month",),
    "country": ("country",),
    "mode": ("mode",),
    "trade_type": ("tradetype", "trade_type"),
    "value_usd": ("tradevalue", "trade_value"),
    "weight_short_tons": ("weight",),
}

#: TransBorder raw dot1 file: ours -> source.
DOT1_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "trade_type": ("trdtype",),
    "us_state": ("usastate",),
    "port_code": ("depe",),
    "mode": ("disagmot",),
    "canadian_province_code": ("canprov",),
    "value_usd": ("value",),
    "shipping_weight_kg": ("shipwt",),
    "freight_charges_usd": ("freight_charges",),
    "domestic_foreign": ("df",),
    "container_code": ("contcode",),
    "month": ("month",),
    "year": ("year",),
}
#: DISAGMOT codes (data/SOURCES.md §6).
DOT1_MODES: Mapping[str, str] = {
    "1": "vessel",
    "3": "air",
    "4": "mail",
    "5": "truck",
    "6": "rail",
    "7": "pipeline",
    "8": "other",
    "9": "ftz",
}
#: TRDTYPE codes.
DOT1_TRADE_TYPES: Mapping[str, str] = {"1": "export", "2": "import"}
#: DF codes; empty (imports) maps to NULL.
DOT1_DOMESTIC_FOREIGN: Mapping[str, str] = {"1": "domestic", "2": "foreign"}
