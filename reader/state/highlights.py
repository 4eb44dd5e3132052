"""Highlights and notes: the record, and finding a passage again after its file was edited.

A highlight is anchored the way the W3C Web Annotation *TextQuoteSelector* anchors one: by
the exact passage plus up to :data:`CONTEXT` characters before (``prefix``) and after
(``suffix``) it, in the article's plain text (its blocks joined by blank lines). Offsets or
block numbers would break at the first edit anywhere above the passage; the quote survives any
edit outside it, and the context tells apart two identical passages (a repeated "Read more.").

Which article a highlight belongs to is the bookmarks' identity (link → fingerprint → path,
:mod:`.identity`), so it follows renames and moves the same way.

A highlight with an empty ``exact`` is a note on the whole article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.state.identity import record_json

CONTEXT = 32
"""Characters of context kept on each side of the passage (what TextQuoteSelector suggests)."""

GONE = "passage no longer in the article"
"""How a highlight whose passage cannot be found any more is marked, everywhere."""

BLOCK_SEPARATOR = "\n\n"
MAX_OCCURRENCES = 1000
"""Stop counting candidate places after this many (a one-word passage in a huge article)."""


@dataclass(slots=True, frozen=True)
class Highlight:
    """A saved passage (or, with ``exact == ""``, a note on the article)."""

    id: str
    path: str
    link: str
    fingerprint: str
    title: str
    exact: str
    prefix: str
    suffix: str
    note: str
    created: str
    """ISO 8601, UTC."""

    @property
    def is_article_note(self) -> bool:
        return not self.exact

    def to_json(self) -> dict[str, object]:
        return record_json(self)


def plain_text(blocks: list[str]) -> str:
    """The text highlights are anchored in: the article's block texts, one blank line apart."""
    return BLOCK_SEPARATOR.join(blocks)


def quote(text: str, start: int, end: int) -> tuple[str, str, str]:
    """``(prefix, exact, suffix)`` of ``text[start:end]``: the selector to store."""
    return text[max(0, start - CONTEXT) : start], text[start:end], text[end : end + CONTEXT]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _loose(exact: str) -> re.Pattern[str] | None:
    """The passage with any run of whitespace matching any other (a re-wrapped paragraph)."""
    words = exact.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def locate(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """Where the passage is in ``text`` now, or ``None`` when it is gone.

    Among several occurrences the one whose surroundings agree best with the stored context
    wins (ties: the first). When the exact passage is not there, one that differs only in
    whitespace still counts.
    """
    if not exact:
        return None
    spans: list[tuple[int, int]] = []
    at = text.find(exact)
    while at >= 0 and len(spans) < MAX_OCCURRENCES:
        spans.append((at, at + len(exact)))
        at = text.find(exact, at + 1)
    if not spans:
        pattern = _loose(exact)
        if pattern is None:
            return None
        spans = [m.span() for _, m in zip(range(MAX_OCCURRENCES), pattern.finditer(text), strict=False)]
        if not spans:
            return None
    if len(spans) == 1:
        return spans[0]

    def score(span: tuple[int, int]) -> int:
        start, end = span
        before = text[max(0, start - len(prefix)) : start]
        return _common_suffix(before, prefix) + _common_prefix(text[end : end + len(suffix)], suffix)

    return max(spans, key=score)


def block_ranges(blocks: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each block inside :func:`plain_text` of ``blocks``."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    for block in blocks:
        ranges.append((offset, offset + len(block)))
        offset += len(block) + len(BLOCK_SEPARATOR)
    return ranges


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def sentence_around(text: str, offset: int) -> tuple[int, int]:
    """The sentence of ``text`` (one block's text) holding ``offset``, as ``(start, end)``."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > offset:
            return start, match.start() + len(match.group().rstrip())
        start = match.end()
    return start, len(text)
