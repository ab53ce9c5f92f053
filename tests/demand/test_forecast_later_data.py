"""A warehouse updated past the shipped data: the origin moves, the level adapts."""

from __future__ import annotations

import csv
import gzip
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from borderflow._config import shipped_data_dir
from borderflow.data import connect_readonly, update_warehouse
from borderflow.demand import forecast_all

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DROP = 0.8  # personal vehicles fall 20 % from 2025-03 on (a synthetic shock)


def _label(y: int, m: int) -> str:
    return f"{MONTHS[m - 1]} {y}"


@pytest.mark.slow
def test_forecast_after_an_update_with_a_level_drop(warehouse_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "later.duckdb"
    shutil.copy(warehouse_path, db)
    src = next((shipped_data_dir() / "bts_border_crossing").glob("*.csv.gz"))
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r[3] == "US-Canada Border"]
    by_label: dict[str, list[list[str]]] = {}
    for r in rows:
        by_label.setdefault(r[4], []).append(r)
    # 2024-03 .. 2025-08: each month repeats the same month a year earlier, and personal
    # vehicles drop by DROP from 2025-03.
    new: list[list[str]] = []
    made: dict[str, list[list[str]]] = {}
    for k in range(18):
        y, m = divmod(2024 * 12 + 2 + k, 12)
        m += 1
        prev = made.get(_label(y - 1, m)) or by_label[_label(y - 1, m)]
        out = []
        for r in prev:
            v = int(r[6])
            if r[5] == "Personal Vehicles" and (y, m) >= (2025, 3) and (y - 1, m) < (2025, 3):
                v = round(v * DROP)
            out.append([*r[:4], _label(y, m), r[5], str(v), *r[7:]])
        made[_label(y, m)] = out
        new += out
    upd = tmp_path / "new_months.csv"
    with upd.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(new)
    update_warehouse(upd, db)

    con = connect_readonly(db)
    try:
        origin, fcs = forecast_all(con, 12)
        pv = {f.port_code: f for f in fcs if f.measure == "Personal Vehicles" and f.model != "zero"}
        last = {
            (pc, mo): float(v)
            for pc, mo, v in con.execute(
                "SELECT port_code, month, value FROM bts_crossings "
                "WHERE measure = 'Personal Vehicles' AND month >= '2024-09-01'"
            ).fetchall()
        }
    finally:
        con.close()
    assert origin == date(2025, 8, 1)
    for f in fcs:
        assert f.points[0].month == date(2025, 9, 1)
        assert len(f.points) == 12
    # Sep 2025 - Feb 2026: seasonal naive repeats the pre-drop months; the model has seen
    # six months at 80 % and must sit clearly below them at the busy ports.
    ratios = []
    for pc in ("0901", "3801", "3004", "3802", "0712"):
        for p in pv[pc].points[:6]:
            before = last[(pc, date(p.month.year - 1, p.month.month, 1))]
            ratios.append(p.value / before)
    assert np.median(ratios) < 0.9
    assert np.median(ratios) > 0.7
