"""Markdown → pre-wrapped, styled terminal rows for the article pane.

Why not ``textual.widgets.Markdown``: it mounts one widget per block, so showing a 100 KB
article takes seconds. Here markdown-it parses the document once into a small block tree
(cached by text), and every width gets its own cheap wrap pass that emits one
:class:`~textual.strip.Strip` per screen row. The widget then only slices rows.

Safety: article text is untrusted. Nothing here goes through Rich or Textual markup; text is
put into ``Segment`` objects verbatim after :func:`sanitize` has replaced every control
character that could reach the terminal (ESC, BEL, CR, C1, DEL…) with a visible, inert symbol.
markdown-it itself drops ``javascript:``/``file:``/``data:`` links (they stay plain text).

This module holds no widgets: it is a pure function of text, width and styles.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple, overload

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from reader.ui.nesting import cap_tables, clamp_nesting
from reader.ui.render_code import DEFAULT_THEME, cut_spans, highlight_lines, language_of

__all__ = [
    "MAX_LINE_CHARS",
    "BlockSpan",
    "LinkSpan",
    "MarkdownStyles",
    "RenderedDoc",
    "StripList",
    "join_docs",
    "render_markdown",
    "render_rule",
    "render_runs",
    "sanitize",
]

MAX_LINE_CHARS = 200_000
"""A single source line longer than this is cut (with a visible note): keeps a 1 MB one-line
"article" (a scraping accident) from stalling the parser and producing 10,000 rows."""

MAX_DOCUMENT_CHARS = 2_000_000
"""Documents are cut here too, for the same reason."""

# ---------------------------------------------------------------------------------------------
# Sanitising


def _control_table(*, inline: bool) -> dict[int, str]:
    """Translation table: every C0 control → its Unicode control picture, DEL → ␡, C1 → U+FFFD.

    With ``inline`` tab and newline become spaces too (for text that must stay on one row).
    """
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    if inline:
        table[0x09] = " "
        table[0x0A] = " "
    else:
        del table[0x09], table[0x0A]
    return table


_INPUT_TABLE = _control_table(inline=False)
_INLINE_TABLE = _control_table(inline=True)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """Make untrusted text terminal-safe while keeping newlines and tabs.

    CRLF becomes LF (Windows files); any other control character is replaced by a visible
    symbol so it can neither drive the terminal nor silently vanish.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _CONTROL_RE.search(text):
        text = text.translate(_INPUT_TABLE)
    return text


def _inline_safe(text: str) -> str:
    """Sanitise text that must stay on one row (entities like ``&NewLine;`` decode to ``\\n``)."""
    return text.translate(_INLINE_TABLE)


def _cap_length(text: str) -> str:
    """Cut absurdly long lines and documents, saying so in the text itself."""
    if len(text) > MAX_DOCUMENT_CHARS:
        dropped = len(text) - MAX_DOCUMENT_CHARS
        text = text[:MAX_DOCUMENT_CHARS] + f"\n\n*[article truncated: {dropped:,} more characters]*\n"
    if len(text) <= MAX_LINE_CHARS:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            dropped = len(line) - MAX_LINE_CHARS
            lines[index] = line[:MAX_LINE_CHARS] + f" … [paragraph truncated: {dropped:,} more characters]"
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Public data


@dataclass
class MarkdownStyles:
    """Rich styles for each construct.

    The defaults work standalone (tests, benchmarks); the widget fills these from its
    component classes so that themes and ``.tcss`` files apply.
    """

    h1: Style = field(default_factory=lambda: Style(bold=True, color="bright_cyan"))
    h2: Style = field(default_factory=lambda: Style(bold=True, color="cyan"))
    h3: Style = field(default_factory=lambda: Style(bold=True, color="bright_blue"))
    h4: Style = field(default_factory=lambda: Style(bold=True, italic=True))
    h5: Style = field(default_factory=lambda: Style(bold=True, color="cyan"))
    h6: Style = field(default_factory=lambda: Style(italic=True, underline=True, color="grey70"))
    emphasis: Style = field(default_factory=lambda: Style(italic=True))
    strong: Style = field(default_factory=lambda: Style(bold=True))
    code_inline: Style = field(default_factory=lambda: Style(color="bright_magenta", bgcolor="grey19"))
    code_block: Style = field(default_factory=lambda: Style(color="bright_white", bgcolor="grey11"))
    link: Style = field(default_factory=lambda: Style(color="bright_blue", underline=True))
    quote: Style = field(default_factory=lambda: Style(italic=True))
    quote_bar: Style = field(default_factory=lambda: Style(color="grey50"))
    bullet: Style = field(default_factory=lambda: Style(color="bright_cyan", bold=True))
    table_header: Style = field(default_factory=lambda: Style(bold=True))
    table_border: Style = field(default_factory=lambda: Style(color="grey50"))
    rule: Style = field(default_factory=lambda: Style(color="grey50"))
    image: Style = field(default_factory=lambda: Style(color="magenta", italic=True))
    strike: Style = field(default_factory=lambda: Style(strike=True))
    highlight: Style = field(default_factory=lambda: Style(color="black", bgcolor="yellow"))
    highlight_current: Style = field(default_factory=lambda: Style(color="black", bgcolor="dark_orange", bold=True))
    code_theme: str | None = DEFAULT_THEME
    """Pygments style for fenced code with a language; ``None``: no syntax colours."""

    def heading(self, level: int) -> Style:
        """The style of a heading level; each of the six looks different."""
        return (self.h1, self.h2, self.h3, self.h4, self.h5, self.h6)[min(max(level, 1), 6) - 1]


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


# ---------------------------------------------------------------------------------------------
# Parsing: tokens → a small block tree (width independent, cached)

EM, STRONG, STRIKE, CODE, LINK, IMAGE = 1, 2, 4, 8, 16, 32

_Run = tuple[str, int, int]
"""An inline run: text, flag bits, link id (-1: not a link). ``"\\n"`` alone is a hard break."""


@dataclass(slots=True)
class _Heading:
    level: int
    runs: list[_Run]


@dataclass(slots=True)
class _Paragraph:
    runs: list[_Run]
    tight: bool = False


@dataclass(slots=True)
class _Code:
    text: str
    language: str = ""


@dataclass(slots=True)
class _Html:
    text: str


@dataclass(slots=True)
class _Rule:
    pass


@dataclass(slots=True)
class _Quote:
    children: list[_Block]


@dataclass(slots=True)
class _List:
    ordered: bool
    start: int
    tight: bool
    items: list[list[_Block]]
    tasks: list[bool | None] = field(default_factory=list)
    """Per item: ``False`` for ``[ ]``, ``True`` for ``[x]``, ``None`` for a plain item."""


@dataclass(slots=True)
class _Table:
    aligns: list[str]
    header: list[list[_Run]]
    rows: list[list[list[_Run]]]


_Block = _Heading | _Paragraph | _Code | _Html | _Rule | _Quote | _List | _Table


@dataclass(slots=True)
class _Parsed:
    blocks: list[_Block]
    hrefs: list[str]


_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_FLAG_OF_OPEN = {"em_open": EM, "strong_open": STRONG, "s_open": STRIKE}
_CLOSERS = {"em_close", "strong_close", "s_close"}


_TASK_RE = re.compile(r"\[([ xX])\] ")


def _take_task(item: list[_Block]) -> bool | None:
    """A task-list item (``- [ ] todo`` / ``- [x] done``): strip its box, say whether it is ticked."""
    first = item[0] if item else None
    if not isinstance(first, _Paragraph) or not first.runs:
        return None
    text, flags, link = first.runs[0]
    match = _TASK_RE.match(text)
    if match is None or flags or link != -1:
        return None
    first.runs[0] = (text[match.end() :], flags, link)
    return match.group(1) != " "


def _inlines(children: Sequence[Token] | None, hrefs: list[str]) -> list[_Run]:
    """Flatten inline tokens into styled runs, numbering links as they come."""
    runs: list[_Run] = []
    flags = 0
    link = -1
    stack: list[tuple[int, int, int]] = []  # (flags, link, len(runs)) to restore on close
    for token in children or ():
        kind = token.type
        if kind == "text":
            if token.content:
                runs.append((_inline_safe(token.content), flags, link))
        elif kind == "softbreak":
            runs.append((" ", flags, link))
        elif kind == "hardbreak":
            runs.append(("\n", flags, link))
        elif kind in _FLAG_OF_OPEN:
            stack.append((flags, link, len(runs)))
            flags |= _FLAG_OF_OPEN[kind]
        elif kind in _CLOSERS:
            if stack:
                flags, link, _ = stack.pop()
        elif kind == "code_inline":
            runs.append((_inline_safe(token.content), flags | CODE, link))
        elif kind == "link_open":
            stack.append((flags, link, len(runs)))
            href = _inline_safe(str(token.attrs.get("href", "")))
            link = len(hrefs)
            hrefs.append(href)
            flags |= LINK
        elif kind == "link_close":
            if stack:
                previous_flags, previous_link, opened_at = stack.pop()
                if opened_at == len(runs) and link >= 0:  # [](url): show the url
                    runs.append((hrefs[link], flags, link))
                flags, link = previous_flags, previous_link
        elif kind == "image":
            alt = "".join(child.content for child in token.children or ()) or token.content
            label = f"[image: {alt}]" if alt.strip() else "[image]"
            runs.append((_inline_safe(label), flags | IMAGE, link))
        elif token.content:  # html_inline and anything unknown: literal text, never interpreted
            runs.append((_inline_safe(token.content), flags, link))
    return runs


def _align_of(token: Token) -> str:
    style = str(token.attrs.get("style", ""))
    if "center" in style:
        return "center"
    if "right" in style:
        return "right"
    return "left"


def _parse_table(tokens: list[Token], index: int, hrefs: list[str]) -> tuple[_Table, int]:
    """Read tokens from just after ``table_open`` to just after ``table_close``."""
    header: list[list[_Run]] = []
    rows: list[list[list[_Run]]] = []
    aligns: list[str] = []
    in_head = False
    current: list[list[_Run]] | None = None
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "table_close":
            index += 1
            break
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            current = header if in_head else []
            if not in_head:
                rows.append(current)
        elif kind in ("th_open", "td_open"):
            if in_head:
                aligns.append(_align_of(token))
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            cell = _inlines(inline.children, hrefs) if inline is not None and inline.type == "inline" else []
            if current is not None:
                current.append(cell)
        index += 1
    return _Table(aligns, header, rows), index


def _parse_blocks(
    tokens: list[Token], index: int, hrefs: list[str], end: str | None = None
) -> tuple[list[_Block], int]:
    """Build blocks from ``tokens[index:]`` up to the closing token ``end``."""
    blocks: list[_Block] = []
    count = len(tokens)
    while index < count:
        token = tokens[index]
        kind = token.type
        if kind == end:
            return blocks, index + 1
        if kind == "paragraph_open" or kind == "heading_open":
            inline = tokens[index + 1]
            runs = _inlines(inline.children, hrefs)
            if kind == "heading_open":
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                blocks.append(_Heading(level, runs))
            else:
                blocks.append(_Paragraph(runs, tight=token.hidden))
            index += 3
        elif kind in ("fence", "code_block"):
            blocks.append(_Code(token.content, language_of(token.info) if kind == "fence" else ""))
            index += 1
        elif kind == "html_block":
            blocks.append(_Html(token.content))
            index += 1
        elif kind == "hr":
            blocks.append(_Rule())
            index += 1
        elif kind == "blockquote_open":
            children, index = _parse_blocks(tokens, index + 1, hrefs, "blockquote_close")
            blocks.append(_Quote(children))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = kind.replace("_open", "_close")
            start_attr = token.attrs.get("start", 1)
            start = int(start_attr) if str(start_attr).isdigit() else 1
            items: list[list[_Block]] = []
            index += 1
            while index < count and tokens[index].type != close:
                if tokens[index].type == "list_item_open":
                    children, index = _parse_blocks(tokens, index + 1, hrefs, "list_item_close")
                    items.append(children)
                else:
                    index += 1
            index += 1
            paragraphs = [b for item in items for b in item if isinstance(b, _Paragraph)]
            tight = all(p.tight for p in paragraphs)
            blocks.append(_List(kind == "ordered_list_open", start, tight, items, [_take_task(item) for item in items]))
        elif kind == "table_open":
            table, index = _parse_table(tokens, index + 1, hrefs)
            blocks.append(table)
        else:
            index += 1
    return blocks, index


@lru_cache(maxsize=8)
def _parse(text: str) -> _Parsed:
    """Parse once per document: a width change (resize) only re-wraps."""
    hrefs: list[str] = []
    tokens = _MD.parse(cap_tables(clamp_nesting(_cap_length(sanitize(text)))))
    blocks, _ = _parse_blocks(tokens, 0, hrefs)
    return _Parsed(blocks, hrefs)


# ---------------------------------------------------------------------------------------------
# Wrapping: runs → rows


class _Row:
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


def _blank_row() -> _Row:
    row = _Row([], "", 0)
    row.blank = True
    return row


_WORD_RE = re.compile(r"[^ ]+ *| +")


def _chop(text: str, start: int, end: int, width: int, ascii_only: bool) -> list[int]:
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


def _break(text: str, width: int, ascii_only: bool) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) character offsets of each row, trailing spaces dropped.

    Only ASCII spaces break, so a no-break space keeps a tag chip whole; a word longer than
    the width is hard-split.
    """
    bounds: list[tuple[int, int]] = []
    line_start = line_end = line_width = pending = 0
    for match in _WORD_RE.finditer(text):
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
            for cut in _chop(text, word_start, word_end, width, ascii_only):
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


_Piece = tuple[str, Style, int]
"""Text, resolved style, link id."""


def _wrap_line(pieces: Sequence[_Piece], width: int) -> list[_Row]:
    """Wrap one line of styled pieces (no newlines) to ``width`` cells."""
    text = "".join(piece[0] for piece in pieces)
    if not text.strip(" "):
        return [_Row([], "", 0)]
    ascii_only = text.isascii()
    total = len(text) if ascii_only else cell_len(text)
    if total <= width:
        bounds = [(0, len(text.rstrip(" ")))]
        if text[0] == " ":
            stripped = len(text) - len(text.lstrip(" "))
            bounds = [(stripped, bounds[0][1])]
    else:
        bounds = _break(text, width, ascii_only)
    # Piece boundaries in character offsets.
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece[0])
    rows: list[_Row] = []
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
        row = _Row(segments, text[row_start:row_end], col)
        row.links = links
        rows.append(row)
    return rows


def _wrap(pieces: Sequence[_Piece], width: int, align: str = "left") -> list[_Row]:
    """Wrap styled pieces, honouring hard breaks (a ``"\\n"`` piece), and align each row."""
    rows: list[_Row] = []
    line: list[_Piece] = []
    for piece in pieces:
        if piece[0] == "\n":
            rows.extend(_wrap_line(line, width))
            line = []
        else:
            line.append(piece)
    rows.extend(_wrap_line(line, width))
    if align != "left":
        for row in rows:
            spare = width - row.width
            if spare > 0 and row.segments:
                _indent_row(row, " " * (spare // 2 if align == "center" else spare), None)
    return rows


def _indent_row(row: _Row, text: str, style: Style | None, cells: int | None = None) -> None:
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


def _crop_row(row: _Row, width: int) -> None:
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


# ---------------------------------------------------------------------------------------------
# Block rendering

_BULLETS = ("•", "◦", "▪")


class _Renderer:
    """Renders a block tree at one width; holds the per-render style cache."""

    def __init__(self, styles: MarkdownStyles) -> None:
        self.styles = styles
        self._style_cache: dict[tuple[Style, int], Style] = {}

    def resolve(self, base: Style, flags: int) -> Style:
        """The style for inline flags on top of a block's base style (cached)."""
        key = (base, flags)
        style = self._style_cache.get(key)
        if style is None:
            styles = self.styles
            style = base
            if flags & STRIKE:
                style += styles.strike
            if flags & EM:
                style += styles.emphasis
            if flags & STRONG:
                style += styles.strong
            if flags & CODE:
                style += styles.code_inline
            if flags & IMAGE:
                style += styles.image
            if flags & LINK:
                style += styles.link
            self._style_cache[key] = style
        return style

    def pieces(self, runs: Sequence[_Run], base: Style) -> list[_Piece]:
        resolve = self.resolve
        return [(text, resolve(base, flags), link) for text, flags, link in runs]

    def blocks(
        self, blocks: Sequence[_Block], width: int, base: Style, depth: int = 0, tight: bool = False
    ) -> list[_Row]:
        """Render blocks one under the other, a blank row between them (none in tight lists)."""
        out: list[_Row] = []
        for block in blocks:
            rows = self.block(block, width, base, depth)
            if not rows:
                continue
            if out and not tight:
                out.append(_blank_row())
            out.extend(rows)
        return out

    def block(self, block: _Block, width: int, base: Style, depth: int) -> list[_Row]:
        rows = self._block(block, width, base, depth)
        if rows and isinstance(block, _Paragraph | _Heading | _Code | _Table | _Html):
            text = _block_text(block)
            if text:
                rows[0].block = (text, len(rows), _block_kind(block))
        return rows

    def _block(self, block: _Block, width: int, base: Style, depth: int) -> list[_Row]:
        width = max(1, width)
        if isinstance(block, _Paragraph):
            if not block.runs:
                return []
            return _wrap(self.pieces(block.runs, base), width)
        if isinstance(block, _Heading):
            return self.heading(block, width, base)
        if isinstance(block, _List):
            return self.list_block(block, width, base, depth)
        if isinstance(block, _Quote):
            return self.quote(block, width, base, depth)
        if isinstance(block, _Code):
            return self.code(block.text, width, block.language)
        if isinstance(block, _Table):
            return self.table(block, width, base)
        if isinstance(block, _Rule):
            row = _Row([Segment("─" * width, self.styles.rule)], "─" * width, width)
            return [row]
        if isinstance(block, _Html):
            lines = block.text.rstrip("\n").split("\n")
            rows: list[_Row] = []
            for line in lines:
                rows.extend(_wrap([(_inline_safe(line.expandtabs(4)), base, -1)], width))
            return rows
        return []

    def heading(self, block: _Heading, width: int, base: Style) -> list[_Row]:
        style = base + self.styles.heading(block.level)
        rows = _wrap(self.pieces(block.runs, style), width)
        if not rows:
            return rows
        text = " ".join(row.text for row in rows)
        rows[0].heading = (block.level, text)
        if block.level == 1:
            rows.append(_Row([Segment("━" * width, style)], "━" * width, width))
        elif block.level == 2:
            underline = max(row.width for row in rows)
            rows.append(_Row([Segment("─" * underline, style)], "─" * underline, underline))
        return rows

    def list_block(self, block: _List, width: int, base: Style, depth: int) -> list[_Row]:
        styles = self.styles
        count = len(block.items)
        if block.ordered:
            labels = [f"{block.start + number}." for number in range(count)]
            label_width = max((len(label) for label in labels), default=2)
            labels = [label.rjust(label_width) for label in labels]
        else:
            labels = [_BULLETS[depth % len(_BULLETS)]] * count
            label_width = 1
        for number, task in enumerate(block.tasks):
            if task is not None:
                labels[number] = ("☑" if task else "☐").rjust(label_width)
        indent = label_width + 1
        inner = max(1, width - indent)
        out: list[_Row] = []
        for number, item in enumerate(block.items):
            rows = self.blocks(item, inner, base, depth + 1, tight=block.tight)
            if not rows:
                rows = [_Row([], "", 0)]
            for index, row in enumerate(rows):
                if index == 0:
                    _indent_row(row, " ", None)
                    _indent_row(row, labels[number], styles.bullet)
                elif not row.blank:
                    _indent_row(row, " " * indent, None)
            if number and not block.tight:
                out.append(_blank_row())
            out.extend(rows)
        return out

    def quote(self, block: _Quote, width: int, base: Style, depth: int) -> list[_Row]:
        bar_style = self.styles.quote_bar
        rows = self.blocks(block.children, max(1, width - 2), base + self.styles.quote, depth)
        for row in rows:
            row.blank = False  # the bar continues through the gap between paragraphs
            _indent_row(row, "▌ ", bar_style, 2)
        return rows

    def code(self, text: str, width: int, language: str = "") -> list[_Row]:
        style = self.styles.code_block
        marker_style = style + Style(dim=True)
        pad = 1 if width >= 6 else 0
        inner = max(1, width - 2 * pad)
        edge = " " * pad
        rows: list[_Row] = []
        lines = [_inline_safe(raw.expandtabs(4).rstrip()) for raw in text.rstrip("\n").split("\n")]
        colours = highlight_lines("\n".join(lines), language, self.styles.code_theme) if language else None
        if language:  # the label row says what the block is, highlighted or not
            label = language[: max(1, inner)]
            fill = " " * max(0, inner - len(label))
            rows.append(_Row([Segment(edge + label + fill + edge, marker_style)], edge + label + fill + edge, width))
        for number, line in enumerate(lines):
            ascii_only = line.isascii()
            cells = len(line) if ascii_only else cell_len(line)
            if cells <= inner:
                chunks = [(0, len(line), cells, False)]
            else:
                chunks = []
                start = 0
                for cut in _chop(line, 0, len(line), max(1, inner - 1), ascii_only):
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
                rows.append(_Row(segments, row_text, pad * 2 + piece_cells + len(fill) + continued))
        return rows

    def table(self, block: _Table, width: int, base: Style) -> list[_Row]:
        styles = self.styles
        columns = max([len(block.header)] + [len(row) for row in block.rows])
        if columns == 0:
            return []
        aligns = (block.aligns + ["left"] * columns)[:columns]
        header_style = base + styles.table_header
        grid: list[list[list[_Piece]]] = []
        for cells, style in [(block.header, header_style)] + [(row, base) for row in block.rows]:
            cells = (cells + [[]] * columns)[:columns]
            grid.append([self.pieces(cell, style) for cell in cells])
        natural = [1] * columns
        for row in grid:
            for column, pieces in enumerate(row):
                text = "".join(piece[0] for piece in pieces if piece[0] != "\n")
                natural[column] = max(natural[column], cell_len(text))
        pad = 1 if width >= columns * 4 + 1 else 0
        available = width - (columns + 1) - 2 * pad * columns
        widths = _fit_columns(natural, available)
        border = styles.table_border

        def rule(left: str, middle: str, right: str) -> _Row:
            text = left + middle.join("─" * (w + 2 * pad) for w in widths) + right
            return _Row([Segment(text, border)], text, cell_len(text))

        out = [rule("┌", "┬", "┐")]
        for index, row in enumerate(grid):
            wrapped = [_wrap(pieces, widths[c], aligns[c]) for c, pieces in enumerate(row)]
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
                            _crop_row(cell, column_width)
                        segments.extend(cell.segments)
                        text_parts.append(cell.text)
                        links.extend([start + col, end + col, link] for start, end, link in cell.links)
                        used = cell.width
                    trail = " " * (column_width - used + pad)
                    segments.append(Segment(trail))
                    segments.append(Segment("│", border))
                    text_parts.append(trail + "│")
                    col += column_width + pad + 1
                out_row = _Row(segments, "".join(text_parts), col)
                out_row.links = links
                out.append(out_row)
            if index == 0 and len(grid) > 1:
                out.append(rule("├", "┼", "┤"))
        out.append(rule("└", "┴", "┘"))
        return out


def _fit_columns(natural: list[int], available: int) -> list[int]:
    """Column widths: natural widths if they fit, else the widest columns shrink first."""
    if sum(natural) <= available:
        return natural
    columns = len(natural)
    if available <= columns:
        return [1] * columns
    # Find the largest cap such that sum(min(n, cap)) <= available, then hand out the rest.
    low, high = 1, max(natural)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(n, cap) for n in natural) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [min(n, low) for n in natural]
    spare = available - sum(widths)
    for index, n in enumerate(natural):
        if spare <= 0:
            break
        if n > widths[index]:
            widths[index] += 1
            spare -= 1
    return widths


def _runs_text(runs: Sequence[_Run]) -> str:
    """The words of the runs; an image's "[image: …]" placeholder is not part of the passage."""
    return " ".join("".join(text for text, flags, _link in runs if not flags & IMAGE).split())


def _block_kind(block: _Block) -> str:
    if isinstance(block, _Heading):
        return "heading"
    if isinstance(block, _Paragraph) and all(flags & IMAGE or not text.strip() for text, flags, _ in block.runs):
        return "image"
    return "text"


def _block_text(block: _Block) -> str:
    """The plain text of a leaf block, whitespace collapsed (width independent)."""
    if isinstance(block, _Paragraph | _Heading):
        return _runs_text(block.runs)
    if isinstance(block, _Code | _Html):
        return " ".join(_inline_safe(block.text).split())
    if isinstance(block, _Table):
        rows = [block.header, *block.rows]
        return " ".join(" | ".join(_runs_text(cell) for cell in row) for row in rows)
    return ""


# ---------------------------------------------------------------------------------------------
# Assembly


def _finish(rows: Iterable[_Row], width: int, hrefs: Sequence[str]) -> RenderedDoc:
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
            _crop_row(row, width)
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
    renderer = _Renderer(styles or MarkdownStyles())
    with _gc_paused():
        parsed = _parse(text)
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
    pieces: list[_Piece] = []
    for run in runs:
        text, style = run[0], run[1] or Style()
        href = run[2] if len(run) > 2 else None
        link = -1
        if href:
            link = len(hrefs)
            hrefs.append(_inline_safe(href))
        for number, line in enumerate(sanitize(text).split("\n")):
            if number:
                pieces.append(("\n", style, -1))
            if line:
                pieces.append((_inline_safe(line), style, link))
    return _finish(_wrap(pieces, width, align), width, hrefs)


def render_rule(width: int, style: Style | None = None, char: str = "─") -> RenderedDoc:
    """A full-width horizontal line."""
    width = max(1, width)
    text = char * width
    row = _Row([Segment(text, style)], text, cell_len(text))
    return _finish([row], width, [])


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
