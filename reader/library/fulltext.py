"""Full-text search over every article's title, subtitle, source, author, tags and body (SQLite FTS5).

The in-memory :class:`~reader.library.index.Library` keeps no bodies (100,000 of them would not
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

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library.private import private_file
from reader.library.query import Term

if TYPE_CHECKING:
    from reader.library.index import Library
    from reader.library.model import Article

SCHEMA_VERSION = 2
"""Stored in ``PRAGMA user_version``; another value means the file is rebuilt (2: aliases in the title column)."""

COLUMNS = ("title", "subtitle", "source", "author", "tags", "body")
WEIGHTS = (10.0, 4.0, 2.0, 2.0, 5.0, 1.0)
"""bm25 column weights, in :data:`COLUMNS` order: a word in the title says far more than one in the body."""

TOKENIZER = "unicode61 remove_diacritics 2"
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

_TOKEN = re.compile(r"[^\W_]+")
"""What the unicode61 tokenizer calls a token: a run of letters and digits (``_`` separates)."""

ProgressCallback = Callable[[int, int], None]


def tokens(text: str) -> list[str]:
    """The case-folded tokens of ``text``, as FTS5's unicode61 tokenizer splits them (near enough)."""
    return _TOKEN.findall(text.casefold())


def match_expression(term: Term) -> str | None:
    """The FTS5 MATCH string for a bare word or a phrase, or ``None`` when it holds no token.

    The whole user text becomes one FTS string (``"…"``, inner quotes doubled): inside a string
    every character is literal, so nothing the user types can be FTS syntax. A bare word gets a
    trailing ``*`` (prefix match on its last token); a phrase does not, and neither does a word
    ending in a one-character token (``c``, ``c++``): a one-letter prefix matches nearly every
    article, costs a second at 100,000 of them, and is only what the filter bar holds while
    the user starts typing.
    """
    parts = tokens(term.value)
    if not parts:
        return None
    quoted = '"' + term.value.replace('"', '""') + '"'
    return quoted if term.field == "phrase" or len(parts[-1]) < 2 else quoted + "*"


_FTS5: bool | None = None


def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5 (checked once)."""
    global _FTS5
    if _FTS5 is None:
        try:
            with contextlib.closing(sqlite3.connect(":memory:")) as conn:
                conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
            _FTS5 = True
        except sqlite3.Error:
            _FTS5 = False
    return _FTS5


def index_path(root: Path | str) -> Path:
    """Where the full-text index of the library at ``root`` lives."""
    from reader.config import cache_dir

    root_path = Path(os.path.abspath(Path(root).expanduser()))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", root_path.name).strip("-.")[:40] or "library"
    digest = hashlib.sha256(os.fsencode(root_path)).hexdigest()[:16]
    return cache_dir() / "fulltext" / f"{slug}-{digest}.sqlite"


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
class _Snapshot:
    """One library snapshot's view of the index: FTS row → article id, and what is not covered."""

    generation: int
    rows: list[int]
    """``rows[rowid]`` is the article id, or -1 (a dead row, or another snapshot's article)."""
    pending: list[int]
    """Article ids with no up-to-date row: matched on metadata in memory instead."""
    cache: OrderedDict[Term, dict[int, float]] = field(default_factory=OrderedDict)
    """Recent terms' scores: while "ransomware kas" grows to "ransomware kaseya", the first
    word is looked up once, not on every keystroke. Dropped with the snapshot after a sync."""


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced (the base class cannot)."""


@dataclass(slots=True)
class _Connections:
    """Per-thread connections. Only the thread's own ``local`` holds a connection strongly:
    when a worker thread ends, its connection is freed (and closed) with it, so an app that
    searches from a new worker thread per keystroke does not pile up open files."""

    local: threading.local = field(default_factory=threading.local)
    every: weakref.WeakSet[_Connection] = field(default_factory=weakref.WeakSet)


class FullTextError(Exception):
    """The database cannot be used as it is (corrupt, foreign, another schema)."""


class FullTextIndex:
    """An FTS5 index of a library's articles; see the module docstring for the design.

    ``path`` is a database file (created as needed) or ``":memory:"`` (tests, ``--no-cache``).
    ``root`` ties a file to one library folder: a file written for another folder is rebuilt.
    """

    def __init__(self, path: Path | str = ":memory:", *, root: Path | str | None = None) -> None:
        self.memory = str(path) == ":memory:"
        self.path = None if self.memory else Path(path)
        self.root = str(Path(root).expanduser().resolve()) if root is not None else ""
        self.available = fts5_available()
        self.notice: str | None = None
        """A one-line explanation when the index had to be rebuilt or fell back to memory."""
        self._generation = 0
        self._lock = threading.RLock()
        self._cache_lock = threading.Lock()
        self._conns = _Connections()
        self._shared: sqlite3.Connection | None = None
        self._closed = False
        self._needs_reset = False
        if self.available:
            self._prepare()

    @classmethod
    def for_library(cls, root: Path | str) -> FullTextIndex:
        """The on-disk index for the library at ``root`` (in memory if the cache folder is unusable)."""
        return cls(index_path(root), root=root)

    # -- connections ----------------------------------------------------------------------

    def _prepare(self) -> None:
        """Open (creating, or rebuilding when unusable) the database once, on the calling thread."""
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self._fall_back_to_memory(f"cannot create {self.path.parent} ({error.strerror}); index kept in memory")
                return
        for attempt in range(2):
            try:
                with self._connection() as conn:
                    self._check_schema(conn)
                return
            except (sqlite3.DatabaseError, FullTextError) as error:
                if _is_busy(error):
                    # Another reader is creating or rebuilding it: use it as it is, don't wait.
                    self.notice = "full-text index is busy in another reader; using it as is"
                    return
                if attempt == 0 and self.path is not None:
                    self.notice = f"full-text index rebuilt ({error})"
                    self._discard_file()
                    continue
                self._fall_back_to_memory(f"full-text index unusable ({error}); kept in memory")
                return

    def _fall_back_to_memory(self, notice: str) -> None:
        self.close()
        self._closed = False
        self.memory, self.path, self.notice = True, None, notice
        self._conns = _Connections()
        self._shared = None
        with self._connection() as conn:
            self._check_schema(conn)

    def _discard_file(self) -> None:
        self.close()
        self._closed = False
        self._conns = _Connections()
        assert self.path is not None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _open(self) -> _Connection:
        if self.memory:
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None, factory=_Connection)
        else:
            assert self.path is not None
            private_file(self.path)  # every word of every article: 0600 in a 0700 folder
            # A short busy timeout: a writer in another reader holds the lock one batch at a time.
            conn = sqlite3.connect(
                self.path, timeout=1.0, check_same_thread=False, isolation_level=None, factory=_Connection
            )
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.DatabaseError:
                conn.close()
                raise
        return conn

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (file), or the shared one under the lock (memory)."""
        if self._closed:
            raise FullTextError("closed")
        if self.memory:
            with self._lock:
                if self._shared is None:
                    self._shared = self._open()
                    self._conns.every.add(self._shared)
                yield self._shared
            return
        conn = getattr(self._conns.local, "conn", None)
        if conn is None:
            conn = self._open()
            self._conns.local.conn = conn
            with self._lock:
                self._conns.every.add(conn)
        yield conn

    def close(self) -> None:
        """Close every connection (from any thread). Searches afterwards fall back to memory."""
        with self._lock:
            self._closed = True
            for conn in list(self._conns.every):
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._conns.every.clear()
            self._shared = None

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if version == 0 and not tables:
            if self._create(conn):
                return
            # Another reader created it while we waited for the lock: check what it made.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if version != SCHEMA_VERSION or not {"meta", "files", "fts"} <= tables:
            raise FullTextError(f"schema {version}, expected {SCHEMA_VERSION}")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if self.root and meta.get("root") not in (None, self.root):
            raise FullTextError("written for another library folder")
        if meta.get("tokenizer") != TOKENIZER:
            raise FullTextError("another tokenizer")
        # Touch the FTS structures: a truncated or scribbled file fails here, not mid-search.
        conn.execute("SELECT count(*) FROM files").fetchone()
        conn.execute("SELECT rowid FROM fts WHERE fts MATCH 'x' LIMIT 1").fetchall()

    def _create(self, conn: sqlite3.Connection) -> bool:
        """Create the tables in an empty database; False if someone else did first."""
        columns = ", ".join(COLUMNS)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                conn.execute("ROLLBACK")
                return False
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            # AUTOINCREMENT: an id is never reused, so a stale row → article map can only miss.
            conn.execute(
                "CREATE TABLE files (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE,"
                " size INTEGER NOT NULL, mtime REAL NOT NULL)"
            )
            conn.execute(f"CREATE VIRTUAL TABLE fts USING fts5({columns}, content='', tokenize='{TOKENIZER}')")
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("root", self.root), ("tokenizer", TOKENIZER), ("dead", "0")]
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        return True

    # -- syncing --------------------------------------------------------------------------

    def sync(self, library: Library, progress: ProgressCallback | None = None) -> SyncReport:
        """Bring the index up to date with ``library``: index new and changed files, forget removed ones.

        A file counts as changed when its size or modification time differs from what was
        indexed. Bodies are re-read from disk (:meth:`Library.read`) only for those. Writes go
        in transactions of :data:`BATCH_SIZE` files, so an interrupted sync keeps what it did.
        ``progress(done, total)`` is called after each batch. Never raises.
        """
        report = SyncReport()
        if not self.available or self._closed:
            report.error = "full-text search is not available (SQLite without FTS5)" if not self.available else "closed"
            return report
        started = time.perf_counter()
        try:
            self._sync(library, progress, report)
        except (sqlite3.Error, FullTextError) as error:
            report.error = "full-text index is in use by another reader" if _is_busy(error) else str(error)
            if not _is_busy(error):
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
        with self._connection() as conn:
            stored = {
                _path_of(key): (size, mtime) for key, size, mtime in conn.execute("SELECT path, size, mtime FROM files")
            }
            dead = int(conn.execute("SELECT value FROM meta WHERE key = 'dead'").fetchone()[0] or 0)
        if dead > DEAD_MIN and dead > DEAD_RATIO * max(len(stored), 1):
            self._reset()
            report.rebuilt = True
            stored = {}
        todo: list[Article] = []
        for article in library.articles:
            stamp = stored.get(article.path)
            if stamp is None:
                todo.append(article)
                report.added += 1
            elif not _same_stamp(article, *stamp):
                todo.append(article)
                report.updated += 1
            else:
                report.unchanged += 1
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
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                replaced = 0
                for path, size, mtime, values in rows:
                    # Any row for this path (another reader may have indexed it meanwhile) dies.
                    key = _key(path)
                    replaced += conn.execute("DELETE FROM files WHERE path = ?", (key,)).rowcount
                    rowid = conn.execute(
                        "INSERT INTO files (path, size, mtime) VALUES (?, ?, ?)", (key, size, mtime)
                    ).lastrowid
                    conn.execute(
                        f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)", (rowid, *values)
                    )
                if replaced:
                    conn.execute("UPDATE meta SET value = value + ? WHERE key = 'dead'", (replaced,))
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    def _remove(self, paths: Sequence[str]) -> None:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                removed = 0
                for path in paths:
                    removed += conn.execute("DELETE FROM files WHERE path = ?", (_key(path),)).rowcount
                conn.execute("UPDATE meta SET value = value + ? WHERE key = 'dead'", (removed,))
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    def _reset(self) -> None:
        """Empty the index (keeping the file): the next writes re-index everything."""
        try:
            with self._connection() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute("DELETE FROM files")
                    conn.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
                    conn.execute("UPDATE meta SET value = '0' WHERE key = 'dead'")
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
        except sqlite3.DatabaseError as error:
            if _is_busy(error) or self.path is None:
                raise
            # Too broken to empty in place: start a new file.
            self._discard_file()
            self.notice = f"full-text index rebuilt ({error})"
            with self._connection() as conn:
                self._check_schema(conn)
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

    def scores(self, library: Library, term: Term) -> dict[int, float] | None:
        """Article ids of ``library`` matching a bare word or phrase, with their relevance.

        Higher scores are better (the negated bm25). Articles the index does not cover yet are
        matched on their metadata (score 0). ``None`` when the index cannot be used at all:
        the library then matches words in memory.
        """
        expression = match_expression(term)
        if expression is None or not self.available or self._closed:
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
            if not _is_busy(error) and not self._closed:
                self._needs_reset = True
            return None
        if snapshot.pending:
            for i in library.match_text(term, snapshot.pending):
                out.setdefault(i, 0.0)
        with self._cache_lock:
            snapshot.cache[term] = out
            while len(snapshot.cache) > CACHE_TERMS:
                snapshot.cache.popitem(last=False)
        return out

    def _query(self, rows: list[int], expression: str) -> dict[int, float]:
        """Run one MATCH; map rows to article ids with C-level loops (this is the hot path)."""
        size = len(rows)
        with self._connection() as conn:
            rowids = [rowid for (rowid,) in conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,))]
            if len(rowids) <= RANK_LIMIT:
                hits = conn.execute(_BM25, (expression,)).fetchall()
                common: list[int] = []
            else:
                hits = []
                in_metadata = conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (_METADATA + expression,))
                common = [rowid for (rowid,) in in_metadata]
        # Rows written after the map was built (a sync in progress) are past its end: skip them.
        if hits:
            found, scores = zip(*hits, strict=True)
            if max(found) < size:
                out = dict(zip(map(rows.__getitem__, found), scores, strict=True))
            else:
                out = {rows[r]: score for r, score in hits if r < size}
        else:
            if rowids and max(rowids) >= size:
                rowids = [r for r in rowids if r < size]
            out = dict.fromkeys(map(rows.__getitem__, rowids), 0.0)
            for r in common:
                if r < size:
                    out[rows[r]] = COMMON_SCORE
        out.pop(-1, None)  # dead rows, and other snapshots' articles
        return out

    def search(self, library: Library, text: str | Term) -> dict[int, float]:
        """Scores for one bare word (a ``str``) or a :class:`Term`; empty when nothing matches."""
        term = text if isinstance(text, Term) else Term("", text)
        found = self.scores(library, term)
        if found is None:
            return dict.fromkeys(library.match_text(term), 0.0)
        return found

    def _snapshot(self, library: Library) -> _Snapshot | None:
        state = library.extras
        snapshot = state.get("fulltext")
        if isinstance(snapshot, _Snapshot) and snapshot.generation == self._generation:
            return snapshot
        generation = self._generation
        try:
            with self._connection() as conn:
                files = conn.execute("SELECT id, path, size, mtime FROM files").fetchall()
        except (sqlite3.Error, FullTextError) as error:
            if not _is_busy(error) and not self._closed:
                self._needs_reset = True
            return None
        by_path = library.by_path
        articles = library.articles
        rows = [-1] * (max((f[0] for f in files), default=0) + 1)
        covered = 0
        for rowid, key, size, mtime in files:
            i = by_path.get(_path_of(key))
            if i is not None:
                article = articles[i]
                if _same_stamp(article, size, mtime):
                    rows[rowid] = i
                    covered += 1
        pending: list[int] = []
        if covered < len(articles):
            seen = set(rows)
            pending = [i for i in range(len(articles)) if i not in seen]
        snapshot = _Snapshot(generation, rows, pending)
        state["fulltext"] = snapshot
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
    return article.path, article.size, article.mtime, tuple(_SURROGATE.sub("\ufffd", value) for value in values)


_SURROGATE = re.compile("[\ud800-\udfff]")
_BYTES_KEY = "\x00"
"""Starts a ``files.path`` key spelled as hex bytes: no real path starts with NUL."""


def _key(path: str) -> str:
    """A path as SQLite can store it: a file name that is not UTF-8 (lone surrogates, which
    SQLite refuses) is kept as the hex of its bytes, losslessly, instead of stopping the sync."""
    if _SURROGATE.search(path) is None:
        return path
    return _BYTES_KEY + path.encode("utf-8", "surrogateescape").hex()


def _path_of(key: str) -> str:
    """:func:`_key` undone."""
    if not key.startswith(_BYTES_KEY):
        return key
    try:
        return bytes.fromhex(key[1:]).decode("utf-8", "surrogateescape")
    except ValueError:
        return key


def _same_stamp(article: Article, size: int, mtime: float) -> bool:
    """Whether the indexed stamp is still the article's (mtimes compared to the microsecond,
    as the metadata cache does: a float round trip must not look like an edit)."""
    return article.size == size and abs(article.mtime - mtime) < 1e-6


def _is_busy(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def open_index(root: Path | str, *, use_cache: bool = True) -> FullTextIndex:
    """The index for the library at ``root``: on disk, or in memory with ``use_cache=False``."""
    return FullTextIndex.for_library(root) if use_cache else FullTextIndex(root=root)
