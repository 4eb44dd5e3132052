"""Where a link in an article body leads: another article of the library, the web, or nowhere.

Followed links (link hints, clicks) ask :func:`resolve_link`. A library-local target is a
relative path (with or without ``.md``, ``%20``-escaped or not, ``#heading`` allowed), a path
from the library root (``/notes/x``, as Hugo and Jekyll write them), or an Obsidian wikilink
(``[[Note]]``, ``[[Note#Heading]]``, ``[[Note|shown text]]``, matched by file name; as the
article pane renders one, ``wikilink:Note#Heading``). Web
addresses go through the one link policy (:func:`reader.library.links.refusal`); anything else
is refused with its reason, never opened. Pure: no file is read, only ``by_path`` is consulted.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from reader.library.links import refusal

MARKDOWN_SUFFIXES = (".md", ".markdown")
WIKILINK_PREFIX = "wikilink:"
"""How the article pane writes a rendered ``[[Note#Heading]]``'s href: ``wikilink:Note#Heading``."""
_WIKILINK = re.compile(r"^\[\[([^\[\]]*)\]\]$")
_SLUG_DROP = re.compile(r"[^\w\- ]")


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


def resolve_link(href: str, from_path: str | None, by_path: Mapping[str, int]) -> LinkTarget:
    """Where ``href``, found in the article at ``from_path``, leads in this library."""
    href = href.strip()
    if not href:
        return LinkTarget("refused", reason="the link is empty")
    if href.startswith(WIKILINK_PREFIX):
        return _wikilink(href.removeprefix(WIKILINK_PREFIX), from_path, by_path)
    wiki = _WIKILINK.match(href)
    if wiki is not None:
        return _wikilink(wiki.group(1), from_path, by_path)
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
    for candidate in _candidates(joined):
        if candidate in by_path:
            return LinkTarget("article", path=candidate, heading=heading)
    return LinkTarget("refused", reason=f"there is no article {joined!r} in this library")


def _candidates(path: str) -> list[str]:
    """The files a link to ``path`` may mean: itself, with a Markdown suffix, a folder's index."""
    stem = path.rstrip("/")
    out = [stem] if stem.endswith(MARKDOWN_SUFFIXES) else []
    out += [stem + suffix for suffix in MARKDOWN_SUFFIXES]
    out += [f"{stem}/{name}{suffix}" for name in ("index", "_index", "README") for suffix in MARKDOWN_SUFFIXES]
    return out


def _wikilink(inner: str, from_path: str | None, by_path: Mapping[str, int]) -> LinkTarget:
    """``Note#Heading|text`` → the article whose file is named ``Note`` (nearest folder first)."""
    target = inner.split("|", 1)[0]
    name, _, heading = target.partition("#")
    name = name.strip()
    if not name:
        if from_path is None:
            return LinkTarget("refused", reason="there is no article to look the heading up in")
        return LinkTarget("article", path=from_path, heading=heading.strip())
    folded = name.casefold().removesuffix(".md")
    here = posixpath.dirname(from_path or "")
    matches = []
    for path in by_path:
        stem = path.casefold()
        for suffix in MARKDOWN_SUFFIXES:
            stem = stem.removesuffix(suffix)
        if stem == folded or stem.endswith("/" + folded):
            # Obsidian's order: the same folder first, then the shortest path.
            matches.append((posixpath.dirname(path) != here, path.count("/"), path))
    if not matches:
        return LinkTarget("refused", reason=f"no article named {name!r} in this library")
    return LinkTarget("article", path=min(matches)[2], heading=heading.strip())
