"""Tests for the ArticleView widget: header, body, messages, find, links, keys, resize, themes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reader.library.model import Article
from reader.ui import article_view as article_view_module
from reader.ui.article_view import EMPTY_BODY_MESSAGE, NO_ARTICLE_MESSAGE, ArticleView
from reader.ui.render.header import tag_labels

BODY = (
    """\
Opening paragraph about *ransomware* and a [report link](https://example.com/report).

## First section

Some words about ransomware gangs. Ransomware is everywhere.

- bullet one
- bullet two

## Second section

"""
    + "\n\n".join(f"Filler paragraph number {n} with enough words to fill a row." for n in range(40))
    + """

## Third section

The end mentions RANSOMWARE once more.
"""
)


def make_article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "path": "therecord/ransom.md",
        "title": "Ransomware gang hits [bold]everyone[/]",
        "subtitle": "A subtitle line",
        "source": "The Record",
        "link": "https://therecord.media/ransom",
        "date": datetime(2021, 7, 25, 14, 0, tzinfo=UTC),
        "author": "Catalin Cimpanu",
        "tags": ("ransomware", "victim.country.name=China"),
        "body": BODY,
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


class ViewApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[object] = []

    def compose(self) -> ComposeResult:
        yield ArticleView()

    def on_article_view_link_clicked(self, message: ArticleView.LinkClicked) -> None:
        self.messages.append(message)

    def on_article_view_scrolled(self, message: ArticleView.Scrolled) -> None:
        self.messages.append(message)


@asynccontextmanager
async def shown(
    article: Article, size: tuple[int, int] = (100, 30), *, focus: bool = False
) -> AsyncIterator[tuple[ViewApp, Pilot[None], ArticleView]]:
    """A :class:`ViewApp` showing ``article``, rendered and painted (and focused: keys go to it)."""
    app = ViewApp()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(ArticleView)
        view.show(article)
        if focus:
            view.focus()
        await pilot.pause()
        yield app, pilot, view


def visible(view: ArticleView) -> list[str]:
    """The rows the widget would paint now (no-break spaces, used inside tag chips, as spaces)."""
    return [
        "".join(segment.text for segment in view.render_line(y)).replace("\xa0", " ") for y in range(view.size.height)
    ]


def screen_text(view: ArticleView) -> str:
    return "\n".join(visible(view))


# -- pure helpers ---------------------------------------------------------------------------------


def test_tag_labels_short_and_unambiguous() -> None:
    assert tag_labels(("Ransomware", "victim.country.name=China", "action.malware.name=Conti")) == [
        "#Ransomware",
        "country: China",
        "malware: Conti",
    ]
    assert tag_labels(("victim.country.name=China", "actor.country.name=Iran")) == [
        "victim country: China",
        "actor country: Iran",
    ]


# -- showing --------------------------------------------------------------------------------------


async def test_placeholder_before_any_article() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)):
        view = app.query_one(ArticleView)
        rows = visible(view)
        centre = next(index for index, row in enumerate(rows) if NO_ARTICLE_MESSAGE in row)
        assert 10 <= centre <= 18  # vertically centred
        assert rows[centre].index(NO_ARTICLE_MESSAGE) > 20  # horizontally centred
        assert view.article is None


async def test_show_article_header_and_body() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        article = make_article()
        view.show(article)
        await pilot.pause()
        text = screen_text(view)
        assert view.article is article
        assert "Ransomware gang hits [bold]everyone[/]" in text  # markup shown literally
        assert "A subtitle line" in text
        assert "The Record · Catalin Cimpanu · 25 Jul 2021 14:00" in text
        assert "https://therecord.media/ransom" in text
        assert "#ransomware" in text and "country: China" in text
        assert "Opening paragraph about ransomware and a report link." in text
        assert "First section" in text
        assert "##" not in text
        assert view.virtual_size.height > 40
        assert view.links[:2] == ["https://therecord.media/ransom", "https://example.com/report"]
        assert [text for _, _, text in view.headings] == ["First section", "Second section", "Third section"]


async def test_title_style_differs_from_body() -> None:
    async with shown(make_article(), size=(100, 30)) as (_app, _pilot, view):
        title_styles = {seg.style for seg in view.render_line(0) if "Ransomware" in seg.text}
        body_row = next(y for y, row in enumerate(visible(view)) if "Opening paragraph" in row)
        body_styles = {seg.style for seg in view.render_line(body_row) if "Opening" in seg.text}
        assert title_styles and body_styles and title_styles != body_styles
        assert all(style is not None and style.bold for style in title_styles)


async def test_none_and_messages() -> None:
    async with shown(make_article(), size=(100, 30)) as (_app, pilot, view):
        view.set_message("No articles match the filter")
        await pilot.pause()
        assert "No articles match the filter" in screen_text(view)
        assert "Ransomware" not in screen_text(view)
        assert view.article is None
        view.show(None)
        await pilot.pause()
        assert NO_ARTICLE_MESSAGE in screen_text(view)


async def test_empty_body_message() -> None:
    async with shown(make_article(body="  \n\n"), size=(100, 30)) as (_app, _pilot, view):
        text = screen_text(view)
        assert "Ransomware gang hits" in text
        assert EMPTY_BODY_MESSAGE in text


async def test_minimal_article_omits_empty_parts() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(Article(path="x.md", title="Only a title", body="text"))
        await pilot.pause()
        rows = [row.strip() for row in visible(view)]
        assert rows[0] == "Only a title"
        assert "·" not in "\n".join(rows)
        assert "Link:" not in "\n".join(rows)
        assert "text" in rows


async def test_hostile_article_is_inert() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        hostile = "[@click=app.quit]q[/] \x1b]0;owned\x07\x1b[2J"
        view.show(make_article(title=hostile, author="\x1b[31mred", body=hostile))
        await pilot.pause()
        assert app.is_running
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert "\x1b" not in segment.text and "\x07" not in segment.text
                assert not (segment.style and segment.style.meta and "@click" in segment.style.meta)
        assert "[@click=app.quit]q[/] ␛]0;owned␇␛[2J" in screen_text(view)


async def test_show_before_mount_renders_once_laid_out() -> None:
    view = ArticleView()
    view.show(make_article(), scroll_y=3)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.mount(view)
        await pilot.pause()
        assert view.document is not None
        assert view.scroll_y == 3


async def test_scroll_y_restored_and_clamped() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(make_article(), scroll_y=20)
        await pilot.pause()
        assert view.scroll_y == 20
        assert "Ransomware gang" not in visible(view)[0]
        view.show(make_article(), scroll_y=100_000)
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 0


# -- find and highlight ---------------------------------------------------------------------------


async def test_find_counts_highlights_and_navigates() -> None:
    async with shown(make_article(), size=(100, 20)) as (_app, pilot, view):
        styles = view._styles
        count = view.find("ransomware")
        # title, tag, body: "ransomware" ×1 + ×2 in section one, "RANSOMWARE" at the end
        assert count == view.find_count == 6
        assert view.find_index == 0
        first_row = next(y for y, row in enumerate(visible(view)) if "Ransomware gang" in row)
        styled = [seg.style for seg in view.render_line(first_row) if seg.text == "Ransomware"]
        assert styled and styled[0] is not None and styled[0].bgcolor == styles.highlight_current.bgcolor
        view.find_next()
        assert view.find_index == 1
        for _ in range(count - 1):
            view.find_next()
        assert view.find_index == 0  # wrapped
        view.find_previous()
        assert view.find_index == count - 1
        await pilot.pause()
        assert "RANSOMWARE" in screen_text(view)  # the last match was scrolled into view
        assert view.scroll_y > 0
        assert view.find("") == 0
        assert view.find_count == 0 and view.find_index == -1
        assert view.find("no such words") == 0


async def test_find_is_literal() -> None:
    async with shown(make_article(body="a.b a+b a.b (x)"), size=(100, 20)) as (_app, _pilot, view):
        assert view.find("a.b") == 2
        assert view.find("(x)") == 1


async def test_highlight_terms_on_show() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ArticleView)
        view.show(make_article(), highlight="gangs  paragraph")
        await pilot.pause()
        highlight = view._styles.highlight
        row = next(y for y, text in enumerate(visible(view)) if "ransomware gangs" in text)
        styles = [seg.style for seg in view.render_line(row) if seg.text == "gangs"]
        assert styles and styles[0] is not None and styles[0].bgcolor == highlight.bgcolor
        others = [seg.style for seg in view.render_line(row) if "Some words" in seg.text]
        assert others and (others[0] is None or others[0].bgcolor != highlight.bgcolor)
        view.show(make_article())  # no terms: no highlight
        await pilot.pause()
        styles = [seg.style for seg in view.render_line(row) if "gangs" in seg.text]
        assert styles and all(s is None or s.bgcolor != highlight.bgcolor for s in styles)


# -- links ----------------------------------------------------------------------------------------


async def test_link_click_posts_message() -> None:
    async with shown(make_article(), size=(100, 30)) as (app, pilot, view):
        row = next(y for y, text in enumerate(visible(view)) if "report link" in text)
        col = visible(view)[row].index("report link")
        assert view.link_at(row, col) == "https://example.com/report"
        assert view.link_at(row, col - 3) is None
        # +1: the widget's left padding
        await pilot.click(ArticleView, offset=(col + 1 + 2, row))
        await pilot.pause()
        clicks = [m for m in app.messages if isinstance(m, ArticleView.LinkClicked)]
        assert [m.href for m in clicks] == ["https://example.com/report"]
        assert clicks[0].article_path == "therecord/ransom.md"
        await pilot.click(ArticleView, offset=(1, row))  # not on the link
        await pilot.pause()
        assert len([m for m in app.messages if isinstance(m, ArticleView.LinkClicked)]) == 1


async def test_header_link_is_clickable() -> None:
    async with shown(make_article(), size=(100, 30)) as (_app, _pilot, view):
        row = next(y for y, text in enumerate(visible(view)) if "https://therecord.media/ransom" in text)
        col = visible(view)[row].index("https://")
        assert view.link_at(row, col) == "https://therecord.media/ransom"


# -- keys and scrolling ---------------------------------------------------------------------------


async def test_motion_keys() -> None:
    async with shown(make_article(), size=(100, 20), focus=True) as (_app, pilot, view):
        await pilot.press("j", "j", "down")
        assert view.scroll_y == 3
        await pilot.press("k")
        assert view.scroll_y == 2
        await pilot.press("space")
        assert view.scroll_y == 2 + view.scrollable_content_region.height - 1
        await pilot.press("pageup")
        assert view.scroll_y == 2
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("g")
        assert view.scroll_y == 0
        await pilot.press("end")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        assert view.scroll_y == 0


async def test_heading_jumps() -> None:
    async with shown(make_article(), size=(100, 20), focus=True) as (_app, pilot, view):
        rows = [row for row, _, _ in view.headings]
        await pilot.press("right_square_bracket")
        assert view.scroll_y == rows[0]
        assert visible(view)[0].strip() == "First section"
        await pilot.press("right_square_bracket")
        assert view.scroll_y == rows[1]
        await pilot.press("left_square_bracket")
        assert view.scroll_y == rows[0]
        await pilot.press("left_square_bracket")
        assert view.scroll_y == 0


async def test_scrolled_message_is_debounced(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(article_view_module, "SCROLL_REPORT_DELAY", 0.5)
    async with shown(make_article(), size=(100, 20), focus=True) as (app, pilot, _view):
        started = time.monotonic()
        await pilot.press("j", "j", "j", "j")
        pressing = time.monotonic() - started
        if pressing < 0.4:  # on a loaded machine the presses alone can take longer
            assert not [m for m in app.messages if isinstance(m, ArticleView.Scrolled)]  # not yet
        await pilot.pause(1.0)
        scrolled = [(m.article_path, m.scroll_y) for m in app.messages if isinstance(m, ArticleView.Scrolled)]
        if pressing < 0.5:  # within one delay: one report, of where the scrolling ended
            assert scrolled == [("therecord/ransom.md", 4)]
        else:  # a pause longer than the delay between two presses is worth a report of its own
            assert scrolled[-1] == ("therecord/ransom.md", 4) and len(scrolled) <= 4
        await pilot.pause(0.4)  # nothing new without scrolling
        assert len([m for m in app.messages if isinstance(m, ArticleView.Scrolled)]) == len(scrolled)


async def test_restoring_a_position_does_not_report_it() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.show(make_article(), scroll_y=5)
        await pilot.pause(0.7)
        assert not [m for m in app.messages if isinstance(m, ArticleView.Scrolled)]


# -- resize and themes ----------------------------------------------------------------------------


async def test_resize_rewraps() -> None:
    async with shown(make_article(body="word " * 300), size=(100, 30)) as (_app, pilot, view):
        wide_height = view.virtual_size.height
        await pilot.resize_terminal(40, 30)
        await pilot.pause()
        assert view.document is not None and view.document.width == view.scrollable_content_region.width
        assert view.virtual_size.height > wide_height
        for row in visible(view):
            assert len(row.rstrip()) <= view.scrollable_content_region.width


async def test_theme_change_restyles() -> None:
    async with shown(make_article(), size=(100, 30)) as (app, pilot, view):
        before = view._styles.link
        app.theme = "nord" if app.theme != "nord" else "gruvbox"
        await pilot.pause()
        await pilot.pause()
        assert view._styles.link != before
        row = next(y for y, text in enumerate(visible(view)) if "report link" in text)
        link_styles = [seg.style for seg in view.render_line(row) if seg.text == "report link"]
        assert link_styles and link_styles[0] is not None
        assert link_styles[0].color == view._styles.link.color


async def test_render_line_beyond_document_is_blank() -> None:
    async with shown(make_article(body="short"), size=(100, 30)) as (_app, _pilot, view):
        strip = view.render_line(29)
        assert strip.text.strip() == ""
        assert strip.cell_length == view.scrollable_content_region.width
