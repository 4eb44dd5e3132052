"""Deep nesting clamped before markdown-it sees it, visibly, so no text is ever dropped.

markdown-it stops building blocks past ``maxNesting`` (20) levels and silently drops what is
inside: a 10,000-level blockquote rendered no row at all, a deeply nested list ten. Here every
line whose container prefix (``>`` quotes, list markers) or indentation goes deeper than the
renderer shows is cut back to that depth, and its text starts with :data:`DEEPER_MARK`.
Runs once per parsed document, linear in its length.
"""

from __future__ import annotations

import re

MAX_MARKERS = 6
"""Quote and list markers kept at the start of a line (each list level costs markdown-it two
levels of nesting, and the paragraph inside one more: 6 stays under its limit of 20)."""
MAX_INDENT = 2 * MAX_MARKERS
"""Leading columns kept: an indented list nests one level per two to four spaces."""
DEEPER_MARK = "⋯ nested deeper: "

# Possessive throughout: a line of 100,000 "> " is scanned once.
_PREFIX = re.compile(r"(?:[ \t]{0,3}+(?:>|[-*+](?=[ \t])|\d{1,9}+[.)](?=[ \t]))[ \t]?+)++")


def clamp_nesting(text: str) -> str:
    """``text`` with every too-deeply nested line brought back to the deepest shown level."""
    if ">" not in text and "  " * MAX_MARKERS not in text and "- " * MAX_MARKERS not in text:
        return text  # the common case: nothing deep, no per-line work
    lines = text.split("\n")
    for index, line in enumerate(lines):
        lines[index] = _clamp_line(line)
    return "\n".join(lines)


def _clamp_line(line: str) -> str:
    indent = len(line) - len(line.lstrip(" \t"))
    if indent > MAX_INDENT:
        line = " " * MAX_INDENT + DEEPER_MARK + line[indent:]
        return line
    match = _PREFIX.match(line)
    if match is None:
        return line
    prefix = match.group()
    markers = [m for m in re.finditer(r">|[-*+]|\d{1,9}+[.)]", prefix)]
    if len(markers) <= MAX_MARKERS:
        return line
    kept = prefix[: markers[MAX_MARKERS].start()]
    return kept.rstrip(" \t") + " " + DEEPER_MARK + line[match.end() :]
