"""Everyday route choice among nearby crossings (route-logit-sue v1)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from borderflow.data import connect_readonly, load_registry
from borderflow.demand import hourly_demand
from borderflow.plan import (
    NetworkParams,
    RouteOption,
    closure_target,
    erlang_c_wait_min,
    expected_wait_min,
    predict_routes,
    route_check,
    route_equilibrium,
    simulate_closure,
)
from borderflow.plan._routes_core import choice_flows, detour_minutes

DAY = date(2019, 7, 12)


def _opt(cid: str, lon: float, booths: int, hours: tuple[bool, ...] = (True,) * 24) -> RouteOption:
    return RouteOption(cid, f"X{cid}", cid, 49.0, lon, booths, "test", hours, 2.0)


OPTS = (_opt("A", -122.75, 3), _opt("B", -122.50, 1), _opt("C", -122.27, 2))
# A busy day: 60 trucks/h over 24 h, enough to load the one-booth crossing.
DEMAND = [60.0] * 24


def test_expected_wait_is_erlang_c_below_the_knee_and_continuous_above() -> None:
    u = 0.95
    cap = 2 * 60.0 / 2.0
    assert expected_wait_min(20.0, 2, 2.0, u) == erlang_c_wait_min(20.0, 2, 2.0)
    knee = u * cap
    below = expected_wait_min(knee, 2, 2.0, u)
    assert expected_wait_min(knee + 1e-9, 2, 2.0, u) == pytest.approx(below, rel=1e-6)
    # Beyond: the mean backlog of half an hour's excess.
    assert expected_wait_min(knee + cap, 2, 2.0, u) == pytest.approx(below + 30.0)


def test_volumes_are_conserved_and_shares_sum_to_one() -> None:
    eq = route_equilibrium(DEMAND, OPTS, "commercial")
    for h in range(24):
        assert sum(eq.flows[j][h] for j in range(3)) == pytest.approx(DEMAND[h])
    assert eq.unserved == 0


def test_equilibrium_is_a_fixed_point_within_the_tolerance() -> None:
    p = NetworkParams()
    eq = route_equilibrium(DEMAND, OPTS, "commercial", p)
    assert eq.converged and eq.gap <= p.sue_tolerance
    # Independent check: the choice caused by the equilibrium flows reproduces them.
    det = detour_minutes(OPTS, p, "commercial")
    y, _w, _u = choice_flows(DEMAND, OPTS, [list(r) for r in eq.flows], det, p)
    worst = max(abs(y[j][h] - eq.flows[j][h]) / DEMAND[h] for j in range(3) for h in range(24))
    assert worst <= p.sue_tolerance


def test_congestion_moves_traffic_off_the_small_crossing() -> None:
    # Without waits (tiny demand) B gets its free-flow logit share; at equilibrium
    # under load its one booth queues, so it gets less.
    tiny = route_equilibrium([1e-6] * 24, OPTS, "commercial")
    busy = route_equilibrium(DEMAND, OPTS, "commercial")
    assert sum(busy.flows[1]) / sum(DEMAND) < sum(tiny.flows[1]) / (24e-6)


def test_free_flow_shares_match_the_logit_by_hand() -> None:
    p = NetworkParams()
    eq = route_equilibrium([1e-6] * 24, OPTS, "commercial", p)
    det = detour_minutes(OPTS, p, "commercial")
    w = [o.booths / 6 for o in OPTS]
    want = [0.0, 0.0, 0.0]
    for i in range(3):
        e = [math.exp(-det[i][j] / p.logit_scale_min) for j in range(3)]
        for j in range(3):
            want[j] += w[i] * e[j] / sum(e)
    got = [sum(eq.flows[j]) / 24e-6 for j in range(3)]
    assert got == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("extra", [5.0, 20.0, 60.0])
def test_a_longer_wait_moves_traffic_away(extra: float) -> None:
    base = route_equilibrium(DEMAND, OPTS, "commercial")
    more = route_equilibrium(DEMAND, OPTS, "commercial", extra_wait_min={"A": extra})
    assert sum(more.flows[0]) < sum(base.flows[0])
    assert sum(more.flows[1]) > sum(base.flows[1])
    assert sum(more.flows[2]) > sum(base.flows[2])
    assert sum(map(sum, more.flows)) == pytest.approx(sum(DEMAND))


def test_a_closed_crossing_gets_nothing_and_its_traffic_moves() -> None:
    base = route_equilibrium(DEMAND, OPTS, "commercial")
    shut = route_equilibrium(DEMAND, OPTS, "commercial", closed=frozenset({"B"}))
    assert sum(shut.flows[1]) == 0
    assert sum(shut.flows[0]) > sum(base.flows[0])
    assert sum(shut.flows[2]) > sum(base.flows[2])
    assert sum(map(sum, shut.flows)) == pytest.approx(sum(DEMAND))


def test_hours_when_nothing_is_open_are_unserved_not_lost() -> None:
    night = tuple(8 <= h < 16 for h in range(24))
    opts = (_opt("A", -122.7, 1, night),)
    eq = route_equilibrium([10.0] * 24, opts, "commercial")
    assert sum(eq.flows[0]) == pytest.approx(80.0)
    assert eq.unserved == pytest.approx(160.0)


# --- on the warehouse -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(warehouse_path: Path) -> Iterator[Any]:
    c = connect_readonly(warehouse_path)
    yield c
    c.close()


def test_cascade_corridor_and_total_demand(con: Any) -> None:
    reg = load_registry()
    r = predict_routes(con, "Pacific Highway", DAY, "Trucks", registry=reg)
    ids = {s.crossing_id for s in r.crossings}
    # Trucks: Pacific Highway, Lynden, Sumas; Peace Arch has no truck booths and Point
    # Roberts (an exclave) is left out.
    assert ids == {"3004", "3023", "3009"}
    want = sum(
        hourly_demand(con, cid, DAY, registry=reg).day_totals["Trucks"]
        for cid in ("3004", "3005", "3023", "3009")
    )
    assert r.total == pytest.approx(want)
    assert sum(s.volume for s in r.crossings) == pytest.approx(r.total - r.unserved)
    assert sum(s.share for s in r.crossings) == pytest.approx(1.0)
    assert r.converged
    # Named from Peace Arch (no truck booths) the corridor and its demand are the same.
    pa = predict_routes(con, "Peace Arch", DAY, "Trucks", registry=reg)
    assert pa.anchor == "Blaine-Peace Arch" and pa.total == r.total
    assert {s.crossing_id for s in pa.crossings} == ids
    cars = predict_routes(con, "Pacific Highway", DAY, "Personal Vehicles", registry=reg)
    assert {s.crossing_id for s in cars.crossings} == {"3004", "3005", "3023", "3009"}


def test_closing_lynden_agrees_with_the_closure_model(con: Any) -> None:
    reg = load_registry()
    base = predict_routes(con, "Pacific Highway", DAY, "Trucks", registry=reg)
    shut = predict_routes(
        con, "Pacific Highway", DAY, "Trucks", registry=reg, closed=frozenset({"3023"})
    )
    vol = {s.crossing_id: s.volume for s in shut.crossings}
    gain = {s.crossing_id: vol[s.crossing_id] - s.volume for s in base.crossings}
    assert vol["3023"] == 0
    assert gain["3004"] > 0 and gain["3009"] > 0
    target = closure_target(con, "3023", "Trucks", registry=reg)
    res = simulate_closure(con, target, DAY, DAY, "Trucks", registry=reg)
    received = {a.port_code: a.vehicles for a in res.alternatives if a.vehicles > 0}
    # Both models send Lynden's trucks to Blaine (Pacific Highway) and Sumas.
    assert {"3004", "3009"} <= set(received)


def test_unknown_closed_crossing_is_named(con: Any) -> None:
    with pytest.raises(ValueError, match="9999"):
        predict_routes(con, "Pacific Highway", DAY, "Trucks", closed=frozenset({"9999"}))


def test_check_compares_shares_of_the_same_ports(con: Any) -> None:
    chk = route_check(con, date(2019, 3, 1), date(2019, 4, 1), measures=("Trucks",))
    sources = {r.source for r in chk.rows}
    assert sources == {"BTS ports", "Cascade Gateway"}
    for r in chk.rows:
        assert set(r.predicted) >= set(r.observed)
        if r.source == "BTS ports":
            assert sum(r.observed.values()) == pytest.approx(1.0)
            assert sum(r.predicted.values()) == pytest.approx(1.0)
        assert 0 <= r.mae <= 1


def test_fitted_trip_ends_reproduce_the_fitting_months(con: Any) -> None:
    from dataclasses import replace

    from borderflow.plan import fit_zone_weights

    p = replace(NetworkParams(), logit_scale_min=10.0)
    first, last = date(2017, 3, 1), date(2017, 4, 1)
    zw = fit_zone_weights(con, "Pacific Highway", first, last, "Trucks", p)
    assert zw.residual <= 2e-3
    assert sum(zw.weights.values()) == pytest.approx(1.0)
    # Observed shares recomputed from the counts, independently of the fit.
    rows = con.execute(
        "SELECT port_code, sum(value) FROM bts_crossings WHERE measure = 'Trucks' AND "
        "month BETWEEN $1 AND $2 AND port_code IN ('3004', '3023', '3009') GROUP BY 1",
        [first, last],
    ).fetchall()
    tot = sum(v for _, v in rows)
    for code, v in rows:
        assert zw.observed_shares[code] == pytest.approx(v / tot)
    chk = route_check(con, first, last, measures=("Trucks",), params=p, zone_weights={"Trucks": zw})
    bts = [r for r in chk.rows if r.source == "BTS ports"]
    assert len(bts) == 2 and all(r.mae < 0.02 for r in bts)
    assert {r.comparator_name for r in chk.rows} == {"persistence"}


def test_closure_scale_cannot_reach_lyndens_small_share(con: Any) -> None:
    # With the closure model's 60-min scale, even all trip ends at Pacific Highway send
    # Lynden at least its free-flow logit share from there, more than it carries.
    from borderflow.plan import corridor_options, fit_zone_weights

    p = NetworkParams()
    opts = corridor_options(con, "Pacific Highway", "commercial", p)
    det = detour_minutes(opts, p, "commercial")
    i = [o.crossing_id for o in opts].index("3004")
    j = [o.crossing_id for o in opts].index("3023")
    e = [math.exp(-d / p.logit_scale_min) for d in det[i]]
    floor = e[j] / sum(e)
    zw = fit_zone_weights(con, "Pacific Highway", date(2017, 3, 1), date(2017, 3, 1), "Trucks", p)
    assert zw.observed_shares["3023"] < floor
    assert zw.residual > 0.05


def test_cli_routes_and_check(warehouse_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from borderflow.cli import app

    runner = CliRunner()
    db = ["--db", str(warehouse_path)]
    res = runner.invoke(app, ["routes", "Pacific Highway", "--date", "2019-07-12", "--json", *db])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["model"] == "route-logit-sue v1"
    assert sum(c["volume"] for c in doc["crossings"]) == pytest.approx(doc["total"], abs=1)
    res = runner.invoke(app, ["routes", "Pacific Highway", "--date", "2019-13-01", *db])
    assert res.exit_code != 0 and "--date" in res.output
    res = runner.invoke(
        app,
        ["routes", "Pacific Highway", "--date", "2019-07-12", "--close", "9999", *db],
    )
    assert res.exit_code != 0 and "9999" in res.output
    res = runner.invoke(
        app,
        [
            "routes-check",
            "--from",
            "2019-01",
            "--to",
            "2019-02",
            "--fit-from",
            "2019-01",
            "--fit-to",
            "2019-01",
            *db,
        ],
    )
    assert res.exit_code != 0 and "out-of-sample" in res.output
    res = runner.invoke(app, ["routes-check", "--from", "2019-01", "--to", "2019-01", *db])
    assert res.exit_code == 0, res.output
    assert "BTS ports Trucks" in res.output


def test_daily_check_rows_match_the_cascade_counts(con: Any) -> None:
    chk = route_check(con, date(2019, 2, 1), date(2019, 2, 1), measures=("Trucks",), daily=True)
    days = [r for r in chk.rows if r.source == "Cascade Gateway daily"]
    want = con.execute(
        "SELECT day, max(volume) FILTER (WHERE crossing = 'Pacific Highway'), "
        "max(volume) FILTER (WHERE crossing = 'Lynden/Aldergrove') FROM cascade_trucks_daily "
        "WHERE direction = 'southbound' AND day BETWEEN '2019-02-01' AND '2019-02-28' "
        "GROUP BY day"
    ).fetchall()
    full = {d: ph / (ph + ly) for d, ph, ly in want if ph is not None and ly is not None}
    assert {r.month for r in days} == set(full)
    for r in days:
        assert r.observed["PH/(PH+Lynden)"] == pytest.approx(full[r.month])


def test_the_iteration_cap_is_reported_as_not_converged() -> None:
    from dataclasses import replace

    p = replace(NetworkParams(), sue_tolerance=1e-12, sue_max_iterations=3)
    eq = route_equilibrium(DEMAND, OPTS, "commercial", p)
    assert eq.iterations == 3 and not eq.converged and eq.gap > 1e-12
    assert sum(map(sum, eq.flows)) == pytest.approx(sum(DEMAND))
