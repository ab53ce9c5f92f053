"""Everything that reads files: shipped sources, the DuckDB warehouse, scenario files.

Public API: :func:`build_warehouse` (load the shipped data), :func:`update_warehouse`
(apply a newer BTS release), :func:`connect_readonly` (what every reader uses), the
declared schema (:data:`TABLE_SOURCES`, :class:`Table`) and the ``read_*`` readers.
"""

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
from borderflow.data.scenarios import read_scenario_text
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
    "META_TABLES",
    "TABLE_SOURCES",
    "BuildSummary",
    "Column",
    "DataFormatError",
    "LoadIssue",
    "ReadResult",
    "Revision",
    "Table",
    "TableSource",
    "UpdateSummary",
    "WarehouseBusyError",
    "WarehouseMissingError",
    "build_warehouse",
    "connect_readonly",
    "parse_bts_month",
    "read_bts_crossings",
    "read_cascade_trucks_daily",
    "read_peace_arch_hourly_delay",
    "read_peace_arch_north_daily",
    "read_scenario_text",
    "read_transborder_monthly",
    "read_transborder_port_jan2015",
    "table_row_counts",
    "update_warehouse",
]
