"""Demand: from monthly counts to hourly arrivals per port and traffic class; forecasts.

Wait forecasts (Peace Arch, statistical): :func:`wait_model` (fitted on the shipped
Cascade Gateway data, cached), :func:`forecast_waits`, :func:`read_wait_history`; see
``docs/waits.md``.
"""

# --- wait forecasts (docs/waits.md) ---
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
from borderflow.demand._waits_baselines import WaitScore, wait_baselines, wait_score
from borderflow.demand._waits_model import WaitModelParams

__all__ = [
    # --- wait forecasts ---
    "DAILY_LANES",
    "WaitForecast",
    "WaitModel",
    "WaitModelParams",
    "WaitScore",
    "WaitSeries",
    "fit_wait_model",
    "forecast_waits",
    "read_wait_history",
    "shipped_waits",
    "wait_baselines",
    "wait_model",
    "wait_score",
]
