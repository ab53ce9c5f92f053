"""Calendar: local hours (DST days have 23 and 25), time zones, holidays of both countries."""

from __future__ import annotations

import itertools
from datetime import UTC, date, timedelta

import pytest

from borderflow.demand import day_hours, day_info, port_timezone


@pytest.mark.parametrize(
    ("state", "spring", "autumn"),
    [
        ("WA", date(2019, 3, 10), date(2019, 11, 3)),
        ("NY", date(2024, 3, 10), date(2024, 11, 3)),
        ("MT", date(2023, 3, 12), date(2023, 11, 5)),
    ],
)
def test_dst_days_have_23_and_25_hours(state: str, spring: date, autumn: date) -> None:
    tz = port_timezone(state)
    assert len(day_hours(spring, tz)) == 23
    assert len(day_hours(autumn, tz)) == 25
    assert len(day_hours(spring - timedelta(days=1), tz)) == 24
    # Spring: 02:00 does not exist; autumn: 01:00 appears twice, daylight then standard.
    assert [h.hour for h in day_hours(spring, tz)][:3] == [0, 1, 3]
    fall = day_hours(autumn, tz)
    assert [h.hour for h in fall][:4] == [0, 1, 1, 2]
    assert fall[1].utcoffset() != fall[2].utcoffset()
    # Hours are one elapsed hour apart (compare in UTC: same-zone subtraction is wall time).
    utc = [h.astimezone(UTC) for h in fall]
    gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(utc)}
    assert gaps == {3600.0}


def test_time_zones_follow_state_with_idaho_exception() -> None:
    assert port_timezone("ID").key == "America/Los_Angeles"  # panhandle keeps Pacific time
    assert port_timezone("MT").key == "America/Denver"
    assert port_timezone("MI").key == "America/Detroit"
    with pytest.raises(KeyError, match="TX"):
        port_timezone("TX")


def test_holidays_of_both_countries_and_the_province() -> None:
    canada_day = day_info(date(2019, 7, 1), "WA", "BC")
    assert canada_day.ca_holiday is not None and canada_day.us_holiday is None
    assert canada_day.holiday_key == "CA Monday"
    # Thanksgiving: Canada second Monday of October, U.S. fourth Thursday of November.
    assert day_info(date(2019, 10, 14), "WA", "BC").ca_holiday is not None
    us_tg = day_info(date(2019, 11, 28), "WA", "BC")
    assert us_tg.us_holiday is not None and us_tg.ca_holiday is None
    assert us_tg.holiday_key == "US other day"
    # Provincial: BC Day (first Monday of August) is not an Ontario holiday... in the
    # 'holidays' package Ontario's Civic Holiday is not statutory.
    assert day_info(date(2019, 8, 5), "WA", "BC").ca_holiday is not None
    assert day_info(date(2019, 8, 5), "WA", "QC").ca_holiday is None
    # Quebec's Fete nationale (June 24) only in Quebec.
    assert day_info(date(2019, 6, 24), "VT", "QC").ca_holiday is not None
    assert day_info(date(2019, 6, 24), "WA", "BC").ca_holiday is None
    assert day_info(date(2019, 7, 10), "WA", "BC").holiday_key is None
