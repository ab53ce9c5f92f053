"""Lag features that respect an information cutoff (the core of truncation invariance).

A series lives on a regular grid of steps (hours, or days). A forecast for step ``i``
made with information up to step ``c`` (``c <= i - lead``) may read only ``y[:c + 1]``.
Every feature below is a function of the values at positions ``<= c`` alone: "the last
*available* value of the same hour of the week", "the mean of the last four available
ones", "the level of the last day with data" ... so missing data (gaps, or a history file
that stops long before ``i``) makes the features older, never reads past the cutoff. The
age of the newest observation is itself a feature: the model is trained on examples with
many information ages, so it knows how much to trust stale lags.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["LagSpec", "lag_feature_names", "lag_features", "recent_ratio"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LagSpec:
    """Periods of a series, in grid steps.

    Parameters
    ----------
    week
        Steps per week (168 hourly, 7 daily).
    day
        Steps per day for "same hour of day" lags (24 hourly; 0 = none, daily series).
    year
        Steps per 52 weeks (8736 hourly, 364 daily): same weekday a year earlier.
    levels
        Trailing windows (steps) whose mean, ending at the newest observation, gives the
        recent level.
    year_margin
        Steps after the last-year position that its smoothed value reads (so the
        last-year position is chosen with ``q + year_margin <= c``).
    """

    week: int
    day: int
    year: int
    levels: tuple[int, ...]
    year_margin: int


def lag_feature_names(spec: LagSpec) -> tuple[str, ...]:
    """Names of the columns :func:`lag_features` returns for ``spec``, in order."""
    names = ["age", "w_last", "w_last_age", "w_mean4", "w_mean8", "w_med8"]
    if spec.day:
        names += ["d_last", "d_mean7"]
    names += [f"lvl{w}" for w in spec.levels]
    names += ["ly_val", "ly_sm5", "ly_lvl", "growth", "ly_scaled", "ly_shifted"]
    return tuple(names)


def _take(arr: FloatArray, idx: IntArray) -> FloatArray:
    """``arr[idx]`` with NaN where ``idx`` is outside the array."""
    ok = (idx >= 0) & (idx < len(arr))
    out = np.full(len(idx), np.nan)
    out[ok] = arr[idx[ok]]
    return out


def _phase_stats(
    y: FloatArray, period: int, ks: tuple[int, ...]
) -> tuple[FloatArray, FloatArray, list[FloatArray], FloatArray]:
    """Summarise, per position p, the valid values at or before p with p's phase.

    Returns the last such value, its position, the means of the last k of them and the
    median of the last 8 (NaN where none).
    """
    n = len(y)
    ffval = np.full(n, np.nan)
    ffidx = np.full(n, np.nan)
    means = [np.full(n, np.nan) for _ in ks]
    med8 = np.full(n, np.nan)
    for ph in range(min(period, n)):
        idx = np.arange(ph, n, period)
        vals = y[idx]
        valid = ~np.isnan(vals)
        cnt = np.cumsum(valid)
        vv = vals[valid]
        vi = idx[valid]
        csum = np.concatenate(([0.0], np.cumsum(vv)))
        has = cnt > 0
        last = cnt[has] - 1
        ffval[idx[has]] = vv[last]
        ffidx[idx[has]] = vi[last]
        for m, k in zip(means, ks, strict=True):
            lo = np.maximum(cnt[has] - k, 0)
            m[idx[has]] = (csum[cnt[has]] - csum[lo]) / (cnt[has] - lo)
        if len(vv):
            # median of the last (up to) 8 valid values, from a sliding window
            padded = np.concatenate((np.full(7, np.nan), vv))
            win = np.lib.stride_tricks.sliding_window_view(padded, 8)
            with np.errstate(all="ignore"):
                med = np.nanmedian(win, axis=1) if len(win) else np.array([])
            med8[idx[has]] = med[last]
    return ffval, ffidx, means, med8


def _trailing_mean(y: FloatArray, window: int) -> FloatArray:
    """Mean of the valid values among ``y[p - window + 1 .. p]`` (NaN if none)."""
    valid = ~np.isnan(y)
    s = np.concatenate(([0.0], np.cumsum(np.where(valid, y, 0.0))))
    c = np.concatenate(([0], np.cumsum(valid)))
    p = np.arange(len(y))
    lo = np.maximum(p + 1 - window, 0)
    cnt = c[p + 1] - c[lo]
    with np.errstate(all="ignore"):
        return np.where(cnt > 0, (s[p + 1] - s[lo]) / np.maximum(cnt, 1), np.nan)


def _centred_mean(y: FloatArray, offsets: range) -> FloatArray:
    """Mean of the valid values among ``y[p + o]`` for o in offsets (NaN if none)."""
    n = len(y)
    stack = np.full((len(offsets), n), np.nan)
    for r, o in enumerate(offsets):
        if o >= 0:
            stack[r, : n - o] = y[o:]
        else:
            stack[r, -o:] = y[: n + o]
    with np.errstate(all="ignore"):
        valid = ~np.isnan(stack)
        cnt = valid.sum(axis=0)
        tot = np.where(valid, stack, 0.0).sum(axis=0)
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def lag_features(y: FloatArray, targets: IntArray, cutoffs: IntArray, spec: LagSpec) -> FloatArray:
    """Lag features for targets ``i`` with information up to ``c`` (values at <= c only).

    Parameters
    ----------
    y
        The series on its grid (NaN = no observation), minutes.
    targets, cutoffs
        Grid positions of the forecast steps and of their information cutoffs
        (``cutoffs <= targets``; positions past the end of ``y`` read as missing).
    spec
        The series' periods.

    Returns
    -------
    numpy.ndarray
        ``(len(targets), len(lag_feature_names(spec)))`` features; NaN where no data.
    """
    n = len(y)
    # the grid must reach every cutoff, so nothing is read beyond a cutoff by wrap-around
    y = np.asarray(y, dtype=np.float64)
    valid_pos = np.where(~np.isnan(y), np.arange(n), -1)
    last_valid = np.maximum.accumulate(valid_pos) if n else valid_pos
    c_in = np.minimum(cutoffs, n - 1)
    L = np.where(c_in >= 0, last_valid[np.maximum(c_in, 0)], -1)
    has = L >= 0
    age = np.where(has, targets - L, np.nan).astype(np.float64)

    cols: list[FloatArray] = [age]
    gap = np.maximum(targets - cutoffs, 0)

    # same phase of the week: the newest position <= c with i's phase
    p_w = targets - spec.week * ((gap + spec.week - 1) // spec.week)
    ffval, ffidx, (m4, m8), med8 = _phase_stats(y, spec.week, (4, 8))
    w_last = _take(ffval, p_w)
    cols += [w_last, targets - _take(ffidx, p_w), _take(m4, p_w), _take(m8, p_w)]
    cols.append(_take(med8, p_w))
    if spec.day:
        p_d = targets - spec.day * ((gap + spec.day - 1) // spec.day)
        dval, _, (d7,), _ = _phase_stats(y, spec.day, (7,))
        cols += [_take(dval, p_d), _take(d7, p_d)]
    Lsafe = np.where(has, L, -1)
    lvls = {w: _trailing_mean(y, w) for w in spec.levels}
    for w in spec.levels:
        cols.append(_take(lvls[w], Lsafe))

    # a year (52 weeks) earlier, smoothed over +-2 weeks; chosen so its window is <= c
    m = (gap + spec.year_margin + spec.year - 1) // spec.year
    q = targets - spec.year * np.maximum(m, 1)
    ly_val = _take(y, q)
    sm5 = _centred_mean(y, range(-2 * spec.week, 2 * spec.week + 1, spec.week))
    # the week centred on q: values q - half .. q + half - 1 (a trailing mean shifted)
    half = spec.week // 2
    ly_sm5 = _take(sm5, q)
    ly_lvl = _take(_trailing_mean(y, 2 * half), q + half - 1)
    # growth: recent level over the level a year before it (both windows end <= c)
    big = max(spec.levels)
    recent = _take(lvls[big], Lsafe)
    before = _take(lvls[big], np.where(has, Lsafe - spec.year, -1))
    with np.errstate(all="ignore"):
        growth = np.clip((recent + 1.0) / (before + 1.0), 0.2, 5.0)
        ly_scaled = ly_sm5 * growth
        ly_shifted = ly_sm5 + (recent - before)
    cols += [ly_val, ly_sm5, ly_lvl, growth, ly_scaled, ly_shifted]
    return np.column_stack(cols)


def recent_ratio(
    y: FloatArray, forecast: FloatArray, cutoffs: IntArray, window: int, pad: float
) -> FloatArray:
    """Observed over forecast in the ``window`` steps ending at each cutoff's newest value.

    For cutoff ``c``: ``(sum y + pad) / (sum forecast + pad)`` over the positions
    ``e - window + 1 .. e`` where both exist, ``e`` the newest observation at or before
    ``c``; reads nothing after ``c`` (``forecast`` at a position must itself come from
    information at or before it). ``pad`` (minutes) keeps a quiet window, where both
    sums are near 0, near 1. NaN where ``c`` has no observation at or before it.

    Parameters
    ----------
    y, forecast
        Observations and the model's own forecasts on the same grid (NaN: none),
        minutes.
    cutoffs
        Information cutoffs (grid positions).
    window
        Steps in the window.
    pad
        Minutes added to both sums.
    """
    n = len(y)
    f = np.full(n, np.nan)
    f[: min(n, len(forecast))] = forecast[:n]
    both = np.isfinite(y) & np.isfinite(f)
    cy = np.concatenate(([0.0], np.cumsum(np.where(both, y, 0.0))))
    cf = np.concatenate(([0.0], np.cumsum(np.where(both, f, 0.0))))
    newest = np.maximum.accumulate(np.where(np.isfinite(y), np.arange(n), -1))
    c = np.minimum(cutoffs, n - 1)
    e = np.full(len(cutoffs), -1, dtype=np.int64)
    e[c >= 0] = newest[c[c >= 0]]
    out = np.full(len(cutoffs), np.nan)
    ok = e >= 0
    hi = e[ok] + 1
    lo = np.maximum(hi - window, 0)
    out[ok] = (cy[hi] - cy[lo] + pad) / (cf[hi] - cf[lo] + pad)
    return out
