"""Highlights on screen: from a stored quote to the rows and cells it covers, and back.

The article pane draws from a :class:`~reader.ui.render.RenderedDoc`, whose
``blocks`` give each paragraph's width-independent text and its rows. A highlight is a span of
the blocks' joined text (:func:`reader.state.highlights.plain_text`); here that span becomes
cell ranges on rows (by matching its words against the wrapped rows, which differ from the block
text only in whitespace, bullets and quote bars), and notes become rows slipped in under their
passage. Pure functions of a document: no widget state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.style import Style

from reader.library.inert import make_inert
from reader.state.highlights import Highlight, block_ranges, locate, plain_text, sentence_around
from reader.ui.render import BlockSpan, RenderedDoc, join_docs, render_markdown, render_runs, split_doc

Span = tuple[int, int]
Located = tuple[Highlight, Span | None]

_GAP = r"(?:\s|▌|↩)+"
"""What may stand between two words on screen and not in the text: wrapping, a quote bar."""


def body_blocks(body: str) -> list[str]:
    """The block texts of an article body (width independent) — what the CLI anchors against."""
    return [block.text for block in render_markdown(body, 80).blocks] if body.strip() else []


def passage_span(blocks: Sequence[str], highlight: Highlight) -> Span | None:
    """Where ``highlight``'s passage is among ``blocks`` now; ``None`` when it is gone."""
    if highlight.is_article_note:
        return None
    return locate(plain_text(list(blocks)), highlight.exact, highlight.prefix, highlight.suffix)


def locate_all(blocks: Sequence[BlockSpan], highlights: Sequence[Highlight]) -> list[Located]:
    texts = [block.text for block in blocks]
    return [(h, passage_span(texts, h)) for h in highlights if not h.is_article_note]


def blocks_span(blocks: Sequence[BlockSpan], first: int, last: int) -> Span:
    """The text span from block ``first`` to block ``last`` (inclusive, any order)."""
    first, last = min(first, last), max(first, last)
    ranges = block_ranges([block.text for block in blocks])
    return ranges[first][0], ranges[last][1]


def last_block_of(blocks: Sequence[BlockSpan], span: Span) -> int:
    """Index of the last block the span touches (a note goes under it)."""
    ranges = block_ranges([block.text for block in blocks])
    last = 0
    for index, (start, _end) in enumerate(ranges):
        if start < span[1]:
            last = index
    return last


def span_cells(doc: RenderedDoc, span: Span) -> list[tuple[int, int, int]]:
    """``(row, start cell, end cell)`` ranges drawing the text span on ``doc``'s rows."""
    blocks = doc.blocks
    out: list[tuple[int, int, int]] = []
    for block, (start, end) in zip(blocks, block_ranges([b.text for b in blocks]), strict=True):
        lo, hi = max(start, span[0]), min(end, span[1])
        if lo >= hi:
            continue
        out.extend(_cells_in_block(doc, block, block.text[lo - start : hi - start]))
    return out


def _cells_in_block(doc: RenderedDoc, block: BlockSpan, text: str) -> list[tuple[int, int, int]]:
    rows = range(block.start_row, block.end_row)
    words = text.split()
    joined = "\n".join(doc.plain[row] for row in rows).replace("\xa0", " ")
    found = re.search(_GAP.join(re.escape(word) for word in words), joined) if words else None
    if found is None:  # code chopped mid-word, a table: colour the block's rows whole
        return [(row, 0, doc.lines.cell_width(row)) for row in rows]
    out: list[tuple[int, int, int]] = []
    offset = 0
    for row in rows:
        row_text = doc.plain[row]
        row_start, row_end = offset, offset + len(row_text)
        offset = row_end + 1
        lo, hi = max(found.start(), row_start), min(found.end(), row_end)
        if lo < hi:
            a, b = lo - row_start, hi - row_start
            if not row_text.isascii():
                a, b = cell_len(row_text[:a]), cell_len(row_text[:b])
            out.append((row, a, b))
    return out


def with_notes(body: RenderedDoc, located: Sequence[Located], style: Style, width: int) -> RenderedDoc:
    """``body`` with each highlight's note shown on the rows right under its passage."""
    notes: dict[int, list[str]] = {}
    for highlight, span in located:
        if span is not None and highlight.note.strip():
            notes.setdefault(last_block_of(body.blocks, span), []).append(highlight.note)
    if not notes:
        return body
    parts: list[RenderedDoc] = []
    rest, consumed = body, 0
    for index in sorted(notes):
        cut = body.blocks[index].end_row - consumed
        top, rest = split_doc(rest, cut)
        consumed += cut
        parts.append(top)
        parts.extend(note_doc(note, style, width) for note in notes[index])
    parts.append(rest)
    return join_docs(parts)


def note_doc(note: str, style: Style, width: int) -> RenderedDoc:
    """A note as rows: a pen mark and the text, inert (it is user text)."""
    return render_runs([("✎ " + make_inert(note.strip()), style)], width)


def sentence_span(doc: RenderedDoc, row: int, col: int, pattern: re.Pattern[str]) -> Span | None:
    """The sentence holding the find match at ``row``/``col``: a text span for a selection."""
    blocks = doc.blocks
    ranges = block_ranges([b.text for b in blocks])
    for block, (start, _end) in zip(blocks, ranges, strict=True):
        if not block.start_row <= row < block.end_row:
            continue
        # Which occurrence of the pattern in this block is the current match: count those before it.
        before = 0
        for r in range(block.start_row, row + 1):
            text = doc.plain[r].replace("\xa0", " ")
            for match in pattern.finditer(text):
                cells = match.start() if text.isascii() else cell_len(text[: match.start()])
                if r < row or cells < col:
                    before += 1
        matches = list(pattern.finditer(block.text))
        if not matches:
            return None
        hit = matches[min(before, len(matches) - 1)]
        lo, hi = sentence_around(block.text, hit.start())
        return start + lo, start + hi
    return None


def first_block_in_view(blocks: Sequence[BlockSpan], top: int, bottom: int) -> int | None:
    """``v``: the text block at the top of the view, or the first below it (else the first one
    still reaching into the view); ``None`` when no text block is left."""
    candidates = [i for i, block in enumerate(blocks) if block.kind == "text" and block.end_row > top]
    if not candidates:
        return None
    pick = next((i for i in candidates if blocks[i].start_row >= top), candidates[0])
    return candidates[0] if blocks[pick].start_row >= bottom else pick


def block_of_offset(blocks: Sequence[BlockSpan], offset: int) -> int:
    """The index of the block holding character ``offset`` of the blocks' joined text."""
    start = 0
    for number, block in enumerate(blocks):
        if start <= offset < start + len(block.text) + 2:
            return number
        start += len(block.text) + 2
    return 0


def extend_blocks(
    blocks: Sequence[BlockSpan], selection: Span, by_blocks: tuple[int, int] | None, step: int
) -> tuple[int, int]:
    """The ``(anchor, head)`` blocks of a selection grown one text block down (``step`` > 0) or
    up; a sentence selection (``by_blocks`` is ``None``) grows from its own block."""
    if by_blocks is None:
        index = block_of_offset(blocks, selection[0])
        by_blocks = (index, index)
    anchor, head = by_blocks
    return anchor, next_text_block(blocks, head, step)


def overlapping(located: Sequence[Located], selection: Span | None) -> Highlight | None:
    """The saved highlight overlapping ``selection``, if any."""
    if selection is None:
        return None
    lo, hi = selection
    return next((h for h, span in located if span is not None and span[0] < hi and lo < span[1]), None)


def passage_row(doc: RenderedDoc, located: Sequence[Located], highlight_id: str) -> int | None:
    """The first row a saved passage is drawn on, ``None`` when it is not in the article now."""
    for highlight, span in located:
        if highlight.id == highlight_id and span is not None:
            cells = span_cells(doc, span)
            if cells:
                return cells[0][0]
    return None


def next_text_block(blocks: Sequence[BlockSpan], head: int, step: int) -> int:
    """The text block after (``step`` > 0) or before ``head``; ``head`` itself at either end."""
    texts = [i for i, block in enumerate(blocks) if block.kind == "text"]
    following = [i for i in texts if (i > head if step > 0 else i < head)]
    if not following:
        return head
    return following[0] if step > 0 else following[-1]
