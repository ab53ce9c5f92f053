"""Day profiles learned from Cascade Gateway volumes; hourly profiles labelled assumptions."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from pathlib import Path

import pytest

from borderflow.data import connect_readonly
from borderflow.demand import (
    HOURLY_PROFILES,
    DailyProfile,
    day_info,
    learn_daily_profile,
    shipped_profiles,
)


def test_learning_recovers_known_factors() -> None:
    # A synthetic year: weekends x1.5, Canadian Monday holidays x2 on top.
    weekday = (1.0, 1.0, 1.0, 1.0, 1.0, 1.5, 1.5)
    series: dict[date, float] = {}
    d = date(2019, 1, 1)
    while d.year == 2019:
        info = day_info(d, "WA", "BC")
        f = 2.0 if info.holiday_key == "CA Monday" else 1.0
        series[d] = 1000 * weekday[d.weekday()] * f
        d += timedelta(days=1)
    p = learn_daily_profile("x", [series], "WA", "BC", "synthetic")
    # Month means differ a little with each month's mix of days, so the recovered
    # factors are exact up to that mix (about 1%).
    assert statistics.fmean(p.weekday) == pytest.approx(1.0)
    for wd in range(7):
        assert p.weekday[wd] / p.weekday[0] == pytest.approx(weekday[wd], rel=0.02)
    assert p.holiday["CA Monday"] == pytest.approx(2.0, rel=0.03)


def test_shipped_profiles_match_independent_computation(warehouse_path: Path) -> None:
    con = connect_readonly(warehouse_path)
    try:
        prof = shipped_profiles(con)["cars"]
        rows = con.execute(
            "SELECT day, sum(volume) FROM peace_arch_north_daily GROUP BY day "
            "HAVING count(volume) = 2"
        ).fetchall()
    finally:
        con.close()
    # Saturday / Tuesday ratio, independently: plain means of ordinary days per month.
    by_month: dict[tuple[int, int], list[tuple[date, float]]] = {}
    for d, v in rows:
        by_month.setdefault((d.year, d.month), []).append((d, float(v)))
    sat, tue = [], []
    for days in by_month.values():
        med = statistics.median(v for _, v in days)
        kept = [(d, v) for d, v in days if v >= 0.25 * med]
        mean = statistics.fmean(v for _, v in kept)
        for d, v in kept:
            if day_info(d, "WA", "BC").holiday_key is None:
                (sat if d.weekday() == 5 else tue if d.weekday() == 1 else []).append(v / mean)
    assert prof.weekday[5] / prof.weekday[1] == pytest.approx(
        statistics.fmean(sat) / statistics.fmean(tue), rel=1e-9
    )
    # Shipped data: Canadian Monday holidays bring Canada-bound traffic home (about x1.4).
    assert prof.holiday["CA Monday"] > 1.2
    assert "peacearch_N_cars" in prof.source


def test_hourly_profiles_are_labelled_assumptions() -> None:
    for p in HOURLY_PROFILES.values():
        assert sum(p.shares) == pytest.approx(1.0)
        assert "assumption" in p.source


def test_bad_profile_rejected() -> None:
    with pytest.raises(ValueError, match="7 positive"):
        DailyProfile("bad", (1.0,) * 6)
