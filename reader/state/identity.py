"""Stable article identity: re-finding a stored record after its file moved.

A bookmark (or a reading-state entry) remembers three things about its article: the
``link`` URL, the content ``fingerprint`` and the ``path``. Paths change when files are
renamed or moved; fingerprints change when the text is edited; links rarely change at
all. So a record is matched to an article by link first (when both have one), then by
fingerprint, then by path — and never to an article whose (non-empty) link differs from
the record's, because two different URLs are two different articles even if their text
happens to be identical or one replaced the other at the same path.

Two shapes of lookup are needed and both are linear or better:

* :class:`Table` answers "which record is this one article?" in O(1) through dict
  indexes (``is_bookmarked`` is called for every visible row).
* :func:`match` answers "where is each record now?" for a whole library in O(n + m),
  building the article indexes once per call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable, Iterator, Sequence
from itertools import compress
from typing import Generic, Protocol, TypeVar

from reader.library.model import Article
from reader.library.table import ArticleTable, as_table


class Identified(Protocol):
    """What a stored record must expose to be matched to an article."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def link(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...


R = TypeVar("R", bound=Identified)


_IDENTITY_KEYS = ("id", "title", "path", "link", "fingerprint")


def record_json(record: Identified) -> dict[str, object]:
    """A record as the state file stores it: its identity first, then its own fields in order."""
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]
    return {key: values.pop(key) for key in _IDENTITY_KEYS} | values


def links_conflict(a: str, b: str) -> bool:
    """True when both links are known and differ: then the two cannot be the same article."""
    return bool(a and b and a != b)


class Table(Generic[R]):
    """Records by id, with O(1) lookup by link, fingerprint and path.

    Insertion order is kept (the file lists bookmarks oldest first) and replacing a record
    under the same id keeps its position, so relocating a bookmark does not reorder it.
    """

    __slots__ = ("_by_fp", "_by_id", "_by_link", "_by_path")

    def __init__(self, records: Iterable[R] = ()) -> None:
        self._by_id: dict[str, R] = {}
        self._by_link: dict[str, list[str]] = {}
        self._by_fp: dict[str, list[str]] = {}
        self._by_path: dict[str, list[str]] = {}
        for record in records:
            self.put(record)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[R]:
        return iter(self._by_id.values())

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._by_id

    def get(self, record_id: str) -> R | None:
        return self._by_id.get(record_id)

    def put(self, record: R) -> None:
        """Insert or replace (by id) a record, keeping the indexes in step."""
        old = self._by_id.get(record.id)
        if old is not None:
            self._unindex(old)
        self._by_id[record.id] = record
        for key, index in self._keys(record):
            index.setdefault(key, []).append(record.id)

    def drop(self, record_id: str) -> R | None:
        """Remove a record by id; returns it, or ``None`` when there was none."""
        old = self._by_id.pop(record_id, None)
        if old is not None:
            self._unindex(old)
        return old

    def found_in(self, articles: ArticleTable) -> Iterator[tuple[str, R]]:
        """The path and record (:meth:`find`) of each article that has one.

        Only an article sharing a link, a fingerprint or a path with some record can have
        one, so those are picked out first by a scan of the three columns in C, and
        :meth:`find` runs for them alone: at 100,000 articles and a few marks, ~15 ms where
        asking :meth:`find` of every article took ~0.2 s (twice per start: bookmarks and
        reading state). No article is made for it."""
        column = articles.column
        paths, links, fingerprints = column("path"), column("link"), column("fingerprint")
        rows = set(rows_with(links, self._by_link))
        rows.update(rows_with(fingerprints, self._by_fp))
        rows.update(rows_with(paths, self._by_path))
        for row in sorted(rows):
            record = self.find(links[row], fingerprints[row], paths[row])
            if record is not None:
                yield paths[row], record

    def find(self, link: str, fingerprint: str, path: str) -> R | None:
        """The record for the article with these identity fields, or ``None``.

        Order: same link; else same fingerprint; else same path — the last two only when
        the links do not conflict. Among several candidates the one at ``path`` wins, so
        exact duplicates stay attached to the copy they were made from.
        """
        if link:
            found = self._pick(self._by_link.get(link), link, path)
            if found is not None:
                return found
        if fingerprint:
            found = self._pick(self._by_fp.get(fingerprint), link, path)
            if found is not None:
                return found
        return self._pick(self._by_path.get(path), link, path)

    def find_article(self, article: Article) -> R | None:
        return self.find(article.link, article.fingerprint, article.path)

    def _pick(self, ids: list[str] | None, link: str, path: str) -> R | None:
        if not ids:
            return None
        first: R | None = None
        for record_id in ids:
            record = self._by_id[record_id]
            if links_conflict(record.link, link):
                continue
            if record.path == path:
                return record
            if first is None:
                first = record
        return first

    def _keys(self, record: R) -> Iterator[tuple[str, dict[str, list[str]]]]:
        if record.link:
            yield record.link, self._by_link
        if record.fingerprint:
            yield record.fingerprint, self._by_fp
        yield record.path, self._by_path

    def _unindex(self, record: R) -> None:
        for key, index in self._keys(record):
            ids = index.get(key)
            if ids is None:
                continue
            if record.id in ids:
                ids.remove(record.id)
            if not ids:
                del index[key]


def _pick_row(rows: list[int] | None, record: Identified, links: Sequence[str], paths: Sequence[str]) -> int | None:
    if not rows:
        return None
    first: int | None = None
    for row in rows:
        if links_conflict(links[row], record.link):
            continue
        if paths[row] == record.path:
            return row
        if first is None:
            first = row
    return first


def rows_with(column: Sequence[str], keys: Container[str]) -> list[int]:
    """The rows of ``column`` whose value is one of ``keys``, in order (a membership test per
    row, in C)."""
    return list(compress(range(len(column)), map(keys.__contains__, column)))


def match(records: Iterable[R], articles: Iterable[Article]) -> list[tuple[R, Article | None]]:
    """Pair every record with its article in the library, or ``None`` when it is gone.

    O(len(records) + len(articles)): the article indexes are built once per call from the
    link, fingerprint and path columns, and only over the rows sharing a key with some record
    (picked out in C), which is what makes resolving bookmarks against a 100,000-article
    library instant; an article is made only for a record it matches.
    """
    records = records if isinstance(records, list | tuple) else list(records)
    if not records:
        return []  # nothing to find: skip indexing every article (0.3 s at 100,000)
    table = as_table(articles)
    links, fingerprints, paths = table.column("link"), table.column("fingerprint"), table.column("path")
    # Only rows sharing a key with some record can match one: index those alone (picked
    # out in C), not every article (0.35 s a call at 100,000, twice per start).
    by_link: dict[str, list[int]] = {}
    by_fp: dict[str, list[int]] = {}
    for row in rows_with(links, {record.link for record in records if record.link}):
        by_link.setdefault(links[row], []).append(row)
    for row in rows_with(fingerprints, {record.fingerprint for record in records if record.fingerprint}):
        by_fp.setdefault(fingerprints[row], []).append(row)
    by_path = {paths[row]: row for row in rows_with(paths, {record.path for record in records})}
    pairs: list[tuple[R, Article | None]] = []
    for record in records:
        found: int | None = None
        if record.link:
            found = _pick_row(by_link.get(record.link), record, links, paths)
        if found is None and record.fingerprint:
            found = _pick_row(by_fp.get(record.fingerprint), record, links, paths)
        if found is None:
            at_path = by_path.get(record.path)
            if at_path is not None and not links_conflict(links[at_path], record.link):
                found = at_path
        pairs.append((record, table[found] if found is not None else None))
    return pairs
