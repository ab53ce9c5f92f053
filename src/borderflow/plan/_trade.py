"""Truck trade value per port and month, for the value a closure delays or diverts.

Rule ``port-share-jan2015 x national-month v1`` (:data:`TRADE_RULE`): a port's share of
U.S.-Canada truck trade value is its share in the January 2015 TransBorder port file
(table ``transborder_port_jan2015``, the only port-level month shipped); the port's value
in month ``m`` is that share times the national truck trade with Canada in ``m`` (table
``transborder_monthly``). Value per U.S.-bound truck = the port's value / its trucks in
the month. The port mix of 2015 is assumed to hold in ``m``: say so wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: Name and version of the trade-value rule.
TRADE_RULE = "port-share-jan2015 x national-month v1"


@dataclass(frozen=True)
class PortTradeValue:
    """Truck trade value at one port in one month (rule :data:`TRADE_RULE`).

    Attributes
    ----------
    port_code
        BTS / Schedule D port code.
    month
        First day of the month valued.
    import_share, export_share
        Port's share of national truck imports / exports from Canada, January 2015.
    imports_usd, exports_usd
        Port's estimated truck imports (U.S.-bound) and exports in the month [USD/month].
    national_month
        Month of ``transborder_monthly`` used (``month``, or the latest earlier one).
    basis
        The rule in words, for the output.
    """

    port_code: str
    month: date
    import_share: float
    export_share: float
    imports_usd: float
    exports_usd: float
    national_month: date
    basis: str

    @property
    def two_way_usd(self) -> float:
        """Imports plus exports [USD/month]."""
        return self.imports_usd + self.exports_usd


def port_truck_trade(con: Any, port_code: str, month: date) -> PortTradeValue:
    """Estimate a port's truck trade with Canada in ``month`` (rule :data:`TRADE_RULE`).

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    port_code
        4-character port code.
    month
        Month to value (any day of it).

    Returns
    -------
    PortTradeValue
        Imports and exports [USD/month]; zero shares for a port absent from the 2015 file.

    Raises
    ------
    LookupError
        If the warehouse has no January 2015 port file or no national month <= ``month``.
    """
    m = date(month.year, month.month, 1)
    shares = con.execute(
        """
        SELECT trade_type,
               sum(CASE WHEN port_code = $1 THEN value_usd ELSE 0 END) / sum(value_usd)
        FROM transborder_port_jan2015 WHERE mode = 'truck' GROUP BY trade_type
        """,
        [port_code],
    ).fetchall()
    share = {r[0]: float(r[1]) for r in shares}
    if not share:
        raise LookupError("no truck rows in transborder_port_jan2015: run `borderflow load`")
    row = con.execute(
        """
        SELECT max(make_date(year, month, 1)) FROM transborder_monthly
        WHERE country = 'Canada' AND mode = 'Truck' AND make_date(year, month, 1) <= $1
        """,
        [m],
    ).fetchone()
    if row is None or row[0] is None:
        raise LookupError(f"no national truck trade with Canada in or before {m:%Y-%m}")
    nat_month: date = row[0]
    nat = dict(
        con.execute(
            """
            SELECT trade_type, sum(value_usd) FROM transborder_monthly
            WHERE country = 'Canada' AND mode = 'Truck' AND year = $1 AND month = $2
            GROUP BY trade_type
            """,
            [nat_month.year, nat_month.month],
        ).fetchall()
    )
    imp_share, exp_share = share.get("import", 0.0), share.get("export", 0.0)
    imports = imp_share * float(nat.get("import", 0.0))
    exports = exp_share * float(nat.get("export", 0.0))
    when = f"{nat_month:%Y-%m}" + ("" if nat_month == m else f" (latest before {m:%Y-%m})")
    basis = (
        f"{TRADE_RULE}: port {port_code} had {imp_share:.2%} of U.S. truck imports from and "
        f"{exp_share:.2%} of truck exports to Canada in January 2015 (TransBorder port file, "
        f"the only port-level month shipped), scaled to the national truck trade of {when} "
        "(transborder_monthly); assumes the 2015 port mix holds; goods only"
    )
    return PortTradeValue(port_code, m, imp_share, exp_share, imports, exports, nat_month, basis)


__all__ = ["TRADE_RULE", "PortTradeValue", "port_truck_trade"]
