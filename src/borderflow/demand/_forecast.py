"""Monthly traffic forecasts per port and measure (BTS counts), 1-24 months ahead.

Method (see ``docs/forecasts.md``): on the log scale, ``log1p(count)`` is split into a
**seasonal profile** (trimmed mean of month-of-year effects from recent clean calendar
years, pre-2020 years included), **calendar effects** (weekday mix, February length,
Easter; fitted by least squares; not for personal vehicles) and a **deseasonalised
level**.  The level is forecast by two statsforecast models averaged (AutoETS with no or
a damped trend, and a level-only AutoETS), averaged in calm regimes with a steady
exponentially weighted level; the COVID closure (2020-03 to 2021-11) is removed from the
level history, and the level is fitted on the months after the closure once there are
enough of them, so the 2019 level never anchors a post-2021 forecast while the pre-2020
shape still informs the seasons.  Prediction intervals are the models' own (additive on
the log scale) carried back with ``expm1``: asymmetric in counts and never negative.
Sparse, small or short series take a seasonal-naive path; inactive ones are forecast as 0.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from borderflow.demand._forecast_data import (
    MonthlySeries,
    _mi,
    _month,
    latest_month,
    load_series,
)

__all__ = [
    "COVID_FIRST",
    "COVID_LAST",
    "ForecastPoint",
    "MonthlyForecast",
    "MonthlySeries",
    "forecast_all",
    "forecast_monthly",
    "forecast_rows",
    "forecast_series",
    "latest_month",
    "load_series",
]

FloatArray = npt.NDArray[np.float64]

# statsforecast compiles with numba, which reads its cache folder once, at import: set
# it before statsforecast is first imported (lazily, in _level_forecast), as the
# simulation kernel does.  Values already set (Makefile, tests) are kept.
_REPO = Path(__file__).resolve().parents[3]
if not os.environ.get("NUMBA_CACHE_DIR"):
    _base = (
        _REPO / ".cache"
        if (_REPO / "pyproject.toml").is_file()
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "borderflow"
    )
    os.environ["NUMBA_CACHE_DIR"] = str(_base / "numba")
os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")

#: First and last month of the COVID closure of the land border to non-essential travel
#: (U.S. restrictions of 2020-03-21, lifted for vaccinated travellers on 2021-11-08).
COVID_FIRST = date(2020, 3, 1)
COVID_LAST = date(2021, 11, 1)
#: Calendar years with any month in [COVID_FIRST, _PROFILE_DISTORTED_LAST] are not used
#: for the seasonal profile: Canada required a pre-arrival test until 2022-04-01 and
#: ArriveCAN until 2022-10-01, which bent the 2022 seasons of U.S.-bound traffic
#: (mostly Canadian residents coming back and forth).
_PROFILE_DISTORTED_LAST = date(2022, 10, 1)

#: Recent clean calendar years averaged into the seasonal profile (assumption: 5 years
#: balance noise against a changing shape; see docs/forecasts.md).
PROFILE_YEARS = 5
#: Trim the profile: with 3 or more clean years, each month's effect is the mean of the
#: middle years (that month's highest and lowest year dropped; the median of 3), for
#: robustness to a misreported month.  Neutral on the backtests of the busiest ports
#: (docs/validation-forecast.md, ablations).
PROFILE_TRIM = True
#: Remove each profile year's within-year trend (piecewise linear through adjacent clean
#: year means) before averaging: a year that fell 11 % leaks +-5 % into January and
#: December.  Off: tried and rejected; it helped the 2015-2017 origins but not the
#: 2018-19 ones or the fixed 2017-12 origin (docs/validation-forecast.md, ablations).
PROFILE_DETREND = False
#: Recent clean calendar years used to fit the calendar (working-day, Easter) effects.
CALENDAR_YEARS = 8
#: Fit calendar effects (weekday mix, February length, Easter); off only in ablations.
CALENDAR = True
#: Measures modelled without calendar effects.  Per-port weekday and Easter effects of
#: personal vehicles are mostly fitted noise: without them the 2015-2017 selection
#: origins score 5.2 % instead of 5.5 % MdAPE (docs/validation-forecast.md, ablations);
#: trucks keep them (3.5 % without, 2.8 % with).
NO_CALENDAR_MEASURES = frozenset({"Personal Vehicles"})
#: Count fixed-date holidays that fall on a weekday as a calendar regressor.  Off: tried
#: and rejected (no gain on the selection origins; docs/validation-forecast.md).
HOLIDAYS = False
#: Add a 12-month window average as a third level member.  Off: tried and rejected (it
#: lags a level that is still moving; docs/validation-forecast.md, ablations).
WINDOW_MEMBER = False
#: Months averaged by that window member.
WINDOW_MONTHS = 12
#: Average a steady level (see :func:`_steady_level`) with the ETS pair when the level
#: history is one calm regime (all before 2020-03, or all after 2022-10; at least
#: ``STEADY_MIN_MONTHS`` months).
STEADY_LEVEL = True
#: Monthly decay of the steady level's weights (0.7, i.e. simple exponential smoothing
#: with a fixed alpha of 0.3: half the weight on the last 2 months).  Chosen on the
#: 2015-2017 origins; 0.6 and 0.8 scored within 0.1 point.  An assumption, not a
#: published figure.
STEADY_DECAY = 0.7
#: Weight of the steady level in that average (the ETS pair keeps the rest).
STEADY_WEIGHT = 0.5
#: Use the steady level in calm regimes only (off only in ablations: during the 2022
#: reopening the monthly level steps were real and a smoothed level lags them).
STEADY_CALM_ONLY = True
#: A regime counts as calm only once it holds this many consecutive months (two years:
#: a year-over-year comparison inside it).  At the 2024-02 origin the post-reopening
#: history held 16 months and its level was still rising (border personal vehicles
#: +15 % to +26 % year over year in 2023-10..2024-02); the steady level lagged it (PV
#: MdAPE 6.1 % with it, 5.4 % without, origins 2023-10..2024-01, 1-4 months ahead).
#: Set after the 2015-2017 choice; it changes no origin scored in the report.
STEADY_MIN_MONTHS = 24
#: Also weight months by the inverse variance of their calendar month (storm months
#: count less).  Off: tried and rejected (no gain on the selection origins once personal
#: vehicles have no calendar effects; docs/validation-forecast.md, ablations).
STEADY_MONTH_WEIGHTS = False
#: Months of level history given to the level models (8 years).
LEVEL_WINDOW = 96
#: Post-closure months needed before the level models use only post-closure history.
POST_COVID_MIN = 12
#: Median monthly count (last 24 open months) from which the log-scale model is used.
REGULAR_MIN = 20.0
#: A forecast month never exceeds GUARD x the largest count of the 36 months before the
#: origin (a guard against runaway fits, documented in docs/forecasts.md).
GUARD = 2.0
#: Horizons accepted [months].
MAX_HORIZON = 24


_COVID = (_mi(COVID_FIRST), _mi(COVID_LAST))
_DISTORTED = (_mi(COVID_FIRST), _mi(_PROFILE_DISTORTED_LAST))


@dataclass(frozen=True)
class ForecastPoint:
    """Forecast of one month.

    Attributes
    ----------
    month
        First day of the forecast month.
    value
        Point forecast [count/month] (median on the log scale, so about the median count).
    lo80, hi80, lo95, hi95
        Bounds of the 80 % and 95 % prediction intervals [count/month], clipped at 0.
    """

    month: date
    value: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


@dataclass(frozen=True)
class MonthlyForecast:
    """Forecast of one port and measure from one origin.

    Attributes
    ----------
    port_code, measure
        BTS port code and measure.
    origin
        Last month of history used (the forecast starts the month after).
    model
        What produced it (``"ets+ses"``, ``"ets+ses+steady"``, ``"naive"``,
        ``"seasonal-naive"``, ``"zero"``).
    points
        One :class:`ForecastPoint` per month ahead.
    """

    port_code: str
    measure: str
    origin: date
    model: str
    points: tuple[ForecastPoint, ...]


# --- calendar effects -------------------------------------------------------------------


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian; anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


#: Fixed-date public holidays of the U.S. or Canada (month, day): New Year, Canada Day,
#: Independence Day, Veterans/Remembrance Day, Christmas, Boxing Day.  On a weekday they
#: take a working day out of the month; on a weekend they do not.
_FIXED_HOLIDAYS = ((1, 1), (7, 1), (7, 4), (11, 11), (12, 25), (12, 26))


def _raw_calendar(i: int) -> tuple[float, ...]:
    """Return the raw calendar regressors of month ``i`` (see :func:`calendar_regressors`)."""
    first = _month(i)
    nxt = _month(i + 1)
    days = (nxt - first).days
    wd0 = first.weekday()
    counts = [sum(1 for k in range(days) if (wd0 + k) % 7 == w) for w in range(7)]
    easter = _easter(first.year)
    in_month = float(easter.year == first.year and easter.month == first.month)
    cols = [float(sum(counts[:4])), float(counts[4]), float(counts[5]), float(days), in_month]
    if HOLIDAYS:
        hol = sum(
            1
            for m, d in _FIXED_HOLIDAYS
            if m == first.month and date(first.year, m, d).weekday() < 5
        )
        cols.append(float(hol))
    return tuple(cols)


_CAL_FIRST = _mi(date(1800, 1, 1))
_CAL_LAST = _mi(date(2200, 1, 1))


@functools.cache
def _calendar_table() -> FloatArray:
    """Return the centred calendar regressors of every month 1800-2199 (rows from ``_CAL_FIRST``).

    Centred on the mean of the same calendar month over the 400-year Gregorian cycle.
    """
    raw = np.array([_raw_calendar(i) for i in range(_CAL_FIRST, _CAL_LAST)])
    means = raw.reshape(-1, 12, raw.shape[1]).mean(axis=0)
    out: FloatArray = raw - np.tile(means, (len(raw) // 12, 1))
    return out


def calendar_regressors(idx: npt.NDArray[np.int64]) -> FloatArray:
    """Calendar regressors of months ``idx``, centred on their calendar month's mean.

    Columns: Mondays-Thursdays, Fridays and Saturdays in the month (Sundays follow from
    the days), days in the month (non-zero in February only), whether Easter Sunday
    falls in the month (March/April), and, if ``HOLIDAYS``, fixed-date holidays on a
    weekday.  Trucks cross on working days and families travel on weekends and over
    Easter, so these move a month's count by a few percent from year to year, which the
    seasonal profile alone cannot show.
    """
    k = np.asarray(idx, dtype=np.int64) - _CAL_FIRST
    if len(k) and (k.min() < 0 or k.max() >= _CAL_LAST - _CAL_FIRST):
        raise ValueError("calendar regressors cover 1800-2199 only")
    out: FloatArray = _calendar_table()[k]
    return out


# --- the model --------------------------------------------------------------------------


def _clean_years(idx: npt.NDArray[np.int64], z: FloatArray) -> list[int]:
    """Start indices (into ``idx``) of full calendar years usable for seasonality."""
    out = []
    for k in range(len(idx) - 11):
        if idx[k] % 12 != 0:
            continue
        y0, y1 = int(idx[k]), int(idx[k]) + 11
        if np.isnan(z[k : k + 12]).any() or not (y1 < _DISTORTED[0] or y0 > _DISTORTED[1]):
            continue
        out.append(k)
    return out


def _seasonal_model(
    idx: npt.NDArray[np.int64], z: FloatArray, calendar: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Month-of-year effects and calendar coefficients on the log scale.

    The calendar coefficients (see :func:`calendar_regressors`) are fitted by least
    squares with year and month effects on up to ``CALENDAR_YEARS`` recent clean years;
    the month effects are then the mean, over the ``PROFILE_YEARS`` most recent clean
    years (trimmed, see ``PROFILE_TRIM``), of each month's deviation from its year's
    mean, net of the calendar.  With no clean year both are zero; with fewer than 3, or
    ``calendar`` false, the calendar coefficients are zero.
    """
    starts = _clean_years(idx, z)
    beta = np.zeros(_calendar_table().shape[1])
    if not starts:
        return np.zeros(12), beta
    blocks = [z[k : k + 12] - z[k : k + 12].mean() for k in starts]
    if PROFILE_DETREND:
        blocks = _detrended(idx, z, starts, blocks)
    xs = [calendar_regressors(idx[k : k + 12]) for k in starts]
    if CALENDAR and calendar and len(starts) >= 3:
        use = slice(-CALENDAR_YEARS, None)
        r = np.concatenate(blocks[use])
        x = np.concatenate(xs[use])
        # Year means are already removed; month dummies absorb the profile.
        dummies = np.tile(np.eye(12), (len(r) // 12, 1))
        a = np.column_stack([dummies, x])
        coef, *_ = np.linalg.lstsq(a, r, rcond=None)
        beta = coef[12:]
    years = np.array([b - x @ beta for b, x in list(zip(blocks, xs, strict=True))[-PROFILE_YEARS:]])
    if PROFILE_TRIM and len(years) >= 3:
        # Each month's highest and lowest year are dropped: one glitch (a count of 24 in
        # a month of 2,000) must not bend that month's effect for years.
        years = np.sort(years, axis=0)[1:-1]
    prof = years.mean(axis=0)
    return prof - prof.mean(), beta


def _detrended(
    idx: npt.NDArray[np.int64], z: FloatArray, starts: list[int], blocks: list[FloatArray]
) -> list[FloatArray]:
    """Remove from each year's deviations the trend between adjacent clean year means.

    The level inside a year is taken as piecewise linear through the year means (placed
    mid-year); a side without an adjacent clean year is flat.  Only with
    ``PROFILE_DETREND`` (an ablation: rejected, see its comment).
    """
    means = {int(idx[k]) // 12: float(z[k : k + 12].mean()) for k in starts}
    pos = (np.arange(12) - 5.5) / 12.0
    out = []
    for k, b in zip(starts, blocks, strict=True):
        y = int(idx[k]) // 12
        lo = means[y] - means[y - 1] if y - 1 in means else 0.0
        hi = means[y + 1] - means[y] if y + 1 in means else 0.0
        out.append(b - np.where(pos < 0, pos * lo, pos * hi))
    return out


def _level_history(idx: npt.NDArray[np.int64], d: FloatArray) -> tuple[FloatArray, bool]:
    """Return the deseasonalised log series the level models see, and whether it is calm.

    Drops the COVID closure; once ``POST_COVID_MIN`` months after the end of Canada's
    entry requirements (2022-10) exist, only those are kept, else once as many months
    after the closure exist, only those (the 2019 level says little about the post-2021
    one, and the 2022 reopening steps would read as noise and widen the intervals).
    Gaps (months BTS did not report) are filled by linear interpolation on the log scale.
    *Calm*: at least ``STEADY_MIN_MONTHS`` kept months, consecutive, none in
    2020-03..2022-10 (the closure and the reopening, whose level steps are signal, not
    noise).
    """
    keep = (idx < _COVID[0]) | (idx > _COVID[1])
    for after in (_DISTORTED[1], _COVID[1]):
        post = idx > after
        if post.sum() >= POST_COVID_MIN:
            keep &= post
            break
    x = d[keep][-LEVEL_WINDOW:]
    months = idx[keep][-LEVEL_WINDOW:]
    ok = ~np.isnan(x)
    if not ok.any():
        return x[:0], False
    first = int(np.argmax(ok))
    x, months, ok = x[first:], months[first:], ok[first:]
    if not ok.all():
        pos = np.arange(len(x))
        x = np.interp(pos, pos[ok], x[ok])
    calm = bool(
        len(months) >= STEADY_MIN_MONTHS
        and (np.diff(months) == 1).all()
        and not ((months >= _DISTORTED[0]) & (months <= _DISTORTED[1])).any()
    )
    return x, calm


def _steady_level(x: FloatArray, last: int) -> float:
    """Exponentially weighted mean of the last 24 months of a calm history [log count].

    Month ``t`` gets weight ``STEADY_DECAY ** age`` (``x[-1]``, month index ``last``, has
    age 0): simple exponential smoothing with a fixed smoothing constant.  The ETS pair
    fits its own, often larger, constant and a damped trend, so after two or three
    unusual months (a storm, a holiday shifted) it moves further than the level does;
    averaged with this steady level it moves about half as far.  With
    ``STEADY_MONTH_WEIGHTS`` the weights are also divided by the relative variance of
    each calendar month's deviations from a centred 13-month mean of ``x``.
    """
    n = min(len(x), 24)
    months = np.arange(last - len(x) + 1, last + 1)
    v = np.ones(12)
    if STEADY_MONTH_WEIGHTS and len(x) >= 36:
        r = x[6:-6] - np.convolve(x, np.ones(13) / 13.0, mode="valid")
        moy = months[6:-6] % 12
        var = np.array([np.mean(r[moy == k] ** 2) for k in range(12)])
        if (var > 0).all():
            v = var / var.mean()
    age = np.arange(n)[::-1].astype(np.float64)
    w = STEADY_DECAY**age / v[months[-n:] % 12]
    return float(np.sum(w * x[-n:]) / np.sum(w))


def _level_forecast(
    x: FloatArray, h: int, levels: Sequence[int], steady_last: int | None = None
) -> tuple[dict[str, FloatArray], str]:
    """Forecast the deseasonalised log level ``h`` months ahead with intervals.

    With ``steady_last`` (the month index of ``x[-1]``; given for calm histories only),
    the point forecast is the average of the ETS pair (weight ``1 - STEADY_WEIGHT``) and
    the flat :func:`_steady_level` (``STEADY_WEIGHT``); the interval bounds move with
    it, so their widths stay the pair's.
    """
    from statsforecast.models import AutoETS, Naive, WindowAverage

    lv = sorted(set(int(v) for v in levels))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser chatter on short or flat series
        if len(x) >= 8 and np.ptp(x) > 0:
            outs = []
            names = []
            # A damped-trend-or-level ETS and a level-only ETS, averaged: the level
            # follows the recent months but a recovery is not extrapolated as a trend.
            cands = [
                ("ets", AutoETS(season_length=1, model="AZN", damped=True)),
                ("ses", AutoETS(season_length=1, model="ANN")),
            ]
            for name, model in cands:
                try:
                    f = model.forecast(y=x.astype(np.float64), h=h, level=lv)
                except Exception:  # a model that cannot fit this series is skipped
                    continue
                if all(np.isfinite(np.asarray(f[k])).all() for k in f):
                    outs.append({k: np.asarray(v, dtype=np.float64) for k, v in f.items()})
                    names.append(name)
            if outs:
                res = {k: np.mean([o[k] for o in outs], axis=0) for k in outs[0]}
                if STEADY_LEVEL and steady_last is not None:
                    shift = STEADY_WEIGHT * (_steady_level(x, steady_last) - res["mean"])
                    res = {k: v + shift for k, v in res.items()}
                    names.append("steady")
                if WINDOW_MEMBER:  # moves point and intervals alike on the log scale
                    wa = WindowAverage(window_size=min(WINDOW_MONTHS, len(x))).forecast(y=x, h=h)[
                        "mean"
                    ]
                    shift = (np.asarray(wa, dtype=np.float64) - res["mean"]) / (len(outs) + 1)
                    res = {k: v + shift for k, v in res.items()}
                    names.append(f"wa{WINDOW_MONTHS}")
                return res, "+".join(names)
        f = Naive().forecast(y=x.astype(np.float64), h=h, level=lv)
        out = {k: np.asarray(v, dtype=np.float64) for k, v in f.items()}
        for k in out:  # a flat or tiny history has no error estimate: give none
            out[k] = np.where(np.isfinite(out[k]), out[k], out["mean"])
        return out, "naive"


def _points(
    fidx: npt.NDArray[np.int64],
    mean: FloatArray,
    lo80: FloatArray,
    hi80: FloatArray,
    lo95: FloatArray,
    hi95: FloatArray,
) -> tuple[ForecastPoint, ...]:
    """Assemble points, forcing 0 <= lo95 <= lo80 <= value <= hi80 <= hi95."""
    return tuple(
        ForecastPoint(
            _month(int(i)),
            float(mean[k]),
            float(min(lo80[k], mean[k])),
            float(max(hi80[k], mean[k])),
            float(min(lo95[k], lo80[k], mean[k])),
            float(max(hi95[k], hi80[k], mean[k])),
        )
        for k, i in enumerate(fidx)
    )


def _recent_open(idx: npt.NDArray[np.int64], vals: FloatArray, n: int) -> FloatArray:
    """Return the last ``n`` months outside the closure (``nan`` where not reported)."""
    open_ = (idx < _COVID[0]) | (idx > _COVID[1])
    return vals[open_][-n:]


def _is_regular(idx: npt.NDArray[np.int64], vals: FloatArray) -> bool:
    """Whether a series suits the log-scale model.

    Regular: at least 24 open months up to the origin, at most 2 of the last 24 without
    a positive count, and a median of at least ``REGULAR_MIN`` per month.  Others (a
    summer-only train, a port with a handful of pedestrians, a new series) take the
    seasonal-naive path.
    """
    last = _recent_open(idx, vals, 24)
    if len(last) < 24:
        return False
    # Up to 2 zero or unreported months are missing reports at a busy port (dropped).
    if int((np.nan_to_num(last) <= 0).sum()) > 2:
        return False
    return bool(np.nanmedian(last) >= REGULAR_MIN)


def _small_series_forecast(
    series: MonthlySeries,
    org: date,
    idx: npt.NDArray[np.int64],
    vals: FloatArray,
    fidx: npt.NDArray[np.int64],
) -> MonthlyForecast:
    """Seasonal naive on counts for sparse, small or short series, with empirical intervals.

    The forecast of a month is the count of the same calendar month in the most recent
    open year (closure months skipped; a month not reported counts as 0).  The 80 % and
    95 % intervals are that count plus the 10/90 and 2.5/97.5 % quantiles of the
    year-on-year changes over the last 36 open months (at least +-50 % of the count
    when fewer than 12 changes exist), clipped at 0.
    """
    filled = np.nan_to_num(vals, nan=0.0)
    by_month = {int(i): float(v) for i, v in zip(idx, filled, strict=True)}
    open_ = (idx < _COVID[0]) | (idx > _COVID[1])
    o = int(idx[-1])

    def last_year(t: int) -> float:
        lag = t - 12
        while lag > o:
            lag -= 12
        while lag >= idx[0]:
            if not _COVID[0] <= lag <= _COVID[1]:
                return by_month.get(lag, 0.0)
            lag -= 12
        return float(np.mean(filled[open_][-12:])) if open_.any() else 0.0

    mean = np.array([last_year(int(t)) for t in fidx])
    pairs = [
        by_month[int(t)] - by_month[int(t) - 12]
        for t in idx[open_][-36:]
        if int(t) - 12 in by_month and not _COVID[0] <= int(t) - 12 <= _COVID[1]
    ]
    if len(pairs) >= 12:
        q = np.quantile(pairs, [0.025, 0.10, 0.90, 0.975])
        lo95, lo80, hi80, hi95 = (np.maximum(mean + qk, 0.0) for qk in q)
    else:
        lo80, hi80 = mean * 0.5, mean * 1.5
        lo95, hi95 = mean * 0.25, mean * 2.0
    pts = _points(fidx, mean, lo80, hi80, lo95, hi95)
    return MonthlyForecast(series.port_code, series.measure, org, "seasonal-naive", pts)


def forecast_series(
    series: MonthlySeries,
    horizon: int,
    *,
    levels: Sequence[int] = (80, 95),
    origin: date | None = None,
) -> MonthlyForecast:
    """Forecast one series ``horizon`` months past its last month (or ``origin``).

    Parameters
    ----------
    series
        History; months after ``origin`` are ignored.
    horizon
        Months ahead, 1 to 24.
    levels
        Prediction-interval levels in percent; 80 and 95 are always computed.
    origin
        Last month of history (default: ``series.end``).

    Returns
    -------
    MonthlyForecast
        Point forecasts and intervals [count/month], all >= 0, ``lo <= value <= hi``.

    Notes
    -----
    A series with no positive count in the 12 months up to the origin (a port that
    stopped reporting, a measure that is all zero) is forecast as 0 with zero-width
    intervals, model ``"zero"``.
    """
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be 1 to {MAX_HORIZON} months, got {horizon}")
    org = series.end if origin is None else origin
    s0, o = _mi(series.start), _mi(org)
    vals = series.values[: max(0, o - s0 + 1)]
    if len(vals) < o - s0 + 1:  # history ends before the origin: missing months
        vals = np.concatenate([vals, np.full(o - s0 + 1 - len(vals), np.nan)])
    months = [_month(o + k) for k in range(1, horizon + 1)]
    lv = sorted(set(int(v) for v in levels) | {80, 95})
    recent = vals[-12:]
    if len(vals) == 0 or not (np.nan_to_num(recent) > 0).any():
        pts = tuple(ForecastPoint(m, 0.0, 0.0, 0.0, 0.0, 0.0) for m in months)
        return MonthlyForecast(series.port_code, series.measure, org, "zero", pts)
    idx = np.arange(s0, s0 + len(vals), dtype=np.int64)
    fidx = np.arange(o + 1, o + 1 + horizon, dtype=np.int64)
    if not _is_regular(idx, vals):
        return _small_series_forecast(series, org, idx, vals, fidx)
    # A zero month at a port this busy is a missing report, not traffic: drop it.
    z = np.log1p(np.where(vals > 0, vals, np.nan))
    prof, beta = _seasonal_model(idx, z, calendar=series.measure not in NO_CALENDAR_MEASURES)
    d = z - prof[idx % 12] - calendar_regressors(idx) @ beta
    x, calm = _level_history(idx, d)
    f, name = _level_forecast(x, horizon, lv, o if calm or not STEADY_CALM_ONLY else None)
    fut = prof[fidx % 12] + calendar_regressors(fidx) @ beta
    # Guard against a runaway fit (a level jump read as a trend): no month above
    # GUARD x the largest count of the last 36 months.
    cap = GUARD * float(np.nanmax(vals[-36:]))

    def back(a: FloatArray) -> FloatArray:
        return np.clip(np.expm1(a + fut), 0.0, cap)

    mean = back(f["mean"])
    lo80, hi80 = back(f["lo-80"]), back(f["hi-80"])
    lo95, hi95 = back(f["lo-95"]), back(f["hi-95"])
    pts = _points(fidx, mean, lo80, hi80, lo95, hi95)
    return MonthlyForecast(series.port_code, series.measure, org, name, pts)


def forecast_monthly(
    con: Any,
    port_code: str,
    measure: str,
    horizon: int,
    *,
    as_of: date | None = None,
    levels: Sequence[int] = (80, 95),
) -> tuple[MonthlySeries, MonthlyForecast]:
    """Forecast one port and measure from the warehouse.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    port_code
        BTS port code (resolve names with :func:`borderflow.data.resolve_port`).
    measure
        BTS measure name (exact, e.g. ``"Personal Vehicles"``).
    horizon
        Months ahead, 1 to 24.
    as_of
        Origin: last month of history used (default: the last month in the warehouse
        for the port's border).  Later data is never read.
    levels
        Prediction-interval levels in percent (80 and 95 always).

    Returns
    -------
    tuple
        The history used and the forecast.

    Raises
    ------
    LookupError
        If the port has no row of that measure up to ``as_of``.
    """
    row = con.execute(
        "SELECT any_value(border) FROM bts_crossings WHERE port_code = $1", [port_code]
    ).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"no BTS data for port {port_code!r}")
    origin, series = load_series(
        con, as_of=as_of, port_code=port_code, measures=[measure], border=row[0]
    )
    if not series:
        raise LookupError(f"port {port_code} has no {measure!r} count up to {origin:%Y-%m}")
    return series[0], forecast_series(series[0], horizon, levels=levels, origin=origin)


def forecast_all(
    con: Any,
    horizon: int,
    *,
    as_of: date | None = None,
    border: str = "US-Canada",
    measures: Sequence[str] | None = None,
    progress: Any = None,
) -> tuple[date, list[MonthlyForecast]]:
    """Forecast every (port, measure) of ``border`` that has data up to the origin.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    horizon
        Months ahead, 1 to 24.
    as_of
        Origin (default: the last month in the warehouse for ``border``).
    border
        ``"US-Canada"`` (default) or ``"US-Mexico"``.
    measures
        Restrict to these BTS measures (exact names); ``None`` for all.
    progress
        Optional callable ``progress(done, total)`` called after each series.

    Returns
    -------
    tuple
        The origin and one :class:`MonthlyForecast` per series, ordered by port, measure.
    """
    origin, series = load_series(con, as_of=as_of, border=border, measures=measures)
    out: list[MonthlyForecast] = []
    for k, s in enumerate(series):
        out.append(forecast_series(s, horizon, origin=origin))
        if progress is not None:
            progress(k + 1, len(series))
    return origin, out


def forecast_rows(
    forecasts: Iterable[MonthlyForecast],
) -> Iterator[tuple[str, str, str, float, float, float]]:
    """Yield ``(port_code, measure, YYYY-MM, value, lo80, hi80)`` rows for the batch CSV."""
    for f in forecasts:
        for p in f.points:
            yield (f.port_code, f.measure, f"{p.month:%Y-%m}", p.value, p.lo80, p.hi80)
