"""Limits on simulation requests and the bounded pool of worker processes that runs them.

Compiled (numba) code running in a thread cannot be interrupted, so a long simulation
would hold the server. Simulations therefore run in separate worker *processes*: a
request that exceeds its wall time gets its worker killed (and a fresh one started), and
the server goes on answering. At most ``workers`` simulations run at once and at most
``queue`` more wait; beyond that the API answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from borderflow.service._errors import ApiError


@dataclass(frozen=True)
class Limits:
    """Caps on one simulation request and on the worker pool (see ``docs/api.md``).

    Attributes
    ----------
    max_horizon_hours
        Longest scenario horizon [hours].
    max_replications
        Most replications per request.
    max_vehicles
        Most expected vehicles per request, summed over replications [vehicles]
        (arrival rates times horizon, plus listed arrivals and initial queues).
    timeout_s
        Wall time one request may run in its worker before the worker is killed [s].
    workers
        Worker processes (simulations running at once).
    queue
        Requests allowed to wait for a worker; one more gets 429.
    retry_after_s
        ``Retry-After`` sent with a 429 [s].
    """

    max_horizon_hours: int = 72
    max_replications: int = 50
    max_vehicles: int = 2_000_000
    timeout_s: float = 30.0
    workers: int = 2
    queue: int = 4
    retry_after_s: int = 5

    def __post_init__(self) -> None:
        for name in ("max_horizon_hours", "max_replications", "max_vehicles", "workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be >= 1, got {getattr(self, name)}")
        if self.queue < 0 or self.timeout_s <= 0:
            raise ValueError("Limits.queue must be >= 0 and Limits.timeout_s > 0")


class JobFailedError(Exception):
    """Work failed in a worker for a reason the request caused (status, code, message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, code, message)  # args rebuild it after pickling
        self.status, self.code, self.message = status, code, message


class WorkTimeoutError(Exception):
    """The work ran past its wall time; its worker process was killed."""


class WorkerCrashedError(Exception):
    """The worker process died while working (e.g. out of memory)."""


#: Longest a new worker may take to import and warm up before it counts as failed [s].
STARTUP_TIMEOUT_S = 180.0


def _warm_up() -> None:
    """Import the service and run a tiny simulation, so compiled code is loaded once.

    This happens before the worker says it is ready: a request's wall time counts its
    own work only, not the worker's start.
    """
    import borderflow.service  # noqa: F401  (imports the routes' job functions)
    from borderflow.service._providers import parse_scenario_dict
    from borderflow.sim import simulate

    spec = parse_scenario_dict(
        {
            "format_version": 1,
            "name": "warm-up",
            "direction": "US-bound",
            "horizon_hours": 1,
            "classes": [
                {
                    "name": "c",
                    "rate_per_hour": 10.0,
                    "service": {"general": {"distribution": "exponential", "mean": 1.0}},
                }
            ],
            "lane_groups": [{"name": "g", "lane_type": "general", "booths": 1}],
        }
    )
    simulate(spec, replications=1, seed=0)


def _worker_main(conn: Connection) -> None:
    """Worker loop: receive ``(function, args)``, send ``("ok", result)`` or ``("err", exc)``."""
    try:
        _warm_up()
    except Exception as exc:
        conn.send(("err", RuntimeError(f"worker start failed: {type(exc).__name__}: {exc}")))
        return
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return  # the server went away: end with it
        try:
            conn.send(("ok", fn(*args)))
        except Exception as exc:  # the caller re-raises it in the server
            try:
                # Some exceptions pickle but cannot be rebuilt (custom __init__): check.
                pickle.loads(pickle.dumps(exc))
                conn.send(("err", exc))
            except Exception:
                conn.send(("err", RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.proc = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self._ready_lock = threading.Lock()

    def wait_ready(self) -> None:
        """Block until the worker has warmed up (raise if it failed to start)."""
        with self._ready_lock:
            self._wait_ready()

    def _wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(STARTUP_TIMEOUT_S):
            raise WorkerCrashedError
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            raise WorkerCrashedError from None
        if status != "ready":
            raise WorkerCrashedError from value
        self.ready = True

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float) -> Any:
        self.conn.send((fn, args))
        if not self.conn.poll(timeout_s):
            raise WorkTimeoutError
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            raise WorkerCrashedError from None
        if status == "err":
            raise value
        return value

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
            self.proc.join(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """A bounded pool of worker processes with a bounded wait queue.

    Workers start on first use (a server that never simulates starts none) and stop on
    :meth:`close`. They are daemon processes and leave when their pipe closes, so none
    outlives the server.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._ctx = mp.get_context("spawn")
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting
        self._threads: ThreadPoolExecutor | None = None

    @property
    def started(self) -> int:
        """Number of live worker processes."""
        return sum(1 for w in self._all if w.proc.is_alive())

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.proc.pid for w in self._all if w.proc.is_alive() and w.proc.pid is not None]

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            w = _Worker(self._ctx)
            self._all.append(w)
            return w

    def _give_back(self, w: _Worker, healthy: bool) -> None:
        with self._lock:
            if healthy and w in self._all:
                self._idle.append(w)
                return
            if w in self._all:
                self._all.remove(w)
        w.kill()

    def _run_blocking(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        w = self._take()
        try:
            w.wait_ready()
        except WorkerCrashedError:
            self._give_back(w, healthy=False)
            raise
        try:
            result = w.call(fn, args, self.limits.timeout_s)
        except (WorkTimeoutError, WorkerCrashedError):
            self._give_back(w, healthy=False)  # kill: the only way to stop compiled code
            raise
        except BaseException:
            self._give_back(w, healthy=w.proc.is_alive())
            raise
        self._give_back(w, healthy=True)
        return result

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker process and return its result.

        ``fn`` and ``args`` must be picklable (a module-level function).

        Raises
        ------
        ApiError
            429 (with ``Retry-After``) when all workers are busy and the queue is full;
            504 when the work ran past ``timeout_s`` (its worker is killed); 500 when the
            worker died.
        """
        lim = self.limits
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(
                    max_workers=lim.workers, thread_name_prefix="sim"
                )
            threads = self._threads
            if self._admitted >= lim.workers + lim.queue:
                raise ApiError(
                    429,
                    "too_many_requests",
                    f"all {lim.workers} simulation workers are busy and {lim.queue} requests "
                    f"are waiting; retry in {lim.retry_after_s} s",
                    headers={"Retry-After": str(lim.retry_after_s)},
                )
            self._admitted += 1
        try:
            # The thread pool has one thread per worker: extra requests wait in its queue.
            loop = asyncio.get_running_loop()
            started = time.monotonic()
            try:
                return await loop.run_in_executor(threads, self._run_blocking, fn, args)
            except WorkTimeoutError:
                raise ApiError(
                    504,
                    "timeout",
                    f"the simulation ran past the {lim.timeout_s:g} s wall-time cap "
                    f"(stopped after {time.monotonic() - started:.1f} s); ask for fewer "
                    "replications or a shorter horizon",
                ) from None
            except WorkerCrashedError:
                raise ApiError(
                    500, "worker_crashed", "the simulation worker died (out of memory?)"
                ) from None
        finally:
            with self._lock:
                self._admitted -= 1

    def prestart(self) -> None:
        """Start and warm every worker now, in the background (for a server's start)."""

        def start() -> None:
            with self._lock:
                missing = self.limits.workers - len(self._all)
                new = [_Worker(self._ctx) for _ in range(max(0, missing))]
                self._all.extend(new)
                self._idle.extend(new)
            for w in new:
                with contextlib.suppress(WorkerCrashedError):
                    w.wait_ready()

        threading.Thread(target=start, name="sim-prestart", daemon=True).start()

    def close(self) -> None:
        """Stop every worker process (idempotent; a later :meth:`run` starts new ones)."""
        with self._lock:
            workers, self._all, self._idle = list(self._all), [], []
            threads, self._threads = self._threads, None
        for w in workers:
            w.kill()
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)
