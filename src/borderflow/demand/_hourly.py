"""Monthly counts -> daily -> hourly arrivals per crossing, direction and lane class.

Integer allocation at every step with the largest-remainder method
(:func:`largest_remainder`), so each level sums **exactly** to the level above:

1. the BTS monthly count of the port code (:func:`monthly_count`: the warehouse value, or
   a labelled stand-in for a month without one);
2. -> the crossing (split rule ``split-by-cbp-max-lanes v1``);
3. -> the days of the month (weights: learned day-of-week and holiday profile);
4. -> lane classes of each day (:func:`~borderflow.demand.class_shares`);
5. -> the local clock hours of each day (23, 24 or 25; weights: hour-of-day profile,
   zero while the crossing is closed).
"""

from __future__ import annotations

import calendar
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from borderflow.data import Crossing, Registry, load_registry
from borderflow.demand._calendar import HOLIDAY_SOURCE, day_hours, day_info, port_timezone
from borderflow.demand._forecast import MonthlyForecast, forecast_monthly
from borderflow.demand._profiles import (
    GAP_SHARE,
    HOURLY_PROFILES,
    DailyProfile,
    learn_profiles,
)
from borderflow.demand._shares import PEACE_ARCH, ClassShares, class_shares
from borderflow.demand._split import split_shares
from borderflow.vocab import CANADA_BOUND, DIRECTIONS, US_BOUND, measure_group

#: A port whose latest count is this many months older than the warehouse's latest month
#: has stopped reporting (closed or no longer counted): its later months are 0.
STOPPED_MONTHS = 12

#: Kinds of demand, weakest last ("observed day": Peace Arch Canada-bound cars on days
#: with Cascade Gateway counts).
DEMAND_BASES: tuple[str, ...] = ("observed day", "observed month", "forecast", "assumption")

#: BTS measures turned into hourly arrivals: measure -> (day profile, hour profile).
DEMAND_MEASURES: Mapping[str, tuple[str, str]] = {
    "Personal Vehicles": ("cars", "cars"),
    "Trucks": ("trucks", "trucks"),
    "Buses": ("cars", "cars"),
    "Pedestrians": ("cars", "pedestrians"),
}


def largest_remainder(total: int, weights: Sequence[float]) -> tuple[int, ...]:
    """Split a non-negative integer in proportion to ``weights``; the parts sum to ``total``.

    Each part gets the floor of its quota; the units left go to the largest remainders
    (ties to the earlier position), so the result is deterministic.

    Parameters
    ----------
    total
        Count to split, >= 0.
    weights
        Non-negative weights; at least one positive unless ``total`` is 0.

    Raises
    ------
    ValueError
        For a negative total or weight, or positive total with all weights zero.
    """
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    if any(not w >= 0 or not math.isfinite(w) for w in weights):
        raise ValueError(f"weights must be finite and >= 0, got {list(weights)}")
    s = math.fsum(weights)
    if s <= 0:
        if total == 0:
            return tuple(0 for _ in weights)
        raise ValueError(f"cannot split {total} over weights that are all zero")
    quotas = [total * w / s for w in weights]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return tuple(parts)


# --- monthly counts -------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyCount:
    """One monthly count of a BTS port code and measure, with where it comes from.

    Attributes
    ----------
    port_code, measure
        BTS port code and measure.
    month
        First day of the month.
    value
        Count [vehicles/month] (U.S.-bound, as BTS counts).
    basis
        ``"observed month"``, ``"forecast"`` or ``"assumption"``.
    source
        The derivation in words.
    """

    port_code: str
    measure: str
    month: date
    value: int
    basis: str
    source: str


#: Forecasts of (port code, measure, last month in the warehouse), computed once.
_FORECASTS: dict[tuple[str, str, date], MonthlyForecast | None] = {}


def _forecast_month(con: Any, port_code: str, measure: str, month: date) -> MonthlyCount | None:
    """Return the month's count from the monthly forecast (24 months ahead at most), or None."""
    row = con.execute("SELECT max(month) FROM bts_crossings").fetchone()
    latest = row[0] if row else None
    if latest is None or not 0 < _months(latest, month) <= 24:
        return None
    key = (port_code, measure, latest)
    if key not in _FORECASTS:
        try:
            _FORECASTS[key] = forecast_monthly(con, port_code, measure, 24)[1]
        except LookupError:  # the port never reported this measure
            _FORECASTS[key] = None
    fc = _FORECASTS[key]
    point = next((p for p in fc.points if p.month == month), None) if fc else None
    if fc is None or point is None:
        return None
    return MonthlyCount(
        port_code,
        measure,
        month,
        round(point.value),
        "forecast",
        f"no BTS count for {month:%Y-%m}: monthly forecast from {fc.origin:%Y-%m} "
        f"({fc.model}; 80% interval {point.lo80:,.0f} to {point.hi80:,.0f}; docs/forecasts.md)",
    )


def _stand_in_month(con: Any, port_code: str, measure: str, month: date) -> MonthlyCount:
    """Count for a month without a BTS count: the forecast, else a labelled stand-in.

    Up to 24 months after the warehouse's last month the monthly forecast
    (:func:`~borderflow.demand.forecast_monthly`, basis ``"forecast"``); further out, the
    same calendar month of the latest year with a count (basis ``"assumption"``).
    """
    fc = _forecast_month(con, port_code, measure, month)
    if fc is not None:
        return fc
    row = con.execute(
        "SELECT month, value FROM bts_crossings WHERE port_code = ? AND measure = ? "
        "AND month(month) = ? ORDER BY month DESC LIMIT 1",
        [port_code, measure, month.month],
    ).fetchone()
    if row is None:
        return MonthlyCount(
            port_code,
            measure,
            month,
            0,
            "assumption",
            f"BTS has no {measure} count for port {port_code} in any {month:%B}: 0 assumed",
        )
    return MonthlyCount(
        port_code,
        measure,
        month,
        int(row[1]),
        "assumption",
        f"no BTS count for {month:%Y-%m} and beyond the 24-month forecast: same month of the "
        f"latest year with one ({row[0]:%Y-%m}, {int(row[1]):,}), unscaled",
    )


def monthly_counts(
    con: Any, port_code: str, measures: Sequence[str], month: date
) -> tuple[MonthlyCount, ...]:
    """Return the monthly counts of a port code (observed, else a labelled stand-in).

    The ONE place that decides where a month's demand comes from. Months in the
    warehouse (``bts_crossings``) are ``"observed month"`` (a measure BTS leaves out of a
    month the port reported is 0); later months come from :func:`_stand_in_month` (the monthly
    forecast up to 24 months ahead, ``"forecast"``; then the same month of the latest year
    with data, ``"assumption"``), except at a
    port that stopped reporting more than :data:`STOPPED_MONTHS` months before the
    warehouse's latest month (0, ``"assumption"``).

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    port_code
        4-character BTS port code.
    measures
        BTS measures (e.g. ``"Personal Vehicles"``).
    month
        Any day of the month.
    """
    m = month.replace(day=1)
    rows = con.execute(
        "SELECT measure, value, NULL, NULL, NULL FROM bts_crossings "
        "WHERE port_code = $1 AND month = $2 UNION ALL SELECT NULL, NULL, "
        "(SELECT max(month) FROM bts_crossings WHERE port_code = $1), "
        "(SELECT max(month) FROM bts_crossings), "
        "(SELECT min(month) FROM bts_crossings WHERE port_code = $1)",
        [port_code, m],
    ).fetchall()
    latest = rows[-1][2]
    found = {r[0]: int(r[1]) for r in rows[:-1]}
    out: list[MonthlyCount] = []
    for measure in measures:
        if measure in found:
            out.append(
                MonthlyCount(
                    port_code,
                    measure,
                    m,
                    found[measure],
                    "observed month",
                    f"BTS Border Crossing Entry Data, {measure} at port {port_code}, {m:%Y-%m}",
                )
            )
        elif latest is not None and rows[-1][4] <= m <= latest:
            # Inside the port's reported period BTS leaves out zero counts.
            out.append(
                MonthlyCount(
                    port_code,
                    measure,
                    m,
                    0,
                    "observed month",
                    f"BTS Border Crossing Entry Data reports no {measure} at port {port_code} "
                    f"in {m:%Y-%m} (0)",
                )
            )
        elif latest is not None and _months(latest, rows[-1][3]) > STOPPED_MONTHS:
            out.append(
                MonthlyCount(
                    port_code,
                    measure,
                    m,
                    0,
                    "assumption",
                    f"port {port_code} has reported nothing since {latest:%Y-%m} (closed or "
                    "no longer counted): 0 assumed",
                )
            )
        else:
            out.append(_stand_in_month(con, port_code, measure, m))
    return tuple(out)


def _months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def monthly_count(con: Any, port_code: str, measure: str, month: date) -> MonthlyCount:
    """Return one monthly count (see :func:`monthly_counts`).

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    port_code
        4-character BTS port code.
    measure
        BTS measure.
    month
        Any day of the month.
    """
    return monthly_counts(con, port_code, (measure,), month)[0]


# --- opening hours ----------------------------------------------------------------------------

_HOURS_RE = re.compile(r"^\s*(\d{1,2})\s*(am|pm)\s*-\s*(midnight|(\d{1,2})\s*(am|pm))\s*$", re.I)


def _clock(h: int, ampm: str) -> int:
    return h % 12 + (12 if ampm.lower() == "pm" else 0)


def open_hours(crossing: Crossing) -> tuple[tuple[bool, ...], str]:
    """Local clock hours 0-23 in which the crossing is open, and the source of that.

    From the CBP hours string of the registry (``"24 hrs/day"``, ``"8 am-Midnight"``,
    ``"7 am-11 pm"``); unknown hours are taken as 24 h (assumption).
    """
    h = crossing.hours
    if h is None:
        return (True,) * 24, "opening hours unknown (not in CBP's feed): open 24 h assumed"
    src = f"CBP hours {h!r} (CBP Border Wait Times feed, snapshot 2023-11-10)"
    if crossing.open_24h or "24" in h:
        return (True,) * 24, src
    m = _HOURS_RE.match(h)
    if m is None:
        return (True,) * 24, f"CBP hours {h!r} not understood: open 24 h assumed"
    start = _clock(int(m.group(1)), m.group(2))
    end = 24 if m.group(3).lower() == "midnight" else _clock(int(m.group(4)), m.group(5))
    return tuple(start <= c < end for c in range(24)), src


# --- hourly demand ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemandRow:
    """Arrivals of one lane class in one local clock hour.

    Attributes
    ----------
    hour_index
        Elapsed hour of the day from local midnight (0 ... 22, 23 or 24).
    hour_start
        Local start of the hour (timezone-aware; the repeated autumn hour has ``fold=1``).
    class_name
        ``general cars``, ``Ready cars``, ``NEXUS cars``, ``other trucks``, ``FAST trucks``,
        ``buses`` or ``pedestrians``.
    lane_type
        Kernel lane type the class is meant for.
    measure
        BTS measure the class comes from.
    vehicles
        Arrivals in the hour [vehicles/hour].
    """

    hour_index: int
    hour_start: datetime
    class_name: str
    lane_type: str
    measure: str
    vehicles: int


@dataclass(frozen=True)
class DayDemand:
    """Hourly demand of one crossing, direction and local day.

    Attributes
    ----------
    crossing_id, crossing_name, port_code
        The crossing and its BTS port code.
    day
        Local date.
    direction
        ``"US-bound"`` or ``"Canada-bound"``.
    timezone
        IANA time zone of the hours.
    hours
        Local starts of the day's hours (23, 24 or 25).
    rows
        One per (hour, class), hours in order.
    day_totals
        Vehicles of the day per measure.
    month_totals
        Vehicles of the month at this crossing per measure (sum over its days).
    counts
        The port code's monthly counts used.
    demand_basis
        ``"observed day"`` where the day's cars were counted (Peace Arch Canada-bound,
        Cascade Gateway), else the weakest basis of the monthly counts of cars and trucks
        (see :data:`DEMAND_BASES`).
    sources
        Every source and assumption, in words.
    """

    crossing_id: str
    crossing_name: str
    port_code: str
    day: date
    direction: str
    timezone: str
    hours: tuple[datetime, ...]
    rows: tuple[DemandRow, ...]
    day_totals: Mapping[str, int]
    month_totals: Mapping[str, int]
    counts: tuple[MonthlyCount, ...]
    demand_basis: str
    sources: tuple[str, ...]

    def class_rates(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        """``{class: (lane type, arrivals per hour)}`` for classes with any arrival."""
        out: dict[str, tuple[str, list[int]]] = {}
        for r in self.rows:
            out.setdefault(r.class_name, (r.lane_type, [0] * len(self.hours)))[1][r.hour_index] += (
                r.vehicles
            )
        return {k: (lt, tuple(v)) for k, (lt, v) in out.items() if sum(v) > 0}


_PROFILE_CACHE: dict[tuple[Any, ...], dict[str, DailyProfile]] = {}


def shipped_profiles(con: Any) -> dict[str, DailyProfile]:
    """Day profiles learned from the warehouse (cached per table content)."""
    fp = con.execute(
        "SELECT (SELECT count(*) FROM peace_arch_north_daily), "
        "(SELECT sum(volume) FROM peace_arch_north_daily), "
        "(SELECT count(*) FROM cascade_trucks_daily), "
        "(SELECT sum(volume) FROM cascade_trucks_daily)"
    ).fetchone()
    if fp not in _PROFILE_CACHE:
        _PROFILE_CACHE[fp] = learn_profiles(con)
    return _PROFILE_CACHE[fp]


def _classes_of(measure: str, shares: ClassShares) -> tuple[tuple[str, str, float], ...]:
    if measure == "Personal Vehicles":
        return shares.car_split()
    if measure == "Trucks":
        return shares.truck_split()
    if measure == "Buses":
        return (("buses", "bus", 1.0),)
    return (("pedestrians", "pedestrian", 1.0),)


@dataclass(frozen=True)
class _MonthPlan:
    days: tuple[date, ...]
    per_day: Mapping[str, tuple[int, ...]]  # measure -> vehicles per day of the month
    month_totals: Mapping[str, int]
    counts: tuple[MonthlyCount, ...]
    notes: tuple[str, ...]


def _month_plan(
    con: Any,
    reg: Registry,
    crossing: Crossing,
    month: date,
    profiles: Mapping[str, DailyProfile],
) -> _MonthPlan:
    ndays = calendar.monthrange(month.year, month.month)[1]
    days = tuple(date(month.year, month.month, d) for d in range(1, ndays + 1))
    infos = [day_info(d, crossing.state, crossing.province) for d in days]
    per_day: dict[str, tuple[int, ...]] = {}
    totals: dict[str, int] = {}
    counts: list[MonthlyCount] = []
    notes: list[str] = []
    for mc in monthly_counts(con, crossing.bts_port_code, tuple(DEMAND_MEASURES), month):
        measure = mc.measure
        day_prof = DEMAND_MEASURES[measure][0]
        counts.append(mc)
        split = split_shares(reg, crossing.bts_port_code, measure_group(measure))
        parts = largest_remainder(mc.value, [s.share for s in split])
        mine = next(i for i, s in enumerate(split) if s.crossing_id == crossing.crossing_id)
        n = parts[mine]
        if len(split) > 1:
            notes.append(
                f"{measure}: {split[mine].share:.3f} of port {crossing.bts_port_code} to "
                f"{crossing.us_name} ({split[mine].rule}: {split[mine].basis})"
            )
        prof = profiles[day_prof]
        per_day[measure] = largest_remainder(n, [prof.weight(i) for i in infos])
        totals[measure] = n
    return _MonthPlan(days, per_day, totals, tuple(counts), tuple(notes))


PEACE_ARCH_NORTH_SOURCE = (
    "WCOG Cascade Gateway, data/cascade_gateway/peacearch_N_cars_20180101_2019-06-30.csv.gz"
)


def _peace_arch_north_days(con: Any, month: date) -> dict[date, tuple[int, int]]:
    """Observed Canada-bound (general, NEXUS) cars per day of a month at Peace Arch.

    Days with a lane missing or below :data:`GAP_SHARE` of the month's median (detector
    gaps) are left out; they fall back to the mirrored BTS count.
    """
    rows = con.execute(
        "SELECT day, sum(volume) FILTER (lane = 'general'), sum(volume) FILTER (lane = 'nexus') "
        "FROM peace_arch_north_daily WHERE date_trunc('month', day) = ? GROUP BY day "
        "HAVING count(volume) = 2",
        [month],
    ).fetchall()
    if not rows:
        return {}
    med = statistics.median(int(g) + int(n) for _, g, n in rows)
    return {d: (int(g), int(n)) for d, g, n in rows if int(g) + int(n) >= GAP_SHARE * med}


def _weakest(bases: Sequence[str]) -> str:
    return max(bases, key=DEMAND_BASES.index) if bases else DEMAND_BASES[-1]


def hourly_demand(
    con: Any,
    crossing_id: str,
    day: date,
    direction: str = US_BOUND,
    *,
    registry: Registry | None = None,
    share_overrides: Mapping[str, float] | None = None,
) -> DayDemand:
    """Hourly arrivals of one crossing, direction and local day, per lane class.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    crossing_id
        Registry crossing id (e.g. ``"3005"`` Peace Arch).
    day
        Local date.
    direction
        ``"US-bound"`` (BTS counts) or ``"Canada-bound"`` (the U.S.-bound counts mirrored:
        an assumption; BTS counts U.S.-bound traffic only).
    registry
        Registry (default the shipped one).
    share_overrides
        Lane-class shares replacing the defaults (see :func:`class_shares`).

    Returns
    -------
    DayDemand
        Integer arrivals per local hour and class; summed over the days of the month,
        each measure gives exactly the crossing's share of the port's monthly count.
    """
    return month_demand(
        con,
        crossing_id,
        day,
        direction,
        registry=registry,
        share_overrides=share_overrides,
        only_day=day,
    )[0]


def month_demand(
    con: Any,
    crossing_id: str,
    month: date,
    direction: str = US_BOUND,
    *,
    registry: Registry | None = None,
    share_overrides: Mapping[str, float] | None = None,
    only_day: date | None = None,
) -> tuple[DayDemand, ...]:
    """Hourly demand of every day of a month (see :func:`hourly_demand`).

    Parameters
    ----------
    con, crossing_id, direction, registry, share_overrides
        As :func:`hourly_demand`.
    month
        Any day of the month.
    only_day
        Return that day only (the month is still allocated, so totals stay exact).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    reg = registry or load_registry()
    crossing = reg.crossing(crossing_id)
    tz = port_timezone(crossing.state)
    profiles = shipped_profiles(con)
    plan = _month_plan(con, reg, crossing, month.replace(day=1), profiles)
    shares = class_shares(con, crossing, direction, share_overrides)
    is_open, hours_src = open_hours(crossing)
    base = _weakest([c.basis for c in plan.counts if c.measure in ("Personal Vehicles", "Trucks")])
    sources = [
        *(f"{c.value:,} {c.measure} ({c.basis}): {c.source}" for c in plan.counts),
        *plan.notes,
        f"days: car profile {profiles['cars'].source}; truck profile "
        f"{profiles['trucks'].source}; applied to {crossing.state}/{crossing.province} "
        f"holidays ({HOLIDAY_SOURCE})"
        + ("" if crossing.crossing_id in ("3004", "3005") else " (assumption: learned in BC/WA)"),
        *(f"hours ({name}): {p.source}" for name, p in HOURLY_PROFILES.items()),
        f"open hours: {hours_src}",
        *shares.sources(),
        "buses and pedestrians: same day profile as cars (assumption)",
    ]
    if direction == CANADA_BOUND:
        base = "assumption"
        sources.insert(
            0,
            "Canada-bound demand = the U.S.-bound BTS counts of the same port and month "
            "(assumption: symmetric traffic; BTS counts U.S.-bound only)",
        )
    observed = (
        _peace_arch_north_days(con, plan.days[0])
        if direction == CANADA_BOUND and crossing.crossing_id == PEACE_ARCH
        else {}
    )
    out: list[DayDemand] = []
    for i, d in enumerate(plan.days):
        if only_day is not None and d != only_day:
            continue
        hours = day_hours(d, tz)
        rows: list[DemandRow] = []
        day_totals: dict[str, int] = {}
        per_class: list[tuple[str, str, str, tuple[int, ...]]] = []
        day_base, day_sources = base, sources
        for measure, (_, hour_prof) in DEMAND_MEASURES.items():
            n_day = plan.per_day[measure][i]
            classes = _classes_of(measure, shares)
            class_n = largest_remainder(n_day, [s for _, _, s in classes])
            if measure == "Personal Vehicles" and d in observed:
                general, nexus = observed[d]
                n_day, class_n = general + nexus, (general, 0, nexus)
                day_base = "observed day"
                day_sources = [
                    f"Canada-bound cars on {d}: observed daily volumes, {general:,} general "
                    f"+ {nexus:,} NEXUS ({PEACE_ARCH_NORTH_SOURCE}); other measures as below",
                    *sources,
                ]
            day_totals[measure] = n_day
            shape = HOURLY_PROFILES[hour_prof].shares
            weights = [shape[h.hour] * is_open[h.hour] for h in hours]
            for (name, lt, _), n in zip(classes, class_n, strict=True):
                per_class.append((name, lt, measure, largest_remainder(n, weights)))
        for h, start in enumerate(hours):
            for name, lt, measure, counts in per_class:
                rows.append(DemandRow(h, start, name, lt, measure, counts[h]))
        out.append(
            DayDemand(
                crossing.crossing_id,
                crossing.us_name,
                crossing.bts_port_code,
                d,
                direction,
                tz.key,
                hours,
                tuple(rows),
                day_totals,
                dict(plan.month_totals),
                plan.counts,
                day_base,
                tuple(day_sources),
            )
        )
    if only_day is not None and not out:
        raise ValueError(f"{only_day} is not in the month of {month:%Y-%m}")
    return tuple(out)


__all__ = [
    "DEMAND_BASES",
    "DEMAND_MEASURES",
    "DayDemand",
    "DemandRow",
    "MonthlyCount",
    "hourly_demand",
    "largest_remainder",
    "month_demand",
    "monthly_count",
    "monthly_counts",
    "open_hours",
    "shipped_profiles",
]
