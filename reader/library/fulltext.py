"""Full-text search over every article's title, subtitle, source, author, tags and body (SQLite FTS5).

The in-memory :class:`~reader.library.snapshot.Library` keeps no bodies (100,000 of them would not
fit comfortably), so body search needs an on-disk index. This one lives in its own database per
library, ``$XDG_CACHE_HOME/reader/fulltext/<name>-<hash>.sqlite``, apart from the metadata cache
so the two can change independently; deleting it loses nothing.

How it fits together::

    fts = FullTextIndex.for_library(library.root)   # or FullTextIndex() in memory
    fts.sync(library)                               # re-reads only new and changed files
    fts.attach(library)                             # library.search() now uses it

* **Words and phrases.** A bare word matches articles with a token that *starts with* it
  (``ranso`` finds "ransomware", so filtering while typing works; a one-character word only
  matches that whole token); a ``"quoted phrase"`` matches those tokens in that order. Case
  and diacritics never matter (``unicode61 remove_diacritics 2``). User text is always quoted
  as an FTS string, so ``AND``, ``NEAR(``, ``*``, ``:`` or a stray ``"`` in a query are words
  to look for, never FTS syntax.
* **Ranking.** :meth:`FullTextIndex.scores` gives each match its bm25 relevance (higher is
  better) with the title weighted well above the body, so an article with the words in its
  title ranks above one that mentions them once in passing. A word in more than
  :data:`RANK_LIMIT` articles is too common for bm25 to say much and too costly to score on
  every keystroke: its matches only rank title/tag mentions above body ones.
* **Ids.** FTS rows are numbered by the index (``files.id``), articles by their position in a
  library snapshot; each snapshot gets its own row → article map, built once, on first use,
  and rebuilt when a sync changed the index. An article the index does not cover yet (new, or
  changed since it was indexed) is matched on its metadata in memory instead, so a search is
  never missing an article while a sync catches up.
* **Deletions.** The FTS table is *contentless* (it stores no copy of the text, which would
  double its size), and this SQLite (3.40) cannot delete a contentless row without the exact
  old text. So a removed or changed file only loses its ``files`` row; its FTS row stays as an
  unreachable "dead" row that no map points to. When dead rows outnumber a quarter of the live
  ones the index is rebuilt from scratch on the next sync.
* **Threads.** The app syncs from a worker thread while the UI thread searches. A file
  database is in WAL mode and every thread gets its own connection, so searches read the last
  committed state and never wait for the writer; the in-memory database has one connection
  guarded by a lock (held per batch, so searches slip in between batches).
* **Never a crash.** A corrupt file, another schema version or another library's database is
  deleted and rebuilt; a database locked by another ``reader`` or an unwritable cache folder
  makes :meth:`sync` give up quietly (the report says why) while searches keep working on
  what is there, or fall back to metadata matching when nothing is.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.library.fulltext_db import (
    COLUMNS,
    FullTextDatabase,
    FullTextError,
    fts5_available,
    path_key,
    path_of,
    rowids,
    storable,
)
from reader.library.query import Term
from reader.library.search import CommonWord
from reader.library.sqlite import is_busy, same_stamp, transaction
from reader.library.tokens import matches_whole_tokens, tokens

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.library.snapshot import Library

WEIGHTS = (10.0, 4.0, 2.0, 2.0, 5.0, 1.0)
"""bm25 column weights, in :data:`COLUMNS` order: a word in the title says far more than one in the body."""

BATCH_SIZE = 500
"""Files per write transaction: large enough to amortise the commit, small enough that a search
(in-memory mode) or a crash never waits on or loses much."""
DEAD_RATIO = 0.25
DEAD_MIN = 1000
"""Rebuild once dead rows exceed both this many and :data:`DEAD_RATIO` of the live ones."""
MAP_REFRESH_ROWS = 20_000
"""During a long sync, let searches see newly indexed files every this many files."""
RANK_LIMIT = 15_000
"""A word matching more articles than this is not scored with bm25 (≈1 µs an article, so
100,000 matches would take 0.1 s on every keystroke). Such a word is common enough that its
bm25 weight is small anyway (FTS5 floors it to ~0 once it is in half the articles): its
matches score :data:`COMMON_SCORE` when in the title, subtitle, source, author or tags and 0
when only in the body, which still ranks a title mention first and keeps ties newest first."""
COMMON_SCORE = 1e-3
CACHE_TERMS = 32
_METADATA = "{" + " ".join(COLUMNS[:-1]) + "} : "
_BM25 = f"SELECT rowid, -bm25(fts, {', '.join(map(str, WEIGHTS))}) FROM fts WHERE fts MATCH ?"

ProgressCallback = Callable[[int, int], None]


def match_expression(term: Term) -> str | None:
    """The FTS5 MATCH string for a bare word or a phrase, or ``None`` when it holds no token.

    The whole user text becomes one FTS string (``"…"``, inner quotes doubled): inside a string
    every character is literal, so nothing the user types can be FTS syntax. A bare word gets a
    trailing ``*`` (prefix match on its last token) unless the prefix rule of
    :mod:`reader.library.tokens` says whole tokens (a phrase; a one-character last token).
    """
    parts = tokens(term.value)
    if not parts:
        return None
    quoted = '"' + term.value.replace('"', '""') + '"'
    return quoted if matches_whole_tokens(term.field == "phrase", parts) else quoted + "*"


def index_path(root: Path | str) -> Path:
    """Where the full-text index of the library at ``root`` lives (see :mod:`reader.paths`)."""
    return paths.cache_file(root, "fulltext")


@dataclass(slots=True)
class SyncReport:
    """What one :meth:`FullTextIndex.sync` did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    """The database was reset first (corrupt, old schema, too many dead rows)."""
    seconds: float = 0.0
    failed: int = 0
    """Files that could not be indexed (the others were)."""
    error: str | None = None
    """Why the sync stopped early (the index is still usable as far as it got)."""


@dataclass(slots=True)
class RowMap:
    """One library snapshot's view of the index: FTS row → article id, and what is not covered."""

    generation: int
    rows: list[int]
    """``rows[rowid]`` is the article id, or -1 (a dead row, or another snapshot's article)."""
    pending: list[int]
    """Article ids with no up-to-date row: matched on metadata in memory instead."""
    cache: OrderedDict[Term, dict[int, float] | CommonWord] = field(default_factory=OrderedDict)
    """Recent terms' scores: while "ransomware kas" grows to "ransomware kaseya", the first
    word is looked up once, not on every keystroke. Dropped with the snapshot after a sync."""


class FullTextIndex:
    """An FTS5 index of a library's articles; see the module docstring for the design.

    ``path`` is a database file (created as needed) or ``":memory:"`` (tests, ``--no-cache``).
    ``root`` ties a file to one library folder: a file written for another folder is rebuilt.
    """

    def __init__(self, path: Path | str = ":memory:", *, root: Path | str | None = None) -> None:
        self.db = FullTextDatabase(path, root)
        self.available = fts5_available()
        self._generation = 0
        self._cache_lock = threading.Lock()
        self._needs_reset = False
        if self.available:
            self.db.prepare()

    @property
    def path(self) -> Path | None:
        """The database file; ``None`` in memory (asked for, or fallen back to)."""
        return self.db.path

    @property
    def notice(self) -> str | None:
        """A one-line explanation when the index had to be rebuilt or fell back to memory."""
        return self.db.notice

    def close(self) -> None:
        """Close every connection (from any thread). Searches afterwards fall back to memory."""
        self.db.close()

    @classmethod
    def for_library(cls, root: Path | str) -> FullTextIndex:
        """The on-disk index for the library at ``root`` (in memory if the cache folder is unusable)."""
        return cls(index_path(root), root=root)

    # -- syncing --------------------------------------------------------------------------

    def sync(self, library: Library, progress: ProgressCallback | None = None) -> SyncReport:
        """Bring the index up to date with ``library``: index new and changed files, forget removed ones.

        A file counts as changed when its size or modification time differs from what was
        indexed. Bodies are re-read from disk (:meth:`Library.read`) only for those. Writes go
        in transactions of :data:`BATCH_SIZE` files, so an interrupted sync keeps what it did.
        ``progress(done, total)`` is called after each batch. Never raises.
        """
        report = SyncReport()
        if not self.available or self.db.closed:
            report.error = "full-text search is not available (SQLite without FTS5)" if not self.available else "closed"
            return report
        started = time.perf_counter()
        try:
            self._sync(library, progress, report)
        except (sqlite3.Error, FullTextError) as error:
            report.error = "full-text index is in use by another reader" if is_busy(error) else str(error)
            if not is_busy(error):
                self._needs_reset = True
        except Exception as error:  # a parser bug must not kill the app's worker thread
            report.error = f"full-text sync stopped: {type(error).__name__}: {error}"
        finally:
            self._generation += 1
            # Build the row map for this snapshot here, in the syncing thread, not on the next keystroke.
            self._snapshot(library)
            report.seconds = time.perf_counter() - started
        return report

    def _sync(self, library: Library, progress: ProgressCallback | None, report: SyncReport) -> None:
        if self._needs_reset:
            self._reset()
            report.rebuilt = True
        with self.db.connection() as conn:
            stored = {
                path_of(key): (size, mtime) for key, size, mtime in conn.execute("SELECT path, size, mtime FROM files")
            }
            dead = int(conn.execute("SELECT value FROM meta WHERE key = 'dead'").fetchone()[0] or 0)
        if dead > DEAD_MIN and dead > DEAD_RATIO * max(len(stored), 1):
            self._reset()
            report.rebuilt = True
            stored = {}
        table = library.articles
        column = table.column
        todo_rows: list[int] = []
        for row, (path, size, mtime) in enumerate(zip(column("path"), column("size"), column("mtime"), strict=True)):
            stamp = stored.get(path)
            if stamp is None:
                todo_rows.append(row)
                report.added += 1
            elif not same_stamp(size, mtime, *stamp):
                todo_rows.append(row)
                report.updated += 1
            else:
                report.unchanged += 1
        todo: list[Article] = [table[row] for row in todo_rows]
        gone = [path for path in stored if path not in library.by_path]
        total = len(todo)
        since_refresh = 0
        for start in range(0, total, BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            rows = []
            for article in batch:
                try:
                    rows.append(_row(article, library))
                except Exception:  # one file that cannot be read or indexed costs that file only
                    report.failed += 1
            self._write(rows)
            since_refresh += len(batch)
            if since_refresh >= MAP_REFRESH_ROWS:
                since_refresh = 0
                self._generation += 1
            if progress is not None:
                progress(min(start + BATCH_SIZE, total), total)
        for start in range(0, len(gone), BATCH_SIZE):
            self._remove(gone[start : start + BATCH_SIZE])
        report.removed = len(gone)

    def _write(self, rows: Sequence[tuple[str, int, float, tuple[str, ...]]]) -> None:
        with self.db.connection() as conn, transaction(conn):
            replaced = 0
            for path, size, mtime, values in rows:
                # Any row for this path (another reader may have indexed it meanwhile) dies.
                key = path_key(path)
                replaced += conn.execute("DELETE FROM files WHERE path = ?", (key,)).rowcount
                rowid = conn.execute(
                    "INSERT INTO files (path, size, mtime) VALUES (?, ?, ?)", (key, size, mtime)
                ).lastrowid
                conn.execute(
                    f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)", (rowid, *values)
                )
            if replaced:
                conn.execute("UPDATE meta SET value = value + ? WHERE key = 'dead'", (replaced,))

    def _remove(self, paths: Sequence[str]) -> None:
        with self.db.connection() as conn, transaction(conn):
            removed = 0
            for path in paths:
                removed += conn.execute("DELETE FROM files WHERE path = ?", (path_key(path),)).rowcount
            conn.execute("UPDATE meta SET value = value + ? WHERE key = 'dead'", (removed,))

    def _reset(self) -> None:
        """Empty the index (keeping the file): the next writes re-index everything."""
        try:
            with self.db.connection() as conn, transaction(conn):
                conn.execute("DELETE FROM files")
                conn.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
                conn.execute("UPDATE meta SET value = '0' WHERE key = 'dead'")
        except sqlite3.DatabaseError as error:
            if is_busy(error) or self.path is None:
                raise
            # Too broken to empty in place: start a new file.
            self.db.discard_file()
            self.db.notice = f"full-text index rebuilt ({error})"
            with self.db.connection() as conn:
                self.db.check_schema(conn)
        self._needs_reset = False
        self._generation += 1

    # -- searching ------------------------------------------------------------------------

    def attach(self, library: Library) -> Library:
        """Make ``library.search`` use this index for words and phrases (and rank by relevance).

        The index is library-independent (it maps its rows to each snapshot's ids itself), so
        the snapshots :meth:`Library.with_changes` derives keep using it. Returns ``library``.
        """
        library.full_text = self
        self._snapshot(library)  # the row → id map, built now (call attach from a worker thread)
        return library

    def scores(self, library: Library, term: Term) -> dict[int, float] | CommonWord | None:
        """Article ids of ``library`` matching a bare word or phrase, with their relevance.

        Higher scores are better (the negated bm25). Articles the index does not cover yet are
        matched on their metadata (score 0). ``None`` when the index cannot be used at all:
        the library then matches words in memory.
        """
        expression = match_expression(term)
        if expression is None or not self.available or self.db.closed:
            return None
        snapshot = self._snapshot(library)
        if snapshot is None:
            return None
        with self._cache_lock:
            cached = snapshot.cache.get(term)
            if cached is not None:
                snapshot.cache.move_to_end(term)
                return cached
        try:
            out = self._query(snapshot.rows, expression)
        except (sqlite3.Error, FullTextError) as error:
            if not is_busy(error) and not self.db.closed:
                self._needs_reset = True
            return None
        if snapshot.pending:
            pending = library.match_text(term, snapshot.pending)
            if isinstance(out, CommonWord):
                out.add(pending)
            else:
                for i in pending:
                    out.setdefault(i, 0.0)
        with self._cache_lock:
            snapshot.cache[term] = out
            while len(snapshot.cache) > CACHE_TERMS:
                snapshot.cache.popitem(last=False)
        return out

    def _query(self, rows: list[int], expression: str) -> dict[int, float] | CommonWord:
        """Run one MATCH; map rows to article ids with C-level loops (this is the hot path).

        Row ids come back as one string (:func:`~reader.library.fulltext_db.rowids`); the
        metadata rows a common word is ranked by are asked for at once, on another thread
        (:meth:`~reader.library.fulltext_db.FullTextDatabase.rowids_soon`)."""
        size = len(rows)
        metadata = self.db.rowids_soon(_METADATA + expression)  # needed when the word is common
        try:
            with self.db.connection() as conn:
                found_rows = rowids(conn, expression)
                if len(found_rows) <= RANK_LIMIT:
                    hits = conn.execute(_BM25, (expression,)).fetchall()
                    common: list[int] = []
                else:
                    hits = []
                    common = metadata.rows()
        finally:
            metadata.settle()  # a rare word's, unread: it must still end before this returns
        # Rows written after the map was built (a sync in progress) are past its end: skip them.
        if hits:
            found, scores = zip(*hits, strict=True)
            if max(found) < size:
                out = dict(zip(map(rows.__getitem__, found), scores, strict=True))
            else:
                out = {rows[r]: score for r, score in hits if r < size}
            out.pop(-1, None)  # dead rows, and other snapshots' articles
            return out
        if found_rows and max(found_rows) >= size:
            found_rows = [r for r in found_rows if r < size]
        if common and max(common) >= size:
            common = [r for r in common if r < size]
        every = dict.fromkeys(map(rows.__getitem__, found_rows), 0.0)
        top = dict.fromkeys(map(rows.__getitem__, common), COMMON_SCORE)
        every.pop(-1, None)
        top.pop(-1, None)
        return CommonWord(every, top)

    def search(self, library: Library, text: str | Term) -> Mapping[int, float]:
        """Scores for one bare word (a ``str``) or a :class:`Term`; empty when nothing matches."""
        term = text if isinstance(text, Term) else Term("", text)
        found = self.scores(library, term)
        if found is None:
            return dict.fromkeys(library.match_text(term), 0.0)
        return found

    def _snapshot(self, library: Library) -> RowMap | None:
        snapshot = library.memo.full_text_rows
        if snapshot is not None and snapshot.generation == self._generation:
            return snapshot
        generation = self._generation
        try:
            with self.db.connection() as conn:
                files = conn.execute("SELECT id, path, size, mtime FROM files").fetchall()
        except (sqlite3.Error, FullTextError) as error:
            if not is_busy(error) and not self.db.closed:
                self._needs_reset = True
            return None
        by_path = library.by_path
        sizes, mtimes = library.articles.column("size"), library.articles.column("mtime")
        rows = [-1] * (max((f[0] for f in files), default=0) + 1)
        covered = 0
        for rowid, key, size, mtime in files:
            i = by_path.get(path_of(key))
            if i is not None and same_stamp(sizes[i], mtimes[i], size, mtime):
                rows[rowid] = i
                covered += 1
        pending: list[int] = []
        if covered < len(sizes):
            seen = set(rows)
            pending = [i for i in range(len(sizes)) if i not in seen]
        snapshot = RowMap(generation, rows, pending)
        library.memo.full_text_rows = snapshot
        return snapshot

    def __repr__(self) -> str:
        return f"FullTextIndex({str(self.path) if self.path else ':memory:'})"


def _row(article: Article, library: Library) -> tuple[str, int, float, tuple[str, ...]]:
    """What to index for one article: its path, the stamp it was indexed at, the column values.

    The stamp is the library's (what later syncs compare against); the text is read from disk
    now. If the file changed in between, the next library sees a new stamp and re-indexes it.
    """
    full, _problems = library.read(article)
    title = "\n".join((full.title, *full.aliases))  # an alias is another title, weighted as one
    values = (title, full.subtitle, full.source, full.author, "\n".join(full.tags), full.body)
    return article.path, article.size, article.mtime, tuple(map(storable, values))


def open_index(root: Path | str, *, use_cache: bool = True) -> FullTextIndex:
    """The index for the library at ``root``: on disk, or in memory with ``use_cache=False``."""
    return FullTextIndex.for_library(root) if use_cache else FullTextIndex(root=root)
