"""Every call the service makes into the planning and demand layers, one thin function each.

The service never builds predictions itself: these providers call the library, looking
the function up by its public name when called (``borderflow.plan.predict_waits``,
``build_scenario``, ``whatif``, ``closure_target``, ``simulate_closure``,
``closure_json``; ``borderflow.demand.forecast_monthly``). Where a function is not in
the build, the provider raises :class:`NotAvailableError`; the endpoint answers 501 (in
the one error shape), ``/api/health`` lists it and the dashboard says "not available".

:class:`Providers` bundles them so tests (and the benchmark) can pass their own.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import borderflow.data as _data
import borderflow.demand as _demand
import borderflow.plan as _plan
import borderflow.sim as _sim
from borderflow.data import WarehouseMissingError, connect_readonly
from borderflow.service._limits import JobFailedError
from borderflow.sim import BoothSchedule, PortSpec, SpecError


class NotAvailableError(Exception):
    """The library function behind an endpoint is not in this build yet."""

    def __init__(self, what: str) -> None:
        super().__init__(what)  # args = (what,): pickles back from a worker process
        self.what = what

    def __str__(self) -> str:
        return f"{self.what} is not available in this build of borderflow yet"


#: Replications of a what-if (paired baseline and changed port-day).
WHATIF_REPLICATIONS = 10


def _lib(module: Any, name: str, what: str) -> Any:
    """Return ``module.name``, or raise :class:`NotAvailableError` naming ``what``.

    The planning and demand functions are looked up when called, so a build that has
    them uses them with no change here, and one that does not answers "not available".
    """
    fn = getattr(module, name, None)
    if fn is None:
        raise NotAvailableError(what)
    return fn


_F = TypeVar("_F", bound=Callable[..., Any])


def requires(*names: tuple[Any, str], what: str) -> Callable[[_F], _F]:
    """Declare the library functions a provider needs (for ``/api/health``)."""

    def mark(fn: _F) -> _F:
        fn.requires = names  # type: ignore[attr-defined]
        fn.what = what  # type: ignore[attr-defined]
        return fn

    return mark


_WAITS = "predicted waits (borderflow.plan.predict_waits)"
_FORECAST = "traffic forecasts (borderflow.demand.forecast_monthly)"
_WHATIF = "what-if runs (borderflow.plan.build_scenario and borderflow.plan.whatif)"
_CLOSURE = "closures (borderflow.plan.closure_target, simulate_closure, closure_json)"


@requires((_plan, "predict_waits"), what=_WAITS)
def predict_waits(con: Any, crossing_id: str, day: date, direction: str) -> Any:
    """Twin wait prediction for one crossing-day (``borderflow.plan.predict_waits``).

    Returns a ``WaitPrediction``: ``crossing_id, crossing_name, port_code, day,
    direction, model, validated, capacity_basis, demand_basis`` and ``rows`` (each
    ``hour_start, lane_type, delay_min, lo, hi, lanes_open, arrivals_per_h``).
    """
    return _lib(_plan, "predict_waits", _WAITS)(con, crossing_id, day, direction)


@requires((_demand, "forecast_monthly"), what=_FORECAST)
def forecast_monthly(con: Any, port_code: str, measure: str, horizon: int) -> Any:
    """Monthly forecast of one port and measure (``borderflow.demand.forecast_monthly``).

    Returns records with ``month, value, lo80, hi80, lo95, hi95, model``.
    """
    _, fc = _lib(_demand, "forecast_monthly", _FORECAST)(con, port_code, measure, horizon)
    return [
        {
            "month": f"{p.month:%Y-%m}",
            "value": p.value,
            "lo80": p.lo80,
            "hi80": p.hi80,
            "lo95": p.lo95,
            "hi95": p.hi95,
            "model": fc.model,
        }
        for p in fc.points
    ]


def _changed_spec(gen: Any, changes: dict[str, Any]) -> tuple[PortSpec, list[str]]:
    """Apply booth changes and closed hours to a generated port-day; return notes."""
    spec: PortSpec = gen.spec
    hours = spec.horizon_hours
    closed = set(changes.get("closed_hours") or [])
    add: dict[str, int] = dict(changes.get("booths") or {})
    group_max: dict[str, int] = dict(getattr(gen, "group_max", {}) or {})
    notes: list[str] = []
    groups = []
    for g in spec.lane_groups:
        delta = add.pop(g.lane_type, 0)
        if isinstance(g.staffing, BoothSchedule):
            booths = list(g.staffing.per_hour(hours))
            cap = group_max.get(g.name)
            new = [max(0, b + delta) for b in booths]
            if cap is not None and any(b > cap for b in new):
                notes.append(f"{g.name}: booths capped at the crossing's {cap} lanes")
                new = [min(b, cap) for b in new]
            new = [0 if h in closed else b for h, b in enumerate(new)]
            groups.append(dataclasses.replace(g, staffing=BoothSchedule(tuple(new))))
        else:
            if delta or closed:
                notes.append(f"{g.name}: queue-triggered staffing left unchanged")
            groups.append(g)
    notes += [f"{lt}: no lane group of that type at this crossing" for lt in add]
    classes = list(spec.classes)
    if closed:
        # A closed crossing gets no arrivals in those hours: the traffic goes elsewhere
        # (GET /api/closures models where) -- stated in docs/api.md.
        classes = []
        for c in spec.classes:
            r = c.rate_per_hour
            rates = r if isinstance(r, tuple) else (float(r),) * hours
            classes.append(
                dataclasses.replace(
                    c, rate_per_hour=tuple(0.0 if h in closed else x for h, x in enumerate(rates))
                )
            )
    return dataclasses.replace(spec, lane_groups=tuple(groups), classes=tuple(classes)), notes


@requires((_plan, "build_scenario"), (_plan, "whatif"), what=_WHATIF)
def whatif(con: Any, crossing_id: str, day: date, direction: str, changes: dict[str, Any]) -> Any:
    """Baseline against changed port-day, paired by seed (``borderflow.plan.whatif``).

    ``changes`` has ``booths`` (lane type -> booths added, may be negative), ``nexus_share``
    (share of passenger traffic using NEXUS, 0-1, or ``None`` for unchanged) and
    ``closed_hours`` (local hours the crossing is closed). Returns ``model, validated,
    capacity_basis, notes`` and ``rows`` (``hour_start, lane_type, baseline_min,
    scenario_min, diff_min, diff_lo, diff_hi, baseline_lanes_open, scenario_lanes_open``).
    """
    build = _lib(_plan, "build_scenario", _WHATIF)
    run = _lib(_plan, "whatif", _WHATIF)
    base = build(con, crossing_id, day, direction)
    share = changes.get("nexus_share")
    gen = (
        base
        if share is None
        else build(con, crossing_id, day, direction, share_overrides={"nexus": float(share)})
    )
    spec, notes = _changed_spec(gen, changes)
    res = run(base.spec, spec, replications=WHATIF_REPLICATIONS, seed=0)
    wait = res.hourly["mean_wait_min"]
    names = list(res.lane_types)
    booths_b = {g.lane_type: g.staffing for g in base.spec.lane_groups}
    booths_s = {g.lane_type: g.staffing for g in spec.lane_groups}
    hours = base.spec.horizon_hours

    def num(x: Any) -> float | None:
        v = float(x)
        return round(v, 3) if math.isfinite(v) else None

    def open_at(staffing: Any, h: int) -> float | None:
        return float(staffing.per_hour(hours)[h]) if isinstance(staffing, BoothSchedule) else None

    rows = []
    for h in range(min(hours, len(wait["baseline"]))):
        for j, lt in enumerate(names):
            if lt == "all":
                continue
            b, s_, d = wait["baseline"][h][j], wait["scenario"][h][j], wait["diff"][h][j]
            half = wait["diff_ci95"][h][j]
            rows.append(
                {
                    "hour_start": f"{day.isoformat()}T{h:02d}:00",
                    "lane_type": lt,
                    "baseline_min": num(b),
                    "scenario_min": num(s_),
                    "diff_min": num(d),
                    "diff_lo": num(float(d) - float(half)),
                    "diff_hi": num(float(d) + float(half)),
                    "baseline_lanes_open": open_at(booths_b.get(lt), h),
                    "scenario_lanes_open": open_at(booths_s.get(lt), h),
                }
            )
    return {
        "model": "twin what-if (paired replications)",
        "validated": crossing_id in getattr(_plan, "VALIDATED_CROSSINGS", ("3005",)),
        "capacity_basis": base.capacity_basis,
        "notes": [*notes, f"pairing: {res.to_dict()['pairing']}"],
        "rows": rows,
    }


@requires(
    (_plan, "closure_target"), (_plan, "simulate_closure"), (_plan, "closure_json"),
    what=_CLOSURE,
)  # fmt: skip
def closure(
    con: Any, port: str, start: date, end: date, measure: str, capacity_share: float
) -> Any:
    """Closure of one port from ``start`` to ``end``: the ``borderflow closure --json`` dict."""
    target = _lib(_plan, "closure_target", _CLOSURE)(con, port, measure, capacity_share)
    result = _lib(_plan, "simulate_closure", _CLOSURE)(con, target, start, end, measure)
    return _lib(_plan, "closure_json", _CLOSURE)(result)


def row_dict(r: Any) -> dict[str, Any]:
    """Return one library record (dataclass or mapping) as a JSON-ready dict.

    NaN becomes ``None`` (an hour without vehicles); a time becomes local ISO 8601 without
    offset (``2019-07-12T16:00``).
    """
    d = (
        dataclasses.asdict(r)
        if dataclasses.is_dataclass(r) and not isinstance(r, type)
        else dict(r)
    )
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            d[k] = None
    hs = d.get("hour_start")
    if isinstance(hs, datetime):
        d["hour_start"] = hs.replace(tzinfo=None).isoformat(timespec="minutes")
    elif hs is not None:
        d["hour_start"] = str(hs)[:16]
    return d


def waits_doc(pred: Any) -> dict[str, Any]:
    """Return a ``WaitPrediction`` as the JSON document of ``/api/ports/{id}/waits``."""
    return {
        "crossing_id": pred.crossing_id,
        "crossing_name": pred.crossing_name,
        "port_code": pred.port_code,
        "day": str(pred.day),
        "direction": pred.direction,
        "model": pred.model,
        "validated": bool(pred.validated),
        "capacity_basis": pred.capacity_basis,
        "demand_basis": str(pred.demand_basis),
        "rows": [row_dict(r) for r in pred.rows],
    }


def predict_many(
    fn: Callable[..., Any], db_path: Path, ids: tuple[str, ...], day: date, direction: str
) -> dict[str, dict[str, Any] | str]:
    """Worker side of predictions: each crossing's document, or why it has none.

    Runs in a worker process (compiled code there can be stopped by killing it), with its
    own read-only connection. :class:`NotAvailableError` propagates; any other failure
    of one crossing is reported for that crossing only.
    """
    con = connect_readonly(db_path)
    out: dict[str, dict[str, Any] | str] = {}
    try:
        for cid in ids:
            try:
                out[cid] = waits_doc(fn(con, cid, day, direction))
            except NotAvailableError:
                raise
            except Exception as exc:
                out[cid] = f"no prediction for crossing {cid} ({type(exc).__name__}: {exc})"[:300]
    finally:
        con.close()
    return out


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def provider_job(fn: Any, db_path: Path, *args: Any) -> Any:
    """Worker side of a provider call: its own read-only connection, a JSON-ready result.

    A lookup or value problem of the request (an ambiguous port, a crossing without
    booths) comes back as :class:`JobFailedError` with the status to answer.
    """
    con = connect_readonly(db_path)
    try:
        return _jsonable(fn(con, *args))
    except (NotAvailableError, WarehouseMissingError):
        raise
    except LookupError as exc:
        ambiguous = len(getattr(exc, "candidates", ())) > 1
        raise JobFailedError(
            409 if ambiguous else 404, "ambiguous" if ambiguous else "not_found", str(exc)
        ) from None
    except (ValueError, SpecError) as exc:
        raise JobFailedError(422, "invalid_parameter", str(exc)) from None
    finally:
        con.close()


def missing_functions(provider: Any) -> str | None:
    """Return what a provider needs and this build lacks, ``None`` when it has all."""
    needs = getattr(provider, "requires", ())
    if any(getattr(module, name, None) is None for module, name in needs):
        return str(getattr(provider, "what", "this function"))
    return None


def _toml_value(v: Any) -> str:
    """One JSON value as a TOML inline value (JSON strings and numbers are valid TOML)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float | str):
        return json.dumps(v, allow_nan=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):
        items = [f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items() if x is not None]
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"not a JSON value: {type(v).__name__}")


def parse_scenario_dict(doc: dict[str, Any]) -> PortSpec:
    """Parse a scenario given as JSON (the TOML files' schema) into a :class:`PortSpec`.

    Raises ``borderflow.sim.SpecError`` naming the field, exactly as for a file. JSON
    ``null`` means "use the default" (TOML has no null). Uses the library's
    ``borderflow.data.parse_scenario_dict`` where the build has it; otherwise writes the
    document as TOML (JSON strings and numbers are valid TOML) for the kernel's parser.
    """
    doc = {k: v for k, v in doc.items() if v is not None}
    lib = getattr(_data, "parse_scenario_dict", None)
    if lib is not None:
        return cast(PortSpec, lib(doc))
    lines = [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in doc.items()]
    # Looked up by name: builds whose kernel moved the parser to borderflow.data take the
    # branch above and have no borderflow.sim.parse_scenario.
    kernel_parser = getattr(_sim, "parse_" + "scenario")
    return cast(PortSpec, kernel_parser("\n".join(lines)))


@dataclass(frozen=True)
class Providers:
    """The provider functions a service uses (defaults: the library's)."""

    predict_waits: Callable[[Any, str, date, str], Any] = predict_waits
    forecast_monthly: Callable[[Any, str, str, int], Any] = forecast_monthly
    whatif: Callable[[Any, str, date, str, dict[str, Any]], Any] = whatif
    closure: Callable[[Any, str, date, date, str, float], Any] = closure

    def missing(self) -> list[str]:
        """Names of the providers whose library functions are not in this build."""
        return [
            f.name for f in dataclasses.fields(self) if missing_functions(getattr(self, f.name))
        ]
