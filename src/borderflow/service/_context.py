"""What every route needs: the warehouse, limits, worker pool, providers, caches."""

from __future__ import annotations

import dataclasses
import difflib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from borderflow.data import (
    Crossing,
    Registry,
    WarehouseMissingError,
    connect_readonly,
    latest_full_year,
    load_registry,
)
from borderflow.demand import split_shares
from borderflow.service._errors import ApiError, clip
from borderflow.service._limits import Limits, WorkerPool
from borderflow.service._providers import (
    NotAvailableError,
    Providers,
    missing_functions,
    predict_many,
)


class _Lru:
    """A small thread-safe LRU cache of computed results."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._d: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        """Return the cached value of ``key``, ``None`` when absent."""
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        """Store ``value`` under ``key`` (dropping the least recently used)."""
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)

    def get_or(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        value = compute()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


@dataclasses.dataclass
class Context:
    """State shared by the routes of one application."""

    db_path: Path
    data_dir: Path
    limits: Limits
    providers: Providers
    pool: WorkerPool
    wait_cache: _Lru = dataclasses.field(default_factory=lambda: _Lru(4096))
    forecasts: _Lru = dataclasses.field(default_factory=lambda: _Lru(512))
    responses: _Lru = dataclasses.field(default_factory=lambda: _Lru(2048))
    _map: tuple[Any, dict[str, Any]] | None = None
    _con: Any = None
    _con_stamp: tuple[int, int] | None = None
    _con_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def registry(self) -> Registry:
        """The crossing registry (read once per process, cached by the data layer)."""
        return load_registry()

    def stamp(self) -> tuple[int, int] | None:
        """Identity of the warehouse file now (inode, mtime); ``None`` when it is missing.

        A load swaps in a new file atomically, which changes the stamp: caches keyed by
        it never serve figures of a replaced warehouse.
        """
        try:
            st = self.db_path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    @contextmanager
    def warehouse(self) -> Iterator[Any]:
        """Yield a read-only cursor for one request; 503 when there is no warehouse.

        Opening the file costs about 0.1 s, so one connection per warehouse file is kept
        and each request gets its own cursor (cursors may run in parallel threads). A
        reloaded file (new stamp) gets a new connection; requests under way keep theirs.
        """
        stamp = self.stamp()
        with self._con_lock:
            if stamp is None or self._con is None or self._con_stamp != stamp:
                try:
                    con = connect_readonly(self.db_path)
                except WarehouseMissingError:
                    raise ApiError(
                        503,
                        "database_missing",
                        "the warehouse has not been built: run `borderflow load` on the server",
                    ) from None
                self._con, self._con_stamp = con, stamp
            base = self._con
        cur = base.cursor()
        try:
            cur.execute("USE warehouse")
            yield cur
        finally:
            cur.close()

    def database_problem(self) -> str | None:
        """``None`` when the warehouse opens, else what is wrong (no path shown)."""
        try:
            with self.warehouse() as con:
                con.execute("SELECT count(*) FROM bts_crossings").fetchone()
        except ApiError:
            return "warehouse not built (run `borderflow load`)"
        except Exception as exc:
            return f"warehouse cannot be read ({type(exc).__name__})"
        return None

    def map_points(self) -> dict[str, Any]:
        """Return crossings with coordinates and yearly traffic (computed once)."""
        stamp = self.stamp()
        if self._map is None or self._map[0] != stamp:
            self._map = (stamp, self._compute_map_points())
        return self._map[1]

    def _compute_map_points(self) -> dict[str, Any]:
        reg = self.registry
        with self.warehouse() as con:
            year = latest_full_year(con)
            rows = con.execute(
                """
                SELECT port_code, measure, sum(value) FROM bts_crossings
                WHERE year(month) = $1 AND measure IN ('Personal Vehicles', 'Trucks')
                GROUP BY port_code, measure
                """,
                [year],
            ).fetchall()
        totals = {(code, m): float(v) for code, m, v in rows}
        shares: dict[tuple[str, str], float] = {}
        for code in {c.bts_port_code for c in reg.crossings}:
            for group in ("passenger", "commercial"):
                for sh in split_shares(reg, code, group):
                    shares[(sh.crossing_id, group)] = sh.share
        points = []
        for c in reg.crossings:
            pv = totals.get((c.bts_port_code, "Personal Vehicles"), 0.0)
            tr = totals.get((c.bts_port_code, "Trucks"), 0.0)
            veh = pv * shares.get((c.crossing_id, "passenger"), 0.0) + tr * shares.get(
                (c.crossing_id, "commercial"), 0.0
            )
            points.append(
                {
                    "crossing_id": c.crossing_id,
                    "name": c.us_name,
                    "port_code": c.bts_port_code,
                    "state": c.state,
                    "province": c.province,
                    "mode": c.mode,
                    "latitude": c.latitude,
                    "longitude": c.longitude,
                    "vehicles_per_year": round(veh),
                    "in_cbp_feed": c.in_cbp_feed,
                }
            )
        return {"year": year, "unit": "vehicles/year", "crossings": points}

    def crossing(self, query: str, parameter: str = "crossing_id") -> Crossing:
        """Find one crossing by id or name; 404 with suggestions, 409 with candidates."""
        reg = self.registry
        q = query.strip()
        try:
            return reg.crossing(q)
        except KeyError:
            pass
        found = reg.search(q) if 0 < len(q) <= 100 else ()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ApiError(
                409,
                "ambiguous_crossing",
                f"{clip(q)!r} matches {len(found)} crossings: give one of their ids",
                parameter=parameter,
                candidates=[
                    {"crossing_id": c.crossing_id, "name": c.us_name, "state": c.state}
                    for c in found[:20]
                ],
            )
        raise ApiError(
            404,
            "crossing_not_found",
            f"no crossing matches {clip(q)!r}: give a crossing id (e.g. 3005) or part of "
            "a name (e.g. Peace Arch); GET /api/ports lists them",
            parameter=parameter,
            suggestions=suggest(reg, q),
        )

    def require(self, provider: Any) -> None:
        """Answer 501 at once when a provider's library function is missing."""
        what = missing_functions(provider)
        if what:
            raise not_available(NotAvailableError(what))

    async def predictions(
        self, ids: list[str], day: date, direction: str
    ) -> dict[str, dict[str, Any] | str]:
        """Return the wait documents of crossings for a day (or why one has none).

        Cached per warehouse file, crossing, day and direction; what is not cached is
        computed in the worker pool (capped in wall time like a simulation), never in the
        server process, so queries keep their latency.
        """
        self.require(self.providers.predict_waits)
        stamp = self.stamp()
        if stamp is None:
            raise ApiError(
                503,
                "database_missing",
                "the warehouse has not been built: run `borderflow load` on the server",
            )
        out: dict[str, dict[str, Any] | str] = {}
        todo = []
        for cid in ids:
            hit = self.wait_cache.get((stamp, cid, day, direction))
            if hit is None:
                todo.append(cid)
            else:
                out[cid] = hit
        if todo:
            try:
                done = await self.pool.run(
                    predict_many,
                    self.providers.predict_waits,
                    self.db_path,
                    tuple(todo),
                    day,
                    direction,
                )
            except NotAvailableError as exc:
                raise not_available(exc) from None
            for cid, doc in done.items():
                if isinstance(doc, dict):
                    self.wait_cache.put((stamp, cid, day, direction), doc)
                out[cid] = doc
        return out


def not_available(exc: NotAvailableError) -> ApiError:
    """Return the 501 answer of an endpoint whose library function is not in this build."""
    return ApiError(501, "not_available", str(exc))


def suggest(reg: Registry, query: str, n: int = 5) -> list[str]:
    """Return close matches ``"id name (state)"`` for a query that found nothing.

    Each crossing is scored by its best similarity (difflib ratio) between the query and
    its name, its BTS port name, or one word of either, so a misspelt town ("Detriot")
    finds its crossings.
    """
    q = query.strip().lower()[:100]
    if not q:
        return []
    scored = []
    for c in reg.crossings:
        names = {c.us_name.lower(), c.bts_port_name.lower(), c.crossing_id}
        words = {w for x in list(names) for w in re.split(r"[\s\-/.,]+", x) if len(w) >= 3}
        best = max(difflib.SequenceMatcher(None, q, k).ratio() for k in names | words)
        if best >= 0.6:
            scored.append((-best, c.crossing_id, f"{c.crossing_id} {c.us_name} ({c.state})"))
    return [label for _, _, label in sorted(scored)[:n]]
