"""Articles per month, for the sparkline above a filtered list.

Months are UTC calendar months, the same clock ``after:``/``before:``/``date:`` use, so the
bar for 2021-10 counts exactly what ``date:2021-10`` would list. Each article's month is worked
out once per library snapshot (cached on the library) so redrawing the sparkline on every
keystroke is a single counting pass over the matching ids.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.snapshot import Library

BARS = "▁▂▃▄▅▆▇█"
_UNDATED = -1


def month_numbers(library: Library) -> list[int]:
    """Each article's month as ``year * 12 + month - 1`` (``-1`` when undated), cached per snapshot."""
    cached = library.memo.months
    if cached is not None and len(cached) == len(library.articles):
        return cached
    months: list[int] = []
    append = months.append
    for when in library.articles.column("date"):
        if when is None:
            append(_UNDATED)
        else:
            if when.tzinfo is not UTC:
                when = when.astimezone(UTC)
            append(when.year * 12 + when.month - 1)
    library.memo.months = months
    return months


def timeline(library: Library, ids: Iterable[int]) -> list[tuple[str, int]]:
    """``[("2021-07", 3), ("2021-08", 0), …]``: every month from the first to the last dated
    article among ``ids`` (empty months included, so the list is an even time axis).

    Undated articles are left out; no dated article gives ``[]``.
    """
    months = month_numbers(library)
    counts = Counter(months[i] for i in ids)
    counts.pop(_UNDATED, None)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(f"{m // 12:04d}-{m % 12 + 1:02d}", counts.get(m, 0)) for m in range(first, last + 1)]


def sparkline(counts: Sequence[int] | Sequence[tuple[str, int]], width: int) -> str:
    """A one-line bar chart of ``counts`` (ints, or :func:`timeline`'s pairs) at most ``width`` cells wide.

    With more months than cells, months are summed in buckets of equal length ``k`` (the
    smallest that fits), counted back from the most recent month, so the chart may come out
    narrower than ``width``. Equal buckets matter: alternating 1- and 2-month buckets would
    draw a comb out of a flat series. A shorter first (oldest) bucket is drawn at its monthly
    rate so it does not look like a dip. Bars scale to the largest bucket; a bucket with no
    articles is a space (a gap reads as a gap), any other is at least ``▁``.
    """
    values = [c[1] if isinstance(c, tuple) else int(c) for c in counts]
    if width <= 0 or not values:
        return ""
    heights: list[float] = [float(v) for v in values]
    if len(values) > width:
        k = -(-len(values) // width)
        first = len(values) % k or k
        edges = [0, *range(first, len(values) + 1, k)]
        heights = [sum(values[a:b]) * k / (b - a) for a, b in pairwise(edges)]
    top = max(heights)
    if top <= 0:
        return " " * len(heights)
    levels = len(BARS)
    return "".join(" " if h <= 0 else BARS[max(0, min(levels - 1, math.ceil(h * levels / top) - 1))] for h in heights)
