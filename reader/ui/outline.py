"""``t`` in the article: its headings as a nested list; ``enter`` jumps to one.

The headings come from the rendered document (row, level, text), so the jump lands on the row
the heading is drawn on at the current width. The list opens on the heading of the section
being read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.movement import MovementOptionList

Heading = tuple[int, int, str]
"""``(row, level, text)`` as :attr:`reader.ui.document_view.DocumentView.headings` gives them."""


def outline_rows(headings: Sequence[Heading]) -> list[Text]:
    """One line per heading, indented by its depth below the shallowest level of the article."""
    top = min((level for _row, level, _text in headings), default=1)
    rows = []
    for _row, level, text in headings:
        line = Text("  " * (level - top))
        line.append("▪ " if level > top else "■ ", style="dim")
        line.append(text, style="bold" if level == top else "")
        rows.append(line)
    return rows


def current_index(headings: Sequence[Heading], top_row: int) -> int:
    """The heading of the section holding ``top_row`` (the last one at or above it)."""
    index = 0
    for number, (row, _level, _text) in enumerate(headings):
        if row <= top_row:
            index = number
    return index


class OutlineScreen(ModalScreen[int | None]):
    """The article's headings; dismisses with the row of the one chosen (``None``: closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,t", "close", "Close")]

    DEFAULT_CSS = """
    OutlineScreen { align: center middle; }
    OutlineScreen > #outline-body {
        width: 80%; max-width: 100; height: 80%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    OutlineScreen #outline-list { height: 1fr; border: none; }
    """

    def __init__(self, headings: Sequence[Heading], top_row: int = 0, title: str = "") -> None:
        super().__init__()
        self.headings = list(headings)
        self.top_row = top_row
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="outline-body"):
            heading = Text("Outline", style="bold")
            if self.title_text:
                heading.append(f"  {self.title_text}", style="dim")
            yield Static(heading)
            if not self.headings:
                yield Static(Text("This article has no headings.", style="italic"))
            options = [Option(row) for row in outline_rows(self.headings)]
            yield MovementOptionList(*options, id="outline-list")
        yield Footer()

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.headings:
            option_list.highlighted = current_index(self.headings, self.top_row)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.headings[event.option_index][0])

    def action_close(self) -> None:
        self.dismiss(None)
