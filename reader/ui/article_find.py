"""Find in the article and search-term highlighting, over one rendered document's plain rows.

Pure state (no widget): :class:`Finder` keeps the pattern, its matches as cell ranges and the
current one; the article pane asks it for ranges to paint and rows to scroll to. Matching is
per row (rows never join), on the row text that is exactly the strip's text, so a character
offset maps straight to cells.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from reader.ui.render import RenderedDoc

Match = tuple[int, int, int]
"""(row, start cell, end cell)."""
Ranges = dict[int, list[tuple[int, int, Style]]]
"""Per row: cell ranges to lay a style over."""


class Finder:
    """The search terms (highlighted) and the find pattern (stepped through) of one article."""

    def __init__(self) -> None:
        self.terms: re.Pattern[str] | None = None
        self.regex: re.Pattern[str] | None = None
        self.matches: list[Match] = []
        self.index = -1
        self._searchable: tuple[str, list[int]] | None = None

    def set_terms(self, text: str | None) -> None:
        """Whitespace-separated words to highlight everywhere (the list's search words)."""
        self.terms = words_regex(text or "")

    def clear(self) -> None:
        """Forget the find pattern (a new article)."""
        self.regex = None
        self.matches = []
        self.index = -1

    def new_document(self) -> None:
        """The rows changed (new article, width or styles): the joined text is stale."""
        self._searchable = None

    def search(self, doc: RenderedDoc, regex: re.Pattern[str]) -> list[Match]:
        """All matches of ``regex`` in the plain rows, as cell ranges."""
        if self._searchable is None:
            starts: list[int] = []
            offset = 0
            for text in doc.plain:
                starts.append(offset)
                offset += len(text) + 1
            self._searchable = ("\n".join(doc.plain).replace("\xa0", " "), starts)
        joined, starts = self._searchable
        plain = doc.plain
        matches: list[Match] = []
        for match in regex.finditer(joined):
            if match.end() == match.start():
                continue
            row = bisect_right(starts, match.start()) - 1
            text = plain[row]
            start = match.start() - starts[row]
            end = min(match.end() - starts[row], len(text))
            if not text.isascii():
                start, end = cell_len(text[:start]), cell_len(text[:end])
            matches.append((row, start, end))
        return matches

    def recompute(self, doc: RenderedDoc | None) -> None:
        """Matches of the current pattern on a re-rendered document (the index kept in range)."""
        if self.regex is None or doc is None:
            self.matches, self.index = [], -1
            return
        self.matches = self.search(doc, self.regex)
        if not self.matches:
            self.index = -1
        elif self.index >= len(self.matches):
            self.index = len(self.matches) - 1

    def find(self, doc: RenderedDoc | None, pattern: str, top: int) -> int | None:
        """Start finding ``pattern`` (literal, any case); the row of the first match at or below
        ``top`` (wrapping to the first), ``None`` when nothing matches."""
        pattern = pattern.replace("\n", " ")
        self.regex = re.compile(re.escape(pattern), re.IGNORECASE) if pattern else None
        self.index = -1
        self.recompute(doc)
        if not self.matches:
            return None
        index = bisect_left([match[0] for match in self.matches], top)
        self.index = index if index < len(self.matches) else 0
        return self.matches[self.index][0]

    def step(self, step: int) -> int | None:
        """Make the next (``1``) or previous (``-1``) match current, wrapping; its row."""
        if not self.matches:
            return None
        if self.index < 0:
            self.index = 0 if step > 0 else len(self.matches) - 1
        else:
            self.index = (self.index + step) % len(self.matches)
        return self.matches[self.index][0]

    def ranges(self, doc: RenderedDoc | None, highlight: Style, current: Style, into: Ranges) -> None:
        """Add the search terms' and the find matches' ranges to ``into`` (current one last)."""
        if self.terms is not None and doc is not None:
            for row, start, end in self.search(doc, self.terms):
                into.setdefault(row, []).append((start, end, highlight))
        for index, (row, start, end) in enumerate(self.matches):
            into.setdefault(row, []).append((start, end, current if index == self.index else highlight))


def words_regex(text: str) -> re.Pattern[str] | None:
    """A case-insensitive regex matching any of the whitespace-separated words (longest first)."""
    words = sorted({word for word in text.split() if word}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def apply_ranges(strip: Strip, ranges: list[tuple[int, int, Style]]) -> Strip:
    """Lay highlight styles over cell ranges of a strip (later ranges win where they overlap)."""
    length = strip.cell_length
    cuts = sorted({cut for start, end, _ in ranges for cut in (start, end) if 0 < cut < length} | {length})
    pieces = strip.divide(cuts)
    out: list[Strip] = []
    position = 0
    for piece, cut in zip(pieces, cuts, strict=False):
        style: Style | None = None
        for start, end, range_style in ranges:
            if start <= position and cut <= end:
                style = range_style if style is None else style + range_style
        out.append(piece if style is None else Strip(_post_style(piece, style), piece.cell_length))
        position = cut
    return Strip.join(out)


def _post_style(strip: Strip, style: Style) -> list[Segment]:
    """Segments of ``strip`` with ``style`` laid on top (a highlight beats the text's own colours)."""
    return list(Segment.apply_style(iter(strip), post_style=style))
