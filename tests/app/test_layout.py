"""The layout follows the terminal width: three panes, a folded sidebar, or one pane at a time."""

from __future__ import annotations

from pathlib import Path

from factories import make_app as factory_app
from factories import write_clipping

from reader.config import load_config
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.layout import layout_mode
from reader.ui.widgets.tag_sidebar import TagTree


def make_app(tmp_path: Path) -> ReaderApp:
    return factory_app(tmp_path=tmp_path, read_after=3600)


async def ready(pilot) -> ReaderApp:
    """The app once its library is loaded and drawn."""
    await pilot.app.wait_until_idle()
    await pilot.pause()
    return pilot.app


def shown(app: ReaderApp) -> dict[str, bool]:
    """Which panes take room on screen."""
    return {
        name: app.query_one(selector).display and app.query_one(selector).size.width > 0
        for name, selector in (("tags", "#tags"), ("list", "#middle"), ("article", "#right"))
    }


def text_width(view: ArticleView) -> int:
    """The widest row of article text on screen, in cells (leading margin excluded)."""
    rows = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
    return max(len(row.strip()) for row in rows)


def test_modes_by_width() -> None:
    assert [layout_mode(width) for width in (60, 80, 99, 100, 139, 140, 300)] == [
        "narrow", "narrow", "narrow", "medium", "medium", "wide", "wide",
    ]


async def test_wide_shows_three_panes(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(160, 50)) as pilot:
        await pilot.app.wait_until_idle()
        await pilot.pause()
        assert shown(pilot.app) == {"tags": True, "list": True, "article": True}


async def test_medium_folds_the_sidebar_and_backslash_brings_it_back(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(120, 40)) as pilot:
        app = await ready(pilot)
        assert shown(app) == {"tags": False, "list": True, "article": True}
        await pilot.press("backslash")
        await pilot.pause()
        assert shown(app)["tags"] and isinstance(app.focused, TagTree)
        await pilot.press("backslash")
        await pilot.pause()
        assert not shown(app)["tags"] and isinstance(app.focused, ArticleList)


async def test_narrow_one_pane_enter_reads_escape_returns_with_cursor(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(80, 24)) as pilot:
        app = await ready(pilot)
        assert shown(app) == {"tags": False, "list": True, "article": False}
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert shown(app) == {"tags": False, "list": False, "article": True}
        view = app.query_one(ArticleView)
        assert view.article is not None
        assert text_width(view) >= 55
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app) == {"tags": False, "list": True, "article": False}
        assert app.query_one(ArticleList).cursor == 2
        assert isinstance(app.focused, ArticleList)


async def test_narrow_60_columns_reads_at_least_45(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(60, 20)) as pilot:
        await pilot.app.wait_until_idle()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert text_width(pilot.app.query_one(ArticleView)) >= 45


async def test_maximise_at_any_width_and_escape_restores(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(160, 50)) as pilot:
        app = await ready(pilot)
        await pilot.press("z")
        await pilot.pause()
        assert shown(app) == {"tags": False, "list": False, "article": True}
        assert isinstance(app.focused, ArticleView)
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app) == {"tags": True, "list": True, "article": True}


async def test_reading_width_caps_and_centres_the_text(tmp_path: Path) -> None:
    async with make_app(tmp_path).run_test(size=(240, 50)) as pilot:
        app = await ready(pilot)
        await pilot.press("z")
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.wrap_width == 100
        rows = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
        margins = [len(row) - len(row.lstrip()) for row in rows if row.strip()]
        assert min(margins) >= (view.scrollable_content_region.width - 100) // 2
        view.reading_width = 0
        await pilot.pause()
        assert view.wrap_width == view.scrollable_content_region.width


def test_reading_width_in_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("reading_width = 72\n", encoding="utf-8")
    assert load_config(path).reading_width == 72 and load_config(path).error is None
    path.write_text('reading_width = "wide"\n', encoding="utf-8")
    config = load_config(path)
    assert config.reading_width is None and "reading_width" in (config.error or "")


async def test_a_small_terminal_shows_the_start_of_the_body_under_a_long_header(tmp_path: Path) -> None:
    """A clipping with a two-row title, a long subtitle, a long link and many tags, at 60×20:
    the header keeps the link to one row, so the body's first words are on the first screen."""
    root = tmp_path / "library"
    long_link = "https://www.example.com/news/security/" + "the-week-in-ransomware-" * 4 + "decryptors"
    write_clipping(
        root,
        "a.md",
        "The Week in Ransomware - February 11th 2022 - Maze, Egregor decryptors",
        "Opening words of the body.\n\n" + "More text. " * 200,
        subtitle="We saw the Maze ransomware developers reemerge briefly this week as they shared keys.",
        link=long_link,
        tags=[f"Tag{n}" for n in range(20)],
    )
    write_clipping(root, "b.md", "Another", date="July 24, 2021")
    app = factory_app(root, tmp_path, read_after=3600, live_reload=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        view = app.main.query_one(ArticleView)
        rows = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
        assert any("Opening words of the body." in row for row in rows), "\n".join(rows)
        links = [row.strip() for row in rows if row.strip().startswith("Link: https://www.example.com/")]
        assert len(links) == 1 and links[0].endswith("…")
