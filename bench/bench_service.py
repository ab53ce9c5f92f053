"""Service benchmark: what-if latency for a port-day, and an open-loop load test.

1. **Port-day re-run** (what the dashboard's what-if controls wait for): median and
   max wall time of ``POST /api/simulate`` on ``examples/peace-arch-us-bound.toml``
   (10 replications) and of ``POST /api/whatif`` on Peace Arch, 2019-07-12 (the library's
   ``whatif`` when the build has it -- ``--providers real`` -- else the test providers: a
   24-hour, two-lane port-day simulated with the real kernel). Goal: under 1 s.
2. **Load test** (bounded, open loop on loopback): ``--rate`` port queries per second
   (default 100; crossing detail and monthly traffic alternately) for ``--duration``
   seconds (default 30) while one simulation request per second runs. Requests are sent
   at fixed times whatever the answers (open loop); latency counts from the scheduled
   send time, so a stalled server shows up. Prints achieved rates and p50/p95/p99.
   Goal: query p95 < 50 ms, and simulations do not starve queries.

The server runs in its own process (uvicorn, 127.0.0.1, a free port) on a warehouse built
in a temporary folder; it is stopped at the end. Usage:
``python bench/bench_service.py [--rate 100] [--duration 30] [--sim-rate 1]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]

SERVER = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
import uvicorn
from service_fakes import forecast_monthly, quick_predict_waits, whatif
from borderflow.service import Limits, Providers, create_app

if __name__ == "__main__":
    if {real!r} == "real":
        providers = Providers()
    else:
        providers = Providers(
            predict_waits=quick_predict_waits, whatif=whatif, forecast_monthly=forecast_monthly
        )
    app = create_app(Path({db!r}), limits=Limits(workers=1), providers=providers,
                     prestart_workers=True)
    uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, round(q / 100 * (len(v) - 1)))]


def line(name: str, lat: list[float], n_sent: int, seconds: float) -> str:
    ms = [x * 1000 for x in lat]
    return (
        f"{name:<22} sent {n_sent:5d}  answered {len(lat):5d}  "
        f"rate {len(lat) / seconds:6.1f}/s  p50 {pct(ms, 50):7.1f} ms  "
        f"p95 {pct(ms, 95):7.1f} ms  p99 {pct(ms, 99):7.1f} ms"
    )


async def port_day(client: httpx.AsyncClient, scenario: dict[str, Any], n: int) -> None:
    sims, whatifs = [], []
    for i in range(n):
        t = time.perf_counter()
        r = await client.post(
            "/api/simulate", json={"scenario": scenario, "replications": 10, "seed": i}
        )
        r.raise_for_status()
        sims.append(time.perf_counter() - t)
        t = time.perf_counter()
        r = await client.post(
            "/api/whatif",
            json={"crossing_id": "3005", "day": "2019-07-12", "booths": {"general": 1 + i % 3}},
        )
        r.raise_for_status()
        whatifs.append(time.perf_counter() - t)
    print("1. Port-day re-run (goal < 1 s)")
    for name, xs in (("simulate Peace Arch x10", sims), ("what-if Peace Arch day", whatifs)):
        print(
            f"   {name:<24} median {statistics.median(xs) * 1000:7.1f} ms   "
            f"max {max(xs) * 1000:7.1f} ms   (n = {len(xs)})"
        )


async def load(
    client: httpx.AsyncClient,
    scenario: dict[str, Any],
    rate: float,
    sim_rate: float,
    duration: float,
    ids: list[str],
) -> None:
    q_lat: list[float] = []
    s_lat: list[float] = []
    errors: dict[str, int] = {}
    tasks: list[asyncio.Task[None]] = []
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5

    async def one(kind: str, at: float, i: int) -> None:
        await asyncio.sleep(max(0.0, at - loop.time()))
        try:
            if kind == "q":
                cid = ids[i % len(ids)]
                url = f"/api/ports/{cid}" if i % 2 else f"/api/ports/{cid}/traffic"
                r = await client.get(url, params=None if i % 2 else {"from": "2023-01"})
            else:
                r = await client.post(
                    "/api/simulate", json={"scenario": scenario, "replications": 10, "seed": i}
                )
            if r.status_code != 200:
                errors[f"{kind} {r.status_code}"] = errors.get(f"{kind} {r.status_code}", 0) + 1
                return
        except httpx.HTTPError as exc:
            name = f"{kind} {type(exc).__name__}"
            errors[name] = errors.get(name, 0) + 1
            return
        (q_lat if kind == "q" else s_lat).append(loop.time() - at)

    n_q, n_s = int(rate * duration), int(sim_rate * duration)
    tasks += [asyncio.create_task(one("q", t0 + i / rate, i)) for i in range(n_q)]
    tasks += [asyncio.create_task(one("s", t0 + i / sim_rate, i)) for i in range(n_s)]
    await asyncio.gather(*tasks)
    seconds = loop.time() - t0
    print(
        f"2. Load test: {rate:g} queries/s + {sim_rate:g} simulation/s for {duration:g} s "
        f"(open loop; latency from the scheduled send time)"
    )
    print("   " + line("port queries", q_lat, n_q, seconds))
    print("   " + line("simulations (x10)", s_lat, n_s, seconds))
    print(f"   non-200 answers: {errors or 'none'}")
    ok = pct([x * 1000 for x in q_lat], 95) < 50
    print(f"   query p95 < 50 ms: {'yes' if ok else 'NO'}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--sim-rate", type=float, default=1.0)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--port-day-runs", type=int, default=10)
    ap.add_argument(
        "--providers",
        choices=("auto", "real", "fixture"),
        default="auto",
        help="real: the library's predict_waits/whatif; fixture: the test providers; "
        "auto: real when this build has them",
    )
    args = ap.parse_args()
    from borderflow.service import Providers

    providers = args.providers
    if providers == "auto":
        missing = set(Providers().missing())
        providers = "fixture" if {"predict_waits", "whatif"} & missing else "real"
    print(f"providers: {providers}")
    if args.duration > 120 or args.rate > 1000:
        raise SystemExit("bounded benchmark: --duration <= 120 s and --rate <= 1000/s")
    from borderflow.data import build_warehouse, load_registry

    scenario = tomllib.loads((ROOT / "examples" / "peace-arch-us-bound.toml").read_text())
    ids = [c.crossing_id for c in load_registry().road_crossings]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "borderflow.duckdb"
        build_warehouse(db)
        port = free_port()
        script = Path(tmp) / "server.py"
        script.write_text(
            SERVER.format(
                tests=str(ROOT / "tests" / "service"), db=str(db), port=port, real=providers
            )
        )
        env = dict(os.environ)
        env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".cache" / "numba"))
        proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)

            async def run() -> None:
                limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
                async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
                    # Warm: worker started, compiled code loaded, registry cached.
                    await c.post("/api/simulate", json={"scenario": scenario, "replications": 1})
                    await c.get("/api/ports/3005")
                    await port_day(c, scenario, args.port_day_runs)
                    await load(c, scenario, args.rate, args.sim_rate, args.duration, ids)

            asyncio.run(run())
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
