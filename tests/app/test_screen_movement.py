"""The main screen's movement keys work in every other screen: help, problems, bookmarks, highlights."""

from __future__ import annotations

from pathlib import Path

from factories import make_app as factory_app
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList

from reader.ui.app import ReaderApp
from reader.ui.screens.highlights import HighlightsScreen
from reader.ui.screens.modals import BookmarksScreen, HelpScreen

SIZE = (80, 24)


def _app(tmp_path: Path) -> ReaderApp:
    return factory_app(tmp_path=tmp_path, read_after=3600, live_reload=False)


async def test_help_scrolls_with_the_list_keys(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one(VerticalScroll)
        assert app.focused is body
        assert body.max_scroll_y > 10  # the help is longer than the screen
        await pilot.press("j", "j", "j")
        assert body.scroll_y == 3
        await pilot.press("k")
        assert body.scroll_y == 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0
        await pilot.press("ctrl+d")
        assert body.scroll_y > 3
        await pilot.press("ctrl+u")
        assert body.scroll_y == 0
        await pilot.press("down", "pagedown")
        assert body.scroll_y > 3


async def test_bookmarks_move_with_the_list_keys(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        for _ in range(4):
            await pilot.press("b", "j")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        options = app.screen.query_one(OptionList)
        assert app.focused is options
        assert options.highlighted == 0
        await pilot.press("j", "j")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1
        await pilot.press("G")
        assert options.highlighted == 3
        await pilot.press("g")
        assert options.highlighted == 0
        await pilot.press("ctrl+d")
        assert options.highlighted == 3
        await pilot.press("ctrl+u")
        assert options.highlighted == 0


async def test_highlights_list_moves_with_j_k_and_other_letters_still_narrow(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        assert app.main.library is not None
        for n in range(3):
            stub = app.main.library.articles[n]
            article, _ = app.main.library.read(stub)
            passage = next(line for line in article.body.splitlines() if len(line) > 40)[:40]
            app.main.store.add_highlight(article, "", passage, "")
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HighlightsScreen)
        options = app.screen.query_one(OptionList)
        await pilot.press("down")  # from the filter to the list
        assert app.focused is options
        selectable = [i for i, entry in enumerate(app.screen._shown) if entry is not None]
        start = options.highlighted
        await pilot.press("j")
        assert options.highlighted == selectable[selectable.index(start) + 1]
        await pilot.press("G")
        assert options.highlighted == selectable[-1]
        await pilot.press("g")
        assert options.highlighted == selectable[0]
        await pilot.press("r")  # any other letter still narrows
        assert app.focused is app.screen.query_one(Input)
        assert app.screen.query_one(Input).value == "r"


async def test_problems_screen_scrolls_with_the_list_keys(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(80, 8)) as pilot:
        await app.wait_until_idle()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        body = app.screen.query_one(VerticalScroll)
        assert app.focused is body
        assert body.max_scroll_y > 0
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0
