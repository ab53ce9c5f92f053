"""Everything that reads files: shipped sources, the DuckDB warehouse, scenario files.

Public API: :func:`build_warehouse` (load the shipped data, keeping earlier updates),
:func:`update_warehouse` (apply a newer BTS release, checked first),
:func:`connect_readonly` (what every reader uses), the declared schema
(:data:`TABLE_SOURCES`, :class:`Table`), the ``read_*`` readers, the crossing registry,
the queries behind ``borderflow traffic`` and the fact-sheet checks. This module is the
one public face; the modules behind it are private:

- ``_text`` (gzip by content, UTF-8), ``_csv`` (raw CSV as checked text columns);
- one reader per source: ``_bts``, ``_cascade``, ``_transborder``;
- the warehouse: ``_schema`` (tables as data), ``_catalogue`` (what is loaded from
  where), ``_store`` (writer lock, temporary files, atomic swap, read-only connections),
  ``_build``, ``_update`` and ``_plausible`` (what an update may contain);
- ``_registry*``, ``_queries``, ``_facts``.
"""

from borderflow.data._bts import parse_bts_month, read_bts_crossings
from borderflow.data._build import AppliedUpdates, BuildSummary, build_warehouse
from borderflow.data._calibration import CALIBRATION_FILES, read_calibration
from borderflow.data._cascade import (
    read_cascade_trucks_daily,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
)
from borderflow.data._catalogue import META_TABLES, TABLE_SOURCES, TableSource
from borderflow.data._csv import LoadIssue, ReadResult
from borderflow.data._errors import DataFormatError, WarehouseBusyError, WarehouseMissingError
from borderflow.data._facts import (
    FACT_SHEET_SOURCE,
    FactCheck,
    FactSheetFigures,
    all_facts,
    measure_border_miles,
    read_fact_sheet,
)
from borderflow.data._queries import (
    DEFAULT_MEASURE,
    TRAFFIC_SOURCE,
    AmbiguousPortError,
    PortMatch,
    PortNotFoundError,
    TrafficRow,
    UnknownMeasureError,
    known_measures,
    latest_full_year,
    list_ports,
    parse_month,
    resolve_port,
    traffic_series,
    yearly_totals,
)
from borderflow.data._registry import Crossing, LaneFigure, PortCode, Registry
from borderflow.data._registry_build import load_registry, read_curated_lanes
from borderflow.data._scenarios import (
    SCENARIO_FORMAT_VERSION,
    parse_scenario,
    parse_scenario_dict,
    read_scenario,
    read_scenario_text,
    scenario_to_toml,
)
from borderflow.data._schema import Column, Table
from borderflow.data._store import connect_readonly, table_row_counts
from borderflow.data._transborder import read_transborder_monthly, read_transborder_port_jan2015
from borderflow.data._update import Revision, UpdateSummary, update_warehouse

__all__ = [
    "CALIBRATION_FILES",
    "DEFAULT_MEASURE",
    "FACT_SHEET_SOURCE",
    "META_TABLES",
    "SCENARIO_FORMAT_VERSION",
    "TABLE_SOURCES",
    "TRAFFIC_SOURCE",
    "AmbiguousPortError",
    "AppliedUpdates",
    "BuildSummary",
    "Column",
    "Crossing",
    "DataFormatError",
    "FactCheck",
    "FactSheetFigures",
    "LaneFigure",
    "LoadIssue",
    "PortCode",
    "PortMatch",
    "PortNotFoundError",
    "ReadResult",
    "Registry",
    "Revision",
    "Table",
    "TableSource",
    "TrafficRow",
    "UnknownMeasureError",
    "UpdateSummary",
    "WarehouseBusyError",
    "WarehouseMissingError",
    "all_facts",
    "build_warehouse",
    "connect_readonly",
    "known_measures",
    "latest_full_year",
    "list_ports",
    "load_registry",
    "measure_border_miles",
    "parse_bts_month",
    "parse_month",
    "parse_scenario",
    "parse_scenario_dict",
    "read_bts_crossings",
    "read_calibration",
    "read_cascade_trucks_daily",
    "read_curated_lanes",
    "read_fact_sheet",
    "read_peace_arch_hourly_delay",
    "read_peace_arch_north_daily",
    "read_scenario",
    "read_scenario_text",
    "read_transborder_monthly",
    "read_transborder_port_jan2015",
    "resolve_port",
    "scenario_to_toml",
    "table_row_counts",
    "traffic_series",
    "update_warehouse",
    "yearly_totals",
]
