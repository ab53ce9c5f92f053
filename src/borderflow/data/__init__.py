"""Everything that reads files: shipped sources, the DuckDB warehouse, scenario files.

Public API: :func:`build_warehouse` (load the shipped data), :func:`update_warehouse`
(apply a newer BTS release), :func:`connect_readonly` (what every reader uses), the
declared schema (:data:`TABLE_SOURCES`, :class:`Table`) and the ``read_*`` readers.
"""

from borderflow.data.errors import DataFormatError, WarehouseBusyError, WarehouseMissingError
from borderflow.data.facts import FACT_SHEET_SOURCE, FactCheck, all_facts
from borderflow.data.queries import (
    DEFAULT_MEASURE,
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
from borderflow.data.registry import (
    Crossing,
    LaneFigure,
    PortCode,
    Registry,
    load_registry,
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
    "DEFAULT_MEASURE",
    "FACT_SHEET_SOURCE",
    "META_TABLES",
    "SCENARIO_FORMAT_VERSION",
    "TABLE_SOURCES",
    "AmbiguousPortError",
    "BuildSummary",
    "Column",
    "Crossing",
    "DataFormatError",
    "FactCheck",
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
    "parse_bts_month",
    "parse_month",
    "parse_scenario",
    "parse_scenario_dict",
    "read_bts_crossings",
    "read_cascade_trucks_daily",
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
