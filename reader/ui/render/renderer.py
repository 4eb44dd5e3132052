"""The block tree at one width → rows → a :class:`~reader.ui.render.doc.RenderedDoc`.

:class:`Renderer` walks the blocks (headings, lists, quotes …; code and tables have their own
modules) and :func:`finish` turns the rows into a document. The public entry points are
:func:`render_markdown` (an article body), :func:`render_runs` (text that is not Markdown, such as
the header) and :func:`render_rule`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from reader.ui.render.blocks import (
    Block,
    Callout,
    Code,
    Flag,
    Footnotes,
    Heading,
    Html,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Run,
    Table,
    block_kind,
    block_text,
)
from reader.ui.render.code import render_code
from reader.ui.render.doc import BlockSpan, LinkSpan, RenderedDoc, StripList
from reader.ui.render.parse import parse
from reader.ui.render.safe import inline_safe, sanitize
from reader.ui.render.styles import MarkdownStyles
from reader.ui.render.tables import render_table
from reader.ui.render.wrap import Piece, Row, blank_row, crop_row, indent_row, wrap

__all__ = ["Renderer", "render_markdown", "render_rule", "render_runs"]

_BULLETS = ("•", "◦", "▪")
_FLAG_STYLES = (
    (Flag.MUTED, "muted"),
    (Flag.STRIKE, "strike"),
    (Flag.EM, "emphasis"),
    (Flag.STRONG, "strong"),
    (Flag.MARK, "mark"),
    (Flag.CODE, "code_inline"),
    (Flag.IMAGE, "image"),
    (Flag.FOOTNOTE, "footnote"),
    (Flag.LINK, "link"),
)
"""Inline flag → style field, applied in this order (a link's look wins)."""
_CALLOUT_ICONS = {
    "note": "✎", "info": "ℹ", "tip": "★", "hint": "★", "important": "★", "success": "✓", "check": "✓",
    "done": "✓", "question": "?", "help": "?", "faq": "?", "warning": "⚠", "caution": "⚠",
    "attention": "⚠", "failure": "✗", "fail": "✗", "missing": "✗", "danger": "⚡", "error": "⚡",
    "bug": "✱", "example": "▸", "quote": "❝", "cite": "❝", "abstract": "≡", "summary": "≡", "tldr": "≡",
    "todo": "☐",
}  # fmt: skip


class Renderer:
    """Renders a block tree at one width; holds the per-render style cache."""

    def __init__(self, styles: MarkdownStyles) -> None:
        self.styles = styles
        self._style_cache: dict[tuple[Style, int], Style] = {}

    def resolve(self, base: Style, flags: int) -> Style:
        """The style for inline flags on top of a block's base style (cached)."""
        key = (base, flags)
        style = self._style_cache.get(key)
        if style is None:
            style = base
            for flag, name in _FLAG_STYLES:
                if flags & flag:
                    style += getattr(self.styles, name)
            self._style_cache[key] = style
        return style

    def pieces(self, runs: Sequence[Run], base: Style) -> list[Piece]:
        resolve = self.resolve
        return [(text, resolve(base, flags), link) for text, flags, link in runs]

    def blocks(
        self, blocks: Sequence[Block], width: int, base: Style, depth: int = 0, tight: bool = False
    ) -> list[Row]:
        """Render blocks one under the other, a blank row between them (none in tight lists)."""
        out: list[Row] = []
        for block in blocks:
            rows = self.block(block, width, base, depth)
            if not rows:
                continue
            if out and not tight:
                out.append(blank_row())
            out.extend(rows)
        return out

    def block(self, block: Block, width: int, base: Style, depth: int) -> list[Row]:
        rows = self._block(block, width, base, depth)
        if rows and isinstance(block, Paragraph | Heading | Code | Table | Html):
            text = block_text(block)
            if text:
                rows[0].block = (text, len(rows), block_kind(block))
        return rows

    def _block(self, block: Block, width: int, base: Style, depth: int) -> list[Row]:
        width = max(1, width)
        if isinstance(block, Paragraph):
            if not block.runs:
                return []
            return wrap(self.pieces(block.runs, base), width)
        if isinstance(block, Heading):
            return self.heading(block, width, base)
        if isinstance(block, ListBlock):
            return self.list_block(block, width, base, depth)
        if isinstance(block, Quote):
            return self.quote(block, width, base, depth)
        if isinstance(block, Code):
            return render_code(block.text, width, block.language, self.styles)
        if isinstance(block, Table):
            return render_table(block, width, base, self.styles, self.pieces)
        if isinstance(block, Rule):
            row = Row([Segment("─" * width, self.styles.rule)], "─" * width, width)
            return [row]
        if isinstance(block, Html):  # already reduced to its text (parse.html_text)
            style = base + self.styles.muted
            return [row for line in block.text.split("\n") for row in wrap([(inline_safe(line), style, -1)], width)]
        if isinstance(block, Callout):
            return self.callout(block, width, base, depth)
        if isinstance(block, Footnotes):
            return self.footnotes(block, width, base, depth)
        return []

    def heading(self, block: Heading, width: int, base: Style) -> list[Row]:
        style = base + self.styles.heading(block.level)
        rows = wrap(self.pieces(block.runs, style), width)
        if not rows:
            return rows
        text = " ".join(row.text for row in rows)
        rows[0].heading = (block.level, text)
        if block.level == 1:
            rows.append(Row([Segment("━" * width, style)], "━" * width, width))
        elif block.level == 2:
            underline = max(row.width for row in rows)
            rows.append(Row([Segment("─" * underline, style)], "─" * underline, underline))
        return rows

    def list_block(self, block: ListBlock, width: int, base: Style, depth: int) -> list[Row]:
        count = len(block.items)
        if block.ordered:
            labels = [f"{block.start + number}." for number in range(count)]
        else:
            labels = [_BULLETS[depth % len(_BULLETS)]] * count
        for number, task in enumerate(block.tasks):
            if task is not None:
                labels[number] = "☑" if task else "☐"
        return self.labelled(block.items, labels, width, base, depth, block.tight)

    def labelled(
        self, items: Sequence[Sequence[Block]], labels: list[str], width: int, base: Style, depth: int, tight: bool
    ) -> list[Row]:
        """Items each under a label (bullet, number, ``[1]``) in a column, text indented past it."""
        label_width = max((len(label) for label in labels), default=1)
        indent = label_width + 1
        inner = max(1, width - indent)
        out: list[Row] = []
        for number, item in enumerate(items):
            rows = self.blocks(item, inner, base, depth + 1, tight=tight)
            if not rows:
                rows = [Row([], "", 0)]
            for index, row in enumerate(rows):
                if index == 0:
                    indent_row(row, " ", None)
                    indent_row(row, labels[number].rjust(label_width), self.styles.bullet)
                elif not row.blank:
                    indent_row(row, " " * indent, None)
            if number and not tight:
                out.append(blank_row())
            out.extend(rows)
        return out

    def footnotes(self, block: Footnotes, width: int, base: Style, depth: int) -> list[Row]:
        """The notes at the end, under a short rule, each with its marker."""
        rule = "─" * min(width, 20)
        labels = [f"[{number}]" for number, _blocks in block.notes]
        items = [blocks for _number, blocks in block.notes]
        notes = self.labelled(items, labels, width, base + self.styles.footnote, depth, tight=True)
        return [Row([Segment(rule, self.styles.rule)], rule, len(rule)), *notes]

    def callout(self, block: Callout, width: int, base: Style, depth: int) -> list[Row]:
        """A titled box: an icon and the title on a bar, the body under it.

        A folded callout (``-``) is shown open: a terminal reader has no click to unfold it, and
        hiding its text would lose it."""
        styles = self.styles
        icon = _CALLOUT_ICONS.get(block.kind, "▌")
        title = [(f"{icon} ", 0, -1), *block.title]
        rows = wrap(self.pieces(title, base + styles.callout), max(1, width - 2))
        rows += self.blocks(block.children, max(1, width - 2), base, depth)
        for row in rows:
            row.blank = False
            indent_row(row, "┃ ", styles.callout_bar, 2)
        return rows

    def quote(self, block: Quote, width: int, base: Style, depth: int) -> list[Row]:
        bar_style = self.styles.quote_bar
        rows = self.blocks(block.children, max(1, width - 2), base + self.styles.quote, depth)
        for row in rows:
            row.blank = False  # the bar continues through the gap between paragraphs
            indent_row(row, "▌ ", bar_style, 2)
        return rows


def _finish(rows: Iterable[Row], width: int, hrefs: Sequence[str]) -> RenderedDoc:
    """Turn rows into a document: collapse blank runs, crop overflow, collect links/headings."""
    segments: list[list[Segment]] = []
    widths: list[int] = []
    plain: list[str] = []
    links: list[LinkSpan] = []
    headings: list[tuple[int, int, str]] = []
    blocks: list[BlockSpan] = []
    seen: dict[int, None] = {}
    previous_blank = True
    for row in rows:
        if row.blank:
            if previous_blank:
                continue
            previous_blank = True
        else:
            previous_blank = False
        if row.width > width:
            crop_row(row, width)
        index = len(plain)
        segments.append(row.segments)
        widths.append(row.width)
        plain.append(row.text)
        for start, end, link in row.links:
            if end > start:
                links.append(LinkSpan(index, start, end, hrefs[link]))
                seen.setdefault(link)
        if row.heading is not None:
            headings.append((index, row.heading[0], row.heading[1]))
        if row.block is not None:
            blocks.append(BlockSpan(index, index + row.block[1], row.block[0], row.block[2]))
    while plain and previous_blank and not plain[-1]:
        segments.pop()
        widths.pop()
        plain.pop()
        previous_blank = bool(plain) and not plain[-1]
    lines = StripList(segments, widths)
    height = len(plain)
    blocks = [span._replace(end_row=min(span.end_row, height)) for span in blocks if span.start_row < height]
    return RenderedDoc(lines, plain, links, headings, width, [hrefs[link] for link in seen], blocks)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while allocating many small acyclic objects.

    Rendering a long article allocates ~10 objects per word; the collector's generation
    scans over them (and over the app's whole heap) otherwise triple the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_markdown(text: str, width: int, styles: MarkdownStyles | None = None) -> RenderedDoc:
    """Render untrusted Markdown ``text`` wrapped to ``width`` cells.

    The parse is cached per text, so calling this again for another width only re-wraps.
    """
    width = max(1, width)
    renderer = Renderer(styles or MarkdownStyles())
    with _gc_paused():
        parsed = parse(text)
        rows = renderer.blocks(parsed.blocks, width, Style())
        return _finish(rows, width, parsed.hrefs)


def render_runs(
    runs: Sequence[tuple[str, Style | None] | tuple[str, Style | None, str | None]],
    width: int,
    *,
    align: Literal["left", "center", "right"] = "left",
) -> RenderedDoc:
    """Wrap a paragraph of ``(text, style[, href])`` runs (untrusted text welcome).

    For things that are not Markdown, such as the article header: the text is sanitised and
    shown literally. ``"\\n"`` inside a run breaks the row. Runs with an href become links.
    """
    width = max(1, width)
    hrefs: list[str] = []
    pieces: list[Piece] = []
    for run in runs:
        text, style = run[0], run[1] or Style()
        href = run[2] if len(run) > 2 else None
        link = -1
        if href:
            link = len(hrefs)
            hrefs.append(inline_safe(href))
        for number, line in enumerate(sanitize(text).split("\n")):
            if number:
                pieces.append(("\n", style, -1))
            if line:
                pieces.append((inline_safe(line), style, link))
    return _finish(wrap(pieces, width, align), width, hrefs)


def render_rule(width: int, style: Style | None = None, char: str = "─") -> RenderedDoc:
    """A full-width horizontal line."""
    width = max(1, width)
    text = char * width
    row = Row([Segment(text, style)], text, cell_len(text))
    return _finish([row], width, [])
