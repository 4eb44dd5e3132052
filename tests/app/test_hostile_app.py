"""The app on a hostile library: walk every article, open each, nothing fires, nothing breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import make_hostile_library, restore_permissions

from reader.library.inert import make_inert
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile") / "library"
    expected = make_hostile_library(root)
    yield root, expected
    restore_permissions(root)


def view_text(view: ArticleView) -> str:
    document = view.document
    rows = document.plain if document is not None else []
    return "\n".join(rows).replace("\xa0", " ")


async def test_walk_every_article(hostile, tmp_path: Path) -> None:
    root, expected = hostile
    app = ReaderApp(root, data_dir=tmp_path / "state", read_after=3600)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        article_list = app.query_one(ArticleList)
        view = app.query_one(ArticleView)
        listed = {app.main.library.articles[i].path for i in article_list.ids}
        assert expected["good"] <= listed
        seen: set[str] = set()
        for step in range(len(article_list.ids)):
            if step:
                await pilot.press("j")
                await pilot.pause()
            assert app.is_running
            current = app.main.current
            assert current is not None
            seen.add(current.path)
            text = view_text(view)
            assert "\x1b" not in text and "\x07" not in text
            # the literal title is on screen (long titles wrap: compare their start)
            assert current.title[:40] in text.replace("\n", " ") or current.title[:40] in text
            if "[" in current.title:
                # clicking where a [@click=…] title sits (header, list row) must not fire anything
                await pilot.click(ArticleView, offset=(3, 0))
                await pilot.click(ArticleList, offset=(4, article_list.cursor - int(article_list.scroll_y)))
                assert app.is_running
                article_list.focus()  # a click on the current row opens it; come back to walk on with j
        assert seen == listed
        for path, title in expected["titles"].items():
            if title is not None and path in listed:
                assert app.main.library.articles[app.main.library.by_path[path]].title == title
        # every skipped file is reachable from the problems view, with its reason
        await pilot.press("exclamation_mark")
        await pilot.pause()
        problems = str(app.screen.query_one("#problems-text").render())
        assert "\x1b" not in problems  # file names with escape sequences are shown inertly
        for path in expected["skipped"]:
            assert make_inert(path) in problems
        await pilot.press("escape")
        assert app.is_running
    assert not any(marker.exists() for marker in expected["pwned_markers"])
