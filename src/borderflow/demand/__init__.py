"""Demand: from monthly counts to arrivals per port, direction, class and hour; forecasts.

Public API: the split rule (:func:`split_shares`, one BTS port code's traffic shared among
its crossings), peak-hour demand (:func:`peak_hour_demand`), and hourly demand
(:func:`hourly_demand`: monthly count -> days -> lane classes -> local clock hours, each
month's total preserved exactly) with its calendar, profiles and lane-class shares.
"""

# --- hourly demand (calendar, profiles, lane-class shares) ---------------------------------
from borderflow.demand._calendar import (
    HOLIDAY_SOURCE,
    STATE_TIME_ZONES,
    DayInfo,
    day_hours,
    day_info,
    port_timezone,
)
from borderflow.demand._hourly import (
    DEMAND_BASES,
    DEMAND_MEASURES,
    DayDemand,
    DemandRow,
    MonthlyCount,
    hourly_demand,
    largest_remainder,
    month_demand,
    monthly_count,
    open_hours,
    shipped_profiles,
)
from borderflow.demand._peak import PEAK_HOUR_FACTOR, PeakHourDemand, peak_hour_demand
from borderflow.demand._profiles import (
    HOURLY_PROFILES,
    DailyProfile,
    HourlyProfile,
    learn_daily_profile,
    learn_profiles,
)
from borderflow.demand._shares import ClassShares, Share, class_shares, measured_nexus_share
from borderflow.demand._split import SPLIT_RULE, SplitShare, split_shares

__all__ = [
    # hourly demand
    "DEMAND_BASES",
    "DEMAND_MEASURES",
    "HOLIDAY_SOURCE",
    "HOURLY_PROFILES",
    "PEAK_HOUR_FACTOR",
    "SPLIT_RULE",
    "STATE_TIME_ZONES",
    "ClassShares",
    "DailyProfile",
    "DayDemand",
    "DayInfo",
    "DemandRow",
    "HourlyProfile",
    "MonthlyCount",
    "PeakHourDemand",
    "Share",
    "SplitShare",
    "class_shares",
    "day_hours",
    "day_info",
    "hourly_demand",
    "largest_remainder",
    "learn_daily_profile",
    "learn_profiles",
    "measured_nexus_share",
    "month_demand",
    "monthly_count",
    "open_hours",
    "peak_hour_demand",
    "port_timezone",
    "shipped_profiles",
    "split_shares",
]
