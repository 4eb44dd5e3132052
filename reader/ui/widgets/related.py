"""Under the article: the five related articles, numbered for the keys ``1`` … ``5``."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from reader.library.model import Article


class RelatedPanel(Static):
    """One row per related article (``text-wrap: nowrap`` in the stylesheet: all five fit)."""

    def show(self, articles: Sequence[Article]) -> None:
        """Titles are rendered as plain ``Text`` (never markup); an empty list hides the panel."""
        self.display = bool(articles)
        if not articles:
            return
        text = Text()
        text.append("Related", style="bold")
        text.append("  press 1–5 to open\n", style="dim")
        for n, article in enumerate(articles, 1):
            text.append(f" {n} ", style="bold reverse")
            text.append(f" {article.title}", style="")
            when = article.date.strftime("%d %b %Y") if article.date else ""
            details = " · ".join(part for part in (article.source, when) if part)
            if details:
                text.append(f"  {details}", style="dim")
            text.append("\n")
        text.rstrip()
        self.update(text)
