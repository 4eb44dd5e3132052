"""``f`` in the article: a letter on every visible link; typing it follows that link.

Pure functions of a rendered document: which links are on screen, their labels (home-row
letters first; two letters when there are more links than letters, so no label is a prefix of
another), and the strip with a label drawn over the start of its link.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from reader.ui.render import LinkSpan, RenderedDoc

LETTERS = "asdfghjklqwertyuiopzxcvbnm"
"""Home row first: the letters a reader types without looking."""


def hint_labels(count: int) -> list[str]:
    """``count`` labels, none a prefix of another."""
    if count <= len(LETTERS):
        return list(LETTERS[:count])
    return [first + second for first in LETTERS for second in LETTERS][:count]


def visible_links(doc: RenderedDoc, top: int, height: int) -> list[LinkSpan]:
    """The first on-screen span of each link between rows ``top`` and ``top + height``.

    A link wrapped onto the next row continues at column 0 with the same href: one hint.
    """
    spans: list[LinkSpan] = []
    previous: LinkSpan | None = None
    for span in doc.links:
        if span.row >= top + height:
            break
        continued = (
            previous is not None
            and previous.href == span.href
            and span.row == previous.row + 1
            and span.start_col == 0
        )
        if span.row >= top and not continued:
            spans.append(span)
        previous = span
    return spans


def assign(spans: Sequence[LinkSpan]) -> dict[str, LinkSpan]:
    """Label → link span, in reading order."""
    return dict(zip(hint_labels(len(spans)), spans, strict=True))


def draw_label(strip: Strip, col: int, label: str, style: Style) -> Strip:
    """``strip`` with ``label`` written over its cells from ``col`` (it stays as wide)."""
    end = min(strip.cell_length, col + len(label))
    if end <= col:
        return strip
    before, _covered, after = strip.divide([col, end, strip.cell_length])
    return Strip.join([before, Strip([Segment(label[: end - col], style)], end - col), after])


class LinkHints:
    """The hints on show and what has been typed of a label (the pane's key handling asks it)."""

    def __init__(self) -> None:
        self.hints: dict[str, LinkSpan] | None = None
        self.typed = ""

    @property
    def active(self) -> bool:
        return self.hints is not None

    def start(self, doc: RenderedDoc | None, top: int, height: int) -> bool:
        """Label the links in view; False when there is none."""
        spans = [] if doc is None else visible_links(doc, top, height)
        self.hints, self.typed = (assign(spans), "") if spans else (None, "")
        return bool(spans)

    def stop(self) -> None:
        self.hints, self.typed = None, ""

    def type(self, key: str, character: str | None) -> str | None:
        """Feed one key: the href when it completes a label; ``None`` otherwise (the hints stop
        unless the key began a longer label)."""
        hints = self.hints or {}
        typed = self.typed + (character or "")
        if key == "escape" or not character or not any(label.startswith(typed) for label in hints):
            self.stop()
            return None
        span = hints.get(typed)
        if span is None:
            self.typed = typed
            return None
        self.stop()
        return span.href

    def decorate(self, row: int, strip: Strip, style: Style) -> Strip:
        """``strip`` (document row ``row``) with the rest of each matching label drawn on it."""
        for label, span in (self.hints or {}).items():
            if span.row == row and label.startswith(self.typed):
                strip = draw_label(strip, span.start_col, label[len(self.typed) :], style)
        return strip
