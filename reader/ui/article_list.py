"""The article list: a virtualised, keyboard-first list of article rows.

Textual's ``ListView``/``DataTable``/``OptionList`` build or measure every row up front
(55 s / 14 s / 5 s at library scale). This widget keeps only a list of article ids and
renders the rows that are on screen, on demand, through the Line API, so 100,000 rows cost
about as much as 50.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from reader.library.dates import column_date
from reader.library.model import Article
from reader.ui.cursor_view import CursorView

DRAFT_LABEL = "draft · "
"""Before a draft's title in the list (the title keeps the rest of the row)."""

DATE_WIDTH = 11


class ArticleList(CursorView, can_focus=True):
    """Rows of title, source and date for a list of article ids, with a cursor.

    The app sets :attr:`articles` (the whole library) and calls :meth:`set_ids` with the
    filtered, sorted ids; the widget never looks at files or queries.
    """

    BINDINGS = [Binding("enter", "select", "Read", show=False)]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--source",
        "article-list--date",
        "article-list--bookmark",
        "article-list--missing-date",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .article-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .article-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--read { color: $text-muted; }
        & > .article-list--source { color: $text-secondary; }
        & > .article-list--date { color: $text-muted; }
        & > .article-list--bookmark { color: $warning; text-style: bold; }
        & > .article-list--empty { color: $text-muted; text-style: italic; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to another article (or to none: ``article_id`` is ``None``).

        ``chosen``: the user moved it there; False when a new result put the cursor there.
        """

        def __init__(self, article_id: int | None, chosen: bool = True) -> None:
            self.article_id = article_id
            self.chosen = chosen
            super().__init__()

    class Selected(Message):
        """The user pressed enter (or clicked) on an article."""

        def __init__(self, article_id: int) -> None:
            self.article_id = article_id
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.articles: Sequence[Article] = ()
        self.ids: Sequence[int] = []
        self.bookmarked: Collection[int] = frozenset()
        self.read: Collection[int] = frozenset()
        self.empty_message = "No articles."
        self._last_posted: int | None = -1
        self.moved_by_user = False
        """Whether the last cursor move was the user's (a key, a click, a jump), not a new result."""
        self._app_moving = False

    # -- data from the app ---------------------------------------------------------------

    def set_ids(self, ids: Sequence[int], *, keep: int | None = None) -> None:
        """Show these article ids; keep the cursor on article ``keep`` if it is still listed."""
        self.ids = ids
        self.rows_changed()
        position = 0
        if keep is not None and ids:
            try:
                position = ids.index(keep) if len(ids) < 200_000 else 0
            except ValueError:
                # The article left the result: the old row number would land on an unrelated
                # (often the least relevant) match, so start from the top.
                position = 0
        self._last_posted = -1
        self._app_moving = True
        try:
            self.cursor = position
        finally:
            self._app_moving = False
        self.refresh()

    def set_marks(self, *, bookmarked: Collection[int], read: Collection[int]) -> None:
        self.bookmarked, self.read = bookmarked, read
        self.refresh()

    @property
    def current_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def select_id(self, article_id: int) -> bool:
        """Move the cursor to an article if it is listed."""
        try:
            self.cursor = self.ids.index(article_id)
        except ValueError:
            return False
        return True

    # -- cursor ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.ids)

    def watch_cursor(self) -> None:
        super().watch_cursor()
        article_id = self.current_id
        if article_id != self._last_posted:
            self._last_posted = article_id
            self.moved_by_user = not self._app_moving
            self.post_message(self.Highlighted(article_id, self.moved_by_user))

    def action_select(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Selected(self.current_id))

    async def _on_click(self, event: events.Click) -> None:
        row = self.row_at(event)
        if row is not None:
            was = self.cursor
            self.cursor = row
            if event.chain > 1 or was == row:
                self.post_message(self.Selected(self.ids[row]))

    # -- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.base_style
        row = int(self.scroll_y) + y
        if not self.ids:
            if y == 1:
                style = base + self.get_component_rich_style("article-list--empty")
                text = set_cell_size(f"  {self.empty_message}", width)
                return Strip([Segment(text, style)], width)
            return Strip.blank(width, base)
        if row >= len(self.ids):
            return Strip.blank(width, base)
        return self._render_row(self.ids[row], width, base, row == self.cursor)

    def _render_row(self, article_id: int, width: int, base: Style, is_cursor: bool) -> Strip:
        article = self.articles[article_id]
        get = self.get_component_rich_style
        is_read = article_id in self.read
        style = base + get("article-list--read" if is_read else "article-list--unread")
        source_style = base + get("article-list--source")
        date_style = base + get("article-list--date")
        mark_style = base + get("article-list--bookmark")
        if is_cursor:
            cursor = get("article-list--cursor")
            style, source_style, date_style, mark_style = (
                s + cursor for s in (style, source_style, date_style, mark_style)
            )
        # Two marks, so a bookmark does not hide whether the article is read: "•★", " ★", "• ".
        unread_mark = " " if is_read else "•"
        mark = "★" if article_id in self.bookmarked else " "
        date = column_date(article.date)
        show_source = width >= 56
        show_date = width >= 36
        source_width = min(18, max(8, width // 6)) if show_source else 0
        fixed = 3 + (source_width + 2 if show_source else 0) + (DATE_WIDTH + 1 if show_date else 0)
        # A draft (Hugo's draft: true, Jekyll's _drafts/) says so before its title.
        draft = DRAFT_LABEL if article.draft and width >= 36 else ""
        title_width = max(1, width - fixed - len(draft))
        title = set_cell_size(article.title, title_width)
        if cell_len(article.title) > title_width and title_width > 1:
            title = set_cell_size(article.title, title_width - 1) + "…"
        segments = [
            Segment(unread_mark, style),
            Segment(mark + " ", mark_style if mark == "★" else style),
            *([Segment(draft, date_style)] if draft else []),
            Segment(title, style),
        ]
        if show_source:
            source = article.source
            if cell_len(source) > source_width:
                source = set_cell_size(source, source_width - 1) + "…"
            segments.append(Segment("  " + set_cell_size(source, source_width), source_style))
        if show_date:
            segments.append(Segment(" " + date.rjust(DATE_WIDTH), date_style))
        return Strip(segments).adjust_cell_length(width, style)
