"""Package-level checks: public API and the one-way layering of the architecture."""

from __future__ import annotations

import ast
from pathlib import Path

import borderflow

SRC = Path(borderflow.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_exported_members_exist() -> None:
    for name in borderflow.__all__:
        assert hasattr(borderflow, name), name


def test_kernel_does_no_io_and_imports_no_upper_layer() -> None:
    forbidden = (
        "duckdb",
        "borderflow.data",
        "borderflow.plan",
        "borderflow.service",
        "borderflow.cli",
        "fastapi",
        "dask",
        "pandas",
        "pyarrow.parquet",
    )
    for path in (SRC / "sim").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path.name} imports {name}"


def test_data_layer_does_not_import_upper_layers() -> None:
    # data may use the kernel below it (scenario files build a PortSpec), public names only
    forbidden = (
        "borderflow.sim.",
        "borderflow.demand",
        "borderflow.plan",
        "borderflow.service",
        "borderflow.cli",
    )
    for path in (SRC / "data").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path.name} imports {name}"
