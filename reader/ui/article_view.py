"""The article pane: one article, rendered by :mod:`reader.ui.markdown_render`, on the Line API.

Why a ``ScrollView``: the stock ``Markdown`` widget mounts a widget per block (seconds for a
long article). Here the whole article is a list of pre-wrapped strips; ``render_line`` only
slices the cached row, adds highlights and crops it. Rendering happens on :meth:`show` and on
width changes, never per frame.

Messages for the app:

* :class:`ArticleView.LinkClicked` — a click on a link (nothing is opened here);
* :class:`ArticleView.Scrolled` — the reading position settled (0.5 s debounce), to remember it;
* :class:`ArticleView.PassageChosen` — ``enter`` on a selection: save it as a highlight.

Highlights (saved passages, :meth:`set_passages`) and the selection being made (``v``, then
``j``/``k`` by block) are drawn from :mod:`reader.ui.passages`; storing them is the app's job.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from reader.state.highlights import plain_text, quote
from reader.ui.header_tags import EXPAND_HREF, chip, fit_rows, folded_labels, more_label
from reader.ui.markdown_render import (
    MarkdownStyles,
    RenderedDoc,
    join_docs,
    render_markdown,
    render_rule,
    render_runs,
)
from reader.ui.passages import (
    Located,
    Span,
    blocks_span,
    locate_all,
    note_doc,
    sentence_span,
    span_cells,
    with_notes,
)
from reader.ui.render_code import DEFAULT_THEME

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.state.highlights import Highlight

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NO_ARTICLE_MESSAGE = "No article selected"
EMPTY_BODY_MESSAGE = "This article has no body text."
READING_WIDTH = 100
"""Default widest line of article text: longer lines are tiring to read; the column is centred."""
SCROLL_REPORT_DELAY = 0.5
"""Seconds the scroll position must stay put before :class:`ArticleView.Scrolled` is posted."""

_Match = tuple[int, int, int]
"""(row, start cell, end cell)."""


def format_date(date: datetime | None) -> str:
    """``25 Jul 2021 14:00``, or ``25 Jul 2021`` at midnight (clipped articles rarely have a time).

    Month names are fixed English abbreviations, not ``%b``, so the locale cannot change them.
    """
    if date is None:
        return ""
    text = f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
    if date.hour or date.minute:
        text += f" {date.hour:02d}:{date.minute:02d}"
    return text


def tag_labels(tags: tuple[str, ...] | list[str]) -> list[str]:
    """Short, unambiguous labels for tags.

    Faceted tags ``victim.country.name=China`` become ``country: China``; the trailing
    ``name`` and leading path parts are dropped unless another facet of the same article would
    then read the same (``victim.country`` vs ``actor.country`` keep their full paths).
    """
    facets: list[tuple[list[str], str] | None] = []
    for tag in tags:
        if "=" in tag:
            path, _, value = tag.partition("=")
            parts = [part for part in path.strip().split(".") if part]
            if len(parts) > 1 and parts[-1].lower() == "name":
                parts = parts[:-1]
            facets.append((parts or ["tag"], value.strip()))
        else:
            facets.append(None)
    short_owner: dict[str, str] = {}
    for facet in facets:
        if facet is not None:
            full = ".".join(facet[0])
            short_owner.setdefault(facet[0][-1].lower(), full)
    clashes = {
        facet[0][-1].lower()
        for facet in facets
        if facet is not None and short_owner[facet[0][-1].lower()] != ".".join(facet[0])
    }
    labels: list[str] = []
    for tag, facet in zip(tags, facets, strict=True):
        if facet is None:
            labels.append(f"#{tag}")
        else:
            parts, value = facet
            name = " ".join(parts) if parts[-1].lower() in clashes else parts[-1]
            labels.append(f"{name}: {value}")
    return labels


class ArticleView(ScrollView, can_focus=True):
    """Shows one article (metadata header + Markdown body), fast and scrollable."""

    ALLOW_SELECT = False  # rows are pre-rendered strips without selection offsets

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "line_up", "Up", show=False),
        Binding("down,j", "line_down", "Down", show=False),
        Binding("space,pagedown", "page_down_now", "Page down", show=False),
        Binding("pageup", "page_up_now", "Page up", show=False),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "bottom", "Bottom", show=False),
        Binding("left_square_bracket", "previous_heading", "Prev heading"),
        Binding("right_square_bracket", "next_heading", "Next heading"),
        Binding("enter", "save_selection", "Save highlight"),
        Binding("escape", "cancel_selection", "Cancel selection"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--h1",
        "article-view--h2",
        "article-view--h3",
        "article-view--h4",
        "article-view--h5",
        "article-view--h6",
        "article-view--emphasis",
        "article-view--strong",
        "article-view--strike",
        "article-view--code-inline",
        "article-view--code-block",
        "article-view--link",
        "article-view--quote",
        "article-view--quote-bar",
        "article-view--bullet",
        "article-view--table-header",
        "article-view--table-border",
        "article-view--rule",
        "article-view--image",
        "article-view--highlight",
        "article-view--highlight-current",
        "article-view--meta-title",
        "article-view--meta-subtitle",
        "article-view--meta",
        "article-view--meta-label",
        "article-view--tag",
        "article-view--message",
        "article-view--passage",
        "article-view--selection",
        "article-view--note",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    ArticleView > .article-view--h1 { color: $markdown-h1-color; text-style: bold; }
    ArticleView > .article-view--h2 { color: $markdown-h2-color; text-style: bold; }
    ArticleView > .article-view--h3 { color: $markdown-h3-color; text-style: bold; }
    ArticleView > .article-view--h4 { color: $markdown-h4-color; text-style: bold italic; }
    ArticleView > .article-view--h5 { color: $markdown-h5-color; text-style: bold; }
    ArticleView > .article-view--h6 { color: $text-muted; text-style: italic underline; }
    ArticleView > .article-view--emphasis { text-style: italic; }
    ArticleView > .article-view--strong { text-style: bold; }
    ArticleView > .article-view--strike { text-style: strike; }
    ArticleView > .article-view--code-inline { color: $text-accent; background: $boost; }
    ArticleView > .article-view--code-block { color: $foreground; background: $background; }
    ArticleView > .article-view--link { color: $text-primary; text-style: underline; }
    ArticleView > .article-view--quote { color: $text-muted; text-style: italic; }
    ArticleView > .article-view--quote-bar { color: $primary; }
    ArticleView > .article-view--bullet { color: $accent; text-style: bold; }
    ArticleView > .article-view--table-header { color: $text-accent; text-style: bold; }
    ArticleView > .article-view--table-border { color: $foreground-muted; }
    ArticleView > .article-view--rule { color: $primary-muted; }
    ArticleView > .article-view--image { color: $text-secondary; text-style: italic; }
    ArticleView > .article-view--highlight { color: $foreground; background: $warning-muted; }
    ArticleView > .article-view--highlight-current { color: $background; background: $warning; text-style: bold; }
    ArticleView > .article-view--meta-title { color: $text-primary; text-style: bold; }
    ArticleView > .article-view--meta-subtitle { color: $foreground; text-style: italic; }
    ArticleView > .article-view--meta { color: $text-muted; }
    ArticleView > .article-view--meta-label { color: $text-muted; text-style: bold; }
    ArticleView > .article-view--tag { color: $text-primary; background: $primary-muted; }
    ArticleView > .article-view--message { color: $text-muted; text-style: italic; }
    ArticleView > .article-view--passage { background: $success-muted; }
    ArticleView > .article-view--selection { color: $background; background: $accent; }
    ArticleView > .article-view--note { color: $text-success; text-style: italic; }
    """

    class Scrolled(Message):
        """The user scrolled an article and the position stayed put for half a second."""

        def __init__(self, view: ArticleView, article_path: str, scroll_y: int) -> None:
            super().__init__()
            self.view = view
            self.article_path = article_path
            self.scroll_y = scroll_y

        @property
        def control(self) -> ArticleView:
            """The view that scrolled."""
            return self.view

    class PassageChosen(Message):
        """``enter`` on a selection: the app saves ``(prefix, exact, suffix)`` as a highlight."""

        def __init__(self, view: ArticleView, article: Article, prefix: str, exact: str, suffix: str) -> None:
            super().__init__()
            self.view = view
            self.article = article
            self.prefix, self.exact, self.suffix = prefix, exact, suffix

        @property
        def control(self) -> ArticleView:
            return self.view

    class LinkClicked(Message):
        """A link was clicked. The app decides what to do with ``href``; nothing is opened here."""

        def __init__(self, view: ArticleView, href: str, article_path: str | None) -> None:
            super().__init__()
            self.view = view
            self.href = href
            self.article_path = article_path

        @property
        def control(self) -> ArticleView:
            """The view holding the link."""
            return self.view

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._article: Article | None = None
        self._message: str | None = NO_ARTICLE_MESSAGE
        self._doc: RenderedDoc | None = None
        self._doc_width = 0
        self._styles = MarkdownStyles()
        self._meta_styles: dict[str, Style] = {}
        self._styles_ready = False
        self._styles_check_pending = False
        self._pending_scroll: int | None = None
        self._row_cache: dict[int, Strip] = {}
        self._highlights: dict[int, list[tuple[int, int, Style]]] = {}
        self._terms: re.Pattern[str] | None = None
        self._find_pattern = ""
        self._find_regex: re.Pattern[str] | None = None
        self._find_matches: list[_Match] = []
        self._find_index = -1
        self._searchable: tuple[str, list[int]] | None = None
        self._scroll_timer: Timer | None = None
        self._reported: tuple[str, int] | None = None
        self._prerendered: tuple[str, int, MarkdownStyles, RenderedDoc] | None = None
        self._passages: list[Highlight] = []
        self._located: list[Located] = []
        self._selection: Span | None = None
        self._sel_blocks: tuple[int, int] | None = None
        """(anchor, head) indices into ``_doc.blocks`` while selecting by block."""
        self._reading_width = READING_WIDTH
        self._tags_expanded = False
        self._code_theme: str | None = DEFAULT_THEME

    @property
    def code_theme(self) -> str | None:
        """The Pygments style of fenced code (``None``: no syntax colours)."""
        return self._code_theme

    @code_theme.setter
    def code_theme(self, name: str | None) -> None:
        self._code_theme = name or None
        if self.is_attached and self._load_styles() and self._doc is not None:
            self._rebuild(keep_position=True)

    @property
    def reading_width(self) -> int:
        """Widest line of text in columns (0: the whole pane); a wider pane centres the column."""
        return self._reading_width

    @reading_width.setter
    def reading_width(self, columns: int) -> None:
        self._reading_width = max(0, columns)
        if self.is_attached and self._wrap_width() != self._doc_width:
            self._rebuild(keep_position=True)

    # -- public API ---------------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        """The article on show, or ``None`` (nothing, or a message)."""
        return self._article

    @property
    def document(self) -> RenderedDoc | None:
        """The rendered rows at the current width (header included), if rendered yet."""
        return self._doc

    @property
    def headings(self) -> list[tuple[int, int, str]]:
        """``(row, level, text)`` of the body's headings, for a table of contents."""
        return list(self._doc.headings) if self._doc is not None and self._message is None else []

    @property
    def links(self) -> list[str]:
        """Every link of the article (header link first) in reading order."""
        return list(self._doc.link_hrefs) if self._doc is not None and self._message is None else []

    @property
    def find_count(self) -> int:
        """Number of matches of the current :meth:`find` pattern."""
        return len(self._find_matches)

    @property
    def find_index(self) -> int:
        """0-based index of the current match, ``-1`` when there is none (show ``index + 1``)."""
        return self._find_index

    def show(
        self,
        article: Article | None,
        *,
        scroll_y: int = 0,
        highlight: str | None = None,
        rendered_body: RenderedDoc | None = None,
    ) -> None:
        """Show ``article`` (``None``: a friendly placeholder) scrolled to ``scroll_y``.

        ``highlight`` is a whitespace-separated list of words to highlight (search terms).
        Any :meth:`find` in progress is cleared: it belonged to the previous article.
        ``rendered_body`` is the body already rendered by :meth:`render_body` (in a worker
        thread, for very long articles); it is used when the width and styles still match.
        """
        if rendered_body is not None and article is not None:
            self._prerendered = (article.body, rendered_body.width, self._styles, rendered_body)
        if article is None or self._article is None or article.path != self._article.path:
            self._tags_expanded = False
        self._article = article
        self._message = NO_ARTICLE_MESSAGE if article is None else None
        self._terms = _words_regex(highlight or "")
        self._clear_find()
        self._selection = self._sel_blocks = None
        self._reported = (article.path, max(0, scroll_y)) if article is not None else None
        self._pending_scroll = max(0, scroll_y)
        self._rebuild()

    @property
    def wrap_width(self) -> int:
        """The width bodies are wrapped to (0 before the first layout)."""
        return self._wrap_width()

    def render_body(self, text: str, width: int) -> RenderedDoc:
        """Render a body as :meth:`show` would, without touching the widget: safe to call from a
        worker thread, so a very long article can be prepared off the UI thread."""
        return render_markdown(text, width, self._styles)

    def set_message(self, text: str) -> None:
        """Show a centred plain message instead of an article (e.g. "No articles match")."""
        self._article = None
        self._message = text
        self._terms = None
        self._clear_find()
        self._reported = None
        self._pending_scroll = 0
        self._rebuild()

    def find(self, pattern: str) -> int:
        """Highlight every case-insensitive literal occurrence of ``pattern``; return the count.

        The current match becomes the first one at or below the top of the view, scrolled into
        view. An empty pattern clears the search.
        """
        pattern = pattern.replace("\n", " ")
        self._find_pattern = pattern
        self._find_regex = re.compile(re.escape(pattern), re.IGNORECASE) if pattern else None
        self._find_index = -1
        self._compute_find()
        if self._find_matches:
            top = round(self.scroll_y)
            rows = [match[0] for match in self._find_matches]
            index = bisect_left(rows, top)
            self._find_index = index if index < len(rows) else 0
            self._scroll_to_row(self._find_matches[self._find_index][0])
        self._update_highlights()
        return len(self._find_matches)

    def find_next(self) -> None:
        """Make the next match current (wrapping around) and scroll to it."""
        self._step_find(1)

    def find_previous(self) -> None:
        """Make the previous match current (wrapping around) and scroll to it."""
        self._step_find(-1)

    def link_at(self, row: int, col: int) -> str | None:
        """The href of the link at document ``row`` / cell ``col``, if any."""
        if self._doc is None or self._message is not None:
            return None
        return self._doc.link_at(row, col)

    def scroll_to_row(self, row: int) -> None:
        """Put document ``row`` at the top of the view (e.g. a heading from :attr:`headings`)."""
        self.scroll_to(y=max(0, row), animate=False, immediate=True, force=True)

    # -- highlights and the selection --------------------------------------------------------

    def set_passages(self, highlights: list[Highlight], *, redraw: bool = True) -> None:
        """The saved highlights and note of the article on show (drawn on every render)."""
        self._passages = list(highlights)
        if redraw:
            self._rebuild(keep_position=True)

    @property
    def located(self) -> list[Located]:
        """Each highlight of the article with its text span now (``None``: passage gone)."""
        return list(self._located)

    @property
    def selection(self) -> Span | None:
        """The text span being selected, if any."""
        return self._selection

    def selected_quote(self) -> tuple[str, str, str] | None:
        """``(prefix, exact, suffix)`` of the selection, the anchor a highlight stores."""
        if self._selection is None or self._doc is None:
            return None
        text = plain_text([block.text for block in self._doc.blocks])
        return quote(text, *self._selection)

    def highlight_at_selection(self) -> Highlight | None:
        """The saved highlight overlapping the selection (the one ``a`` annotates), if any."""
        if self._selection is None:
            return None
        lo, hi = self._selection
        for highlight, span in self._located:
            if span is not None and span[0] < hi and lo < span[1]:
                return highlight
        return None

    def scroll_to_passage(self, highlight_id: str) -> bool:
        """Bring a saved passage into view, a third from the top; False when it is not there."""
        doc = self._doc
        for highlight, span in self._located:
            if highlight.id == highlight_id and span is not None and doc is not None:
                cells = span_cells(doc, span)
                if cells:
                    height = max(1, self.scrollable_content_region.height)
                    self.scroll_to_row(max(0, cells[0][0] - height // 3))
                    return True
        return False

    def select_first_block(self) -> bool:
        """``v``: select the first text block in view (the one at the top, or the first below it)."""
        doc = self._doc
        if doc is None or self._message is not None:
            return False
        top = round(self.scroll_y)
        bottom = top + max(1, self.scrollable_content_region.height)
        candidates = [i for i, block in enumerate(doc.blocks) if block.kind == "text" and block.end_row > top]
        if not candidates:
            return False
        pick = next((i for i in candidates if doc.blocks[i].start_row >= top), candidates[0])
        if doc.blocks[pick].start_row >= bottom:
            pick = candidates[0]
        self._select_blocks(pick, pick)
        return True

    def select_match_sentence(self) -> bool:
        """``v`` while find has a current match: select the sentence holding it."""
        doc = self._doc
        if doc is None or self._find_regex is None or not self._find_matches:
            return False
        row, col, _end = self._find_matches[max(0, self._find_index)]
        span = sentence_span(doc, row, col, self._find_regex)
        if span is None:
            return False
        self._selection, self._sel_blocks = span, None
        self._update_highlights()
        return True

    def cancel_selection(self) -> None:
        self._selection = self._sel_blocks = None
        self._update_highlights()

    def _select_blocks(self, anchor: int, head: int) -> None:
        doc = self._doc
        assert doc is not None
        self._sel_blocks = (anchor, head)
        self._selection = blocks_span(doc.blocks, anchor, head)
        self._update_highlights()
        block = doc.blocks[head]
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if block.start_row < top:
            self.scroll_to_row(block.start_row)
        elif block.end_row > top + height:
            self.scroll_to_row(max(block.start_row, block.end_row - height))

    def _extend(self, step: int) -> bool:
        """``j``/``k`` while selecting: move the selection's moving end one text block."""
        doc = self._doc
        if doc is None or self._selection is None:
            return False
        if self._sel_blocks is None:  # a sentence: grow from its block
            start = self._selection[0]
            offset = 0
            index = 0
            for number, block in enumerate(doc.blocks):
                if offset <= start < offset + len(block.text) + 2:
                    index = number
                    break
                offset += len(block.text) + 2
            self._sel_blocks = (index, index)
        anchor, head = self._sel_blocks
        texts = [i for i, block in enumerate(doc.blocks) if block.kind == "text"]
        following = [i for i in texts if (i > head if step > 0 else i < head)]
        if following:
            head = following[0] if step > 0 else following[-1]
        self._select_blocks(anchor, head)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` and ``escape`` belong to the selection only while there is one."""
        if action in ("save_selection", "cancel_selection"):
            return self._selection is not None
        return True

    def action_save_selection(self) -> None:
        quoted = self.selected_quote()
        if quoted is None or self._article is None:
            return
        self.post_message(self.PassageChosen(self, self._article, *quoted))
        self.cancel_selection()

    def action_cancel_selection(self) -> None:
        self.cancel_selection()

    # -- rendering ----------------------------------------------------------------------------

    def _wrap_width(self) -> int:
        """The width the document is wrapped to: the content area minus the scrollbar gutter."""
        width = self.scrollable_content_region.width
        return min(width, self._reading_width) if self._reading_width else width

    def _margin(self) -> int:
        """Blank cells left of the text column, which is centred in a pane wider than it."""
        doc = self._doc
        if doc is None or self._message is not None:
            return 0
        return max(0, (self.scrollable_content_region.width - self._doc_width) // 2)

    def _rebuild(self, *, keep_position: bool = False) -> None:
        """(Re)render the document for the current width and styles, keeping caches coherent."""
        width = self._wrap_width()
        old_doc, old_y = self._doc, self.scroll_y
        self._row_cache.clear()
        self._searchable = None
        if width <= 0:  # not laid out yet: on_resize renders
            self._doc = None
            self._doc_width = 0
            self.virtual_size = Size(0, 0)
            self.refresh()
            return
        if not self._styles_ready:
            self._load_styles()
        self._doc = self._render_doc(width)
        self._doc_width = width
        if self._message is not None:
            self.virtual_size = Size(width, 0)
        else:
            self.virtual_size = Size(width, self._doc.height)
        self._compute_find()
        self._update_highlights()
        if self._pending_scroll is not None:
            target: float = self._pending_scroll
            self._pending_scroll = None
        elif keep_position and old_doc is not None and old_doc.height:
            target = round(old_y * self._doc.height / old_doc.height)
        else:
            target = old_y
        self.scroll_to(y=target, animate=False, immediate=True, force=True)
        self.refresh()

    def _render_doc(self, width: int) -> RenderedDoc:
        """The rows for the message, or the article's header plus body."""
        meta = self._meta_styles
        if self._message is not None or self._article is None:
            return render_runs([(self._message or "", meta["message"])], width, align="center")
        article = self._article
        header = self._render_header(article, width)
        pre = self._prerendered
        if pre is not None and pre[0] is article.body and pre[1] == width and pre[2] == self._styles:
            body = pre[3]
        elif article.body.strip():
            body = render_markdown(article.body, width, self._styles)
        else:
            body = render_runs([(EMPTY_BODY_MESSAGE, meta["message"])], width)
        self._located = locate_all(body.blocks, self._passages)
        body = with_notes(body, self._located, meta["note"], width)
        notes = [note_doc(h.note, meta["note"], width) for h in self._passages if h.is_article_note and h.note.strip()]
        return join_docs([header, *notes, body], gap=1)

    def _render_header(self, article: Article, width: int) -> RenderedDoc:
        """Title, subtitle, "source · author · date", link, tags and a rule."""
        meta = self._meta_styles
        top = [render_runs([(article.title or article.path, meta["title"])], width)]
        if article.subtitle.strip():
            top.append(render_runs([(article.subtitle.strip(), meta["subtitle"])], width))
        details: list[RenderedDoc] = []
        parts = [part for part in (article.source, article.author, format_date(article.date)) if part]
        if parts:
            runs: list[tuple[str, Style | None]] = []
            for index, part in enumerate(parts):
                if index:
                    runs.append((" · ", meta["meta"]))
                runs.append((part, meta["meta"]))
            details.append(render_runs(runs, width))
        if article.link:
            details.append(
                render_runs([("Link: ", meta["label"]), (article.link, self._styles.link, article.link)], width)
            )
        if article.tags:
            details.append(self._render_tags(article, width))
        blocks = [join_docs(top)]
        if details:
            blocks.append(join_docs(details))
        header = join_docs(blocks, gap=1)
        return join_docs([header, render_rule(width, self._styles.rule)])

    def _render_tags(self, article: Article, width: int) -> RenderedDoc:
        """The tag chips: all of them when unfolded (``T``), else at most two rows."""
        meta = self._meta_styles
        labels = tag_labels(article.tags)
        hidden = 0
        if not self._tags_expanded:
            labels, hidden = fit_rows(folded_labels(labels), width)
        tag_runs: list[tuple[str, Style | None] | tuple[str, Style | None, str | None]] = []
        for index, label in enumerate(labels):
            if index:
                tag_runs.append((" ", None))
            tag_runs.append((chip(label), meta["tag"]))
        if hidden:
            tag_runs += [(" ", None), (chip(more_label(hidden)), meta["label"], EXPAND_HREF)]
        elif self._tags_expanded and fit_rows(folded_labels(tag_labels(article.tags)), width)[1]:
            tag_runs += [(" ", None), (chip("T folds the tags"), meta["label"], EXPAND_HREF)]
        return render_runs(tag_runs, width)

    def action_toggle_tags(self) -> None:
        """Show every tag of the header, or fold them back to two rows."""
        self._tags_expanded = not self._tags_expanded
        if self._article is not None:
            self._rebuild()

    def render_line(self, y: int) -> Strip:
        """Slice one cached row: highlights and the widget's base style, cropped to the width."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        doc = self._doc
        if doc is None:
            return Strip.blank(width, base)
        scroll_x, scroll_y = self.scroll_offset
        if self._message is not None:
            row = y - max(0, (self.scrollable_content_region.height - doc.height) // 2)
        else:
            row = scroll_y + y
        if not 0 <= row < doc.height:
            return Strip.blank(width, base)
        strip = self._row_cache.get(row)
        if strip is None:
            strip = doc.lines[row]
            ranges = self._highlights.get(row)
            if ranges:
                strip = _apply_ranges(strip, ranges)
            strip = strip.apply_style(base)
            self._row_cache[row] = strip
        margin = self._margin()
        if margin:
            return Strip.join([Strip.blank(margin, base), strip]).crop_extend(scroll_x, scroll_x + width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    # -- styles -------------------------------------------------------------------------------

    def _component(self, name: str) -> Style:
        """A component's own style, with colours blended like Textual blends them.

        The partial style keeps only what the component declares (so emphasis inside a code
        block keeps the code background); its colours come from the full style because the
        partial one ignores alpha (``$primary 20%`` would otherwise be solid ``$primary``).
        """
        full = self.get_component_rich_style(f"article-view--{name}")
        partial = self.get_component_rich_style(f"article-view--{name}", partial=True)
        return partial + Style(
            color=full.color if partial.color is not None else None,
            bgcolor=full.bgcolor if partial.bgcolor is not None else None,
        )

    def _load_styles(self) -> bool:
        """Read the component styles; return True if they changed."""
        component = self._component
        styles = MarkdownStyles(
            h1=component("h1"),
            h2=component("h2"),
            h3=component("h3"),
            h4=component("h4"),
            h5=component("h5"),
            h6=component("h6"),
            emphasis=component("emphasis"),
            strong=component("strong"),
            code_inline=component("code-inline"),
            code_block=component("code-block"),
            link=component("link"),
            quote=component("quote"),
            quote_bar=component("quote-bar"),
            bullet=component("bullet"),
            table_header=component("table-header"),
            table_border=component("table-border"),
            rule=component("rule"),
            image=component("image"),
            strike=component("strike"),
            highlight=component("highlight"),
            highlight_current=component("highlight-current"),
            code_theme=self._code_theme,
        )
        meta = {
            "title": component("meta-title"),
            "subtitle": component("meta-subtitle"),
            "meta": component("meta"),
            "label": component("meta-label"),
            "tag": component("tag"),
            "message": component("message"),
            "passage": component("passage"),
            "selection": component("selection"),
            "note": component("note"),
        }
        changed = styles != self._styles or meta != self._meta_styles or not self._styles_ready
        self._styles, self._meta_styles, self._styles_ready = styles, meta, True
        return changed

    def notify_style_update(self) -> None:
        """CSS changed (theme switch, tcss reload): re-read component styles soon."""
        super().notify_style_update()
        self._row_cache.clear()
        if self.is_attached and not self._styles_check_pending:
            self._styles_check_pending = True
            self.call_later(self._check_styles)

    def _check_styles(self) -> None:
        self._styles_check_pending = False
        if self._load_styles() and self._doc is not None:
            self._rebuild()
        else:
            self._update_highlights()
            self.refresh()

    # -- find and highlights ------------------------------------------------------------------

    def _clear_find(self) -> None:
        self._find_pattern = ""
        self._find_regex = None
        self._find_matches = []
        self._find_index = -1

    def _search(self, regex: re.Pattern[str]) -> list[_Match]:
        """All matches of ``regex`` in the plain rows, as cell ranges (rows never join)."""
        doc = self._doc
        if doc is None or self._message is not None:
            return []
        if self._searchable is None:
            starts: list[int] = []
            offset = 0
            for text in doc.plain:
                starts.append(offset)
                offset += len(text) + 1
            self._searchable = ("\n".join(doc.plain).replace("\xa0", " "), starts)
        joined, starts = self._searchable
        plain = doc.plain
        matches: list[_Match] = []
        for match in regex.finditer(joined):
            if match.end() == match.start():
                continue
            row = bisect_right(starts, match.start()) - 1
            text = plain[row]
            start = match.start() - starts[row]
            end = min(match.end() - starts[row], len(text))
            if not text.isascii():
                start, end = cell_len(text[:start]), cell_len(text[:end])
            matches.append((row, start, end))
        return matches

    def _compute_find(self) -> None:
        if self._find_regex is None:
            self._find_matches = []
            self._find_index = -1
            return
        self._find_matches = self._search(self._find_regex)
        if not self._find_matches:
            self._find_index = -1
        elif self._find_index >= len(self._find_matches):
            self._find_index = len(self._find_matches) - 1

    def _step_find(self, step: int) -> None:
        if not self._find_matches:
            return
        if self._find_index < 0:
            self._find_index = 0 if step > 0 else len(self._find_matches) - 1
        else:
            self._find_index = (self._find_index + step) % len(self._find_matches)
        self._update_highlights()
        self._scroll_to_row(self._find_matches[self._find_index][0])

    def _update_highlights(self) -> None:
        """Rebuild the per-row highlight ranges: search terms, then find matches, then current."""
        styles = self._styles
        highlights: dict[int, list[tuple[int, int, Style]]] = {}
        doc = self._doc
        if doc is not None and self._message is None:
            for _highlight, span in self._located:
                if span is not None:
                    for row, start, end in span_cells(doc, span):
                        highlights.setdefault(row, []).append((start, end, self._meta_styles["passage"]))
        if self._terms is not None:
            for row, start, end in self._search(self._terms):
                highlights.setdefault(row, []).append((start, end, styles.highlight))
        for index, (row, start, end) in enumerate(self._find_matches):
            style = styles.highlight_current if index == self._find_index else styles.highlight
            highlights.setdefault(row, []).append((start, end, style))
        if doc is not None and self._selection is not None and self._message is None:
            for row, start, end in span_cells(doc, self._selection):
                highlights.setdefault(row, []).append((start, end, self._meta_styles["selection"]))
        self._highlights = highlights
        self._row_cache.clear()
        self.refresh()

    def _scroll_to_row(self, row: int) -> None:
        """Scroll so ``row`` is visible, a third from the top if it was off screen."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not top <= row < top + max(1, height):
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True, force=True)

    # -- events and actions -------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changed (height changes need nothing)."""
        if self._wrap_width() != self._doc_width:
            self._rebuild(keep_position=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Restart the debounce timer that reports the reading position."""
        super().watch_scroll_y(old_value, new_value)
        if self._article is None or not self.is_attached:
            return
        if self._scroll_timer is not None:
            self._scroll_timer.stop()
        self._scroll_timer = self.set_timer(SCROLL_REPORT_DELAY, self._report_scroll)

    def _report_scroll(self) -> None:
        self._scroll_timer = None
        if self._article is None:
            return
        position = (self._article.path, round(self.scroll_y))
        if position != self._reported:
            self._reported = position
            self.post_message(self.Scrolled(self, *position))

    def on_click(self, event: events.Click) -> None:
        """Post :class:`LinkClicked` for a click on a link."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        href = self.link_at(offset.y + round(self.scroll_y), offset.x - self._margin() + round(self.scroll_x))
        if href == EXPAND_HREF:
            event.stop()
            self.action_toggle_tags()
        elif href:
            event.stop()
            self.post_message(self.LinkClicked(self, href, self._article.path if self._article else None))

    def action_line_up(self) -> None:
        if self._extend(-1):
            return
        self.scroll_to(y=self.scroll_y - 1, animate=False, immediate=True, force=True)

    def action_line_down(self) -> None:
        if self._extend(1):
            return
        self.scroll_to(y=self.scroll_y + 1, animate=False, immediate=True, force=True)

    def action_page_down_now(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + step, animate=False, immediate=True, force=True)

    def action_page_up_now(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y - step, animate=False, immediate=True, force=True)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def action_next_heading(self) -> None:
        """Scroll the next heading below the top row to the top."""
        top = round(self.scroll_y)
        for row, _level, _text in self.headings:
            if row > top:
                self.scroll_to_row(row)
                return

    def action_previous_heading(self) -> None:
        """Scroll the last heading above the top row to the top."""
        top = round(self.scroll_y)
        for row, _level, _text in reversed(self.headings):
            if row < top:
                self.scroll_to_row(row)
                return
        self.scroll_to_row(0)


def _words_regex(text: str) -> re.Pattern[str] | None:
    """A case-insensitive regex matching any of the whitespace-separated words (longest first)."""
    words = sorted({word for word in text.split() if word}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _apply_ranges(strip: Strip, ranges: list[tuple[int, int, Style]]) -> Strip:
    """Lay highlight styles over cell ranges of a strip (later ranges win where they overlap)."""
    length = strip.cell_length
    cuts = sorted({cut for start, end, _ in ranges for cut in (start, end) if 0 < cut < length} | {length})
    pieces = strip.divide(cuts)
    out: list[Strip] = []
    position = 0
    for piece, cut in zip(pieces, cuts, strict=False):
        style: Style | None = None
        for start, end, range_style in ranges:
            if start <= position and cut <= end:
                style = range_style if style is None else style + range_style
        out.append(piece if style is None else Strip(_post_style(piece, style), piece.cell_length))
        position = cut
    return Strip.join(out)


def _post_style(strip: Strip, style: Style) -> list[Segment]:
    """Segments of ``strip`` with ``style`` laid on top (a highlight beats the text's own colours)."""
    return list(Segment.apply_style(iter(strip), post_style=style))
