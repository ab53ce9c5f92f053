"""Lane-class shares: measured at Peace Arch, labelled defaults, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from borderflow.data import connect_readonly, load_registry
from borderflow.demand import class_shares


def test_peace_arch_nexus_share_is_about_half_from_data(warehouse_path: Path) -> None:
    con = connect_readonly(warehouse_path)
    try:
        reg = load_registry()
        s = class_shares(con, reg.crossing("3005"), "US-bound")
        nexus, total = con.execute(
            "SELECT sum(volume) FILTER (lane = 'nexus'), sum(volume) FROM peace_arch_north_daily "
            "WHERE day IN (SELECT day FROM peace_arch_north_daily GROUP BY day "
            "HAVING count(volume) = 2)"
        ).fetchone()
        assert s.nexus.value == pytest.approx(nexus / total)
        assert 0.4 < s.nexus.value < 0.6  # PARAMETERS.md: "about half"
        assert "measured" in s.nexus.source and "assumption" in s.nexus.source
        # Peace Arch takes no trucks and lists no FAST lanes.
        assert s.fast.value == 0
        o = class_shares(con, reg.crossing("3005"), "US-bound", {"nexus": 0.1, "fast": 0.5})
        assert o.nexus.value == 0.1 and o.nexus.source.startswith("override")
        with pytest.raises(ValueError, match="unknown share"):
            class_shares(con, reg.crossing("3005"), "US-bound", {"sentri": 0.1})
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            class_shares(con, reg.crossing("3005"), "US-bound", {"nexus": 1.5})
        # Canada-bound: no Ready lanes (a CBP programme).
        assert class_shares(con, reg.crossing("3005"), "Canada-bound").ready.value == 0
    finally:
        con.close()


def test_every_crossing_has_labelled_shares_summing_to_one(warehouse_path: Path) -> None:
    con = connect_readonly(warehouse_path)
    try:
        for c in load_registry().crossings:
            for direction in ("US-bound", "Canada-bound"):
                s = class_shares(con, c, direction)
                assert sum(x for *_, x in s.car_split()) == pytest.approx(1.0)
                assert sum(x for *_, x in s.truck_split()) == pytest.approx(1.0)
                assert all(src for src in (s.nexus.source, s.ready.source, s.fast.source))
    finally:
        con.close()
