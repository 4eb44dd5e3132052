"""Finding your way in an article from the keyboard: the outline (``t``), headings by name, and
link hints (``f``) that hand the chosen link to the app (issue 14)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from reader.library.model import Article
from reader.ui.article_view import ArticleView
from reader.ui.link_hints import hint_labels
from reader.ui.outline import OutlineScreen, current_index, outline_rows
from reader.ui.render.syntax import WIKILINK_PREFIX

FILLER = "\n\n".join(f"Filler paragraph {n} with enough words to take a row of its own." for n in range(30))
BODY = f"""\
Intro with a [local file](other/note.md), a [[Guide#Set Up|guide]] and [the web](https://example.com/page).
Also a [bad one](javascript:alert(1)) that markdown leaves as text.

# Part One

{FILLER}

## Getting Started!

{FILLER}

### Details

{FILLER}

Last words.
"""


class NavApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        yield ArticleView()

    def on_article_view_link_clicked(self, message: ArticleView.LinkClicked) -> None:
        self.clicked.append(message.href)


async def _open(pilot, body: str = BODY) -> ArticleView:
    view = pilot.app.query_one(ArticleView)
    view.show(Article(path="a.md", title="Navigation", body=body))
    view.focus()
    await pilot.pause()
    return view


def _row_of(view: ArticleView, text: str) -> int:
    return next(row for row, _level, heading in view.headings if heading == text)


def test_outline_rows_are_nested_and_open_on_the_current_section() -> None:
    headings = [(5, 1, "Part One"), (40, 2, "Getting Started!"), (70, 3, "Details")]
    assert [row.plain for row in outline_rows(headings)] == ["■ Part One", "  ▪ Getting Started!", "    ▪ Details"]
    assert current_index(headings, 0) == 0 and current_index(headings, 45) == 1 and current_index(headings, 99) == 2


async def test_t_opens_the_outline_and_enter_jumps_to_the_heading() -> None:
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, OutlineScreen)
        await pilot.press("j", "enter")  # Part One → Getting Started!
        await pilot.pause()
        assert not isinstance(app.screen, OutlineScreen)
        assert round(view.scroll_y) == _row_of(view, "Getting Started!")
        await pilot.press("t", "escape")
        assert not isinstance(app.screen, OutlineScreen)
        assert round(view.scroll_y) == _row_of(view, "Getting Started!")  # closing keeps the place


async def test_brackets_keep_stepping_between_headings() -> None:
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot)
        rows = [row for row, _level, _text in view.headings]
        await pilot.press("right_square_bracket")
        assert round(view.scroll_y) == rows[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert round(view.scroll_y) == rows[2]
        await pilot.press("left_square_bracket")
        assert round(view.scroll_y) == rows[1]


async def test_scroll_to_heading_by_text_or_slug() -> None:
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot)
        assert view.scroll_to_heading("Details")
        assert round(view.scroll_y) == _row_of(view, "Details")
        assert view.scroll_to_heading("#getting-started")  # as a [[Note#…]] or a #fragment names it
        assert round(view.scroll_y) == _row_of(view, "Getting Started!")
        assert not view.scroll_to_heading("No such heading")
        assert round(view.scroll_y) == _row_of(view, "Getting Started!")


async def test_f_labels_every_visible_link_and_typing_one_follows_it() -> None:
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot)
        await pilot.press("f")
        labels = view.hint_labels
        assert list(labels.values()) == ["other/note.md", WIKILINK_PREFIX + "Guide#Set Up", "https://example.com/page"]
        assert list(labels) == ["a", "s", "d"]
        screen = "\n".join("".join(s.text for s in view.render_line(y)) for y in range(view.size.height))
        assert "Intro with a aocal file" in screen  # the letter is drawn over the link's first cell
        await pilot.press("s")
        await pilot.pause()
        assert app.clicked == [WIKILINK_PREFIX + "Guide#Set Up"]
        assert view.hint_labels == {}
        await pilot.press("f", "d")
        await pilot.pause()
        assert app.clicked[-1] == "https://example.com/page"


async def test_escape_or_a_wrong_letter_drops_the_hints_and_follows_nothing() -> None:
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot)
        await pilot.press("f", "escape")
        assert view.hint_labels == {}
        await pilot.press("f", "z")
        assert view.hint_labels == {}
        await pilot.press("f", "space")  # a key that is no letter: hints go, the page does not move
        await pilot.pause()
        assert app.clicked == [] and view.hint_labels == {} and round(view.scroll_y) == 0


async def test_hints_cover_only_the_links_in_view() -> None:
    links = "\n\n".join(f"Row {n} [link {n}](https://example.com/{n})" for n in range(60))
    app = NavApp()
    async with app.run_test(size=(90, 24)) as pilot:
        view = await _open(pilot, links)
        view.scroll_to_row(30)
        await pilot.pause()
        await pilot.press("f")
        hrefs = list(view.hint_labels.values())
        top = round(view.scroll_y)
        shown = {view.document.plain[row] for row in range(top, top + view.size.height)}  # type: ignore[union-attr]
        assert hrefs and all(any(f"link {href.rsplit('/', 1)[1]}" in row for row in shown) for href in hrefs)
        assert len(hrefs) < 60


def test_more_links_than_letters_get_two_letter_labels() -> None:
    labels = hint_labels(30)
    assert len(set(labels)) == 30 and all(len(label) == 2 for label in labels)
    assert not any(a != b and b.startswith(a) for a in labels for b in labels)
