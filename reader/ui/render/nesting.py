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


MAX_TABLE_LINES = 500
"""Rows of one pipe table handed to markdown-it: a 2 MB table (5,000 rows × 200 columns) made
a million tokens, 3 GB and seconds per key. The rest is counted under a visible note."""
MAX_TABLE_CELLS = 40
"""Cells kept per table line, for the same reason."""
TABLE_CELL_BUDGET = 2_000
"""Cells kept per table (at least 50 rows): a wide table keeps fewer rows (40 columns: 50), so
what one table costs to parse and draw — as a grid or as cards — is bounded by its cells."""


_DELIMITER_ROW = re.compile(r"[ \t]*+\|?+[ \t]*+:?+-++:?+[ \t]*+(?:\|[ \t]*+:?+-++:?+[ \t]*+)*+\|?+[ \t]*+")
"""A pipe table's second line (``---|:--:``): possessive, so a line of 100,000 ``-`` is one pass."""


def cap_tables(text: str) -> str:
    """``text`` with each pipe table cut to :data:`MAX_TABLE_LINES` rows of
    :data:`MAX_TABLE_CELLS` cells, and a line saying how many rows and columns are not shown.

    A table is a run of lines that start with ``|``, or a line with a ``|`` over a delimiter row
    and the non-blank lines with a ``|`` under it (GFM tables need no leading pipe).
    """
    if "|" not in text:
        return text  # most articles: no per-line work
    out: list[str] = []
    run = hidden_rows = hidden_cells = 0
    limit = MAX_TABLE_LINES
    lines = text.split("\n")

    def note() -> None:
        parts = [f"{hidden_rows:,} more rows"] if hidden_rows else []
        if hidden_cells:
            parts.append(f"{hidden_cells:,} more columns")
        if parts:
            out.extend(["", f"*… {' and '.join(parts)} of this table not shown*", ""])

    for number, line in enumerate(lines):
        in_table = line.lstrip().startswith("|") or (
            "|" in line
            and (
                run
                or (
                    number + 1 < len(lines)
                    and "-" in lines[number + 1]
                    and _DELIMITER_ROW.fullmatch(lines[number + 1]) is not None
                )
            )
        )
        if in_table and line.strip():
            run += 1
            body = line.strip()
            edge = "|" if body.startswith("|") else ""
            core = body[len(edge) :]
            core = core[:-1] if core.endswith("|") else core
            cells = core.count("|") + 1
            if run == 1:
                limit = min(MAX_TABLE_LINES, max(50, TABLE_CELL_BUDGET // min(cells, MAX_TABLE_CELLS)))
            if run > limit + 2:  # header and delimiter row, then the body
                hidden_rows += 1
                continue
            if cells > MAX_TABLE_CELLS:
                cut = -1
                for _ in range(MAX_TABLE_CELLS):
                    cut = core.find("|", cut + 1)
                hidden_cells = max(hidden_cells, cells - MAX_TABLE_CELLS)
                line = edge + core[:cut] + edge
            out.append(line)
            continue
        if run:
            note()
            run = hidden_rows = hidden_cells = 0
        out.append(line)
    if run:
        note()
    return "\n".join(out)
