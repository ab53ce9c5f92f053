"""Limits: caps per request (413 naming the cap), wall time (worker killed), bounded queue."""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from borderflow.service import Limits, Providers, create_app
from borderflow.service._errors import ApiError
from borderflow.service._limits import WorkerPool
from borderflow.service._providers import parse_scenario_dict
from borderflow.sim import simulate
from tests.service.service_fakes import (
    ambiguous_closure,
    invalid_closure,
    serve_app,
    slow_simulation,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

LIMITS = Limits(max_horizon_hours=48, max_replications=20, max_vehicles=200_000, workers=1)


def mm1(rate: float = 30.0, horizon: int = 48, mean_service: float = 1.0) -> dict[str, Any]:
    return {
        "format_version": 1,
        "name": "M/M/1",
        "direction": "US-bound",
        "horizon_hours": horizon,
        "classes": [
            {
                "name": "cars",
                "rate_per_hour": rate,
                "service": {"general": {"distribution": "exponential", "mean": mean_service}},
            }
        ],
        "lane_groups": [{"name": "g", "lane_type": "general", "booths": 1}],
    }


@pytest.fixture(scope="module")
def client(warehouse_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(warehouse_path, limits=LIMITS)) as c:
        yield c


def test_simulate_matches_the_kernel_and_theory(client: TestClient) -> None:
    res = client.post("/api/simulate", json={"scenario": mm1(), "replications": 8, "seed": 3})
    assert res.status_code == 200, res.text
    doc = res.json()
    direct = simulate(parse_scenario_dict(mm1()), replications=8, seed=3).to_dict()
    assert doc["summary"] == direct["summary"]  # same numbers as the library, bit for bit
    # M/M/1 with lambda = 0.5/min, mu = 1/min: Wq = rho / (mu - lambda) = 1 minute.
    mean, ci = doc["summary"]["mean_wait_min"]["mean"], doc["summary"]["mean_wait_min"]["ci95"]
    assert abs(mean - 1.0) < max(3 * ci, 0.15)
    assert math.isclose(doc["expected_vehicles"], 30.0 * 48 * 8)


@pytest.mark.parametrize(
    ("body", "param", "cap"),
    [
        ({"scenario": mm1(horizon=49), "replications": 1}, "scenario.horizon_hours", "48"),
        ({"scenario": mm1(), "replications": 21}, "replications", "20"),
        # 600 veh/h * 48 h * 10 replications = 288,000 expected vehicles > 200,000.
        ({"scenario": mm1(rate=600.0), "replications": 10}, "scenario.classes", "200,000"),
    ],
)
def test_caps_answer_413_naming_the_cap(
    client: TestClient, body: dict[str, Any], param: str, cap: str
) -> None:
    res = client.post("/api/simulate", json=body)
    assert res.status_code == 413, res.text
    err = res.json()["error"]
    assert err["parameter"] == param and cap in err["message"]


def test_bad_scenario_names_the_field(client: TestClient) -> None:
    doc = mm1()
    doc["classes"][0]["service"]["general"]["mean"] = -1.0
    err = client.post("/api/simulate", json={"scenario": doc}).json()["error"]
    assert err["status"] == 422 and "mean" in err["message"]
    doc = mm1()
    doc["lane_groups"][0]["lane_typo"] = "x"
    err = client.post("/api/simulate", json={"scenario": doc}).json()["error"]
    assert err["status"] == 422 and "lane_typo" in err["message"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child not yet reaped shows as a zombie.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


@pytest.mark.slow  # two worker starts (import + warm-up) on a shared 2-core machine
def test_timeout_kills_the_worker_and_the_pool_recovers() -> None:
    pool = WorkerPool(Limits(workers=1, queue=0, timeout_s=1.0))
    try:
        assert asyncio.run(pool.run(slow_simulation, 0.0)) == "done"
        (pid,) = pool.pids()
        t0 = time.monotonic()
        with pytest.raises(ApiError) as info:
            asyncio.run(pool.run(slow_simulation, 30.0))
        assert info.value.detail.status == 504 and "1 s" in info.value.detail.message
        assert time.monotonic() - t0 < 10
        assert not _alive(pid)
        assert asyncio.run(pool.run(slow_simulation, 0.0)) == "done"  # a fresh worker
        assert pool.pids() != [pid]
    finally:
        pool.close()
    assert pool.pids() == []


@pytest.mark.slow
def test_full_queue_answers_429_with_retry_after() -> None:
    pool = WorkerPool(Limits(workers=1, queue=1, timeout_s=20.0, retry_after_s=7))

    async def three() -> list[Any]:
        jobs = [pool.run(slow_simulation, 1.5) for _ in range(3)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    try:
        out = asyncio.run(three())
    finally:
        pool.close()
    done = [x for x in out if x == "done"]
    refused = [x for x in out if isinstance(x, ApiError)]
    assert len(done) == 2 and len(refused) == 1  # one running + one waiting, one refused
    assert refused[0].detail.status == 429 and refused[0].headers == {"Retry-After": "7"}


def test_workers_stop_with_the_server(warehouse_path: Path) -> None:
    app = create_app(warehouse_path, limits=Limits(workers=1))
    with TestClient(app) as c:
        assert (
            c.post(
                "/api/simulate", json={"scenario": mm1(horizon=2), "replications": 1}
            ).status_code
            == 200
        )
        pids = app.state.context.pool.pids()
        assert len(pids) == 1 and _alive(pids[0])
    assert not _alive(pids[0])


def _raw(url: str, request: bytes) -> tuple[int, bytes]:
    """Send raw bytes to the live server; return (status, body)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_huge_path_and_body_on_a_real_server(warehouse_path: Path) -> None:
    with serve_app(create_app(warehouse_path, limits=LIMITS)) as url:
        path = "/api/ports/" + "x" * 100_000  # a 100 KB path segment
        status, body = _raw(
            url, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        assert status == 422 and len(body) < 1_000
        assert json.loads(body)["error"]["parameter"] == "crossing_id"
        big = b'{"scenario": {"name": "' + b"x" * 2_000_000 + b'"}}'
        head = (
            "POST /api/simulate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(big)}\r\n\r\n"
        ).encode()
        status, body = _raw(url, head)  # refused on the header alone
        err = json.loads(body)["error"]
        assert status == 413 and err["code"] == "body_too_large"
        with httpx.Client(base_url=url) as c:  # a streamed body without a length
            res = c.post(
                "/api/simulate",
                content=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
            )
        assert res.status_code == 413 and res.json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize(("provider", "status"), [(ambiguous_closure, 409), (invalid_closure, 422)])
def test_library_errors_in_a_worker_keep_their_meaning(
    warehouse_path: Path, provider: Any, status: int
) -> None:
    app = create_app(warehouse_path, limits=LIMITS, providers=Providers(closure=provider))
    with TestClient(app) as c:
        res = c.get(
            "/api/closures", params={"port": "Fort", "from": "2022-02-07", "to": "2022-02-08"}
        )
        assert res.status_code == status, res.text
        assert "Fort" in res.json()["error"]["message"]
        # The worker survived: the next request is served by the same process.
        pids = app.state.context.pool.pids()
        c.get("/api/closures", params={"port": "Fort", "from": "2022-02-07", "to": "2022-02-08"})
        assert app.state.context.pool.pids() == pids
