"""The full-text index's SQLite file: connections per thread, its schema, rebuilding it.

Kept apart from :mod:`reader.library.fulltext` (what is indexed, and how it is searched) so
each stays readable: this module knows nothing of articles, only of a database that must
open, be ours and never crash its caller.

* A file database is in WAL mode and every thread gets its own connection (searches read the
  last committed state and never wait for the writer); the in-memory one has one connection
  guarded by a lock.
* A corrupt file, another schema or another library's database is deleted and made anew; an
  unwritable folder, or a file that stays unusable, leaves the index in memory; a database
  another ``reader`` holds is used as it is. :attr:`FullTextDatabase.notice` says which.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reader import paths
from reader.library.private import private_file
from reader.library.sqlite import delete_database, is_busy, transaction

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

SCHEMA_VERSION = 3
"""Stored in ``PRAGMA user_version``; another value means the file is rebuilt (2: aliases in the title
column; 3: the two-character prefix index)."""
PREFIX_INDEX = "2"
"""FTS5 keeps a doclist for every two-character token prefix. Search-as-you-type sends a two-letter
word on nearly every query, and without it FTS5 merges the doclists of every token that starts
so: at 100,000 articles ``in*`` took 740 ms and ``ra*`` 250 ms, with it 94 and 80 ms (end to end in
``Library.search``). The price, measured on 25,000 articles: the file 89 → 134 MB and a full build
4.9 → 7.8 s. Longer prefixes gain less (``ran*`` 10 ms either way at 25,000) and would cost as much again."""
COLUMNS = ("title", "subtitle", "source", "author", "tags", "body")
TOKENIZER = "unicode61 remove_diacritics 2"
"""FTS5's tokenizer; :mod:`reader.library.tokens` splits and folds words the same way."""


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


def rowids(conn: sqlite3.Connection, expression: str) -> list[int]:
    """The FTS rows matching ``expression``, as one string read as a JSON array in C: for the
    ~95,000 rows of a two- or three-letter prefix at 100,000 articles, 10–15 ms less than
    fetching one-column rows (35 against 49 ms for ``cloud*``), and 8–10 ms against 15–22 ms
    to split the string and convert each part with ``int``."""
    joined = conn.execute("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()[0]
    return cast(list[int], json.loads(f"[{joined}]")) if joined else []


@dataclass(frozen=True, slots=True)
class SoonRows:
    """A query's rows on their way (:meth:`FullTextDatabase.rowids_soon`)."""

    rows: Callable[[], list[int]]
    """Wait for them (raises what the query raised)."""
    settle: Callable[[], object]
    """Wait for the query to end without needing its rows (its error, if any, is dropped):
    no query of a search may outlive it, since :meth:`FullTextDatabase.close` may follow."""


class FullTextDatabase:
    """One full-text database: ``path`` (created as needed) or ``":memory:"``; ``root`` ties a
    file to one library folder. Call :meth:`prepare` once before use (when FTS5 exists)."""

    def __init__(self, path: Path | str = ":memory:", root: Path | str | None = None) -> None:
        self.memory = str(path) == ":memory:"
        self.path = None if self.memory else Path(path)
        self.root = str(paths.library_root(root)) if root is not None else ""
        self.notice: str | None = None
        """A one-line explanation when the index had to be rebuilt or fell back to memory."""
        self.closed = False
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._in_use = 0
        """Threads inside :meth:`connection` (file databases): :meth:`close` waits for them."""
        self._depth = threading.local()
        """How deep this thread is in :meth:`connection` (a close from inside waits for the rest)."""
        self.conns = _Connections()
        self._shared: sqlite3.Connection | None = None
        self._helper: ThreadPoolExecutor | None = None

    def rowids_soon(self, expression: str) -> SoonRows:
        """:func:`rowids` of ``expression``, started now on a helper thread with its own
        connection (see :class:`SoonRows`).

        SQLite runs a query without the interpreter lock, so a second MATCH overlaps the
        caller's own: a common word's metadata rows (its ranking) come alongside its rows,
        10–22 ms sooner a key for 2–6 letter prefixes at 100,000 articles (medians of seven).
        The in-memory database has one connection under a lock: there the query runs only
        when its rows are asked for (a rare word never asks), on the caller's thread."""
        if self.memory:
            return SoonRows(lambda: self._rowids_here(expression), lambda: None)
        from concurrent.futures import CancelledError, ThreadPoolExecutor, wait  # the CLI rarely needs it

        with self._lock:
            if self.closed:
                raise FullTextError("closed")
            if self._helper is None:
                self._helper = ThreadPoolExecutor(1, thread_name_prefix="reader-fulltext")
            helper = self._helper
        try:
            future = helper.submit(self._rowids_here, expression)
        except RuntimeError as error:  # shut down by close() from another thread just now
            raise FullTextError("closed") from error

        def rows() -> list[int]:
            try:
                return future.result()
            except CancelledError as error:  # closed (from another thread) before it ran
                raise FullTextError("closed") from error

        return SoonRows(rows, lambda: wait([future]))

    def _rowids_here(self, expression: str) -> list[int]:
        with self.connection() as conn:
            return rowids(conn, expression)

    def prepare(self) -> None:
        """Open (creating, or rebuilding when unusable) the database once, on the calling thread."""
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self.fall_back_to_memory(f"cannot create {self.path.parent} ({error.strerror}); index kept in memory")
                return
        for attempt in range(2):
            try:
                with self.connection() as conn:
                    self.check_schema(conn)
                return
            except (sqlite3.DatabaseError, FullTextError) as error:
                if is_busy(error):
                    # Another reader is creating or rebuilding it: use it as it is, don't wait.
                    self.notice = "full-text index is busy in another reader; using it as is"
                    return
                if attempt == 0 and self.path is not None:
                    self.notice = f"full-text index rebuilt ({error})"
                    self.discard_file()
                    continue
                self.fall_back_to_memory(f"full-text index unusable ({error}); kept in memory")
                return

    def fall_back_to_memory(self, notice: str) -> None:
        self.close()
        self.closed = False
        self.memory, self.path, self.notice = True, None, notice
        self.conns = _Connections()
        self._shared = None
        with self.connection() as conn:
            self.check_schema(conn)

    def discard_file(self) -> None:
        self.close()
        self.closed = False
        self.conns = _Connections()
        assert self.path is not None
        delete_database(self.path)

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
    def connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (file), or the shared one under the lock (memory)."""
        if self.closed:
            raise FullTextError("closed")
        if self.memory:
            with self._lock:
                if self._shared is None:
                    self._shared = self._open()
                    self.conns.every.add(self._shared)
                yield self._shared
            return
        with self._lock:
            if self.closed:
                raise FullTextError("closed")
            self._in_use += 1
        depth = getattr(self._depth, "n", 0)
        self._depth.n = depth + 1
        try:
            conn = getattr(self.conns.local, "conn", None)
            if conn is None:
                conn = self._open()
                self.conns.local.conn = conn
                with self._lock:
                    self.conns.every.add(conn)
            yield conn
        finally:
            self._depth.n = depth
            with self._lock:
                self._in_use -= 1
                if not self._in_use:
                    self._idle.notify_all()

    def close(self) -> None:
        """Close every connection (from any thread). Searches afterwards fall back to memory.

        Closing a connection under a running query crashed the interpreter (a segfault in
        SQLite), so nothing is closed while another thread is inside :meth:`connection`: the
        helper thread is stopped first (its query awaited, outside the lock, which the helper
        takes to register a connection), then close waits for the others, such as the UI's
        search while the sync worker resets a broken index. None starts once ``closed`` is set."""
        with self._lock:
            self.closed = True  # from here no query starts (rowids_soon, connection)
            helper, self._helper = self._helper, None
        if helper is not None:
            helper.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            mine = getattr(self._depth, "n", 0)
            self._idle.wait_for(lambda: self._in_use <= mine)
            for conn in list(self.conns.every):
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self.conns.every.clear()
            self._shared = None

    def check_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if version == 0 and not tables:
            if self.create(conn):
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

    def create(self, conn: sqlite3.Connection) -> bool:
        """Create the tables in an empty database; False if someone else did first."""
        columns = ", ".join(COLUMNS)
        with transaction(conn):
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return False
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            # AUTOINCREMENT: an id is never reused, so a stale row → article map can only miss.
            conn.execute(
                "CREATE TABLE files (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE,"
                " size INTEGER NOT NULL, mtime REAL NOT NULL)"
            )
            conn.execute(
                f"CREATE VIRTUAL TABLE fts USING fts5({columns}, content='', tokenize='{TOKENIZER}',"
                f" prefix='{PREFIX_INDEX}')"
            )
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("root", self.root), ("tokenizer", TOKENIZER), ("dead", "0")]
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as SQLite can store it: lone surrogates (from a non-UTF-8 file) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


_BYTES_KEY = "\x00"
"""Starts a ``files.path`` key spelled as hex bytes: no real path starts with NUL."""


def path_key(path: str) -> str:
    """A path as SQLite can store it: a file name that is not UTF-8 (lone surrogates, which
    SQLite refuses) is kept as the hex of its bytes, losslessly, instead of stopping the sync."""
    if _SURROGATE.search(path) is None:
        return path
    return _BYTES_KEY + path.encode("utf-8", "surrogateescape").hex()


def path_of(key: str) -> str:
    """:func:`path_key` undone."""
    if not key.startswith(_BYTES_KEY):
        return key
    try:
        return bytes.fromhex(key[1:]).decode("utf-8", "surrogateescape")
    except ValueError:
        return key
