"""The stylesheet and the sample library are found from a source checkout and from a wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reader.cli import bundled_library
from reader.resources import resource_dir

ROOT = Path(__file__).resolve().parents[2]


def test_resources_found_from_the_checkout() -> None:
    assert (resource_dir("reader.styles") / "reader.tcss").is_file()
    assert any(bundled_library().rglob("*.md"))


@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="needs the source tree")
def test_wheel_ships_styles_and_sample(tmp_path: Path) -> None:
    pytest.importorskip("setuptools", minversion="70.1")  # builds wheels without the 'wheel' package
    # Built from a fresh copy of the sources: a build/ folder left in the checkout would lend
    # the wheel modules that pyproject.toml no longer (or never) lists.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("reader", "styles", "articles"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/styles/reader.tcss" in names
    samples = [n for n in names if n.startswith("reader/sample/") and n.endswith((".md", ".markdown"))]
    assert len(samples) == len(list((ROOT / "articles").rglob("*.md"))) + len(
        list((ROOT / "articles").rglob("*.markdown"))
    )
    # Every module of the source tree is in the wheel: a package missing from pyproject.toml's
    # list (ui/render once was) installs a reader that fails on its first article.
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "reader").rglob("*.py")}
    assert modules <= set(names), sorted(modules - set(names))
