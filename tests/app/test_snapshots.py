"""Snapshot tests: what the main screen, the help screen and a filtered view look like.

Record new snapshots after an intended UI change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_app as factory_app

from reader.ui.app import ReaderApp
from reader.ui.article_view import ArticleView

SIZE = (160, 50)



def make_app(tmp_path: Path) -> ReaderApp:
    # Nothing turns "read" while the snapshot is taken: the picture must not depend on timing.
    return factory_app(tmp_path=tmp_path, read_after=3600)


async def wait_loaded(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


def settle_after(*keys: str):
    """A ``run_before`` that presses ``keys`` and waits for what they start to finish.

    ``press=`` gives the app only a pause before the screenshot; on a loaded machine (the full
    suite) the article pane could still be waiting to re-read its styles after a key changed the
    layout or the focus, and the picture caught it half-way (other colours). Here the screenshot
    waits for the real conditions: no worker running and the article pane settled.
    """

    async def run(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press(*keys)
        for _ in range(100):
            await pilot.app.wait_until_idle()
            await pilot.pause()
            if all(view.settled for view in pilot.app.query(ArticleView)):
                break

    return run


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
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=settle_after("j"))


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_layout_article_mode(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=settle_after("j", "enter"))
