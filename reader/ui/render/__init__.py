"""Markdown → pre-wrapped, styled terminal rows for the article pane, split by job.

Why not ``textual.widgets.Markdown``: it mounts one widget per block, so showing a 100 KB
article takes seconds. Here markdown-it parses the document once into a small block tree
(cached by text), and every width gets its own cheap wrap pass that emits one
:class:`~textual.strip.Strip` per screen row. The widget then only slices rows.

The jobs, in the order text flows through them:

* :mod:`~reader.ui.render.safe` — the terminal-safe rule and the size caps;
* :mod:`~reader.ui.render.nesting` — deep nesting and huge tables cut visibly;
* :mod:`~reader.ui.render.parse` — tokens → the block tree of :mod:`~reader.ui.render.blocks`;
* :mod:`~reader.ui.render.renderer` — blocks → rows, with :mod:`~reader.ui.render.wrap` (word
  wrap), :mod:`~reader.ui.render.tables`, :mod:`~reader.ui.render.code` and
  :mod:`~reader.ui.render.highlight` (Pygments);
* :mod:`~reader.ui.render.doc` — the rendered document the widget slices;
* :mod:`~reader.ui.render.styles` — every style, declared once.

No widgets here: pure functions of text, width and styles (safe in a worker thread).
"""

from reader.ui.render.doc import BlockSpan, LinkSpan, RenderedDoc, StripList, join_docs, split_doc
from reader.ui.render.renderer import render_markdown, render_rule, render_runs
from reader.ui.render.safe import MAX_LINE_CHARS, sanitize
from reader.ui.render.styles import MarkdownStyles

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
    "split_doc",
]
