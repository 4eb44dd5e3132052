"""Articles to plain values and back: worker results, ``files`` rows and the snapshot.

Three shapes, one record:

* a **parsed file** (:data:`Parsed`) — plain values, cheap to pickle out of a worker process;
* a **row** of the ``files`` table — the same values, tags joined by :data:`TAG_SEP`, and a
  checksum of them (:func:`row_checksum`), verified when the row is read back: a flipped bit
  on disk makes that file be read again, never a wrong title, link or date shown;
* the **snapshot** — the whole library as a dozen column blobs, which a warm start splits in C
  instead of building a million Python objects one row at a time; each blob has its checksum
  (:mod:`reader.library.cache.blobs`).

Articles are always built by field *name* (:func:`articles_from_columns`, keyed by
``dataclasses.fields(Article)``), column-wise in C: reordering or adding a field of
:class:`Article` can never shift values into the wrong field, it fails loudly instead.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import repeat
from operator import truediv
from typing import Any

from reader.library.cache import rowtext
from reader.library.model import Article, Problem
from reader.library.scan import ScanReport

TAG_SEP = "\x1f"
"""Joins an article's tags in the ``files`` table (a control character no cleaned tag has)."""
PROBLEM_SEP = "\x1e"

Parsed = tuple[str, int, int, int, str, str, str, str, "str | None", str, tuple[str, ...], str, str, str, int]
"""One parsed file as plain values: ``(path, size, mtime_ns, ok, title, subtitle, source, link,
date_iso, author, tags, fingerprint, problems, extra, checksum)``; ``ok`` is 0 for a skipped file,
``problems`` is :func:`encode_problems` text, ``extra`` is :func:`encode_extra` text (``""`` for
most files), ``checksum`` the row's :func:`row_checksum`.
A ``files`` row has the same columns (:data:`reader.library.cache.schema.COLUMNS`), with the
tags joined by :data:`TAG_SEP`."""

ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))


def articles_from_columns(**columns: Iterable[Any]) -> list[Article]:
    """One article per position of the columns, each column named by its :class:`Article` field.

    Every field must be given (``body=repeat("")`` for none): a field added to the model and
    forgotten here is a ``TypeError`` at once, not a silently shifted record.
    """
    if set(columns) != set(ARTICLE_FIELDS):
        missing, extra = set(ARTICLE_FIELDS) - set(columns), set(columns) - set(ARTICLE_FIELDS)
        raise TypeError(f"article columns: missing {sorted(missing)}, unknown {sorted(extra)}")
    return list(map(Article, *(columns[name] for name in ARTICLE_FIELDS)))


def row_checksum(row: Sequence[object]) -> int:
    """CRC-32 of a row's stored values (tags joined): ~1 µs a row, computed in the worker."""
    return zlib.crc32("\x00".join(map(str, row)).encode("utf-8", "surrogatepass"))


def encode_problems(problems: Sequence[Problem]) -> str:
    return PROBLEM_SEP.join(f"{int(p.skipped)}{p.reason}" for p in problems)


def decode_problems(path: str, encoded: str) -> list[Problem]:
    return [Problem(path, item[1:], skipped=item[0] == "1") for item in encoded.split(PROBLEM_SEP) if item]


class Dates:
    """ISO strings → datetimes, each distinct one parsed once and shared."""

    def __init__(self) -> None:
        self.seen: dict[str | None, datetime | None] = {None: None, "": None}

    def convert(self, isos: Sequence[str | None]) -> Iterator[datetime | None]:
        seen = self.seen
        for iso in set(isos).difference(seen):
            try:
                seen[iso] = datetime.fromisoformat(iso)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                seen[iso] = None
        return map(seen.__getitem__, isos)


_EXTRA_FIELDS = ("aliases", "draft", "updated", "links")
"""The fields few articles have, kept in one ``extra`` text (:func:`encode_extra`)."""


def encode_extra(article: Article) -> str:
    """The fields few articles have (aliases, draft, updated, links) as one short JSON text, ``""``
    when none: a column per field would cost every warm start for the few notes that have them."""
    return encode_extra_fields(article.aliases, article.draft, article.updated, article.links)


def encode_extra_fields(aliases: Sequence[str], draft: bool, updated: datetime | None, links: Sequence[str]) -> str:
    """:func:`encode_extra` from the four fields (the snapshot passes its columns)."""
    if not (aliases or draft or updated or links):
        return ""
    extra: dict[str, object] = {}
    if links:
        extra["links"] = list(links)
    if aliases:
        extra["aliases"] = list(aliases)
    if draft:
        extra["draft"] = True
    if updated is not None:
        extra["updated"] = updated.isoformat()
    return json.dumps(extra)


def decode_extra(extras: Sequence[str]) -> dict[str, list[Any]]:
    """:func:`encode_extra` texts → the ``aliases``, ``draft``, ``updated`` and ``links`` columns.

    Raises ``ValueError`` or ``TypeError`` on junk (a damaged cache is rebuilt, never trusted)."""
    count = len(extras)
    aliases: list[tuple[str, ...]] = [()] * count
    links: list[tuple[str, ...]] = [()] * count
    drafts = [False] * count
    updated: list[datetime | None] = [None] * count
    # Most texts are "": only the few with a value are decoded (0.7 s → 0.02 s for 100,000
    # articles here, when the loop below ran json.loads and four conversions for every one).
    for at in [at for at, extra in enumerate(extras) if extra]:
        data = json.loads(extras[at])
        if not isinstance(data, dict):
            raise ValueError("extra fields are not a mapping")
        aliases[at] = tuple(str(alias) for alias in data.get("aliases", ()))
        links[at] = tuple(str(link) for link in data.get("links", ()))
        drafts[at] = data.get("draft") is True
        when = data.get("updated")
        updated[at] = datetime.fromisoformat(when) if isinstance(when, str) else None
    return {"aliases": aliases, "draft": drafts, "updated": updated, "links": links}


def _articles(columns: Sequence[Sequence[Any]], tags: Iterable[tuple[str, ...]], dates: Dates) -> list[Article]:
    """Parsed files or rows (as columns) → articles; ``tags`` already split."""
    path, size, mtime_ns, _ok, title, subtitle, source, link, date, author, _tags, fp, _problems, extra = columns[:14]
    return articles_from_columns(
        **decode_extra(extra),
        path=path,
        title=title,
        subtitle=subtitle,
        source=map(sys.intern, source),
        link=link,
        date=dates.convert(date),
        author=map(sys.intern, author),
        tags=tags,
        body=repeat(""),
        fingerprint=fp,
        size=size,
        mtime=map(truediv, mtime_ns, repeat(1e9)),
    )


def articles_from_parsed(columns: Sequence[Sequence[Any]], dates: Dates) -> list[Article | None]:
    """A chunk of parsed files (as columns) → articles, ``None`` for skipped files."""
    if not columns or not columns[0]:
        return []
    articles: list[Article | None] = list(_articles(columns, columns[10], dates))
    ok = columns[3]
    if not all(ok):
        articles = [article if good else None for article, good in zip(articles, ok, strict=True)]
    return articles


def verified(rows: Iterable[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[str]]:
    """``SELECT_ROWS`` rows whose checksum holds, and the paths of those whose does not."""
    good: list[tuple[Any, ...]] = []
    bad: list[str] = []
    for row in rows:
        if row_checksum(row[:-1]) == row[-1]:
            good.append(row)
            continue
        original = rowtext.restored_row(row)  # an escaped row's checksum is of the original
        if original != row and row_checksum(original[:-1]) == original[-1]:
            good.append(original)
        else:
            bad.append(rowtext.restored(str(row[0])))
    return good, bad


def from_rows(rows: Sequence[tuple[Any, ...]]) -> tuple[list[Article], list[Problem]]:
    """Verified rows → their articles and problems (in row order)."""
    problems: list[Problem] = []
    for row in rows:
        if row[12]:
            problems += decode_problems(row[0], row[12])
    with_article = [row for row in rows if row[3]]
    if not with_article:
        return [], problems
    columns = list(zip(*with_article, strict=True))
    split = [tuple(map(sys.intern, joined.split(TAG_SEP))) if joined else () for joined in columns[10]]
    return _articles(columns, split, Dates()), problems


def encode_scan(report: ScanReport) -> str:
    return json.dumps(
        {"skipped_dirs": report.skipped_dirs, "problems": [[p.path, p.reason, p.skipped] for p in report.problems]},
        ensure_ascii=True,
    )


def decode_scan(value: str) -> ScanReport:
    data = json.loads(value)
    return ScanReport(
        [str(d) for d in data["skipped_dirs"]], [Problem(str(p), str(r), bool(s)) for p, r, s in data["problems"]]
    )
