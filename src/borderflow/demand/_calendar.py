"""Calendar of a port: local time zone, local clock hours of a day, public holidays.

Every hourly figure of :mod:`borderflow.demand` is in the port's **local clock time**. A
day has 24 local hours, 23 on the spring daylight-saving day (the 02:00 hour does not
exist) and 25 on the autumn one (the 01:00 hour appears twice, first in daylight time,
then in standard time). Holidays are those of the ``holidays`` package for the United
States (federal plus the port's state) and Canada (federal plus the port's province).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays as _holidays

#: IANA time zone of the U.S. border crossings of each state (``zoneinfo``; the ``tzdata``
#: package supplies the database where the system has none).
STATE_TIME_ZONES: dict[str, str] = {
    "WA": "America/Los_Angeles",
    # Idaho's border crossings (Porthill, Eastport) are in the panhandle, which keeps
    # Pacific time (the south of the state is on Mountain time).
    "ID": "America/Los_Angeles",
    "MT": "America/Denver",
    # North Dakota's Mountain-time corner is in the south-west, away from the border.
    "ND": "America/Chicago",
    "MN": "America/Chicago",
    "MI": "America/Detroit",
    "NY": "America/New_York",
    "VT": "America/New_York",
    "NH": "America/New_York",
    "ME": "America/New_York",
    # Official Alaska time for all Alaskan crossings; Hyder in practice keeps the Pacific
    # time of Stewart BC (documented exception, not modelled).
    "AK": "America/Anchorage",
}

#: Where the holiday dates come from.
HOLIDAY_SOURCE = (
    "python package 'holidays' (U.S. federal + state, Canada federal + province; "
    "observed dates included)"
)


def port_timezone(state: str) -> ZoneInfo:
    """Return the local time zone of a U.S. border state's crossings.

    Parameters
    ----------
    state
        Two-letter U.S. state of the crossing.

    Raises
    ------
    KeyError
        If the state has no U.S.-Canada crossing.
    """
    try:
        return ZoneInfo(STATE_TIME_ZONES[state.upper()])
    except KeyError:
        raise KeyError(
            f"state {state!r} has no U.S.-Canada border crossing (known: "
            f"{', '.join(sorted(STATE_TIME_ZONES))})"
        ) from None


def day_hours(day: date, tz: ZoneInfo) -> tuple[datetime, ...]:
    """Return the starts of the local clock hours of ``day`` (23, 24 or 25 of them).

    Each element is a timezone-aware local datetime; on the autumn daylight-saving day
    the repeated hour appears twice (``fold=0`` then ``fold=1``).

    Parameters
    ----------
    day
        Local calendar day.
    tz
        The port's time zone.
    """
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).astimezone(UTC)
    n = round((end - start).total_seconds() / 3600)
    return tuple((start + timedelta(hours=h)).astimezone(tz) for h in range(n))


@dataclass(frozen=True)
class DayInfo:
    """What kind of day a date is at one port.

    Attributes
    ----------
    day
        The local date.
    weekday
        Monday = 0 ... Sunday = 6.
    us_holiday
        Name of the U.S. (federal or state) holiday, ``None`` if none.
    ca_holiday
        Name of the Canadian (federal or provincial) holiday, ``None`` if none.
    """

    day: date
    weekday: int
    us_holiday: str | None
    ca_holiday: str | None

    @property
    def holiday_key(self) -> str | None:
        """Holiday category: ``"CA"``, ``"US"`` or ``"CA+US"``, with ``" Monday"`` on Mondays.

        ``None`` on an ordinary day. Monday holidays make long weekends, which move
        cross-border traffic differently from holidays on other days.
        """
        countries = "+".join(
            c for c, h in (("CA", self.ca_holiday), ("US", self.us_holiday)) if h is not None
        )
        if not countries:
            return None
        return countries + (" Monday" if self.weekday == 0 else " other day")


@functools.lru_cache(maxsize=512)
def _holiday_table(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    kw: dict[str, Any] = {"years": year}
    if subdiv is not None:
        kw["subdiv"] = subdiv
    return dict(_holidays.country_holidays(country, **kw).items())


def day_info(day: date, state: str | None, province: str | None) -> DayInfo:
    """Classify a date at a port: weekday and public holidays of both countries.

    Parameters
    ----------
    day
        Local date.
    state
        U.S. state of the port (its holidays are added to the federal ones); ``None`` for
        federal holidays only.
    province
        Canadian province of the port's other side; ``None`` for federal holidays only.
    """
    us = _holiday_table("US", state.upper() if state else None, day.year).get(day)
    ca = _holiday_table("CA", province.upper() if province else None, day.year).get(day)
    return DayInfo(day, day.weekday(), us, ca)


__all__ = [
    "HOLIDAY_SOURCE",
    "STATE_TIME_ZONES",
    "DayInfo",
    "day_hours",
    "day_info",
    "port_timezone",
]
