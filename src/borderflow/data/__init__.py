"""Everything that reads files: shipped sources, the DuckDB warehouse, scenario files.

Public API: :func:`build_warehouse` (load the shipped data), :func:`update_warehouse`
(apply a newer BTS release), :func:`connect_readonly` (what every reader uses), the
declared schema (:data:`TABLE_SOURCES`, :class:`Table`) and the ``read_*`` readers.
"""

from borderflow.data._calibration import CALIBRATION_FILES, read_calibration
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
from borderflow.data.errors import DataFormatError, WarehouseBusyError, WarehouseMissingError
from borderflow.data.readers import (
    LoadIssue,
    ReadResult,
    parse_bts_month,
    read_bts_crossings,
    read_cascade_trucks_daily,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
    read_transborder_monthly,
    read_transborder_port_jan2015,
)
from borderflow.data.scenarios import (
    SCENARIO_FORMAT_VERSION,
    parse_scenario,
    parse_scenario_dict,
    read_scenario,
    read_scenario_text,
    scenario_to_toml,
)
from borderflow.data.schema import Column, Table
from borderflow.data.warehouse import (
    META_TABLES,
    TABLE_SOURCES,
    BuildSummary,
    Revision,
    TableSource,
    UpdateSummary,
    build_warehouse,
    connect_readonly,
    table_row_counts,
    update_warehouse,
)

__all__ = [
    "CALIBRATION_FILES",
    "DEFAULT_MEASURE",
    "FACT_SHEET_SOURCE",
    "META_TABLES",
    "SCENARIO_FORMAT_VERSION",
    "TABLE_SOURCES",
    "TRAFFIC_SOURCE",
    "AmbiguousPortError",
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
