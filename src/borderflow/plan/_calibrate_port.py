"""Calibrating Peace Arch against the Cascade Gateway delays (method ``capacity-by-hour v1``).

Two operations, two data sets, calibrated separately:

- **U.S.-bound (southbound, CBP)**: hourly average delay of general car lanes, 2013–2018,
  with no volumes. Arrivals come from :func:`borderflow.demand.hourly_demand` (BTS monthly
  personal vehicles at Blaine × Peace Arch's split share × the learned day profile × the
  assumed hour-of-day profile × the general-lane class share): the fit is only as good as
  those assumptions, and says so.
- **Canada-bound (northbound, CBSA)**: daily volumes and daily average delays of general
  and NEXUS lanes, 2018-01 to 2019-06. Each day's measured volume is spread over the
  hours by the same assumed hour-of-day profile; one capacity per lane type and day type
  is fitted to the daily mean delay (the data has no hourly resolution).

Like with like: the data's delay is the average queue time of the vehicles arriving in
the hour (or day), local time; the twin reports the mean wait by hour of arrival. DST
change days (23 or 25 local hours) are left out of fitting and scoring.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from borderflow.demand import HOURLY_PROFILES, hourly_demand
from borderflow.plan._calibrate import (
    CALIBRATION_METHOD,
    CalibrationDays,
    CapacityFit,
    fit_capacity,
    simulate_days,
)
from borderflow.plan._scenario_gen import GeneratedScenario, build_scenario
from borderflow.plan._sizing import SERVICE_TIMES
from borderflow.sim import BoothSchedule, Exponential
from borderflow.vocab import CANADA_BOUND, US_BOUND

FloatArray = npt.NDArray[np.float64]

#: Registry id of Peace Arch (Blaine WA – Surrey BC).
PEACE_ARCH = "3005"
#: Day types sharing one booth schedule: Monday–Thursday and Friday–Sunday (the shipped
#: southbound delays average 6.1 min Mon–Thu against 11.3 min Fri–Sun).
DAY_TYPES: tuple[str, ...] = ("Mon-Thu", "Fri-Sun")
#: Service times [minutes] tried to show which (booths, service time) pairs fit: the
#: sourced 34 s (Villegas et al. 2006) and slower ones, since the data cannot tell.
SERVICE_GRID: tuple[float, ...] = (SERVICE_TIMES["general"].minutes, 0.75, 1.0, 1.25, 1.5)
#: Booths the general lanes may use, southbound: Peace Arch has 10 primary lanes (CBP
#: feed 2023-11-10; PARAMETERS.md) shared with NEXUS and Ready; one of each is assumed
#: always open for them (assumption).
MAX_GENERAL_BOOTHS = 8


#: Replications behind each simulated validation day: the twin's prediction is the mean
#: over replications (``borderflow waits --model twin`` runs 10 by default), so it is
#: scored as such, not as one random run.
VALIDATION_REPLICATIONS = 10


def day_type_of(day: date) -> int:
    """Day type index of a date (0 = Mon–Thu, 1 = Fri–Sun)."""
    return 0 if day.weekday() < 4 else 1


@dataclass(frozen=True)
class DayScore:
    """Accuracy of the twin on a period it was not fitted on, beside a baseline.

    Attributes
    ----------
    period : tuple of date
        First and last day scored.
    hours : int
        Hours (or days, for daily data) scored.
    mae_twin_min : float
        Mean absolute error of the twin [minutes].
    mae_previous_year_min : float
        The same for the previous-year baseline (same month, weekday and hour a year
        earlier, from the measurements) [minutes].
    bias_twin_min : float
        Mean of twin − observed [minutes].
    """

    period: tuple[date, date]
    hours: int
    mae_twin_min: float
    mae_previous_year_min: float
    bias_twin_min: float


@dataclass(frozen=True)
class PortCalibration:
    """The calibration of one lane type of Peace Arch in one direction.

    Attributes
    ----------
    crossing_id, direction, lane_type : str
        What was calibrated.
    method : str
        :data:`~borderflow.plan.CALIBRATION_METHOD`.
    train, validate : tuple of date
        Fitting and validation periods (first and last day).
    day_types : tuple of str
        Day types of the schedules.
    fits : tuple of CapacityFit
        One fit per service time of :data:`SERVICE_GRID` (the pairs consistent with the
        data).
    score : DayScore
        The twin on the validation period, beside the previous-year baseline.
    notes : tuple of str
        Every assumption behind the fit.
    """

    crossing_id: str
    direction: str
    lane_type: str
    method: str
    train: tuple[date, date]
    validate: tuple[date, date]
    day_types: tuple[str, ...]
    fits: tuple[CapacityFit, ...]
    score: DayScore
    notes: tuple[str, ...]

    @property
    def chosen(self) -> CapacityFit:
        """The fit the twin runs: the lowest training error of the service-time grid.

        The data identify capacity, not its split into booths × service rate; among the
        pairs, the one that reproduces the measured profile best is used (booth counts
        are integers, so a longer service time gives finer capacity steps).
        """
        return min(self.fits, key=lambda f: f.rmse_min)


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _even_sample(days: Sequence[date], n: int) -> list[date]:
    if len(days) <= n:
        return list(days)
    idx = np.linspace(0, len(days) - 1, n).round().astype(int)
    return [days[i] for i in sorted(set(idx.tolist()))]


def _general_arrivals(con: Any, day: date, direction: str) -> FloatArray | None:
    """General-lane arrivals of each local hour [vehicles/hour]; None on DST days."""
    d = hourly_demand(con, PEACE_ARCH, day, direction)
    if len(d.hours) != 24:
        return None
    out = np.zeros(24)
    for r in d.rows:
        if r.lane_type == "general" and r.measure == "Personal Vehicles":
            out[r.hour_index] += r.vehicles
    return out


def southbound_days(
    con: Any, first: date, last: date, *, per_type: int | None = None
) -> tuple[CalibrationDays, list[date]]:
    """U.S.-bound calibration days with their measured hourly delays.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    first, last
        Period (both days included).
    per_type : int, optional
        Keep this many days of each day type, evenly spread over the period.

    Returns
    -------
    CalibrationDays, list of date
        Arrivals [vehicles/hour] and observed delays [minutes], and the days used
        (days with fewer than 20 measured hours and DST change days left out).
    """
    rows = con.execute(
        "SELECT hour_start, delay_min FROM peace_arch_hourly_delay "
        "WHERE hour_start >= $1 AND hour_start < $2 ORDER BY hour_start",
        [first, last + timedelta(days=1)],
    ).fetchall()
    obs: dict[date, FloatArray] = {}
    for ts, v in rows:
        day = ts.date()
        obs.setdefault(day, np.full(24, np.nan))[ts.hour] = np.nan if v is None else float(v)
    candidates = [d for d in _days_between(first, last) if d in obs]
    candidates = [d for d in candidates if np.count_nonzero(~np.isnan(obs[d])) >= 20]
    chosen: list[date] = []
    for k in range(len(DAY_TYPES)):
        of_type = [d for d in candidates if day_type_of(d) == k]
        chosen += of_type if per_type is None else _even_sample(of_type, per_type)
    chosen.sort()
    arrivals, observed, used = [], [], []
    for d in chosen:
        a = _general_arrivals(con, d, US_BOUND)
        if a is None:
            continue
        arrivals.append(a)
        observed.append(obs[d])
        used.append(d)
    return (
        CalibrationDays(
            np.array(arrivals).reshape(-1, 24),
            np.array(observed).reshape(-1, 24),
            np.array([day_type_of(d) for d in used], dtype=np.int64),
            DAY_TYPES,
        ),
        used,
    )


def _previous_year(con: Any, days: Sequence[date]) -> FloatArray:
    """Delay of the same month, weekday and hour a year earlier (mean) [minutes]."""
    rows = con.execute(
        "SELECT year(hour_start), month(hour_start), isodow(hour_start), hour(hour_start), "
        "avg(delay_min) FROM peace_arch_hourly_delay GROUP BY ALL"
    ).fetchall()
    table = {(y, m, w, h): v for y, m, w, h, v in rows}
    out = np.full((len(days), 24), np.nan)
    for i, d in enumerate(days):
        for h in range(24):
            v = table.get((d.year - 1, d.month, d.isoweekday(), h))
            out[i, h] = np.nan if v is None else float(v)
    return out


def calibrate_southbound(
    con: Any,
    *,
    train: tuple[date, date] = (date(2015, 1, 1), date(2017, 12, 31)),
    validate: tuple[date, date] = (date(2018, 1, 1), date(2018, 12, 31)),
    per_type: int = 36,
    service_grid: Sequence[float] = SERVICE_GRID,
    seed: int = 0,
) -> PortCalibration:
    """Calibrate Peace Arch's U.S.-bound general lanes against the hourly delays.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    train, validate
        Fitting and validation periods (first, last day); they must not overlap.
    per_type : int
        Training days per day type, evenly spread over ``train``.
    service_grid : sequence of float
        Mean service times tried [minutes].
    seed : int
        Root seed.

    Returns
    -------
    PortCalibration
        Fits per service time and the score on the validation period.
    """
    if not train[1] < validate[0] and not validate[1] < train[0]:
        raise ValueError(f"train {train} and validate {validate} overlap")
    days, _ = southbound_days(con, *train, per_type=per_type)
    fits = tuple(fit_capacity(days, s, MAX_GENERAL_BOOTHS, seed=seed) for s in service_grid)
    best = min(fits, key=lambda f: f.rmse_min)
    vdays, vdates = southbound_days(con, *validate, per_type=per_type)
    sim = simulate_days(vdays, best, seed=seed + 7, replications=VALIDATION_REPLICATIONS)
    obs = vdays.observed_delay_min
    prev = _previous_year(con, vdates)
    ok = ~np.isnan(obs) & ~np.isnan(sim) & ~np.isnan(prev)
    score = DayScore(
        period=validate,
        hours=int(ok.sum()),
        mae_twin_min=float(np.mean(np.abs(sim[ok] - obs[ok]))),
        mae_previous_year_min=float(np.mean(np.abs(prev[ok] - obs[ok]))),
        bias_twin_min=float(np.mean(sim[ok] - obs[ok])),
    )
    notes = (
        f"method {CALIBRATION_METHOD}; training days {len(days.day_type)} "
        f"({per_type} per day type, {DAY_TYPES}) from {train[0]} to {train[1]}",
        "arrivals: borderflow.demand.hourly_demand, general-lane class of Personal Vehicles "
        "(BTS Blaine x split share x day profile x assumed hour profile x class share)",
        f"general lanes may use at most {MAX_GENERAL_BOOTHS} of Peace Arch's 10 primary "
        "lanes (assumption: one NEXUS and one Ready lane stay open)",
        "exponential service times; capacity = booths x 60 / service time",
        "DST change days and days with fewer than 20 measured hours left out",
    )
    return PortCalibration(
        crossing_id=PEACE_ARCH,
        direction=US_BOUND,
        lane_type="general",
        method=CALIBRATION_METHOD,
        train=train,
        validate=validate,
        day_types=DAY_TYPES,
        fits=fits,
        score=score,
        notes=notes,
    )


def _with_lanes(
    gen: GeneratedScenario,
    schedules: dict[str, tuple[int, ...]],
    service_min: dict[str, float],
    note: str,
) -> GeneratedScenario:
    """Replace the schedules of some lane types and the cars' service times in them."""
    groups = tuple(
        replace(g, staffing=BoothSchedule(schedules[g.lane_type]))
        if g.lane_type in schedules
        else g
        for g in gen.spec.lane_groups
    )
    classes = tuple(
        replace(
            c,
            service={
                lt: Exponential(service_min[lt]) if lt in service_min else d
                for lt, d in c.service.items()
            },
        )
        if c.name.endswith("cars")
        else c
        for c in gen.spec.classes
    )
    spec = replace(gen.spec, lane_groups=groups, classes=classes)
    return replace(gen, spec=spec, capacity_basis="calibrated", notes=(*gen.notes, note))


def _lane_load(gen: GeneratedScenario, lane_type: str) -> FloatArray:
    """Arrivals of the classes whose home is ``lane_type``, per local hour [vehicles/hour]."""
    load = np.zeros(len(gen.demand.hours))
    for lt, per_hour in gen.demand.class_rates().values():
        if lt == lane_type:
            load += np.asarray(per_hour, dtype=np.float64)
    return load


def calibrated_scenario(con: Any, cal: PortCalibration, day: date) -> GeneratedScenario:
    """Build one day's scenario with the calibrated general lanes in place of assumed ones.

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    cal : PortCalibration
        A calibration from :func:`calibrate_southbound`.
    day : date
        Local date; a DST change day keeps the generated (uncalibrated) staffing.

    Returns
    -------
    GeneratedScenario
        :func:`~borderflow.plan.build_scenario`'s scenario, its general-lane schedule and
        car service times in general lanes replaced by the chosen fit (basis "calibrated").
    """
    gen = build_scenario(con, cal.crossing_id, day, cal.direction)
    if len(gen.demand.hours) != 24:
        return gen
    fit = cal.chosen
    booths = tuple(int(b) for b in fit.booths[day_type_of(day)])
    note = (
        f"general lanes calibrated ({cal.method}, trained {cal.train[0]} to {cal.train[1]}): "
        f"{fit.service_min:.3g} min per car, booths by hour {list(booths)} "
        f"({cal.day_types[day_type_of(day)]}); validated {cal.validate[0]} to "
        f"{cal.validate[1]}: MAE {cal.score.mae_twin_min:.1f} min against "
        f"{cal.score.mae_previous_year_min:.1f} min for the previous-year baseline"
    )
    return _with_lanes(gen, {"general": booths}, {"general": fit.service_min}, note)


def calibrated_north_scenario(con: Any, fits: Sequence[DailyFit], day: date) -> GeneratedScenario:
    """Build one Canada-bound day's scenario with the calibrated general and NEXUS lanes.

    Each calibrated lane group opens, every hour, enough booths for 85% utilisation of
    its arrivals, at most the fitted peak; its cars take the fitted service time.
    """
    gen = build_scenario(con, PEACE_ARCH, day, CANADA_BOUND)
    k = day_type_of(day)
    schedules = {
        f.lane_type: _capped_schedule(
            _lane_load(gen, f.lane_type), int(f.peak_booths[k]), f.service_min
        )
        for f in fits
    }
    note = "; ".join(
        f"{f.lane_type} lanes calibrated ({CALIBRATION_METHOD}, daily delays 2018): "
        f"{f.service_min:.3g} min per car, at most {int(f.peak_booths[k])} booths"
        for f in fits
    )
    return _with_lanes(gen, schedules, {f.lane_type: f.service_min for f in fits}, note)


def apply_shipped_calibration(
    gen: GeneratedScenario, record: Mapping[str, Any]
) -> GeneratedScenario:
    """Apply a shipped calibration record (``borderflow.data.read_calibration``) to a scenario.

    U.S.-bound: the chosen fit's general-lane schedule of the day's type and its service
    time (DST change days keep the generated staffing). Canada-bound: the general and
    NEXUS peak booths and service times. Any other crossing or a malformed record leaves
    the scenario as it is.

    Parameters
    ----------
    gen : GeneratedScenario
        A scenario from :func:`~borderflow.plan.build_scenario` for Peace Arch.
    record : mapping
        The calibration record.

    Returns
    -------
    GeneratedScenario
        The scenario with capacity basis ``"calibrated"`` where the record applies.
    """
    d = gen.demand
    if d.crossing_id != PEACE_ARCH or len(d.hours) != 24:
        return gen
    k = day_type_of(d.day)
    if d.direction == US_BOUND:
        south = record["southbound"]
        chosen = float(south["chosen_service_min"])
        fit = next(f for f in south["fits"] if float(f["service_min"]) == chosen)
        booths = tuple(int(b) for b in fit["booths"][k])
        note = (
            f"general lanes calibrated ({south['method']}, trained {south['train'][0]} to "
            f"{south['train'][1]}; data/calibration): {chosen:.3g} min per car, booths by "
            f"hour {list(booths)}; validation MAE {south['score']['mae_twin_min']:.1f} min "
            f"against {south['score']['mae_previous_year_min']:.1f} min (previous year)"
        )
        return _with_lanes(gen, {"general": booths}, {"general": chosen}, note)
    north = record["northbound"]
    schedules = {
        lane: _capped_schedule(
            _lane_load(gen, lane), int(v["peak_booths"][k]), float(v["service_min"])
        )
        for lane, v in north.items()
    }
    note = "; ".join(
        f"{lane} lanes calibrated (daily delays 2018; data/calibration): "
        f"{float(v['service_min']):.3g} min per car, at most {int(v['peak_booths'][k])} booths"
        for lane, v in north.items()
    )
    return _with_lanes(
        gen, schedules, {lane: float(v["service_min"]) for lane, v in north.items()}, note
    )


def calibration_to_dict(cal: PortCalibration) -> dict[str, Any]:
    """Return a JSON-ready record of a calibration (fits, ranges, score, notes)."""

    def clean(v: Any) -> Any:
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, float):
            return None if math.isnan(v) else round(v, 3)
        return v

    def arr(x: npt.NDArray[Any]) -> Any:
        return clean(x.tolist())

    return {
        "crossing_id": cal.crossing_id,
        "direction": cal.direction,
        "lane_type": cal.lane_type,
        "method": cal.method,
        "train": [cal.train[0].isoformat(), cal.train[1].isoformat()],
        "validate": [cal.validate[0].isoformat(), cal.validate[1].isoformat()],
        "day_types": list(cal.day_types),
        "chosen_service_min": cal.chosen.service_min,
        "fits": [
            {
                "service_min": f.service_min,
                "rmse_min": round(f.rmse_min, 3),
                "booths": arr(f.booths),
                "capacity_per_h": arr(f.capacity_per_h),
                "booth_range": arr(f.booth_range),
                "simulated_delay_min": arr(f.simulated_delay_min),
                "observed_delay_min": arr(f.observed_delay_min),
            }
            for f in cal.fits
        ],
        "score": {
            "period": [cal.score.period[0].isoformat(), cal.score.period[1].isoformat()],
            "hours": cal.score.hours,
            "mae_twin_min": round(cal.score.mae_twin_min, 3),
            "mae_previous_year_min": round(cal.score.mae_previous_year_min, 3),
            "bias_twin_min": round(cal.score.bias_twin_min, 3),
        },
        "notes": list(cal.notes),
    }


def _capped_schedule(rates: FloatArray, cap: int, service_min: float) -> tuple[int, ...]:
    """Booths by hour: enough for 85% utilisation, at most ``cap`` (the fitted peak)."""
    need = np.ceil(rates * service_min / 60.0 / 0.85).astype(np.int64)
    return tuple(int(x) for x in np.clip(need, 1, cap))


def _daily_mean_delay(
    days: CalibrationDays,
    cap: npt.NDArray[np.int64],
    service_min: float,
    seed: int,
    replications: int = 1,
) -> FloatArray:
    """Vehicle-weighted daily mean simulated delay of each day [minutes]."""
    out = np.full(days.arrivals_per_h.shape[0], np.nan)
    for i, (rates, k) in enumerate(zip(days.arrivals_per_h, days.day_type, strict=True)):
        booths = np.array(_capped_schedule(rates, int(cap[k]), service_min))[None, :]
        fit = CapacityFit(
            service_min, booths, booths * 60.0 / service_min, rates[None, :],
            rates[None, :], np.zeros((1, 24, 2), dtype=np.int64), 0.0, int(cap[k]),
        )  # fmt: skip
        one = CalibrationDays(rates[None, :], rates[None, :], np.zeros(1, dtype=np.int64), ("day",))
        hourly = simulate_days(one, fit, seed=seed + i, replications=replications)[0]
        ok = ~np.isnan(hourly)
        out[i] = float(np.sum(hourly[ok] * rates[ok]) / max(rates[ok].sum(), 1e-9))
    return out


@dataclass(frozen=True)
class DailyFit:
    """Peak booths per day type fitted to daily mean delays (Canada-bound data).

    Attributes
    ----------
    lane_type : str
        ``"general"`` or ``"nexus"``.
    service_min : float
        Mean service time assumed [minutes].
    peak_booths : ndarray of int, shape (K,)
        Most booths open in a day of each day type; each hour opens enough for 85%
        utilisation of its arrivals, at most this (staffing assumption).
    simulated_daily_delay_min, observed_daily_delay_min : ndarray, shape (K,)
        Mean daily delay by day type, twin and measurement [minutes].
    """

    lane_type: str
    service_min: float
    peak_booths: npt.NDArray[np.int64]
    simulated_daily_delay_min: FloatArray
    observed_daily_delay_min: FloatArray


def northbound_days(
    con: Any, lane: str, first: date, last: date
) -> tuple[CalibrationDays, list[date], FloatArray]:
    """Canada-bound days of one lane type with measured volume and daily mean delay.

    Each day's measured volume [vehicles/day] is spread over the hours by the assumed
    hour-of-day profile of cars (:data:`borderflow.demand.HOURLY_PROFILES`).

    Returns
    -------
    CalibrationDays, list of date, ndarray
        Arrivals [vehicles/hour] (observed hourly delays are NaN: the data is daily), the
        days, and each day's measured mean delay [minutes].
    """
    rows = con.execute(
        "SELECT day, volume, avg_delay_min FROM peace_arch_north_daily "
        "WHERE lane = $1 AND day BETWEEN $2 AND $3 AND volume > 0 "
        "AND avg_delay_min IS NOT NULL ORDER BY day",
        [lane, first, last],
    ).fetchall()
    shares = np.array(HOURLY_PROFILES["cars"].shares)
    used = [r[0] for r in rows]
    arrivals = np.array([r[1] * shares for r in rows]).reshape(-1, 24)
    daily = np.array([float(r[2]) for r in rows])
    days = CalibrationDays(
        arrivals,
        np.full(arrivals.shape, np.nan),
        np.array([day_type_of(d) for d in used], dtype=np.int64),
        DAY_TYPES,
    )
    return days, used, daily


def calibrate_northbound(
    con: Any,
    lane: str,
    *,
    train: tuple[date, date] = (date(2018, 1, 1), date(2018, 12, 31)),
    validate: tuple[date, date] = (date(2019, 1, 1), date(2019, 6, 30)),
    service_grid: Sequence[float] = SERVICE_GRID,
    max_booths: int = 10,
    sample: int = 40,
    seed: int = 0,
) -> tuple[DailyFit, DayScore]:
    """Calibrate Peace Arch's Canada-bound ``lane`` lanes against the daily delays.

    One parameter per day type: the peak number of booths (every hour opens enough for
    85% utilisation, at most the peak), chosen by exhaustive search over peak booths and
    the service-time grid to match the mean measured daily delay of the training days.
    Scored by day on the validation period against a baseline with the same knowledge:
    the training period's mean delay of the same weekday (the data start in 2018, so no
    previous year exists for 2019).

    Parameters
    ----------
    con
        DuckDB connection to the warehouse.
    lane : {"general", "nexus"}
        Lane type.
    train, validate
        Periods (first, last day).
    service_grid : sequence of float
        Mean service times tried [minutes]; the pair (peak booths, service time) closest
        to the measurements is kept (the data identify capacity only).
    max_booths : int
        The port's booth count (10 lanes at Peace Arch, not CBSA's own figure: assumption).
    sample : int
        Training days used, evenly spread.
    seed : int
        Root seed.

    Returns
    -------
    DailyFit, DayScore
        The fit and its validation score (``hours`` counts days here).
    """
    days, used, daily = northbound_days(con, lane, *train)
    keep = [used.index(d) for d in _even_sample(used, sample)]
    sub = CalibrationDays(
        days.arrivals_per_h[keep], days.observed_delay_min[keep], days.day_type[keep], DAY_TYPES
    )
    target = daily[keep]
    # Capacity is what the data identify: search (peak booths, service time) pairs over
    # the grid and keep the pair whose day-type means come closest.
    best_total = (math.inf, service_grid[0], np.ones(len(DAY_TYPES), dtype=np.int64))
    sims: dict[float, FloatArray] = {}
    obs_by_type = np.array([float(target[sub.day_type == k].mean()) for k in range(2)])
    for svc in service_grid:
        cap = np.ones(len(DAY_TYPES), dtype=np.int64)
        sim_by_type = np.zeros(len(DAY_TYPES))
        for k in range(len(DAY_TYPES)):
            sel = sub.day_type == k
            sel_days = CalibrationDays(
                sub.arrivals_per_h[sel], sub.observed_delay_min[sel],
                np.full(int(sel.sum()), k, dtype=np.int64), DAY_TYPES,
            )  # fmt: skip
            best = (math.inf, 1, 0.0)
            for c in range(1, max_booths + 1):
                trial = cap.copy()
                trial[k] = c
                m = float(np.mean(_daily_mean_delay(sel_days, trial, svc, seed)))
                if abs(m - obs_by_type[k]) < best[0]:
                    best = (abs(m - obs_by_type[k]), c, m)
                if m < obs_by_type[k]:
                    break  # more booths only lower the delay further
            cap[k], sim_by_type[k] = best[1], best[2]
        sims[svc] = sim_by_type
        err = float(np.sum((sim_by_type - obs_by_type) ** 2))
        if err < best_total[0]:
            best_total = (err, svc, cap)
    _, service_min, cap = best_total
    sim_by_type = sims[service_min]
    vdays, vused, vdaily = northbound_days(con, lane, *validate)
    vsim = _daily_mean_delay(vdays, cap, service_min, seed + 7, VALIDATION_REPLICATIONS)
    weekday_mean = {
        w: float(np.mean([daily[i] for i, d in enumerate(used) if d.weekday() == w]))
        for w in range(7)
    }
    base = np.array([weekday_mean[d.weekday()] for d in vused])
    fit = DailyFit(lane, service_min, cap, sim_by_type, obs_by_type)
    score = DayScore(
        period=validate,
        hours=len(vused),
        mae_twin_min=float(np.mean(np.abs(vsim - vdaily))),
        mae_previous_year_min=float(np.mean(np.abs(base - vdaily))),
        bias_twin_min=float(np.mean(vsim - vdaily)),
    )
    return fit, score


__all__ = [
    "DAY_TYPES",
    "MAX_GENERAL_BOOTHS",
    "PEACE_ARCH",
    "SERVICE_GRID",
    "DailyFit",
    "DayScore",
    "PortCalibration",
    "calibrate_northbound",
    "calibrate_southbound",
    "calibrated_north_scenario",
    "calibrated_scenario",
    "calibration_to_dict",
    "day_type_of",
    "northbound_days",
    "southbound_days",
]
