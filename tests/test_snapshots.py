"""Snapshot tests: what the main screen, the help screen and a filtered view look like.

Record new snapshots after an intended UI change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ui.app import ReaderApp

SAMPLE = Path(__file__).resolve().parents[1] / "articles"
SIZE = (160, 50)



def make_app(tmp_path: Path) -> ReaderApp:
    # Nothing turns "read" while the snapshot is taken: the picture must not depend on timing.
    return ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600)


async def wait_loaded(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


def test_main_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=wait_loaded)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), press=["question_mark"], terminal_size=SIZE, run_before=wait_loaded)


def test_filtered_view(snap_compare, tmp_path: Path) -> None:
    keys = ["slash", *"tag:ransomware", "escape", "j"]
    assert snap_compare(make_app(tmp_path), press=keys, terminal_size=SIZE, run_before=wait_loaded)



LAYOUT_SIZES = [(80, 24), (60, 20), (160, 50)]


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_layout_list_mode(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), press=["j"], terminal_size=size, run_before=wait_loaded)


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_layout_article_mode(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    keys = ["j", "enter"]
    assert snap_compare(make_app(tmp_path), press=keys, terminal_size=size, run_before=wait_loaded)
