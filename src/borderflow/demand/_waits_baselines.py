"""The three baselines of the wait forecasts and the scores they are compared on.

Each baseline uses the same information as the model: for step ``h`` only observations
at or before ``h - lead``.

* ``last_week``: the value one week earlier (the newest available value of the same
  hour of the week, or weekday for daily data, at or before ``h - lead``).
* ``mean_8_weeks``: the mean of the same hour of the week over the 8 weeks before
  (starting with the newest week allowed by the lead).
* ``last_year``: the mean of the same month, weekday and hour of the previous year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["BASELINES", "WaitScore", "wait_baselines", "wait_score"]

FloatArray = npt.NDArray[np.float64]

#: Baseline names, in report order.
BASELINES: tuple[str, ...] = ("last_week", "mean_8_weeks", "last_year")


def wait_baselines(
    times: pd.DatetimeIndex,
    observed: FloatArray,
    start: pd.Timestamp,
    resolution: str,
    lead: int,
) -> dict[str, FloatArray]:
    """Baseline forecasts for steps ``times`` from a series of observations.

    Parameters
    ----------
    times
        Forecast steps (local hours or days).
    observed
        Observations on the grid starting at ``start`` (NaN = missing), minutes.
    start
        Time of ``observed[0]``.
    resolution
        ``"hourly"`` or ``"daily"``.
    lead
        Information age: only ``observed`` at or before ``h - lead`` is read (steps).

    Returns
    -------
    dict
        Baseline name -> forecasts (minutes; NaN where the baseline has no data).
    """
    week = 168 if resolution == "hourly" else 7
    unit = pd.Timedelta(hours=1) if resolution == "hourly" else pd.Timedelta(days=1)
    pos = np.asarray((times - start) // unit, dtype=np.int64)
    y = np.asarray(observed, dtype=np.float64)

    def at(p: npt.NDArray[np.int64]) -> FloatArray:
        ok = (p >= 0) & (p < len(y)) & (p <= pos - lead)
        out = np.full(len(p), np.nan)
        out[ok] = y[p[ok]]
        return out

    k0 = max(1, -(-lead // week))
    # last week: newest non-missing same-phase value allowed by the lead (up to 8 back)
    last_week = np.full(len(pos), np.nan)
    for k in range(k0 + 7, k0 - 1, -1):
        v = at(pos - week * k)
        last_week = np.where(np.isnan(v), last_week, v)
    stack = np.stack([at(pos - week * k) for k in range(k0, k0 + 8)])
    with np.errstate(all="ignore"):
        cnt = np.sum(~np.isnan(stack), axis=0)
        mean8 = np.where(cnt > 0, np.nansum(stack, axis=0) / np.maximum(cnt, 1), np.nan)

    # same month, weekday (and hour) of the previous year
    grid = pd.date_range(start, periods=len(y), freq="h" if resolution == "hourly" else "D")
    frame = pd.DataFrame(
        {
            "year": grid.year,
            "month": grid.month,
            "dow": grid.day_of_week,
            "hour": grid.hour,
            "y": y,
        }
    )
    table = frame.groupby(["year", "month", "dow", "hour"])["y"].mean()
    keys = pd.MultiIndex.from_arrays(
        [times.year - 1, times.month, times.day_of_week, times.hour],
        names=["year", "month", "dow", "hour"],
    )
    last_year = table.reindex(keys).to_numpy(dtype=np.float64, copy=True)
    # the previous year's month must lie entirely at or before h - lead
    month_end = (
        pd.DatetimeIndex([pd.Timestamp(year=t.year - 1, month=t.month, day=1) for t in times])
        + pd.offsets.MonthEnd(0)
        + pd.Timedelta(days=1)
        - unit
    )
    end_pos = np.asarray((month_end - start) // unit, dtype=np.int64)
    last_year[end_pos > pos - lead] = np.nan
    return {"last_week": last_week, "mean_8_weeks": mean8, "last_year": last_year}


@dataclass(frozen=True)
class WaitScore:
    """Accuracy of one forecast against observations.

    Parameters
    ----------
    n
        Steps scored (observed, and forecast by every method compared).
    mae
        Mean absolute error over them, minutes.
    n_above
        Steps whose observed delay exceeds the threshold.
    mae_above
        Mean absolute error over those, minutes.
    coverage
        Share of observations inside the 80% interval (NaN without an interval).
    """

    n: int
    mae: float
    n_above: int
    mae_above: float
    coverage: float


def wait_score(
    observed: FloatArray,
    forecast: FloatArray,
    lo: FloatArray | None = None,
    hi: FloatArray | None = None,
    *,
    threshold: float = 10.0,
    mask: npt.NDArray[np.bool_] | None = None,
) -> WaitScore:
    """Score a forecast: MAE overall and above ``threshold`` minutes, interval coverage.

    Parameters
    ----------
    observed, forecast
        Minutes per step (NaN observations are skipped).
    lo, hi
        80% interval, minutes (optional).
    threshold
        Observed delay above which a step counts in ``mae_above``, minutes.
    mask
        Steps to score (default: every observed step with a finite forecast).
    """
    obs = np.asarray(observed, dtype=np.float64)
    fc = np.asarray(forecast, dtype=np.float64)
    ok = np.isfinite(obs) & np.isfinite(fc)
    if mask is not None:
        ok &= mask
    err = np.abs(fc - obs)
    above = ok & (obs > threshold)
    cov = float("nan")
    if lo is not None and hi is not None:
        inside = (obs >= np.asarray(lo)) & (obs <= np.asarray(hi))
        cov = float(inside[ok].mean()) if ok.any() else float("nan")
    return WaitScore(
        n=int(ok.sum()),
        mae=float(err[ok].mean()) if ok.any() else float("nan"),
        n_above=int(above.sum()),
        mae_above=float(err[above].mean()) if above.any() else float("nan"),
        coverage=cov,
    )
