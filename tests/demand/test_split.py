"""The split rule: one BTS port code's traffic shared among its crossings."""

from __future__ import annotations

import csv
import gzip
import math

import pytest

from borderflow import shipped_data_dir
from borderflow.data import load_registry
from borderflow.demand import SPLIT_RULE, split_shares
from borderflow.vocab import MEASURE_GROUPS, measure_group

DATA = shipped_data_dir()


def _csv(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA / "crossings" / name, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_shares_sum_to_one_for_every_code_and_group() -> None:
    reg = load_registry()
    for p in reg.port_codes:
        if not reg.by_port_code(p.bts_port_code):
            continue
        for group in MEASURE_GROUPS:
            shares = split_shares(reg, p.bts_port_code, group)
            assert math.isclose(sum(s.share for s in shares), 1.0), (p.bts_port_code, group)
            assert all(s.share >= 0 and s.rule == SPLIT_RULE for s in shares)


def test_blaine_split_follows_cbp_passenger_lanes() -> None:
    reg = load_registry()
    cbp = {r["cbp_crossing_name"]: r for r in _csv("cbp_bwt_canadian_border_2023-11-10.csv.gz")}
    pa, ph = (
        int(cbp["Peace Arch"]["passenger_max_lanes"]),
        int(cbp["Pacific Highway"]["passenger_max_lanes"]),
    )
    shares = {s.crossing_id: s.share for s in split_shares(reg, "3004", "passenger")}
    assert shares.keys() == {"3004", "3005"}  # Point Roberts (3017) has its own code
    assert math.isclose(shares["3005"], pa / (pa + ph))
    assert math.isclose(shares["3004"], ph / (pa + ph))
    # Trucks: Peace Arch lists no commercial lanes in CBP's feed.
    trucks = {s.crossing_id: s.share for s in split_shares(reg, "3004", "commercial")}
    assert trucks == {"3004": 1.0, "3005": 0.0}


def test_buffalo_and_detroit_commercial_only_to_commercial_crossings() -> None:
    reg = load_registry()
    cbp = {r["bts_crossing_id"]: r for r in _csv("cbp_bwt_canadian_border_2023-11-10.csv.gz")}
    for code in ("0901", "3801"):
        shares = split_shares(reg, code, "commercial")
        lanes = {
            s.crossing_id: int(cbp[s.crossing_id]["commercial_max_lanes"])
            if cbp[s.crossing_id]["commercial_max_lanes"] != "N/A"
            else 0
            for s in shares
        }
        total = sum(lanes.values())
        for s in shares:
            assert math.isclose(s.share, lanes[s.crossing_id] / total)
    assert len(split_shares(reg, "0901", "passenger")) == 4


def test_equal_split_where_cbp_lacks_lanes() -> None:
    reg = load_registry()
    shares = split_shares(reg, "0104", "passenger")  # Jackman: 6 crossings, 1 in CBP's feed
    assert len(shares) == 6
    assert all(math.isclose(s.share, 1 / 6) for s in shares)
    assert "equal" in shares[0].basis


def test_split_errors_name_the_problem() -> None:
    reg = load_registry()
    with pytest.raises(KeyError, match="3814"):
        split_shares(reg, "3814", "passenger")  # Algonac: BTS data only
    with pytest.raises(KeyError, match="boats"):
        split_shares(reg, "3004", "boats")
    assert measure_group("Trucks") == "commercial"
    with pytest.raises(KeyError, match="Camels"):
        measure_group("Camels")
