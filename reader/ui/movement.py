"""The main screen's movement keys for every other list and scrollable screen.

``j k g G ctrl+d ctrl+u`` move in the article list and the tag tree (:mod:`cursor_view`); a
reader who learnt them there expects them in ``?`` help, the problems screen, the bookmarks
and the highlights too. Textual's own widgets already answer the arrows, home/end and pages.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList

MOVEMENT_KEYS = frozenset({"j", "k", "g", "G"})
"""Printable keys that move rather than type (a screen that sends letters to a filter skips these)."""


def movement_bindings(
    down: str, up: str, top: str, bottom: str, page_down: str, page_up: str, *, arrows: bool = False
) -> list[BindingType]:
    """The list keys ``j`` ``k`` ``g`` ``G`` ``ctrl+d`` ``ctrl+u`` bound to a widget's own actions.

    ``arrows``: the arrows, ``home`` and ``end`` too (for a widget that does not bind them itself).
    One list, so every list, tree and screen of the app moves with the same keys.
    """
    extra = {"j": "down,", "k": "up,", "g": "home,", "G": "end,"} if arrows else {}
    return [
        Binding(f"{extra.get(key, '')}{key}", action, description, show=False)
        for key, action, description in (
            ("j", down, "Down"),
            ("k", up, "Up"),
            ("g", top, "Top"),
            ("G", bottom, "Bottom"),
            ("ctrl+d", page_down, "Page down"),
            ("ctrl+u", page_up, "Page up"),
        )
    ]


class MovementScroll(VerticalScroll):
    """A scrolling body (help, problems) that answers the list keys as well as the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = movement_bindings(
        "scroll_down", "scroll_up", "scroll_home", "scroll_end", "page_down", "page_up"
    )


class MovementOptionList(OptionList):
    """An option list (bookmarks, highlights) that answers the list keys as well as the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = movement_bindings(
        "cursor_down", "cursor_up", "first", "last", "page_down", "page_up"
    )
