"""Peak-hour demand from monthly counts."""

from __future__ import annotations

import math

import pytest

from borderflow.demand import peak_hour_demand


def test_peak_hour_demand_from_busiest_month() -> None:
    from datetime import date

    monthly = {date(2019, m, 1): 1_000_000.0 for m in range(1, 13)}
    monthly[date(2019, 8, 1)] = 3_100_000.0  # August: 31 days -> 100,000 a day
    monthly[date(2020, 8, 1)] = 9_000_000.0  # other year: ignored
    d = peak_hour_demand(monthly, 2019, 0.1)
    assert d.month == date(2019, 8, 1) and d.days == 31
    assert math.isclose(d.veh_per_h, 10_000.0)
    with pytest.raises(ValueError, match="2018"):
        peak_hour_demand(monthly, 2018)
