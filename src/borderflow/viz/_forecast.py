"""Forecast charts: history, point forecast and 80 %/95 % prediction intervals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from borderflow.demand import COVID_FIRST, COVID_LAST, MonthlyForecast, MonthlySeries

__all__ = ["forecast_chart", "forecast_sparkline"]

_BLOCKS = "▁▂▃▄▅▆▇█"


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def forecast_sparkline(
    history: Sequence[float], forecast: Sequence[float], width: int = 48
) -> tuple[str, str]:
    """Render the last months of history and the forecast on one shared scale.

    Parameters
    ----------
    history, forecast
        Counts per month [count/month]; ``nan`` months of history are drawn as spaces.
    width
        Characters at most for history + forecast (history is cut from the left).

    Returns
    -------
    tuple
        The history part and the forecast part (print them side by side, styled apart).
    """
    keep = max(0, width - len(forecast))
    hist = list(history)[-keep:] if keep else []
    vals = [v for v in [*hist, *forecast] if np.isfinite(v)]
    if not vals:
        return " " * len(hist), " " * len(forecast)
    lo, hi = min(vals), max(vals)
    span = len(_BLOCKS) - 1

    def one(v: float) -> str:
        if not np.isfinite(v):
            return " "
        return _BLOCKS[0] if hi == lo else _BLOCKS[round((v - lo) / (hi - lo) * span)]

    return "".join(one(v) for v in hist), "".join(one(v) for v in forecast)


def forecast_chart(
    path: Path,
    history: MonthlySeries,
    forecast: MonthlyForecast,
    *,
    title: str,
    since: date | None = None,
    actual: MonthlySeries | None = None,
) -> None:
    """Write a PNG chart of history, forecast and its 80 % and 95 % intervals.

    Parameters
    ----------
    path
        PNG file to write.
    history
        Monthly counts up to the origin [count/month].
    forecast
        The forecast from that history.
    title
        Chart title.
    since
        First month of history drawn (default: 6 years before the origin).
    actual
        Optional counts that came after the origin (drawn as dots, for backtests).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.ticker import StrMethodFormatter

    first = since or date(forecast.origin.year - 6, forecast.origin.month, 1)
    months = np.array(history.months(), dtype="datetime64[D]")
    keep = months >= np.datetime64(first)
    fm = np.array([p.month for p in forecast.points], dtype="datetime64[D]")
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.plot(months[keep], history.values[keep], color="#1f77b4", label="history (BTS)")
    ax.axvspan(
        float(date2num(COVID_FIRST)),  # type: ignore[no-untyped-call]
        float(date2num(_next_month(COVID_LAST))),  # type: ignore[no-untyped-call]
        color="0.85",
        alpha=0.5,
        label="COVID closure (excluded)",
    )
    lo95 = [p.lo95 for p in forecast.points]
    hi95 = [p.hi95 for p in forecast.points]
    lo80 = [p.lo80 for p in forecast.points]
    hi80 = [p.hi80 for p in forecast.points]
    ax.fill_between(fm, lo95, hi95, color="#ff7f0e", alpha=0.18, label="95% interval")
    ax.fill_between(fm, lo80, hi80, color="#ff7f0e", alpha=0.35, label="80% interval")
    ax.plot(fm, [p.value for p in forecast.points], color="#d62728", label="forecast")
    if actual is not None:
        am = np.array(actual.months(), dtype="datetime64[D]")
        sel = (am > np.datetime64(forecast.origin)) & (am <= fm[-1])
        ax.plot(am[sel], actual.values[sel], "k.", label="actual")
    ax.set_xlim(left=float(date2num(first)))  # type: ignore[no-untyped-call]
    ax.set_title(title)
    ax.set_ylabel("count per month")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.text(
        0.01,
        0.01,
        f"Source: BTS Border Crossing Entry Data, U.S.-bound. Origin {forecast.origin:%Y-%m}; "
        f"model {forecast.model}.",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
