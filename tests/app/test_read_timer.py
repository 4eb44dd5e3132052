"""An article counts as read only once the user chose it and it stayed on screen a while.

At launch, after a filter change, or while the user works in the sidebar, the list puts an
article in the preview on its own: the reader may not have looked at it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from factories import make_app as factory_app
from textual import events
from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.widgets.tag_sidebar import TagTree

SIZE = (160, 50)
READ_AFTER = 0.2


def _app(tmp_path: Path, read_after: float = READ_AFTER) -> ReaderApp:
    return factory_app(tmp_path=tmp_path, read_after=read_after, live_reload=False)


async def _loaded(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


@asynccontextmanager
async def _running(tmp_path: Path) -> AsyncIterator[tuple[ReaderApp, Pilot]]:
    """An app on the sample library, loaded, and its pilot."""
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        yield app, pilot


async def _burst(pilot, *keys: str) -> None:
    """Every key queued before any is handled: no timer can fire in between."""
    for key in keys:
        event = events.Key(key, key)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()


async def _wait_past_timer(pilot) -> None:
    await asyncio.sleep(READ_AFTER * 5)
    await pilot.pause()


async def test_nothing_is_marked_read_at_launch(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        assert app.main.current is not None
        await _wait_past_timer(pilot)
        assert app.main.read_ids == set()
        assert not app.main.store.is_read(app.main.current)


async def test_moving_to_an_article_marks_it_read_after_the_delay(tmp_path: Path) -> None:
    # A delay no key press takes even on a busy machine, so "not at once" cannot race the timer.
    app = _app(tmp_path, read_after=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        pressed = time.monotonic()
        await pilot.press("j")
        second = app.query_one(ArticleList).ids[1]
        if time.monotonic() - pressed < 1.5:  # a machine too busy to press a key in 1.5 s can't tell
            assert app.main.read_ids == set()  # not at once
        # Then read, once the delay has passed: polled, as a loaded machine runs timers late.
        for _ in range(100):
            if app.main.read_ids:
                break
            await asyncio.sleep(0.1)
        assert app.main.read_ids == {second}


async def test_skimming_past_does_not_mark_read(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        await _burst(pilot, "j", "j", "j")
        third = app.query_one(ArticleList).ids[3]
        await _wait_past_timer(pilot)
        assert app.main.read_ids == {third}


async def test_enter_on_the_first_article_marks_it_read(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        first = app.query_one(ArticleList).ids[0]
        await pilot.press("enter")
        await _wait_past_timer(pilot)
        assert app.main.read_ids == {first}


async def test_a_filter_change_alone_does_not_mark_read(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        await pilot.press("slash", *"ransomware", "escape")
        await _wait_past_timer(pilot)
        assert app.main.current is not None
        assert app.main.read_ids == set()


async def test_working_in_the_sidebar_does_not_mark_read(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        await pilot.press("shift+tab")
        assert app.focused is app.query_one(TagTree)
        tree = app.query_one(TagTree)
        # Toggle the first tag row in the sidebar: the result, and the preview, change.
        for _ in range(len(tree.rows)):
            node = tree.current_node
            if node is not None and node.term and node.term.startswith("tag:"):
                break
            await pilot.press("j")
        await pilot.press("enter")
        await _wait_past_timer(pilot)
        assert app.main.filter_text
        assert app.main.read_ids == set()


async def test_a_chosen_article_stays_timed_through_a_filter_that_keeps_it(tmp_path: Path) -> None:
    async with _running(tmp_path) as (app, pilot):
        await pilot.press("j")
        second = app.query_one(ArticleList).ids[1]
        app.main.apply_filter(keep=app.main.current.path if app.main.current else None)  # e.g. live reload
        await _wait_past_timer(pilot)
        assert app.main.read_ids == {second}
