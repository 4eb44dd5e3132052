"""Typing in the filter bar: the list and its count follow every key; the article pane, the tag
sidebar and the timeline follow once the typing pauses, or at once when the bar is left."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.scrollbar import ScrollBar

from reader.library.query import parse_query
from reader.library.timeline import timeline
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.screens.filtering import SETTLE_SECONDS
from reader.ui.widgets.filter_status import FilterStatus
from reader.ui.widgets.tag_sidebar import TagTree

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


def _app(tmp_path: Path) -> ReaderApp:
    return ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)


async def _burst(pilot, *keys: str) -> None:
    """Every key queued before any is handled, as a terminal delivers fast typing."""
    for key in keys:
        character = {"space": " ", "slash": "/", "enter": None}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()


def _expected_ids(app: ReaderApp, text: str) -> list[int]:
    library = app.main.library
    assert library is not None
    return library.search(parse_query(text), sort=app.main.sort).ids


def _count_shows(view: ArticleView) -> list[object]:
    """Records each article the pane is asked to show (its rendering is the costly part)."""
    shown: list[object] = []
    real = view.show

    def show(article, **options):  # type: ignore[no-untyped-def]
        shown.append(article)
        real(article, **options)

    view.show = show  # type: ignore[method-assign]
    return shown


def _assert_all_follow(app: ReaderApp, text: str) -> None:
    """The article pane, the sidebar and the timeline agree with the list for ``text``."""
    library = app.main.library
    assert library is not None
    listing = app.main.query_one(ArticleList)
    view = app.main.query_one(ArticleView)
    assert view.article is not None and listing.current_id is not None
    assert view.article.path == library.articles[listing.current_id].path
    assert app.main.timeline_counts == timeline(library, listing.ids)
    tree = app.main.query_one(TagTree)
    row = next(row for row in tree.rows if row.node.term and row.node.term.casefold() == "tag:ransomware")
    assert tree._state("tag:ransomware") == "selected"
    assert row.node.count == len(listing.ids)


async def test_a_burst_of_keys_shows_its_result_at_once_and_the_article_once_typing_pauses(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        shown = _count_shows(app.main.query_one(ArticleView))
        text = "tag:ransomware"
        await _burst(pilot, "slash", *text)
        listing = app.main.query_one(ArticleList)
        expected = _expected_ids(app, text)
        assert listing.ids == expected
        status = str(app.main.query_one(FilterStatus).content)
        assert status.startswith(f"{len(expected)} of 36 articles")
        assert shown == []  # no article rendered for each key on the way
        await pilot.pause(SETTLE_SECONDS + 0.2)
        assert len(shown) == 1
        _assert_all_follow(app, text)


async def test_leaving_the_filter_bar_brings_everything_up_to_date_at_once(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        await _burst(pilot, "slash", *"tag:ransomware", "enter")
        assert isinstance(app.focused, ArticleList)
        _assert_all_follow(app, "tag:ransomware")


async def test_keys_that_keep_the_article_do_not_render_it_again_when_typing_pauses(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _burst(pilot, "slash", *"tag:ransomware", "enter")
        shown = _count_shows(app.main.query_one(ArticleView))
        await pilot.press("slash")
        # A space and its removal: the same text, the same article, the same words.
        await _burst(pilot, "space")
        assert app.main.filter_text == "tag:ransomware "
        await _burst(pilot, "backspace")
        assert app.main.filter_text == "tag:ransomware"
        await pilot.pause(SETTLE_SECONDS + 0.2)
        assert shown == []


async def test_a_key_in_the_filter_repaints_no_scrollbar_but_the_lists(tmp_path: Path) -> None:
    """Textual repaints every scroll view's scrollbar on any re-layout; ours only when it moved."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.press("slash", *"ransom")
        await pilot.pause(SETTLE_SECONDS + 0.2)
        while app.main.filter_settling:  # a loaded machine: the settle may come late
            await pilot.pause(0.05)
        await app.wait_until_idle()
        await pilot.pause()
        painted: list[str] = []
        real = ScrollBar.render

        def render(self):  # type: ignore[no-untyped-def]
            painted.append(type(self.parent).__name__)
            return real(self)

        ScrollBar.render = render  # type: ignore[method-assign]
        try:
            await pilot.press("w")
            await pilot.pause()
        finally:
            ScrollBar.render = real  # type: ignore[method-assign]
        assert set(painted) <= {"ArticleList"}
