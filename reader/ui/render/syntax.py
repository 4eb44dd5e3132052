"""The Markdown dialects a library holds, taught to markdown-it: Obsidian, Hugo, Jekyll, GFM.

* ``[[Note]]``, ``[[Note|shown text]]``, ``[[Note#Heading]]``, ``![[embed]]``: links whose href is
  ``wikilink:Note#Heading`` (:data:`WIKILINK_PREFIX`), so whoever follows one knows to resolve it
  by note name, as Obsidian does, not as a path;
* ``==highlight==`` (a ``mark`` span) and ``%%comments%%`` (dropped, inline or as lines of their
  own);
* Hugo shortcodes ``{{< … >}}`` / ``{{% … %}}`` and Liquid ``{% … %}`` / ``{{ … }}``: one
  ``template`` token holding the source, shown dimmed, so nothing inside turns into emphasis or
  a broken link;
* footnotes (mdit-py-plugins) and bare URLs (linkify-it-py) are switched on in :func:`markdown`.

Every rule looks for its closer with ``str.find`` inside a bounded window, so a run of
delimiters costs linear time (tests/unit/test_regex_linear.py).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote import footnote_plugin

__all__ = ["WIKILINK_PREFIX", "markdown"]

WIKILINK_PREFIX = "wikilink:"
"""The href of a ``[[wikilink]]``: ``wikilink:`` + the target as written (``Note#Heading``)."""

_WINDOW = 2_000
"""The farthest an inline rule looks for its closer: a wikilink or a shortcode is short."""
_COMMENT_WINDOW = 100_000

_TEMPLATES = (("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}"), ("{{", "}}"))
"""Hugo shortcodes, then Liquid tags and output (the longest opener first)."""


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    start = pos + (3 if embed else 2)
    if not (embed or src.startswith("[[", pos)):
        return False
    end = src.find("]]", start, min(state.posMax, start + _WINDOW))
    inner = src[start:end] if end > start else ""
    if not inner.strip() or "[" in inner or "]" in inner or "\n" in inner:
        return False
    if not silent:
        target, _, label = inner.partition("|")
        target = target.strip()
        if not label.strip():
            note, _, heading = target.partition("#")
            label = f"{note} › {heading}" if note and heading else (note or heading)
            if embed:
                label = f"[embed: {label}]"
        opening = state.push("link_open", "a", 1)
        opening.attrs = {"href": WIKILINK_PREFIX + target}
        opening.meta = {"wikilink": True}
        text = state.push("text", "", 0)
        text.content = label.strip()
        state.push("link_close", "a", -1)
    state.pos = end + 2
    return True


def _mark(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("==", pos) or src.startswith("=", pos + 2):
        return False
    end = src.find("==", pos + 2, min(state.posMax, pos + 2 + _WINDOW))
    inner = src[pos + 2 : end] if end > pos + 2 else ""
    if not inner.strip() or inner != inner.strip():
        return False
    if not silent:
        state.push("mark_open", "mark", 1)
        old_max = state.posMax
        state.pos, state.posMax = pos + 2, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("mark_close", "mark", -1)
    state.pos = end + 2
    return True


def _comment(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    end = src.find("%%", pos + 2, min(state.posMax, pos + 2 + _COMMENT_WINDOW))
    if end < 0:
        return False
    state.pos = end + 2
    return True


def _comment_lines(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``%%`` opening a line hides up to the closing ``%%``, blank lines included."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if not src.startswith("%%", pos):
        return False
    line, search_from = start_line, pos + 2
    while line < end_line:
        close = src.find("%%", search_from, state.eMarks[line])
        if close >= 0:
            if src[close + 2 : state.eMarks[line]].strip():
                return False  # text follows the comment: the inline rule hides just the comment
            break
        line += 1
        if line < end_line:
            search_from = state.bMarks[line]
    else:
        return False  # never closed: the text stays visible rather than vanishing
    if not silent:
        state.line = line + 1
    return True


def _template(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "{":
        return False
    for opener, closer in _TEMPLATES:
        if src.startswith(opener, pos):
            end = src.find(closer, pos + len(opener), min(state.posMax, pos + _WINDOW))
            if end < 0:
                continue
            if not silent:
                token = state.push("template", "", 0)
                token.content = src[pos : end + len(closer)]
            state.pos = end + len(closer)
            return True
    return False


def markdown() -> MarkdownIt:
    """A parser for every dialect above (CommonMark, GFM tables, strikethrough, task boxes)."""
    md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    # The inline rule links "scheme://…" where it starts; the core pass (a regex scan of every
    # text token for fuzzy "www." links) cost 15 % of a parse and is off with fuzzy links.
    md.core.ruler.disable("linkify")
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "wikilink", _wikilink)
    md.inline.ruler.before("emphasis", "mark", _mark)
    md.inline.ruler.before("emphasis", "comment", _comment)
    md.inline.ruler.before("link", "template", _template)
    md.block.ruler.before("paragraph", "comment_lines", _comment_lines, {"alt": ["paragraph"]})
    if md.linkify is not None:  # bare scheme URLs only: "file.py" is not a link to Paraguay
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    return md
