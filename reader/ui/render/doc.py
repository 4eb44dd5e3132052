"""A rendered document: rows as lazily built strips, with where its links, headings and blocks are.

What the renderer produces and the widget slices. Documents compose (:func:`join_docs`,
:func:`split_doc`) so the header, notes and body can be rendered separately and stacked.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, overload

from rich.segment import Segment
from textual.strip import Strip

__all__ = ["BlockSpan", "LinkSpan", "RenderedDoc", "StripList", "join_docs", "split_doc"]


class LinkSpan(NamedTuple):
    """Where a link sits on screen. A link wrapped over two rows gives two spans."""

    row: int
    start_col: int
    """First cell (inclusive)."""
    end_col: int
    """Last cell (exclusive)."""
    href: str


class BlockSpan(NamedTuple):
    """Where one text block (paragraph, list item paragraph, heading, code, table) sits on screen.

    ``text`` is the block's plain text with whitespace collapsed: the same at every width, so a
    highlight anchored on it survives a resize or a narrower terminal.
    """

    start_row: int
    end_row: int
    """Exclusive."""
    text: str
    kind: str = "text"
    """``"text"``, ``"heading"`` or ``"image"`` (a paragraph of images only): what a reader
    would select as a passage is ``"text"``."""


class StripList(Sequence[Strip]):
    """Rows as strips, built on first access.

    Building a ``Strip`` costs ~15 µs (it allocates its caches), which is most of the render
    time of a long article; the widget only ever looks at the rows on screen.
    """

    __slots__ = ("_segments", "_strips", "_widths")

    def __init__(self, segments: list[list[Segment]] | None = None, widths: list[int] | None = None) -> None:
        self._segments: list[list[Segment]] = segments if segments is not None else []
        self._widths: list[int] = widths if widths is not None else []
        self._strips: list[Strip | None] = [None] * len(self._segments)

    def __len__(self) -> int:
        return len(self._segments)

    @overload
    def __getitem__(self, index: int) -> Strip: ...

    @overload
    def __getitem__(self, index: slice) -> list[Strip]: ...

    def __getitem__(self, index: int | slice) -> Strip | list[Strip]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        strip = self._strips[index]
        if strip is None:
            strip = self._strips[index] = Strip(self._segments[index], self._widths[index])
        return strip

    def cell_width(self, index: int) -> int:
        """Width of a row in cells, without building its strip."""
        return self._widths[index]

    def extend(self, other: StripList) -> None:
        """Append another document's rows (used by :func:`join_docs`)."""
        self._segments.extend(other._segments)
        self._widths.extend(other._widths)
        self._strips.extend(other._strips)

    def append_blank(self, count: int = 1) -> None:
        """Append empty rows."""
        for _ in range(count):
            self._segments.append([])
            self._widths.append(0)
            self._strips.append(None)


@dataclass
class RenderedDoc:
    """A document wrapped to one width: everything the widget needs, precomputed."""

    lines: StripList
    """One strip per screen row (built lazily); no strip is wider than :attr:`width`."""
    plain: list[str]
    """The text of each row, exactly the strip's text (so a character offset maps to cells)."""
    links: list[LinkSpan]
    """Every link span, sorted by row then column (reading order)."""
    headings: list[tuple[int, int, str]]
    """``(row, level, text)`` for a table of contents."""
    width: int
    link_hrefs: list[str] = field(default_factory=list)
    """One href per logical link in reading order (a link wrapped over rows counts once)."""
    blocks: list[BlockSpan] = field(default_factory=list)
    """The text blocks of a Markdown body in reading order (what a highlight selects)."""

    @property
    def height(self) -> int:
        """Number of rows."""
        return len(self.lines)

    def link_at(self, row: int, col: int) -> str | None:
        """The href of the link covering cell ``(row, col)``, if any."""
        links = self.links
        index = bisect_right(links, (row, col, 1 << 62, "\uffff"))
        while index > 0:
            index -= 1
            span = links[index]
            if span.row != row:
                return None
            if span.start_col <= col < span.end_col:
                return span.href
        return None


def split_doc(doc: RenderedDoc, row: int) -> tuple[RenderedDoc, RenderedDoc]:
    """The rows above ``row`` and the rest, as two documents (to slip rows in between)."""
    row = max(0, min(row, doc.height))
    lines = doc.lines
    top, bottom = StripList(), StripList()
    top._segments, top._widths, top._strips = lines._segments[:row], lines._widths[:row], lines._strips[:row]
    bottom._segments, bottom._widths = lines._segments[row:], lines._widths[row:]
    bottom._strips = lines._strips[row:]

    def part(first: int, last: int, strips: StripList) -> RenderedDoc:
        links = [span._replace(row=span.row - first) for span in doc.links if first <= span.row < last]
        hrefs = list(dict.fromkeys(span.href for span in links))
        return RenderedDoc(
            strips,
            doc.plain[first:last],
            links,
            [(r - first, level, text) for r, level, text in doc.headings if first <= r < last],
            doc.width,
            hrefs,
            [
                b._replace(start_row=b.start_row - first, end_row=b.end_row - first)
                for b in doc.blocks
                if first <= b.start_row < last
            ],
        )

    return part(0, row, top), part(row, doc.height, bottom)


def join_docs(docs: Sequence[RenderedDoc], *, gap: int = 0) -> RenderedDoc:
    """Stack documents, with ``gap`` blank rows between non-empty ones (rows and links shift)."""
    lines = StripList()
    plain: list[str] = []
    links: list[LinkSpan] = []
    headings: list[tuple[int, int, str]] = []
    hrefs: list[str] = []
    blocks: list[BlockSpan] = []
    width = max((doc.width for doc in docs), default=1)
    for doc in docs:
        if not len(doc.lines):
            continue
        if plain and gap:
            lines.append_blank(gap)
            plain.extend([""] * gap)
        offset = len(plain)
        lines.extend(doc.lines)
        plain.extend(doc.plain)
        links.extend(span._replace(row=span.row + offset) for span in doc.links)
        headings.extend((row + offset, level, text) for row, level, text in doc.headings)
        hrefs.extend(doc.link_hrefs)
        blocks.extend(b._replace(start_row=b.start_row + offset, end_row=b.end_row + offset) for b in doc.blocks)
    return RenderedDoc(lines, plain, links, headings, width, hrefs, blocks)
