"""The cache as one refresh uses it: stamps and verified rows out, parsed files and a snapshot in.

Any failure switches the writer off (``conn`` becomes ``None``) instead of failing the
refresh: the library being loaded matters, its cache does not. Writes go in transactions of
:data:`WRITE_EVERY` files; any write to ``files`` drops the snapshot in the same transaction,
so the two never disagree.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.library.cache import blobs, codec, rowtext
from reader.library.cache.compare import stamps_digest
from reader.library.cache.lock import WriteLock
from reader.library.cache.schema import INSERT, SELECT_ROWS, SELECT_STAMPS, CacheLocked, CacheUnusable, open_database
from reader.library.model import Article, Problem
from reader.library.scan import FileEntry, ScanReport
from reader.library.snapshot import Library
from reader.library.sqlite import transaction

WRITE_EVERY = 2048
"""Parsed files per cache transaction during a long index."""
_IN_CHUNK = 500
"""Paths per ``path IN (…)`` query (SQLite's default limit on parameters is far above)."""


class CacheWriter:
    """The cache file of one library for the length of one refresh (holding its write lock)."""

    def __init__(self, root: Path, path: Path) -> None:
        self.root = root
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.lock = WriteLock(path)
        self.has_snapshot = False
        self.keep_json_rows = False
        """Keep the ``reader list --json`` records on the library a snapshot is written for."""
        self.pending: list[tuple[Any, ...]] = []

    def open(self) -> bool:
        """Take the write lock and open (or create) the database; ``False``: go without a cache."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        if not self.lock.acquire():
            return False  # another process is writing this cache: leave it alone
        try:
            self.conn = open_database(self.path, self.root, create=True)
            self.has_snapshot = self.conn.execute("SELECT count(*) FROM snapshot").fetchone()[0] > 0
            return True
        except (CacheLocked, CacheUnusable, sqlite3.Error):
            self.close()
            return False

    def stamps(self) -> dict[str, tuple[int, int]] | None:
        """``path → (size, mtime_ns)`` of every stored file, or ``None`` without a cache."""
        if self.conn is None:
            return None
        try:
            stamps = {p: (s, m) for p, s, m in self.conn.execute(SELECT_STAMPS)}
        except sqlite3.Error:
            self.close()
            return None
        escaped = [path for path in stamps if rowtext.ESCAPE in path]
        for path in escaped:
            stamps[rowtext.restored(path)] = stamps.pop(path)
        return stamps

    def stamps_in_order(self) -> sqlite3.Cursor | None:
        """The ``(path, size, mtime_ns)`` rows one at a time, in path order (the primary key's:
        no sort); ``None`` without a cache. For comparing with a walk as it goes, where
        :meth:`stamps` holds 100,000 entries (30 MB measured). The caller closes the cursor."""
        if self.conn is None:
            return None
        try:
            return self.conn.execute(f"{SELECT_STAMPS} ORDER BY path")
        except sqlite3.Error:
            self.close()
            return None

    def _stamps_digest(self) -> bytes | None:
        """The digest of every row's stamp, for the snapshot about to be written: it holds as
        long as the snapshot does (any write to ``files`` drops both). ~0.15 s at 100,000 rows."""
        if self.conn is None:
            return None
        sizes, mtimes = array("q"), array("q")

        def paths(cursor: sqlite3.Cursor) -> Iterator[list[str]]:
            while rows := cursor.fetchmany(4096):
                stored, row_sizes, row_mtimes = zip(*rows, strict=True)
                sizes.extend(row_sizes)
                mtimes.extend(row_mtimes)
                yield rowtext.restored_paths(stored)

        try:
            return stamps_digest(paths(self.conn.execute(f"{SELECT_STAMPS} ORDER BY path")), sizes, mtimes)
        except sqlite3.Error:
            return None

    def stored_stamps_digest(self) -> bytes | None:
        """The snapshot's digest of the rows' stamps (``None``: no snapshot, or none stored):
        comparing a walk with it tells whether the walk is the rows, without reading them."""
        if self.conn is None:
            return None
        try:
            found = self.conn.execute("SELECT data FROM snapshot WHERE name = ?", (blobs.STAMPS,)).fetchone()
        except sqlite3.Error:
            return None
        return bytes(found[0]) if found is not None else None

    def first_entries(self, count: int) -> list[FileEntry] | None:
        """The first ``count`` stored files in path order, as the walk gives them (``None``:
        no cache). After a walk matched that many files with these very rows, the full
        refresh gets them from here instead of walking the folder a second time."""
        if self.conn is None:
            return None
        try:
            rows = self.conn.execute(f"{SELECT_STAMPS} ORDER BY path LIMIT ?", (count,)).fetchall()
        except sqlite3.Error:
            self.close()
            return None
        if not rows:
            return []
        stored, sizes, mtimes = zip(*rows, strict=True)
        paths = rowtext.restored_paths(stored)
        # The walk's own spelling of a file's path: the library's, a separator, the relative path.
        native = paths if os.sep == "/" else [path.replace("/", os.sep) for path in paths]
        return list(map(FileEntry, paths, map(os.path.join(self.root, "").__add__, native), sizes, mtimes))

    def load(self, paths: Sequence[str]) -> tuple[list[Article], list[Problem]] | None:
        """The stored articles and problems of ``paths`` (files unchanged on disk).

        A row whose checksum fails is left out: its file counts as not stored, and is parsed.
        """
        if self.conn is None:
            return None
        wanted = set(map(rowtext.stored, paths))  # as the rows spell them
        try:
            if len(wanted) > 2000:
                rows = [row for row in self.conn.execute(SELECT_ROWS) if row[0] in wanted]
            else:
                rows = []
                ordered = sorted(wanted)
                for i in range(0, len(ordered), _IN_CHUNK):
                    part = ordered[i : i + _IN_CHUNK]
                    marks = ", ".join("?" * len(part))
                    rows += self.conn.execute(f"{SELECT_ROWS} AND path IN ({marks})", part).fetchall()
            return codec.from_rows(codec.verified(rows)[0])
        except (sqlite3.Error, UnicodeEncodeError, TypeError, ValueError, IndexError, AttributeError):
            self.close()
            return None

    def add(self, columns: Sequence[Sequence[Any]]) -> None:
        """Queue a chunk of parsed files (as columns); written every :data:`WRITE_EVERY`."""
        if self.conn is None or not columns or not columns[0]:
            return
        stored = list(columns)
        stored[10] = list(map(codec.TAG_SEP.join, columns[10]))
        rows = zip(*stored, strict=True)
        if rowtext.needs_escape("\x00".join(columns[0])):  # one C-level test a chunk
            self.pending += (rowtext.stored_row(row) if rowtext.needs_escape(row[0]) else row for row in rows)
        else:
            self.pending += rows
        if len(self.pending) >= WRITE_EVERY:
            self.flush()

    def flush(self, deleted: Iterable[str] = ()) -> None:
        """Write what is queued and forget ``deleted``, in one transaction; give up on errors."""
        rows, self.pending = self.pending, []
        removed = [(rowtext.stored(path),) for path in deleted]
        if self.conn is None or (not rows and not removed):
            return
        conn = self.conn
        try:
            with transaction(conn):
                conn.executemany("DELETE FROM files WHERE path = ?", removed)
                try:
                    conn.executemany(INSERT, rows)
                except UnicodeEncodeError:
                    # A field SQLite cannot hold as text (a lone surrogate): that row escaped
                    # whole (see :mod:`rowtext`), restored when read back.
                    for row in rows:
                        try:
                            conn.execute(INSERT, row)
                        except UnicodeEncodeError:
                            conn.execute(INSERT, rowtext.stored_row(row))
                if self.has_snapshot:  # it no longer matches the rows
                    conn.execute("DELETE FROM snapshot")
                    self.has_snapshot = False
        except sqlite3.Error:
            self.close()

    def write_snapshot(self, library: Library, report: ScanReport) -> None:
        """Save the finished library whole, for the next warm start (see :func:`blobs.snapshot_of`)."""
        self.flush()
        if self.conn is None:
            return
        stamps = self._stamps_digest()
        parts = blobs.snapshot_of(library, keep_json_rows=self.keep_json_rows, stamps=stamps) or []
        conn = self.conn
        try:
            with transaction(conn):
                conn.execute("DELETE FROM snapshot")
                conn.executemany("INSERT INTO snapshot (name, data) VALUES (?, ?)", parts)
                # The walk's findings, for a warm start from the rows when there is no snapshot.
                scan = codec.encode_scan(report)
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('scan', ?)", (scan,))
            self.has_snapshot = bool(parts)
        except (sqlite3.Error, UnicodeEncodeError):
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        self.pending = []
        self.lock.release()
