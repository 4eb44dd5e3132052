"""The tag chips of the article header, kept to two rows so they never bury the article.

A threat report can carry 150 faceted tags (IPs, IPv6, URLs, malware names): drawn in full
they filled the first screen of a 160×50 terminal and the body started off screen. Folded,
plain tags come first (they are what a reader files by), then each facet group as one chip
(``ipv4 ×12``), and whatever does not fit in ``MAX_ROWS`` rows is counted in a last chip that
says how to see everything (``T`` or a click on it).
"""

from __future__ import annotations

from rich.cells import cell_len

MAX_ROWS = 2
"""Rows of tag chips in the folded header."""
EXPAND_HREF = "reader:expand-tags"
"""The href of the "show all tags" chip: a click on it unfolds the tags (it is never opened)."""


def chip(label: str) -> str:
    """A label as one unbreakable chip (no-break spaces: the wrapper breaks only at plain spaces)."""
    return "\xa0" + label.replace(" ", "\xa0") + "\xa0"


def folded_labels(labels: list[str]) -> list[str]:
    """Plain tags first, then one label per facet group: the value if alone, ``name ×N`` if not.

    ``labels`` come from :func:`reader.ui.article_view.tag_labels` (``#tag`` or ``name: value``).
    """
    plain = [label for label in labels if label.startswith("#")]
    groups: dict[str, list[str]] = {}
    for label in labels:
        if not label.startswith("#"):
            name, _, value = label.partition(": ")
            groups.setdefault(name, []).append(value)
    facets = [
        f"{name}: {values[0]}" if len(values) == 1 else f"{name} ×{len(values)}" for name, values in groups.items()
    ]
    return plain + facets


def fit_rows(labels: list[str], width: int, rows: int = MAX_ROWS) -> tuple[list[str], int]:
    """The labels that fit in ``rows`` rows of ``width`` cells, leaving room for a "+N more"
    chip when some do not fit; returns (labels shown, number left out)."""

    def packs(chips: list[str]) -> bool:
        row, used = 1, 0
        for text in chips:
            size = cell_len(chip(text))
            needed = size if used == 0 else used + 1 + size
            if needed <= width or used == 0:
                used = needed
            else:
                row, used = row + 1, size
            if row > rows:
                return False
        return True

    if packs(labels):
        return labels, 0
    shown: list[str] = []
    for index, label in enumerate(labels):
        rest = len(labels) - index - 1
        if not packs([*shown, label, more_label(rest)]):
            break
        shown.append(label)
    return shown, len(labels) - len(shown)


def more_label(hidden: int) -> str:
    """The chip that stands for the tags left out."""
    return f"+{hidden} more · T shows all"
