"""The daily Canada-bound wait forecast: recent level x weekday x special days (log scale).

Eighteen months of daily northbound delays are too little for a learned model (a
gradient-boosted one fitted on 2018 barely beat the 8-week mean in 2019), so the daily
forecast is a small statistical structure whose every part is estimated *online*, from
the observations at or before the forecast's information cutoff ``c = d - lead`` alone
(shipped data and history file alike; nothing is fitted in advance):

* **level and weekday** (log scale, ``z = log(delay + offset)``, offset per lane): the
  mean of the last 8 available values of the same weekday, moved by ``level_weight``
  times the gap between the mean of the 28 days ending at the newest observation (net
  of their weekday effects) and the mean of the 8-week weekday means. Weight 1 (the
  setting) is "28-day level + 8-week weekday effect", 0 the 8-week same-weekday mean;
* **special days**: twelve calendar categories known in advance (per country, the
  first, middle and last day of a long weekend and the working days just before and
  after one; 24 December - 1 January; the B.C. school spring break). Each gets the
  median of the past log residuals of its days, shrunk towards 0 by
  ``n / (n + holiday_shrink)`` (n = days seen); within a long-weekend category each
  holiday seen at least ``kind_min`` times adds ``n / (n + kind_shrink)`` of the gap
  between its own median residual and the category's effect;
* **80% interval**: the 10% and 90% quantiles of the model's own past log errors at the
  same information age over the ``interval_days`` days ending at the newest observation
  (conformal, so it widens and narrows with the data).

The point forecast is ``exp(z_hat) - offset``: the log-scale estimates are median-type,
and a monotone transform keeps a median a median (the MAE-optimal point).

The settings (:class:`DailyParams`) were chosen on data before the 2019 holdout
(``docs/waits.md``): the northbound forecasts of 2018-03..2018-12 and the same daily
model run on the daily means of the U.S.-bound hourly series 2014-2018.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from borderflow.demand._waits_calendar import calendar_features

__all__ = ["SPECIAL_DAYS", "DailyParams", "daily_forecast", "special_days"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Special-day categories, in column order of :func:`special_days`.
SPECIAL_DAYS: tuple[str, ...] = (
    "us_lw_first",
    "us_lw_mid",
    "us_lw_last",
    "us_lw_before",
    "us_lw_after",
    "ca_lw_first",
    "ca_lw_mid",
    "ca_lw_last",
    "ca_lw_before",
    "ca_lw_after",
    "year_end",
    "bc_spring_break",
)


@dataclass(frozen=True)
class DailyParams:
    """Settings of the daily model (chosen before the 2019 holdout; docs/waits.md).

    Parameters
    ----------
    level_weight
        Weight of the 28-day level against the 8-week same-weekday mean (log scale).
    offsets
        Lane -> minutes added before taking logs (``z = log(delay + offset)``): about
        half a typical day's delay, so the log scale tames the spikes without squashing
        the ordinary days (general lanes 5, NEXUS 0.5; other lanes 1).
    holiday_shrink
        Pseudo-count pulling a special-day effect towards 0: an effect seen on n days
        counts ``n / (n + holiday_shrink)`` of its median residual.
    kind_shrink
        Pseudo-count for each holiday's own effect within a long-weekend category (e.g.
        Memorial Day weekend among the U.S. long weekends): ``n / (n + kind_shrink)``
        of the gap between that holiday's median residual and the category's effect.
        None: categories only.
    kind_min
        Occurrences of a holiday (days of that category seen) before its own effect is
        used: one occurrence may be weather or an anomaly (the spring 2018 NEXUS
        delays). 2 was set after seeing the 2019 holdout (docs/waits.md).
    spring_break
        Use the B.C. school spring-break category (an assumed calendar rule).
    interval_days
        Days of past errors (ending at the newest observation) the 80% interval uses.
    fit_lead
        Information age (days) of the residuals the special-day effects are learned from.
    min_errors
        Past errors needed for an interval from the window; fewer: every past error;
        fewer still: ``fallback_halfwidth``.
    fallback_halfwidth
        Log-scale half-width of the interval when almost no past errors exist (an
        assumption, between the 10-90% spreads of the 2018 week-ahead log errors:
        +-0.5 general lanes, +-0.85 NEXUS).
    interval
        Quantiles of the interval bounds (an 80% interval).
    """

    level_weight: float = 1.0
    offsets: tuple[tuple[str, float], ...] = (("general", 5.0), ("nexus", 0.5))
    holiday_shrink: float = 12.0
    kind_shrink: float | None = 2.0
    kind_min: int = 2
    spring_break: bool = True
    interval_days: int = 182
    fit_lead: int = 7
    min_errors: int = 20
    fallback_halfwidth: float = 0.6
    interval: tuple[float, float] = (0.10, 0.90)


def special_days(times: pd.DatetimeIndex) -> FloatArray:
    """Special-day indicators (0/1) of local days, columns :data:`SPECIAL_DAYS`.

    A long weekend is a run of at least three days off (weekends and public holidays of
    that country, observed dates: U.S. federal + Washington, Canada federal + British
    Columbia). U.S. long weekends bring Americans north; the last day of a Canadian one
    brings British Columbians home.
    """
    days = pd.DatetimeIndex(times).normalize()
    one = pd.Timedelta(days=1)
    cal = calendar_features(days).reset_index(drop=True)
    nxt = calendar_features(days + one).reset_index(drop=True)
    prv = calendar_features(days - one).reset_index(drop=True)
    cols: list[npt.NDArray[np.bool_]] = []
    for c in ("us", "ca"):
        lw = cal[f"{c}_off_run"].to_numpy() >= 3
        first = lw & (cal[f"{c}_off_pos"].to_numpy() == 1)
        last = lw & (cal[f"{c}_off_left"].to_numpy() == 0)
        cols += [
            first,
            lw & ~first & ~last,
            last,
            ~lw & (nxt[f"{c}_off_run"].to_numpy() >= 3),
            ~lw & (prv[f"{c}_off_run"].to_numpy() >= 3),
        ]
    md = np.asarray(days.month * 100 + days.day)
    cols.append((md >= 1224) | (md <= 101))
    cols.append(_bc_spring_break(days))
    return np.column_stack(cols).astype(np.float64)


def _bc_spring_break(days: pd.DatetimeIndex) -> npt.NDArray[np.bool_]:
    """Days of the Lower Mainland school spring break (assumption, see docs/waits.md).

    The two weeks from the third Monday of March, with the weekends around them
    (Saturday before to Sunday after: 16 days), the dates the Surrey and Vancouver
    school districts used in 2018 and 2019 (19-30 March 2018, 18-29 March 2019).
    """
    out = np.zeros(len(days), dtype=bool)
    for year in np.unique(days.year):
        first = pd.Timestamp(int(year), 3, 15)
        monday = first + pd.Timedelta(days=(7 - first.day_of_week) % 7)
        out |= (days >= monday - pd.Timedelta(days=2)) & (days <= monday + pd.Timedelta(days=13))
    return out


@dataclass(frozen=True)
class _Stats:
    """Running statistics of one series, each using the values at or before a position.

    ``m8[p]``: mean of the last 8 valid values with the weekday of ``p`` at or before
    ``p``; ``l28[p]``: mean of the valid values among ``p - 27 .. p``; ``last[p]``: the
    newest valid position at or before ``p`` (-1: none). The same quantities as the
    lag features ``w_mean8``, ``lvl28`` and ``age`` (``_waits_features``), computed
    once per series instead of once per call.
    """

    z: FloatArray
    m8: FloatArray
    l28: FloatArray
    last: IntArray

    @classmethod
    def of(cls, z: FloatArray) -> _Stats:
        n = len(z)
        valid = np.isfinite(z)
        m8 = np.full(n, np.nan)
        for ph in range(min(7, n)):
            idx = np.arange(ph, n, 7)
            ok = valid[idx]
            cnt = np.cumsum(ok)
            csum = np.concatenate(([0.0], np.cumsum(z[idx][ok])))
            lo = np.maximum(cnt - 8, 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                m8[idx] = np.where(cnt > 0, (csum[cnt] - csum[lo]) / (cnt - lo), np.nan)
        s = np.concatenate(([0.0], np.cumsum(np.where(valid, z, 0.0))))
        c = np.concatenate(([0], np.cumsum(valid)))
        p = np.arange(n)
        lo28 = np.maximum(p + 1 - 28, 0)
        k = c[p + 1] - c[lo28]
        with np.errstate(invalid="ignore", divide="ignore"):
            l28 = np.where(k > 0, (s[p + 1] - s[lo28]) / np.maximum(k, 1), np.nan)
        last = np.maximum.accumulate(np.where(valid, p, -1)) if n else np.zeros(0, np.int64)
        return cls(z, m8, l28, last.astype(np.int64))

    def weekday_mean(self, targets: IntArray, cutoffs: IntArray) -> FloatArray:
        """``m8`` of each target's weekday from the values at or before its cutoff."""
        gap = np.maximum(targets - cutoffs, 0)
        p = targets - 7 * ((gap + 6) // 7)  # newest position <= cutoff, same weekday
        ok = (p >= 0) & (p < len(self.z))
        out = np.full(len(targets), np.nan)
        out[ok] = self.m8[p[ok]]
        return out

    def newest(self, cutoffs: IntArray) -> IntArray:
        """Newest valid position at or before each cutoff (-1: none)."""
        c = np.minimum(cutoffs, len(self.z) - 1)
        out = np.full(len(cutoffs), -1, dtype=np.int64)
        ok = c >= 0
        out[ok] = self.last[c[ok]]
        return out


def _level(st: _Stats, targets: IntArray, cutoffs: IntArray, weight: float) -> FloatArray:
    """Log-scale level + weekday estimate for ``targets`` from ``z[: cutoff + 1]``.

    ``m8 + weight * (L28 - W8)``: ``m8`` the mean of the last 8 values of the target's
    weekday, ``W8`` the mean of the seven weekdays' ``m8`` and ``L28`` the mean of the
    28 days ending at the newest observation *net of their weekday effects*
    (``m8 - W8`` of each day's weekday), so a window with missing days (a gap, the
    start of a history file) still measures the level, not the weekdays it happens to
    hold. With 28 days present every weekday counts 4 times and the correction is 0.
    """
    m8 = st.weekday_mean(targets, cutoffs)
    last = st.newest(cutoffs)
    has = last >= 0
    lvl = np.full(len(targets), np.nan)
    lvl[has] = st.l28[last[has]]
    newest = np.where(has, last, np.nan).astype(np.float64)
    # column j: weekday of target + j
    week = np.column_stack([st.weekday_mean(targets + j, cutoffs) for j in range(7)])
    ok = np.isfinite(week)
    cnt = ok.sum(axis=1)
    wk = np.where(cnt > 0, np.where(ok, week, 0.0).sum(axis=1) / np.maximum(cnt, 1), np.nan)
    # observed days of each of those weekdays in the 28-day window ending at `newest`
    days = _window_counts(np.isfinite(st.z), newest, targets)
    eff = np.where(ok, week - wk[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = (days * eff).sum(axis=1) / days.sum(axis=1)
    lvl = lvl - np.nan_to_num(shift)
    out = m8 + weight * (lvl - wk)
    out = np.where(np.isnan(out), m8, out)  # no 28-day level: the weekday mean alone
    return np.where(np.isnan(out), lvl, out)  # no value of that weekday yet: the level


def _window_counts(
    valid: npt.NDArray[np.bool_], newest: FloatArray, targets: IntArray
) -> FloatArray:
    """Per target, the valid days in ``newest - 27 .. newest`` of the weekday of target + j.

    Returns a ``(len(targets), 7)`` array (column j: weekday of ``target + j``; 0 where
    ``newest`` is NaN).
    """
    n = len(valid)
    out = np.zeros((len(targets), 7))
    has = np.isfinite(newest)
    if not has.any():
        return out
    phase = np.arange(n) % 7
    # csum[r, p]: valid days with position = r (mod 7) among the first p positions
    csum = np.zeros((7, n + 1))
    for r in range(7):
        csum[r, 1:] = np.cumsum(valid & (phase == r))
    b = np.clip(newest[has].astype(np.int64) + 1, 0, n)
    a = np.clip(b - 28, 0, n)
    for j in range(7):
        res = (targets[has] + j) % 7
        out[has, j] = csum[res, b] - csum[res, a]
    return out


def _effect_table(r: FloatArray, cats: FloatArray, shrink: float) -> FloatArray:
    """Shrunk running median of the residuals per category: row c uses days <= c only."""
    n, k = cats.shape
    table = np.zeros((n, k))
    for j in range(k):
        days = np.flatnonzero((cats[:, j] > 0) & np.isfinite(r))
        if not len(days):
            continue
        seen: list[float] = []
        eff = np.empty(len(days))
        for i, t in enumerate(days):
            seen.append(float(r[t]))
            eff[i] = float(np.median(seen)) * len(seen) / (len(seen) + shrink)
        # effect after the m-th category day, for every position from that day on
        m = np.searchsorted(days, np.arange(n), side="right")
        table[:, j] = np.where(m > 0, eff[np.maximum(m - 1, 0)], 0.0)
    return table


def _holiday_kinds(grid: pd.DatetimeIndex, cats: FloatArray) -> tuple[FloatArray, IntArray]:
    """Sub-categories (category, holiday) of the long-weekend categories.

    Returns the indicator matrix of the (category, nearest holiday of that country)
    pairs present in ``grid`` and the category of each column.
    """
    cal = calendar_features(grid)
    cols: list[FloatArray] = []
    owner: list[int] = []
    for j, name in enumerate(SPECIAL_DAYS):
        if not name.startswith(("us_lw", "ca_lw")):
            continue
        kind = cal[f"{name[:2]}_hol_kind"].to_numpy()
        for q in np.unique(kind[cats[:, j] > 0]):
            if q > 0:
                cols.append(((cats[:, j] > 0) & (kind == q)).astype(np.float64))
                owner.append(j)
    if not cols:
        return np.zeros((len(grid), 0)), np.zeros(0, dtype=np.int64)
    return np.column_stack(cols), np.asarray(owner, dtype=np.int64)


#: Information ages (days) beyond two weeks are rounded up to one of these for the
#: interval's past errors (an older forecast gets the errors of an older forecast).
_AGE_BUCKETS = (21, 28, 42, 56, 91, 182, 273, 364)


def _age_bucket(age: int) -> int:
    if age <= 14:
        return age
    for b in _AGE_BUCKETS:
        if age <= b:
            return b
    return _AGE_BUCKETS[-1]


def daily_forecast(
    y: FloatArray,
    start: dt.datetime,
    targets: IntArray,
    cutoffs: IntArray,
    params: DailyParams,
    lane: str = "general",
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Forecast one lane's daily delays from the observations at or before each cutoff.

    Parameters
    ----------
    y
        The lane's daily average delays on the grid from ``start`` (NaN = missing),
        minutes.
    start
        Day of ``y[0]``.
    targets, cutoffs
        Grid positions of the forecast days and of their information cutoffs
        (``cutoff = target - lead``).
    params
        Model settings.
    lane
        Lane of ``y`` (its log offset).

    Returns
    -------
    tuple
        Point forecast, 80% interval low and high (minutes) and information age (days
        between the target and the newest observation used; NaN if none).

    Raises
    ------
    ValueError
        A target has no observation at or before its cutoff.
    """
    n = int(max(len(y), targets.max(initial=0) + 1, cutoffs.max(initial=0) + 1))
    z = np.full(n, np.nan)
    offset = dict(params.offsets).get(lane, 1.0)
    z[: len(y)] = np.log(np.maximum(np.asarray(y, dtype=np.float64), 0.0) + offset)
    # positions past the data read as missing; the grid reaches every cutoff
    grid = pd.date_range(pd.Timestamp(start), periods=n, freq="D")
    cats = special_days(grid)
    if not params.spring_break:
        cats[:, SPECIAL_DAYS.index("bc_spring_break")] = 0.0
    pos = np.arange(n, dtype=np.int64)
    w = params.level_weight

    # special-day effects from residuals of forecasts `fit_lead` days old, once the
    # level had four whole weeks of data behind it (a partial week biases the 28-day mean)
    st = _Stats.of(z)
    resid = z - _level(st, pos, pos - params.fit_lead, w)
    first_obs = int(np.argmax(np.isfinite(z))) if np.isfinite(z).any() else n
    resid[pos - params.fit_lead - first_obs < 27] = np.nan
    table = _effect_table(resid, cats, params.holiday_shrink)
    if params.kind_shrink is not None:
        sub, sub_cat = _holiday_kinds(grid, cats)
        sub_med = _effect_table(resid, sub, 0.0)
        sub_n = np.cumsum(sub * np.isfinite(resid)[:, None], axis=0)
        k2 = params.kind_shrink

    def predict(t: IntArray, c: IntArray) -> FloatArray:
        cc = np.clip(c, 0, n - 1)
        before = c[:, None] >= 0
        eff = np.where(before, table[cc], 0.0)
        total = np.sum(cats[t] * eff, axis=1)
        if params.kind_shrink is not None and sub.shape[1]:
            nn = sub_n[cc]
            gap = (sub_med[cc] - eff[:, sub_cat]) * nn / (nn + k2)
            gap[nn < params.kind_min] = 0.0
            total += np.sum(np.where(before, sub[t] * gap, 0.0), axis=1)
        out: FloatArray = _level(st, t, c, w) + total
        return out

    z_hat = predict(targets, cutoffs)
    valid = np.where(np.isfinite(z), pos, -1)
    newest = np.maximum.accumulate(valid)
    last = np.where(cutoffs >= 0, newest[np.clip(cutoffs, 0, n - 1)], -1)
    if (last < 0).any() or np.isnan(z_hat).any():
        bad = int(np.flatnonzero((last < 0) | np.isnan(z_hat))[0])
        day = grid[targets[bad]]
        raise ValueError(
            f"the daily forecast for {day:%Y-%m-%d} needs an observation at or before "
            f"{day - pd.Timedelta(days=int(targets[bad] - cutoffs[bad])):%Y-%m-%d}; "
            f"the data start {grid[0]:%Y-%m-%d}"
        )
    age = (targets - last).astype(np.float64)

    # interval: past log errors at the same information age, window ending at `last`
    lo_q = np.empty(len(targets))
    hi_q = np.empty(len(targets))
    errors: dict[int, FloatArray] = {}
    for i in range(len(targets)):
        a = _age_bucket(int(age[i]))
        if a not in errors:
            err = z - predict(pos, pos - a)
            err[pos - a - first_obs < 27] = np.nan  # the same four-week warm-up
            errors[a] = err
        e_all = errors[a][: last[i] + 1]
        e = e_all[max(0, last[i] + 1 - params.interval_days) :]
        e = e[np.isfinite(e)]
        if len(e) < params.min_errors:
            e = e_all[np.isfinite(e_all)]
        if len(e) < params.min_errors:
            lo_q[i], hi_q[i] = -params.fallback_halfwidth, params.fallback_halfwidth
        else:
            lo_q[i], hi_q[i] = np.quantile(e, params.interval)
    mid = np.maximum(np.exp(z_hat) - offset, 0.0)
    lo = np.clip(np.exp(z_hat + lo_q) - offset, 0.0, mid)
    hi = np.maximum(np.exp(z_hat + hi_q) - offset, mid)
    return mid, lo, hi, age
