"""Reading scenario files: the text comes back as written, bad files name the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from borderflow.data import DataFormatError, read_scenario_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_examples_read_back_byte_for_byte() -> None:
    for path in EXAMPLES.glob("*.toml"):
        assert read_scenario_text(path) == path.read_bytes().decode("utf-8")


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(DataFormatError, match=r"nope\.toml: cannot read scenario file"):
        read_scenario_text(missing)


def test_latin1_file_names_the_line_and_byte(tmp_path: Path) -> None:
    bad = tmp_path / "latin.toml"
    # 'é' in Latin-1 is the single byte 0xe9, invalid as UTF-8; it sits on line 3
    bad.write_bytes('format_version = 1\nhorizon_hours = 1\nname = "Montréal"\n'.encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"latin\.toml, line 3: not UTF-8 text: byte 0xe9"):
        read_scenario_text(bad)
