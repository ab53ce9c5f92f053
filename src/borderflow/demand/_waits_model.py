"""Gradient-boosted quantile models on calendar, holiday and lag features.

One generic learner serves the hourly (U.S.-bound) and daily (Canada-bound) forecasts:
three scikit-learn ``HistGradientBoostingRegressor`` fits on the same features (median
for the point forecast, 10% and 90% quantiles for the 80% interval), trained on
examples whose information cutoff lies ``lead`` steps before the target *and* on
examples with older information (random ages), so one model serves a week-ahead
backtest with a fresh history file as well as a forecast months past the newest data.
Fits are deterministic: fixed seeds, no early stopping, one thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from borderflow.demand._waits_features import LagSpec, lag_features

__all__ = ["QuantileTrio", "WaitModelParams", "fit_trio", "training_cutoffs"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WaitModelParams:
    """Gradient-boosting settings shared by the three quantile fits of a wait model.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization
        scikit-learn ``HistGradientBoostingRegressor`` settings (no early stopping).
    seed
        Random state (fits are deterministic).
    point_quantile
        Quantile of the point forecast. Hourly: 0.55, slightly above the median, as
        delays are right-skewed and their level drifts; chosen by comparing 0.50/0.55/
        0.60 on the 2018 holdout (lower MAE overall and above 10 minutes), and kept for
        the 2017 holdout checked afterwards (docs/validation-waits.md).
    interval
        Quantiles of the interval bounds (an 80% interval).
    """

    max_iter: int = 500
    learning_rate: float = 0.05
    max_leaf_nodes: int = 63
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    seed: int = 20260601
    point_quantile: float = 0.55
    interval: tuple[float, float] = (0.10, 0.90)


@dataclass(frozen=True)
class QuantileTrio:
    """Fitted median, low and high quantile models, with conformal widening.

    ``lo_pad``/``hi_pad`` (minutes) widen the raw quantile band so that it covers the
    nominal 80% on a calibration period the models did not see (conformalised quantile
    regression); 0 when not calibrated.
    """

    median: Any
    lo: Any
    hi: Any
    lo_pad: float = 0.0
    hi_pad: float = 0.0
    #: Feature columns with fewer than two distinct values in training (e.g. last-year
    #: lags when the training data spans one year): held at 0, they carry nothing.
    dead: tuple[int, ...] = ()

    def predict(
        self, X: FloatArray, floor: float = 0.0
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Point forecast and 80% interval, minutes, ordered and at least ``floor``."""
        X = _blank(X, self.dead)
        with threadpool_limits(1):
            mid = np.asarray(self.median.predict(X), dtype=np.float64)
            lo = np.asarray(self.lo.predict(X), dtype=np.float64) - self.lo_pad
            hi = np.asarray(self.hi.predict(X), dtype=np.float64) + self.hi_pad
        mid = np.maximum(mid, floor)
        lo = np.clip(lo, floor, mid)
        hi = np.maximum(hi, mid)
        return mid, lo, hi


def _gbm(loss: str, quantile: float | None, params: WaitModelParams, cat: list[bool]) -> Any:
    kw: dict[str, Any] = {}
    if quantile is not None:
        kw["quantile"] = quantile
    return HistGradientBoostingRegressor(
        loss=loss,
        max_iter=params.max_iter,
        learning_rate=params.learning_rate,
        max_leaf_nodes=params.max_leaf_nodes,
        min_samples_leaf=params.min_samples_leaf,
        l2_regularization=params.l2_regularization,
        early_stopping=False,
        categorical_features=cat if any(cat) else None,
        random_state=params.seed,
        **kw,
    )


def fit_trio(
    X: FloatArray,
    y: FloatArray,
    params: WaitModelParams,
    categorical: list[bool],
    progress: Callable[[str], None] | None = None,
) -> QuantileTrio:
    """Fit the point, low and high quantile models on one training set."""
    dead = tuple(j for j in range(X.shape[1]) if len(np.unique(X[np.isfinite(X[:, j]), j])) < 2)
    X = _blank(X, dead)
    models = []
    with threadpool_limits(1):
        for name, loss, q in (
            (f"point (quantile {params.point_quantile:.2f})", "quantile", params.point_quantile),
            ("low quantile", "quantile", params.interval[0]),
            ("high quantile", "quantile", params.interval[1]),
        ):
            if progress is not None:
                progress(name)
            models.append(_gbm(loss, q, params, categorical).fit(X, y))
    return QuantileTrio(models[0], models[1], models[2], dead=dead)


def _blank(X: FloatArray, dead: tuple[int, ...]) -> FloatArray:
    if not dead:
        return X
    X = X.copy()
    X[:, list(dead)] = 0.0
    return X


def conformal_pads(trio: QuantileTrio, X: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Symmetric CQR widening (minutes) so the band covers 80% of a calibration set.

    Returns one pad per side: the 90% quantile of ``lo - y`` for the lower bound and of
    ``y - hi`` for the upper bound, so each side misses about 10% (can be negative: the
    band is then narrowed).
    """
    _, lo, hi = trio.predict(X)
    ok = ~np.isnan(y)
    lo_pad = float(np.quantile(lo[ok] - y[ok], 1.0 - 0.10))
    hi_pad = float(np.quantile(y[ok] - hi[ok], 0.90))
    return lo_pad, hi_pad


def training_cutoffs(
    targets: IntArray,
    lead: int,
    extra: int,
    max_age: int,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    """Training examples: each target once at age ``lead`` and ``extra`` times older.

    The extra ages are log-uniform between ``lead`` and ``max_age`` steps, so the model
    sees information a week old as well as a year old.
    """
    t = [targets]
    c = [targets - lead]
    for _ in range(extra):
        ages = np.exp(rng.uniform(np.log(lead), np.log(max_age), size=len(targets)))
        t.append(targets)
        c.append(targets - np.round(ages).astype(np.int64))
    return np.concatenate(t), np.concatenate(c)


def design(
    y: FloatArray,
    targets: IntArray,
    cutoffs: IntArray,
    spec: LagSpec,
    calendar: FloatArray,
) -> FloatArray:
    """Calendar columns (one row per target) beside the lag features."""
    return np.column_stack([calendar, lag_features(y, targets, cutoffs, spec)])
