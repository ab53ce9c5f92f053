"""Forecast modules respect the layering: demand < plan < viz < service < cli."""

from __future__ import annotations

import ast
from pathlib import Path

import borderflow

SRC = Path(borderflow.__file__).resolve().parent
ORDER = ["sim", "data", "demand", "plan", "viz", "service", "cli"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_forecast_modules_import_lower_layers_by_public_names_only() -> None:
    files = [
        *(SRC / "demand").glob("_forecast*.py"),
        SRC / "demand" / "__init__.py",
        *(SRC / "viz").glob("*.py"),
        SRC / "cli" / "_forecast.py",
    ]
    assert len(files) >= 5
    for path in files:
        own = path.parent.name
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "borderflow" or len(parts) < 2 or parts[1] not in ORDER:
                continue
            other = parts[1]
            if other == own:
                continue
            assert ORDER.index(other) < ORDER.index(own), f"{path.name} imports {name}"
            assert len(parts) == 2, f"{path.name} imports a private module {name}"
