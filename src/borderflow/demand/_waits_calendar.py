"""Calendar and holiday features of both countries for the wait forecasts.

Everything here is known in advance (a forecast may use it for any future day): the day
of the week, the season, and the public holidays of the United States (federal plus
Washington) and of Canada (federal plus British Columbia), with their observed dates,
the long weekends they make and the days around them. Canadian holidays drive
U.S.-bound traffic at Peace Arch (British Columbians shopping in Whatcom County) and the
return trips Canada-bound; U.S. holidays bring Americans north.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import numpy as np
import pandas as pd

__all__ = [
    "CALENDAR_FEATURES",
    "CA_HOLIDAY_KINDS",
    "US_HOLIDAY_KINDS",
    "calendar_features",
    "holiday_dates",
]

#: Holiday names (as the ``holidays`` package spells them, "(observed)" removed) mapped to
#: a stable integer code per country; any other name gets code ``len(kinds) + 1``.
US_HOLIDAY_KINDS: tuple[str, ...] = (
    "New Year's Day",
    "Martin Luther King Jr. Day",
    "Presidents' Day",
    "Memorial Day",
    "Juneteenth National Independence Day",
    "Independence Day",
    "Labor Day",
    "Columbus Day",
    "Veterans Day",
    "Thanksgiving Day",
    "Native American Heritage Day",
    "Christmas Day",
)
CA_HOLIDAY_KINDS: tuple[str, ...] = (
    "New Year's Day",
    "Family Day",
    "Good Friday",
    "Easter Monday",
    "Victoria Day",
    "Canada Day",
    "British Columbia Day",
    "Labor Day",
    "National Day for Truth and Reconciliation",
    "Thanksgiving Day",
    "Remembrance Day",
    "Christmas Day",
    "Boxing Day",
)

#: Names of the columns :func:`calendar_features` returns, in order.
CALENDAR_FEATURES: tuple[str, ...] = (
    "dow",
    "month",
    "doy",
    "us_hol",
    "ca_hol",
    "us_hol_kind",
    "ca_hol_kind",
    "us_hol_offset",
    "ca_hol_offset",
    "us_off_run",
    "ca_off_run",
    "us_off_pos",
    "ca_off_pos",
    "ca_off_left",
    "us_off_left",
)

_WINDOW_DAYS = 4  # the days around a holiday that get their own offset (±4)


@cache
def holiday_dates(country: str, year: int) -> dict[dt.date, str]:
    """Public holidays of one country and year, observed dates included.

    Parameters
    ----------
    country
        ``"US"`` (federal + Washington) or ``"CA"`` (federal + British Columbia).
    year
        Calendar year.

    Returns
    -------
    dict
        Date -> holiday name ("(observed)" removed).
    """
    if country == "US":
        sets = [holidays.country_holidays("US", subdiv="WA", years=year, observed=True)]
    elif country == "CA":
        sets = [
            holidays.country_holidays("CA", years=year, observed=True),
            holidays.country_holidays("CA", subdiv="BC", years=year, observed=True),
        ]
    else:
        raise ValueError(f"unknown country {country!r} (expected 'US' or 'CA')")
    out: dict[dt.date, str] = {}
    for hs in sets:
        for day, name in hs.items():
            # a day may carry two names ("A; B"): the first decides its kind
            out.setdefault(day, name.split(";")[0].replace(" (observed)", "").strip())
    return out


def _kind_code(name: str, kinds: tuple[str, ...]) -> int:
    return kinds.index(name) + 1 if name in kinds else len(kinds) + 1


def _country_columns(days: pd.DatetimeIndex, country: str) -> dict[str, np.ndarray]:
    kinds = US_HOLIDAY_KINDS if country == "US" else CA_HOLIDAY_KINDS
    # holidays of a padded span, so the offsets near the range's ends see their neighbours
    first = days.min() - pd.Timedelta(days=30)
    last = days.max() + pd.Timedelta(days=30)
    span = pd.date_range(first.normalize(), last.normalize(), freq="D")
    names: dict[dt.date, str] = {}
    for year in range(span[0].year, span[-1].year + 1):
        names.update(holiday_dates(country, year))
    span_dates = [d.date() for d in span]
    is_hol = np.array([d in names for d in span_dates])
    code = np.array([_kind_code(names[d], kinds) if d in names else 0 for d in span_dates])
    n = len(span)
    # signed offset to the nearest holiday within the window (0 = none near)
    offset = np.zeros(n, dtype=np.int64)
    near_kind = np.zeros(n, dtype=np.int64)
    best = np.full(n, _WINDOW_DAYS + 1)
    hol_idx = np.flatnonzero(is_hol)
    for k in hol_idx.tolist():
        for delta in range(-_WINDOW_DAYS, _WINDOW_DAYS + 1):
            t = k + delta
            if 0 <= t < n and abs(delta) < best[t]:
                best[t] = abs(delta)
                offset[t] = delta
                near_kind[t] = code[k]
    # days off: weekends and holidays; a run of >= 3 is a long weekend
    off = is_hol | (span.day_of_week >= 5)
    run_len = np.zeros(n, dtype=np.int64)
    run_pos = np.zeros(n, dtype=np.int64)
    i = 0
    while i < n:
        if not off[i]:
            i += 1
            continue
        j = i
        while j < n and off[j]:
            j += 1
        run_len[i:j] = j - i
        run_pos[i:j] = np.arange(1, j - i + 1)
        i = j
    left = np.where(run_len > 0, run_len - run_pos, -1)  # days off still ahead in the run
    pos = pd.Index(span).get_indexer(days.normalize())
    p = country.lower()
    return {
        f"{p}_hol": is_hol[pos].astype(np.float64),
        f"{p}_hol_kind": near_kind[pos].astype(np.float64),
        f"{p}_hol_offset": offset[pos].astype(np.float64),
        f"{p}_off_run": run_len[pos].astype(np.float64),
        f"{p}_off_pos": run_pos[pos].astype(np.float64),
        f"{p}_off_left": left[pos].astype(np.float64),
    }


def calendar_features(times: pd.DatetimeIndex) -> pd.DataFrame:
    """Calendar and holiday features of both countries for local times or days.

    Parameters
    ----------
    times
        Naive local timestamps (hours or midnights).

    Returns
    -------
    pandas.DataFrame
        One row per time, columns :data:`CALENDAR_FEATURES`: day of week (0 = Monday),
        month, day of year; per country (``us_``/``ca_``) the holiday flag, the kind of the
        nearest holiday within ±4 days (0 = none), the signed day offset to it, the length
        of the run of days off (weekends + holidays) the day belongs to (0 = a working
        day; >= 3 = a long weekend), the day's position in it and the days off left after
        it.
    """
    cols: dict[str, np.ndarray] = {
        "dow": np.asarray(times.day_of_week, dtype=np.float64),
        "month": np.asarray(times.month, dtype=np.float64),
        "doy": np.asarray(times.day_of_year, dtype=np.float64),
    }
    cols.update(_country_columns(times, "US"))
    cols.update(_country_columns(times, "CA"))
    return pd.DataFrame({name: cols[name] for name in CALENDAR_FEATURES}, index=times)
