"""Test providers: small port-days simulated with the real kernel (no planning layer needed).

Demand and booths here are test fixtures, not estimates of any real crossing: they make
the service's plumbing (workers, feed, dashboard) testable before the planning layer's
``predict_waits`` / ``whatif`` are merged. Module-level functions, so worker processes can
unpickle them.
"""

from __future__ import annotations

import asyncio
import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import borderflow.plan
from borderflow.service import NotAvailableError, Providers
from borderflow.service._providers import parse_scenario_dict, requires
from borderflow.sim import simulate

# Shape of the day (share of the base rate per local hour): a test fixture.
PROFILE = (
    0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.0, 1.0, 1.1,
    1.2, 1.3, 1.4, 1.5, 1.5, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4, 0.3,
)  # fmt: skip
REPLICATIONS = 4
BOOTHS = {"general": 2, "nexus": 1}


@dataclass(frozen=True)
class Row:
    hour_start: datetime
    lane_type: str
    delay_min: float | None
    lo: float | None
    hi: float | None
    lanes_open: float | None
    arrivals_per_h: float | None


@dataclass(frozen=True)
class Prediction:
    crossing_id: str
    crossing_name: str
    port_code: str
    day: date
    direction: str
    model: str
    validated: bool
    capacity_basis: str
    demand_basis: str
    rows: tuple[Row, ...]


def base_rate(crossing_id: str, day: date) -> float:
    """Peak-free base arrival rate of the fixture [vehicles/hour]."""
    return 60.0 + 10.0 * (int(crossing_id) % 7) + day.day


def scenario(
    crossing_id: str,
    day: date,
    booths: dict[str, int] | None = None,
    nexus_share: float | None = None,
    closed_hours: list[int] | None = None,
) -> dict[str, Any]:
    base = base_rate(crossing_id, day)
    share = 0.25 if nexus_share is None else nexus_share
    closed = set(closed_hours or [])
    rates = [0.0 if h in closed else base * p for h, p in enumerate(PROFILE)]
    add = booths or {}
    groups = []
    for lt, n in BOOTHS.items():
        b = max(0, n + add.get(lt, 0))
        groups.append(
            {"name": lt, "lane_type": lt, "booths": [0 if h in closed else b for h in range(24)]}
        )
    return {
        "format_version": 1,
        "name": f"fixture {crossing_id} {day}",
        "direction": "US-bound",
        "horizon_hours": 24,
        "classes": [
            {
                "name": "cars",
                "rate_per_hour": [r * (1 - share) for r in rates],
                "service": {"general": {"distribution": "exponential", "mean": 1.0}},
            },
            {
                "name": "nexus",
                "rate_per_hour": [r * share for r in rates],
                "service": {
                    "nexus": {"distribution": "exponential", "mean": 0.5},
                    "general": {"distribution": "exponential", "mean": 1.0},
                },
            },
        ],
        "lane_groups": groups,
    }


def _table(doc: dict[str, Any]) -> dict[tuple[int, str], tuple[float, float, float]]:
    res = simulate(parse_scenario_dict(doc), replications=REPLICATIONS, seed=7)
    h = res.hourly
    out = {}
    for i in range(len(h["hour"])):
        mean = float(h["mean_wait_min"][i])
        ci = float(h["mean_wait_min_ci95"][i])
        out[(int(h["hour"][i]), str(h["lane_type"][i]))] = (
            mean if math.isfinite(mean) else 0.0,
            ci if math.isfinite(ci) else 0.0,
            float(h["count"][i]),
        )
    return out


def predict_waits(con: Any, crossing_id: str, day: date, direction: str) -> Prediction:
    doc = scenario(crossing_id, day)
    table = _table(doc)
    midnight = datetime(day.year, day.month, day.day)
    rows = []
    for hour in range(24):
        for lt in BOOTHS:
            mean, ci, count = table.get((hour, lt), (0.0, 0.0, 0.0))
            rows.append(
                Row(
                    hour_start=midnight + timedelta(hours=hour),
                    lane_type=lt,
                    delay_min=round(mean, 2),
                    lo=round(max(0.0, mean - ci), 2),
                    hi=round(mean + ci, 2),
                    lanes_open=float(BOOTHS[lt]),
                    arrivals_per_h=count,
                )
            )
    return Prediction(
        crossing_id=crossing_id,
        crossing_name=f"crossing {crossing_id}",
        port_code=crossing_id,
        day=day,
        direction=direction,
        model="test-fixture",
        validated=crossing_id == "3005",
        capacity_basis="sourced booths" if crossing_id == "3005" else "sizing rule",
        demand_basis="test fixture",
        rows=tuple(rows),
    )


def whatif(con: Any, crossing_id: str, day: date, direction: str, changes: dict[str, Any]) -> Any:
    base = _table(scenario(crossing_id, day))
    new = _table(
        scenario(
            crossing_id, day, changes["booths"], changes["nexus_share"], changes["closed_hours"]
        )
    )
    rows = []
    for hour in range(24):
        for lt in BOOTHS:
            b, bci, _ = base.get((hour, lt), (0.0, 0.0, 0.0))
            s, sci, _ = new.get((hour, lt), (0.0, 0.0, 0.0))
            half = math.hypot(bci, sci)
            rows.append(
                {
                    "hour_start": f"{day.isoformat()}T{hour:02d}:00",
                    "lane_type": lt,
                    "baseline_min": round(b, 2),
                    "scenario_min": round(s, 2),
                    "diff_min": round(s - b, 2),
                    "diff_lo": round(s - b - half, 2),
                    "diff_hi": round(s - b + half, 2),
                    "baseline_lanes_open": float(BOOTHS[lt]),
                    "scenario_lanes_open": float(max(0, BOOTHS[lt] + changes["booths"].get(lt, 0))),
                }
            )
    return {
        "model": "test-fixture",
        "validated": crossing_id == "3005",
        "capacity_basis": "sizing rule",
        "rows": rows,
    }


def forecast_monthly(con: Any, port_code: str, measure: str, horizon: int) -> list[dict[str, Any]]:
    out = []
    for k in range(horizon):
        y, m = divmod(2024 * 12 + 2 + k, 12)  # from 2024-03, after the shipped data
        v = 100_000.0 + 1_000.0 * k
        out.append(
            {
                "month": f"{y}-{m + 1:02d}",
                "value": v,
                "lo80": v * 0.9,
                "hi80": v * 1.1,
                "lo95": v * 0.85,
                "hi95": v * 1.15,
                "model": "test-fixture",
            }
        )
    return out


def slow_simulation(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "done"


FAKE = Providers(predict_waits=predict_waits, whatif=whatif, forecast_monthly=forecast_monthly)


def quick_predict_waits(con: Any, crossing_id: str, day: date, direction: str) -> Prediction:
    """A prediction by formula (no simulation): for fuzzing, where speed matters."""
    midnight = datetime(day.year, day.month, day.day)
    rows = tuple(
        Row(midnight + timedelta(hours=h), lt, 2.0 * p, p, 3.0 * p, float(n), 100.0 * p)
        for h, p in enumerate(PROFILE)
        for lt, n in BOOTHS.items()
    )
    return Prediction(
        crossing_id, crossing_id, crossing_id, day, direction, "quick-fixture",
        crossing_id == "3005", "sizing rule", "test fixture", rows,
    )  # fmt: skip


def quick_whatif(con: Any, crossing_id: str, day: date, direction: str, changes: Any) -> Any:
    rows = [
        {
            "hour_start": f"{day.isoformat()}T{h:02d}:00",
            "lane_type": "general",
            "baseline_min": 2.0 * p,
            "scenario_min": p,
            "diff_min": -p,
            "diff_lo": -1.5 * p,
            "diff_hi": -0.5 * p,
        }
        for h, p in enumerate(PROFILE)
    ]
    return {
        "model": "quick-fixture",
        "validated": False,
        "capacity_basis": "sizing rule",
        "rows": rows,
    }


def quick_closure(con: Any, port: str, start: date, end: date, measure: str, share: float) -> Any:
    return {
        "closure": {"port": port, "from": start.isoformat(), "to": end.isoformat()},
        "ports": [{"port_code": "3801", "port_name": "Detroit", "baseline": 1.0}],
    }


QUICK = Providers(
    predict_waits=quick_predict_waits,
    whatif=quick_whatif,
    forecast_monthly=forecast_monthly,
    closure=quick_closure,
)


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread, as ``borderflow serve`` does."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", h11_max_incomplete_event_size=256 * 1024)
    )
    thread = threading.Thread(target=lambda: asyncio.run(srv.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)
        sock.close()
    assert app.state.context.pool.pids() == []  # workers ended with the server


def ambiguous_closure(
    con: Any, port: str, start: date, end: date, measure: str, share: float
) -> Any:
    """A library error that pickles but cannot be rebuilt as is (custom __init__)."""
    from borderflow.data import AmbiguousPortError, PortMatch

    raise AmbiguousPortError(
        port,
        [PortMatch("0107", "Fort Fairfield", "ME", "US-Canada", "name"),
         PortMatch("0110", "Fort Kent", "ME", "US-Canada", "name")],
    )  # fmt: skip


def invalid_closure(con: Any, port: str, start: date, end: date, measure: str, share: float) -> Any:
    raise ValueError(f"port {port} has no road crossing")


# --- providers whose library function is missing, whatever the build has -------------------
_NONE = (borderflow.plan, "no_such_function_in_any_build")


@requires(_NONE, what="predicted waits (test: missing)")
def missing_predict_waits(con: Any, crossing_id: str, day: date, direction: str) -> Any:
    raise NotAvailableError("predicted waits (test: missing)")


@requires(_NONE, what="traffic forecasts (test: missing)")
def missing_forecast(con: Any, port_code: str, measure: str, horizon: int) -> Any:
    raise NotAvailableError("traffic forecasts (test: missing)")


@requires(_NONE, what="what-if runs (test: missing)")
def missing_whatif(con: Any, crossing_id: str, day: date, direction: str, changes: Any) -> Any:
    raise NotAvailableError("what-if runs (test: missing)")


@requires(_NONE, what="closures (test: missing)")
def missing_closure(con: Any, port: str, start: date, end: date, measure: str, share: float) -> Any:
    raise NotAvailableError("closures (test: missing)")


#: A build without any prediction (as before the planning layer existed).
MISSING = Providers(
    predict_waits=missing_predict_waits,
    forecast_monthly=missing_forecast,
    whatif=missing_whatif,
    closure=missing_closure,
)
#: The fixtures for all but closures, which are missing.
FAKE_NO_CLOSURE = Providers(
    predict_waits=predict_waits,
    whatif=whatif,
    forecast_monthly=forecast_monthly,
    closure=missing_closure,
)
