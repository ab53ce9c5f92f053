"""Peak-hour demand from monthly counts (the input of the booth sizing rule)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

#: Share of a day's traffic in its busiest hour (assumption: no shipped series gives
#: hourly volumes; a flat day would give 1/24 = 0.042).
PEAK_HOUR_FACTOR = 0.10


@dataclass(frozen=True)
class PeakHourDemand:
    """Peak-hour demand derived from monthly counts.

    Attributes
    ----------
    veh_per_h
        Peak-hour demand [vehicles/hour].
    month
        First day of the busiest month used.
    monthly_count
        Count of that month [vehicles/month].
    days
        Days in that month.
    peak_hour_factor
        Share of a day's traffic in its peak hour used.
    assumptions
        The derivation in words.
    """

    veh_per_h: float
    month: date
    monthly_count: float
    days: int
    peak_hour_factor: float
    assumptions: tuple[str, ...]


def peak_hour_demand(
    monthly: Mapping[date, float], year: int, peak_hour_factor: float = PEAK_HOUR_FACTOR
) -> PeakHourDemand:
    """Peak-hour demand = busiest month of ``year`` / days in it x peak-hour factor.

    Parameters
    ----------
    monthly
        Counts [vehicles/month] keyed by the first day of the month.
    year
        Year whose busiest month is used (should be a full year).
    peak_hour_factor
        Share of a day's traffic in its busiest hour, in (0, 1].

    Raises
    ------
    ValueError
        If ``year`` has no months in ``monthly``.
    """
    if not 0 < peak_hour_factor <= 1:
        raise ValueError(f"peak_hour_factor must be in (0, 1], got {peak_hour_factor}")
    months = {m: v for m, v in monthly.items() if m.year == year}
    if not months:
        raise ValueError(f"no monthly counts for {year}")
    busiest = max(months, key=lambda m: (months[m], m))
    days = calendar.monthrange(busiest.year, busiest.month)[1]
    per_h = months[busiest] / days * peak_hour_factor
    return PeakHourDemand(
        per_h,
        busiest,
        months[busiest],
        days,
        peak_hour_factor,
        (
            f"busiest month of {year} ({busiest:%Y-%m}) spread evenly over its {days} days",
            f"peak-hour factor {peak_hour_factor:g} of daily traffic (assumption)",
        ),
    )


__all__ = ["PEAK_HOUR_FACTOR", "PeakHourDemand", "peak_hour_demand"]
