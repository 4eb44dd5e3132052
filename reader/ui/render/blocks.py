"""The block tree an article parses into: width independent, so it is cached per text.

Inline text is a list of runs ``(text, flag bits, link id)``; the flags say which styles apply
(emphasis, code, a link …) and are resolved to Rich styles only when a width is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class Flag:
    """Inline flag bits (plain ints: they are or-ed per word in the hot loop)."""

    EM, STRONG, STRIKE, CODE, LINK, IMAGE = 1, 2, 4, 8, 16, 32
    MARK = 64
    """``==highlight==``."""
    MUTED = 128
    """Raw HTML tags, Hugo shortcodes, Liquid tags."""
    FOOTNOTE = 256
    """A footnote marker ``[1]``."""


Run = tuple[str, int, int]
"""An inline run: text, flag bits, link id (-1: not a link). ``"\\n"`` alone is a hard break."""


@dataclass(slots=True)
class Heading:
    level: int
    runs: list[Run]
    anchor: str = ""
    """The slug a ``#fragment`` or ``[[Note#Heading]]`` names it by (:func:`reader.library.link_targets.slug`)."""


@dataclass(slots=True)
class Paragraph:
    runs: list[Run]
    tight: bool = False


@dataclass(slots=True)
class Code:
    text: str
    language: str = ""


@dataclass(slots=True)
class Html:
    """A raw HTML block: reduced to its text, dimmed (never shown as source)."""

    text: str


@dataclass(slots=True)
class Rule:
    pass


@dataclass(slots=True)
class Quote:
    children: list[Block]


@dataclass(slots=True)
class Callout:
    """An Obsidian callout (``> [!tip] Title``): a titled box; ``fold`` is ``+``, ``-`` or ``""``."""

    kind: str
    title: list[Run]
    children: list[Block]
    fold: str = ""


@dataclass(slots=True)
class ListBlock:
    ordered: bool
    start: int
    tight: bool
    items: list[list[Block]]
    tasks: list[bool | None] = field(default_factory=list)
    """Per item: ``False`` for ``[ ]``, ``True`` for ``[x]``, ``None`` for a plain item."""


@dataclass(slots=True)
class Table:
    aligns: list[str]
    header: list[list[Run]]
    rows: list[list[list[Run]]]
    hidden_rows: int = 0
    """Rows of the source not kept (see :data:`reader.ui.render.nesting.MAX_TABLE_LINES`)."""


@dataclass(slots=True)
class Footnotes:
    """The notes of ``[^label]`` markers, gathered at the end: ``(number, blocks)``."""

    notes: list[tuple[int, list[Block]]]


Block = Heading | Paragraph | Code | Html | Rule | Quote | Callout | ListBlock | Table | Footnotes


@dataclass(slots=True)
class Parsed:
    blocks: list[Block]
    hrefs: list[str]


def runs_text(runs: Sequence[Run]) -> str:
    """The words of the runs; an image's "[image: …]" placeholder is not part of the passage."""
    return " ".join("".join(text for text, flags, _link in runs if not flags & Flag.IMAGE).split())


def block_kind(block: Block) -> str:
    if isinstance(block, Heading):
        return "heading"
    if isinstance(block, Paragraph) and all(flags & Flag.IMAGE or not text.strip() for text, flags, _ in block.runs):
        return "image"
    return "text"


def block_text(block: Block) -> str:
    """The plain text of a leaf block, whitespace collapsed (width independent)."""
    if isinstance(block, Paragraph | Heading):
        return runs_text(block.runs)
    if isinstance(block, Code | Html):
        return " ".join(block.text.split())
    if isinstance(block, Table):
        rows = [block.header, *block.rows]
        return " ".join(" | ".join(runs_text(cell) for cell in row) for row in rows)
    return ""
