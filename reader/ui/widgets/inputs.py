"""The two one-line bars: the filter (``/``) and find in the article (``ctrl+f``).

They only say what the user asked for (``Leave``, ``Step``, ``Close``); the screen moves the
focus and runs the search, so neither bar knows about the other panes.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """The filter bar. ``escape`` hands focus back to the list and keeps the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", show=True),
        Binding("down", "leave", "Back to list", show=False),
    ]

    class Leave(Message):
        """The user is done typing: back to the list, the filter kept."""

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def set_text(self, text: str) -> None:
        """Replace the filter text, the cursor at its end (where the next word goes)."""
        self.value = text
        self.cursor_position = len(text)


class FindInput(Input):
    """The in-article find bar (ctrl+f); its border shows "3/12" or "no matches"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close find", show=True),
        # Many terminals send shift+enter as plain enter: up/down work everywhere.
        Binding("shift+enter,up", "previous", "Previous match", show=True),
        Binding("down", "next", "Next match", show=False),
    ]

    class Step(Message):
        """Go to the next (``forward``) or the previous match."""

        def __init__(self, forward: bool) -> None:
            self.forward = forward
            super().__init__()

    class Close(Message):
        """Close the bar and drop the matches."""

    def action_next(self) -> None:
        self.post_message(self.Step(True))

    def action_previous(self) -> None:
        self.post_message(self.Step(False))

    def action_close(self) -> None:
        self.post_message(self.Close())

    def show_position(self, index: int, count: int) -> None:
        """``index`` (0-based) of ``count`` matches, in the border; nothing while empty."""
        if not self.value:
            self.border_subtitle = ""
        elif count:
            self.border_subtitle = f"{index + 1}/{count}"
        else:
            self.border_subtitle = "no matches"
