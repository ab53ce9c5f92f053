"""What an update file may contain: the checks run before anything is written.

Every rule names the file, line and column of the first row that breaks it (raising
:class:`~borderflow.data.DataFormatError`), so nothing is ever half-loaded. The rules
(documented in ``docs/data.md``):

- **months**: from January 1996 (the first month of the BTS series) to the last month
  that is over (a month that has not ended cannot have a count);
- **measures**: one of the twelve BTS publishes (:data:`borderflow.vocab.BTS_MEASURES`);
- **ports**: a port code keeps its state and border (as in the warehouse, else as on its
  first row in the file); a code that is neither in the warehouse nor in the crossing
  registry is a *new port*: refused unless ``accept_new_ports``, then reported as a
  warning; its state must already have a port on that border;
- **names**: a known port under another name loads with a warning (BTS renames ports);
- **values** (rows that are new or whose value changes), for port *p* and measure *m*:

  1. at most :data:`GLOBAL_FACTOR` times the largest month of *m* at any port of either
     border in the warehouse;
  2. if *p* has a non-zero month of *m*: at most ``PORT_FACTOR * P + SLACK_FACTOR * C``,
     where *P* is *p*'s largest month of *m* and *C* the largest amount by which any
     month in the warehouse (any port, any measure) exceeded ``PORT_FACTOR`` times its
     port's maximum of that measure until then. *C* is computed from the warehouse at
     each update, so by construction every month BTS ever published passes, with a
     margin of ``SLACK_FACTOR``. On the shipped data C = 25,276 (port 2301, Train
     Passengers, January 2024: 26,196 after a maximum of 92); without that month it is
     14,310 (port 2507, Trucks, February 1997), and the test that loads BTS's own last
     year as an update shows why the slack cannot be per measure.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from borderflow.data._bts import BtsFile
from borderflow.vocab import BTS_MEASURES

__all__ = [
    "FIRST_MONTH",
    "GLOBAL_FACTOR",
    "PORT_FACTOR",
    "SLACK_FACTOR",
    "check_update",
    "last_complete_month",
]

#: First month of the BTS Border Crossing Entry Data series.
FIRST_MONTH = date(1996, 1, 1)

#: A value may be at most this many times the busiest port's busiest month of the measure
#: (either border) in the warehouse. The largest jump of such a record in BTS's history
#: is 3.6x (Train Passengers, July 1997: 26,374 after a record of 7,246); the record of
#: Truck Containers Loaded rose 2.04x within the year to February 2024 (404,107 at port
#: 2304), so "twice the record" would refuse real data.
GLOBAL_FACTOR = 10

#: A value may be at most this many times its port's largest month of the measure, plus
#: the measure's slack (module rules): a tenfold jump over a port's record is already
#: rarer in BTS's 28 years than the slack allows for.
PORT_FACTOR = 10

#: Margin on the largest excess seen in the history (module rules).
SLACK_FACTOR = 2


def last_complete_month(today: date) -> date:
    """Return the first day of the last month that has ended on ``today``."""
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None


def check_update(
    con: duckdb.DuckDBPyConnection,
    bts: BtsFile,
    known_codes: frozenset[str],
    *,
    today: date,
    accept_new_ports: bool,
) -> tuple[str, ...]:
    """Check the update rows in view ``upd`` against the warehouse; return warnings.

    Parameters
    ----------
    con
        Connection whose default catalogue is the warehouse (read-only) and with the
        update's rows registered as ``upd`` (``bts_crossings`` columns plus ``_row``,
        after the quirk rules); the rows before them (``bts.all_rows``) are checked for
        ports that change state or border.
    bts
        The file read, for messages naming line and column.
    known_codes
        Port codes of the crossing registry (a code there is not new).
    today
        The date that decides which months are over.
    accept_new_ports
        Load port codes unknown to the warehouse and the registry (with a warning).

    Raises
    ------
    DataFormatError
        At the first row that breaks a rule, with file, line, column and reason.
    """
    measures = ", ".join("'" + m.replace("'", "''") + "'" for m in BTS_MEASURES)
    hit = _first(
        con, f"SELECT _row, measure FROM upd WHERE measure NOT IN ({measures}) ORDER BY _row"
    )
    if hit is not None:
        bts.fail(
            int(hit[0]),
            "measure",
            "not a measure BTS publishes; expected one of: " + ", ".join(BTS_MEASURES),
        )

    last = last_complete_month(today)
    hit = _first(
        con,
        f"SELECT _row, month FROM upd WHERE month < DATE '{FIRST_MONTH}' "
        f"OR month > DATE '{last}' ORDER BY _row",
    )
    if hit is not None:
        month = hit[1]
        assert isinstance(month, date)
        why = (
            f"month before {FIRST_MONTH:%B %Y}, when the BTS series starts"
            if month < FIRST_MONTH
            else f"month {month:%Y-%m} has not ended yet (today is {today}; last complete "
            f"month {last:%Y-%m})"
        )
        bts.fail(int(hit[0]), "date", why)

    con.register("upd_all", bts.all_rows)
    try:
        _check_ports(con, bts)
    finally:
        con.unregister("upd_all")
    warnings = _check_new_ports(con, bts, known_codes, accept_new_ports)
    _check_values(con, bts)
    return warnings + _renamed_ports(con, bts)


def _check_ports(con: duckdb.DuckDBPyConnection, bts: BtsFile) -> None:
    """Refuse a port code whose state or border changes (vs the warehouse, else the file)."""
    hit = _first(
        con,
        """
        WITH ref AS (
            SELECT port_code, arg_max(state, month) AS st, arg_max(border, month) AS bo
            FROM bts_crossings GROUP BY port_code
        ), fileref AS (
            SELECT port_code, arg_min(state, _row) AS st, arg_min(border, _row) AS bo,
                   min(_row) AS first_row
            FROM upd_all GROUP BY port_code
        )
        SELECT u._row, u.port_code, u.state, u.border, coalesce(r.st, f.st),
               coalesce(r.bo, f.bo), r.port_code IS NOT NULL, f.first_row
        FROM upd_all u JOIN fileref f USING (port_code) LEFT JOIN ref r USING (port_code)
        WHERE u.state <> coalesce(r.st, f.st) OR u.border <> coalesce(r.bo, f.bo)
        ORDER BY u._row
        """,
    )
    if hit is None:
        return
    row, code, state, border, ref_state, ref_border, known, first_row = hit
    where = (
        "in the warehouse"
        if known
        else f"on its first row in this file (line {bts.raw.line_of(int(first_row))})"
    )
    column = "state" if state != ref_state else "border"
    bts.fail(
        int(row),
        column,
        f"port {code} is in {ref_state} on the {ref_border} border {where}; this row says "
        f"{state} on the {border} border (a port does not move: wrong port code?)",
    )


def _check_new_ports(
    con: duckdb.DuckDBPyConnection,
    bts: BtsFile,
    known_codes: frozenset[str],
    accept: bool,
) -> tuple[str, ...]:
    new = con.execute(
        """
        SELECT port_code, arg_min(port_name, _row), arg_min(state, _row),
               arg_min(border, _row), min(_row), count(*), min(month), max(month)
        FROM upd WHERE port_code NOT IN (SELECT DISTINCT port_code FROM bts_crossings)
        GROUP BY port_code ORDER BY min(_row)
        """
    ).fetchall()
    new = [r for r in new if r[0] not in known_codes]
    if not new:
        return ()
    states = {
        (b, s)
        for b, s in con.execute("SELECT DISTINCT border, state FROM bts_crossings").fetchall()
    }
    warnings = []
    for code, name, state, border, row, n, first, last in new:
        if (border, state) not in states:
            bts.fail(
                row,
                "state",
                f"new port {code} is in {state}, which has no port on the {border} border "
                "in the warehouse (misspelt state or wrong border?)",
            )
        if not accept:
            bts.fail(
                row,
                "port_code",
                f"port code {code} ({name}, {state}) is new: neither in the warehouse nor in "
                "the crossing registry. If this release really adds a port, load it with "
                "--accept-new-ports (accept_new_ports=True)",
            )
        warnings.append(
            f"new port {code} {name} ({state}, {border} border): {n:,} rows, "
            f"{first:%Y-%m} to {last:%Y-%m}, first at line {bts.raw.line_of(row)}; "
            "not in the crossing registry"
        )
    return tuple(warnings)


def _renamed_ports(con: duckdb.DuckDBPyConnection, bts: BtsFile) -> tuple[str, ...]:
    """Warn (not refuse) when new rows of a known port carry another name.

    BTS renames ports; rows already in the warehouse are compared by value only.
    """
    rows = con.execute(
        """
        WITH ref AS (
            SELECT port_code, arg_max(port_name, month) AS name FROM bts_crossings
            GROUP BY port_code
        )
        SELECT u.port_code, r.name, u.port_name, min(u._row), count(*)
        FROM upd u JOIN ref r USING (port_code)
        ANTI JOIN bts_crossings b USING (port_code, month, measure)
        WHERE u.port_name <> r.name
        GROUP BY ALL ORDER BY min(u._row)
        """
    ).fetchall()
    return tuple(
        f"port {code} is named {new!r} in this file ({n:,} new rows, first at line "
        f"{bts.raw.line_of(row)}) and {old!r} in the warehouse; new rows keep the file's "
        "name, existing rows the warehouse's"
        for code, old, new, row, n in rows
    )


def _check_values(con: duckdb.DuckDBPyConnection, bts: BtsFile) -> None:
    """Refuse new or changed values far beyond the warehouse history (module rules)."""
    hit = _first(
        con,
        f"""
        WITH runs AS (
            SELECT value, max(value) OVER (PARTITION BY port_code, measure
                ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
            FROM bts_crossings
        ), slack AS (
            SELECT greatest(max(value - {PORT_FACTOR} * prev), 0) AS excess
            FROM runs WHERE prev >= 1
        ), pm AS (
            SELECT port_code, measure, max(value) AS port_max FROM bts_crossings GROUP BY ALL
        ), gm AS (
            SELECT measure, max(value) AS all_max, arg_max(port_code, value) AS at_port
            FROM bts_crossings GROUP BY ALL
        )
        SELECT u._row, u.value, pm.port_max, gm.all_max, gm.at_port, u.port_code, u.measure,
               {PORT_FACTOR} * pm.port_max + {SLACK_FACTOR} * coalesce(slack.excess, 0)
        FROM upd u
        LEFT JOIN bts_crossings b USING (port_code, month, measure)
        LEFT JOIN pm USING (port_code, measure)
        LEFT JOIN gm USING (measure)
        CROSS JOIN slack
        WHERE (b.value IS NULL OR b.value <> u.value)
          AND (u.value > {GLOBAL_FACTOR} * gm.all_max
               OR (pm.port_max > 0 AND u.value > {PORT_FACTOR} * pm.port_max
                   + {SLACK_FACTOR} * coalesce(slack.excess, 0)))
        ORDER BY u._row
        """,
    )
    if hit is None:
        return
    row, value, port_max, all_max, at_port, code, measure, bound = hit
    if value > GLOBAL_FACTOR * all_max:
        why = (
            f"{value:,} {measure} in a month is more than {GLOBAL_FACTOR} x the largest month "
            f"at any port in the warehouse ({all_max:,} at port {at_port})"
        )
    else:
        why = (
            f"{value:,} {measure} in a month is more than port {code}'s bound {bound:,} "
            f"({PORT_FACTOR} x its largest month in the warehouse, {port_max:,}, plus the "
            "twice the largest such excess in BTS's history; see docs/data.md)"
        )
    bts.fail(int(row), "value", f"implausible value: {why}")
