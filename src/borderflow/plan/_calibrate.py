"""Calibrating a port's capacity against measured delays (the twin, fitted to data).

What the data can and cannot say. A delay series (average queue time of the vehicles
arriving in each hour) together with the arrivals tells how many vehicles per hour the
lanes **cleared** while a queue stood: the capacity. It cannot tell booths from service
time: 5 booths at 0.5 min and 10 booths at 1 min clear the same 600 vehicles/hour and,
once a queue stands, give nearly the same waits. And where no queue forms (night hours),
any capacity above demand fits: capacity is only bounded from below there.

Method (``capacity-by-hour v1``, stated in every output):

1. Training days, each with its own hourly arrival rates [vehicles/hour] and observed
   mean delay by hour of arrival [minutes], grouped into day types (e.g. Mon–Thu and
   Fri–Sun) that share one booth schedule.
2. For a fixed mean service time ``s`` [minutes] (exponential), one booth schedule per day
   type (open booths by hour, between 1 and the port's booth count) is fitted by
   coordinate descent over the hours, in clock order, minimising the squared error
   between the simulated and observed delay profiles (means over the day type's days by
   hour). Every evaluation simulates every training day with the same random numbers
   (common random numbers: draws depend on arrivals only, not on booths), so candidates
   are compared on identical vehicles.
3. Capacity by hour = booths × 60 / ``s`` [vehicles/hour]. Repeating step 2 for several
   service times gives the (booths, service time) pairs consistent with the data; the
   capacities they imply are what is identified.
4. Identification per hour: the booth counts whose simulated delay in that hour stays
   within the tolerance of the observed one (others held at the fit). An upper end equal
   to the port's booth count means "at least the lower end": the hour is not binding.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    VehicleDraws,
    draw_vehicles,
    replication_seed,
    run_draws,
)

FloatArray = npt.NDArray[np.float64]

#: Name and version of the calibration method.
CALIBRATION_METHOD = "capacity-by-hour v1"
#: Absolute and relative tolerance [minutes, fraction] of the identification ranges.
RANGE_TOLERANCE_MIN = 1.0
RANGE_TOLERANCE_REL = 0.15
#: Penalty of one change of the booth count between consecutive hours [min²]: staffing
#: moves in shifts, and a schedule that changes every hour mostly fits noise.
CHANGE_PENALTY = 4.0


@dataclass(frozen=True)
class CalibrationDays:
    """Training (or validation) days for one lane type of one port direction.

    Attributes
    ----------
    arrivals_per_h : ndarray, shape (D, 24)
        Arrival rate of each day's clock hours [vehicles/hour].
    observed_delay_min : ndarray, shape (D, 24)
        Observed mean delay of vehicles arriving in each hour [minutes]; NaN = missing.
    day_type : ndarray of int, shape (D,)
        Day type of each day (index into ``day_type_names``).
    day_type_names : tuple of str
        Names of the day types (e.g. ``("Mon-Thu", "Fri-Sun")``).
    """

    arrivals_per_h: FloatArray
    observed_delay_min: FloatArray
    day_type: npt.NDArray[np.int64]
    day_type_names: tuple[str, ...]

    def __post_init__(self) -> None:
        a, o = self.arrivals_per_h, self.observed_delay_min
        if a.ndim != 2 or a.shape[1] != 24 or o.shape != a.shape:
            raise ValueError(
                f"arrivals_per_h {a.shape} and observed_delay_min {o.shape} must both be (days, 24)"
            )
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise ValueError("arrivals_per_h must be finite and >= 0 [vehicles/hour]")
        if self.day_type.shape != (a.shape[0],):
            raise ValueError(f"day_type has shape {self.day_type.shape}, needs ({a.shape[0]},)")
        if a.shape[0] and (
            self.day_type.min() < 0 or self.day_type.max() >= len(self.day_type_names)
        ):
            raise ValueError("day_type indexes must be in range(len(day_type_names))")


@dataclass(frozen=True)
class CapacityFit:
    """A fitted booth schedule per day type for one service time.

    Attributes
    ----------
    service_min : float
        Mean primary service time assumed [minutes].
    booths : ndarray of int, shape (K, 24)
        Open booths by day type and clock hour.
    capacity_per_h : ndarray, shape (K, 24)
        Booths × 60 / ``service_min`` [vehicles/hour].
    simulated_delay_min : ndarray, shape (K, 24)
        Mean simulated delay by day type and hour of arrival [minutes].
    observed_delay_min : ndarray, shape (K, 24)
        Mean observed delay by day type and hour [minutes].
    booth_range : ndarray of int, shape (K, 24, 2)
        Lowest and highest booth count that keeps the hour's simulated delay within the
        tolerance of the observed one (others at the fit); the highest equal to
        ``max_booths`` means the hour is not binding.
    rmse_min : float
        Root-mean-square error of the fitted profiles over the hours [minutes].
    max_booths : int
        The port's booth count (upper bound of the search).
    """

    service_min: float
    booths: npt.NDArray[np.int64]
    capacity_per_h: FloatArray
    simulated_delay_min: FloatArray
    observed_delay_min: FloatArray
    booth_range: npt.NDArray[np.int64]
    rmse_min: float
    max_booths: int


def _day_spec(rates: FloatArray, booths: Sequence[int], service_min: float) -> PortSpec:
    return PortSpec(
        name="calibration day",
        direction="US-bound",
        horizon_hours=24,
        classes=(
            TrafficClass(
                "cars",
                tuple(float(r) for r in rates),
                {"general": Exponential(service_min)},
            ),
        ),
        lane_groups=(
            LaneGroup("general", "general", BoothSchedule(tuple(int(b) for b in booths))),
        ),
    )


def _hourly_mean_wait(spec: PortSpec, draws: VehicleDraws) -> FloatArray:
    """Mean wait of the vehicles arriving in each hour [minutes] (NaN for empty hours)."""
    rec = run_draws(spec, draws)
    hour = np.minimum((rec.arrival_min // 60.0).astype(np.int64), 23)
    n = np.bincount(hour, minlength=24).astype(np.float64)
    total = np.bincount(hour, rec.start_min - rec.arrival_min, minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / n, np.nan)


class _DayType:
    """The training days of one day type, drawn once (common random numbers)."""

    def __init__(
        self, rates: FloatArray, observed: FloatArray, service_min: float, seed: int
    ) -> None:
        self.rates = rates
        self.service_min = service_min
        self.observed = np.array(
            [np.nan if np.all(np.isnan(c)) else float(np.nanmean(c)) for c in observed.T]
        )
        self._cache: dict[tuple[int, ...], FloatArray] = {}
        ones = (1,) * 24
        self.draws = [
            draw_vehicles(_day_spec(r, ones, service_min), replication_seed(seed, i))
            for i, r in enumerate(rates)
        ]

    def cached_simulate(self, booths: npt.NDArray[np.int64]) -> FloatArray:
        """:meth:`simulate`, remembering every schedule already run."""
        key = tuple(int(x) for x in booths)
        if key not in self._cache:
            self._cache[key] = self.simulate(key)
        return self._cache[key]

    def simulate(self, booths: Sequence[int]) -> FloatArray:
        """Mean simulated delay by hour over the day type's days [minutes]."""
        waits = np.array(
            [
                _hourly_mean_wait(_day_spec(r, booths, self.service_min), d)
                for r, d in zip(self.rates, self.draws, strict=True)
            ]
        )
        with np.errstate(invalid="ignore"):
            out: FloatArray = np.nanmean(waits, axis=0) if waits.size else np.full(24, np.nan)
        return out

    def error(self, sim: FloatArray, booths: npt.NDArray[np.int64]) -> float:
        """Squared error of the profile [min²] plus a penalty per change of booths."""
        ok = ~np.isnan(self.observed) & ~np.isnan(sim)
        changes = int(np.count_nonzero(np.diff(booths)))
        return float(np.sum((sim[ok] - self.observed[ok]) ** 2)) + CHANGE_PENALTY * changes


def _forward_start(
    observed: FloatArray,
    max_booths: int,
    run: Callable[[npt.NDArray[np.int64]], FloatArray],
) -> npt.NDArray[np.int64]:
    """Return a starting schedule, fitted hour by hour in clock order (shooting).

    A vehicle's wait depends on the capacity of its own hour and the hours before it (and
    of the next hour while a long queue stands), not on later hours. So hour ``h`` takes
    the booth count that best matches the observed delay of hours ``h`` and ``h + 1``,
    with the earlier hours fixed and the later ones provisionally equal to it.
    """
    b = np.ones(24, dtype=np.int64)
    for h in range(24):
        if np.isnan(observed[h]):
            continue
        best_c, best_e = 1, math.inf
        for c in range(1, max_booths + 1):
            trial = b.copy()
            trial[h:] = c
            sim = run(trial)
            e = (sim[h] - observed[h]) ** 2
            if h + 1 < 24 and not np.isnan(observed[h + 1]):
                e += 0.5 * (sim[h + 1] - observed[h + 1]) ** 2
            # Ties (an hour that does not bind) go to the fewest booths.
            if e < best_e - 1e-9:
                best_c, best_e = c, e
        b[h:] = best_c
    return b


def _tolerance(observed: float) -> float:
    return max(RANGE_TOLERANCE_MIN, RANGE_TOLERANCE_REL * observed)


def fit_capacity(
    days: CalibrationDays,
    service_min: float,
    max_booths: int,
    *,
    sweeps: int = 2,
    seed: int = 0,
) -> CapacityFit:
    """Fit a booth schedule per day type for one service time (method ``capacity-by-hour v1``).

    Parameters
    ----------
    days : CalibrationDays
        Training days: arrivals [vehicles/hour] and observed delays [minutes].
    service_min : float
        Mean primary service time [minutes] (exponential).
    max_booths : int
        The port's booth count for this lane type (the search is 1..max_booths).
    sweeps : int
        Passes of coordinate descent over the 24 hours.
    seed : int
        Root seed of the common random numbers.

    Returns
    -------
    CapacityFit
        The schedule, the capacity it implies [vehicles/hour], fitted and observed
        profiles [minutes] and the identification range of every hour.
    """
    if not (math.isfinite(service_min) and service_min > 0):
        raise ValueError(f"service_min = {service_min!r}: must be > 0 [minutes]")
    if max_booths < 1:
        raise ValueError(f"max_booths = {max_booths!r}: must be >= 1")
    K = len(days.day_type_names)
    booths = np.ones((K, 24), dtype=np.int64)
    sim = np.full((K, 24), np.nan)
    observed = np.full((K, 24), np.nan)
    ranges = np.zeros((K, 24, 2), dtype=np.int64)
    for k in range(K):
        sel = days.day_type == k
        if not np.any(sel):
            continue
        dt = _DayType(
            days.arrivals_per_h[sel], days.observed_delay_min[sel], service_min, seed + 1000 * k
        )
        observed[k] = dt.observed
        run = dt.cached_simulate

        b = _forward_start(dt.observed, max_booths, run)

        for _ in range(sweeps):
            changed = False
            for h in range(24):
                best_c, best_e = int(b[h]), dt.error(run(b), b)
                # Local moves only: the profile responds smoothly to one booth more or
                # less, while jumps across the range find spurious fits (an early
                # bottleneck imitating a later one).
                for c in range(max(1, b[h] - 2), min(max_booths, b[h] + 2) + 1):
                    if c == b[h]:
                        continue
                    trial = b.copy()
                    trial[h] = c
                    e = dt.error(run(trial), trial)
                    if e < best_e - 1e-12:
                        best_c, best_e = c, e
                if best_c != b[h]:
                    b[h] = best_c
                    changed = True
            if not changed:
                break
        booths[k] = b
        sim[k] = run(b)
        for h in range(24):
            obs = dt.observed[h]
            ok = []
            for c in range(1, max_booths + 1):
                trial = b.copy()
                trial[h] = c
                s_h = run(trial)[h]
                if np.isnan(obs) or (not np.isnan(s_h) and abs(s_h - obs) <= _tolerance(obs)):
                    ok.append(c)
            ranges[k, h] = (min(ok), max(ok)) if ok else (b[h], b[h])
    good = ~np.isnan(sim) & ~np.isnan(observed)
    rmse = float(np.sqrt(np.mean((sim[good] - observed[good]) ** 2))) if good.any() else math.nan
    return CapacityFit(
        service_min=float(service_min),
        booths=booths,
        capacity_per_h=np.asarray(booths * 60.0 / service_min, dtype=np.float64),
        simulated_delay_min=sim,
        observed_delay_min=observed,
        booth_range=ranges,
        rmse_min=rmse,
        max_booths=int(max_booths),
    )


def simulate_days(
    days: CalibrationDays, fit: CapacityFit, *, seed: int = 0, replications: int = 1
) -> FloatArray:
    """Simulate the mean delay of every day and hour under a fitted schedule [minutes].

    Parameters
    ----------
    days : CalibrationDays
        Days to simulate (e.g. a validation period not used for fitting).
    fit : CapacityFit
        The fitted schedule (one per day type) and service time.
    seed : int
        Root seed.
    replications : int
        Independent runs of each day; their hourly means are averaged, as the twin's
        wait prediction does (:func:`borderflow.plan.predict_waits`). Run 0 of day ``i``
        draws from ``SeedSequence(seed, spawn_key=(i,))``, run ``r > 0`` from
        ``spawn_key=(i, r)``.

    Returns
    -------
    ndarray, shape (D, 24)
        Mean delay of vehicles arriving in each hour of each day, averaged over the
        replications [minutes] (NaN where no vehicle arrived in any).
    """
    if replications < 1:
        raise ValueError(f"replications = {replications}: must be >= 1")
    out = np.full(days.arrivals_per_h.shape, np.nan)
    for i, (rates, k) in enumerate(zip(days.arrivals_per_h, days.day_type, strict=True)):
        spec = _day_spec(rates, tuple(int(x) for x in fit.booths[k]), fit.service_min)
        runs = [
            _hourly_mean_wait(
                spec,
                draw_vehicles(
                    spec,
                    replication_seed(seed, i)
                    if r == 0
                    else np.random.SeedSequence(seed, spawn_key=(i, r)),
                ),
            )
            for r in range(replications)
        ]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an hour empty in every run
            out[i] = np.nanmean(runs, axis=0)
    return out


__all__ = [
    "CALIBRATION_METHOD",
    "CalibrationDays",
    "CapacityFit",
    "fit_capacity",
    "simulate_days",
]
