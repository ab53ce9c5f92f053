"""Backtests of the monthly forecasts against two baselines, from fixed or rolling origins.

Scores (see ``docs/validation-forecast.md``): median absolute percentage error (MdAPE)
over every (port, origin, month ahead) of a measure, MASE per port (mean absolute error
over the mean absolute error of the seasonal naive forecast in the history before the
origin, closure months excluded), and the share of actual counts inside the 80 % and 95 %
prediction intervals.

Baselines:

* **seasonal naive**: the count of the same month a year earlier (the most recent one
  at or before the origin that BTS reported);
* **profile x level**: the mean of the last 3 months times the seasonal profile of the
  most recent clean calendar year (same exclusion rule as the model), i.e. the share of
  each month in that year, relative to the share of the last 3 months.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from borderflow.demand._forecast import _COVID, _DISTORTED, forecast_series
from borderflow.demand._forecast_data import MonthlySeries, _mi, _month, load_series

__all__ = [
    "BacktestResult",
    "BacktestRow",
    "backtest",
    "busiest_ports",
    "monthly_origins",
]

#: Methods scored, in report order.
METHODS = ("model", "seasonal_naive", "profile_level")


@dataclass(frozen=True)
class BacktestRow:
    """One forecast month of one port and measure from one origin, by every method.

    Attributes
    ----------
    port_code, measure
        BTS port code and measure.
    origin
        Last month of history.
    month
        Forecast month; ``month - origin`` is the horizon.
    actual
        Count reported for ``month`` [count/month].
    model, seasonal_naive, profile_level
        The three forecasts [count/month].
    lo80, hi80, lo95, hi95
        The model's prediction intervals [count/month].
    scale
        In-sample mean absolute seasonal-naive error before the origin (MASE scale)
        [count/month].
    """

    port_code: str
    measure: str
    origin: date
    month: date
    actual: float
    model: float
    seasonal_naive: float
    profile_level: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    scale: float

    @property
    def horizon(self) -> int:
        """Months ahead."""
        return _mi(self.month) - _mi(self.origin)


@dataclass(frozen=True)
class BacktestResult:
    """Scores of one backtest per measure.

    Attributes
    ----------
    rows
        Every scored forecast month.
    """

    rows: tuple[BacktestRow, ...]

    def select(
        self, measure: str | None = None, origins: tuple[date, date] | None = None
    ) -> list[BacktestRow]:
        """Rows of one measure (or all) whose origin lies in ``origins`` (inclusive)."""
        return [
            r
            for r in self.rows
            if (measure is None or r.measure == measure)
            and (origins is None or origins[0] <= r.origin <= origins[1])
        ]

    def mdape(self, method: str, measure: str | None = None, **kw: Any) -> float:
        """Median absolute percentage error of ``method`` [%] (actual counts > 0 only)."""
        rows = [r for r in self.select(measure, **kw) if r.actual > 0]
        if not rows:
            return float("nan")
        e = [abs(getattr(r, method) - r.actual) / r.actual for r in rows]
        return float(np.median(e) * 100.0)

    def coverage(self, level: int, measure: str | None = None, **kw: Any) -> float:
        """Share of actual counts inside the model's ``level`` % interval [%]."""
        rows = self.select(measure, **kw)
        if not rows:
            return float("nan")
        lo, hi = f"lo{level}", f"hi{level}"
        inside = [getattr(r, lo) <= r.actual <= getattr(r, hi) for r in rows]
        return float(np.mean(inside) * 100.0)

    def mase(self, method: str, measure: str, **kw: Any) -> dict[str, float]:
        """MASE of ``method`` per port (mean |error| / in-sample seasonal-naive MAE)."""
        by: dict[str, list[float]] = {}
        for r in self.select(measure, **kw):
            if r.scale > 0:
                by.setdefault(r.port_code, []).append(abs(getattr(r, method) - r.actual) / r.scale)
        return {p: float(np.mean(v)) for p, v in sorted(by.items())}


def busiest_ports(con: Any, measure: str, year: int = 2023, n: int = 15) -> tuple[str, ...]:
    """Return the ``n`` U.S.-Canada port codes with the most ``measure`` in ``year``."""
    rows = con.execute(
        """
        SELECT port_code FROM bts_crossings
        WHERE border = 'US-Canada' AND measure = $1 AND year(month) = $2
        GROUP BY port_code ORDER BY sum(value) DESC, port_code LIMIT $3
        """,
        [measure, year, n],
    ).fetchall()
    return tuple(r[0] for r in rows)


def monthly_origins(first: date, last: date) -> tuple[date, ...]:
    """Every month from ``first`` to ``last`` inclusive (first days)."""
    return tuple(_month(i) for i in range(_mi(first), _mi(last) + 1))


def _value(s: MonthlySeries, i: int) -> float:
    k = i - _mi(s.start)
    if 0 <= k < len(s.values):
        return float(s.values[k])
    return float("nan")


def _seasonal_naive(s: MonthlySeries, o: int, target: int) -> float:
    lag = target - 12
    while lag > o:
        lag -= 12
    while lag >= _mi(s.start):  # a month BTS did not report: the year before it
        v = _value(s, lag)
        if not np.isnan(v):
            return v
        lag -= 12
    return 0.0


def _profile_level(s: MonthlySeries, o: int, targets: Sequence[int]) -> list[float]:
    recent = [_value(s, o - k) for k in range(3)]
    level = float(np.nanmean(recent)) if not all(np.isnan(recent)) else 0.0
    # Most recent clean full calendar year at or before the origin.
    y = (o + 1) // 12 - 1
    while y * 12 >= _mi(s.start):
        y0, y1 = y * 12, y * 12 + 11
        block = np.array([_value(s, i) for i in range(y0, y1 + 1)])
        clean = y1 < _DISTORTED[0] or y0 > _DISTORTED[1]
        if clean and not np.isnan(block).any() and block.sum() > 0:
            share = block / block.mean()
            base = np.mean([share[(o - k) % 12] for k in range(3)])
            if base > 0:
                return [level * share[t % 12] / base for t in targets]
            break
        y -= 1
    return [level for _ in targets]


def _mase_scale(s: MonthlySeries, o: int) -> float:
    v = s.values[: o - _mi(s.start) + 1]
    idx = np.arange(_mi(s.start), _mi(s.start) + len(v))
    if len(v) <= 12:
        return float("nan")
    diff = np.abs(v[12:] - v[:-12])
    closed = (idx >= _COVID[0]) & (idx <= _COVID[1])
    ok = ~np.isnan(diff) & ~closed[12:] & ~closed[:-12]
    return float(diff[ok].mean()) if ok.any() else float("nan")


def backtest(
    con: Any,
    measures: Sequence[str],
    origins: Sequence[date],
    *,
    ports: dict[str, tuple[str, ...]] | None = None,
    horizon: int = 12,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Forecast from each origin with the data up to it, and score against what came.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    measures
        BTS measures to score.
    origins
        Last months of history (first days).  Months past the warehouse are not scored.
    ports
        Ports per measure (default: the 15 busiest by 2023 volume, :func:`busiest_ports`).
    horizon
        Months ahead scored from each origin.
    progress
        Optional ``progress(done, total)`` callback.

    Returns
    -------
    BacktestResult
        One row per scored (port, measure, origin, month).
    """
    if ports is None:
        ports = {m: busiest_ports(con, m) for m in measures}
    # The model sees what production sees (unreported months filled as BTS zeros);
    # scores and baselines use only months BTS reported.
    _, filled = load_series(con, measures=list(measures))
    _, raw = load_series(con, measures=list(measures), fill_zeros=False)
    by_key = {(s.port_code, s.measure): s for s in raw}
    model_in = {(s.port_code, s.measure): s for s in filled}
    rows: list[BacktestRow] = []
    jobs = [(m, p, o) for m in measures for p in ports[m] for o in origins]
    for n, (m, p, origin) in enumerate(jobs):
        s = by_key.get((p, m))
        if progress is not None:
            progress(n + 1, len(jobs))
        o = _mi(origin)
        if s is None or o < _mi(s.start) + 24:
            continue
        targets = [t for t in range(o + 1, o + horizon + 1) if not np.isnan(_value(s, t))]
        if not targets:
            continue
        sf = model_in[(p, m)]
        hist = MonthlySeries(sf.port_code, sf.measure, sf.start, sf.values[: o - _mi(sf.start) + 1])
        f = forecast_series(hist, horizon, origin=origin)
        pl = _profile_level(s, o, targets)
        scale = _mase_scale(s, o)
        for t, base in zip(targets, pl, strict=True):
            pt = f.points[t - o - 1]
            rows.append(
                BacktestRow(
                    p,
                    m,
                    origin,
                    _month(t),
                    _value(s, t),
                    pt.value,
                    _seasonal_naive(s, o, t),
                    base,
                    pt.lo80,
                    pt.hi80,
                    pt.lo95,
                    pt.hi95,
                    scale,
                )
            )
    return BacktestResult(tuple(rows))
