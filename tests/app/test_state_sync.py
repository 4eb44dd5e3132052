"""Two windows on one library: each picks up the other's bookmarks and read marks within seconds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reader.state import StateStore
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.screens.loading import STATE_POLL_SECONDS
from reader.ui.widgets.tag_sidebar import TagTree

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
SIZE = (160, 50)


async def _until(pilot, condition, limit: float = 5 * STATE_POLL_SECONDS) -> bool:
    waited = 0.0
    while not condition() and waited < limit:
        await asyncio.sleep(0.1)
        waited += 0.1
        await pilot.pause()
    return bool(condition())


async def test_another_windows_bookmark_and_read_mark_show_up(tmp_path: Path) -> None:
    data = tmp_path / "state"
    app = ReaderApp(SAMPLE, data_dir=data, read_after=3600, live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.press("b")  # this window writes the file first
        await pilot.pause()
        assert app.main.library is not None
        listed = app.query_one(ArticleList).ids
        first, second = listed[0], listed[1]
        other = StateStore(SAMPLE, data_dir=data)  # the second window
        other.toggle_bookmark(app.main.library.articles[second])
        other.set_read(app.main.library.articles[second], True)
        other.toggle_bookmark(app.main.library.articles[first])  # removed there
        assert await _until(pilot, lambda: app.main.bookmarked_ids == {second})
        assert app.main.read_ids == {second}
        row = app.query_one(ArticleList).render_line(1).text
        assert row.startswith(" ★ ")
        labels = [r.node.label for r in app.query_one(TagTree).rows]
        assert "★ Bookmarks (1)" in labels
        # And what this window writes afterwards keeps the other window's changes.
        await pilot.press("j", "b")
        await pilot.pause()
        again = StateStore(SAMPLE, data_dir=data)
        assert set(again.bookmarked_paths(app.main.library.articles)) == set()


async def test_a_filter_on_the_reading_state_follows_the_other_window(tmp_path: Path) -> None:
    data = tmp_path / "state"
    app = ReaderApp(SAMPLE, data_dir=data, read_after=3600, live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.press("B")  # bookmarked only: empty
        await pilot.pause()
        assert app.main.result_ids == []
        assert app.main.library is not None
        other = StateStore(SAMPLE, data_dir=data)
        other.toggle_bookmark(app.main.library.articles[3])
        assert await _until(pilot, lambda: app.main.result_ids == [3])
