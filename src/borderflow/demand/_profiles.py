"""Day-of-week, holiday and hour-of-day profiles of border traffic, each with its source.

Day profiles (:class:`DailyProfile`) are **learned** from the shipped Cascade Gateway daily
volumes (:func:`learn_daily_profile`): cars from Peace Arch northbound (Canada-bound,
general + NEXUS, 2018-01 to 2019-06), trucks from Pacific Highway and Lynden southbound
(U.S.-bound, 2018-01 to 2020-03). Elsewhere they are applied as defaults and labelled so.
Hour-of-day profiles (:class:`HourlyProfile`) are **assumptions**: no shipped series gives
hourly volumes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from borderflow.demand._calendar import DayInfo, day_info

#: Days whose volume is below this share of their month's median are detector gaps.
GAP_SHARE = 0.25


@dataclass(frozen=True)
class DailyProfile:
    """Relative traffic of a day by weekday and holiday category.

    The weight of a day is ``weekday[d.weekday] * holiday[d.holiday_key]`` (1 when the
    day is no holiday or its category was never observed).

    Attributes
    ----------
    name
        What the profile describes (e.g. ``"cars"``).
    weekday
        Seven factors, Monday first, mean 1.
    holiday
        Factor per holiday category (:attr:`DayInfo.holiday_key`) relative to the same
        weekday without a holiday.
    holiday_days
        Number of observed days behind each holiday factor.
    source
        Where the profile was learned, or that it is an assumption.
    """

    name: str
    weekday: tuple[float, ...]
    holiday: Mapping[str, float] = field(default_factory=dict)
    holiday_days: Mapping[str, int] = field(default_factory=dict)
    source: str = "assumption"

    def __post_init__(self) -> None:
        if len(self.weekday) != 7 or any(not w > 0 for w in self.weekday):
            raise ValueError(f"weekday factors must be 7 positive numbers, got {self.weekday}")
        if any(not f >= 0 for f in self.holiday.values()):
            raise ValueError(f"holiday factors must be >= 0, got {dict(self.holiday)}")

    def weight(self, info: DayInfo) -> float:
        """Relative traffic of one day (dimensionless)."""
        w = self.weekday[info.weekday]
        key = info.holiday_key
        if key is not None:
            w *= self.holiday.get(key, 1.0)
        return w


@dataclass(frozen=True)
class HourlyProfile:
    """Share of a day's traffic in each local clock hour 0-23.

    Attributes
    ----------
    name
        What the profile describes.
    shares
        24 non-negative weights, normalised to sum to 1.
    source
        Where it comes from (every shipped hourly profile is an assumption).
    """

    name: str
    shares: tuple[float, ...]
    source: str

    def __post_init__(self) -> None:
        if len(self.shares) != 24 or any(not s >= 0 for s in self.shares) or sum(self.shares) <= 0:
            raise ValueError(f"{self.name}: 24 non-negative shares with a positive sum needed")
        total = sum(self.shares)
        object.__setattr__(self, "shares", tuple(s / total for s in self.shares))


def learn_daily_profile(
    name: str,
    series: Iterable[Mapping[date, float]],
    state: str,
    province: str,
    source: str,
) -> DailyProfile:
    """Learn weekday and holiday factors from daily volume series of one place.

    Method: drop days below :data:`GAP_SHARE` of their month's median (detector gaps);
    divide each day by its month's mean (removes season and trend); the weekday factor
    is the mean ratio of the ordinary (non-holiday) days of that weekday; the factor of a
    holiday category is the mean of ``ratio / weekday factor`` over its days. Several
    series (e.g. two crossings) are pooled.

    Parameters
    ----------
    name
        Profile name.
    series
        Daily volumes [vehicles/day] keyed by date, one mapping per series.
    state, province
        Where the series was counted (its holidays).
    source
        Text naming the data.

    Raises
    ------
    ValueError
        If a weekday has no ordinary day in the data.
    """
    ratios: list[tuple[DayInfo, float]] = []
    for s in series:
        by_month: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
        for d, v in s.items():
            if v is not None and v >= 0:
                by_month[(d.year, d.month)].append((d, float(v)))
        for days in by_month.values():
            med = statistics.median(v for _, v in days)
            kept = [(d, v) for d, v in days if v >= GAP_SHARE * med]
            mean = statistics.fmean(v for _, v in kept) if kept else 0.0
            if mean <= 0:
                continue
            ratios.extend((day_info(d, state, province), v / mean) for d, v in kept)
    raw: list[float] = []
    for wd in range(7):
        vals = [r for info, r in ratios if info.weekday == wd and info.holiday_key is None]
        if not vals:
            raise ValueError(f"{name}: no ordinary day with weekday {wd} in the data")
        raw.append(statistics.fmean(vals))
    by_key: dict[str, list[float]] = defaultdict(list)
    for info, r in ratios:
        if (key := info.holiday_key) is not None:
            by_key[key].append(r / raw[info.weekday])
    scale = statistics.fmean(raw)
    return DailyProfile(
        name,
        tuple(w / scale for w in raw),
        MappingProxyType({k: statistics.fmean(v) for k, v in sorted(by_key.items())}),
        MappingProxyType({k: len(v) for k, v in sorted(by_key.items())}),
        source,
    )


#: Source of the learned car profile.
CARS_PROFILE_SOURCE = (
    "learned from data/cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz "
    "(WCOG Cascade Gateway, Peace Arch Canada-bound general + NEXUS cars per day, "
    "2018-01 to 2019-06; WA/BC holidays)"
)
#: Source of the learned truck profile.
TRUCKS_PROFILE_SOURCE = (
    "learned from data/cascade_gateway/all_trucks_20180101_20200331.csv.gz "
    "(WCOG Cascade Gateway, Pacific Highway and Lynden U.S.-bound trucks per day, "
    "2018-01 to 2020-03; WA/BC holidays)"
)


def learn_profiles(con: Any) -> dict[str, DailyProfile]:
    """Learn the shipped day profiles from the warehouse: ``{"cars": ..., "trucks": ...}``.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse (tables ``peace_arch_north_daily`` and
        ``cascade_trucks_daily``).
    """
    cars_rows = con.execute(
        "SELECT day, sum(volume) FROM peace_arch_north_daily GROUP BY day "
        "HAVING count(volume) = 2 ORDER BY day"
    ).fetchall()
    cars = learn_daily_profile(
        "cars", [{d: float(v) for d, v in cars_rows}], "WA", "BC", CARS_PROFILE_SOURCE
    )
    truck_rows = con.execute(
        "SELECT crossing, day, volume FROM cascade_trucks_daily "
        "WHERE direction = 'southbound' AND volume IS NOT NULL ORDER BY crossing, day"
    ).fetchall()
    per: dict[str, dict[date, float]] = defaultdict(dict)
    for crossing, d, v in truck_rows:
        per[crossing][d] = float(v)
    trucks = learn_daily_profile("trucks", per.values(), "WA", "BC", TRUCKS_PROFILE_SOURCE)
    return {"cars": cars, "trucks": trucks}


_HOURLY_ASSUMPTION = (
    "assumption: no shipped series gives hourly volumes; shape chosen by hand "
    "(docs/demand.md), not measured"
)

#: Hour-of-day profiles (local clock hour 0-23). All are labelled assumptions. The car
#: shape is the one of examples/peace-arch-us-bound.toml (peak late morning to midday).
HOURLY_PROFILES: Mapping[str, HourlyProfile] = MappingProxyType(
    {
        "cars": HourlyProfile(
            "cars",
            (
                17.6,
                11.0,
                6.6,
                6.6,
                11.0,
                26.5,
                55.1,
                83.8,
                105.9,
                127.9,
                145.6,
                154.4,
                154.4,
                150.0,
                145.6,
                141.2,
                136.8,
                132.4,
                123.5,
                110.3,
                92.6,
                75.0,
                52.9,
                33.1,
            ),
            _HOURLY_ASSUMPTION + " (same shape as examples/peace-arch-us-bound.toml)",
        ),
        "trucks": HourlyProfile(
            "trucks",
            (
                1.5,
                1.2,
                1.0,
                1.0,
                1.3,
                2.2,
                3.5,
                4.8,
                5.8,
                6.4,
                6.6,
                6.6,
                6.5,
                6.4,
                6.2,
                5.9,
                5.4,
                4.7,
                3.9,
                3.2,
                2.7,
                2.3,
                2.0,
                1.7,
            ),
            _HOURLY_ASSUMPTION + " (trucks spread over a longer working day than cars)",
        ),
        "pedestrians": HourlyProfile(
            "pedestrians",
            (
                0.2,
                0.1,
                0.1,
                0.1,
                0.1,
                0.3,
                1.0,
                2.5,
                4.0,
                5.5,
                7.0,
                8.0,
                8.5,
                8.5,
                8.5,
                8.0,
                7.5,
                7.0,
                6.0,
                5.0,
                4.0,
                3.0,
                2.0,
                1.0,
            ),
            _HOURLY_ASSUMPTION + " (daytime walkers)",
        ),
    }
)


__all__ = [
    "CARS_PROFILE_SOURCE",
    "GAP_SHARE",
    "HOURLY_PROFILES",
    "TRUCKS_PROFILE_SOURCE",
    "DailyProfile",
    "HourlyProfile",
    "learn_daily_profile",
    "learn_profiles",
]
