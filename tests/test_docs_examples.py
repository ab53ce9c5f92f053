"""The Python examples of the README and the docs run as written.

Each page's ```python blocks run in order in one namespace, from the repository root, with
the session warehouse as the default database. A block fenced as ```python no-run is
shown but not run (say why next to it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(page: Path) -> list[str]:
    return _BLOCK.findall(page.read_text(encoding="utf-8"))


def test_the_scan_finds_blocks_and_skips_no_run(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("```python\nx = 1\n```\n```python no-run\ny\n```\n", encoding="utf-8")
    assert _blocks(page) == ["x = 1\n"]


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_examples_run(
    page: Path, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BORDERFLOW_DB", str(warehouse_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert os.environ["BORDERFLOW_DB"] == str(warehouse_path)
    namespace: dict[str, object] = {"__name__": "docs_example"}
    for i, code in enumerate(_blocks(page)):
        try:
            exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{page.relative_to(ROOT)} block {i} fails: {exc!r}\n{code}")
