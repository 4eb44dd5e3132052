"""Clearing the filter with one key, and excluded tags that stay in the sidebar to be taken back."""

from __future__ import annotations

from pathlib import Path

from factories import make_app as factory_app
from textual.widgets import Footer

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.widgets.tag_sidebar import TagTree

SIZE = (160, 50)


def _app(tmp_path: Path) -> ReaderApp:
    return factory_app(tmp_path=tmp_path, read_after=3600, live_reload=False)


async def _loaded_total(app: ReaderApp) -> int:
    """Once the library is loaded: how many articles it has (what an empty filter lists)."""
    await app.wait_until_idle()
    assert app.main.library is not None
    return len(app.main.library)


async def _to_tag(pilot, tree: TagTree, term: str) -> None:
    for _ in range(len(tree.rows)):
        node = tree.current_node
        if node is not None and node.term is not None and node.term.casefold() == term:
            return
        await pilot.press("j")
    raise AssertionError(f"{term} is not in the sidebar")


def _row(tree: TagTree, term: str):
    return next((row for row in tree.rows if row.node.term and row.node.term.casefold() == term), None)


async def test_ctrl_l_clears_the_filter_from_the_list_and_from_the_filter_bar(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        total = await _loaded_total(app)
        await pilot.press("slash", *"ransomware")
        await pilot.pause()
        assert len(app.main.result_ids) < total
        await pilot.press("ctrl+l")  # in the filter bar
        await pilot.pause()
        assert app.main.filter_text == ""
        assert len(app.main.result_ids) == total
        await pilot.press(*"tag:ransomware", "escape")
        await pilot.pause()
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.main.filter_text == "" and len(app.main.result_ids) == total


async def test_the_footer_shows_the_clear_filter_key(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        footer = app.query_one(Footer)
        descriptions = [key.description for key in footer.query("FooterKey").results()]  # type: ignore[attr-defined]
        assert "Clear filter" in descriptions


async def test_an_excluded_tag_stays_listed_and_x_or_enter_takes_it_back(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        total = await _loaded_total(app)
        tree = app.query_one(TagTree)
        await pilot.press("shift+tab")
        await _to_tag(pilot, tree, "tag:ransomware")
        await pilot.press("x")
        await pilot.pause()
        assert app.main.filter_text.casefold() == "-tag:ransomware"
        assert len(app.main.result_ids) < total
        row = _row(tree, "tag:ransomware")
        assert row is not None, "the excluded tag vanished from the sidebar"
        assert tree._state(row.node.term) == "excluded"
        assert tree.current_node is row.node  # the cursor stayed on it
        line = tree.render_line(tree.rows.index(row) - int(tree.scroll_y)).text
        assert "✗ Ransomware" in line
        await pilot.press("x")
        await pilot.pause()
        assert app.main.filter_text == "" and len(app.main.result_ids) == total
        await pilot.press("x")
        await pilot.pause()
        assert app.main.filter_text.casefold() == "-tag:ransomware"
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.filter_text == "" and len(app.main.result_ids) == total
