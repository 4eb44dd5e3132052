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


class MovementScroll(VerticalScroll):
    """A scrolling body (help, problems) that answers the list keys as well as the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("ctrl+d", "page_down", "Page down", show=False),
        Binding("ctrl+u", "page_up", "Page up", show=False),
    ]


class MovementOptionList(OptionList):
    """An option list (bookmarks, highlights) that answers the list keys as well as the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "Top", show=False),
        Binding("G", "last", "Bottom", show=False),
        Binding("ctrl+d", "page_down", "Page down", show=False),
        Binding("ctrl+u", "page_up", "Page up", show=False),
    ]
