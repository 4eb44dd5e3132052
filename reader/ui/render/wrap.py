"""Word wrap: styled pieces of text → screen rows, in cells, with link columns kept.

The hot loop of rendering (every word of an article passes here once per width), so it works
on character offsets with an ASCII fast path and builds no ``Strip``: rows are plain segment
lists until the widget shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

__all__ = ["Piece", "Row", "blank_row", "chop", "crop_row", "indent_row", "wrap"]


class Row:
    """One screen row while rendering: segments plus what the document needs to know."""

    __slots__ = ("blank", "block", "heading", "links", "segments", "text", "width")

    def __init__(self, segments: list[Segment], text: str, width: int) -> None:
        self.segments = segments
        self.text = text
        self.width = width
        self.links: list[list[int]] = []  # [start_col, end_col, link_id]
        self.heading: tuple[int, str] | None = None
        self.blank = False
        self.block: tuple[str, int, str] | None = None  # on a block's first row: (text, row count, kind)


def blank_row() -> Row:
    row = Row([], "", 0)
    row.blank = True
    return row


WORD_RE = re.compile(r"[^ ]+ *| +")


def chop(text: str, start: int, end: int, width: int, ascii_only: bool) -> list[int]:
    """End offsets of pieces of ``text[start:end]`` that are each at most ``width`` cells."""
    width = max(1, width)
    if ascii_only:
        return [*range(start + width, end, width), end]
    cuts: list[int] = []
    used = 0
    for offset in range(start, end):
        size = get_character_cell_size(text[offset])
        if used + size > width and used:
            cuts.append(offset)
            used = 0
        used += size
    cuts.append(end)
    return cuts


def break_words(text: str, width: int, ascii_only: bool) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) character offsets of each row, trailing spaces dropped.

    Only ASCII spaces break, so a no-break space keeps a tag chip whole; a word longer than
    the width is hard-split.
    """
    bounds: list[tuple[int, int]] = []
    line_start = line_end = line_width = pending = 0
    for match in WORD_RE.finditer(text):
        chunk = match.group()
        word = chunk.rstrip(" ")
        word_start = match.start()
        if not word:  # a run of spaces only at the start of the text
            if line_end > line_start:
                pending += len(chunk)
            else:
                line_start = line_end = match.end()
            continue
        word_end = word_start + len(word)
        cells = len(word) if ascii_only else cell_len(word)
        if line_end > line_start:
            if line_width + pending + cells <= width:
                line_width += pending + cells
                line_end = word_end
                pending = len(chunk) - len(word)
                continue
            bounds.append((line_start, line_end))
        if cells <= width:
            line_start, line_end, line_width = word_start, word_end, cells
        else:
            piece_start = word_start
            for cut in chop(text, word_start, word_end, width, ascii_only):
                if cut == word_end:
                    line_start, line_end = piece_start, word_end
                    piece = text[piece_start:word_end]
                    line_width = len(piece) if ascii_only else cell_len(piece)
                else:
                    bounds.append((piece_start, cut))
                    piece_start = cut
        pending = len(chunk) - len(word)
    if line_end > line_start:
        bounds.append((line_start, line_end))
    return bounds


Piece = tuple[str, Style, int]
"""Text, resolved style, link id."""


def wrap_line(pieces: Sequence[Piece], width: int) -> list[Row]:
    """Wrap one line of styled pieces (no newlines) to ``width`` cells."""
    text = "".join(piece[0] for piece in pieces)
    if not text.strip(" "):
        return [Row([], "", 0)]
    ascii_only = text.isascii()
    total = len(text) if ascii_only else cell_len(text)
    if total <= width:
        bounds = [(0, len(text.rstrip(" ")))]
        if text[0] == " ":
            stripped = len(text) - len(text.lstrip(" "))
            bounds = [(stripped, bounds[0][1])]
    else:
        bounds = break_words(text, width, ascii_only)
    # Piece boundaries in character offsets.
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece[0])
    rows: list[Row] = []
    piece_index = 0
    count = len(pieces)
    for row_start, row_end in bounds:
        segments: list[Segment] = []
        links: list[list[int]] = []
        col = 0
        while piece_index < count:
            piece_start = starts[piece_index]
            piece_text, style, link = pieces[piece_index]
            piece_end = piece_start + len(piece_text)
            if piece_end <= row_start:
                piece_index += 1
                continue
            if piece_start >= row_end:
                break
            start = max(row_start, piece_start)
            stop = min(row_end, piece_end)
            if start < stop:
                chunk = text[start:stop]
                cells = stop - start if ascii_only else cell_len(chunk)
                segments.append(Segment(chunk, style))
                if link >= 0:
                    if links and links[-1][2] == link and links[-1][1] == col:
                        links[-1][1] = col + cells
                    else:
                        links.append([col, col + cells, link])
                col += cells
            if piece_end > row_end:
                break
            piece_index += 1
        row = Row(segments, text[row_start:row_end], col)
        row.links = links
        rows.append(row)
    return rows


def wrap(pieces: Sequence[Piece], width: int, align: str = "left") -> list[Row]:
    """Wrap styled pieces, honouring hard breaks (a ``"\\n"`` piece), and align each row."""
    rows: list[Row] = []
    line: list[Piece] = []
    for piece in pieces:
        if piece[0] == "\n":
            rows.extend(wrap_line(line, width))
            line = []
        else:
            line.append(piece)
    rows.extend(wrap_line(line, width))
    if align != "left":
        for row in rows:
            spare = width - row.width
            if spare > 0 and row.segments:
                indent_row(row, " " * (spare // 2 if align == "center" else spare), None)
    return rows


def indent_row(row: Row, text: str, style: Style | None, cells: int | None = None) -> None:
    """Put ``text`` in front of a row, shifting its link columns."""
    if not text:
        return
    width = len(text) if cells is None else cells
    row.segments.insert(0, Segment(text, style))
    row.text = text + row.text
    row.width += width
    for link in row.links:
        link[0] += width
        link[1] += width


def crop_row(row: Row, width: int) -> None:
    """Cut a row that is too wide (tables at tiny widths) to ``width`` cells, ending in "…"."""
    keep = max(0, width - 1)
    strip = Strip(row.segments, row.width).crop(0, keep)
    segments = list(strip)
    last_style = segments[-1].style if segments else None
    segments.append(Segment("…" if width >= 1 else "", last_style))
    row.segments = segments
    row.text = "".join(segment.text for segment in segments)
    row.width = cell_len(row.text)
    row.links = [[start, min(end, keep), link] for start, end, link in row.links if start < keep]
