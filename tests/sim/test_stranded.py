"""Stranded vehicles (issue 8, defect 5): with drain = false the headline wait is censored.

The summary mean wait counts served vehicles only; the vehicles still waiting at the end
of the horizon are reported beside it with their waits so far, and the result says the
figures are censored.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import scenario_to_toml
from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    PortSpec,
    TrafficClass,
    run_replication,
    simulate,
)

# 120 cars/h at one booth serving 60/h for 2 hours, no draining: about 120 left waiting
OVERLOADED = PortSpec(
    "overloaded",
    "US-bound",
    2,
    (TrafficClass("cars", 120.0, {"general": Exponential(1.0)}),),
    (LaneGroup("general", "general", BoothSchedule((1,))),),
    drain=False,
)


def test_stranded_waits_are_reported_beside_the_served_mean() -> None:
    res = simulate(OVERLOADED, replications=4, seed=7)
    # independent: the same replications' records
    recs = [run_replication(OVERLOADED, 7, replication=r) for r in range(4)]
    stranded = [np.isnan(r.start_min) for r in recs]
    so_far = [float(np.mean(120.0 - r.arrival_min[s])) for r, s in zip(recs, stranded, strict=True)]
    with_all = [
        float(np.mean(np.where(s, 120.0 - r.arrival_min, r.wait_min)))
        for r, s in zip(recs, stranded, strict=True)
    ]
    assert res.summary["waiting_at_end"][0] == pytest.approx(np.mean([s.sum() for s in stranded]))
    assert res.summary["stranded_mean_wait_so_far_min"][0] == pytest.approx(np.mean(so_far))
    assert res.summary["mean_wait_with_stranded_min"][0] == pytest.approx(np.mean(with_all))
    # a lower bound: the same vehicles served to the end (drain) wait at least that long
    drained = [run_replication(replace(OVERLOADED, drain=True), 7, replication=r) for r in range(4)]
    for r, d, bound in zip(recs, drained, with_all, strict=True):
        assert np.array_equal(
            r.wait_min[~np.isnan(r.start_min)], d.wait_min[~np.isnan(r.start_min)]
        )
        assert float(np.mean(d.wait_min)) >= bound
    assert res.censored
    assert res.to_dict()["censored"] is True


def test_a_drained_run_is_not_censored() -> None:
    res = simulate(replace(OVERLOADED, drain=True), replications=2, seed=7)
    assert not res.censored
    assert math.isnan(res.summary["stranded_mean_wait_so_far_min"][0])
    assert res.summary["mean_wait_with_stranded_min"][0] == pytest.approx(
        res.summary["mean_wait_min"][0]
    )


def test_cli_marks_the_mean_wait_as_censored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from borderflow.cli._app import console

    monkeypatch.setattr(console, "_width", 80)  # the Rich console at 80 columns
    path = tmp_path / "over.toml"
    path.write_text(scenario_to_toml(OVERLOADED), encoding="utf-8")
    res = CliRunner().invoke(app, ["simulate", str(path), "-r", "2", "--seed", "7"])
    assert res.exit_code == 0, res.output
    assert "censored" in res.output and "still waiting" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    summary = res.output.splitlines()[-4:]
    assert summary[0].startswith("vehicles ") and summary[1].startswith("wait (min): mean")
    assert summary[3].startswith("had waited ")
    doc = json.loads(
        CliRunner().invoke(app, ["simulate", str(path), "-r", "2", "--seed", "7", "--json"]).stdout
    )
    assert doc["censored"] is True
    assert doc["summary"]["stranded_mean_wait_so_far_min"]["mean"] > 0
