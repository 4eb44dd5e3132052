"""The clipping layout: how a web clipper writes an article, and how it is read back.

::

    # Title
    ### Subtitle
    ## Information:
    + Source: …
    + Link: …
    ## Article:
    the body …
    #### Tags:
    [[Tag]] [[Other tag]]

(or ``## Tags:`` with facet sub-sections: ``### CVE`` and one value a line). These rules cut
the body at the tag block and turn its words into tags, so they apply only to files that
:func:`is_clipping` recognises; everything else is a note (:mod:`reader.library.layouts`).

Works on offsets into the text rather than a list of lines, and looks for its sections only
near the top: it runs on every clipping of a 100,000-article library.
"""

from __future__ import annotations

import re

from reader.library.layouts import first_h1
from reader.library.tags import MAX_TAGS, clean_tag, section_facet

UNKNOWN_VALUES = {"unknown", "none", "null", "n/a", "-", "?"}
"""What clippers write where they know nothing: read as an empty field, never as a value or a tag."""
_TAG_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_INFO_LINE = re.compile(r"^[+*-]\s+([A-Za-z][\w ]{0,30}?)\s*:\s*(.*)$")
# The text is group 2 with its closing hashes still on (see _heading_text): the old
# ``(.*?)\s*#*\s*$`` was cubic on a line of spaces (20 KB → minutes).
_HEADING = re.compile(r"^(#{1,6})(?:\s++(.*+))?$")

_INFO_HEADING = re.compile(r"^##[ \t]*+Information[ \t]*+(?::[ \t]*+)?$", re.MULTILINE | re.IGNORECASE)
_ARTICLE_HEADING = re.compile(r"^##[ \t]*+Article[ \t]*+(?::[ \t]*+)?$", re.MULTILINE | re.IGNORECASE)
# Starts with a literal newline so the regex engine can skip ahead quickly: ``^`` with
# MULTILINE is ten times slower on a 5 KB body.
_TAG_BLOCK = re.compile(
    r"\n#{2,4}[ \t]*+(?:[Aa]utogenerated[ \t]++)?[Tt][Aa][Gg][Ss][ \t]*+(?::[ \t]*+)?(?=\n|$)"
)
_SOURCE_LINE = re.compile(r"\n[+*-][ \t]++(?:Source|Link)[ \t]*+:", re.IGNORECASE)

_HEAD_WINDOW = 4096
"""The Information block sits in the first few lines; do not hunt for it across a huge body."""


def _search_lines(pattern: re.Pattern[str], text: str, marker: str, start: int, end: int) -> re.Match[str] | None:
    """``pattern.search(text, start, end)`` for a MULTILINE pattern that starts with ``^`` and
    then ``marker`` (``"##"``, ``"# "``): only tries the line starts where ``marker`` is.

    Same result, several times faster on a 5 KB article: ``str.find`` skips the text in C,
    where the regex engine would try ``^`` at every position (and cannot skip ahead at all
    with IGNORECASE). Runs on every file of the library.
    """
    if (start == 0 or text[start - 1 : start] == "\n") and text.startswith(marker, start, end):
        found = pattern.match(text, start, end)
        if found is not None:
            return found
    needle = "\n" + marker
    at = text.find(needle, start, end)
    while at != -1:
        found = pattern.match(text, at + 1, end)
        if found is not None:
            return found
        at = text.find(needle, at + 1, end)
    return None


def is_clipping(text: str) -> bool:
    """Whether a (front-matter-free) text is a clipping: the clipping rules apply only then.

    Conservative, because the rules cut the body at a Tags heading and make words tags: a
    clipping has an ``## Article:`` section, or an ``## Information:`` block naming its
    ``+ Source:`` or ``+ Link:``, near the top. Every other file is a note.
    """
    start = len(text) - len(text.lstrip("\n \t"))
    start = text.rfind("\n", 0, start) + 1
    if text.startswith("# ", start):  # the title line may be long: look after it
        start = _line_end(text, start)
    end = min(len(text), start + _HEAD_WINDOW * 2)
    if _search_lines(_ARTICLE_HEADING, text, "##", start, end) is not None:
        return True
    info = _search_lines(_INFO_HEADING, text, "##", start, end)
    return info is not None and _SOURCE_LINE.search(text, info.end(), end) is not None


def clipping_layout(text: str) -> tuple[dict[str, str], str, list[str]]:
    """Split a (front-matter-free) text into metadata fields, body and tag-block tags.

    Works for the clipping layout and degrades to "plain Markdown": a file with no
    ``## Information:``/``## Article:`` sections is all body, with its first H1 as title.
    Works on offsets into the text rather than a list of lines: it runs on every file.
    """
    fields: dict[str, str] = {}
    pos = len(text) - len(text.lstrip("\n \t"))
    pos = text.rfind("\n", 0, pos) + 1
    body_start = pos
    if text.startswith("# ", pos):
        line_end = _line_end(text, pos)
        fields["title"] = text[pos + 2 : line_end].strip()
        body_start = pos = min(line_end + 1, len(text))
        head = text[pos : pos + 200]
        nxt = pos + len(head) - len(head.lstrip("\n"))
        if text.startswith("###", nxt) and not text.startswith("####", nxt):
            line_end = _line_end(text, nxt)
            fields["subtitle"] = text[nxt:line_end].lstrip("#").strip()
            body_start = pos = min(line_end + 1, len(text))
    window_end = min(len(text), pos + _HEAD_WINDOW)
    info = _search_lines(_INFO_HEADING, text, "##", pos, window_end)
    article = _search_lines(_ARTICLE_HEADING, text, "##", info.end() if info else pos, window_end)
    if info is not None:
        block_end = article.start() if article else window_end
        consumed = info.end()
        for line in text[info.end() : block_end].split("\n"):
            stripped = line.strip()
            match = _INFO_LINE.match(stripped)
            if match:
                fields.setdefault(match.group(1).strip().lower(), match.group(2).strip())
            elif stripped and article is None:
                break
            consumed += len(line) + 1
        body_start = min(consumed, len(text))
    if article is not None:
        body_start = min(article.end() + 1, len(text))
    tags: list[str] = []
    body_end = len(text)
    block = _tag_block_at(text, max(body_start - 1, 0))
    if block is not None:
        body_end = block.start() + 1
        tags = _tag_block(text[body_end:].split("\n"))
    body = text[body_start:body_end].strip("\n")
    if not fields.get("title"):
        fields.pop("title", None)
        h1 = first_h1(body)
        if h1:
            fields["title"] = h1[2]
    return fields, body, tags


def _tag_block_at(text: str, start: int) -> re.Match[str] | None:
    """``_TAG_BLOCK.search(text, start)``, tried only where a line starts with ``#``.

    The ``#`` are found by ``str.find``, a ``memchr`` for one character, and prose holds few:
    ~1 µs over a 6 KB clipping where the regex engine, stopping at each of its ~100 line
    breaks, took ~5 µs.
    """
    at = text.find("#", start + 1)
    while at != -1:
        if text[at - 1] == "\n":
            found = _TAG_BLOCK.match(text, at - 1)
            if found is not None:
                return found
        line_end = text.find("\n", at)  # the next candidate starts a later line
        if line_end == -1:
            return None
        at = text.find("#", line_end + 1)
    return None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _tag_block(lines: list[str]) -> list[str]:
    """Tags from the block at the end of a clipping, sections and all."""
    out: list[str] = []
    facet: str | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        heading = _HEADING.match(stripped) if stripped[0] == "#" else None
        if heading:
            facet = section_facet(_heading_text(heading))
            continue
        links = _TAG_LINK.findall(stripped)
        if links:
            for raw in links:
                tag = clean_tag(raw)
                if tag and facet and "=" not in tag:
                    tag = clean_tag(f"{facet}={tag}")
                out.append(tag)
        elif facet:
            for word in stripped.split():
                if word.lower() in UNKNOWN_VALUES:
                    continue
                out.append(clean_tag(f"{facet}={word}"))
        if len(out) > MAX_TAGS * 2:
            break
    return out


def _heading_text(heading: re.Match[str]) -> str:
    """A heading's text without its optional closing ``#`` run (``## Tags ##`` → ``Tags``)."""
    return (heading.group(2) or "").strip().rstrip("#").rstrip()
