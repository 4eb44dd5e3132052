"""The snapshot: the whole library as a dozen column blobs, each with its checksum, which a
warm start splits in C instead of building a million Python objects one row at a time (see
:mod:`reader.library.cache.codec` for the rows and parsed files it sits beside).

Besides the columns it holds what a warm start would otherwise compute again: the date keys,
the months, the ``reader list --json`` records in date order, and a digest of the rows'
stamps (:func:`reader.library.cache.compare.stamps_digest`).
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from reader.library import safe_json
from reader.library.cache.codec import _EXTRA_FIELDS, Dates, decode_extra, encode_extra_fields
from reader.library.model import Problem
from reader.library.snapshot import Library
from reader.library.table import ArticleTable, per_date
from reader.library.timeline import month_numbers

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
