"""Under the article: its related articles, then the articles linking to it, numbered for ``1`` … ``9``."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from reader.library.dates import display_date
from reader.library.model import Article


class RelatedPanel(Static):
    """One row per listed article (``text-wrap: nowrap`` in the stylesheet: every row fits)."""

    def show(self, related: Sequence[Article], linked_from: Sequence[Article] = ()) -> None:
        """Titles are rendered as plain ``Text`` (never markup); nothing to list hides the panel.

        The numbers run on from the related articles into the linking ones, so one key row
        (``1`` … ``9``) opens any of them.
        """
        self.display = bool(related or linked_from)
        if not self.display:
            return
        text = Text()
        number = 0
        for heading, articles in (("Related", related), ("Linked from", linked_from)):
            if not articles:
                continue
            if number:
                text.append("\n")
            text.append(heading, style="bold")
            first, last = number + 1, number + len(articles)
            keys = f"{first}" if first == last else f"{first}–{last}"
            text.append(f"  press {keys} to open\n", style="dim")
            for article in articles:
                number += 1
                text.append(f" {number} ", style="bold reverse")
                text.append(f" {article.title}", style="")
                when = display_date(article.date, with_time=False)
                details = " · ".join(part for part in (article.source, when) if part)
                if details:
                    text.append(f"  {details}", style="dim")
                text.append("\n")
        text.rstrip()
        self.update(text)
