"""Every call the service makes into the planning and demand layers, one thin function each.

The service never builds predictions itself: these providers call the library. Where the
library function is not in this build yet, the provider raises
:class:`NotAvailableError`; the endpoint answers 501 (in the one error shape) and the
dashboard says "not available". Wiring a provider is a one-line change in its body
(and deleting its ``@not_wired`` line).

:class:`Providers` bundles them so tests (and the benchmark) can pass their own.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from borderflow.sim import PortSpec, parse_scenario


class NotAvailableError(Exception):
    """The library function behind an endpoint is not in this build yet."""

    def __init__(self, what: str) -> None:
        super().__init__(what)  # args = (what,): pickles back from a worker process
        self.what = what

    def __str__(self) -> str:
        return f"{self.what} is not available in this build of borderflow yet"


_F = TypeVar("_F", bound=Callable[..., Any])


def not_wired(what: str) -> Callable[[_F], _F]:
    """Mark a provider whose library function (``what``) is not in this build.

    Delete the decorator line when wiring the provider.
    """

    def mark(fn: _F) -> _F:
        fn.not_wired = what  # type: ignore[attr-defined]
        return fn

    return mark


@not_wired("predicted waits (borderflow.plan.predict_waits)")
def predict_waits(con: Any, crossing_id: str, day: date, direction: str) -> Any:
    """Twin wait prediction for one crossing-day.

    Returns an object shaped like ``borderflow.plan.WaitPrediction``: attributes
    ``crossing_id, crossing_name, port_code, day, direction, model, validated,
    capacity_basis, demand_basis`` and ``rows`` (each ``hour_start, lane_type, delay_min,
    lo, hi, lanes_open, arrivals_per_h``).
    """
    # Wiring: return borderflow.plan.predict_waits(con, crossing_id, day, direction)
    raise NotAvailableError("predicted waits (borderflow.plan.predict_waits)")


@not_wired("traffic forecasts (borderflow.demand.forecast_monthly)")
def forecast_monthly(con: Any, port_code: str, measure: str, horizon: int) -> Any:
    """Monthly traffic forecast of one port and measure, ``horizon`` months ahead.

    Returns a sequence of records with ``month, value, lo80, hi80, lo95, hi95, model``.
    """
    # Wiring: return borderflow.demand.forecast_monthly(con, port_code, measure, horizon)
    raise NotAvailableError("traffic forecasts (borderflow.demand.forecast_monthly)")


@not_wired("what-if runs (borderflow.plan.whatif)")
def whatif(con: Any, crossing_id: str, day: date, direction: str, changes: dict[str, Any]) -> Any:
    """Baseline and changed port-day, paired by seed.

    ``changes`` has ``booths`` (lane type -> booths added, may be negative), ``nexus_share``
    (share of passenger traffic using NEXUS, 0-1, or ``None`` for unchanged) and
    ``closed_hours`` (local hours the crossing is closed). Returns an object with
    ``model, validated, capacity_basis`` and ``rows`` (``hour_start, lane_type,
    baseline_min, scenario_min, diff_min, diff_lo, diff_hi, baseline_lanes_open,
    scenario_lanes_open``).
    """
    # Wiring: return borderflow.plan.whatif_port_day(con, crossing_id, day, direction, changes)
    raise NotAvailableError("what-if runs (borderflow.plan.whatif)")


@not_wired("closures and diversion (borderflow.plan.closure)")
def closure(
    con: Any, port: str, start: date, end: date, measure: str, capacity_share: float
) -> Any:
    """Closure of one port from ``start`` to ``end``: the ``borderflow closure --json`` dict."""
    # Wiring: return borderflow.plan.closure(con, port, start, end, measure=measure,
    #                                       capacity_share=capacity_share).to_dict()
    raise NotAvailableError("closures and diversion (borderflow.plan.closure)")


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
    ``null`` means "use the default" (TOML has no null).
    """
    # Wiring: return borderflow.data.parse_scenario_dict(doc)
    lines = [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in doc.items() if v is not None]
    return parse_scenario("\n".join(lines))


@dataclass(frozen=True)
class Providers:
    """The provider functions a service uses (defaults: the library's)."""

    predict_waits: Callable[[Any, str, date, str], Any] = predict_waits
    forecast_monthly: Callable[[Any, str, str, int], Any] = forecast_monthly
    whatif: Callable[[Any, str, date, str, dict[str, Any]], Any] = whatif
    closure: Callable[[Any, str, date, date, str, float], Any] = closure

    def missing(self) -> list[str]:
        """Names of the providers that are not wired to the library yet."""
        return [
            f.name
            for f in dataclasses.fields(self)
            if getattr(getattr(self, f.name), "not_wired", False)
        ]
