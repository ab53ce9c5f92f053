"""Week-ahead wait forecasts at Peace Arch from the shipped Cascade Gateway data.

U.S.-bound (southbound): hourly average delay of the general car lanes, 2013-2018.
Canada-bound (northbound): daily average delay of the general and NEXUS lanes,
2018-01 to 2019-06. The hourly model is fitted on the shipped data only; a history file
brings newer observations, used only as lag features for steps at least ``lead`` after
them. The daily model (``_waits_daily``) is not fitted: it estimates everything from the
observations at or before each day's cutoff. Backtest semantics, both: truncating the
file after ``h - lead`` leaves the forecast for ``h`` unchanged. See ``docs/waits.md``.

Time: the shipped hourly file writes local Pacific clock time with exactly 24 rows per
day (on the spring-forward day the 02:00 row exists and is empty; on the fall-back day
01:00 appears once). The forecasts use the same clock grid: 24 hours every day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from borderflow._config import shipped_data_dir
from borderflow.data import (
    DataFormatError,
    read_peace_arch_hourly_delay,
    read_peace_arch_north_daily,
)
from borderflow.demand._waits_calendar import CALENDAR_FEATURES, calendar_features
from borderflow.demand._waits_daily import DailyParams, daily_forecast
from borderflow.demand._waits_features import LagSpec, lag_feature_names, recent_ratio
from borderflow.demand._waits_model import (
    QuantileTrio,
    WaitModelParams,
    conformal_pads,
    design,
    fit_trio,
    training_cutoffs,
)

__all__ = [
    "DAILY_LANES",
    "WaitForecast",
    "WaitModel",
    "WaitSeries",
    "fit_wait_model",
    "forecast_waits",
    "read_wait_history",
    "shipped_waits",
    "wait_model",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Lanes of the Canada-bound daily series, in output order.
DAILY_LANES: tuple[str, ...] = ("general", "nexus")

_HOURLY_GLOB = "peace_arch_southbound_cars_hourly_delay_*.csv.gz"
_DAILY_GLOB = "peacearch_N_cars_*.csv.gz"
_MODEL_VERSION = "waits-3"

#: Recent-level rule of the hourly forecast (docs/waits.md). The week of observations
#: ending at the newest one before a forecast's cutoff is compared with the model's own
#: forecasts of those hours (each at the same lead): ``ratio = (observed + pad) /
#: (forecast + pad)``, minutes summed over ``LEVEL_WINDOW`` hours. The trees read the
#: calendar as much as the lags, so when the level of the delays moves (2015, when
#: the Canadian dollar fell; a closure) they follow late.
LEVEL_WINDOW = 168
LEVEL_PAD_MIN = 24.0
#: A closure: under this ratio, point and interval are scaled by the ratio itself. No
#: week of 2013-2018 comes near it (lowest ratio about 0.5).
CLOSURE_RATIO = 0.3
#: Otherwise the point forecast is scaled by ``ratio ** LEVEL_ALPHA`` when the newest
#: observation is at most ``LEVEL_MAX_AGE_H`` hours old (a stale week says little about
#: a forecast months ahead). Chosen on the 2015 and 2016 holdouts (models fitted on the
#: years before each; tools/validate_waits.py prints the comparison).
LEVEL_ALPHA = 0.3
LEVEL_MAX_AGE_H = 336

HOURLY_SPEC = LagSpec(week=168, day=24, year=8736, levels=(24, 168, 672), year_margin=336)
DAILY_SPEC = LagSpec(week=7, day=0, year=364, levels=(1, 7, 28), year_margin=14)


@dataclass(frozen=True)
class WaitSeries:
    """Observed average delays on a regular local-time grid.

    Parameters
    ----------
    resolution
        ``"hourly"`` (U.S.-bound general cars) or ``"daily"`` (Canada-bound).
    start
        First step (naive local time; midnight for daily).
    values
        Lane -> delays (minutes) per step from ``start``; NaN = no observation. Hourly
        has the lane ``"general"``; daily ``"general"`` and ``"nexus"``.
    """

    resolution: str
    start: dt.datetime
    values: dict[str, FloatArray]

    @property
    def step(self) -> dt.timedelta:
        """Grid step (1 hour or 1 day)."""
        return dt.timedelta(hours=1) if self.resolution == "hourly" else dt.timedelta(days=1)

    def __len__(self) -> int:
        return len(next(iter(self.values.values())))

    @property
    def end(self) -> dt.datetime:
        """Last step of the grid."""
        return self.start + (len(self) - 1) * self.step

    def times(self) -> pd.DatetimeIndex:
        """Local times of the steps."""
        freq = "h" if self.resolution == "hourly" else "D"
        return pd.date_range(self.start, periods=len(self), freq=freq)

    def until(self, last: dt.datetime) -> WaitSeries:
        """Return the series cut after step ``last`` (inclusive)."""
        n = max(0, int((last - self.start) / self.step) + 1)
        return replace(self, values={k: v[:n].copy() for k, v in self.values.items()})

    def since(self, first: dt.datetime) -> WaitSeries:
        """Return the series from step ``first`` on (``first`` on the grid)."""
        off = max(0, int((first - self.start) / self.step))
        start = self.start + off * self.step
        return replace(
            self, start=start, values={k: v[off:].copy() for k, v in self.values.items()}
        )

    def extended(self, newer: WaitSeries) -> WaitSeries:
        """Return the series followed by the steps of ``newer`` after its end (gaps = NaN)."""
        if newer.resolution != self.resolution:
            raise ValueError("cannot join an hourly and a daily series")
        if len(newer) == 0 or newer.end <= self.end:
            return self
        n_total = int((newer.end - self.start) / self.step) + 1
        off = int((newer.start - self.start) / self.step)
        out = {}
        for lane, v in self.values.items():
            arr = np.full(n_total, np.nan)
            arr[: len(v)] = v
            nv = newer.values[lane]
            skip = max(0, len(v) - off)  # newer steps the shipped data already covers
            arr[off + skip : off + len(nv)] = nv[skip:]
            out[lane] = arr
        return replace(self, values=out)


def _series_from_frame(
    resolution: str, times: pd.Series, lanes: dict[str, pd.Series]
) -> WaitSeries:
    step = "h" if resolution == "hourly" else "D"
    idx = pd.DatetimeIndex(pd.to_datetime(times))
    grid = pd.date_range(idx.min(), idx.max(), freq=step)
    values: dict[str, FloatArray] = {}
    for lane, vals in lanes.items():
        s = pd.Series(np.asarray(vals, dtype=np.float64), index=idx)
        # a repeated step (the fall-back hour written twice) counts once, as its mean
        s = s.groupby(level=0).mean()
        values[lane] = np.asarray(s.reindex(grid).to_numpy(dtype=np.float64), dtype=np.float64)
    return WaitSeries(resolution, grid[0].to_pydatetime(), values)


def _shipped_file(pattern: str) -> Path:
    files = sorted((shipped_data_dir() / "cascade_gateway").glob(pattern))
    if not files:
        raise FileNotFoundError(
            f"no shipped Cascade Gateway file {pattern} in {shipped_data_dir() / 'cascade_gateway'}"
        )
    return files[-1]


def _read(path: Path, resolution: str) -> WaitSeries:
    if resolution == "hourly":
        res = read_peace_arch_hourly_delay(path)
        df = res.table.to_pandas()
        if len(df) == 0:
            raise DataFormatError(path, "no data rows")
        bad = df.index[df["direction"] != "southbound"]
        if len(bad):
            raise DataFormatError(
                path,
                "only U.S.-bound (Southbound) rows are supported in an hourly history file",
                line=int(bad[0]) + 2,
                column="direction",
                value=str(df["direction"].iloc[bad[0]]),
            )
        _check_crossing(path)
        return _series_from_frame("hourly", df["hour_start"], {"general": df["delay_min"]})
    if resolution == "daily":
        res = read_peace_arch_north_daily(path)
        df = res.table.to_pandas()
        if len(df) == 0:
            raise DataFormatError(path, "no data rows")
        wide = df.pivot_table(
            index="day", columns="lane", values="avg_delay_min", aggfunc="mean", dropna=False
        )
        wide = wide.reindex(columns=list(DAILY_LANES))
        return _series_from_frame(
            "daily",
            pd.Series(pd.to_datetime(wide.index)),
            {lane: wide[lane] for lane in DAILY_LANES},
        )
    raise ValueError(f"unknown resolution {resolution!r} (expected 'hourly' or 'daily')")


def _check_crossing(path: Path) -> None:
    """Refuse rows of another crossing (the hourly reader does not read that column)."""
    import csv
    import gzip
    import io

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    header = next(reader, [])
    names = [h.strip().lower() for h in header]
    if "crossing" not in names:
        return
    col = names.index("crossing")
    for line, row in enumerate(reader, start=2):
        if len(row) > col and row[col].strip().lower() != "peace arch":
            raise DataFormatError(
                path,
                "only Peace Arch rows are supported",
                line=line,
                column=header[col],
                value=row[col],
            )


def shipped_waits(resolution: str) -> WaitSeries:
    """Read the shipped Peace Arch delays: ``"hourly"`` U.S.-bound, ``"daily"`` Canada-bound."""
    pattern = _HOURLY_GLOB if resolution == "hourly" else _DAILY_GLOB
    return _read(_shipped_file(pattern), resolution)


def read_wait_history(path: Path | str, resolution: str) -> WaitSeries:
    """Read a history file with the shipped file's columns (newer observations).

    Parameters
    ----------
    path
        CSV (or .csv.gz). Hourly: ``hour_start,crossing,direction,lane,delay_min,source``
        as the shipped southbound file; daily: the shipped northbound file's columns
        (``Group Starts``, ``Avg - Delay (Peace Arch North Cars)``, ...).
    resolution
        ``"hourly"`` or ``"daily"``.

    Returns
    -------
    WaitSeries
        The observations on a regular grid (missing steps are NaN).

    Raises
    ------
    borderflow.data.DataFormatError
        Malformed file (names file, line, column and value), or rows of another
        crossing or direction. A file with the right header and no rows is an empty
        history (what a backtest gets when it cuts a file before its first row).
    """
    path = Path(path)
    try:
        return _read(path, resolution)
    except DataFormatError as exc:
        # a file cut before its first data row (a truncated backtest history) is an
        # empty history, provided its header is the expected one
        if not exc.problem.startswith("no data rows") or not _header_ok(path, resolution):
            raise
    lanes = ("general",) if resolution == "hourly" else DAILY_LANES
    return WaitSeries(resolution, dt.datetime(1970, 1, 1), {k: np.empty(0) for k in lanes})


def _header_ok(path: Path, resolution: str) -> bool:
    import gzip

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    first = raw.decode("utf-8-sig", errors="replace").splitlines()[0].lower()
    need = ("hour_start", "delay_min") if resolution == "hourly" else ("group starts",)
    return all(n in first for n in need)


# --- model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitModel:
    """A fitted wait model and the series it was fitted on.

    Parameters
    ----------
    resolution
        ``"hourly"`` or ``"daily"``.
    base
        The observations the model was fitted on (the shipped data, or a training part);
        the daily model estimates everything from them (and a history file) at forecast
        time, so for it this is just the data it starts from.
    trio
        Hourly: median and 80%-interval quantile models (None for the daily model).
    lead
        Information age (steps) of the main training examples.
    fingerprint
        sha256 of the training data (cache key and provenance).
    feature_names
        Hourly: the design columns.
    daily
        Daily: the settings of the online level x weekday x special-day model.
    """

    resolution: str
    base: WaitSeries
    trio: QuantileTrio | None
    lead: int
    fingerprint: str
    feature_names: tuple[str, ...] = field(default=())
    daily: DailyParams | None = None

    @property
    def spec(self) -> LagSpec:
        """Periods of the series."""
        return HOURLY_SPEC if self.resolution == "hourly" else DAILY_SPEC

    def predict(self, X: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Hourly: point forecast and 80% interval (minutes) for design rows ``X``."""
        if self.trio is None:
            raise ValueError("the daily model has no design rows: use forecast_waits")
        return self.trio.predict(X)


@dataclass(frozen=True)
class _Settings:
    params: WaitModelParams
    extra_ages: int


#: Hourly settings, chosen on the training side of the validation splits
#: (docs/validation-waits.md): six years of data, a direct model with deep trees. The
#: daily series (18 months) gets the online statistical model of ``_waits_daily``.
_DEFAULTS = {"hourly": _Settings(WaitModelParams(), extra_ages=2)}
_DAILY = DailyParams()


def _feature_names(resolution: str) -> tuple[str, ...]:
    spec = HOURLY_SPEC if resolution == "hourly" else DAILY_SPEC
    head = ("hour",) if resolution == "hourly" else ("lane",)
    return head + CALENDAR_FEATURES + lag_feature_names(spec)


def _design_rows(
    series: WaitSeries, times: pd.DatetimeIndex, cut_steps: IntArray, lane: str
) -> FloatArray:
    """Hourly features for steps ``times`` with cutoffs ``cut_steps`` (grid positions)."""
    if series.resolution != "hourly":
        raise ValueError("design rows are those of the hourly model")
    targets = _positions(series, times)
    cal = calendar_features(times).to_numpy(dtype=np.float64)
    head = np.asarray(times.hour, dtype=np.float64)[:, None]
    y = series.values[lane]
    need = int(max(cut_steps.max(initial=0), 0)) + 1
    if len(y) < need:
        y = np.concatenate((y, np.full(need - len(y), np.nan)))
    return np.column_stack([head, design(y, targets, cut_steps, HOURLY_SPEC, cal)])


def _positions(series: WaitSeries, times: pd.DatetimeIndex) -> IntArray:
    delta = times - pd.Timestamp(series.start)
    unit = pd.Timedelta(series.step)
    return np.asarray(delta // unit, dtype=np.int64)


def _fingerprint(series: WaitSeries, lead: int, settings: str) -> str:
    h = hashlib.sha256()
    tag = f"{_MODEL_VERSION}|{series.resolution}|{series.start}|{lead}|{settings}"
    h.update(tag.encode())
    for lane in sorted(series.values):
        h.update(lane.encode())
        h.update(np.ascontiguousarray(series.values[lane]).tobytes())
    return h.hexdigest()


def _hourly_settings(params: WaitModelParams, extra: int) -> str:
    # the ending "|False" keeps the cache keys of models fitted before the daily model
    # stopped being a residual GBM (same hourly fits, no refit needed)
    return f"{params}|{extra}|False"


def fit_wait_model(
    series: WaitSeries,
    *,
    lead: int | None = None,
    params: WaitModelParams | None = None,
    extra_ages: int | None = None,
    calibrate: bool = False,
    progress: Callable[[str], None] | None = None,
) -> WaitModel:
    """Fit the week-ahead wait model on a series (deterministic).

    Hourly (U.S.-bound): three gradient-boosted quantile models. Daily (Canada-bound):
    nothing is fitted in advance; the level x weekday x special-day model of
    ``_waits_daily`` estimates everything at forecast time from the observations at or
    before each forecast's cutoff (``series`` and any history file).

    Parameters
    ----------
    series
        Observations to learn from (the shipped data, or its training part).
    lead
        Main information age of the training examples, steps (default one week: 168
        hours or 7 days).
    params
        Hourly boosting settings (default: those of :data:`_DEFAULTS`).
    extra_ages
        Hourly: extra copies of each target with older information (log-uniform ages
        up to 400 days), so the model also serves forecasts far past the newest
        observation.
    calibrate
        Hourly: widen/narrow the quantile band by conformal pads measured on the last
        year of ``series`` with models fitted on the years before it (one extra fit).
    progress
        Called with the name of each fit as it starts.

    Returns
    -------
    WaitModel

    Raises
    ------
    ValueError
        Boosting settings (``params``, ``extra_ages``, ``calibrate``) for the daily
        model, which has none.
    """
    spec = HOURLY_SPEC if series.resolution == "hourly" else DAILY_SPEC
    if lead is None:
        lead = spec.week
    if series.resolution == "daily":
        if params is not None or extra_ages is not None or calibrate:
            raise ValueError(
                "params, extra_ages and calibrate belong to the hourly model; the daily "
                "model is not fitted (its settings are DailyParams)"
            )
        fingerprint = _fingerprint(series, lead, repr(_DAILY))
        return WaitModel("daily", series, None, lead, fingerprint, daily=_DAILY)
    defaults = _DEFAULTS[series.resolution]
    params = params or defaults.params
    extra_ages = defaults.extra_ages if extra_ages is None else extra_ages
    fingerprint = _fingerprint(series, lead, _hourly_settings(params, extra_ages))
    names = _feature_names(series.resolution)
    X, y, when = _training_set(series, lead, extra_ages, params.seed)
    cat = [n in {"lane"} for n in names]
    lo_pad = hi_pad = 0.0
    if calibrate:
        # calibration year: the last 52 weeks, at the main lead only
        split = series.start + (len(series) - spec.year) * series.step
        fit_part = when < np.datetime64(split)
        trio0 = fit_trio(X[fit_part], y[fit_part], params, cat, progress)
        Xc, yc, _ = _training_set(series, lead, 0, params.seed, since=split)
        lo_pad, hi_pad = conformal_pads(trio0, Xc, yc)
    trio = fit_trio(X, y, params, cat, progress)
    trio = replace(trio, lo_pad=lo_pad, hi_pad=hi_pad)
    return WaitModel(series.resolution, series, trio, lead, fingerprint, names)


def _training_set(
    series: WaitSeries,
    lead: int,
    extra: int,
    seed: int,
    since: dt.datetime | None = None,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.datetime64]]:
    times_all = series.times()
    rng = np.random.default_rng(seed)
    max_age = 400 * (24 if series.resolution == "hourly" else 1)
    xs, ys, ws = [], [], []
    for lane, vals in series.values.items():
        ok = ~np.isnan(vals)
        if since is not None:
            ok &= np.asarray(times_all >= pd.Timestamp(since))
        targets = np.flatnonzero(ok).astype(np.int64)
        t, c = training_cutoffs(targets, lead, extra, max_age, rng)
        times = times_all[t]
        xs.append(_design_rows(series, times, c, lane))
        ys.append(vals[t])
        ws.append(times.to_numpy())
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)


# --- cache -------------------------------------------------------------------------------


def _cache_dir() -> Path:
    env = os.environ.get("BORDERFLOW_CACHE_DIR")
    return Path(env) if env else shipped_data_dir().parent / ".cache" / "waits"


def wait_model(resolution: str, *, progress: Callable[[str], None] | None = None) -> WaitModel:
    """Return the model fitted on the shipped data, from the cache when it holds it.

    The cache (``.cache/waits/`` beside ``data/``, or ``$BORDERFLOW_CACHE_DIR``) is keyed
    by the sha256 of the training data, model version and settings; the fit is
    deterministic, so the cache only saves time (a failed read or write refits).
    """
    series = shipped_waits(resolution)
    if resolution == "daily":
        return fit_wait_model(series)  # nothing to fit: estimated at forecast time
    d = _DEFAULTS[resolution]
    key = _fingerprint(series, HOURLY_SPEC.week, _hourly_settings(d.params, d.extra_ages))
    path = _cache_dir() / f"{resolution}-{key[:24]}.pkl"
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)
        if isinstance(model, WaitModel) and model.fingerprint == key:
            return model
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    model = fit_wait_model(series, progress=progress)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return model


# --- forecast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitForecast:
    """Forecast delays with their 80% interval.

    Parameters
    ----------
    resolution
        ``"hourly"`` or ``"daily"``.
    lane
        Lane per row (``"general"``/``"nexus"``).
    times
        Local step start per row.
    delay_min, lo, hi
        Median forecast and 80% interval, minutes.
    info_age
        Steps between each row and the newest observation its forecast used.
    newest_used
        Newest observation time used by any row (None: no data at all).
    """

    resolution: str
    lane: tuple[str, ...]
    times: pd.DatetimeIndex
    delay_min: FloatArray
    lo: FloatArray
    hi: FloatArray
    info_age: FloatArray
    newest_used: dt.datetime | None


def _level_scales(
    model: WaitModel, series: WaitSeries, cut: IntArray, lead: int, lane: str, age: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Factors of the hourly point forecast and of its interval (the recent-level rule).

    The model's own forecasts of the week before each cutoff (same lead, so each reads
    only data at or before its own hour minus ``lead``) against what was observed.
    """
    y = series.values[lane]
    ones = np.ones(len(cut))
    cut = np.minimum(cut, len(y) - 1)
    if not (cut >= 0).any():
        return ones, ones
    first = max(int(cut[cut >= 0].min()) - LEVEL_WINDOW + 1, lead)
    pos = np.arange(first, int(cut.max()) + 1, dtype=np.int64)
    forecast = np.full(len(y), np.nan)
    if len(pos):
        times = pd.DatetimeIndex(pd.Timestamp(series.start) + pos * pd.Timedelta(series.step))
        forecast[pos] = model.predict(_design_rows(series, times, pos - lead, lane))[0]
    ratio = np.nan_to_num(recent_ratio(y, forecast, cut, LEVEL_WINDOW, LEVEL_PAD_MIN), nan=1.0)
    closed = ratio < CLOSURE_RATIO
    band = np.where(closed, ratio, 1.0)
    fresh = ~closed & (age <= LEVEL_MAX_AGE_H)
    point = np.where(fresh, ratio**LEVEL_ALPHA, band)
    return point, band


def forecast_waits(
    model: WaitModel,
    first: dt.date,
    last: dt.date,
    *,
    lead: int | None = None,
    history: WaitSeries | None = None,
    lanes: tuple[str, ...] | None = None,
) -> WaitForecast:
    """Forecast every step of ``first``..``last`` (both days included).

    Parameters
    ----------
    model
        From :func:`wait_model` or :func:`fit_wait_model`.
    first, last
        Local dates, both included (hourly: 24 hours per day, as the shipped file).
    lead
        Steps between a forecast step and the newest observation it may use (hours
        hourly, days daily; default one week).
    history
        Newer observations (e.g. :func:`read_wait_history`); steps the model's data
        already covers are ignored.
    lanes
        Daily lanes to forecast (default both).

    Returns
    -------
    WaitForecast
        Rows ordered by time, then lane.
    """
    spec = model.spec
    lead = spec.week if lead is None else lead
    if lead < 1:
        raise ValueError(f"lead must be at least 1 step, got {lead}")
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    series = model.base if history is None else model.base.extended(history)
    if model.resolution == "hourly":
        times = pd.date_range(
            pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(hours=23), freq="h"
        )
        lane_list: tuple[str, ...] = ("general",)
    else:
        times = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="D")
        lane_list = lanes or DAILY_LANES
    if times[0] < pd.Timestamp(series.start):
        raise ValueError(
            f"{first} is before the first observation ({series.start:%Y-%m-%d}); "
            "the model needs history before the forecast"
        )
    pos = _positions(series, times)
    cut = pos - lead
    parts = []
    for lane in lane_list:
        if model.daily is not None:
            mid, lo, hi, age = daily_forecast(
                series.values[lane], series.start, pos, cut, model.daily, lane
            )
        else:
            X = _design_rows(series, times, cut, lane)
            mid, lo, hi = model.predict(X)
            age = X[:, model.feature_names.index("age")]
            point, band = _level_scales(model, series, cut, lead, lane, age)
            mid, lo, hi = mid * point, lo * band, hi * band
            lo, hi = np.minimum(lo, mid), np.maximum(hi, mid)
        parts.append((lane, mid, lo, hi, age))
    # interleave: time-major, then lane
    k = len(parts)
    n = len(times)
    order_times = np.repeat(np.arange(n), k)
    mid = np.column_stack([p[1] for p in parts]).reshape(-1)
    lo = np.column_stack([p[2] for p in parts]).reshape(-1)
    hi = np.column_stack([p[3] for p in parts]).reshape(-1)
    age = np.column_stack([p[4] for p in parts]).reshape(-1)
    lane_col = tuple(lane for _ in range(n) for lane in lane_list)
    newest: dt.datetime | None = None
    if np.isfinite(age).any():
        used = pos[order_times] - age
        newest_pos = int(np.nanmax(used))
        newest = series.start + newest_pos * series.step
    return WaitForecast(
        model.resolution,
        lane_col,
        times[order_times],
        np.round(mid, 1),
        np.round(lo, 1),
        np.round(hi, 1),
        age,
        newest,
    )
