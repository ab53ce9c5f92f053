"""Readers of the Cascade Gateway files (Peace Arch delays and volumes, Whatcom trucks)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from borderflow.data import _columns as colmap
from borderflow.data._csv import RawCsv, ReadResult, choice, read_raw_csv

__all__ = [
    "read_cascade_trucks_daily",
    "read_peace_arch_hourly_delay",
    "read_peace_arch_north_daily",
]

#: ISO forms accepted for an hour (the shipped files write the first; a file saved by
#: a spreadsheet or pandas may drop the seconds or use the ``T`` separator).
_ISO_HOURS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
#: ... and for a day (pandas writes a column of midnights as bare dates).
_ISO_DAYS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")


def read_peace_arch_hourly_delay(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway Peace Arch southbound hourly delay file.

    Parameters
    ----------
    path
        ``peace_arch_southbound_cars_hourly_delay_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``peace_arch_hourly_delay`` rows (delay in minutes; NULL = no detector data;
        ``source`` NULL where the file has none).
    """
    raw = read_raw_csv(path)
    # `source` names the repository a shipped row came from; a newer file may lack it
    cols = raw.resolve(colmap.PEACE_ARCH_HOURLY_COLUMNS, optional=frozenset({"source"}))
    source = (
        raw.text(cols["source"], nullable=True)
        if "source" in cols
        else pa.nulls(raw.num_rows, pa.string())
    )
    table = pa.table(
        {
            "hour_start": raw.timestamps(
                cols["hour_start"], _ISO_HOURS, "YYYY-MM-DD HH:MM[:SS] hour start"
            ),
            "direction": raw.by_value(
                cols["direction"],
                choice({"southbound": "southbound", "northbound": "northbound"}),
                pa.string(),
            ),
            "lane": raw.by_value(cols["lane"], choice({"cars (general)": "general"}), pa.string()),
            "delay_min": raw.floats(cols["delay_min"], nullable=True),
            "source": source,
        }
    )
    return ReadResult(table, raw.path, raw.num_rows)


def _days(raw: RawCsv) -> pa.ChunkedArray:
    col = raw.column(colmap.CASCADE_DAY_COLUMN)
    ts = raw.timestamps(col, _ISO_DAYS, "YYYY-MM-DD[ 00:00:00] day start")
    raw.check(
        pc.not_equal(pc.cast(pc.cast(ts, pa.date32()), pa.timestamp("s")), ts),
        col,
        "day does not start at 00:00:00",
    )
    return pc.cast(ts, pa.date32())


def read_peace_arch_north_daily(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway Peace Arch northbound daily cars file (general + NEXUS).

    Parameters
    ----------
    path
        ``peacearch_N_cars_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``peace_arch_north_daily`` rows, two per day (lanes 'general' and 'nexus').
    """
    raw = read_raw_csv(path)
    days = _days(raw)
    parts = []
    for lane in ("general", "nexus"):
        delay = raw.column(colmap.PEACE_ARCH_NORTH_COLUMNS[(lane, "avg_delay_min")])
        volume = raw.column(colmap.PEACE_ARCH_NORTH_COLUMNS[(lane, "volume")])
        parts.append(
            pa.table(
                {
                    "day": days,
                    "lane": pa.array([lane] * raw.num_rows, pa.string()),
                    "volume": raw.integers(volume, nullable=True),
                    "avg_delay_min": raw.floats(delay, nullable=True),
                }
            )
        )
    table = pa.concat_tables(parts).sort_by([("day", "ascending"), ("lane", "ascending")])
    return ReadResult(table, raw.path, raw.num_rows)


def read_cascade_trucks_daily(path: Path | str) -> ReadResult:
    """Read the Cascade Gateway all-trucks daily file (Whatcom County crossings).

    Parameters
    ----------
    path
        ``all_trucks_*.csv.gz``.

    Returns
    -------
    ReadResult
        ``cascade_trucks_daily`` rows, one per day, crossing and direction (trucks/day).
    """
    raw = read_raw_csv(path)
    days = _days(raw)
    parts = []
    for (crossing, direction), source in colmap.CASCADE_TRUCK_COLUMNS.items():
        n = raw.num_rows
        parts.append(
            pa.table(
                {
                    "day": days,
                    "crossing": pa.array([crossing] * n, pa.string()),
                    "direction": pa.array([direction] * n, pa.string()),
                    "volume": raw.integers(raw.column(source), nullable=True),
                }
            )
        )
    table = pa.concat_tables(parts).sort_by(
        [("day", "ascending"), ("crossing", "ascending"), ("direction", "ascending")]
    )
    return ReadResult(table, raw.path, raw.num_rows)
