"""The providers: scenario JSON parsing, what-if changes, adapters to the library."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import borderflow.data
import borderflow.demand
import borderflow.plan
import borderflow.sim
from borderflow.service import Providers
from borderflow.service import _providers as prov
from borderflow.sim import BoothSchedule, SpecError
from tests.service.service_fakes import scenario

# Scenario files only (examples/ may also hold sweep files and overlays).
EXAMPLES = [
    p
    for p in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.toml"))
    if "format_version" in p.read_text(encoding="utf-8")
]
# The text parser: borderflow.data's where the kernel moved it there, else the kernel's.
parse_scenario = getattr(borderflow.data, "parse_scenario", None) or borderflow.sim.parse_scenario


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_scenario_json_parses_like_the_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert prov.parse_scenario_dict(tomllib.loads(text)) == parse_scenario(text)


def test_scenario_json_errors_name_the_field() -> None:
    doc = scenario("3005", date(2019, 7, 12))
    doc["lane_groups"][0]["booths"] = "many"
    with pytest.raises(SpecError, match="booths"):
        prov.parse_scenario_dict(doc)


def test_missing_lists_exactly_the_absent_library_functions() -> None:
    plan, demand = borderflow.plan, borderflow.demand
    expected = []
    if not hasattr(plan, "predict_waits"):
        expected.append("predict_waits")
    if not hasattr(demand, "forecast_monthly"):
        expected.append("forecast_monthly")
    if not (hasattr(plan, "build_scenario") and hasattr(plan, "whatif")):
        expected.append("whatif")
    if not all(hasattr(plan, n) for n in ("closure_target", "simulate_closure", "closure_json")):
        expected.append("closure")
    assert Providers().missing() == expected


def _gen() -> Any:
    spec = prov.parse_scenario_dict(scenario("3005", date(2019, 7, 12)))
    return SimpleNamespace(spec=spec, group_max={"general": 3}, capacity_basis="sizing rule")


def test_changed_spec_adds_booths_caps_them_and_closes_hours() -> None:
    gen = _gen()
    changes = {"booths": {"general": 2, "commercial": 1}, "closed_hours": [3, 4]}
    spec, notes = prov._changed_spec(gen, changes)
    groups = {g.lane_type: g.staffing for g in spec.lane_groups}
    assert isinstance(groups["general"], BoothSchedule)
    general = groups["general"].per_hour(24)
    # 2 booths + 2 = 4, capped at the 3 lanes; 0 in the closed hours.
    assert general == tuple(0 if h in (3, 4) else 3 for h in range(24))
    assert groups["nexus"].per_hour(24) == tuple(0 if h in (3, 4) else 1 for h in range(24))
    for c in spec.classes:
        base = next(b for b in gen.spec.classes if b.name == c.name).rate_per_hour
        assert all(r == (0.0 if h in (3, 4) else base[h]) for h, r in enumerate(c.rate_per_hour))
    assert any("capped" in n for n in notes)
    assert any(n.startswith("commercial") for n in notes)


def test_whatif_adapter_maps_the_library_result(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    H = 24
    base_wait = np.arange(H * 3, dtype=float).reshape(H, 3)

    def build_scenario(con: Any, cid: str, day: date, direction: str, **kw: Any) -> Any:
        calls.append(kw)
        return _gen()

    def whatif(b: Any, s: Any, *, replications: int, seed: int) -> Any:
        assert replications == prov.WHATIF_REPLICATIONS
        diff = -np.ones((H, 3))
        hourly = {
            "mean_wait_min": {
                "baseline": base_wait,
                "scenario": base_wait + diff,
                "diff": diff,
                "diff_ci95": np.full((H, 3), 0.5),
            }
        }
        return SimpleNamespace(
            hourly=hourly,
            lane_types=("general", "nexus", "all"),
            to_dict=lambda: {"pairing": "same vehicles"},
        )

    monkeypatch.setattr(borderflow.plan, "build_scenario", build_scenario, raising=False)
    monkeypatch.setattr(borderflow.plan, "whatif", whatif, raising=False)
    assert "whatif" not in Providers().missing()
    out = prov.whatif(
        None, "3005", date(2019, 7, 12), "US-bound",
        {"booths": {"general": 1}, "nexus_share": 0.4, "closed_hours": []},
    )  # fmt: skip
    assert calls == [{}, {"share_overrides": {"nexus": 0.4}}]
    assert len(out["rows"]) == H * 2  # "all" is not a lane type row
    r = next(
        x for x in out["rows"] if x["hour_start"].endswith("T16:00") and x["lane_type"] == "nexus"
    )
    assert r["baseline_min"] == base_wait[16][1] and r["diff_min"] == -1.0
    assert (r["diff_lo"], r["diff_hi"]) == (-1.5, -0.5)
    g = next(
        x for x in out["rows"] if x["hour_start"].endswith("T16:00") and x["lane_type"] == "general"
    )
    assert (g["baseline_lanes_open"], g["scenario_lanes_open"]) == (2.0, 3.0)
    assert out["capacity_basis"] == "sizing rule" and "pairing: same vehicles" in out["notes"]
