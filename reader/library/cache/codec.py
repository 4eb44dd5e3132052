"""Articles to plain values and back: worker results, ``files`` rows and the snapshot.

Three shapes, one record:

* a **parsed file** (:data:`Parsed`) — plain values, cheap to pickle out of a worker process;
* a **row** of the ``files`` table — the same values, tags joined by :data:`TAG_SEP`, and a
  checksum of them (:func:`row_checksum`), verified when the row is read back: a flipped bit
  on disk makes that file be read again, never a wrong title, link or date shown;
* the **snapshot** — the whole library as a dozen column blobs, which a warm start splits in C
  instead of building a million Python objects one row at a time; each blob has its checksum.

Articles are always built by field *name* (:func:`articles_from_columns`, keyed by
``dataclasses.fields(Article)``), column-wise in C: reordering or adding a field of
:class:`Article` can never shift values into the wrong field, it fails loudly instead.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import accumulate, chain, repeat
from operator import truediv
from pathlib import Path
from typing import Any

from reader.library import safe_json
from reader.library.cache import rowtext
from reader.library.model import Article, Problem
from reader.library.scan import ScanReport
from reader.library.snapshot import Library
from reader.library.table import ArticleTable, per_date
from reader.library.timeline import month_numbers

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


# -- the snapshot ---------------------------------------------------------------------------

_NUL = "\x00"
"""Separates the values of a snapshot column: the parser leaves none in a field, and no file
name can hold one."""
_SNAPSHOT_TEXT = ("path", "title", "subtitle", "source", "link", "date", "author", "fingerprint", "extra")
_CHECKSUMS = "checksums"
_ENDS = ".ends"
"""``title.ends``: where each value of the ``title`` blob ends (``array('I')``), so one row
can be read without splitting the whole column."""


def snapshot_of(
    library: Library, *, keep_json_rows: bool = False, stamps: bytes | None = None
) -> list[tuple[str, bytes]] | None:
    """The library as a handful of columns, one blob each, plus their checksums; ``stamps``:
    the digest of the rows' stamps (:func:`reader.library.cache.compare.stamps_digest`).

    ``None`` if a value holds a NUL (it could not be split back); the rows still serve then.
    Read column by column (:meth:`ArticleTable.column`): no article is made for this.
    ``keep_json_rows``: also keep the ``reader list --json`` records on the library
    (:attr:`SnapshotMemo.json_rows`), so the run that wrote them prints them too (a cold
    ``reader list --json`` at 100,000 articles encoded them twice: +1.1 s).
    """
    table = library.articles
    column = table.column
    count = len(table)
    parts: list[tuple[str, bytes]] = [("count", str(count).encode())]

    def text(values: Iterable[str], expected: int) -> bytes | None:
        joined = _NUL.join(values)
        if joined.count(_NUL) != max(expected - 1, 0):
            return None
        return joined.encode("utf-8", "surrogatepass")

    for name in _SNAPSHOT_TEXT:
        if name == "date":
            values: Iterable[str] = map(per_date(datetime.isoformat, ""), column("date"))
        elif name == "extra":
            values = map(encode_extra_fields, column("aliases"), column("draft"), column("updated"), column("links"))
        else:
            values = column(name)
        if name == "path":
            blob = text(values, count)
        else:  # read a row at a time until the whole column is needed: where each value ends
            joined = _joined([value.encode("utf-8", "surrogatepass") for value in values])
            if joined is None:
                return None
            blob, ends = joined
            parts.append((f"{name}{_ENDS}", ends.tobytes()))
        if blob is None:
            return None
        parts.append((name, blob))
    all_tags = column("tags")
    names = list(dict.fromkeys(chain.from_iterable(all_tags)))
    ids = {name: i for i, name in enumerate(names)}
    names_blob = text(names, len(names))
    if names_blob is None:
        return None
    parts += [
        ("tag_names", names_blob),
        ("tag_ids", array("I", map(ids.__getitem__, chain.from_iterable(all_tags))).tobytes()),
        ("tag_counts", array("I", map(len, all_tags)).tobytes()),
        ("size", array("q", column("size")).tobytes()),
        ("mtime", array("d", column("mtime")).tobytes()),
        *_json_parts(library, keep_json_rows),
        ("date_keys", array("d", table.date_keys()).tobytes()),
        ("months", array("i", month_numbers(library)).tobytes()),
        ("problems", json.dumps([[p.path, p.reason, p.skipped] for p in library.problems]).encode()),
        ("skipped_dirs", json.dumps(library.skipped_dirs).encode()),
        *([(STAMPS, stamps)] if stamps is not None else []),
    ]
    parts.append((_CHECKSUMS, json.dumps({name: zlib.crc32(blob) for name, blob in parts}).encode()))
    return parts


def _joined(encoded: list[bytes]) -> tuple[bytes, array[int]] | None:
    """Values NUL-joined, and where each ends (:func:`_row_reader` reads one back); ``None``
    when a value holds a NUL or the blob is past what an ``array('I')`` offset can point at."""
    blob = b"\x00".join(encoded)
    if blob.count(0) != max(len(encoded) - 1, 0) or len(blob) >= 1 << 32:
        return None
    return blob, array("I", accumulate(map(len, encoded), lambda end, size: end + 1 + size))


def _json_parts(library: Library, keep: bool) -> list[tuple[str, bytes]]:
    """Each row's ``reader list --json`` record but its bookmark flag (:func:`safe_json.heads`),
    NUL-joined (JSON escapes every NUL), and where each ends: what makes a warm ``reader list
    --json`` a matter of copying bytes (see :func:`safe_json.stored_rows`). Read only by the
    CLI (:data:`ON_REQUEST`): the app never loads these ~58 MB at 100,000 articles."""
    table = library.articles
    order = library.orders["date"]  # what an unfiltered ``reader list --json`` prints
    joined = _joined([head.encode("utf-8") for head in safe_json.heads(table, order)])
    if joined is None:
        return []
    blob, ends = joined
    order_bytes = array("I", order).tobytes()
    if keep:
        library.memo.json_rows = (blob, ends, order_bytes)
    return [(JSON_ROWS, blob), (f"{JSON_ROWS}{_ENDS}", ends.tobytes()), (JSON_ORDER, order_bytes)]


SNAPSHOT_PARTS_FOR_LOAD = (
    "count", "checksums", "path", *_SNAPSHOT_TEXT[1:], *(f"{name}{_ENDS}" for name in _SNAPSHOT_TEXT[1:]),
    "tag_names", "tag_ids", "tag_counts", "size", "mtime", "date_keys", "months", "problems", "skipped_dirs",
)  # fmt: skip
"""Every part :func:`snapshot_of` writes but :data:`ON_REQUEST`: a snapshot without one is
not used."""
JSON_ROWS = "json"
JSON_ORDER = "json.order"
"""The article id of each stored record, in their order (the date order)."""
STAMPS = "stamps"
"""The digest of the rows' paths, sizes and ``mtime_ns``: read by the refresh, not the load."""
ON_REQUEST = frozenset({JSON_ROWS, f"{JSON_ROWS}{_ENDS}", JSON_ORDER, STAMPS})
"""Parts read only when asked for (``reader list --json``), each verified by its checksum."""


def library_from_snapshot(root: Path, parts: dict[str, bytes]) -> Library:
    """The inverse of :func:`snapshot_of`. Raises ``ValueError``, ``KeyError``, ``TypeError``
    or ``IndexError`` on anything inconsistent, a checksum that does not hold included.

    Only what the library's own index needs is decoded here — paths, tags, date keys; every
    other column is split from its blob when first asked for (:class:`ArticleTable`), and no
    article is made until a row is shown: at 100,000 articles ``load_cached`` went from
    ~0.93 s to ~0.3 s (see docs/performance.md). Every blob's checksum is still verified
    up front, so a damaged part is found now, not when a row is drawn.
    """
    parts = dict(parts)  # its own: each part is let go once decoded
    checksums = json.loads(parts[_CHECKSUMS])
    present = set(parts) - {_CHECKSUMS}
    if not present <= set(checksums) or not set(checksums) - present <= ON_REQUEST:
        raise ValueError("snapshot parts do not match their checksums")
    if not set(SNAPSHOT_PARTS_FOR_LOAD) <= set(parts):
        raise ValueError("snapshot parts missing")
    for name in present:
        if zlib.crc32(parts[name]) != checksums[name]:
            raise ValueError(f"snapshot part {name} is damaged")
    count = int(parts["count"])

    def text(name: str, expected: int) -> list[str]:
        """A text part's values; the part itself is let go (a loader runs once)."""
        blob = parts.pop(name)
        if expected == 0:
            return []
        values = blob.decode("utf-8", "surrogatepass").split(_NUL)
        if len(values) != expected:
            raise ValueError(f"snapshot column {name}: {len(values)} values, expected {expected}")
        return values

    paths = text("path", count)
    joined = f"{_NUL}{_NUL.join(paths)}{_NUL}".replace(_NUL, "/")
    if "//" in joined or "/../" in joined:  # empty, absolute, or climbing out of the library
        raise ValueError("snapshot path outside the library")
    names_blob = parts.pop("tag_names")
    names = names_blob.decode("utf-8", "surrogatepass").split(_NUL) if names_blob else []
    tag_ids = memoryview(parts.pop("tag_ids")).cast("I")
    tag_ends = array("I", accumulate(memoryview(parts.pop("tag_counts")).cast("I")))
    if len(tag_ends) != count or (tag_ends[-1] if tag_ends else 0) != len(tag_ids):
        raise ValueError("snapshot tags do not add up")
    if tag_ids and max(tag_ids) >= len(names):
        raise ValueError("snapshot tag ids out of range")

    def all_tags() -> dict[str, list[tuple[str, ...]]]:
        flat = tuple(map(names.__getitem__, tag_ids))
        return {"tags": list(map(flat.__getitem__, map(slice, [0, *tag_ends[:-1]], tag_ends)))}

    def tags_of(row: int) -> tuple[str, ...]:
        return tuple(map(names.__getitem__, tag_ids[tag_ends[row - 1] if row else 0 : tag_ends[row]]))

    def tag_uses() -> list[tuple[str, int]]:
        uses = Counter(tag_ids)
        return [(name, uses[i]) for i, name in enumerate(names)]
    keys = memoryview(parts.pop("date_keys")).cast("d").tolist()
    if len(keys) != count or len(parts["size"]) != 8 * count or len(parts["mtime"]) != 8 * count:
        raise ValueError("snapshot sizes do not add up")

    months = memoryview(parts.pop("months")).cast("i").tolist()
    if len(months) != count:
        raise ValueError("snapshot months do not add up")
    rows = {name: _row_reader(parts[name], parts.pop(f"{name}{_ENDS}"), count) for name in _SNAPSHOT_TEXT[1:]}

    def lazy(name: str, intern: bool = False) -> Callable[[], dict[str, list[Any]]]:
        def load() -> dict[str, list[Any]]:
            values = text(name, count)
            return {name: list(map(sys.intern, values)) if intern else values}

        return load

    def extra_row(name: str) -> Callable[[int], Any]:
        return lambda row: decode_extra([rows["extra"](row)])[name][0]

    sizes, mtimes = memoryview(parts["size"]).cast("q"), memoryview(parts["mtime"]).cast("d")
    row_getters: dict[str, Callable[[int], Any]] = {
        **{name: rows[name] for name in ("title", "subtitle", "source", "link", "author", "fingerprint")},
        "date": lambda row: Dates().convert([rows["date"](row)]).__next__(),
        "tags": tags_of,
        "size": sizes.__getitem__,
        "mtime": mtimes.__getitem__,
        **{name: extra_row(name) for name in _EXTRA_FIELDS},
    }

    table = ArticleTable.from_columns(
        count,
        {
            "path": paths,
            "title": lazy("title"),
            "subtitle": lazy("subtitle"),
            "source": lazy("source", intern=True),
            "link": lazy("link"),
            "date": lambda: {"date": list(Dates().convert(text("date", count)))},
            "author": lazy("author", intern=True),
            "tags": all_tags,
            "fingerprint": lazy("fingerprint"),
            "size": lambda: {"size": memoryview(parts.pop("size")).cast("q").tolist()},
            "mtime": lambda: {"mtime": memoryview(parts.pop("mtime")).cast("d").tolist()},
            **dict.fromkeys(_EXTRA_FIELDS, lambda: decode_extra(text("extra", count))),
        },
        date_keys=keys,
        row_getters=row_getters,
        tag_uses=tag_uses,
    )
    problems = [Problem(str(p), str(r), bool(s)) for p, r, s in json.loads(parts["problems"])]
    skipped = [str(d) for d in json.loads(parts["skipped_dirs"])]
    library = Library(root, table, problems, skipped)
    library.memo.months = months
    if JSON_ROWS in parts:
        json_ends = memoryview(parts.pop(f"{JSON_ROWS}{_ENDS}")).cast("I")
        json_blob = parts.pop(JSON_ROWS)
        json_order = parts.pop(JSON_ORDER)
        if (
            len(json_ends) != count
            or (count and json_ends[-1] != len(json_blob))
            or len(json_order) != count * array("I").itemsize
        ):
            raise ValueError("snapshot records do not add up")
        library.memo.json_rows = (json_blob, json_ends, json_order)
    return library


def _row_reader(blob: bytes, ends_part: bytes, count: int) -> Callable[[int], str]:
    """One value of a text column, read from its blob without splitting the rest."""
    ends = memoryview(ends_part).cast("I")
    if len(ends) != count or (count and ends[-1] != len(blob)):
        raise ValueError("snapshot column ends do not add up")

    def read(row: int) -> str:
        start = ends[row - 1] + 1 if row else 0
        return blob[start : ends[row]].decode("utf-8", "surrogatepass")

    return read


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
