"""Syntax colours for fenced code blocks, for the cached line renderer.

Pygments (installed with Rich) tokenises a block once per (text, language, theme); the
renderer then wraps the coloured spans like plain code (same ↩ marks), so highlighting costs
nothing per frame and no widget is mounted per block. An unknown or missing language, or the
theme ``None`` (highlighting off), gives ``None``: the block is drawn in the plain code style.

Only colours and bold/italic come from the theme; the background stays the code block's, so
every Textual theme keeps its look.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import Token  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]
from rich.style import Style
from rich.syntax import PygmentsSyntaxTheme

Span = tuple[str, Style]

DEFAULT_THEME = "monokai"
MAX_HIGHLIGHT_CHARS = 100_000
"""A code block longer than this is drawn plain: tokenising it would stall an article switch."""


def language_of(info: str) -> str:
    """The language word of a fence's info string (```` ```python title="x" ```` → ``python``)."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").lower()[:40]


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=16)
def _theme(name: str) -> PygmentsSyntaxTheme | None:
    try:
        return PygmentsSyntaxTheme(name)
    except Exception:  # an unknown theme name means "no colours", not a crash
        return None


@lru_cache(maxsize=256)
def highlight_lines(text: str, language: str, theme: str | None) -> tuple[tuple[Span, ...], ...] | None:
    """Each source line of ``text`` as coloured spans, or ``None`` when it is not highlighted.

    ``text`` must already be terminal-safe and tab-expanded, line by line, as the renderer
    shows it: the spans are cut from it, so their texts join back to exactly its lines.
    """
    if not theme or not language or len(text) > MAX_HIGHLIGHT_CHARS:
        return None
    lexer, pygments_theme = _lexer(language), _theme(theme)
    if lexer is None or pygments_theme is None:
        return None
    lines: list[list[Span]] = [[]]
    # The theme's plain-text colour is dropped: plain code keeps the block's own (theme) colour.
    plain = pygments_theme.get_style_for_token(Token).color
    styles: dict[object, Style] = {}
    for token_type, value in lexer.get_tokens(text):
        style = styles.get(token_type)
        if style is None:
            full = pygments_theme.get_style_for_token(token_type)
            color = full.color if full.color != plain else None
            style = styles[token_type] = Style(color=color, bold=full.bold, italic=full.italic)
        for number, piece in enumerate(value.split("\n")):
            if number:
                lines.append([])
            if piece:
                lines[-1].append((piece, style))
    return tuple(tuple(line) for line in lines)


def cut_spans(spans: tuple[Span, ...], start: int, end: int) -> list[Span]:
    """The spans covering characters ``start:end`` of their joined text."""
    out: list[Span] = []
    position = 0
    for text, style in spans:
        after = position + len(text)
        if after > start and position < end:
            out.append((text[max(0, start - position) : end - position], style))
        position = after
        if position >= end:
            break
    return out
