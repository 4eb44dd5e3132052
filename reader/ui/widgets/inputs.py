"""The text boxes: the two one-line bars, the filter (``/``) and find in the article
(``ctrl+f``), and the box of every prompt (:class:`TextBox`).

The bars only say what the user asked for (``Leave``, ``Step``, ``Close``); the screen runs the
search, so neither bar knows about the other panes. Leaving a bar moves the focus to
``leave_to`` (set by the screen) at once, not when the message arrives: keys typed in the same
burst (``escape j``, ``enter G k b``) are already queued at the bar, and must reach the pane,
not the text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class TypedAhead(events.Key):
    """A key the app passed on to the text box that has the focus (``ReaderApp.on_key``).

    Every key that reaches the app while a text box has the focus goes back to that box's
    queue, behind the keys queued there already, so a burst keeps its order: ``/word`` ⏎
    ``j`` ⏎ types ``word``, leaves the bar, moves, opens. A key the box does not take comes
    back to the app as this type, and goes to the bindings of wherever the focus is then.
    It is still a key for every handler (``on_key``), not a message of its own."""


TypedAhead.handler_name = events.Key.handler_name  # Message names it after the class otherwise


class PastedAhead(events.Paste):
    """A paste the app passed on to the text box that has the focus, as :class:`TypedAhead`
    for keys: ``/`` and a paste in one burst put the paste in the filter, not nowhere."""


PastedAhead.handler_name = events.Paste.handler_name


class TextBox(Input):
    """A text box whose keys keep their order and follow the focus, even within one burst.

    A key bound to an action here (``backspace``, ``enter``: submit) runs its action when the
    box comes to it, between the characters typed before and after it; left to bubble up to
    the app's bindings, it ran after them (``note⏎jb`` saved the note ``notejb``). A key that
    arrives once the focus has moved on (the box was left, its prompt closed) is passed on."""

    LEAVE_KEYS: ClassVar[tuple[str, ...]] = ()
    """Keys that leave the box at once (:meth:`leave`)."""

    async def on_key(self, event: events.Key) -> None:
        """Runs before ``Input``'s own key handling (``prevent_default`` skips it)."""
        plain = escape_then(event) if "escape" in self.LEAVE_KEYS else None
        if self.app.focused is not self:
            # Queued here before the focus moved on: not typed into this box; it bubbles on
            # and the bindings of wherever the focus is now take it.
            event.prevent_default()
            if plain is not None:
                event.key = event.character = plain
        elif event.key in self.LEAVE_KEYS:
            event.stop()
            event.prevent_default()
            self.leave()
        elif plain is not None:
            # A terminal sends escape and a key typed right behind it (over SSH, or tmux) as
            # one sequence, ESC j, which reads as alt+j: in a bar that types nothing of its own,
            # so it is escape, then the key, which goes on to the pane the focus moved to.
            event.prevent_default()
            event.key = event.character = plain
            self.leave()
        elif not event.is_printable and await run_binding(self.app, event.key):
            event.stop()
            event.prevent_default()

    def leave(self) -> None:
        raise NotImplementedError


async def run_binding(app: App[Any], key: str) -> bool:
    """Run the action ``key`` is bound to where the focus is now, as Textual's bindings would
    once the key reached the app; ``False`` when it is bound to nothing enabled."""
    bound = app.screen.active_bindings.get(key)
    if bound is None or not bound.enabled:
        return False
    await app.run_action(bound.binding.action, bound.node)
    return True


def escape_then(event: events.Key) -> str | None:
    """The letter or digit of ``alt+j``/``alt+shift+g`` (what ESC j and ESC G read as), else None."""
    character = event.character
    if event.key.startswith("alt+") and character and len(character) == 1 and character.isalnum():
        return character
    return None


class BarInput(TextBox):
    """A one-line bar: leaving it moves the focus to :attr:`leave_to` and tells the screen."""

    LEAVE_KEYS: ClassVar[tuple[str, ...]] = ("escape",)
    leave_to: Widget | None = None
    """Where the focus goes when the user leaves the bar (the screen sets it)."""

    def leave_message(self) -> Message:
        raise NotImplementedError

    def leave(self) -> None:
        """Move the focus now, then tell the screen.

        The message goes to the screen's queue at once rather than bubbling: keys queued here
        behind the leaving one (``enter G``) bubble up through the same containers, so the
        screen must see the leave (and apply the filter) before they reach the list."""
        if self.leave_to is not None:
            self.screen.set_focus(self.leave_to)
        self.screen.post_message(self.leave_message())


class FilterInput(BarInput):
    """The filter bar. ``escape`` and ``enter`` hand focus back to the list and keep the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", show=True),
        Binding("down", "leave", "Back to list", show=False),
    ]
    LEAVE_KEYS = ("escape", "down", "enter")

    class Leave(Message):
        """The user is done typing: back to the list, the filter kept."""

    def leave_message(self) -> Message:
        return self.Leave()

    def action_leave(self) -> None:
        self.leave()

    async def action_submit(self) -> None:
        """``enter`` leaves the bar like ``escape`` (the filter applies as it is typed)."""
        self.leave()

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
        self.leave()

    def show_position(self, index: int, count: int) -> None:
        """``index`` (0-based) of ``count`` matches, in the border; nothing while empty."""
        if not self.value:
            self.border_subtitle = ""
        elif count:
            self.border_subtitle = f"{index + 1}/{count}"
        else:
            self.border_subtitle = "no matches"
