"""The registry as one warehouse table (sourced facts only; shares live in demand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from borderflow.data._registry import CBP_SOURCE, Crossing
from borderflow.data._registry_build import load_registry
from borderflow.data._schema import Column, Table
from borderflow.vocab import (
    US_BOUND,
)

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
        "Crossing registry (`borderflow.data.load_registry`): the 127 U.S.-Canada crossings "
        "of the BTS crossing layer with CBP's U.S.-bound lane figures (wait-time feed "
        "snapshot 2023-11-10). Join to `bts_crossings` on `bts_port_code = port_code`; the "
        "share of a port code's traffic that each crossing takes is computed in "
        "`borderflow.demand.split_shares`. Sources: `data/crossings/` (see its SOURCES.md) "
        "and `docs/registry.md`."
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
        found = [f.listed for f in c.lane(US_BOUND, lt) if f.source == CBP_SOURCE]
        return found[0] if found else None

    rows: list[dict[str, object]] = []
    for c in reg.crossings:
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


__all__ = ["CROSSINGS_TABLE", "REGISTRY_FILES", "registry_table"]
