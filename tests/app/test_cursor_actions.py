"""Keys that arrive together with a cursor move act on the article the cursor moved to.

``burst`` hands the app every key before it handles any (``pilot.press`` waits for idle
after each key), as fast typing, key repeat, a paste or a slow ssh link do.
"""

from __future__ import annotations

from pathlib import Path

from textual import events

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
SIZE = (160, 50)


async def _loaded(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


async def burst(pilot, *keys: str) -> None:
    """Queue all ``keys`` at once, then let the app handle them."""
    driver = pilot.app._driver
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def _listed(app: ReaderApp, row: int) -> int:
    return app.query_one(ArticleList).ids[row]


async def test_j_b_in_one_burst_bookmarks_the_second_article(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.press("b")  # the first article is bookmarked: a stale action would remove it
        await pilot.pause()
        first, second = _listed(app, 0), _listed(app, 1)
        await burst(pilot, "j", "b")
        await pilot.pause()
        assert app.main.bookmarked_ids == {first, second}
        assert app.main.current_id == second


async def test_j_j_u_toggles_the_third_article(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        third = _listed(app, 2)
        await burst(pilot, "j", "j", "u")
        await pilot.pause()
        assert app.main.read_ids == {third}


async def test_j_j_o_and_y_use_the_third_articles_link(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", live_reload=False)
    opened: list[str] = []
    copied: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        assert app.main.library is not None
        third = app.main.library.articles[_listed(app, 2)]
        fourth = app.main.library.articles[_listed(app, 3)]
        await burst(pilot, "j", "j", "o", "j", "y")
        await pilot.pause()
        assert opened == [third.link]
        assert copied == [fourth.link]


async def test_related_key_after_a_move_opens_the_new_articles_related(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        assert app.main.library is not None
        from reader.library.related import related

        rows = app.query_one(ArticleList).ids
        row = next(r for r in range(1, len(rows)) if related(app.main.library, rows[r], 5))
        expected = related(app.main.library, rows[row], 5)[0]
        app.query_one(ArticleList).cursor = row - 1
        await pilot.pause()
        await burst(pilot, "j", "1")
        await pilot.pause()
        assert app.main.current_id == expected
