"""The warehouse catalogue: every table, the shipped files it is read from, and how.

Adding a table is one :class:`TableSource` entry in :data:`TABLE_SOURCES`: a declared
:class:`~borderflow.data.Table` plus a function that reads it from the data folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import pandas as pd
import pyarrow as pa

from borderflow.data import _schema as schema
from borderflow.data._bts import read_bts_crossings
from borderflow.data._cascade import (
    read_cascade_trucks_daily,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
)
from borderflow.data._csv import ReadResult
from borderflow.data._registry_table import CROSSINGS_TABLE, REGISTRY_FILES, registry_table
from borderflow.data._transborder import read_transborder_monthly, read_transborder_port_jan2015

__all__ = ["BTS_FILE", "META_TABLES", "TABLE_SOURCES", "Progress", "SourceData", "TableSource"]

#: Progress callback: ``(step description, steps done, steps in all)``.
Progress = Callable[[str, int, int], None]

#: What a table source's reader may return.
SourceData: TypeAlias = ReadResult | pa.Table | pd.DataFrame

#: The shipped BTS release, relative to the data folder.
BTS_FILE = "bts_border_crossing/Border_Crossing_Entry_Data_1996-01_2024-02.csv.gz"


@dataclass(frozen=True)
class TableSource:
    """A warehouse table and how to fill it from the data folder.

    Parameters
    ----------
    table
        The declared table (columns, types, units, key).
    files
        Source files relative to the data folder, recorded in ``load_log`` with sha256.
    read
        Called with the data folder; returns a :class:`ReadResult`, an Arrow table or a
        pandas DataFrame holding (at least) the declared columns.
    """

    table: schema.Table
    files: tuple[str, ...]
    read: Callable[[Path], SourceData]


def _one_file(reader: Callable[[Path], ReadResult], relative: str) -> Callable[[Path], SourceData]:
    def read(data_dir: Path) -> SourceData:
        return reader(data_dir / relative)

    return read


_PEACE_ARCH_HOURLY = (
    "cascade_gateway/peace_arch_southbound_cars_hourly_delay_2013-01_2018-12.csv.gz"
)
_PEACE_ARCH_NORTH = "cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz"
_TRUCKS = "cascade_gateway/all_trucks_20180101_20200331.csv.gz"
_TB_MONTHLY = "transborder/transborder_monthly_by_country_mode_1993-04_2025-12.csv.gz"
_TB_DOT1 = "transborder/dot1_0115_canada.csv.gz"

#: Every table the build loads, in order. Add an entry to add a table.
TABLE_SOURCES: tuple[TableSource, ...] = (
    TableSource(schema.BTS_CROSSINGS, (BTS_FILE,), _one_file(read_bts_crossings, BTS_FILE)),
    TableSource(
        schema.PEACE_ARCH_HOURLY_DELAY,
        (_PEACE_ARCH_HOURLY,),
        _one_file(read_peace_arch_hourly_delay, _PEACE_ARCH_HOURLY),
    ),
    TableSource(
        schema.PEACE_ARCH_NORTH_DAILY,
        (_PEACE_ARCH_NORTH,),
        _one_file(read_peace_arch_north_daily, _PEACE_ARCH_NORTH),
    ),
    TableSource(
        schema.CASCADE_TRUCKS_DAILY, (_TRUCKS,), _one_file(read_cascade_trucks_daily, _TRUCKS)
    ),
    TableSource(
        schema.TRANSBORDER_MONTHLY, (_TB_MONTHLY,), _one_file(read_transborder_monthly, _TB_MONTHLY)
    ),
    TableSource(
        schema.TRANSBORDER_PORT_JAN2015,
        (_TB_DOT1,),
        _one_file(read_transborder_port_jan2015, _TB_DOT1),
    ),
    TableSource(CROSSINGS_TABLE, REGISTRY_FILES, registry_table),
)

#: Bookkeeping tables every warehouse has.
META_TABLES: tuple[schema.Table, ...] = (schema.LOAD_LOG, schema.LOAD_ISSUES, schema.BTS_UPDATES)
