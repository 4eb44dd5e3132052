"""Typed records shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Article:
    """One article of the library.

    The index keeps articles with an empty ``body`` so that 100,000 of them fit in memory;
    :meth:`reader.library.snapshot.Library.read` returns the same record with the body filled in.
    """

    path: str
    """POSIX path relative to the library root: the article's address inside the library."""
    title: str
    subtitle: str = ""
    source: str = ""
    link: str = ""
    date: datetime | None = None
    """Timezone-aware; ``None`` when the file has no usable date."""
    author: str = ""
    tags: tuple[str, ...] = ()
    """Cleaned, de-duplicated (case-insensitively) tags. Faceted tags read ``facet.path=value``."""
    body: str = ""
    fingerprint: str = ""
    """A hash of the title and body text: survives renames and moves, used to re-find bookmarks."""
    size: int = 0
    mtime: float = 0.0
    aliases: tuple[str, ...] = ()
    """Other names of the article (Obsidian's ``aliases``): searched and jumped to like the title."""
    draft: bool = False
    """Not published yet: Hugo's ``draft: true``, Jekyll's ``published: false`` or ``_drafts/``."""
    updated: datetime | None = None
    """When the article was last changed, as its front matter says (Hugo's ``lastmod``)."""
    links: tuple[str, ...] = ()
    """The links of the body that may name another article of the library, as written
    (:func:`reader.library.link_targets.local_links`): the index keeps them for backlinks."""

    def to_json(self, *, bookmarked: bool = False) -> dict[str, object]:
        """The record as ``reader list --json`` prints it (a documented, stable shape)."""
        return {
            "path": self.path,
            "title": self.title,
            "subtitle": self.subtitle,
            "source": self.source,
            "link": self.link,
            "date": self.date.isoformat() if self.date else None,
            "author": self.author,
            "tags": list(self.tags),
            "bookmarked": bookmarked,
        }


@dataclass(slots=True, frozen=True)
class Problem:
    """Something wrong with one file: shown to the user with the file's path, never raised."""

    path: str
    reason: str
    skipped: bool = True
    """True when the file was left out of the library; False when it loaded with a caveat."""

    def __str__(self) -> str:
        verb = "skipped" if self.skipped else "warning"
        return f"{self.path}: {verb}: {self.reason}"


@dataclass(slots=True)
class ParseResult:
    """What parsing one file gives: the article (or ``None``) and any problems met on the way."""

    article: Article | None
    problems: list[Problem] = field(default_factory=list)
