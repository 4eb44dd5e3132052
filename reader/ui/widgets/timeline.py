"""The sparkline under the status line: the current filter's articles per month."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from reader.library.timeline import sparkline


class TimelineBar(Static):
    """`` 2019-03 ▁▂▅█▃ 2021-12``: first and last month, one bar per month or group of months."""

    def show(self, counts: Sequence[tuple[str, int]], fallback_width: int = 60) -> None:
        """``fallback_width``: the room to assume before this bar has been laid out."""
        if not counts:
            self.update(Text(" no dated articles", style="dim"), layout=False)
            return
        first, last = counts[0][0], counts[-1][0]
        room = max(4, (self.size.width or fallback_width) - len(first) - len(last) - 4)
        text = Text(f" {first} ", style="dim")
        text.append(sparkline(list(counts), room), style="bold")
        text.append(f" {last}", style="dim")
        self.update(text, layout=False)  # one line whatever it says (height: 1): no re-layout
