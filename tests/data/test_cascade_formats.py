"""Cascade Gateway files saved by other tools: ISO variants of the time column parse alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from borderflow.data import (
    DataFormatError,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
)
from borderflow.demand import read_wait_history

NORTH_HEADER = (
    "Group Starts,Avg - Delay (Peace Arch North Cars),Sum - Volume (Peace Arch North Cars),"
    "Avg - Delay (Peace Arch North NEXUS),Sum - Volume (Peace Arch North NEXUS)\n"
)
NORTH_ROWS = [("2019-07-01", "14.8,2659.0,2.1,2196.0"), ("2019-07-02", "8.9,1137,,1416")]


def _north(tmp_path: Path, name: str, day_suffix: str) -> Path:
    path = tmp_path / name
    body = "".join(f"{d}{day_suffix},{rest}\n" for d, rest in NORTH_ROWS)
    path.write_text(NORTH_HEADER + body, encoding="utf-8")
    return path


def test_a_day_column_of_bare_dates_or_t_separated_midnights_reads_as_the_shipped_form(
    tmp_path: Path,
) -> None:
    ref = read_peace_arch_north_daily(_north(tmp_path, "a.csv", " 00:00:00")).table
    for k, suffix in enumerate(("", "T00:00:00")):
        got = read_peace_arch_north_daily(_north(tmp_path, f"b{k}.csv", suffix)).table
        assert got.equals(ref)
    a = read_wait_history(_north(tmp_path, "c.csv", ""), "daily")
    b = read_wait_history(_north(tmp_path, "d.csv", " 00:00:00"), "daily")
    assert a.start == b.start
    for lane in ("general", "nexus"):
        np.testing.assert_array_equal(a.values[lane], b.values[lane])


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        ("7/1/2019 0:00", "not a YYYY-MM-DD"),  # month/day order is ambiguous: refused
        ("2019-07-01 06:00:00", "day does not start at 00:00:00"),
    ],
)
def test_other_day_forms_are_refused_with_line_and_column(
    tmp_path: Path, day: str, problem: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(NORTH_HEADER + f"2019-06-30,1,2,3,4\n{day},1,2,3,4\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"line 3, column 'Group Starts': {problem}"):
        read_peace_arch_north_daily(path)


def test_hour_starts_without_seconds_or_with_t_and_no_source_column(tmp_path: Path) -> None:
    rows = [("2019-01-01", "00", "0.0"), ("2019-01-01", "01", "0.2"), ("2019-01-01", "02", "")]
    ref_path = tmp_path / "ref.csv"
    ref_path.write_text(
        "hour_start,crossing,direction,lane,delay_min,source\n"
        + "".join(
            f"{d} {h}:00:00,Peace Arch,Southbound,Cars (general),{v},x\n" for d, h, v in rows
        ),
        encoding="utf-8",
    )
    ref = read_peace_arch_hourly_delay(ref_path).table
    for k, form in enumerate(("{d} {h}:00", "{d}T{h}:00:00", "{d}T{h}:00")):
        path = tmp_path / f"h{k}.csv"
        path.write_text(
            "hour_start,crossing,direction,lane,delay_min\n"
            + "".join(
                f"{form.format(d=d, h=h)},Peace Arch,Southbound,Cars (general),{v}\n"
                for d, h, v in rows
            ),
            encoding="utf-8",
        )
        got = read_peace_arch_hourly_delay(path).table
        assert got.column("hour_start").equals(ref.column("hour_start"))
        assert got.column("delay_min").equals(ref.column("delay_min"))
        assert got.column("source").null_count == len(rows)
