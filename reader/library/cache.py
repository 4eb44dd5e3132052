"""A persistent index of a library in SQLite, so 100,000 articles open in a fraction of a second.

One database per library folder, ``<cache dir>/indexes/<name>-<hash of the path>.sqlite``. The
``files`` table has one row per Markdown file: its relative path, the ``size`` and ``mtime_ns``
it had when parsed, the parsed metadata and the problems parsing met. Bodies are not stored:
:meth:`Library.read` re-reads a file when it is opened, so the cache stays small and can never
show a stale body. After each refresh the whole library is also saved as a ``snapshot`` (a
few column blobs) that a warm start turns into a :class:`Library` without a per-row loop;
any write to ``files`` drops the snapshot in the same transaction, so the two never disagree.

The cache is a convenience, never a source of truth:

* anything unexpected (not a database, truncated, another schema version, written by another
  version of the parser, for another folder) → the file is deleted and rebuilt;
* locked by another process → bypassed: read if possible, never waited on, not written;
* no usable cache folder → the library still loads, just without a cache.

Only one process writes at a time (a non-blocking ``flock`` on ``<cache>.lock`` for the whole
refresh); a second ``reader`` on the same library reads the cache and leaves writing to the
first.

Typical use, from a worker thread::

    library = cache.load_cached(root)        # instant, or None
    library = cache.refresh(root, library)   # walk, re-parse what changed, save

Cold indexing parses in worker processes above :data:`PARALLEL_MIN_FILES` files and streams
partial libraries through ``on_batch``. Scripts calling :func:`refresh` need the usual
``if __name__ == "__main__":`` guard (workers are spawned); without it they still work, in
one process.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import stat as stat_module
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from datetime import datetime
from itertools import accumulate, chain, repeat
from operator import attrgetter, truediv
from pathlib import Path
from typing import Any

from reader.library.index import Library, gc_paused
from reader.library.model import Article, Problem
from reader.library.parse import PARSER_MODULES
from reader.library.private import private_file
from reader.library.scan import OUTSIDE, FileEntry, ScanReport, outside_library, read_file, walk

SCHEMA_VERSION = 2
"""Bumped whenever the table layout changes; stored in ``PRAGMA user_version``."""

PARALLEL_MIN_FILES = 5000
"""Below this many files to parse, starting worker processes costs more than it saves.
Measured on two cores: 4,000 files take 0.31 s in one process and 0.30 s in two (spawning
them costs ~0.15 s); 8,000 take 0.60 s and 0.47 s; 16,000 take 1.20 s and 0.81 s."""
CHUNK_SIZE = 256
"""Files per worker task: large enough to amortise pickling, small enough to stream results."""
WORKERS = 2
"""Worker processes for a cold index: the machines this targets have two cores or more."""
WRITE_EVERY = 2048
"""Parsed files per cache transaction during a long index."""

TAG_SEP = "\x1f"
"""Joins an article's tags in the ``files`` table (a control character no cleaned tag has)."""
PROBLEM_SEP = "\x1e"

ProgressCallback = Callable[[int, int], None]
BatchCallback = Callable[[Library], None]

Parsed = tuple[str, int, int, int, str, str, str, str, "str | None", str, tuple[str, ...], str, str, str]
"""One parsed file as plain values, cheap to pickle from a worker process:
``(path, size, mtime_ns, ok, title, subtitle, source, link, date_iso, author, tags, fingerprint,
problems, extra)``; ``ok`` is 0 for a skipped file, ``problems`` is :func:`_encode_problems` text,
``extra`` is :func:`_encode_extra` text (aliases, draft, updated; ``""`` for most files).
A ``files`` row has the same columns, with the tags joined by :data:`TAG_SEP`."""

_STRICT = ", STRICT" if sqlite3.sqlite_version_info >= (3, 37) else ""
"""Type-checked tables where SQLite can (3.37+): a row can then never hold a surprise type."""
_SCHEMA = (
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
        extra TEXT NOT NULL
    ) WITHOUT ROWID{_STRICT}""",
    "CREATE INDEX files_with_problems ON files (path) WHERE problems != ''",
    f"CREATE TABLE snapshot (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID{_STRICT}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
_COLUMNS = "path, size, mtime_ns, ok, title, subtitle, source, link, date, author, tags, fingerprint, problems, extra"
_INSERT = f"INSERT OR REPLACE INTO files ({_COLUMNS}) VALUES ({', '.join('?' * 14)})"
# Never trust a path from the cache to stay inside the library (Library.read opens it).
_SAFE = "substr(path, 1, 1) != '/' AND instr('/' || path || '/', '/../') = 0"
_SELECT_ARTICLES = (
    "SELECT path, title, subtitle, source, link, date, author, tags, fingerprint, size, mtime_ns, extra"
    f" FROM files WHERE ok = 1 AND {_SAFE}"
)
_SELECT_PROBLEMS = f"SELECT path, problems FROM files WHERE problems != '' AND {_SAFE}"
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class CacheUnusable(Exception):
    """The cache file is missing, corrupt, foreign or from another version."""


class CacheLocked(Exception):
    """Another process holds the database: do not wait, do not write."""


# -- where ----------------------------------------------------------------------------------


def _resolve(root: Path | str) -> Path:
    return Path(os.path.abspath(Path(root).expanduser()))


def cache_path(root: Path | str) -> Path:
    """``<cache dir>/indexes/<folder name>-<hash of the absolute path>.sqlite``."""
    from reader.config import cache_dir

    root_path = _resolve(root)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", root_path.name).strip("-.")[:40] or "library"
    digest = hashlib.sha256(os.fsencode(root_path)).hexdigest()[:16]
    return cache_dir() / "indexes" / f"{slug}-{digest}.sqlite"


_PARSER_VERSION: str | None = None


def parser_version() -> str:
    """A hash of the parser's (and this module's) source: a parser fix invalidates old caches.

    Costs a fraction of a millisecond, and nobody has to remember to bump a number.
    """
    global _PARSER_VERSION
    if _PARSER_VERSION is None:
        digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
        for name in (*PARSER_MODULES, "scan", "cache"):
            spec = importlib.util.find_spec(f"reader.library.{name}")
            try:
                digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
            except OSError:
                from reader import __version__

                digest.update(f"{name} {__version__}".encode())
        _PARSER_VERSION = digest.hexdigest()[:16]
    return _PARSER_VERSION


# -- connections ----------------------------------------------------------------------------


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _BUSY
    return "locked" in str(error) or "busy" in str(error)


def _delete(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


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
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("root", str(root)), ("parser", parser_version()), ("created", str(time.time()))],
        )
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _open(path: Path, root: Path, *, create: bool) -> sqlite3.Connection:
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
            if isinstance(error, sqlite3.Error) and _is_busy(error):
                raise CacheLocked(str(error)) from error
            if not create or attempt == 2:
                raise CacheUnusable(str(error)) from error
            _delete(path)
        except OSError as error:  # the cache folder cannot be made
            if conn is not None:
                conn.close()
            raise CacheUnusable(str(error)) from error
    raise CacheUnusable("unreachable")  # pragma: no cover


class _WriteLock:
    """An advisory, non-blocking lock held for a whole refresh: one writing process per cache."""

    def __init__(self, path: Path) -> None:
        self.path = f"{path}.lock"
        self.handle: int | None = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: SQLite's own locking has to do
            return True
        try:
            self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            self.release()
            return False

    def release(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                os.close(self.handle)
            self.handle = None


class _Store:
    """The cache as one refresh uses it: stamps and rows in, parsed files and a snapshot out.

    Any failure switches it off (``conn`` becomes ``None``) instead of failing the refresh:
    the library being loaded matters, its cache does not.
    """

    def __init__(self, root: Path, path: Path) -> None:
        self.root = root
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.lock = _WriteLock(path)
        self.has_snapshot = False
        self.pending: list[tuple[Any, ...]] = []

    def open(self) -> bool:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        if not self.lock.acquire():
            return False  # another process is writing this cache: leave it alone
        try:
            self.conn = _open(self.path, self.root, create=True)
            self.has_snapshot = self.conn.execute("SELECT count(*) FROM snapshot").fetchone()[0] > 0
            return True
        except (CacheLocked, CacheUnusable, sqlite3.Error):
            self.close()
            return False

    def stamps(self) -> dict[str, tuple[int, int]] | None:
        if self.conn is None:
            return None
        try:
            return {p: (s, m) for p, s, m in self.conn.execute("SELECT path, size, mtime_ns FROM files")}
        except sqlite3.Error:
            self.close()
            return None

    def load(self, paths: Sequence[str]) -> tuple[list[Article], list[Problem]] | None:
        """The stored articles and problems of ``paths`` (files unchanged on disk)."""
        if self.conn is None:
            return None
        wanted = set(paths)
        try:
            if len(wanted) > 2000:
                rows = [row for row in self.conn.execute(_SELECT_ARTICLES) if row[0] in wanted]
                problem_rows = [row for row in self.conn.execute(_SELECT_PROBLEMS) if row[0] in wanted]
            else:
                rows, problem_rows = [], []
                ordered = sorted(wanted)
                for i in range(0, len(ordered), 500):
                    part = ordered[i : i + 500]
                    marks = ", ".join("?" * len(part))
                    rows += self.conn.execute(f"{_SELECT_ARTICLES} AND path IN ({marks})", part).fetchall()
                    problem_rows += self.conn.execute(f"{_SELECT_PROBLEMS} AND path IN ({marks})", part).fetchall()
            return _articles_from_rows(rows), _problems_from_rows(problem_rows)
        except (sqlite3.Error, UnicodeEncodeError, TypeError, ValueError, IndexError, AttributeError):
            self.close()
            return None

    def add(self, columns: list[tuple[Any, ...]]) -> None:
        """Queue a chunk of parsed files (as columns); written every :data:`WRITE_EVERY`."""
        if self.conn is None:
            return
        path, size, mtime_ns, ok, title, subtitle, source, link, date, author, tags, fp, problems, extra = columns
        joined = map(TAG_SEP.join, tags)
        self.pending += zip(
            path, size, mtime_ns, ok, title, subtitle, source, link, date, author, joined, fp, problems, extra,
            strict=True,
        )
        if len(self.pending) >= WRITE_EVERY:
            self.flush()

    def flush(self, deleted: Iterable[str] = ()) -> None:
        """Write what is queued and forget ``deleted``, in one transaction; give up on errors."""
        rows, self.pending = self.pending, []
        removed = [(path,) for path in deleted]
        if self.conn is None or (not rows and not removed):
            return
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("DELETE FROM files WHERE path = ?", removed)
                try:
                    conn.executemany(_INSERT, rows)
                except UnicodeEncodeError:
                    # A file name that is not valid UTF-8 cannot be SQLite text: store the
                    # others; that file is simply parsed again next time.
                    for row in rows:
                        with contextlib.suppress(UnicodeEncodeError):
                            conn.execute(_INSERT, row)
                if self.has_snapshot:  # it no longer matches the rows
                    conn.execute("DELETE FROM snapshot")
                    self.has_snapshot = False
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            self.close()

    def write_snapshot(self, library: Library, report: ScanReport) -> None:
        """Save the finished library whole, for the next warm start (see :func:`_snapshot_of`)."""
        self.flush()
        if self.conn is None:
            return
        parts = _snapshot_of(library) or []
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM snapshot")
                conn.executemany("INSERT INTO snapshot (name, data) VALUES (?, ?)", parts)
                # The walk's findings, for a warm start from the rows when there is no snapshot.
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('scan', ?)", (_encode_scan(report),))
                conn.execute("COMMIT")
                self.has_snapshot = bool(parts)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, UnicodeEncodeError):
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None
        self.pending = []
        self.lock.release()


# -- parsing --------------------------------------------------------------------------------


def parse_entry(entry: FileEntry) -> Parsed:
    """Read and parse one file into plain values."""
    result = read_file(entry)
    problems = _encode_problems(result.problems)
    article = result.article
    if article is None:
        return (entry.path, entry.size, entry.mtime_ns, 0, "", "", "", "", None, "", (), "", problems, "")
    return (
        entry.path,
        entry.size,
        entry.mtime_ns,
        1,
        article.title,
        article.subtitle,
        article.source,
        article.link,
        article.date.isoformat() if article.date is not None else None,
        article.author,
        article.tags,
        article.fingerprint,
        problems,
        _encode_extra(article),
    )


def _parse_chunk(chunk: list[tuple[str, str, int, int]], ahead: list[str]) -> list[Parsed]:
    """Worker-process entry point: plain tuples in, plain tuples out. ``ahead``: files to ask
    the kernel for now, so they are read while this chunk is parsed."""
    _advise(ahead)
    return [parse_entry(FileEntry(*item)) for item in chunk]


_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)


def _advise(paths: Iterable[str]) -> None:
    """Start reading these files in the background (``posix_fadvise(WILLNEED)``, where there
    is one). On a cold disk cache the kernel then has a queue of reads to serve instead of one
    small file at a time: 100,000 files read about four times faster, for ~3 µs per file."""
    if _WILLNEED is None:
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _parse_all(entries: list[FileEntry], workers: int | None) -> Iterator[list[Parsed]]:
    """Parsed files chunk by chunk, in path order: in this process, or in a process pool."""
    workers = WORKERS if workers is None else workers
    chunks = [entries[i : i + CHUNK_SIZE] for i in range(0, len(entries), CHUNK_SIZE)]
    paths = [[e.abspath for e in chunk] for chunk in chunks]
    done = 0
    if workers >= 2 and len(entries) >= PARALLEL_MIN_FILES:
        try:
            executor = _executor(workers)
        except (OSError, ValueError, ImportError, NotImplementedError):
            executor = None  # no processes on this platform: parse here
        if executor is not None:
            try:
                payload = [[(e.path, e.abspath, e.size, e.mtime_ns) for e in chunk] for chunk in chunks]
                # Each worker asks for the files of the chunk it will most likely take next (the
                # first chunks ask for themselves too).
                ahead = [
                    [*(paths[i] if i < workers else ()), *(paths[i + workers] if i + workers < len(paths) else ())]
                    for i in range(len(chunks))
                ]
                for parsed in executor.map(_parse_chunk, payload, ahead):
                    done += 1
                    yield parsed
            except (BrokenExecutor, OSError, EOFError, RuntimeError):
                # A worker died (killed, out of memory, a script without a __main__ guard):
                # finish in this process.
                pass
            finally:
                executor.shutdown(wait=True, cancel_futures=True)
    for i in range(done, len(chunks)):
        _advise([*(paths[i] if i == done else ()), *(paths[i + 1] if i + 1 < len(paths) else ())])
        yield [parse_entry(entry) for entry in chunks[i]]


def _executor(workers: int) -> ProcessPoolExecutor:
    """A process pool started with ``spawn``: ``fork`` from a threaded app (Textual runs several
    threads) can leave the child stuck on a lock another thread held."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_quiet_worker, initargs=(os.getpid(),)
    )


PARENT_POLL_SECONDS = 0.5
"""How often a worker checks that the process that started it is still alive."""


def _quiet_worker(parent: int | None = None) -> None:
    """Workers never write to the terminal (the TUI owns it) and leave Ctrl+C to the parent,
    which stops the pool; otherwise each would print its own KeyboardInterrupt traceback.

    They also exit when the parent dies (``kill -9`` of ``reader list``): nothing else would
    stop them, and they would keep parsing, and the resource tracker running, reparented."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _exit_with_parent(parent)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _exit_with_parent(parent: int) -> None:
    """Leave as soon as ``parent`` is no longer our parent (it died; we were reparented).

    Polling ``getppid`` works everywhere; ``PR_SET_PDEATHSIG`` would tie us to the parent's
    *thread* that spawned us, and the app indexes in a thread that may end first.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


def _encode_problems(problems: Sequence[Problem]) -> str:
    return PROBLEM_SEP.join(f"{int(p.skipped)}{p.reason}" for p in problems)


def _decode_problems(path: str, encoded: str) -> list[Problem]:
    return [Problem(path, item[1:], skipped=item[0] == "1") for item in encoded.split(PROBLEM_SEP) if item]


def _problems_from_rows(rows: Iterable[tuple[str, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for path, encoded in rows:
        problems += _decode_problems(path, encoded)
    return problems


class _Dates:
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


def _articles_from_parsed(columns: list[tuple[Any, ...]], dates: _Dates) -> list[Article | None]:
    """A chunk of parsed files (as columns) → articles (``None`` for skipped files), built
    column-wise in C rather than one Python step per field."""
    path, size, mtime_ns, ok, title, subtitle, source, link, date, author, tags, fp, _, extra = columns
    articles: list[Article | None] = list(
        map(
            Article,
            path,
            title,
            subtitle,
            map(sys.intern, source),
            link,
            dates.convert(date),
            map(sys.intern, author),
            tags,
            repeat(""),
            fp,
            size,
            map(truediv, mtime_ns, repeat(1e9)),
        )
    )
    _decode_extra(articles, extra)
    if not all(ok):
        articles = [article if good else None for article, good in zip(articles, ok, strict=True)]
    return articles


def _articles_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[Article]:
    """``_SELECT_ARTICLES`` rows → articles (the warm start when there is no snapshot)."""
    rows = list(rows)
    if not rows:
        return []
    path, title, subtitle, source, link, date, author, tags, fp, size, mtime_ns, extra = zip(*rows, strict=True)
    split = [tuple(map(sys.intern, joined.split(TAG_SEP))) if joined else () for joined in tags]
    articles = list(
        map(
            Article,
            path,
            title,
            subtitle,
            map(sys.intern, source),
            link,
            _Dates().convert(date),
            map(sys.intern, author),
            split,
            repeat(""),
            fp,
            size,
            map(truediv, mtime_ns, repeat(1e9)),
        )
    )
    _decode_extra(articles, extra)
    return articles


def _encode_extra(article: Article) -> str:
    """The fields few articles have (aliases, draft, updated) as one short JSON text, ``""`` when
    none: a column per field would cost every warm start for the few notes that have them."""
    if not (article.aliases or article.draft or article.updated):
        return ""
    extra: dict[str, object] = {}
    if article.aliases:
        extra["aliases"] = list(article.aliases)
    if article.draft:
        extra["draft"] = True
    if article.updated is not None:
        extra["updated"] = article.updated.isoformat()
    return json.dumps(extra)


def _decode_extra(articles: Sequence[Article | None], extras: Iterable[str]) -> None:
    """Put :func:`_encode_extra` fields back (raises ``ValueError``/``TypeError`` on junk)."""
    for article, extra in zip(articles, extras, strict=True):
        if extra and article is not None:
            data = json.loads(extra)
            if not isinstance(data, dict):
                raise ValueError("extra fields are not a mapping")
            article.aliases = tuple(str(alias) for alias in data.get("aliases", ()))
            article.draft = data.get("draft") is True
            updated = data.get("updated")
            article.updated = datetime.fromisoformat(updated) if isinstance(updated, str) else None


# -- the snapshot ---------------------------------------------------------------------------

_NUL = "\x00"
"""Separates the values of a snapshot column: the parser leaves none in a field, and no file
name can hold one."""
_SNAPSHOT_TEXT = ("path", "title", "subtitle", "source", "link", "date", "author", "fingerprint", "extra")


def _snapshot_of(library: Library) -> list[tuple[str, bytes]] | None:
    """The library as a handful of columns, one blob each: a warm start then splits a few long
    strings in C instead of making a million Python objects one row at a time.

    ``None`` if a value holds a NUL (it could not be split back); the rows still serve then.
    """
    articles = library.articles
    count = len(articles)
    parts: list[tuple[str, bytes]] = [("count", str(count).encode())]

    def text(values: Iterable[str], expected: int) -> bytes | None:
        joined = _NUL.join(values)
        if joined.count(_NUL) != max(expected - 1, 0):
            return None
        return joined.encode("utf-8", "surrogatepass")

    for name in _SNAPSHOT_TEXT:
        if name == "date":
            values: Iterable[str] = [a.date.isoformat() if a.date is not None else "" for a in articles]
        elif name == "extra":
            values = map(_encode_extra, articles)
        else:
            values = map(attrgetter(name), articles)
        blob = text(values, count)
        if blob is None:
            return None
        parts.append((name, blob))
    all_tags = [a.tags for a in articles]
    names = list(dict.fromkeys(chain.from_iterable(all_tags)))
    ids = {name: i for i, name in enumerate(names)}
    names_blob = text(names, len(names))
    if names_blob is None:
        return None
    parts += [
        ("tag_names", names_blob),
        ("tag_ids", array("I", map(ids.__getitem__, chain.from_iterable(all_tags))).tobytes()),
        ("tag_counts", array("I", map(len, all_tags)).tobytes()),
        ("size", array("q", [a.size for a in articles]).tobytes()),
        ("mtime", array("d", [a.mtime for a in articles]).tobytes()),
        ("problems", json.dumps([[p.path, p.reason, p.skipped] for p in library.problems]).encode()),
        ("skipped_dirs", json.dumps(library.skipped_dirs).encode()),
    ]
    return parts


def _library_from_snapshot(root: Path, parts: dict[str, bytes]) -> Library:
    """The inverse of :func:`_snapshot_of`. Raises ``ValueError``, ``KeyError``, ``TypeError``
    or ``IndexError`` on anything inconsistent."""
    count = int(parts["count"])

    def text(name: str, expected: int) -> list[str]:
        if expected == 0:
            return []
        values = parts[name].decode("utf-8", "surrogatepass").split(_NUL)
        if len(values) != expected:
            raise ValueError(f"snapshot column {name}: {len(values)} values, expected {expected}")
        return values

    paths = text("path", count)
    joined = f"{_NUL}{_NUL.join(paths)}{_NUL}".replace(_NUL, "/")
    if "//" in joined or "/../" in joined:  # empty, absolute, or climbing out of the library
        raise ValueError("snapshot path outside the library")
    names = parts["tag_names"].decode("utf-8", "surrogatepass").split(_NUL) if parts["tag_names"] else []
    flat = tuple(map(names.__getitem__, memoryview(parts["tag_ids"]).cast("I")))
    ends = list(accumulate(memoryview(parts["tag_counts"]).cast("I")))
    if len(ends) != count or (ends[-1] if ends else 0) != len(flat):
        raise ValueError("snapshot tags do not add up")
    tags = list(map(flat.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    sizes = memoryview(parts["size"]).cast("q").tolist()
    mtimes = memoryview(parts["mtime"]).cast("d").tolist()
    if len(sizes) != count or len(mtimes) != count:
        raise ValueError("snapshot sizes do not add up")
    articles = list(
        map(
            Article,
            paths,
            text("title", count),
            text("subtitle", count),
            map(sys.intern, text("source", count)),
            text("link", count),
            _Dates().convert(text("date", count)),
            map(sys.intern, text("author", count)),
            tags,
            repeat(""),
            text("fingerprint", count),
            sizes,
            mtimes,
        )
    )
    _decode_extra(articles, text("extra", count))
    problems = [Problem(str(p), str(r), bool(s)) for p, r, s in json.loads(parts["problems"])]
    skipped = [str(d) for d in json.loads(parts["skipped_dirs"])]
    return Library(root, articles, problems, skipped)


def _encode_scan(report: ScanReport) -> str:
    return json.dumps(
        {"skipped_dirs": report.skipped_dirs, "problems": [[p.path, p.reason, p.skipped] for p in report.problems]},
        ensure_ascii=True,
    )


def _decode_scan(value: str) -> ScanReport:
    data = json.loads(value)
    return ScanReport(
        [str(d) for d in data["skipped_dirs"]], [Problem(str(p), str(r), bool(s)) for p, r, s in data["problems"]]
    )


# -- the public API -------------------------------------------------------------------------


def load_cached(root: Path | str) -> Library | None:
    """The library as the cache last saw it, without reading one article; ``None`` without a
    usable cache. May be out of date: follow with :func:`refresh` (in the background).

    A corrupt or foreign cache file is deleted (the next :func:`refresh` rebuilds it); a locked
    one is left alone.
    """
    root_path = _resolve(root)
    try:
        path = cache_path(root_path)
        conn = _open(path, root_path, create=False)
    except CacheLocked:
        return None
    except CacheUnusable:
        _delete(path)
        return None
    except Exception:  # platformdirs found no home, or the like: no cache, no crash
        return None
    corrupt = False
    try:
        with gc_paused():
            parts = dict(conn.execute("SELECT name, data FROM snapshot").fetchall())
            if parts:
                with contextlib.suppress(ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
                    return _library_from_snapshot(root_path, parts)
                parts.clear()  # the rows below still hold everything
            scan = conn.execute("SELECT value FROM meta WHERE key = 'scan'").fetchone()
            if scan is None:
                return None  # no refresh has finished yet
            report = _decode_scan(scan[0])
            articles = _articles_from_rows(conn.execute(f"{_SELECT_ARTICLES} ORDER BY path"))
            problems = report.problems + _problems_from_rows(conn.execute(f"{_SELECT_PROBLEMS} ORDER BY path"))
            return Library(root_path, articles, problems, report.skipped_dirs)
    except sqlite3.Error as error:
        corrupt = not _is_busy(error)
        return None
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, UnicodeDecodeError):
        corrupt = True
        return None
    finally:
        conn.close()
        if corrupt:
            _delete(path)


def refresh(
    root: Path | str,
    library: Library | None = None,
    progress: ProgressCallback | None = None,
    on_batch: BatchCallback | None = None,
    *,
    use_cache: bool = True,
    workers: int | None = None,
) -> Library:
    """Bring a library up to date with its folder, and save what changed in the cache.

    Walks the folder; keeps every file whose ``size`` and ``mtime_ns`` match the cache (or
    ``library`` when there is no usable cache); parses new and changed files (in worker
    processes when there are many); drops deleted ones. Returns ``library`` itself when
    nothing changed, so a caller can skip a redraw with ``is``.

    ``progress(done, total)`` is called after each chunk of parsed files. ``on_batch(partial)``
    receives growing partial libraries during a long index (each about twice the last), so a
    UI can show the first articles long before the last are parsed. Both are called from the
    thread running ``refresh``. ``use_cache=False`` neither reads nor writes the cache.
    """
    root_path = _resolve(root)
    with gc_paused():
        entries, report = walk(root_path)
        store: _Store | None = None
        if use_cache:
            try:
                store = _Store(root_path, cache_path(root_path))
            except Exception:  # no cache folder to be had
                store = None
        try:
            if store is not None and not store.open():
                store = None
            return _refresh(root_path, entries, report, library, store, progress, on_batch, workers)
        finally:
            if store is not None:
                store.close()


def load(
    root: Path | str,
    *,
    use_cache: bool = True,
    progress: ProgressCallback | None = None,
    on_batch: BatchCallback | None = None,
) -> Library:
    """The up-to-date library: the cache when usable, then a refresh. What the CLI uses."""
    cached = load_cached(root) if use_cache else None
    return refresh(root, cached, progress, on_batch, use_cache=use_cache)


def clear(root: Path | str) -> None:
    """Delete a library's cache (reader never needs to; tests and users might)."""
    path = cache_path(root)
    _delete(path)
    with contextlib.suppress(OSError):
        os.unlink(f"{path}.lock")


# -- refresh internals ----------------------------------------------------------------------


def _close_enough(article: Article, entry: FileEntry) -> bool:
    # Article.mtime is a float: equal to the nanosecond stamp within a microsecond.
    return article.size == entry.size and abs(article.mtime - entry.mtime_ns / 1e9) < 1e-6


class _State:
    """What a refresh knows so far: per path, the article (if any) and its problems."""

    def __init__(self, root: Path, entries: list[FileEntry], report: ScanReport) -> None:
        self.root = root
        self.paths = [entry.path for entry in entries]
        self.report = report
        self.articles: dict[str, Article] = {}
        self.problems: dict[str, list[Problem]] = {}
        self.done: set[str] = set()
        """Paths whose parse holds (kept or parsed), articles or not."""

    def keep(self, path: str, article: Article | None, problems: list[Problem]) -> None:
        self.done.add(path)
        if article is not None:
            self.articles[path] = article
        if problems:
            self.problems[path] = problems

    def add_parsed(self, columns: list[tuple[Any, ...]], dates: _Dates) -> None:
        paths = columns[0]
        self.done.update(paths)
        articles = _articles_from_parsed(columns, dates)
        self.articles.update((a.path, a) for a in articles if a is not None)
        for path, encoded in zip(paths, columns[12], strict=True):
            if encoded:
                self.problems[path] = _decode_problems(path, encoded)

    def problem_list(self) -> list[Problem]:
        """Walk problems first, then each file's in path order (as ``Library.load`` has them)."""
        problems = list(self.report.problems)
        if self.problems:
            for path in self.paths:
                found = self.problems.get(path)
                if found:
                    problems += found
        return problems

    def library(self) -> Library:
        articles = [article for article in map(self.articles.get, self.paths) if article is not None]
        return Library(self.root, articles, self.problem_list(), self.report.skipped_dirs)


def _refresh(
    root: Path,
    entries: list[FileEntry],
    report: ScanReport,
    library: Library | None,
    store: _Store | None,
    progress: ProgressCallback | None,
    on_batch: BatchCallback | None,
    workers: int | None,
) -> Library:
    stamps = store.stamps() if store is not None else None
    state = _State(root, entries, report)
    to_parse: list[FileEntry] = []
    from_store: list[str] = []
    old_index = library.by_path if library is not None else {}
    old_articles = library.articles if library is not None else []
    old_problems: dict[str, list[Problem]] = {}
    for problem in library.problems if library is not None else ():
        old_problems.setdefault(problem.path, []).append(problem)
    for entry in entries:
        path = entry.path
        if stamps is not None and stamps.get(path) != (entry.size, entry.mtime_ns):
            to_parse.append(entry)
            continue
        index = old_index.get(path)
        if index is not None and _close_enough(article := old_articles[index], entry):
            state.keep(path, article, old_problems.get(path, []))
        elif index is None and stamps is not None and any(p.skipped for p in old_problems.get(path, ())):
            state.keep(path, None, old_problems[path])  # a skipped file, still the same
        elif stamps is not None:
            from_store.append(path)  # unchanged, but not (or not like this) in ``library``
        else:
            to_parse.append(entry)
    if from_store and store is not None:
        loaded = store.load(from_store)
        if loaded is not None:
            found: dict[str, list[Problem]] = {}
            for problem in loaded[1]:
                found.setdefault(problem.path, []).append(problem)
            for article in loaded[0]:
                state.keep(article.path, article, found.pop(article.path, []))
            for path, problems in found.items():
                state.keep(path, None, problems)
        missing = set(from_store) - state.done
        if missing:  # stamped but without a readable row: parse again
            to_parse = sorted([*to_parse, *(e for e in entries if e.path in missing)], key=lambda e: e.path)
    deleted = (set(stamps) if stamps is not None else set(old_index)).difference(state.paths)

    if library is not None and not to_parse and not deleted and not from_store and _same(library, state):
        if store is not None and not store.has_snapshot:
            store.write_snapshot(library, report)
        return library
    if store is not None and deleted:
        store.flush(deleted)
    total = len(to_parse)
    done = 0
    next_batch = CHUNK_SIZE
    dates = _Dates()
    for parsed in _parse_all(to_parse, workers):
        columns = list(zip(*parsed, strict=True))
        if store is not None:
            store.add(columns)
        state.add_parsed(columns, dates)
        done += len(parsed)
        if progress is not None:
            progress(done, total)
        if on_batch is not None and next_batch <= done < total:
            next_batch = done * 2
            on_batch(state.library())
    result = state.library()
    if store is not None:
        store.write_snapshot(result, report)
    return result


def _same(library: Library, state: _State) -> bool:
    """Whether ``library`` already is what this refresh would build."""
    return (
        library.skipped_dirs == state.report.skipped_dirs
        and len(library.articles) == len(state.articles)
        and library.problems == state.problem_list()
    )


def update(root: Path | str, library: Library, changed: Iterable[str], deleted: Iterable[str]) -> Library:
    """Re-parse just the ``changed`` paths and drop the ``deleted`` ones (relative to ``root``).

    A deleted path that was a folder drops everything below it; a changed path that no longer
    exists counts as deleted. The cache is updated when it can be, skipped when another
    process is writing it. Returns ``library`` itself if nothing changed.
    """
    root_path = _resolve(root)
    real_root = os.path.realpath(root_path)
    gone = set(deleted)
    entries: list[FileEntry] = []
    refused: list[Problem] = []
    for rel in sorted(set(changed) - gone):
        full = root_path / rel
        if outside_library(real_root, str(full)):
            # The startup walk's rule, applied to a link created while the app runs: never
            # read, listed or indexed; reported like the walk reports it.
            gone.add(rel)
            if os.path.lexists(full):
                refused.append(Problem(rel, OUTSIDE))
            continue
        try:
            st = os.stat(full)
        except OSError:
            gone.add(rel)
            continue
        if stat_module.S_ISDIR(st.st_mode):
            gone.add(rel)
        else:  # a FIFO or socket too: read_file reports it as a problem for that file
            entries.append(FileEntry(rel, str(full), st.st_size, st.st_mtime_ns))
    prefixes = tuple(f"{path.rstrip('/')}/" for path in gone)
    known = [a.path for a in library.articles] + [p.path for p in library.problems]
    removed = {path for path in known if path in gone or path.startswith(prefixes)}
    removed -= {entry.path for entry in entries}
    known_problems = {(p.path, p.reason) for p in library.problems}
    if not entries and not removed and all((p.path, p.reason) in known_problems for p in refused):
        return library
    parsed = [parse_entry(entry) for entry in entries]
    columns = list(zip(*parsed, strict=True)) if parsed else [()] * 14
    with gc_paused():
        store = _Store(root_path, cache_path(root_path))
        try:
            if store.open():
                store.add(columns)
                store.flush(removed)
        finally:
            store.close()
        touched = removed | {entry.path for entry in entries}
        articles = {a.path: a for a in library.articles if a.path not in touched}
        problems = [p for p in library.problems if p.path not in touched] + refused
        for article in _articles_from_parsed(columns, _Dates()):
            if article is not None:
                articles[article.path] = article
        for path, encoded in zip(columns[0], columns[12], strict=True):
            if encoded:
                problems += _decode_problems(path, encoded)
        ordered = [articles[path] for path in sorted(articles)]
        return Library(root_path, ordered, problems, library.skipped_dirs, library.full_text)


__all__ = [
    "CHUNK_SIZE",
    "PARALLEL_MIN_FILES",
    "SCHEMA_VERSION",
    "cache_path",
    "clear",
    "load",
    "load_cached",
    "parse_entry",
    "refresh",
    "update",
]
