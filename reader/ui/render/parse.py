"""Markdown text → the block tree of :mod:`reader.ui.render.blocks`, once per document.

markdown-it tokenises; this module folds its flat token stream into blocks and inline runs.
The parse is cached (:func:`parse`), so a resize only re-wraps.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

from markdown_it.token import Token

from reader.library.link_targets import slug
from reader.ui.render.blocks import (
    Block,
    Callout,
    Code,
    Flag,
    Footnotes,
    Heading,
    Html,
    ListBlock,
    Paragraph,
    Parsed,
    Quote,
    Rule,
    Run,
    Table,
    runs_text,
)
from reader.ui.render.highlight import language_of
from reader.ui.render.nesting import cap_tables, clamp_nesting
from reader.ui.render.safe import cap_length, inline_safe, sanitize
from reader.ui.render.syntax import markdown

__all__ = ["parse"]

_MD = markdown()
_FLAG_OF_OPEN = {"em_open": Flag.EM, "strong_open": Flag.STRONG, "s_open": Flag.STRIKE, "mark_open": Flag.MARK}
_CLOSERS = {"em_close", "strong_close", "s_close", "mark_close"}
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]{0,30}+)\]([+-]?+)[ \t]*+")
_TAG = re.compile(r"<[^<>]*+>")
_BREAK_TAG = re.compile(r"<br\s*+/?>", re.IGNORECASE)


_TASK_RE = re.compile(r"\[([ xX])\] ")


def _take_task(item: list[Block]) -> bool | None:
    """A task-list item (``- [ ] todo`` / ``- [x] done``): strip its box, say whether it is ticked."""
    first = item[0] if item else None
    if not isinstance(first, Paragraph) or not first.runs:
        return None
    text, flags, link = first.runs[0]
    match = _TASK_RE.match(text)
    if match is None or flags or link != -1:
        return None
    first.runs[0] = (text[match.end() :], flags, link)
    return match.group(1) != " "


def _inlines(children: Sequence[Token] | None, hrefs: list[str]) -> list[Run]:
    """Flatten inline tokens into styled runs, numbering links as they come."""
    runs: list[Run] = []
    flags = 0
    link = -1
    stack: list[tuple[int, int, int]] = []  # (flags, link, len(runs)) to restore on close
    for token in children or ():
        kind = token.type
        if kind == "text":
            if token.content:
                runs.append((inline_safe(token.content), flags, link))
        elif kind == "softbreak":
            runs.append((" ", flags, link))
        elif kind == "hardbreak":
            runs.append(("\n", flags, link))
        elif kind in _FLAG_OF_OPEN:
            stack.append((flags, link, len(runs)))
            flags |= _FLAG_OF_OPEN[kind]
        elif kind in _CLOSERS:
            if stack:
                flags, link, _ = stack.pop()
        elif kind == "code_inline":
            runs.append((inline_safe(token.content), flags | Flag.CODE, link))
        elif kind == "link_open":
            stack.append((flags, link, len(runs)))
            href = inline_safe(str(token.attrs.get("href", "")))
            link = len(hrefs)
            hrefs.append(href)
            flags |= Flag.LINK
        elif kind == "link_close":
            if stack:
                previous_flags, previous_link, opened_at = stack.pop()
                if opened_at == len(runs) and link >= 0:  # [](url): show the url
                    runs.append((hrefs[link], flags, link))
                flags, link = previous_flags, previous_link
        elif kind == "image":
            alt = "".join(child.content for child in token.children or ()) or token.content
            label = f"[image: {alt}]" if alt.strip() else "[image]"
            runs.append((inline_safe(label), flags | Flag.IMAGE, link))
        elif kind == "footnote_ref":
            runs.append((f"[{int(token.meta.get('id', 0)) + 1}]", flags | Flag.FOOTNOTE, link))
        elif kind == "template":  # a shortcode or Liquid tag: its source, dimmed
            runs.append((inline_safe(token.content), flags | Flag.MUTED, link))
        elif kind == "html_inline":  # a tag is markup, not text: only a line break survives
            if _BREAK_TAG.fullmatch(token.content.strip()):
                runs.append(("\n", flags, link))
        elif kind == "footnote_anchor":
            continue
        elif token.content:  # anything unknown: literal text, never interpreted
            runs.append((inline_safe(token.content), flags, link))
    return runs


def html_text(source: str) -> str:
    """The text of a raw HTML block: comments and tags gone, entities decoded, lines kept."""
    out: list[str] = []
    position = 0
    while (start := source.find("<!--", position)) >= 0:
        out.append(source[position:start])
        end = source.find("-->", start + 4)
        position = len(source) if end < 0 else end + 3
    out.append(source[position:])
    text = html.unescape(_TAG.sub(" ", "".join(out)))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _callout(tokens: list[Token], index: int, hrefs: list[str]) -> tuple[str, str, list[Run]] | None:
    """At ``blockquote_open``: an Obsidian callout's kind, fold mark and title, its marker line
    taken out of the quote's first paragraph; ``None`` for a plain quote."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None
    inline = tokens[index + 2]
    children = inline.children or []
    match = _CALLOUT.match(inline.content)
    if match is None or not children or children[0].type != "text" or not children[0].content.startswith(match[0]):
        return None
    children[0].content = children[0].content[len(match[0]) :]
    split = next((i for i, child in enumerate(children) if child.type in ("softbreak", "hardbreak")), len(children))
    title = _inlines(children[:split], hrefs)
    inline.children = children[split + 1 :]
    if not any(text.strip() for text, _flags, _link in title):
        title = [(match[1].capitalize(), 0, -1)]
    return match[1].lower(), match[2], title


def _align_of(token: Token) -> str:
    style = str(token.attrs.get("style", ""))
    if "center" in style:
        return "center"
    if "right" in style:
        return "right"
    return "left"


def _parse_table(tokens: list[Token], index: int, hrefs: list[str]) -> tuple[Table, int]:
    """Read tokens from just after ``table_open`` to just after ``table_close``."""
    header: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    aligns: list[str] = []
    in_head = False
    current: list[list[Run]] | None = None
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "table_close":
            index += 1
            break
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            current = header if in_head else []
            if not in_head:
                rows.append(current)
        elif kind in ("th_open", "td_open"):
            if in_head:
                aligns.append(_align_of(token))
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            cell = _inlines(inline.children, hrefs) if inline is not None and inline.type == "inline" else []
            if current is not None:
                current.append(cell)
        index += 1
    return Table(aligns, header, rows), index


def _parse_blocks(tokens: list[Token], index: int, hrefs: list[str], end: str | None = None) -> tuple[list[Block], int]:
    """Build blocks from ``tokens[index:]`` up to the closing token ``end``."""
    blocks: list[Block] = []
    count = len(tokens)
    while index < count:
        token = tokens[index]
        kind = token.type
        if kind == end:
            return blocks, index + 1
        if kind == "paragraph_open" or kind == "heading_open":
            inline = tokens[index + 1]
            runs = _inlines(inline.children, hrefs)
            if kind == "heading_open":
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                blocks.append(Heading(level, runs, slug(runs_text(runs))))
            else:
                blocks.append(Paragraph(runs, tight=token.hidden))
            index += 3
        elif kind in ("fence", "code_block"):
            blocks.append(Code(token.content, language_of(token.info) if kind == "fence" else ""))
            index += 1
        elif kind == "html_block":
            text = html_text(token.content)
            if text:
                blocks.append(Html(text))
            index += 1
        elif kind == "hr":
            blocks.append(Rule())
            index += 1
        elif kind == "blockquote_open":
            callout = _callout(tokens, index, hrefs)
            children, index = _parse_blocks(tokens, index + 1, hrefs, "blockquote_close")
            if callout is None:
                blocks.append(Quote(children))
            else:
                children = [b for b in children if not (isinstance(b, Paragraph) and not b.runs)]
                blocks.append(Callout(callout[0], callout[2], children, callout[1]))
        elif kind == "footnote_block_open":
            notes: list[tuple[int, list[Block]]] = []
            index += 1
            while index < count and tokens[index].type != "footnote_block_close":
                if tokens[index].type == "footnote_open":
                    number = int(tokens[index].meta.get("id", len(notes))) + 1
                    children, index = _parse_blocks(tokens, index + 1, hrefs, "footnote_close")
                    notes.append((number, children))
                else:
                    index += 1
            index += 1
            blocks.append(Footnotes(notes))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = kind.replace("_open", "_close")
            start_attr = token.attrs.get("start", 1)
            start = int(start_attr) if str(start_attr).isdigit() else 1
            items: list[list[Block]] = []
            index += 1
            while index < count and tokens[index].type != close:
                if tokens[index].type == "list_item_open":
                    children, index = _parse_blocks(tokens, index + 1, hrefs, "list_item_close")
                    items.append(children)
                else:
                    index += 1
            index += 1
            paragraphs = [b for item in items for b in item if isinstance(b, Paragraph)]
            tight = all(p.tight for p in paragraphs)
            tasks = [_take_task(item) for item in items]
            blocks.append(ListBlock(kind == "ordered_list_open", start, tight, items, tasks))
        elif kind == "table_open":
            table, index = _parse_table(tokens, index + 1, hrefs)
            blocks.append(table)
        else:
            index += 1
    return blocks, index


PARSE_CACHE_ENTRIES = 8
"""Recent parses kept: resizing re-wraps the article on show, switching back is instant."""
PARSE_KEEP_CHARS = 256_000
"""A document longer than this stays cached only while it is the latest one parsed: its block
tree (a 2 MB table is ~100 MB of runs) is released as soon as the reader moves on."""

_cache: OrderedDict[str, Parsed] = OrderedDict()
_cache_lock = threading.Lock()  # the app renders very long articles in a worker thread


def parse(text: str) -> Parsed:
    """Parse once per document: a width change (resize) only re-wraps.

    The result depends on the text alone (the parser's configuration is fixed at import), so
    the text is the whole cache key.
    """
    with _cache_lock:
        parsed = _cache.get(text)
        if parsed is not None:
            _cache.move_to_end(text)
            return parsed
    hrefs: list[str] = []
    tokens = _MD.parse(cap_tables(clamp_nesting(cap_length(sanitize(text)))))
    blocks, _ = _parse_blocks(tokens, 0, hrefs)
    parsed = Parsed(blocks, hrefs)
    del tokens
    with _cache_lock:
        for key in [key for key in _cache if len(key) > PARSE_KEEP_CHARS]:
            del _cache[key]
        _cache[text] = parsed
        while len(_cache) > PARSE_CACHE_ENTRIES:
            _cache.popitem(last=False)
    return parsed


def clear_cache() -> None:
    """Forget every parse (benchmarks measure a first switch to an article)."""
    with _cache_lock:
        _cache.clear()
