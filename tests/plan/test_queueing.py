"""The one Erlang C of the planning layer against the independent one of the theory checks."""

from __future__ import annotations

import math

import pytest

from borderflow.plan import erlang_c_wait_min
from borderflow.plan._queueing import erlang_c
from tests.validation.theory import erlang_c as theory_erlang_c
from tests.validation.theory import mmc_mean_wait


@pytest.mark.parametrize("c", [1, 2, 5, 12, 40])
@pytest.mark.parametrize("rho", [0.05, 0.5, 0.85, 0.99])
def test_erlang_c_and_mean_wait_match_the_theory_helpers(c: int, rho: float) -> None:
    a = rho * c
    assert erlang_c(c, a) == pytest.approx(theory_erlang_c(c, a), rel=1e-10)
    lam_per_h = a / 1.5 * 60.0  # 1.5-minute service
    assert erlang_c_wait_min(lam_per_h, c, 1.5) == pytest.approx(
        mmc_mean_wait(lam_per_h / 60.0, 1.5, c), rel=1e-10
    )


def test_edges() -> None:
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(0, 0.5) == 1.0 and erlang_c(3, 0.0) == 0.0
    assert erlang_c_wait_min(0.0, 3, 1.0) == 0.0
    assert math.isinf(erlang_c_wait_min(180.0, 3, 1.0))  # load 3 erlangs on 3 booths
    assert math.isinf(erlang_c_wait_min(10.0, 0, 1.0))
