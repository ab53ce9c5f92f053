"""Forecasts on the real warehouse: they beat their baselines on the fixed backtest.

Fixed split: origin 2023-02 (the last 12 months of the shipped data, 2023-03 to 2024-02,
are the test), and origin 2017-12 (2018 is the test), 15 busiest U.S.-Canada ports by
2023 volume, Personal Vehicles and Trucks.  Baselines are computed independently here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from borderflow.data import connect_readonly
from borderflow.demand import backtest, busiest_ports, forecast_monthly, monthly_origins

MEASURES = ("Personal Vehicles", "Trucks")


def _actual(con, port: str, measure: str, month: date) -> float:
    row = con.execute(
        "SELECT value FROM bts_crossings WHERE port_code=$1 AND measure=$2 AND month=$3",
        [port, measure, month],
    ).fetchone()
    if row is None:  # not reported: seasonal naive takes the same month a year earlier
        return _actual(con, port, measure, date(month.year - 1, month.month, 1))
    return float(row[0])


@pytest.fixture(scope="module")
def con(warehouse_path: Path):
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def test_busiest_ports_match_an_independent_ranking(con) -> None:
    rows = con.execute(
        "SELECT port_code, sum(value) FROM bts_crossings WHERE border='US-Canada' "
        "AND measure='Trucks' AND month BETWEEN '2023-01-01' AND '2023-12-01' GROUP BY 1"
    ).fetchall()
    top = [p for p, _ in sorted(rows, key=lambda r: -r[1])[:15]]
    assert busiest_ports(con, "Trucks") == tuple(top)


@pytest.mark.parametrize("origin", [date(2023, 2, 1), date(2017, 12, 1)])
def test_model_beats_seasonal_naive_and_profile_level(con, origin: date) -> None:
    res = backtest(con, MEASURES, [origin])
    for m in MEASURES:
        rows = res.select(m)
        assert len(rows) == 15 * 12
        # Seasonal naive recomputed from the warehouse, not taken from the backtest.
        ape_model, ape_naive = [], []
        for r in rows:
            lag = date(r.month.year - 1, r.month.month, 1)
            naive = _actual(con, r.port_code, m, lag)
            assert naive == r.seasonal_naive
            assert r.actual == _actual(con, r.port_code, m, r.month)
            ape_model.append(abs(r.model - r.actual) / r.actual)
            ape_naive.append(abs(naive - r.actual) / r.actual)
        model, naive = np.median(ape_model) * 100, np.median(ape_naive) * 100
        assert model == pytest.approx(res.mdape("model", m))
        assert model < res.mdape("profile_level", m), m
        if origin.year >= 2022:  # the goal of the issue: 25 % below seasonal naive
            assert model <= 0.75 * naive, (m, model, naive)
        else:
            assert model < naive, (m, model, naive)


def test_interval_coverage_on_rolling_pre_covid_origins(con) -> None:
    # Every third month, 2015-01 to 2018-12 (targets up to 2019-12): the 80 % interval
    # must hold 70-90 % of what came, the 95 % one at least 88 %.
    res = backtest(con, MEASURES, monthly_origins(date(2015, 1, 1), date(2018, 12, 1))[::3])
    for m in MEASURES:
        assert 70.0 <= res.coverage(80, m) <= 90.0, m
        assert res.coverage(95, m) >= 88.0, m
        mase = res.mase("model", m)
        assert len(mase) == 15
        assert np.median(list(mase.values())) < np.median(
            list(res.mase("seasonal_naive", m).values())
        )
    # Stable regime: trucks meet the goal (25 % below seasonal naive); personal
    # vehicles, whose year-to-year level changes no series here predicts, beat it by
    # more than 15 % (docs/validation-forecast.md).
    trucks = res.mdape("model", "Trucks") / res.mdape("seasonal_naive", "Trucks")
    pv = res.mdape("model", "Personal Vehicles") / res.mdape("seasonal_naive", "Personal Vehicles")
    assert trucks <= 0.75
    assert pv <= 0.85


def test_as_of_never_reads_later_months(con) -> None:
    hist, f = forecast_monthly(con, "3004", "Personal Vehicles", 12, as_of=date(2019, 6, 1))
    assert hist.end == date(2019, 6, 1)
    assert f.origin == date(2019, 6, 1)
    assert f.points[0].month == date(2019, 7, 1)
    assert len(f.points) == 12


def test_unknown_port_or_measure_is_a_lookup_error(con) -> None:
    with pytest.raises(LookupError, match="ZZZZ"):
        forecast_monthly(con, "ZZZZ", "Trucks", 12)
    (n,) = con.execute(
        "SELECT count(*) FROM bts_crossings WHERE port_code='3814' AND measure='Trains'"
    ).fetchone()
    assert n == 0
    with pytest.raises(LookupError, match="Trains"):
        forecast_monthly(con, "3814", "Trains", 12)


def test_unreported_months_are_zero_only_where_the_port_reported(con) -> None:
    from borderflow.demand import load_series

    # Detroit (3801) Pedestrians: BTS rows stop in 2021-11 though the port keeps
    # reporting its other measures, so the months after are zeros BTS left out.
    _, filled = load_series(con, port_code="3801", measures=["Pedestrians"])
    _, raw = load_series(con, port_code="3801", measures=["Pedestrians"], fill_zeros=False)
    f, r = filled[0], raw[0]
    rows = dict(
        con.execute(
            "SELECT month, value FROM bts_crossings WHERE port_code='3801' "
            "AND measure='Pedestrians'"
        ).fetchall()
    )
    ported = {
        m
        for (m,) in con.execute(
            "SELECT DISTINCT month FROM bts_crossings WHERE port_code='3801'"
        ).fetchall()
    }
    for month, fv, rv in zip(f.months(), f.values, r.values, strict=True):
        if month in rows:
            assert fv == rv == rows[month]
        else:
            assert np.isnan(rv)
            assert (fv == 0.0) if month in ported else np.isnan(fv)
