"""Scenario files: the documented example and examples/*.toml parse; bad files are named."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

from borderflow.data import parse_scenario, scenario_to_toml
from borderflow.sim import (
    Empirical,
    Erlang,
    Exponential,
    Lognormal,
    PortSpec,
    QueueTrigger,
    SpecError,
)
from tests.sim.test_reference_properties import ports

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
FULL = re.search(r"## Full example\n\n```toml\n(.*?)```", DOC, re.S).group(1)  # type: ignore[union-attr]


def test_documented_example_parses_to_the_documented_spec() -> None:
    spec = parse_scenario(FULL)
    assert spec.horizon_hours == 4 and spec.direction == "US-bound"
    gen, nexus, bus = spec.classes
    # 34 s and 20 s given in seconds
    assert gen.service["general"] == Lognormal(34.0 / 60.0, 20.0 / 60.0)
    assert gen.rates(4) == (120.0, 240.0, 300.0, 200.0)
    assert gen.secondary_service == Exponential(10.0)
    assert nexus.rates(4) == (150.0,) * 4
    assert bus.arrival_times_min == (12.0, 75.5, 140.0)
    assert bus.service["bus"] == Empirical((8.0, 12.5, 10.0, 15.0))
    assert spec.lane_groups[1].staffing == QueueTrigger(1, 2, 4.0, 1.0)
    assert spec.schedule_matrix[0].tolist() == [2, 4, 5, 4]
    assert spec.eligible.tolist() == [
        [True, False, False],
        [True, True, False],
        [False, False, True],
    ]
    assert spec.storage is not None and spec.storage.vehicles == 200.0
    assert spec.initial_queue[0].count == 25


#: The example scenario files (examples/ also holds sweep definitions and what-if overlays).
SCENARIO_EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*.toml") if "format_version" in p.read_text("utf-8")
)


@pytest.mark.parametrize("path", SCENARIO_EXAMPLES, ids=lambda p: p.name)
def test_examples_parse(path: Path) -> None:
    spec = parse_scenario(path.read_text(encoding="utf-8"))
    # every scheduled hour stays within the crossing's booths where the file says so
    assert spec.n_groups >= 1


def test_examples_use_sourced_figures() -> None:
    peace = parse_scenario((ROOT / "examples" / "peace-arch-us-bound.toml").read_text())
    # 10 primary lanes at Peace Arch (PARAMETERS.md): never more booths open in an hour
    assert peace.schedule_matrix.sum(axis=0).max() <= 10
    ready = peace.classes[1].service
    assert ready["ready"].mean == pytest.approx(0.8 * ready["general"].mean)  # Ready 20% faster
    amb = parse_scenario((ROOT / "examples" / "ambassador-bridge-commercial.toml").read_text())
    assert sum(g.staffing.max_booths for g in amb.lane_groups) == 13  # type: ignore[union-attr]
    assert all(c.referral_probability == 0.0175 for c in amb.classes)
    assert amb.classes[1].service["commercial"] == Erlang(2, 2.0)  # 120 s
    assert amb.eligible.tolist() == [[True, True], [False, True]]  # FAST-only booths
    mmc = parse_scenario((ROOT / "examples" / "mmc-one-lane.toml").read_text())
    assert mmc.rate_matrix[0, 0] / 60.0 == 8.0 and mmc.schedule_matrix[0, 0] == 10


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[120.0, 240.0, 300.0, 200.0]",
            "[120.0, 240.0, -3.0, 200.0]",
            "classes[0].rate_per_hour[2] = -3.0: rates must be finite and >= 0",
        ),
        (
            "[120.0, 240.0, 300.0, 200.0]",
            "[120.0, nan, 300.0, 200.0]",
            "classes[0].rate_per_hour[1] = nan",
        ),
        (
            "referral_probability = 0.02",
            "referal_probability = 0.02",
            "classes[0].referal_probability = 0.02: unknown field",
        ),
        (
            "referral_probability = 0.02",
            "referral_probability = 2.0",
            "classes[0].referral_probability = 2.0: must be in [0, 1]",
        ),
        (
            "booths = [2, 4, 5, 4]",
            "booths = [2, 4, 5]",
            "lane_groups[0].booths has 3 values: needs horizon_hours = 4",
        ),
        ("booths = [2, 4, 5, 4]", "booths = [2, -4, 5, 4]", "lane_groups[0].booths[1] = -4"),
        (
            "format_version = 2",
            "format_version = 3",
            "format_version = 3: this borderflow reads format_version = 1 or 2",
        ),
        (
            'name = "NEXUS lane"\nlane_type = "nexus"',
            'name = "NEXUS lane"\nlane_type = "nexus"\nbooths = 2',
            "lane_groups[1]: give exactly one of 'booths'",
        ),
        ("drain = true", "drain = tru", "TOML syntax error"),
        ('"empirical"', '"weibull"', "classes[2].service.bus"),
        (
            '[[initial_queue]]\ngroup = "general lanes"',
            '[[initial_queue]]\ngroup = "NEXUS lane"',
            "initial_queue[0].class = 'general cars': not eligible for lane group 'NEXUS lane'",
        ),
        (
            "mean = 34.0, sd = 20.0",
            "mean = -34.0, sd = 20.0",
            "classes[0].service.general.mean = -0.5666",
        ),
        (
            '"lognormal", mean = 34.0, sd = 20.0',
            '"erlang", k = 0, mean = 34.0',
            "classes[0].service.general.k = 0: must be an integer >= 1",
        ),
        ('lane_type = "bus"', 'lane_type = "hov"', "lane_groups[2].lane_type = 'hov'"),
        (
            'name = "bus bay"\nlane_type = "bus"',
            'name = "bus bay"\nlane_type = "pedestrian"',
            "classes[2].service = ['bus']: class 'recorded buses' has no eligible lane group",
        ),
        (
            "open_above = 4.0, close_below = 1.0",
            "open_above = 4.0, close_below = 5.0",
            "lane_groups[1].trigger.close_below = 5.0: must be <= open_above",
        ),
        (
            "[secondary]\nbooths = 2\n",
            "",
            "classes[0].referral_probability = 0.02: referrals need a [secondary] section",
        ),
        ('direction = "US-bound"', 'direction = "south"', "direction = 'south'"),
        ("horizon_hours = 4", "", "horizon_hours: required field is missing"),
        (
            "min_booths = 1, max_booths = 2, open_above = 4.0, close_below = 1.0",
            "min_booths = 0, max_booths = 2, open_above = 4.0, close_below = 2.0",
            "lane_groups[1].trigger.close_below = 2.0: with min_booths = 0 it must be <= 1",
        ),
    ],
)
def test_bad_files_name_the_field(old: str, new: str, message: str) -> None:
    assert old in FULL
    with pytest.raises(SpecError) as info:
        parse_scenario(FULL.replace(old, new, 1))
    assert message in str(info.value)


def test_toml_error_gives_line_and_column() -> None:
    with pytest.raises(SpecError, match=r"line 2, column"):
        parse_scenario("format_version = 2\nname = \n")


def test_parsed_spec_runs() -> None:
    from borderflow.sim import run_replication

    rec = run_replication(parse_scenario(FULL), 1, engine="reference")
    assert np.all(rec.wait_min >= 0)


@pytest.mark.parametrize("path", SCENARIO_EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip(path: Path) -> None:
    spec = parse_scenario(path.read_text(encoding="utf-8"))
    assert parse_scenario(scenario_to_toml(spec)) == spec


@settings(max_examples=60)
@given(ports())
def test_random_specs_round_trip(spec: PortSpec) -> None:
    text = scenario_to_toml(spec)
    assert parse_scenario(text) == spec


def test_documented_example_round_trips() -> None:
    spec = parse_scenario(FULL)  # storage, empirical, trace, initial queue, trigger
    assert parse_scenario(scenario_to_toml(spec)) == spec


def test_version_1_files_keep_their_choice_rule() -> None:
    # Version 1 called n / o x mean "least_expected_wait" (and made it the default);
    # version 2 names it least_work_per_booth and gives the name to the true expected wait.
    body = FULL.replace("format_version = 2\n", "")
    body = body.replace('choice_rule = "least_expected_wait"\n', "")
    v1_default = parse_scenario("format_version = 1\n" + body)
    v1_named = parse_scenario('format_version = 1\nchoice_rule = "least_expected_wait"\n' + body)
    v1_sq = parse_scenario('format_version = 1\nchoice_rule = "shortest_queue"\n' + body)
    v2_default = parse_scenario("format_version = 2\n" + body)
    assert v1_default.choice_rule == v1_named.choice_rule == "least_work_per_booth"
    assert v1_sq.choice_rule == "shortest_queue"
    assert v2_default.choice_rule == "least_expected_wait"
    with pytest.raises(SpecError, match="choice_rule = 'least_work_per_booth': format_version = 1"):
        parse_scenario('format_version = 1\nchoice_rule = "least_work_per_booth"\n' + body)
    # written back as version 2 with the rule named, so the meaning survives the round trip
    text = scenario_to_toml(v1_default)
    assert text.startswith("format_version = 2\n")
    assert parse_scenario(text) == v1_default


def test_json_form_is_the_file_form() -> None:
    import tomllib

    from borderflow.data import parse_scenario_dict

    assert parse_scenario_dict(tomllib.loads(FULL)) == parse_scenario(FULL)
    with pytest.raises(SpecError, match=r"classes\[0\]\.rate_per_hour\[1\] = -1"):
        raw = tomllib.loads(FULL)
        raw["classes"][0]["rate_per_hour"][1] = -1.0
        parse_scenario_dict(raw)


def test_read_scenario_names_the_file(tmp_path: Path) -> None:
    from borderflow.data import read_scenario

    path = tmp_path / "bad.toml"
    path.write_text(FULL.replace("horizon_hours = 4", "horizon_hours = 0"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.toml: horizon_hours = 0"):
        read_scenario(path)
    path.write_text(FULL, encoding="utf-8")
    assert read_scenario(path) == parse_scenario(FULL)
