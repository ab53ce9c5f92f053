"""Demand: from monthly counts to arrivals per port, direction, class and hour; forecasts.

- the split rule (:func:`split_shares`: one BTS port code's traffic shared among its
  crossings) and peak-hour demand (:func:`peak_hour_demand`);
- hourly demand (:func:`hourly_demand`: monthly count -> days -> lane classes -> local
  clock hours, each month's total preserved exactly) with its calendar, profiles and
  lane-class shares (``docs/demand.md``);
- monthly traffic forecasts (:func:`forecast_monthly`, :func:`forecast_all`) and their
  backtest (:func:`backtest`), ``docs/forecasts.md``;
- week-ahead wait forecasts at Peace Arch (statistical): :func:`wait_model` (fitted on
  the shipped Cascade Gateway data, cached), :func:`forecast_waits`,
  :func:`read_wait_history`, ``docs/waits.md``.
"""

from borderflow.demand._calendar import (
    HOLIDAY_SOURCE,
    STATE_TIME_ZONES,
    DayInfo,
    day_hours,
    day_info,
    port_timezone,
)
from borderflow.demand._forecast import (
    COVID_FIRST,
    COVID_LAST,
    ForecastPoint,
    MonthlyForecast,
    MonthlySeries,
    forecast_all,
    forecast_monthly,
    forecast_rows,
    forecast_series,
    latest_month,
    load_series,
)
from borderflow.demand._forecast_backtest import (
    BacktestResult,
    BacktestRow,
    backtest,
    busiest_ports,
    monthly_origins,
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
    monthly_counts,
    open_hours,
    shipped_profiles,
)
from borderflow.demand._peak import (
    PEAK_HOUR_FACTOR,
    PeakHourDemand,
    peak_hour_demand,
)
from borderflow.demand._profiles import (
    HOURLY_PROFILES,
    DailyProfile,
    HourlyProfile,
    learn_daily_profile,
    learn_profiles,
)
from borderflow.demand._shares import (
    ClassShares,
    Share,
    class_shares,
    measured_nexus_share,
)
from borderflow.demand._split import (
    SPLIT_RULE,
    SplitShare,
    split_shares,
)
from borderflow.demand._waits import (
    DAILY_LANES,
    WaitForecast,
    WaitModel,
    WaitSeries,
    fit_wait_model,
    forecast_waits,
    read_wait_history,
    shipped_waits,
    wait_model,
)
from borderflow.demand._waits_baselines import (
    WaitScore,
    wait_baselines,
    wait_score,
)
from borderflow.demand._waits_model import (
    WaitModelParams,
)

__all__ = [
    "COVID_FIRST",
    "COVID_LAST",
    "DAILY_LANES",
    "DEMAND_BASES",
    "DEMAND_MEASURES",
    "HOLIDAY_SOURCE",
    "HOURLY_PROFILES",
    "PEAK_HOUR_FACTOR",
    "SPLIT_RULE",
    "STATE_TIME_ZONES",
    "BacktestResult",
    "BacktestRow",
    "ClassShares",
    "DailyProfile",
    "DayDemand",
    "DayInfo",
    "DemandRow",
    "ForecastPoint",
    "HourlyProfile",
    "MonthlyCount",
    "MonthlyForecast",
    "MonthlySeries",
    "PeakHourDemand",
    "Share",
    "SplitShare",
    "WaitForecast",
    "WaitModel",
    "WaitModelParams",
    "WaitScore",
    "WaitSeries",
    "backtest",
    "busiest_ports",
    "class_shares",
    "day_hours",
    "day_info",
    "fit_wait_model",
    "forecast_all",
    "forecast_monthly",
    "forecast_rows",
    "forecast_series",
    "forecast_waits",
    "hourly_demand",
    "largest_remainder",
    "latest_month",
    "learn_daily_profile",
    "learn_profiles",
    "load_series",
    "measured_nexus_share",
    "month_demand",
    "monthly_count",
    "monthly_counts",
    "monthly_origins",
    "open_hours",
    "peak_hour_demand",
    "port_timezone",
    "read_wait_history",
    "shipped_profiles",
    "shipped_waits",
    "split_shares",
    "wait_baselines",
    "wait_model",
    "wait_score",
]
