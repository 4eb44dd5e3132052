"""The article pane: one article (header + Markdown body) on a :class:`DocumentView`.

Rendering, styles and scrolling are :mod:`reader.ui.document_view`'s; this widget adds the
article itself and what a reader does in it. Messages for the app:

* :class:`ArticleView.LinkClicked` — a click on a link (nothing is opened here);
* :class:`ArticleView.Scrolled` — the reading position settled (0.5 s debounce), to remember it;
* :class:`ArticleView.PassageChosen` — ``enter`` on a selection: save it as a highlight.

Find and search terms live in :mod:`reader.ui.article_find`; highlights (saved passages,
:meth:`set_passages`) and the selection being made (``v``, then ``j``/``k`` by block) are drawn
from :mod:`reader.ui.passages`; storing them is the app's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer

from reader.state.highlights import plain_text, quote
from reader.ui.article_find import Finder, Ranges
from reader.ui.document_view import READING_WIDTH, DocumentView
from reader.ui.header_tags import EXPAND_HREF
from reader.ui.link_hints import LinkHints
from reader.ui.outline import OutlineScreen
from reader.ui.passages import (
    Located,
    Span,
    blocks_span,
    extend_blocks,
    first_block_in_view,
    locate_all,
    note_doc,
    overlapping,
    passage_row,
    sentence_span,
    span_cells,
    with_notes,
)
from reader.ui.render import MarkdownStyles, RenderedDoc, join_docs, render_markdown, render_runs
from reader.ui.render.header import EMPTY_BODY_MESSAGE, render_body, render_header

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.state.highlights import Highlight

__all__ = ["EMPTY_BODY_MESSAGE", "NO_ARTICLE_MESSAGE", "READING_WIDTH", "ArticleView"]

NO_ARTICLE_MESSAGE = "No article selected"
SCROLL_REPORT_DELAY = 0.5
"""Seconds the scroll position must stay put before :class:`ArticleView.Scrolled` is posted."""


class ViewMessage(Message):
    """A message from the article pane; its ``control`` is the pane (for ``@on`` selectors)."""

    def __init__(self, view: ArticleView) -> None:
        super().__init__()
        self.view = view

    @property
    def control(self) -> ArticleView:
        return self.view


class ArticleView(DocumentView):
    """Shows one article (metadata header + Markdown body), fast and scrollable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save_selection", "Save highlight"),
        Binding("escape", "cancel_selection", "Cancel selection"),
        Binding("t", "outline", "Outline"),
        Binding("f", "link_hints", "Follow link"),
    ]

    class Scrolled(ViewMessage):
        """The user scrolled an article and the position stayed put for half a second."""

        def __init__(self, view: ArticleView, article_path: str, scroll_y: int) -> None:
            super().__init__(view)
            self.article_path = article_path
            self.scroll_y = scroll_y

    class PassageChosen(ViewMessage):
        """``enter`` on a selection: the app saves ``(prefix, exact, suffix)`` as a highlight."""

        def __init__(self, view: ArticleView, article: Article, prefix: str, exact: str, suffix: str) -> None:
            super().__init__(view)
            self.article = article
            self.prefix, self.exact, self.suffix = prefix, exact, suffix

    class LinkClicked(ViewMessage):
        """A link was clicked or chosen by its hint (``f``). The app decides what to do with
        ``href`` (a library file, ``wikilink:Note#Heading``, http…); nothing is opened here."""

        def __init__(self, view: ArticleView, href: str, article_path: str | None) -> None:
            super().__init__(view)
            self.href = href
            self.article_path = article_path

    def __init__(self, **options: Any) -> None:
        """``options``: the widget's ``name``, ``id``, ``classes``, ``disabled``."""
        super().__init__(**options)
        self._article: Article | None = None
        self._message = NO_ARTICLE_MESSAGE
        self._finder = Finder()
        self._scroll_timer: Timer | None = None
        self._reported: tuple[str, int] | None = None
        self._prerendered: tuple[str, int, MarkdownStyles, RenderedDoc] | None = None
        self._passages: list[Highlight] = []
        self._located: list[Located] = []
        self._selection: Span | None = None
        self._sel_blocks: tuple[int, int] | None = None
        """(anchor, head) indices into ``_doc.blocks`` while selecting by block."""
        self._tags_expanded = False
        self._hints = LinkHints()

    @property
    def article(self) -> Article | None:
        """The article on show, or ``None`` (nothing, or a message)."""
        return self._article

    @property
    def find_count(self) -> int:
        """Number of matches of the current :meth:`find` pattern."""
        return len(self._finder.matches)

    @property
    def find_index(self) -> int:
        """0-based index of the current match, ``-1`` when there is none (show ``index + 1``)."""
        return self._finder.index

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
        self._prerendered = None
        if rendered_body is not None and article is not None:
            self._prerendered = (article.body, rendered_body.width, self._styles, rendered_body)
        if article is None or self._article is None or article.path != self._article.path:
            self._tags_expanded = False
        self._article = article
        self._message = NO_ARTICLE_MESSAGE if article is None else None
        self._finder.set_terms(highlight)
        self._finder.clear()
        self._selection = self._sel_blocks = None
        self._reported = (article.path, max(0, scroll_y)) if article is not None else None
        self._pending_scroll = max(0, scroll_y)
        self._rebuild()

    def render_body(self, text: str, width: int) -> RenderedDoc:
        """Render a body as :meth:`show` would, without touching the widget: safe to call from a
        worker thread, so a very long article can be prepared off the UI thread."""
        return render_markdown(text, width, self._styles)

    def set_message(self, text: str) -> None:
        """Show a centred plain message instead of an article (e.g. "No articles match")."""
        self._article = None
        self._message = text
        self._prerendered = None
        self._finder.set_terms(None)
        self._finder.clear()
        self._reported = None
        self._pending_scroll = 0
        self._rebuild()

    def find(self, pattern: str) -> int:
        """Highlight every case-insensitive literal occurrence of ``pattern``; return the count.

        The current match becomes the first one at or below the top of the view, scrolled into
        view. An empty pattern clears the search.
        """
        row = self._finder.find(self._searchable_doc(), pattern, round(self.scroll_y))
        if row is not None:
            self._scroll_to_row(row)
        self._update_highlights()
        return self.find_count

    def find_next(self) -> None:
        """Make the next match current (wrapping around) and scroll to it."""
        self._step_find(1)

    def find_previous(self) -> None:
        """Make the previous match current (wrapping around) and scroll to it."""
        self._step_find(-1)

    def _step_find(self, step: int) -> None:
        row = self._finder.step(step)
        if row is not None:
            self._update_highlights()
            self._scroll_to_row(row)

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
        return quote(plain_text([block.text for block in self._doc.blocks]), *self._selection)

    def highlight_at_selection(self) -> Highlight | None:
        """The saved highlight overlapping the selection (the one ``a`` annotates), if any."""
        return overlapping(self._located, self._selection)

    def scroll_to_passage(self, highlight_id: str) -> bool:
        """Bring a saved passage into view, a third from the top; False when it is not there."""
        row = None if self._doc is None else passage_row(self._doc, self._located, highlight_id)
        if row is not None:
            self.scroll_to_row(max(0, row - max(1, self.scrollable_content_region.height) // 3))
        return row is not None

    def select_first_block(self) -> bool:
        """``v``: select the first text block in view (the one at the top, or the first below it)."""
        doc = self._searchable_doc()
        if doc is None:
            return False
        top = round(self.scroll_y)
        pick = first_block_in_view(doc.blocks, top, top + max(1, self.scrollable_content_region.height))
        if pick is None:
            return False
        self._select_blocks(pick, pick)
        return True

    def select_match_sentence(self) -> bool:
        """``v`` while find has a current match: select the sentence holding it."""
        doc, finder = self._doc, self._finder
        if doc is None or finder.regex is None or not finder.matches:
            return False
        row, col, _end = finder.matches[max(0, finder.index)]
        span = sentence_span(doc, row, col, finder.regex)
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
        if self._doc is None or self._selection is None:
            return False
        anchor, head = extend_blocks(self._doc.blocks, self._selection, self._sel_blocks, step)
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

    def _rendered(self) -> None:
        self._finder.new_document()
        self._finder.recompute(self._searchable_doc())
        self._update_highlights()

    def _render_doc(self, width: int) -> RenderedDoc:
        """The rows for the message, or the article's header plus body."""
        styles = self._styles
        if self._message is not None or self._article is None:
            return render_runs([(self._message or "", styles.message)], width, align="center")
        article = self._article
        header = render_header(article, width, styles, fold_tags=not self._tags_expanded)
        pre = self._prerendered
        if pre is not None and pre[0] is article.body and pre[1] == width and pre[2] == styles:
            body = pre[3]
        else:
            body = render_body(article.body, width, styles)
        self._located = locate_all(body.blocks, self._passages)
        body = with_notes(body, self._located, styles.note, width)
        notes = [note_doc(h.note, styles.note, width) for h in self._passages if h.is_article_note and h.note.strip()]
        return join_docs([header, *notes, body], gap=1)

    def action_toggle_tags(self) -> None:
        """Show every tag of the header, or fold them back to two rows."""
        self._tags_expanded = not self._tags_expanded
        if self._article is not None:
            self._rebuild()

    def _update_highlights(self) -> None:
        """Rebuild the per-row highlight ranges: passages, search terms, find matches, selection."""
        styles = self._styles
        highlights: Ranges = {}
        doc = self._searchable_doc()
        if doc is not None:
            for _highlight, span in self._located:
                if span is not None:
                    for row, start, end in span_cells(doc, span):
                        highlights.setdefault(row, []).append((start, end, styles.passage))
        self._finder.ranges(doc, styles.highlight, styles.highlight_current, highlights)
        if doc is not None and self._selection is not None:
            for row, start, end in span_cells(doc, self._selection):
                highlights.setdefault(row, []).append((start, end, styles.selection))
        self._highlights = highlights
        self._row_cache.clear()
        self.refresh()

    def _watch_scroll_report(self, old_value: float, new_value: float) -> None:
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
        if not self._extend(-1):
            self._scroll_by(-1)

    def action_line_down(self) -> None:
        if not self._extend(1):
            self._scroll_by(1)

    # -- outline and link hints ---------------------------------------------------------------

    def action_outline(self) -> None:
        """``t``: the article's headings as a nested list; the one chosen scrolls to the top."""
        if self._article is None:
            return

        def jump(row: int | None) -> None:
            if row is not None:
                self.scroll_to_row(row)
                self.focus()

        title = self._article.title or self._article.path
        self.app.push_screen(OutlineScreen(self.headings, round(self.scroll_y), title), jump)

    def action_link_hints(self) -> None:
        """``f``: a letter on every link in view; typing it follows the link (``escape``: none)."""
        if self._hints.start(self._searchable_doc(), round(self.scroll_y), self.scrollable_content_region.height):
            self.refresh()
        else:
            self.notify("No link in view.", markup=False)

    @property
    def hint_labels(self) -> dict[str, str]:
        """Label → href of the link hints on show (empty when they are not up)."""
        return {label: span.href for label, span in (self._hints.hints or {}).items()}

    def on_key(self, event: events.Key) -> None:
        """While link hints are up every key belongs to them."""
        if not self._hints.active:
            return
        event.stop()
        event.prevent_default()
        href = self._hints.type(event.key, event.character)
        self.refresh()
        if href is not None:
            self.post_message(self.LinkClicked(self, href, self._article.path if self._article else None))

    def _decorate(self, row: int, strip: Strip) -> Strip:
        return self._hints.decorate(row, strip, self._styles.hint) if self._hints.active else strip

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Restart the debounce timer that reports the reading position; hints go (they were
        placed on the rows in view)."""
        if self._hints.active and round(old_value) != round(new_value):
            self._hints.stop()
        self._watch_scroll_report(old_value, new_value)
