"""Monthly series for the forecasts, read from the warehouse (``bts_crossings``).

Months are indexed as months since year 0 (:func:`_mi`), so a series is a start month
and a dense array of counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _mi(d: date) -> int:
    """Month index: months since year 0."""
    return d.year * 12 + d.month - 1


def _month(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


@dataclass(frozen=True)
class MonthlySeries:
    """One port's monthly counts of one measure, as read from the warehouse.

    Attributes
    ----------
    port_code, measure
        BTS port code and measure.
    start
        First month (first day) of ``values``.
    values
        Count per month [count/month] from ``start`` on, one entry per calendar month;
        0 where the port reported other measures but not this one, ``nan`` where the
        port reported nothing that month.
    """

    port_code: str
    measure: str
    start: date
    values: FloatArray = field(repr=False)

    @property
    def end(self) -> date:
        """Last month of ``values``."""
        return _month(_mi(self.start) + len(self.values) - 1)

    def months(self) -> list[date]:
        """Return the calendar months of ``values``."""
        s = _mi(self.start)
        return [_month(s + k) for k in range(len(self.values))]


def latest_month(con: Any, border: str = "US-Canada") -> date:
    """Return the last month in ``bts_crossings`` for ``border`` (the default origin).

    Raises
    ------
    LookupError
        If the warehouse holds no row for ``border``.
    """
    row = con.execute("SELECT max(month) FROM bts_crossings WHERE border = $1", [border]).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"no BTS data for border {border!r} in the warehouse")
    return _as_date(row[0])


def _as_date(x: Any) -> date:
    return date(x.year, x.month, 1)


def load_series(
    con: Any,
    *,
    as_of: date | None = None,
    port_code: str | None = None,
    measures: Sequence[str] | None = None,
    border: str = "US-Canada",
    fill_zeros: bool = True,
) -> tuple[date, list[MonthlySeries]]:
    """Read monthly series from the warehouse, truncated at ``as_of``.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse (read-only is enough).
    as_of
        Last month of history (first day of month); later months are never read, so a
        forecast made "as of" a month cannot peek.  Default: the last month for
        ``border``.
    port_code
        One port only; ``None`` for every port of ``border``.
    measures
        BTS measure names (exact); ``None`` for all.
    border
        ``"US-Canada"`` or ``"US-Mexico"``.
    fill_zeros
        Count a month the port reported without this measure as 0 (BTS leaves zero
        rows out); ``False`` keeps every month without a row ``nan`` (for scoring).

    Returns
    -------
    tuple
        The origin month and one :class:`MonthlySeries` per (port, measure) that has at
        least one row up to the origin, each running to the origin.
    """
    origin = latest_month(con, border) if as_of is None else date(as_of.year, as_of.month, 1)
    rows = con.execute(
        """
        SELECT port_code, measure, month, value FROM bts_crossings
        WHERE border = $1 AND month <= $2 AND ($3 IS NULL OR port_code = $3)
          AND ($4 IS NULL OR list_contains($4, measure))
        ORDER BY port_code, measure, month
        """,
        [border, origin, port_code, list(measures) if measures is not None else None],
    ).fetchall()
    end = _mi(origin)
    # A month the port reported but not this measure is a zero BTS left out; a month the
    # port reported nothing stays unknown (nan).
    reported: dict[str, set[int]] = {}
    for pc, month in con.execute(
        """
        SELECT DISTINCT port_code, month FROM bts_crossings
        WHERE border = $1 AND month <= $2 AND ($3 IS NULL OR port_code = $3)
        """,
        [border, origin, port_code],
    ).fetchall():
        reported.setdefault(pc, set()).add(_mi(_as_date(month)))
    out: list[MonthlySeries] = []
    key: tuple[str, str] | None = None
    buf: list[tuple[int, float]] = []

    def flush() -> None:
        if key is None or not buf:
            return
        s = buf[0][0]
        vals = np.full(end - s + 1, np.nan)
        for i in reported.get(key[0], ()) if fill_zeros else ():
            if i >= s:
                vals[i - s] = 0.0
        for i, v in buf:
            vals[i - s] = v
        out.append(MonthlySeries(key[0], key[1], _month(s), vals))

    for pc, m, month, value in rows:
        if (pc, m) != key:
            flush()
            key, buf = (pc, m), []
        buf.append((_mi(_as_date(month)), float(value)))
    flush()
    return origin, out


__all__ = ["MonthlySeries", "latest_month", "load_series"]
