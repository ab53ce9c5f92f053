"""Bounds (issue 8, defect 4): absurd sizes end in a clear error, never a crash or NaN."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from borderflow.cli import app
from borderflow.data import parse_scenario
from borderflow.sim import (
    BoothSchedule,
    Exponential,
    LaneGroup,
    Lognormal,
    PortSpec,
    QueueTrigger,
    ScenarioTooLargeError,
    Secondary,
    SpecError,
    TrafficClass,
    draw_vehicles,
    simulate,
)
from borderflow.sim._bounds import MAX_BOOTHS

SCENARIO = """
format_version = 2
name = "bounds"
direction = "US-bound"
horizon_hours = 1
[[classes]]
name = "cars"
rate_per_hour = 60.0
service.general = { distribution = "exponential", mean = 1.0 }
[[lane_groups]]
name = "general"
lane_type = "general"
booths = 2
"""


def _one_group(staffing: BoothSchedule | QueueTrigger, rate: float = 60.0) -> PortSpec:
    return PortSpec(
        "bounds",
        "US-bound",
        1,
        (TrafficClass("cars", rate, {"general": Exponential(1.0)}),),
        (LaneGroup("general", "general", staffing),),
    )


@pytest.mark.parametrize("booths", [2**63 - 1, 10**9, MAX_BOOTHS + 1])
def test_too_many_booths_is_a_spec_error(booths: int) -> None:
    with pytest.raises(SpecError, match=rf"booths\[0\] = {booths}: at most {MAX_BOOTHS} booths"):
        BoothSchedule((booths,))
    with pytest.raises(SpecError, match=rf"max_booths = {booths}: at most {MAX_BOOTHS}"):
        QueueTrigger(1, booths, 2.0, 0.5)
    with pytest.raises(SpecError, match=rf"booths = {booths}: at most {MAX_BOOTHS}"):
        Secondary(booths)
    text = SCENARIO.replace("booths = 2", f"booths = {booths}")
    with pytest.raises(SpecError, match=rf"lane_groups\[0\]\.booths\[0\] = {booths}"):
        parse_scenario(text)


def test_the_cap_itself_runs() -> None:
    spec = _one_group(BoothSchedule((MAX_BOOTHS,)))
    res = simulate(spec, replications=1, seed=1)
    assert res.summary["mean_wait_min"][0] == 0.0  # 100 booths for 60 cars/h: nobody waits


def test_cli_reports_the_booth_cap_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.replace("booths = 2", f"booths = {2**63 - 1}"), encoding="utf-8")
    res = CliRunner().invoke(app, ["simulate", str(path)])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert f"at most {MAX_BOOTHS} booths" in res.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("mean = 1.0", "mean = 1e300"), ("mean = 1.0", 'mean = 1e300, unit = "s"')],
)
def test_absurd_service_means_are_refused(field: str, value: str) -> None:
    with pytest.raises(SpecError, match=r"service\.general\.mean = .*at most 1440 minutes"):
        parse_scenario(SCENARIO.replace(field, value))


def test_lognormal_with_absurd_spread_is_refused() -> None:
    with pytest.raises(SpecError, match=r"sd = 1000.0: at most 100 x mean"):
        Lognormal(1.0, 1000.0)
    # the largest allowed spread still samples finite times
    x = Lognormal(1.0, 100.0).sample(np.random.default_rng(0), 10_000)
    assert np.isfinite(x).all()


def test_absurd_horizon_and_vehicle_length() -> None:
    with pytest.raises(SpecError, match="horizon_hours = 1000000000: at most 1,000,000"):
        parse_scenario(SCENARIO.replace("horizon_hours = 1", "horizon_hours = 1000000000"))
    with pytest.raises(SpecError, match=r"vehicle_length_m = 1e\+300: at most 100 metres"):
        TrafficClass("x", 1.0, {"general": Exponential(1.0)}, vehicle_length_m=1e300)


def _machine_bytes() -> int:
    return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))


def test_a_replication_too_big_for_the_machine_names_the_memory() -> None:
    # 10^9 vehicles: about 88 GB at the measured ~100 bytes per vehicle
    spec = _one_group(BoothSchedule((10,)), rate=1e9)
    with pytest.raises(ScenarioTooLargeError) as err:
        draw_vehicles(spec, np.random.SeedSequence(0))
    msg = str(err.value)
    assert "1,000,000,000 vehicles" in msg
    est = float(re.search(r"about ([\d,.]+) GB of memory", msg).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert est >= 48.0  # at least the six 8-byte record columns of 10^9 vehicles
    machine = float(re.search(r"machine's ([\d,.]+) GB", msg).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert machine == pytest.approx(_machine_bytes() / 1e9, abs=0.05)


def test_keeping_vehicles_of_many_replications_is_bounded() -> None:
    # 2 M vehicles per replication x 10^5 replications kept: ~16 TB of records
    spec = _one_group(BoothSchedule((100,)), rate=2e6)
    with pytest.raises(ScenarioTooLargeError, match="keep_vehicles: 100000 replications"):
        simulate(spec, replications=100_000, keep_vehicles=True)


MEASURE = """
import sys
from borderflow.sim import (BoothSchedule, Exponential, LaneGroup, PortSpec, QueueTrigger,
    Secondary, TrafficClass, simulate)
from borderflow.sim._draws import estimated_bytes

def spec_of(n):
    ex = Exponential
    return PortSpec("mem", "US-bound", 24, (
        TrafficClass("cars", 0.6 * n / 24, {"general": ex(0.5), "nexus": ex(0.3)}, 0.02,
                     secondary_service=ex(5.0)),
        TrafficClass("nexus", 0.2 * n / 24, {"nexus": ex(0.3)}),
        TrafficClass("trucks", 0.15 * n / 24, {"commercial": ex(1.0)}, 0.05, 20.0,
                     secondary_service=ex(10.0)),
        TrafficClass("buses", 0.05 * n / 24, {"bus": ex(3.0)}),
    ), (LaneGroup("g", "general", BoothSchedule((100,))),
        LaneGroup("n", "nexus", QueueTrigger(1, 100, 2.0, 0.5)),
        LaneGroup("c", "commercial", BoothSchedule((100,))),
        LaneGroup("b", "bus", BoothSchedule((50,)))), secondary=Secondary(100))

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

simulate(spec_of(1000), replications=1)  # imports, compiled code, caches
n = float(sys.argv[1])
spec = spec_of(n)
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current resident size
base = status("VmRSS")
simulate(spec, replications=1)
print(status("VmHWM") - base, estimated_bytes(spec))
"""


@pytest.mark.skipif(
    not os.path.exists("/proc/self/clear_refs"), reason="needs Linux /proc to reset the peak"
)
def test_memory_estimate_is_honest() -> None:
    # Peak resident memory of one replication of 10^6 vehicles, in a fresh process: the
    # estimate must cover it, without overstating it by more than half.
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "1e6"], capture_output=True, text=True, check=True
    ).stdout.split()
    measured, estimate = float(out[0]), float(out[1])
    assert measured <= estimate <= 1.5 * measured, out
