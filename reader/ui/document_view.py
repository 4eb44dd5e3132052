"""The scrolling, styling half of the article pane: a document of pre-wrapped rows on the Line API.

:class:`DocumentView` knows nothing of articles: it renders whatever :meth:`_render_doc` gives
at the wrap width (a centred reading column), reads its styles from the theme (declared once in
:mod:`reader.ui.render.styles`), slices rows in :meth:`render_line` with per-row highlight
ranges, and scrolls by line, page and heading. :class:`reader.ui.article_view.ArticleView` adds
the article, find, passages and links on top.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from reader.library.link_targets import slug
from reader.ui.article_find import Ranges, apply_ranges
from reader.ui.render import MarkdownStyles, RenderedDoc
from reader.ui.render.highlight import DEFAULT_THEME
from reader.ui.render.styles import COMPONENT_CLASSES, component_css, load_styles
from reader.ui.steady_scroll import SteadyScrollView

READING_WIDTH = 100
"""Default widest line of article text: longer lines are tiring to read; the column is centred."""


class DocumentView(SteadyScrollView, can_focus=True):
    """A scrollable, themed document of pre-rendered rows (the article pane's machinery)."""

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
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = COMPONENT_CLASSES

    DEFAULT_CSS = """
    DocumentView {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
""" + component_css("DocumentView")

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._message: str | None = None
        """A centred plain message shown instead of a document (``None``: the document)."""
        self._doc: RenderedDoc | None = None
        self._doc_width = 0
        self._styles = MarkdownStyles()
        self._styles_ready = False
        self._styles_check_pending = False
        self._pending_scroll: int | None = None
        self._row_cache: dict[int, Strip] = {}
        self._highlights: Ranges = {}
        self._reading_width = READING_WIDTH
        self._code_theme: str | None = DEFAULT_THEME

    @property
    def settled(self) -> bool:
        """Rendered at the current width with the current styles (no re-read of the theme
        pending): what a screenshot or a test waits for, instead of sleeping."""
        return not self._styles_check_pending and self._styles_ready and self._doc_width == self._wrap_width()

    def _render_doc(self, width: int) -> RenderedDoc:
        """The rows to show at ``width`` (subclasses render their content)."""
        raise NotImplementedError

    def _rendered(self) -> None:
        """The document was (re)rendered: refresh what depends on its rows."""
        self._update_highlights()

    def _decorate(self, row: int, strip: Strip) -> Strip:
        """A last, uncached touch to a row as it is drawn (the article's link hints)."""
        return strip

    def _update_highlights(self) -> None:
        """Recompute :attr:`_highlights` (none here) and redraw."""
        self._row_cache.clear()
        self.refresh()

    def scroll_to_heading(self, name: str) -> bool:
        """Put the heading named ``name`` (its text, or its slug as a ``#fragment`` writes it) at
        the top; False when the document has no such heading."""
        wanted = slug(name.lstrip("#"))
        for row, _level, text in self.headings:
            if slug(text) == wanted:
                self.scroll_to_row(row)
                return True
        return False

    def action_line_up(self) -> None:
        self._scroll_by(-1)

    def action_line_down(self) -> None:
        self._scroll_by(1)

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
    def wrap_width(self) -> int:
        """The width bodies are wrapped to (0 before the first layout)."""
        return self._wrap_width()

    def link_at(self, row: int, col: int) -> str | None:
        """The href of the link at document ``row`` / cell ``col``, if any."""
        if self._doc is None or self._message is not None:
            return None
        return self._doc.link_at(row, col)

    def scroll_to_row(self, row: int) -> None:
        """Put document ``row`` at the top of the view (e.g. a heading from :attr:`headings`)."""
        self.scroll_to(y=max(0, row), animate=False, immediate=True, force=True)

    def _searchable_doc(self) -> RenderedDoc | None:
        """The document when it is an article (a message has nothing to find or select)."""
        return self._doc if self._message is None else None

    def _wrap_width(self) -> int:
        """The width the document is wrapped to: the content area minus the scrollbar gutter."""
        width = self.scrollable_content_region.width
        return min(width, self._reading_width) if self._reading_width else width

    def _margin(self) -> int:
        """Blank cells left of the text column, which is centred in a pane wider than it."""
        if self._searchable_doc() is None:
            return 0
        return max(0, (self.scrollable_content_region.width - self._doc_width) // 2)

    def _rebuild(self, *, keep_position: bool = False) -> None:
        """(Re)render the document for the current width and styles, keeping caches coherent."""
        width = self._wrap_width()
        old_doc, old_y = self._doc, self.scroll_y
        self._row_cache.clear()
        if width <= 0:  # not laid out yet: on_resize renders
            self._doc = None
            self._doc_width = 0
            self.virtual_size = Size(0, 0)
            self.refresh()
            return
        if not self._styles_ready:
            self._load_styles()
        self._doc = None  # the old article's rows are not held while the new one renders
        self._doc = self._render_doc(width)
        self._doc_width = width
        self.virtual_size = Size(width, 0 if self._message is not None else self._doc.height)
        self._rendered()
        if self._pending_scroll is not None:
            target: float = self._pending_scroll
            self._pending_scroll = None
        elif keep_position and old_doc is not None and old_doc.height:
            target = round(old_y * self._doc.height / old_doc.height)
        else:
            target = old_y
        self.scroll_to(y=target, animate=False, immediate=True, force=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Slice one cached row: highlights and the widget's base style, cropped to the width."""
        width = self.scrollable_content_region.width
        base = self.base_style
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
                strip = apply_ranges(strip, ranges)
            strip = strip.apply_style(base)
            self._row_cache[row] = strip
        strip = self._decorate(row, strip)
        margin = self._margin()
        if margin:
            return Strip.join([Strip.blank(margin, base), strip]).crop_extend(scroll_x, scroll_x + width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _component(self, name: str) -> Style:
        """A component's own style, with colours blended like Textual blends them.

        The partial style keeps only what the component declares (so emphasis inside a code
        block keeps the code background); its colours come from the full style because the
        partial one ignores alpha (``$primary 20%`` would otherwise be solid ``$primary``).
        """
        full = self.get_component_rich_style(name)
        partial = self.get_component_rich_style(name, partial=True)
        return partial + Style(
            color=full.color if partial.color is not None else None,
            bgcolor=full.bgcolor if partial.bgcolor is not None else None,
        )

    def _load_styles(self) -> bool:
        """Read the component styles; return True if they changed."""
        styles = load_styles(self._component, self._code_theme)
        changed = styles != self._styles or not self._styles_ready
        self._styles, self._styles_ready = styles, True
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

    def _scroll_to_row(self, row: int) -> None:
        """Scroll so ``row`` is visible, a third from the top if it was off screen."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not top <= row < top + max(1, height):
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True, force=True)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changed (height changes need nothing)."""
        if self._wrap_width() != self._doc_width:
            self._rebuild(keep_position=True)

    def _scroll_by(self, rows: float) -> None:
        self.scroll_to(y=self.scroll_y + rows, animate=False, immediate=True, force=True)

    def action_page_down_now(self) -> None:
        self._scroll_by(max(1, self.scrollable_content_region.height - 1))

    def action_page_up_now(self) -> None:
        self._scroll_by(-max(1, self.scrollable_content_region.height - 1))

    def action_top(self) -> None:
        self.scroll_to_row(0)

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
