"""Untrusted article text made safe and bounded before the Markdown parser sees it.

Nothing of the renderer goes through Rich or Textual markup: text is put into ``Segment``
objects verbatim, after :func:`sanitize` — the library's one terminal-safe rule
(:func:`reader.library.inert.make_inert`) — has made every control, bidi and zero-width
character visible. markdown-it itself drops ``javascript:``/``file:``/``data:`` links (they stay
plain text). Sizes are capped here too, saying so in the text, so no article can stall the
parser or the wrap pass.
"""

from __future__ import annotations

from reader.library.inert import make_inert, make_inert_inline

__all__ = ["MAX_DOCUMENT_CHARS", "MAX_LINE_CHARS", "cap_length", "inline_safe", "sanitize"]

MAX_LINE_CHARS = 200_000
"""A single source line longer than this is cut (with a visible note): keeps a 1 MB one-line
"article" (a scraping accident) from stalling the parser and producing 10,000 rows."""

MAX_DOCUMENT_CHARS = 2_000_000
"""Documents are cut here too, for the same reason."""

sanitize = make_inert
"""Make untrusted text terminal-safe while keeping newlines and tabs (CRLF becomes LF)."""

inline_safe = make_inert_inline
"""Sanitise text that must stay on one row (entities like ``&NewLine;`` decode to ``\\n``)."""


def cap_length(text: str) -> str:
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
