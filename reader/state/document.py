"""The state file's format: its records, parsing it strictly, writing it readably.

Strict about types (a wrong shape means we do not understand the file and must not rewrite
it) but lenient about missing optional sections, so a hand-trimmed file works. Written
indented and key-ordered, to be read (and diffed) by people. :mod:`reader.state.store` decides
what to do with a file this module refuses.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from reader.library import safe_json
from reader.state.highlights import Highlight
from reader.state.identity import Table, record_json

SCHEMA_VERSION = 1
"""Bump when the file's shape changes incompatibly; other versions are moved aside."""


@dataclass(slots=True, frozen=True)
class Bookmark:
    """A bookmarked article, remembered by its identity rather than just its path.

    Frozen: the store hands these out and replaces them when a bookmark is relocated, so
    a list the UI holds never changes under it.
    """

    id: str
    path: str
    """Where the article was last seen (updated when it is re-found elsewhere)."""
    link: str
    fingerprint: str
    title: str
    """For display when the article is missing."""
    added: str
    """ISO 8601, UTC."""

    def to_json(self) -> dict[str, object]:
        return record_json(self)


@dataclass(slots=True, frozen=True)
class ReadingEntry:
    """Read flag and scroll position of one article (absent entry = unread, top)."""

    id: str
    path: str
    link: str
    fingerprint: str
    title: str = ""
    read: bool = False
    scroll: int = 0

    def to_json(self) -> dict[str, object]:
        return record_json(self)


@dataclass(slots=True)
class Document:
    """The parsed content of the state file."""

    bookmarks: Table[Bookmark] = field(default_factory=Table)
    reading: Table[ReadingEntry] = field(default_factory=Table)
    searches: dict[str, str] = field(default_factory=dict)
    highlights: Table[Highlight] = field(default_factory=Table)


class Invalid(Exception):
    """The file exists but is not a state file we can use; the message says why."""


def _text(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str):
        raise Invalid(f"{where}: {key!r} must be a string")
    return value


def _records(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Invalid(f"{key!r} must be a list of objects")
    return items


_REQUIRED = ("id", "path")
"""The record fields a file must give; every other text field defaults to ``""``."""
R = TypeVar("R", Bookmark, ReadingEntry, Highlight)


def _strings(item: dict[str, Any], where: str, kind: type) -> dict[str, str]:
    """The text fields of a record of ``kind``, each checked to be a string."""
    return {f.name: _text(item, f.name, where, required=f.name in _REQUIRED) for f in fields(kind) if f.type == "str"}


def _reading_entry(item: dict[str, Any], where: str) -> ReadingEntry:
    read, scroll = item.get("read", False), item.get("scroll", 0)
    if not isinstance(read, bool):
        raise Invalid(f"{where}: 'read' must be true or false")
    if isinstance(scroll, bool) or not isinstance(scroll, int) or scroll < 0:
        raise Invalid(f"{where}: 'scroll' must be a non-negative integer")
    return ReadingEntry(**_strings(item, where, ReadingEntry), read=read, scroll=scroll)


def _load(table: Table[R], items: list[dict[str, Any]], key: str, build: Callable[[dict[str, Any], str], R]) -> None:
    """Fill ``table`` from the file's list ``key``; a hand-edited duplicate id gets a new one (both kept)."""
    for n, item in enumerate(items):
        record = build(item, f"{key}[{n}]")
        if record.id in table or not record.id:
            record = replace(record, id=new_id(table))
        table.put(record)


def parse(raw: bytes) -> Document:
    """Validate and load the file, raising :class:`Invalid` on anything unexpected.

    Strict about types (a wrong shape means we do not understand the file and must not
    rewrite it) but lenient about missing optional sections, so a hand-trimmed file works.
    """
    try:
        # utf-8-sig: an editor that adds a byte-order mark has not made the file corrupt.
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise Invalid(f"is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise Invalid(f"is not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise Invalid("is nested too deeply to be a state file") from exc
    except ValueError as exc:  # e.g. an integer past Python's digit limit
        raise Invalid(f"holds a value that cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise Invalid("does not hold a JSON object")
    version = data.get("version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise Invalid(f"has version {version!r}, this reader understands version {SCHEMA_VERSION}")
    doc = Document()
    _load(
        doc.bookmarks,
        _records(data, "bookmarks"),
        "bookmarks",
        lambda item, where: Bookmark(**_strings(item, where, Bookmark)),
    )
    _load(doc.reading, _records(data, "reading"), "reading", _reading_entry)
    searches = data.get("searches", {})
    if not isinstance(searches, dict) or not all(isinstance(q, str) for q in searches.values()):
        raise Invalid("'searches' must be an object of name: query strings")
    doc.searches = dict(searches)
    _load(
        doc.highlights,
        _records(data, "highlights"),
        "highlights",
        lambda item, where: Highlight(**_strings(item, where, Highlight)),
    )
    return doc


def serialize(doc: Document, library: str) -> bytes:
    """Indented, key-ordered, UTF-8 JSON: meant to be read (and diffed) by people."""
    data = {
        "version": SCHEMA_VERSION,
        "library": library,
        "bookmarks": [b.to_json() for b in doc.bookmarks],
        "reading": [r.to_json() for r in doc.reading],
        "searches": doc.searches,
        "highlights": [h.to_json() for h in doc.highlights],
    }
    return (safe_json.dumps(data, indent=2) + "\n").encode("utf-8")


def new_id(table: Table[Any]) -> str:
    while True:
        candidate = secrets.token_hex(6)
        if candidate not in table:
            return candidate


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def set_reading(
    doc: Document,
    link: str,
    fingerprint: str,
    path: str,
    title: str,
    *,
    read: bool | None = None,
    scroll: int | None = None,
) -> None:
    """Upsert one article's reading entry; an unread entry at the top is dropped (keeps the file small)."""
    entry = doc.reading.find(link, fingerprint, path)
    if entry is None:
        entry = ReadingEntry(new_id(doc.reading), path, link, fingerprint, title)
    updated = replace(
        entry,
        path=path,
        link=link or entry.link,
        fingerprint=fingerprint or entry.fingerprint,
        title=title or entry.title,
        read=entry.read if read is None else read,
        scroll=entry.scroll if scroll is None else scroll,
    )
    if not updated.read and updated.scroll == 0:
        doc.reading.drop(updated.id)
    else:
        doc.reading.put(updated)
