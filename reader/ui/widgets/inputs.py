"""The two one-line bars: the filter (``/``) and find in the article (``ctrl+f``).

They only say what the user asked for (``Leave``, ``Step``, ``Close``); the screen runs the
search, so neither bar knows about the other panes. Leaving a bar moves the focus to
``leave_to`` (set by the screen) at once, not when the message arrives: keys typed in the same
burst (``escape j``) are already queued at the bar, and must reach the pane, not the text.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class BarInput(Input):
    """A one-line bar whose keys follow the focus, even within one burst of keys."""

    LEAVE_KEYS: ClassVar[tuple[str, ...]] = ("escape",)
    leave_to: Widget | None = None
    """Where the focus goes when the user leaves the bar (the screen sets it)."""

    def leave_message(self) -> Message:
        raise NotImplementedError

    async def on_key(self, event: events.Key) -> None:
        """Runs before ``Input``'s own key handling (``prevent_default`` skips it)."""
        if self.screen.focused is not self:
            # Queued here before the focus moved on: not typed into this bar; it bubbles on
            # and the bindings of wherever the focus is now take it.
            event.prevent_default()
        elif event.key in self.LEAVE_KEYS:
            event.stop()
            event.prevent_default()
            if self.leave_to is not None:
                self.screen.set_focus(self.leave_to)
            self.post_message(self.leave_message())


class FilterInput(BarInput):
    """The filter bar. ``escape`` hands focus back to the list and keeps the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", show=True),
        Binding("down", "leave", "Back to list", show=False),
    ]
    LEAVE_KEYS = ("escape", "down")

    class Leave(Message):
        """The user is done typing: back to the list, the filter kept."""

    def leave_message(self) -> Message:
        return self.Leave()

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def set_text(self, text: str) -> None:
        """Replace the filter text, the cursor at its end (where the next word goes)."""
        self.value = text
        self.cursor_position = len(text)


class FindInput(BarInput):
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

    def leave_message(self) -> Message:
        return self.Close()

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
