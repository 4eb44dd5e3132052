"""The stylesheet and the sample library are found from a source checkout and from a wheel."""

from __future__ import annotations

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
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path)]
    subprocess.run([*command, str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/styles/reader.tcss" in names
    samples = [n for n in names if n.startswith("reader/sample/") and n.endswith((".md", ".markdown"))]
    assert len(samples) == len(list((ROOT / "articles").rglob("*.md"))) + len(
        list((ROOT / "articles").rglob("*.markdown"))
    )
