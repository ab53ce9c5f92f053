"""Text sparklines."""

from __future__ import annotations

from borderflow.viz import sparkline


def test_sparkline_maps_min_and_max() -> None:
    assert sparkline([0, 7, 14]) == "▁▅█"
    assert sparkline([3, 3]) == "▁▁"
    assert sparkline([]) == ""
