"""Demand: from monthly counts to hourly arrivals per port and traffic class; forecasts.

Monthly forecasts (:func:`forecast_monthly`, :func:`forecast_all`) and their backtest
(:func:`backtest`) are described in ``docs/forecasts.md``.
"""

# --- monthly forecasts (docs/forecasts.md) ---
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

__all__ = [
    # --- monthly forecasts ---
    "COVID_FIRST",
    "COVID_LAST",
    "BacktestResult",
    "BacktestRow",
    "ForecastPoint",
    "MonthlyForecast",
    "MonthlySeries",
    "backtest",
    "busiest_ports",
    "forecast_all",
    "forecast_monthly",
    "forecast_rows",
    "forecast_series",
    "latest_month",
    "load_series",
    "monthly_origins",
]
