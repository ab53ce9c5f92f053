"""Read-only queries on the warehouse: find a port, its monthly traffic, yearly totals.

Every function takes an open DuckDB connection (read-only is enough) and returns frozen
records. BTS counts are **U.S.-bound only**.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from borderflow.data._registry import Registry
from borderflow.data._registry_build import load_registry

__all__ = [
    "DEFAULT_MEASURE",
    "TRAFFIC_SOURCE",
    "AmbiguousPortError",
    "PortMatch",
    "PortNotFoundError",
    "TrafficRow",
    "UnknownMeasureError",
    "known_measures",
    "latest_full_year",
    "list_ports",
    "parse_month",
    "resolve_port",
    "traffic_series",
    "yearly_totals",
]

#: Measure shown when none is asked for.
DEFAULT_MEASURE = "Personal Vehicles"
#: Where :func:`traffic_series` values come from, for every output that shows them.
TRAFFIC_SOURCE = "BTS Border Crossing Entry Data (warehouse table bts_crossings), U.S.-bound only"


@dataclass(frozen=True)
class PortMatch:
    """A BTS port as found by :func:`resolve_port`.

    Attributes
    ----------
    port_code
        4-character BTS port code.
    port_name
        Port name in the most recent month BTS reports it.
    state
        U.S. state as in BTS.
    border
        ``"US-Canada"`` or ``"US-Mexico"``.
    matched_by
        How the query matched (code, port name, or a registry crossing's name).
    """

    port_code: str
    port_name: str
    state: str
    border: str
    matched_by: str


class PortNotFoundError(LookupError):
    """No BTS port matches the query."""

    def __init__(self, query: str) -> None:
        self.query = query
        super().__init__(
            f"no BTS port matches {query!r}: give a 4-digit port code (e.g. 3004) or part of "
            "a port or crossing name (e.g. Blaine); `borderflow ports` lists them"
        )


class AmbiguousPortError(LookupError):
    """Several BTS ports match the query; ``candidates`` lists them."""

    def __init__(self, query: str, candidates: Sequence[PortMatch]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        names = "; ".join(f"{c.port_code} {c.port_name} ({c.state})" for c in self.candidates)
        super().__init__(f"{query!r} matches {len(self.candidates)} ports: {names}")


class UnknownMeasureError(ValueError):
    """A measure name that BTS does not use."""

    def __init__(self, measure: str, known: Sequence[str]) -> None:
        self.measure = measure
        self.known = tuple(known)
        super().__init__(f"unknown BTS measure {measure!r}; known: {', '.join(self.known)}")


def list_ports(con: Any, border: str | None = None) -> tuple[PortMatch, ...]:
    """Return every BTS port code with its most recent name, sorted by code.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    border
        ``"US-Canada"`` or ``"US-Mexico"`` to restrict, ``None`` for both.
    """
    sql = """
        SELECT port_code, arg_max(port_name, month), arg_max(state, month), arg_max(border, month)
        FROM bts_crossings
        WHERE ($1 IS NULL OR border = $1)
        GROUP BY port_code ORDER BY port_code
    """
    rows = con.execute(sql, [border]).fetchall()
    return tuple(PortMatch(r[0], r[1], r[2], r[3], "list") for r in rows)


def resolve_port(con: Any, query: str, registry: Registry | None = None) -> PortMatch:
    """Find one BTS port from a code or a name.

    Order: an exact 4-character port code; an exact (case-insensitive) port name; a port
    name containing the query; a registry crossing name containing it (e.g. "Peace Arch"
    -> 3004 Blaine, the code its traffic is counted under).

    Raises
    ------
    PortNotFoundError
        Nothing matches; the message names the query.
    AmbiguousPortError
        Several ports match; ``candidates`` lists them.
    """
    q = query.strip()
    ports = list_ports(con)
    if not q:
        raise PortNotFoundError(query)
    by_code = {p.port_code: p for p in ports}
    if q in by_code:
        return _as(by_code[q], "port code")
    if q.isdigit() and len(q) <= 4 and q.zfill(4) in by_code:
        return _as(by_code[q.zfill(4)], "port code")
    low = q.lower()
    exact = [p for p in ports if p.port_name.lower() == low]
    if len(exact) == 1:
        return _as(exact[0], "port name")
    partial = [p for p in ports if low in p.port_name.lower()]
    if len(partial) == 1:
        return _as(partial[0], "port name")
    if len(partial) > 1:
        raise AmbiguousPortError(query, partial)
    reg = registry or load_registry()
    codes = sorted({c.bts_port_code for c in reg.search(q)})
    hits = [by_code[c] for c in codes if c in by_code]
    if len(hits) == 1:
        names = ", ".join(c.us_name for c in reg.search(q))
        return _as(hits[0], f"crossing {names} (counted under this port code)")
    if len(hits) > 1:
        raise AmbiguousPortError(query, hits)
    raise PortNotFoundError(query)


def _as(p: PortMatch, how: str) -> PortMatch:
    return PortMatch(p.port_code, p.port_name, p.state, p.border, how)


def known_measures(con: Any) -> tuple[str, ...]:
    """Return the BTS measure names in the warehouse, sorted."""
    rows = con.execute("SELECT DISTINCT measure FROM bts_crossings ORDER BY 1").fetchall()
    return tuple(r[0] for r in rows)


def _check_measures(con: Any, measures: Sequence[str]) -> tuple[str, ...]:
    known = known_measures(con)
    by_lower = {m.lower(): m for m in known}
    out: list[str] = []
    for m in measures:
        if m.lower() not in by_lower:
            raise UnknownMeasureError(m, known)
        out.append(by_lower[m.lower()])
    return tuple(out)


def parse_month(text: str) -> date:
    """Parse ``YYYY-MM`` into the first day of that month.

    Raises
    ------
    ValueError
        Naming the text if it is not ``YYYY-MM``.
    """
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"month must look like YYYY-MM (e.g. 2019-07), got {text!r}")
    return date(int(m.group(1)), int(m.group(2)), 1)


@dataclass(frozen=True)
class TrafficRow:
    """One month of one measure at one port.

    Attributes
    ----------
    port_code
        BTS port code.
    month
        First day of the month.
    measure
        BTS measure name.
    value
        U.S.-bound count in the month [count/month]; 0 is a reported zero.
    """

    port_code: str
    month: date
    measure: str
    value: int


def traffic_series(
    con: Any,
    port_code: str,
    measures: Sequence[str] = (DEFAULT_MEASURE,),
    start: date | None = None,
    end: date | None = None,
) -> tuple[TrafficRow, ...]:
    """Return the monthly series of ``measures`` at one port, ordered by measure, month.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    port_code
        4-character BTS port code (see :func:`resolve_port`).
    measures
        BTS measure names (case-insensitive).
    start, end
        First and last month included (first day of month); ``None`` = open.

    Raises
    ------
    UnknownMeasureError
        A measure BTS does not use.
    ValueError
        ``start`` after ``end``.
    """
    if start and end and start > end:
        raise ValueError(f"--from {start:%Y-%m} is after --to {end:%Y-%m}")
    names = _check_measures(con, measures)
    rows = con.execute(
        """
        SELECT port_code, month, measure, value FROM bts_crossings
        WHERE port_code = $1 AND list_contains($2, measure)
          AND ($3 IS NULL OR month >= $3) AND ($4 IS NULL OR month <= $4)
        ORDER BY array_position($2, measure), month
        """,
        [port_code, list(names), start, end],
    ).fetchall()
    return tuple(TrafficRow(r[0], r[1], r[2], int(r[3])) for r in rows)


def yearly_totals(
    con: Any, measure: str, border: str = "US-Canada", port_code: str | None = None
) -> dict[int, int]:
    """Return ``{year: total}`` of one measure over a border (or one port).

    Parameters
    ----------
    con
        DuckDB connection.
    measure
        BTS measure name.
    border
        ``"US-Canada"`` or ``"US-Mexico"``.
    port_code
        Restrict to one port; ``None`` for the whole border.

    Returns
    -------
    dict
        Year -> U.S.-bound count in that year [count/year] (partial years included).
    """
    (name,) = _check_measures(con, [measure])
    rows = con.execute(
        """
        SELECT year(month) AS y, sum(value) FROM bts_crossings
        WHERE measure = $1 AND border = $2 AND ($3 IS NULL OR port_code = $3)
        GROUP BY y ORDER BY y
        """,
        [name, border, port_code],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def latest_full_year(con: Any, border: str = "US-Canada") -> int:
    """Return the latest year whose 12 months are all in ``bts_crossings`` for ``border``.

    Raises
    ------
    LookupError
        If no year is complete.
    """
    row = con.execute(
        """
        SELECT max(y) FROM (
            SELECT year(month) AS y FROM bts_crossings WHERE border = $1
            GROUP BY y HAVING count(DISTINCT month(month)) = 12)
        """,
        [border],
    ).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"no complete year of BTS data for {border}")
    return int(row[0])
