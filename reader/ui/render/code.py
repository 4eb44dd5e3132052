"""Fenced and indented code blocks: a tinted box, wrapped with ↩, optionally highlighted.

Highlighting comes from :mod:`reader.ui.render.highlight` (cached per block text, language and
theme); the wrap is character based (code has no words to break at) and every row is padded to
the box width so the background reads as one block.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from reader.ui.render.highlight import cut_spans, highlight_lines
from reader.ui.render.safe import inline_safe
from reader.ui.render.styles import MarkdownStyles
from reader.ui.render.wrap import Row, chop

__all__ = ["render_code"]


def render_code(text: str, width: int, language: str, styles: MarkdownStyles) -> list[Row]:
    style = styles.code_block
    marker_style = style + Style(dim=True)
    pad = 1 if width >= 6 else 0
    inner = max(1, width - 2 * pad)
    edge = " " * pad
    rows: list[Row] = []
    lines = [inline_safe(raw.expandtabs(4).rstrip()) for raw in text.rstrip("\n").split("\n")]
    colours = highlight_lines("\n".join(lines), language, styles.code_theme) if language else None
    if language:  # the label row says what the block is, highlighted or not
        label = language[: max(1, inner)]
        fill = " " * max(0, inner - len(label))
        rows.append(Row([Segment(edge + label + fill + edge, marker_style)], edge + label + fill + edge, width))
    for number, line in enumerate(lines):
        ascii_only = line.isascii()
        cells = len(line) if ascii_only else cell_len(line)
        if cells <= inner:
            chunks = [(0, len(line), cells, False)]
        else:
            chunks = []
            start = 0
            for cut in chop(line, 0, len(line), max(1, inner - 1), ascii_only):
                piece = line[start:cut]
                chunks.append((start, cut, len(piece) if ascii_only else cell_len(piece), cut < len(line)))
                start = cut
        spans = colours[number] if colours is not None and number < len(colours) else None
        for start, end, piece_cells, continued in chunks:
            piece = line[start:end]
            fill = " " * max(0, inner - piece_cells - continued)
            if spans is None:
                segments = [Segment(edge + piece + fill, style)]
            else:
                segments = [Segment(edge, style)]
                segments += [Segment(part, style + colour) for part, colour in cut_spans(spans, start, end)]
                segments.append(Segment(fill, style))
            if continued:
                segments.append(Segment("↩", marker_style))
            segments.append(Segment(edge, style))
            row_text = edge + piece + fill + ("↩" if continued else "") + edge
            rows.append(Row(segments, row_text, pad * 2 + piece_cells + len(fill) + continued))
    return rows
