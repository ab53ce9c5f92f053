"""Where sweep tasks run: local processes or a Dask cluster, behind one interface.

A back end maps a picklable module-level function over tasks and yields each
``(task, result)`` as it finishes, in completion order. Results depend only on the task,
so every back end gives the same results (bit for bit) for the same tasks.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def warm_worker() -> int:
    """Import the kernel and load its compiled code in a worker; return the worker's pid."""
    from borderflow.sim import BoothSchedule, LaneGroup, PortSpec, TrafficClass, simulate
    from borderflow.sim import Exponential as Exp

    spec = PortSpec(
        "warm-up",
        "US-bound",
        1,
        (TrafficClass("cars", 30.0, {"general": Exp(1.0)}),),
        (LaneGroup("general", "general", BoothSchedule((1,))),),
    )
    simulate(spec, replications=1, seed=0)
    return os.getpid()


class Backend(Protocol):
    """A place to run sweep tasks."""

    @property
    def name(self) -> str:
        """Short description for messages (e.g. ``local, 2 processes``)."""
        ...

    @property
    def workers(self) -> int:
        """Number of workers."""
        ...

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        """Run ``fn`` on every task; yield ``(task, result)`` as each finishes."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class LocalBackend:
    """Local worker processes (``spawn``: clean processes, safe with threads in the driver).

    Parameters
    ----------
    workers : int, optional
        Processes (default: the machine's CPU count).
    max_pending : int, optional
        Tasks in flight at once (default ``4 × workers``), so a long sweep does not queue
        every task up front.
    """

    def __init__(self, workers: int | None = None, max_pending: int | None = None) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise ValueError(f"workers = {n}: must be >= 1")
        self._n = n
        self._pending = max_pending or 4 * n
        self._pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))

    @property
    def name(self) -> str:
        """Description."""
        return f"local, {self._n} process{'es' if self._n > 1 else ''}"

    @property
    def workers(self) -> int:
        """Number of worker processes."""
        return self._n

    def warm(self) -> None:
        """Start every worker and load the compiled kernel in it."""
        list(self._pool.map(_warm_arg, range(self._n)))

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        """Run ``fn`` on the tasks in worker processes; yield results as they finish."""
        todo = iter(tasks)
        running: dict[Future[R], T] = {}
        for t in todo:
            running[self._pool.submit(fn, t)] = t
            if len(running) >= self._pending:
                break
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                task = running.pop(fut)
                yield task, fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    running[self._pool.submit(fn, nxt)] = nxt

    def close(self) -> None:
        """Shut the pool down (cancelling tasks not started)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _warm_arg(_: int) -> int:
    return warm_worker()


class DaskBackend:
    """A Dask cluster: the one at ``scheduler`` or a ``LocalCluster`` started here.

    Parameters
    ----------
    scheduler : str, optional
        Scheduler address (``tcp://HOST:PORT``); if omitted, a ``LocalCluster`` of
        ``workers`` single-threaded processes on 127.0.0.1 (no dashboard) is started and
        closed with the back end.
    workers : int
        Workers of the local cluster.
    """

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        if scheduler is None:
            import dask

            # No statistical profiler in the workers started here: it samples every thread's
            # stack every 10 ms, CPU taken from the tasks (there is no dashboard to show it).
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                )
            self._client: Any = Client(self._cluster)  # type: ignore[no-untyped-call]
        else:
            self._client = Client(scheduler, timeout=10)  # type: ignore[no-untyped-call]
        self._scheduler = scheduler
        self._workers = 0

    @property
    def name(self) -> str:
        """Description."""
        where = self._scheduler or "LocalCluster"
        return f"dask {where}, {self.workers} worker(s)"

    @property
    def address(self) -> str:
        """The scheduler's address (``tcp://HOST:PORT``)."""
        return str(self._client.scheduler.address)

    @property
    def workers(self) -> int:
        """Workers the scheduler knows about (the last count once the client is closed)."""
        if self._client.status == "running":
            self._workers = len(self._client.scheduler_info().get("workers", {}))
        return self._workers

    def warm(self) -> None:
        """Load the compiled kernel on every worker."""
        self._client.run(warm_worker)

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        """Submit every task; yield results as they finish."""
        from distributed import as_completed

        futs = {self._client.submit(fn, t, pure=False): i for i, t in enumerate(tasks)}
        for fut in as_completed(list(futs)):  # type: ignore[no-untyped-call]
            result = fut.result()
            yield tasks[futs[fut]], result
            fut.release()

    def close(self) -> None:
        """Close the client (and the local cluster if this back end started it)."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


__all__ = ["Backend", "DaskBackend", "LocalBackend", "warm_worker"]
