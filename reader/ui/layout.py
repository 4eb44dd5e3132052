"""Which panes show at which terminal width, and the keys that fold them.

At 80×24 (most terminals, every fresh ssh login) three side-by-side panes leave the article a
dozen columns, so the layout follows the width:

* wide (``WIDE_FROM`` columns and more): sidebar, list and article side by side;
* medium: the sidebar folds away (``backslash`` brings it back);
* narrow (under ``MEDIUM_FROM``): one pane at a time, the one with the focus: the list, and
  ``enter`` reads the article full width; ``escape`` goes back to the list, cursor kept;
* maximised (``z``, any width): the article alone.

The state is a handful of CSS classes on the ``#panes`` container (styles/reader.tcss says
what each hides), so the widgets keep their state and the list its cursor whatever shows.
"""

from __future__ import annotations

from typing import Literal

from textual.widget import Widget

Mode = Literal["wide", "medium", "narrow"]

WIDE_FROM = 140
"""From this many columns up, all three panes show."""
MEDIUM_FROM = 100
"""From this many columns up (and under ``WIDE_FROM``), list and article show side by side."""

_MODE_CLASSES = {"wide": "-wide", "medium": "-medium", "narrow": "-narrow"}
SHORT_UNDER = 30
"""Under this many rows the terminal is short (60×20, 80×24): what sits under the article
(related and linking articles) keeps to a few rows so the text keeps the screen."""


def layout_mode(width: int) -> Mode:
    """The layout for a terminal ``width`` columns wide."""
    if width >= WIDE_FROM:
        return "wide"
    if width >= MEDIUM_FROM:
        return "medium"
    return "narrow"


class PaneLayout:
    """The fold state of the three panes, written as classes on their container.

    ``focused`` says which pane has the focus ("tags", "list" or "article"): in the narrow
    layout that is the one pane on screen.
    """

    def __init__(self, panes: Widget) -> None:
        self.panes = panes
        self.mode: Mode = "wide"
        self.sidebar = False
        """The sidebar was asked for (``backslash``) while the layout folds it."""
        self.maximized = False
        self.focused = "list"
        self.short = False

    def apply(self, width: int, height: int = SHORT_UNDER) -> Mode:
        """Set the classes for a ``width`` × ``height`` terminal (call on every resize); return the mode."""
        self.mode = layout_mode(width)
        self.short = height < SHORT_UNDER
        self._write()
        return self.mode

    def focus_moved(self, pane: str) -> None:
        """Follow the focus: in the narrow layout the focused pane is the one shown."""
        self.focused = pane
        if pane == "tags":
            self.sidebar = True
        self._write()

    def toggle_sidebar(self) -> bool:
        """Show or fold the sidebar; return whether it is now shown."""
        self.sidebar = not self.sidebar_shown
        self.maximized = False
        self._write()
        return self.sidebar

    def toggle_maximized(self) -> bool:
        """Give the article the whole width, or give the other panes back; return the new state."""
        self.maximized = not self.maximized
        self._write()
        return self.maximized

    @property
    def sidebar_shown(self) -> bool:
        """Whether the tag sidebar is on screen."""
        if self.maximized:
            return False
        if self.mode == "narrow":
            return self.focused == "tags"
        return self.mode == "wide" or self.sidebar

    @property
    def article_shown(self) -> bool:
        """Whether the article pane is on screen."""
        return self.maximized or self.mode != "narrow" or self.focused == "article"

    @property
    def list_shown(self) -> bool:
        """Whether the article list is on screen."""
        if self.maximized:
            return False
        return self.mode != "narrow" or self.focused == "list"

    def _write(self) -> None:
        """Set the panes' classes in one change each way: every class added or removed
        restyles everything below the panes, so a first layout that set them one at a time
        restyled the whole screen once per class it added."""
        wanted = {
            **{name: mode == self.mode for mode, name in _MODE_CLASSES.items()},
            "-short": self.short,
            "-no-sidebar": not self.sidebar_shown,
            "-no-list": not self.list_shown,
            "-no-article": not self.article_shown,
            "-article-only": self.maximized or (self.mode == "narrow" and self.article_shown),
        }
        panes = self.panes
        gone = [name for name, on in wanted.items() if not on and panes.has_class(name)]
        new = [name for name, on in wanted.items() if on and not panes.has_class(name)]
        if gone:
            panes.remove_class(*gone)
        if new:
            panes.add_class(*new)
