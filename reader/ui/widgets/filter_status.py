"""The line under the filter bar: how many articles match, the sort, and the query's mistakes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from reader.library.inert import make_inert


class FilterStatus(Static):
    """``12 of 3,916 articles · sort: relevance``, then one ``⚠`` line per error in the query."""

    _tall = True
    """Whether the last text may have taken more than one line (an error, a message)."""

    def show(self, shown: int, total: int, sort: str, errors: Sequence[str] = ()) -> None:
        """A new count re-lays out the screen only when the line count may change: a layout
        repaints every widget whose region it touches, and typing shows a count per key."""
        text = Text()
        text.append(f"{shown:,} of {total:,} articles", style="bold")
        text.append(f" · sort: {sort}", style="dim")
        for error in errors:  # each on its own line, wrapped: never cut off
            text.append("\n⚠ ", style="bold yellow")
            text.append(make_inert(error), style="yellow")  # errors quote what was typed
        tall = bool(errors)
        self.update(text, layout=tall or self._tall)
        self._tall = tall

    def show_message(self, message: str) -> None:
        """A line of its own, while there is nothing to count (loading)."""
        self.update(Text(message, style="italic"))
        self._tall = True
