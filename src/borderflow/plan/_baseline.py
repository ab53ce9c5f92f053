"""Baseline monthly demand "known at" a month: no peeking at the month itself.

Method ``same-month-last-year x recent-trend v1`` (:data:`BASELINE_METHOD`):

    baseline(m) = value(m - 12) x sum(value(a-2 .. a)) / sum(value(a-14 .. a-12))

where ``a`` is the ``as_of`` month (the last month whose count is known). It keeps the
seasonality of the month a year before and scales it by how the last three known months
compare with the same three months a year earlier. Only months <= ``as_of`` are read (a
test checks it), so a forecast made at ``as_of`` cannot see the month it forecasts. The
lead may swap in ``borderflow.demand.forecast_monthly`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: Name and version of the baseline method.
BASELINE_METHOD = "same-month-last-year x recent-trend v1"
#: Months in the trend window.
_TREND_MONTHS = 3


def _shift(month: date, months: int) -> date:
    """Return the first day of the month ``months`` after ``month`` (negative = before)."""
    k = month.year * 12 + (month.month - 1) + months
    return date(k // 12, k % 12 + 1, 1)


@dataclass(frozen=True)
class Baseline:
    """A baseline monthly count and how it was made.

    Attributes
    ----------
    port_code, measure
        BTS port code and measure.
    month
        First day of the month forecast.
    as_of
        Last month read (first day).
    value
        Baseline count [vehicles/month].
    method
        :data:`BASELINE_METHOD`.
    basis
        The months and values used, in words.
    """

    port_code: str
    measure: str
    month: date
    as_of: date
    value: float
    method: str
    basis: str


def baseline_month(con: Any, port_code: str, measure: str, month: date, as_of: date) -> Baseline:
    """Baseline count of ``measure`` at ``port_code`` in ``month`` from data known at ``as_of``.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse (table ``bts_crossings``).
    port_code
        4-character BTS port code.
    measure
        BTS measure name (exact, e.g. ``"Trucks"``).
    month
        Month to forecast (any day of it).
    as_of
        Last month whose count may be read (any day of it); must be before ``month``.

    Returns
    -------
    Baseline
        The count [vehicles/month] and its basis.

    Raises
    ------
    ValueError
        If ``as_of`` is not before ``month``, or the port reports nothing in a month the
        method needs. A month in which the port reports other measures but not this one
        is read as 0 (BTS leaves such measures out) and the basis says so.
    """
    m = date(month.year, month.month, 1)
    a = date(as_of.year, as_of.month, 1)
    if a >= m:
        raise ValueError(
            f"demand as of {a:%Y-%m} is not before {m:%Y-%m}: the baseline must not read "
            "the month it forecasts"
        )
    lag = _shift(m, -12)
    # The month a year before may itself be after as_of (forecast > 12 months ahead):
    # then use the latest same calendar month that is known.
    while lag > a:
        lag = _shift(lag, -12)
    recent = [_shift(a, -k) for k in range(_TREND_MONTHS)]
    prior = [_shift(r, -12) for r in recent]
    wanted = sorted({lag, *recent, *prior})
    assert max(wanted) <= a  # never read after as_of
    rows = con.execute(
        "SELECT month, value FROM bts_crossings "
        "WHERE port_code = $1 AND measure = $2 AND list_contains($3, month) AND month <= $4",
        [port_code, measure, wanted, a],
    ).fetchall()
    values = {r[0]: float(r[1]) for r in rows}
    missing = [w for w in wanted if w not in values]
    # BTS leaves a measure out of a month the port otherwise reports (Detroit's buses in
    # the 2020-21 border restrictions): read that as 0. A month the port does not report
    # at all stays missing.
    reported = (
        {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT month FROM bts_crossings "
                "WHERE port_code = $1 AND list_contains($2, month) AND month <= $3",
                [port_code, missing, a],
            ).fetchall()
        }
        if missing
        else set()
    )
    zeroed = sorted(w for w in missing if w in reported)
    for w in zeroed:
        values[w] = 0.0
    missing = [w for w in missing if w not in reported]
    if missing:
        gaps = ", ".join(f"{w:%Y-%m}" for w in missing)
        raise ValueError(
            f"no BTS {measure} count at port {port_code} for {gaps}: the baseline "
            f"({BASELINE_METHOD}) needs them"
        )
    num = sum(values[r] for r in recent)
    den = sum(values[p] for p in prior)
    # A port with no traffic a year ago has no trend to apply: keep last year's month.
    trend = num / den if den > 0 else 1.0
    value = values[lag] * trend
    basis = (
        f"{lag:%Y-%m} count {values[lag]:,.0f} x trend {trend:.4f} "
        f"({recent[-1]:%Y-%m}..{a:%Y-%m} = {num:,.0f} vs "
        f"{prior[-1]:%Y-%m}..{prior[0]:%Y-%m} = {den:,.0f}); months read <= {a:%Y-%m}"
    )
    if zeroed:
        basis += "; read as 0 (port reported other measures): " + ", ".join(
            f"{w:%Y-%m}" for w in zeroed
        )
    return Baseline(port_code, measure, m, a, value, BASELINE_METHOD, basis)


__all__ = ["BASELINE_METHOD", "Baseline", "baseline_month"]
