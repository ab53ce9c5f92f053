"""The default lane-choice rule is the expected wait (issue 8, defect 2).

A vehicle joining a FIFO group of ``c`` open booths with ``n`` vehicles present (waiting
and in service) waits for ``max(0, n - c + 1)`` departures. With exponential service the
departures come at rate ``c / mean`` whatever happened before (memorylessness), so its
expected wait is exactly ``max(0, n - c + 1) / c x mean``. The rule's own figure is checked
against the realised waits of a long M/M/c run, grouped by what each arrival saw; the
old figure ``n / c x mean`` misses them (for ``n < c`` the wait is 0, not ``n / c x mean``).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

from borderflow.sim import Exponential, run_replication
from borderflow.sim._reference import LeastExpectedWait, LeastWorkPerBooth
from tests.validation.ports import mgc_spec

C = 3
MEAN = 1.0


@functools.cache
def _realised_waits_by_state() -> tuple[np.ndarray, np.ndarray]:
    spec = mgc_spec(0.85 * C / MEAN, Exponential(MEAN), C, 200_000)
    rec = run_replication(spec, 8101)
    arr, start, end = rec.arrival_min, rec.start_min, rec.end_min
    # vehicles present when vehicle i arrives: earlier arrivals that have not yet left
    # (a departure at the same instant has left: completions precede arrivals)
    left_before = np.searchsorted(np.sort(end), arr, side="right")
    present = np.arange(arr.size) - left_before
    return present, start - arr


@pytest.mark.parametrize("n", range(0, 9))
def test_rule_predicts_the_realised_wait(n: int) -> None:
    present, wait = _realised_waits_by_state()
    spec = mgc_spec(1.0, Exponential(MEAN), C, 60)
    predicted = LeastExpectedWait(spec).expected(0, 0, n, C)
    assert predicted == max(0, n - C + 1) / C * MEAN
    w = wait[present == n]
    assert w.size > 1000
    if predicted == 0:
        assert np.all(w == 0)
    else:
        half = stats.t.ppf(0.999, w.size - 1) * w.std(ddof=1) / np.sqrt(w.size)
        assert abs(w.mean() - predicted) < half
    old = LeastWorkPerBooth(spec).expected(0, 0, n, C)
    if n > 0:  # the old figure is off by min(n, c - 1) / c x mean whenever someone is present
        assert abs(old - w.mean()) > 0.25 * MEAN
