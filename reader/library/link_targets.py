"""Where a link in an article body leads: another article of the library, the web, or nowhere.

One rule serves both directions. Followed links (link hints, clicks) ask :func:`resolve_link`;
an article's backlinks ("linked from", under the article) are the articles whose links
:func:`resolve_link` sends to it (:func:`backlinks`). So a link the pane follows to an article is
exactly a link that article lists as linking to it.

A library-local target is a relative path (with or without ``.md``, ``%20``-escaped or not,
``#heading`` allowed), a path from the library root (``/notes/x``, as Hugo and Jekyll write
them; a folder means its ``index.md``), or an Obsidian wikilink (``[[Note]]``,
``[[Note#Heading]]``, ``[[Note|shown text]]``, ``![[embed]]``, matched by file name, the same
folder first, then the shortest path; as the article pane renders one, ``wikilink:Note#Heading``).
Web addresses go through the one link policy (:func:`reader.library.links.refusal`); anything
else is refused with its reason, never opened. Pure: no file is read.

Costs: :func:`local_links` runs when a file is parsed (stored with the article in the index
cache), one ``str.find`` per marker on a note without links; :class:`LinkIndex` is built once
per library (~0.4 s at 100,000 files) and answers a link with two dict lookups; resolving every
link of a library for :func:`backlinks` costs ~13 µs a link (2.5 s for 200,000), so the app
builds that map in a worker.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from reader.library.links import refusal

MARKDOWN_SUFFIXES = (".md", ".markdown")
WIKILINK_PREFIX = "wikilink:"
"""How the article pane writes a rendered ``[[Note#Heading]]``'s href: ``wikilink:Note#Heading``."""
FOLDER_PAGES = ("index", "_index", "README")
"""What a link to a folder means (Hugo's ``_index.md``, a repository's ``README.md``)."""
MAX_LINKS = 500
"""Links kept per article: a generated index page may hold thousands; its first 500 are enough."""

_WIKILINK = re.compile(r"^\[\[([^\[\]]*)\]\]$")
_SLUG_DROP = re.compile(r"[^\w\- ]")
# In a body: [[target]] / ![[target]], the target up to "|" or "]]" (no nested brackets), and
# [text](href "title") with no brackets in the text. Possessive, so linear on any input.
_BODY_WIKILINK = re.compile(r"!?\[\[([^\[\]|\n]++)(?:\|[^\[\]\n]*+)?\]\]")
_BODY_MD_LINK = re.compile(r"\[[^\[\]\n]*+\]\(\s*+<?([^\s()<>]++)>?(?:\s[^()\n]*+)?\)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*+:")
_CODE_FENCE = re.compile(r" {0,3}+(`{3,}+|~{3,}+)")
_CODE_SPAN = re.compile(r"`++[^`\n]*+`*+")


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """``article``: ``path`` (library-relative) and maybe a ``heading``; ``web``: ``url``;
    ``refused``: ``reason`` says why, for the notice."""

    kind: Literal["article", "web", "refused"]
    path: str = ""
    heading: str = ""
    url: str = ""
    reason: str = ""


def slug(heading: str) -> str:
    """A heading as Markdown anchors write it (``## Why it works`` → ``why-it-works``)."""
    return "-".join(_SLUG_DROP.sub("", heading.casefold()).split())


def _stem(path: str) -> str:
    for suffix in MARKDOWN_SUFFIXES:
        if path.casefold().endswith(suffix):
            return path[: -len(suffix)]
    return path


class LinkIndex:
    """The library's paths by the names a link may use: built once per library, asked per link."""

    __slots__ = ("_by_name", "_exact", "_folded")

    def __init__(self, paths: Iterable[str]) -> None:
        self._exact: dict[str, str] = {}
        """Path without its Markdown suffix → path (a folder → its index page)."""
        self._folded: dict[str, str] = {}
        """The same, case-folded: a link written ``Notes/Plan`` still finds ``notes/plan.md``."""
        self._by_name: dict[str, list[str]] = {}
        """Case-folded file name without suffix → every path with that name (for wikilinks)."""
        folder_pages: list[tuple[str, str]] = []
        for path in paths:
            stem = _stem(path)
            self._exact.setdefault(stem, path)
            self._folded.setdefault(stem.casefold(), path)
            name = posixpath.basename(stem)
            self._by_name.setdefault(name.casefold(), []).append(path)
            if name in FOLDER_PAGES:
                folder_pages.append((posixpath.dirname(stem), path))
        for folder, path in folder_pages:  # a file beats a folder of the same name
            self._exact.setdefault(folder, path)
            self._folded.setdefault(folder.casefold(), path)

    def file(self, path: str) -> str | None:
        """The article a library-relative ``path`` (suffix optional, or a folder) names."""
        stem = _stem(path.rstrip("/"))
        found = self._exact.get(stem)
        return found if found is not None else self._folded.get(stem.casefold())

    def named(self, name: str, from_path: str | None) -> str | None:
        """The article a wikilink ``[[name]]`` means when written in ``from_path``."""
        folded = _stem(name.strip().lstrip("/")).casefold()
        here = posixpath.dirname(from_path or "")
        matches = [
            (posixpath.dirname(path) != here, path.count("/"), path)
            for path in self._by_name.get(posixpath.basename(folded), ())
            if (stem := _stem(path).casefold()) == folded or stem.endswith("/" + folded)
        ]
        return min(matches)[2] if matches else None


def resolve_link(href: str, from_path: str | None, paths: LinkIndex | Mapping[str, object]) -> LinkTarget:
    """Where ``href``, found in the article at ``from_path``, leads in this library.

    ``paths``: the library's :class:`LinkIndex` (or its paths, for a one-off answer).
    """
    index = paths if isinstance(paths, LinkIndex) else LinkIndex(paths)
    href = href.strip()
    if not href:
        return LinkTarget("refused", reason="the link is empty")
    if href.startswith(WIKILINK_PREFIX):
        return _wikilink(href.removeprefix(WIKILINK_PREFIX), from_path, index)
    wiki = _WIKILINK.match(href)
    if wiki is not None:
        return _wikilink(wiki.group(1), from_path, index)
    parts = urlsplit(href) if not re.match(r"^[A-Za-z]:[\\/]", href) else None
    if parts is None:
        return LinkTarget("refused", reason="it is a path on this computer, not in the library")
    if parts.scheme:
        why = refusal(href)
        return LinkTarget("web", url=href) if why is None else LinkTarget("refused", reason=why)
    if parts.netloc:  # //host/path: a web address without its scheme
        return LinkTarget("refused", reason="it has no http(s) scheme")
    heading = unquote(parts.fragment)
    if not parts.path:
        if from_path is None:
            return LinkTarget("refused", reason="there is no article to look the heading up in")
        return LinkTarget("article", path=from_path, heading=heading)
    wanted = unquote(parts.path)
    base = "" if wanted.startswith("/") else posixpath.dirname(from_path or "")
    joined = posixpath.normpath(posixpath.join(base, wanted.lstrip("/")))
    if joined == ".." or joined.startswith("../"):
        return LinkTarget("refused", reason="it points outside the library")
    found = index.file(joined)
    if found is None:
        return LinkTarget("refused", reason=f"there is no article {joined!r} in this library")
    return LinkTarget("article", path=found, heading=heading)


def _wikilink(inner: str, from_path: str | None, index: LinkIndex) -> LinkTarget:
    """``Note#Heading|text`` → the article whose file is named ``Note`` (nearest folder first)."""
    target = inner.split("|", 1)[0]
    name, _, heading = target.partition("#")
    name = name.strip()
    if not name:
        if from_path is None:
            return LinkTarget("refused", reason="there is no article to look the heading up in")
        return LinkTarget("article", path=from_path, heading=heading.strip())
    found = index.named(name, from_path)
    if found is None:
        return LinkTarget("refused", reason=f"no article named {name!r} in this library")
    return LinkTarget("article", path=found, heading=heading.strip())


def local_links(body: str) -> tuple[str, ...]:
    """The links of ``body`` that may name a library file, as written (wikilinks as ``wikilink:…``).

    Code (fenced or inline spans) hides links, as it does when the article is rendered; web
    addresses, ``mailto:`` and in-page ``#anchors`` are left out. Each link once, in order.
    """
    # Every link holds a "]": a one-character search is a memchr, ~20× faster than "](".
    if "]" not in body or ("](" not in body and "[[" not in body):
        return ()
    found: dict[str, None] = {}
    fence = ""
    for line in _lines_of_interest(body):
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = ""
            continue
        opened = _CODE_FENCE.match(line)
        if opened is not None:
            fence = opened.group(1)
            continue
        if "](" not in line and "[[" not in line:
            continue
        if "`" in line:
            line = _CODE_SPAN.sub(lambda match: " " * len(match.group()), line)
        wiki = line.find("[[")
        if wiki != -1:  # the pattern may start with "!": begin the scan one before
            for match in _BODY_WIKILINK.finditer(line, max(wiki - 1, 0)):
                target = match.group(1).strip()
                if target and not target.startswith("#"):
                    found[WIKILINK_PREFIX + target] = None
        for href in _markdown_hrefs(line):
            if not href.startswith("#") and _SCHEME.match(href) is None:
                found[href] = None
        if len(found) >= MAX_LINKS:
            break
    return tuple(found)[:MAX_LINKS]


def _markdown_hrefs(line: str) -> list[str]:
    """``[m.group(1) for m in _BODY_MD_LINK.finditer(line)]``, tried only where a match can start.

    A match's ``]`` is followed by ``(``, and its text holds no bracket, so it can only start at
    the last ``[`` before a ``](`` with no ``]`` between: each ``](`` names one place to try,
    in order, and a match's end is where the next may start (as ``finditer`` goes on). The
    regex engine, trying every position of a line, cost ~2.5 µs per 300-character line of
    the clippings corpus; this ~0.5 µs per link.
    """
    out: list[str] = []
    done = 0
    close = line.find("](")
    while close != -1:
        start = line.rfind("[", done, close)
        if start != -1 and line.find("]", start + 1, close) == -1:
            match = _BODY_MD_LINK.match(line, start)
            if match is not None:
                out.append(match.group(1))
                done = match.end()
                close = line.find("](", done)
                continue
        close = line.find("](", close + 1)
    return out


def _lines_of_interest(body: str) -> list[str]:
    """The lines that may hold a link (a ``]``) or a code fence, in order.

    A fence line, opening or closing, starts with a backtick or a tilde once its leading
    whitespace is stripped. :func:`local_links` reads these lines alone, with the same
    per-line rules, rather than trying every line: each character is found by ``str.find``,
    which for one character is a ``memchr``. A 5 KB article of the bench library: ~20 µs →
    ~6 µs. A body dense with them (code, tables: more than one such line per ~200
    characters, as in most of Hugo's documentation) is cheaper split into lines, and gets all
    of them: the give-up costs little because it comes early.
    """
    starts: set[int] = set()
    for char in "`~]":
        seen = 0
        at = body.find(char)
        while at != -1:
            seen += 1
            if seen > 8 + at // 200:  # dense so far: give up early, the waste stays small
                return body.split("\n")
            # A backtick or tilde right after a non-space cannot start a fence line.
            if char == "]" or at == 0 or body[at - 1].isspace():
                start = body.rfind("\n", 0, at) + 1
                if char == "]" or start == at or body[start:at].isspace():
                    starts.add(start)
            end = body.find("\n", at)
            if end == -1:
                break
            at = body.find(char, end)
    lines = []
    for start in sorted(starts):
        end = body.find("\n", start)
        lines.append(body[start:] if end == -1 else body[start:end])
    return lines


def backlinks(index: LinkIndex, links: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """For each article path, the paths of the articles linking to it (each once, in order).

    ``links``: each article's path and its :func:`local_links`. An article linking to itself
    (a ``#heading`` link) is not its own backlink.
    """
    linked_from: dict[str, dict[str, None]] = {}
    for source, hrefs in links:
        for href in hrefs:
            target = resolve_link(href, source, index)
            if target.kind == "article" and target.path != source:
                linked_from.setdefault(target.path, {})[source] = None
    return {path: list(sources) for path, sources in linked_from.items()}
