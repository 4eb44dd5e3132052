"""The cache database's layout, and opening it only when it is ours, current and whole.

A file is used only if its ``PRAGMA user_version`` is :data:`SCHEMA_VERSION` and its ``meta``
table names this library folder and this parser (:func:`parser_version`); anything else
raises :class:`CacheUnusable` and the caller deletes and rebuilds it. A database another
process holds raises :class:`CacheLocked`: it is read if possible, never waited on or written.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

from reader.library.private import private_file
from reader.library.sqlite import delete_database, is_busy, transaction

SCHEMA_VERSION = 3
"""Bumped whenever the table layout changes; stored in ``PRAGMA user_version``.
2: a ``checksum`` per row and per snapshot part (a bit flip is a re-read, not a wrong article).
3: an ``extra`` column for the fields few articles have (aliases, draft, updated)."""

COLUMNS = (
    "path", "size", "mtime_ns", "ok", "title", "subtitle", "source", "link", "date", "author", "tags",
    "fingerprint", "problems", "extra",
)  # fmt: skip
"""The ``files`` columns a parsed file fills, in the order of :data:`reader.library.cache.codec.Parsed`."""

_STRICT = ", STRICT" if sqlite3.sqlite_version_info >= (3, 37) else ""
"""Type-checked tables where SQLite can (3.37+): a row can then never hold a surprise type."""
SCHEMA = (
    f"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID{_STRICT}",
    f"""CREATE TABLE files (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        title TEXT NOT NULL,
        subtitle TEXT NOT NULL,
        source TEXT NOT NULL,
        link TEXT NOT NULL,
        date TEXT,
        author TEXT NOT NULL,
        tags TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        problems TEXT NOT NULL,
        extra TEXT NOT NULL,
        checksum INTEGER NOT NULL
    ) WITHOUT ROWID{_STRICT}""",
    "CREATE INDEX files_with_problems ON files (path) WHERE problems != ''",
    f"CREATE TABLE snapshot (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID{_STRICT}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
_ALL = ", ".join((*COLUMNS, "checksum"))
INSERT = f"INSERT OR REPLACE INTO files ({_ALL}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"
# Never trust a path from the cache to stay inside the library (Library.read opens it).
_SAFE = "substr(path, 1, 1) != '/' AND instr('/' || path || '/', '/../') = 0"
SELECT_ROWS = f"SELECT {_ALL} FROM files WHERE (ok = 1 OR problems != '') AND {_SAFE}"
"""Every row that holds an article or a problem, with its checksum (see :func:`codec.verified`)."""
SELECT_STAMPS = "SELECT path, size, mtime_ns FROM files"


class CacheUnusable(Exception):
    """The cache file is missing, corrupt, foreign or from another version."""


class CacheLocked(Exception):
    """Another process holds the database: do not wait, do not write."""


_PARSER_VERSION: str | None = None


_NOT_PARSING = frozenset(
    {"engine", "fulltext", "fulltext_db", "orders", "query", "ranked", "related", "search",
     "snapshot", "sqlite", "tagtree", "tokens", "watch"}
)  # fmt: skip
"""Modules of :mod:`reader.library` that never change what a row holds (what is done with
articles once read): editing them must not cost every user a re-index. Any other module —
one split out of the parser tomorrow included — counts as parser; so do ``safe_json``,
``table`` and ``timeline``, whose results the snapshot stores (the ``reader list --json``
records, the date keys, the months)."""


def parser_version() -> str:
    """A hash of the modules that read files into rows (every module of :mod:`reader.library`
    but :data:`_NOT_PARSING`, this package included): a change to how a file is read
    invalidates old caches, and nobody has to remember to bump a number — nor to list a module
    newly split out of the parser. Once per process.

    What is hashed is each source file's name, size and modification time, not its text:
    reading and hashing the 24 files took ~0.2 s of the app's warm start at 100,000 articles
    (the loading worker shares the interpreter with the UI), against ~2 ms for the stats. An
    edit always changes the time; a file merely touched (a checkout, a reinstall) costs one
    re-index, never a stale row."""
    global _PARSER_VERSION
    if _PARSER_VERSION is None:
        digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
        package = Path(__file__).resolve().parents[1]
        try:
            for source in sorted(package.rglob("*.py")):
                if source.parent == package and source.stem in _NOT_PARSING:
                    continue
                st = source.stat()
                digest.update(f"{source.relative_to(package).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        except OSError:
            from reader import __version__

            digest.update(f"reader {__version__}".encode())
        _PARSER_VERSION = digest.hexdigest()[:16]
    return _PARSER_VERSION


def _connect(path: Path) -> sqlite3.Connection:
    # timeout: a commit takes milliseconds; never wait for another process longer than that.
    private_file(path)  # it holds every title and link of the library: 0600 in a 0700 folder
    conn = sqlite3.connect(path, timeout=0.2, isolation_level=None, check_same_thread=False)
    # A crash can at worst corrupt the cache, and a corrupt cache is detected and rebuilt.
    conn.execute("PRAGMA synchronous=OFF")
    return conn


def _check(conn: sqlite3.Connection, root: Path) -> None:
    """Raise :class:`CacheUnusable` unless this is our schema, for ``root``, by this parser."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise CacheUnusable(f"schema version {version}, expected {SCHEMA_VERSION}")
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("root") != str(root) or meta.get("parser") != parser_version():
        raise CacheUnusable("made for another folder or by another parser version")


def _create(conn: sqlite3.Connection, root: Path) -> None:
    """Make the tables in one transaction: a half-made cache is never taken for a valid one."""
    conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    with transaction(conn):
        for statement in SCHEMA:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("root", str(root)), ("parser", parser_version()), ("created", str(time.time()))],
        )


def open_database(path: Path, root: Path, *, create: bool) -> sqlite3.Connection:
    """Open and validate the cache, or raise :class:`CacheUnusable` / :class:`CacheLocked`.

    With ``create``, a missing or unusable file is deleted and made anew.
    """
    if not create and not path.exists():
        raise CacheUnusable("no cache yet")
    for attempt in (1, 2):
        conn: sqlite3.Connection | None = None
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = _connect(path)
            if create and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                _create(conn, root)
            _check(conn, root)
            return conn
        except (sqlite3.Error, CacheUnusable) as error:
            if conn is not None:
                conn.close()
            if isinstance(error, sqlite3.Error) and is_busy(error):
                raise CacheLocked(str(error)) from error
            if not create or attempt == 2:
                raise CacheUnusable(str(error)) from error
            delete_database(path)
        except OSError as error:  # the cache folder cannot be made
            if conn is not None:
                conn.close()
            raise CacheUnusable(str(error)) from error
    raise CacheUnusable("unreachable")  # pragma: no cover
