"""The warehouse schema, declared as data.

Each table is a :class:`Table`: a list of :class:`Column` (name, DuckDB type, unit,
description) and a primary key. The same declaration generates the ``CREATE TABLE``
statement (:meth:`Table.ddl`) and the Markdown reference in ``docs/data.md``
(:func:`render_table_markdown`), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BTS_CROSSINGS",
    "BTS_UPDATES",
    "CASCADE_TRUCKS_DAILY",
    "LOAD_ISSUES",
    "LOAD_LOG",
    "PEACE_ARCH_HOURLY_DELAY",
    "PEACE_ARCH_NORTH_DAILY",
    "TRANSBORDER_MONTHLY",
    "TRANSBORDER_PORT_JAN2015",
    "Column",
    "Table",
    "render_table_markdown",
]


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table.

    Parameters
    ----------
    name
        Column name in the warehouse (snake_case; units in the name where it has one).
    type
        DuckDB type, e.g. ``"VARCHAR"``, ``"BIGINT"``, ``"DATE[]"``.
    unit
        Unit of the values (``"vehicles/month"``, ``"minutes"``), or ``""`` for none.
    description
        What the column holds and where it comes from.
    nullable
        Whether NULL is allowed (NULL means "no data", never zero).
    """

    name: str
    type: str
    unit: str
    description: str
    nullable: bool = False

    def ddl(self) -> str:
        """Return the column's definition inside ``CREATE TABLE``."""
        return f"{self.name} {self.type}" + ("" if self.nullable else " NOT NULL")


@dataclass(frozen=True)
class Table:
    """A warehouse table: its columns, primary key and provenance.

    Parameters
    ----------
    name
        Table name.
    description
        One paragraph: what a row is, source, coverage.
    columns
        The columns, in order.
    primary_key
        Column names of the primary key; empty for none.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = self.column_names
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: duplicate column names")
        missing = [k for k in self.primary_key if k not in names]
        if missing:
            raise ValueError(f"table {self.name}: primary key columns {missing} not declared")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names, in order."""
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        """Return the ``CREATE TABLE`` statement of this table."""
        parts = [f"    {c.ddl()}" for c in self.columns]
        if self.primary_key:
            parts.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE {self.name} (\n" + ",\n".join(parts) + "\n)"


def render_table_markdown(tables: Sequence[Table]) -> str:
    """Render the reference of ``tables`` as Markdown (one section per table).

    Parameters
    ----------
    tables
        Tables to document, in order.

    Returns
    -------
    str
        Markdown text: a heading, the description, the primary key and a column table.
    """
    out: list[str] = []
    for t in tables:
        out.append(f"### `{t.name}`\n")
        out.append(t.description.strip() + "\n")
        pk = ", ".join(f"`{k}`" for k in t.primary_key) if t.primary_key else "none"
        out.append(f"Primary key: {pk}.\n")
        out.append("| column | type | unit | null | description |")
        out.append("|---|---|---|---|---|")
        for c in t.columns:
            desc = c.description.replace("|", "\\|")
            null = "yes" if c.nullable else "no"
            out.append(f"| `{c.name}` | {c.type} | {c.unit or '–'} | {null} | {desc} |")
        out.append("")
    return "\n".join(out)


# --- the tables --------------------------------------------------------------------------

BTS_CROSSINGS = Table(
    name="bts_crossings",
    description=(
        "BTS Border Crossing Entry Data: monthly counts of **U.S.-bound** (inbound) "
        "crossings at land ports, both borders, collected by CBP. One row per port, month "
        "and measure. Source: `bts_border_crossing/Border_Crossing_Entry_Data_*.csv.gz`, "
        "extended by `borderflow load --update`."
    ),
    columns=(
        Column(
            "port_code",
            "VARCHAR",
            "",
            "BTS/Schedule D port code, 4 characters, leading zero kept (e.g. '0104').",
        ),
        Column("port_name", "VARCHAR", "", "Port name as in BTS (e.g. 'Jackman')."),
        Column("state", "VARCHAR", "", "U.S. state as in BTS (full name, e.g. 'Maine')."),
        Column(
            "border",
            "VARCHAR",
            "",
            "'US-Canada' or 'US-Mexico' (BTS 'US-Canada Border' / 'US-Mexico Border').",
        ),
        Column("month", "DATE", "", "First day of the month counted."),
        Column(
            "measure",
            "VARCHAR",
            "",
            "BTS measure name verbatim, e.g. 'Personal Vehicle Passengers', 'Trucks'.",
        ),
        Column(
            "value",
            "BIGINT",
            "count/month",
            "Inbound count in the month (vehicles, "
            "passengers, containers... as the measure says). Zero is a real zero.",
        ),
        Column(
            "latitude",
            "DOUBLE",
            "degrees",
            "Port latitude (WGS84) as published by BTS.",
            nullable=True,
        ),
        Column(
            "longitude",
            "DOUBLE",
            "degrees",
            "Port longitude (WGS84) as published by BTS.",
            nullable=True,
        ),
    ),
    primary_key=("port_code", "month", "measure"),
)

PEACE_ARCH_HOURLY_DELAY = Table(
    name="peace_arch_hourly_delay",
    description=(
        "Cascade Gateway (WCOG) detector-based average delay per hour at Peace Arch "
        "(Blaine WA – Surrey BC), U.S.-bound (southbound) general-purpose car lanes, "
        "every hour of 2013-01-01 00:00 to 2018-12-31 23:00 (local time). Source: "
        "`cascade_gateway/peace_arch_southbound_cars_hourly_delay_2013-01_2018-12.csv.gz`."
    ),
    columns=(
        Column(
            "hour_start",
            "TIMESTAMP",
            "local time",
            "Start of the hour (local, presumably "
            "Pacific; DST handling undocumented by the source).",
        ),
        Column("direction", "VARCHAR", "", "'southbound' (U.S.-bound); source 'Southbound'."),
        Column("lane", "VARCHAR", "", "'general' (source 'Cars (general)')."),
        Column(
            "delay_min",
            "DOUBLE",
            "minutes",
            "Average delay in the hour; NULL where the detectors had no data.",
            nullable=True,
        ),
        Column(
            "source",
            "VARCHAR",
            "",
            "Repository the row came from ('guerined' supplies 2013, 'wangpengcn' 2014-2018).",
        ),
    ),
    primary_key=("hour_start",),
)

PEACE_ARCH_NORTH_DAILY = Table(
    name="peace_arch_north_daily",
    description=(
        "Cascade Gateway daily Canada-bound (northbound) car volume and average delay at "
        "Peace Arch, general and NEXUS lanes separately, 2018-01-01 to 2019-06-30. Source: "
        "`cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz`."
    ),
    columns=(
        Column("day", "DATE", "", "Local day."),
        Column("lane", "VARCHAR", "", "'general' (source 'Cars') or 'nexus' (source 'NEXUS')."),
        Column(
            "volume",
            "BIGINT",
            "vehicles/day",
            "Cars counted in the day; NULL = no data.",
            nullable=True,
        ),
        Column(
            "avg_delay_min",
            "DOUBLE",
            "minutes",
            "Average delay over the day; NULL = no data.",
            nullable=True,
        ),
    ),
    primary_key=("day", "lane"),
)

CASCADE_TRUCKS_DAILY = Table(
    name="cascade_trucks_daily",
    description=(
        "Cascade Gateway daily truck volumes at the Whatcom County crossings, 2018-01-01 to "
        "2020-03-31; one row per day, crossing and direction (the source has no Sumas "
        "southbound column). Source: `cascade_gateway/all_trucks_20180101_20200331.csv.gz`."
    ),
    columns=(
        Column("day", "DATE", "", "Local day."),
        Column(
            "crossing",
            "VARCHAR",
            "",
            "'Lynden/Aldergrove', 'Pacific Highway' or "
            "'Sumas/Huntingdon' (as in the source column names).",
        ),
        Column(
            "direction", "VARCHAR", "", "'northbound' (Canada-bound) or 'southbound' (U.S.-bound)."
        ),
        Column(
            "volume",
            "BIGINT",
            "trucks/day",
            "Trucks counted in the day; NULL = no data.",
            nullable=True,
        ),
    ),
    primary_key=("day", "crossing", "direction"),
)

TRANSBORDER_MONTHLY = Table(
    name="transborder_monthly",
    description=(
        "BTS TransBorder Freight Data aggregated to national level (UNT CLSCM dashboard): "
        "monthly U.S. trade with Canada and Mexico by mode, April 1993 to December 2025. "
        "Goods only (no services). Source: "
        "`transborder/transborder_monthly_by_country_mode_1993-04_2025-12.csv.gz`. The "
        "source's `Weight` is in short tons (checked: January 2015 imports by mode equal the "
        "raw `dot1` SHIPWT kilograms / 907.18474 to 0.1%); its `WeightLb` column is "
        "`Weight` × 2.20462, which is not pounds, so it is not loaded."
    ),
    columns=(
        Column("year", "INTEGER", "", "Calendar year."),
        Column("month", "INTEGER", "", "Month of the year, 1-12."),
        Column("country", "VARCHAR", "", "'Canada' or 'Mexico'."),
        Column(
            "mode",
            "VARCHAR",
            "",
            "Transport mode as in the source: Truck, Rail, Pipeline, "
            "Air, Vessel, 'Mail (U.S. Postal Service)', 'Foreign Trade Zones (FTZs)', "
            "'Other/Unknown'.",
        ),
        Column("trade_type", "VARCHAR", "", "'export' or 'import' (U.S. point of view)."),
        Column("value_usd", "DOUBLE", "USD/month", "Trade value in the month (current dollars)."),
        Column(
            "weight_short_tons",
            "DOUBLE",
            "short tons/month",
            "Shipping weight as in the source's `Weight`; mostly NULL for exports, as in BTS.",
            nullable=True,
        ),
        Column(
            "weight_kg", "DOUBLE", "kg/month", "`weight_short_tons` × 907.18474.", nullable=True
        ),
    ),
    primary_key=("year", "month", "country", "mode", "trade_type"),
)

TRANSBORDER_PORT_JAN2015 = Table(
    name="transborder_port_jan2015",
    description=(
        "BTS TransBorder raw `dot1` file for January 2015, Canada rows only: trade by port × "
        "U.S. state × mode × province. One month only: a fixture, not a time series. Codes "
        "decoded as documented in `data/SOURCES.md` §6; other codes kept verbatim. Rows are "
        "unique on (trade_type, us_state, port_code, mode, canadian_province_code, "
        "domestic_foreign, container_code). Source: `transborder/dot1_0115_canada.csv.gz`."
    ),
    columns=(
        Column("month", "DATE", "", "First day of the month (2015-01-01)."),
        Column("trade_type", "VARCHAR", "", "'export' (TRDTYPE 1) or 'import' (TRDTYPE 2)."),
        Column("us_state", "VARCHAR", "", "USASTATE code verbatim (two letters)."),
        Column(
            "port_code",
            "VARCHAR",
            "",
            "DEPE Schedule D port code, 4 characters (same code as `bts_crossings.port_code`).",
        ),
        Column(
            "mode",
            "VARCHAR",
            "",
            "DISAGMOT decoded: vessel, air, mail, truck, rail, pipeline, other, ftz.",
        ),
        Column("canadian_province_code", "VARCHAR", "", "CANPROV code verbatim (e.g. 'XO')."),
        Column("value_usd", "DOUBLE", "USD/month", "Trade value (VALUE)."),
        Column(
            "shipping_weight_kg", "DOUBLE", "kg/month", "SHIPWT; 0 for exports by land, as in BTS."
        ),
        Column("freight_charges_usd", "DOUBLE", "USD/month", "FREIGHT_CHARGES."),
        Column(
            "domestic_foreign",
            "VARCHAR",
            "",
            "DF decoded: 'domestic' (1) or 'foreign' "
            "(2, re-export); NULL where the source is empty (imports).",
            nullable=True,
        ),
        Column("container_code", "VARCHAR", "", "CONTCODE verbatim."),
    ),
)

LOAD_LOG = Table(
    name="load_log",
    description=(
        "One row per source file per load or update: what was read and what changed. "
        "Written by `build_warehouse` and `update_warehouse`."
    ),
    columns=(
        Column("loaded_at", "TIMESTAMP", "UTC", "When the load ran."),
        Column(
            "kind",
            "VARCHAR",
            "",
            "'build' (full load from shipped data) or 'update' (`load --update`; kept "
            "with its rows in `bts_updates` when the warehouse is rebuilt).",
        ),
        Column("table_name", "VARCHAR", "", "Table the file was loaded into."),
        Column("source_file", "VARCHAR", "", "File name (no directory)."),
        Column(
            "source_path",
            "VARCHAR",
            "",
            "Absolute path of the file when it was read (NULL: not recorded).",
            nullable=True,
        ),
        Column("sha256", "VARCHAR", "", "sha256 of the file as read (compressed bytes)."),
        Column("rows_read", "BIGINT", "rows", "Data rows in the file."),
        Column("rows_inserted", "BIGINT", "rows", "Rows added to the table."),
        Column("rows_revised", "BIGINT", "rows", "Existing rows whose value changed."),
        Column(
            "months_added",
            "DATE[]",
            "",
            "Months not in the table before (BTS only; empty otherwise).",
        ),
    ),
)

BTS_UPDATES = Table(
    name="bts_updates",
    description=(
        "Every `bts_crossings` row an update added or revised, as applied, with the file it "
        "came from. A rebuild (`borderflow load`) re-applies these rows in order on top of "
        "the shipped data, so an update is never lost; `borderflow load --drop-updates` "
        "rebuilds without them and says what it drops."
    ),
    columns=(
        Column("applied_at", "TIMESTAMP", "UTC", "When the update was applied."),
        Column("source_file", "VARCHAR", "", "Update file name (no directory)."),
        Column("sha256", "VARCHAR", "", "sha256 of the update file (bytes as read)."),
        Column("change", "VARCHAR", "", "'added' (new key) or 'revised' (value changed)."),
        *(c for c in BTS_CROSSINGS.columns),
    ),
)

LOAD_ISSUES = Table(
    name="load_issues",
    description=(
        "Source quirks found while loading and the rule applied to each, so that every "
        "dropped or chosen row is accounted for (see 'Quirk rules' above)."
    ),
    columns=(
        Column("table_name", "VARCHAR", "", "Table affected."),
        Column("source_file", "VARCHAR", "", "File name the rows came from."),
        Column("kind", "VARCHAR", "", "'exact_duplicate' or 'conflicting_key'."),
        Column("key", "VARCHAR", "", "The key, e.g. '2606 2021-02-01 Bus Passengers'."),
        Column("detail", "VARCHAR", "", "Values seen, rows dropped and the rule applied."),
    ),
)
