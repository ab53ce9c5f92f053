"""Package-level checks: the one-way layering of the architecture (docs/architecture.md).

Layers, bottom to top: ``sim`` < ``data`` < ``demand`` < ``plan`` < ``viz`` < ``service`` <
``cli``. A module may import its own layer and the layers below it, plus the shared
modules every layer may use (``borderflow``, ``borderflow._config``, ``borderflow.vocab``).
Across layers it imports the other package's public face only (``from borderflow.data
import x``), never one of its modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import borderflow

SRC = Path(borderflow.__file__).resolve().parent

LAYERS = ("sim", "data", "demand", "plan", "viz", "service", "cli")
SHARED = ("borderflow", "borderflow._config", "borderflow.vocab")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line; ``from borderflow import data`` counts
    as importing ``borderflow.data``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
            if node.module == "borderflow":
                out.extend((node.lineno, f"borderflow.{a.name}") for a in node.names)
    return out


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "borderflow" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _module_files() -> list[tuple[str, Path]]:
    files = []
    for layer in LAYERS:
        root = SRC / layer
        paths = sorted(root.rglob("*.py")) if root.is_dir() else [SRC / f"{layer}.py"]
        files.extend((layer, p) for p in paths if p.exists())
    return files


def test_every_layer_has_modules() -> None:
    assert {layer for layer, _ in _module_files()} == set(LAYERS)


def test_layers_import_only_downwards() -> None:
    bad = []
    for layer, path in _module_files():
        rank = LAYERS.index(layer)
        for line, name in _imports(path):
            target = _layer_of(name)
            if target is not None and LAYERS.index(target) > rank:
                bad.append(f"{path.relative_to(SRC)}:{line} ({layer}) imports {name}")
    assert bad == []


def test_other_layers_are_imported_through_their_public_face() -> None:
    bad = []
    for layer, path in _module_files():
        for line, name in _imports(path):
            target = _layer_of(name)
            if target is not None and target != layer and name != f"borderflow.{target}":
                bad.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert bad == []


def test_shared_modules_import_no_layer() -> None:
    for mod in ("_config.py", "vocab.py", "__init__.py"):
        for line, name in _imports(SRC / mod):
            assert _layer_of(name) is None, f"{mod}:{line} imports {name}"


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("sim", ("duckdb", "pandas", "pyarrow.parquet", "fastapi", "dask", "pydantic")),
        ("data", ("fastapi", "dask", "uvicorn")),
    ],
)
def test_lower_layers_do_not_use_upper_tools(layer: str, forbidden: tuple[str, ...]) -> None:
    for path in (SRC / layer).rglob("*.py"):
        for line, name in _imports(path):
            assert not name.startswith(forbidden), f"{path.name}:{line} imports {name}"


def test_the_checker_sees_every_import_form(tmp_path: Path) -> None:
    """The import scan itself: each form names the layer it reaches."""
    f = tmp_path / "m.py"
    f.write_text(
        "import borderflow.plan\n"
        "from borderflow import service\n"
        "from borderflow.cli._app import app\n"
        "from borderflow.data import connect_readonly\n",
        encoding="utf-8",
    )
    layers = [_layer_of(n) for _, n in _imports(f)]
    assert layers == ["plan", None, "service", "cli", "data"]
