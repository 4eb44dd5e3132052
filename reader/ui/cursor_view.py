"""A Line-API list with a keyboard cursor: what the article list and the tag tree share.

Subclasses keep their rows however they like, say how many there are (``row_count``) and
draw one (``render_line``); this class moves the cursor, keeps it on screen and sizes the
scrollable area.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import reactive

from reader.ui.movement import movement_bindings
from reader.ui.steady_scroll import SteadyScrollView


class CursorView(SteadyScrollView, can_focus=True):
    """A virtualised list of rows with a cursor row."""

    BINDINGS: ClassVar[list[BindingType]] = movement_bindings(
        "cursor_down", "cursor_up", "first", "last", "page(1)", "page(-1)", arrows=True
    )

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Index of the highlighted row."""

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def rows_changed(self) -> None:
        """Call after replacing the rows: resizes the scrollable area."""
        self.virtual_size = Size(self.size.width, self.row_count)

    def validate_cursor(self, value: int) -> int:
        count = self.row_count
        return max(0, min(value, count - 1)) if count else 0

    def watch_cursor(self) -> None:
        self.scroll_cursor_into_view()
        self.refresh()

    def scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def row_at(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse, if there is one."""
        row = int(self.scroll_y) + event.y
        return row if 0 <= row < self.row_count else None

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.row_count)
        self.scroll_cursor_into_view()
