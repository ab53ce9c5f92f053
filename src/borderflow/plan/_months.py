"""Demand of another month: scale a scenario's classes by BTS counts per day.

A scenario describes a day of some base month. The same port in another month carries
``count(month) / days(month)`` over ``count(base) / days(base)`` times the traffic, per
BTS measure: personal-vehicle classes follow ``Personal Vehicles``, truck classes
``Trucks``, bus classes ``Buses`` and pedestrians ``Pedestrians``. A month in the
warehouse uses its BTS count; a month up to 24 after the data uses the monthly forecast
(:func:`borderflow.demand.monthly_count`); later months are refused.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from borderflow.plan._changes import Change, ChangeError
from borderflow.sim import PortSpec, TrafficClass


def class_measure(c: TrafficClass) -> str:
    """Return the BTS measure a class's traffic follows (by the lane types it may use)."""
    lts = set(c.service)
    if "commercial" in lts:
        return "Trucks"
    if lts == {"bus"}:
        return "Buses"
    if lts == {"pedestrian"}:
        return "Pedestrians"
    return "Personal Vehicles"


def _per_day(con: Any, port_code: str, measure: str, month: date) -> float:
    # Lazy: sweep workers that never scale months need not load demand models.
    from borderflow.demand import monthly_count

    mc = monthly_count(con, port_code, measure, month)
    if mc.basis not in ("observed month", "forecast"):
        raise ChangeError(
            f"no BTS count or forecast of {measure} at port {port_code} for {month:%Y-%m} "
            f"({mc.source})"
        )
    return mc.value / calendar.monthrange(month.year, month.month)[1]


def month_changes(
    con: Any, spec: PortSpec, port_code: str, month: date, base_month: date
) -> list[Change]:
    """Return the changes that move a scenario's demand from ``base_month`` to ``month``.

    Parameters
    ----------
    con : duckdb connection
        The warehouse (read-only).
    spec : PortSpec
        The scenario (a day of ``base_month``).
    port_code : str
        BTS port code whose counts scale the demand.
    month, base_month : date
        First days of the two months.

    Returns
    -------
    list of Change
        One ``demand.<class>*=F`` per class, F = ratio of counts per day [dimensionless].
    """
    out = []
    ratios: dict[str, float] = {}
    for c in spec.classes:
        m = class_measure(c)
        if m not in ratios:
            base = _per_day(con, port_code, m, base_month)
            if base <= 0:
                raise ChangeError(
                    f"BTS counts no {m} at port {port_code} in {base_month:%Y-%m}: "
                    "cannot scale from it"
                )
            ratios[m] = _per_day(con, port_code, m, month) / base
        out.append(
            Change(
                f"demand.{c.name}*={ratios[m]:.4g}  (BTS {m}/day, {port_code}, "
                f"{month:%Y-%m} vs {base_month:%Y-%m})",
                "demand",
                c.name,
                "*=",
                ratios[m],
            )
        )
    return out


__all__ = ["class_measure", "month_changes"]
