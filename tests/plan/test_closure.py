"""Closure model closure-logit v1: queueing, logit, conservation, capacity, backtest, CLI."""

from __future__ import annotations

import calendar
import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import connect_readonly, load_registry
from borderflow.plan import (
    NetworkParams,
    baseline_month,
    build_node,
    closure_json,
    closure_target,
    erlang_c_wait_min,
    logit_shares,
    simulate_closure,
)

runner = CliRunner()


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


# --- queueing and choice ----------------------------------------------------------------------


def test_erlang_c_matches_reference_values() -> None:
    # data/PARAMETERS.md "Queueing reference values": M/M/3, lambda 0.2/min, mu 0.1/min
    # -> Wq 4.444 min; M/M/10, mu 1/min: lambda 8 -> 0.20459, lambda 9.5 -> 1.65117.
    assert erlang_c_wait_min(0.2 * 60, 3, 10.0) == pytest.approx(40 / 9, rel=1e-9)
    assert erlang_c_wait_min(8 * 60, 10, 1.0) == pytest.approx(0.20459, abs=5e-6)
    assert erlang_c_wait_min(9.5 * 60, 10, 1.0) == pytest.approx(1.65117, abs=5e-6)
    assert erlang_c_wait_min(0.0, 3, 1.0) == 0.0
    assert math.isinf(erlang_c_wait_min(60.0, 1, 1.0))  # load = servers
    assert math.isinf(erlang_c_wait_min(10.0, 0, 1.0))


def test_erlang_c_single_server_is_mm1() -> None:
    # M/M/1: Wq = rho / (mu - lambda).
    lam, mu = 30 / 60, 1 / 1.5  # per minute
    assert erlang_c_wait_min(30.0, 1, 1.5) == pytest.approx((lam / mu) / (mu - lam))


@given(
    st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=8),
    st.floats(1, 500),
)
def test_logit_shares_sum_to_one_and_keep_odds(costs: list[float], scale: float) -> None:
    s = logit_shares(costs, scale)
    assert sum(s) == pytest.approx(1.0)
    i, j = 0, len(costs) - 1
    if s[i] > 1e-12 and s[j] > 1e-12:
        assert math.log(s[i] / s[j]) == pytest.approx((costs[j] - costs[i]) / scale, abs=1e-6)


def test_logit_gives_infinite_cost_nothing() -> None:
    assert logit_shares([10.0, math.inf], 60.0) == [1.0, 0.0]
    with pytest.raises(ValueError):
        logit_shares([math.inf], 60.0)


def test_logit_size_term() -> None:
    # Equal costs: shares in proportion to size; zero size: no share.
    assert logit_shares([30.0, 30.0, 30.0], 60.0, [1.0, 3.0, 0.0]) == pytest.approx(
        [0.25, 0.75, 0.0]
    )
    # Size and cost combine multiplicatively: size 2 offsets 60 ln 2 minutes.
    s = logit_shares([0.0, 60 * math.log(2)], 60.0, [1.0, 2.0])
    assert s == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError):
        logit_shares([1.0], 60.0, [0.0])


# --- targets ----------------------------------------------------------------------------------


def test_target_crossing_vs_port(con: Any) -> None:
    bridge = closure_target(con, "Ambassador Bridge", "Trucks")
    assert bridge.port_code == "3801"
    assert bridge.crossings_closed == ("Detroit-Ambassador Bridge",)
    node = build_node(load_registry(), "3801", "commercial", NetworkParams())
    assert node is not None
    assert bridge.capacity_share == pytest.approx(13 / node.booths)
    whole = closure_target(con, "3801", "Trucks")
    assert whole.capacity_share == 1.0 and len(whole.crossings_closed) == 2
    half = closure_target(con, "Detroit", "Trucks", capacity_share=0.5)
    assert half.capacity_share == 0.5
    with pytest.raises(ValueError, match="capacity-share"):
        closure_target(con, "3801", "Trucks", capacity_share=1.5)
    with pytest.raises(ValueError, match="Pedestrians"):
        closure_target(con, "3801", "Pedestrians")


# --- conservation and capacity ----------------------------------------------------------------


def _run(con: Any, query: str, start: date, end: date, **kw: Any) -> Any:
    measure = kw.pop("measure", "Trucks")
    share = kw.pop("capacity_share", None)
    params = kw.pop("params", None)
    target = closure_target(con, query, measure, share, params)
    return simulate_closure(con, target, start, end, measure, params=params, **kw)


def test_vehicles_are_conserved_every_day(con: Any) -> None:
    r = _run(con, "3801", date(2022, 2, 7), date(2022, 2, 13), as_of=date(2022, 1, 1))
    for d in r.days:
        assert d.displaced == pytest.approx(d.diverted + d.delayed + d.cancelled, rel=1e-9)
    assert r.displaced == pytest.approx(r.diverted + r.delayed + r.cancelled, rel=1e-9)
    assert sum(a.vehicles for a in r.alternatives) == pytest.approx(r.diverted, rel=1e-9)
    # Monthly totals over all ports lose exactly the cancelled trips.
    assert sum(p.change for p in r.ports) == pytest.approx(-r.cancelled, abs=1.0)
    # A whole-port closure displaces the port's whole baseline demand of those days.
    b = baseline_month(con, "3801", "Trucks", date(2022, 2, 1), date(2022, 1, 1)).value
    assert r.displaced == pytest.approx(b * 7 / 28, rel=1e-9)


def test_receiving_ports_stay_within_spare_capacity(con: Any) -> None:
    p = NetworkParams()
    r = _run(con, "3801", date(2022, 2, 7), date(2022, 2, 13), as_of=date(2022, 1, 1), params=p)
    reg = load_registry()
    for a in r.alternatives:
        node = build_node(reg, a.port_code, "commercial", p)
        assert node is not None
        base = baseline_month(con, a.port_code, "Trucks", date(2022, 2, 1), date(2022, 1, 1))
        per_day_cap = sum(p.usable_utilisation * node.capacity_per_h(h) for h in range(24))
        spare = per_day_cap - base.value / 28
        assert a.vehicles <= max(0.0, spare) * 7 + 1e-6


def test_partial_hours_delay_but_never_cancel(con: Any) -> None:
    r = _run(con, "3802", date(2022, 3, 1), date(2022, 3, 3), as_of=date(2022, 2, 1), hours=(6, 10))
    assert r.cancelled == 0
    assert all(d.closed_hours == 4 for d in r.days)
    # Postponed trips cross the same morning: the closed port loses only diverted ones.
    (own,) = [x for x in r.ports if x.port_code == "3802"]
    assert own.change == pytest.approx(-r.diverted, abs=1e-6)
    assert r.delayed > 0
    # Short waits make postponing the main choice (detour to Detroit ~ 2 h or more).
    assert r.delayed > r.diverted


def test_partial_capacity_below_load_displaces_nothing(con: Any) -> None:
    # Close a share s such that the booths left serve the whole load at the usable
    # utilisation: nothing is displaced (worked from the baseline and the node).
    p = NetworkParams()
    node = build_node(load_registry(), "3801", "commercial", p)
    assert node is not None
    base = baseline_month(con, "3801", "Trucks", date(2022, 2, 1), date(2022, 1, 1)).value
    per_h = base / 28 / 24
    keep = per_h / (p.usable_utilisation * node.capacity_per_h(0))
    ok = _run(
        con,
        "3801",
        date(2022, 2, 7),
        date(2022, 2, 7),
        as_of=date(2022, 1, 1),
        capacity_share=(1 - keep) * 0.99,
    )
    assert ok.displaced == 0 and ok.ports == ()
    tight = _run(
        con, "3801", date(2022, 2, 7), date(2022, 2, 7), as_of=date(2022, 1, 1), capacity_share=0.9
    )
    kept = 0.1 * p.usable_utilisation * node.capacity_per_h(0)
    assert tight.displaced == pytest.approx(24 * (per_h - kept), rel=1e-9)


def test_closure_across_a_month_end(con: Any) -> None:
    r = _run(con, "3802", date(2022, 1, 31), date(2022, 2, 1), as_of=date(2021, 12, 1))
    months = {(p.port_code, p.month) for p in r.ports}
    assert ("3802", date(2022, 1, 1)) in months and ("3802", date(2022, 2, 1)) in months
    jan = next(p for p in r.ports if p.port_code == "3802" and p.month == date(2022, 1, 1))
    feb = next(p for p in r.ports if p.port_code == "3802" and p.month == date(2022, 2, 1))
    # 31 January's trips wait over a day (cancelled) -> January only loses.
    assert jan.change < 0
    # Each month's baseline is its own (known at 2021-12).
    assert jan.baseline != feb.baseline
    assert r.displaced == pytest.approx(r.diverted + r.delayed + r.cancelled)


def test_personal_vehicles_use_passenger_lanes_and_no_trade(con: Any) -> None:
    r = _run(
        con,
        "Peace Arch",
        date(2019, 7, 6),
        date(2019, 7, 6),
        measure="Personal Vehicles",
        as_of=date(2019, 6, 1),
    )
    assert r.trade_delayed_usd is None and r.trade_diverted_usd is None
    assert r.target.port_code == "3004"
    codes = {a.port_code for a in r.alternatives}
    assert {"3023", "3009"} <= codes  # Lynden, Sumas within the car radius
    assert r.displaced == pytest.approx(r.diverted + r.delayed + r.cancelled)


def test_trade_value_is_vehicles_times_value_per_truck(con: Any) -> None:
    from borderflow.plan import port_truck_trade

    r = _run(con, "3801", date(2022, 2, 7), date(2022, 2, 13), as_of=date(2022, 1, 1))
    b = baseline_month(con, "3801", "Trucks", date(2022, 2, 1), date(2022, 1, 1)).value
    vpt = port_truck_trade(con, "3801", date(2022, 2, 1)).two_way_usd / b
    assert r.trade_delayed_usd == pytest.approx((r.delayed + r.cancelled) * vpt, rel=1e-9)
    assert r.trade_diverted_usd == pytest.approx(r.diverted * vpt, rel=1e-9)


# --- backtest: the Ambassador Bridge blockade, 7-13 February 2022 ----------------------------


def test_blockade_moves_trucks_in_the_observed_direction(con: Any) -> None:
    target = closure_target(con, "Ambassador Bridge", "Trucks")
    r = simulate_closure(con, target, date(2022, 2, 7), date(2022, 2, 13), "Trucks", None)
    assert r.as_of == date(2022, 1, 1)  # default: the month before --from
    rows = {p.port_code: p for p in r.ports}
    det, hur = rows["3801"], rows["3802"]
    assert det.observed is not None and hur.observed is not None
    # Observed direction (BTS): Detroit down, Port Huron up against the baseline.
    assert det.observed < det.baseline and hur.observed > hur.baseline
    assert det.change < 0 < hur.change
    # Detroit's loss exceeds Port Huron's gain, in the model as in the data.
    assert -det.change > hur.change
    # Buffalo, 340 km away, gets far less than Port Huron.
    buf = rows.get("0901")
    assert buf is None or abs(buf.change) < 0.1 * hur.change
    doc = closure_json(r)
    json.dumps(doc, allow_nan=False)
    assert doc["closure"]["capacity_share_removed"] < 1


# --- CLI --------------------------------------------------------------------------------------


def test_cli_json_document(warehouse_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "closure",
            "Ambassador Bridge",
            "--from",
            "2022-02-07",
            "--to",
            "2022-02-13",
            "--measure",
            "Trucks",
            "--demand-as-of",
            "2022-01",
            "--json",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["closure"]["port_code"] == "3801"
    keys = {"port_code", "port_name", "measure", "month", "baseline", "with_closure", "observed"}
    for p in doc["ports"]:
        assert keys <= set(p)
    det = next(p for p in doc["ports"] if p["port_code"] == "3801")
    assert det["observed"] == 88133  # BTS, Detroit trucks, February 2022
    assert doc["trade_value_delayed_usd"] > 0
    days = calendar.monthrange(2022, 2)[1]
    assert days == 28 and len(doc["days"]) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2022-02-30", "--to", "2022-03-01"], "--from"),
        (["--from", "2022-02-07", "--to", "2022-02-01"], "before"),
        (["--from", "2022-02-07", "--to", "2022-02-08", "--hours", "25-3"], "--hours"),
        (["--from", "2022-02-07", "--to", "2022-02-08", "--measure", "Pedestrians"], "--measure"),
        (["--from", "2022-02-07", "--to", "2022-02-08", "--capacity-share", "0"], "capacity"),
        (["--from", "2022-02-07", "--to", "2022-02-08", "--demand-as-of", "2022-02"], "2022-02"),
    ],
)
def test_cli_errors_name_the_problem(warehouse_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, ["closure", "3801", *args, "--db", str(warehouse_path)])
    assert res.exit_code == 1
    assert message in res.output


def test_cli_table_mentions_observed(warehouse_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "closure",
            "3802",
            "--from",
            "2022-03-01",
            "--to",
            "2022-03-01",
            "--hours",
            "6-10",
            "--db",
            str(warehouse_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Port Huron" in res.output and "observed" in res.output


def test_partly_closed_port_adds_wait_for_traffic_left(con: Any) -> None:
    # Half of Blaine's passenger booths shut on a July day: the flat load fits in the
    # booths left (nothing displaced) but queues longer there, by Erlang C (checked above).
    p = NetworkParams()
    r = _run(
        con,
        "Peace Arch",
        date(2019, 7, 6),
        date(2019, 7, 6),
        measure="Personal Vehicles",
        as_of=date(2019, 6, 1),
    )
    node = build_node(load_registry(), "3004", "passenger", p)
    assert node is not None
    base = baseline_month(con, "3004", "Personal Vehicles", date(2019, 7, 1), date(2019, 6, 1))
    lam = base.value / 31 / 24
    kept_booths = round((1 - r.target.capacity_share) * node.booths)
    assert lam < (1 - r.target.capacity_share) * p.usable_utilisation * node.capacity_per_h(0)
    assert r.displaced == 0
    st_min = node.service_time_min
    extra = (
        24
        * lam
        * (
            erlang_c_wait_min(lam, kept_booths, st_min)
            - erlang_c_wait_min(lam, node.booths, st_min)
        )
    )
    assert r.extra_delay_h == pytest.approx(extra / 60, rel=1e-9)
    assert r.extra_delay_h > 0


@given(
    port=st.sampled_from(["3801", "3802", "0901", "3004", "3401", "0712"]),
    start=st.dates(date(2015, 1, 1), date(2023, 12, 20)),
    n_days=st.integers(1, 10),
    hours=st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(1, 24))),
    share=st.one_of(st.none(), st.floats(0.05, 1.0)),
    measure=st.sampled_from(["Trucks", "Personal Vehicles"]),
)
@settings(max_examples=25)
def test_conservation_holds_for_any_closure(
    warehouse_path: Path,
    port: str,
    start: date,
    n_days: int,
    hours: tuple[int, int] | None,
    share: float | None,
    measure: str,
) -> None:
    from datetime import timedelta

    if hours is not None and hours[0] == hours[1]:
        hours = None
    end = start + timedelta(days=n_days - 1)
    with connect_readonly(warehouse_path) as c:
        r = _run(c, port, start, end, measure=measure, hours=hours, capacity_share=share)
    for d in r.days:
        assert d.displaced == pytest.approx(d.diverted + d.delayed + d.cancelled, abs=1e-6)
        assert min(d.displaced, d.diverted, d.delayed, d.cancelled, d.extra_delay_h) >= 0
    assert sum(a.vehicles for a in r.alternatives) == pytest.approx(r.diverted, abs=1e-6)
    # Rows changing by under half a vehicle are not listed: allow that much per port-month.
    tol = 0.5 * (len(r.alternatives) + 1) * 2
    assert sum(p.change for p in r.ports) == pytest.approx(-r.cancelled, abs=tol)
    if hours is not None:
        h0, h1 = hours
        n = (h1 - h0) if h0 < h1 else (24 - h0 + h1)
        assert all(d.closed_hours == n for d in r.days)


def test_cli_several_classes(warehouse_path: Path) -> None:
    args = ["closure", "3801", "--from", "2022-02-07", "--to", "2022-02-07"]
    res = runner.invoke(
        app,
        [*args, "-m", "Trucks", "-m", "personal vehicles", "--json", "--db", str(warehouse_path)],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["closure"]["measures"] == ["Trucks", "Personal Vehicles"]
    assert set(doc["by_measure"]) == {"Trucks", "Personal Vehicles"}
    # Top-level rows are the union of the two runs; trade comes from the Trucks run.
    n = sum(len(d["ports"]) for d in doc["by_measure"].values())
    assert len(doc["ports"]) == n
    assert doc["trade_value_delayed_usd"] == doc["by_measure"]["Trucks"]["trade_value_delayed_usd"]
    assert {p["measure"] for p in doc["ports"]} == {"Trucks", "Personal Vehicles"}
