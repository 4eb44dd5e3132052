"""The top bar: the library's name and size, its problems, and what runs in the background."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.library.inert import make_inert
from reader.words import counted


class TopBar(Static):
    """One line: `` reader  clippings · 3,916 articles · 2 problems, press ! · indexing…``."""

    def show(
        self,
        name: str,
        *,
        articles: int | None = None,
        problems: int = 0,
        state_problem: str | None = None,
        background: str = "",
    ) -> None:
        """``articles`` is None while the library is loading (no count yet)."""
        text = Text()
        text.append(" reader ", style="bold reverse")
        # A folder name is untrusted text too: Textual passes ESC through to the terminal.
        text.append(f"  {make_inert(name)}", style="dim")
        if articles is not None:
            text.append(f"  ·  {counted(articles, 'article')}", style="dim")
            if problems:
                text.append(f"  ·  {counted(problems, 'problem')}, press !", style="yellow")
            if state_problem:
                text.append(f"  ·  {make_inert(state_problem)}", style="bold red")
        if background:
            text.append(f"  ·  {background}…", style="italic")
        self.update(text)
