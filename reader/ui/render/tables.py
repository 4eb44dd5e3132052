"""Pipe tables: a boxed grid whose columns share the width, each cell word-wrapped."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from reader.ui.render.blocks import Run, Table
from reader.ui.render.styles import MarkdownStyles
from reader.ui.render.wrap import Piece, Row, crop_row, indent_row, wrap

__all__ = ["fit_columns", "render_table"]

MIN_COLUMN_CAP = 14
"""A column may be narrower than its header or its longest word only past this many cells; when
even these minimums do not fit, the table is shown as one card per row instead of squeezing
words into fragments ("alp/ha")."""

PiecesOf = Callable[[Sequence[Run], Style], list[Piece]]
"""Resolves a cell's runs to styled pieces (the renderer's style cache)."""


def render_table(block: Table, width: int, base: Style, styles: MarkdownStyles, pieces_of: PiecesOf) -> list[Row]:
    columns = max([len(block.header)] + [len(row) for row in block.rows])
    if columns == 0:
        return []
    aligns = (block.aligns + ["left"] * columns)[:columns]
    header_style = base + styles.table_header
    grid: list[list[list[Piece]]] = []
    for cells, style in [(block.header, header_style)] + [(row, base) for row in block.rows]:
        cells = (cells + [[]] * columns)[:columns]
        grid.append([pieces_of(cell, style) for cell in cells])
    natural = [1] * columns
    minimum = [1] * columns
    for number, row in enumerate(grid):
        for column, pieces in enumerate(row):
            text = "".join(piece[0] for piece in pieces if piece[0] != "\n")
            natural[column] = max(natural[column], cell_len(text))
            longest = max((cell_len(word) for word in text.split()), default=1)
            floor = cell_len(text) if number == 0 else longest  # the header whole, else its words
            minimum[column] = max(minimum[column], min(floor, MIN_COLUMN_CAP))
    pad = 1 if width >= columns * 4 + 1 else 0
    available = width - (columns + 1) - 2 * pad * columns
    if sum(minimum) > available:
        return render_cards(grid, width, styles)
    widths = fit_columns(natural, available, minimum)
    border = styles.table_border

    def rule(left: str, middle: str, right: str) -> Row:
        text = left + middle.join("─" * (w + 2 * pad) for w in widths) + right
        return Row([Segment(text, border)], text, cell_len(text))

    out = [rule("┌", "┬", "┐")]
    for index, row in enumerate(grid):
        wrapped = [wrap(pieces, widths[c], aligns[c]) for c, pieces in enumerate(row)]
        height = max(len(cell) for cell in wrapped)
        for line in range(height):
            segments: list[Segment] = [Segment("│", border)]
            text_parts = ["│"]
            col = 1
            links: list[list[int]] = []
            for column, cell_rows in enumerate(wrapped):
                cell = cell_rows[line] if line < len(cell_rows) else None
                column_width = widths[column]
                lead = " " * pad
                segments.append(Segment(lead))
                text_parts.append(lead)
                col += pad
                used = 0
                if cell is not None:
                    if cell.width > column_width:
                        crop_row(cell, column_width)
                    segments.extend(cell.segments)
                    text_parts.append(cell.text)
                    links.extend([start + col, end + col, link] for start, end, link in cell.links)
                    used = cell.width
                trail = " " * (column_width - used + pad)
                segments.append(Segment(trail))
                segments.append(Segment("│", border))
                text_parts.append(trail + "│")
                col += column_width + pad + 1
            out_row = Row(segments, "".join(text_parts), col)
            out_row.links = links
            out.append(out_row)
        if index == 0 and len(grid) > 1:
            out.append(rule("├", "┼", "┤"))
    out.append(rule("└", "┴", "┘"))
    return out


def fit_columns(natural: list[int], available: int, minimum: list[int] | None = None) -> list[int]:
    """Column widths: natural widths if they fit, else the widest columns shrink first, never
    below ``minimum`` (the caller makes sure the minimums fit)."""
    if sum(natural) <= available:
        return natural
    columns = len(natural)
    floor = minimum or [1] * columns
    if available <= sum(floor):
        return list(floor)
    # Find the largest cap such that sum(max(floor, min(n, cap))) <= available, then hand out the rest.
    low, high = 1, max(natural)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(n, cap)) for n, f in zip(natural, floor, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [max(f, min(n, low)) for n, f in zip(natural, floor, strict=True)]
    spare = available - sum(widths)
    for index, n in enumerate(natural):
        if spare <= 0:
            break
        if n > widths[index]:
            widths[index] += 1
            spare -= 1
    return widths


def render_cards(grid: list[list[list[Piece]]], width: int, styles: MarkdownStyles) -> list[Row]:
    """A table too wide for the pane: each row as a small card of ``header: value`` lines.

    ``grid[0]`` is the header. Empty cells are left out; the cards are separated by a rule."""
    header, body = grid[0], grid[1:] or [grid[0]]
    header_only = len(grid) == 1
    border = styles.table_border
    inner = max(1, width - 2)
    out: list[Row] = []
    for number, row in enumerate(body):
        rule = "─" * width
        out.append(Row([Segment(rule, border)], rule, width))
        for column, pieces in enumerate(row):
            if not any(piece[0].strip() for piece in pieces):
                continue
            label = [piece for piece in header[column] if piece[0] != "\n"] if not header_only else []
            if label:
                label = [*label, (": ", label[-1][1], -1)]
            for line in wrap([*label, *pieces], inner):
                indent_row(line, "│ ", border, 2)
                out.append(line)
        if number == len(body) - 1:
            out.append(Row([Segment(rule, border)], rule, width))
    return out
