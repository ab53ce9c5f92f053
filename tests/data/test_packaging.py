"""An installed wheel finds its data: ``data/`` ships as the package ``borderflow._shipped``.

The wheel is built from this checkout (``pip wheel --no-deps --no-build-isolation``, a
few seconds) and unpacked into a folder that is not the checkout; a fresh Python process
importing borderflow from there must find every shipped file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setuptools_config() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]  # type: ignore[no-any-return]


def test_every_package_and_data_folder_is_listed() -> None:
    """The explicit package list of pyproject.toml misses no code package, no data folder."""
    src = ROOT / "src"
    code = {".".join(p.parent.relative_to(src).parts) for p in src.rglob("__init__.py")}
    data = ROOT / "data"
    folders = {
        ".".join(("borderflow._shipped", *p.relative_to(data).parts)).rstrip(".")
        for p in [data, *(d for d in data.rglob("*") if d.is_dir())]
        if any(f.is_file() for f in p.iterdir()) or any(d.is_dir() for d in p.iterdir())
    }
    assert set(_setuptools_config()["packages"]) == code | folders  # type: ignore[arg-type]


def test_wheel_ships_the_data_and_finds_it(tmp_path: Path) -> None:
    # Built from a copy of what the wheel is made of: no build/ folder in the checkout,
    # and no stale file of an earlier build in the wheel.
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, tree / name)
    skip = shutil.ignore_patterns("*.egg-info", "__pycache__")
    for name in ("src", "data"):
        shutil.copytree(ROOT / name, tree / name, ignore=skip)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(tree),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("borderflow-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*") if p.is_file()
    }
    assert {f"borderflow/_shipped/{f}" for f in shipped} <= names
    assert "borderflow/py.typed" in names
    py = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src").rglob("*.py")}
    assert py <= names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {k: v for k, v in os.environ.items() if k != "BORDERFLOW_DATA_DIR"}
    # the unpacked wheel first: the checkout's editable install must not be what answers
    env["PYTHONPATH"] = str(site)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import borderflow._config as c, borderflow.data as d; "
            "print(c.__file__); print(c.shipped_data_dir()); "
            "print(d.load_registry().crossing('3005').us_name)",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert out[0].startswith(str(site))
    assert out[1] == str(site / "borderflow" / "_shipped")
    assert out[2] == "Blaine-Peace Arch"
