"""Bringing a library up to date with its folder, through the cache: the cache's public verbs.

* :func:`load_cached` — the library as the cache last saw it, without reading one article.
* :func:`refresh` — walk the whole folder; keep what is unchanged, parse what is new or changed
  (in worker processes when there are many), drop what is gone, save.
* :func:`update_paths` — re-read just some paths (what live reload saw change), save.
* :func:`load` — both of the first two, for the CLI; :func:`clear` deletes the cache.

A file whose cached row fails its checksum counts as not cached: it is parsed again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat as stat_module
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reader import paths
from reader.library.cache import blobs, codec, compare, pool
from reader.library.cache.schema import SELECT_ROWS, CacheLocked, CacheUnusable, open_database
from reader.library.cache.writer import CacheWriter
from reader.library.model import Article, Problem
from reader.library.orders import gc_paused
from reader.library.prewalk import Walked, WalkedFiles
from reader.library.scan import OUTSIDE, FileEntry, ScanReport, iter_walk, outside_library, walk
from reader.library.snapshot import Library
from reader.library.sqlite import delete_database, is_busy
from reader.library.table import ArticleTable

ProgressCallback = Callable[[int, int], None]
BatchCallback = Callable[[Library], None]


def cache_path(root: Path | str) -> Path:
    """``<cache dir>/indexes/<slug>-<hash>.sqlite`` (see :mod:`reader.paths`)."""
    return paths.cache_file(root, "indexes")


def load_cached(root: Path | str, *, json_rows: bool = False) -> Library | None:
    """The library as the cache last saw it, without reading one article; ``None`` without a
    usable cache. May be out of date: follow with :func:`refresh` (in the background).

    A corrupt or foreign cache file is deleted (the next :func:`refresh` rebuilds it); a locked
    one is left alone. A damaged snapshot is dropped and the rows serve; a damaged row leaves
    its article out, and the next refresh reads that file again. ``json_rows``: also the stored
    ``reader list --json`` records (:attr:`SnapshotMemo.json_rows`), which nothing else reads.
    """
    root_path = paths.library_root(root)
    try:
        path = cache_path(root_path)
        conn = open_database(path, root_path, create=False)
    except CacheLocked:
        return None
    except CacheUnusable:
        delete_database(path)
        return None
    except Exception:  # platformdirs found no home, or the like: no cache, no crash
        return None
    corrupt = False
    try:
        with gc_paused():
            skip = () if json_rows else tuple(blobs.ON_REQUEST)
            marks = ", ".join("?" * len(skip))
            parts = dict(conn.execute(f"SELECT name, data FROM snapshot WHERE name NOT IN ({marks})", skip).fetchall())
            if parts:
                with contextlib.suppress(ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
                    return blobs.library_from_snapshot(root_path, parts)
                parts.clear()
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("DELETE FROM snapshot")  # the next refresh writes a good one
            scan = conn.execute("SELECT value FROM meta WHERE key = 'scan'").fetchone()
            if scan is None:
                return None  # no refresh has finished yet
            report = codec.decode_scan(scan[0])
            rows, _damaged = codec.verified(conn.execute(f"{SELECT_ROWS} ORDER BY path"))
            articles, problems = codec.from_rows(rows)
            return Library(root_path, ArticleTable.of(articles), report.problems + problems, report.skipped_dirs)
    except sqlite3.Error as error:
        corrupt = not is_busy(error)
        return None
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, UnicodeDecodeError):
        corrupt = True
        return None
    finally:
        conn.close()
        if corrupt:
            delete_database(path)


def _writer(root: Path, use_cache: bool) -> CacheWriter | None:
    """The cache to write during this refresh, or ``None`` (no cache, or another process writes it)."""
    if not use_cache:
        return None
    try:
        writer = CacheWriter(root, cache_path(root))
    except Exception:  # no cache folder to be had
        return None
    return writer if writer.open() else None


def refresh(
    root: Path | str,
    library: Library | None = None,
    progress: ProgressCallback | None = None,
    on_batch: BatchCallback | None = None,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    walked: Walked | None = None,
    json_rows: bool = False,
    on_parsed: BatchCallback | None = None,
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
    ``walked``: the folder already walked (:mod:`reader.library.prewalk`), used instead.
    ``json_rows``: a library whose snapshot this refresh writes keeps its ``reader list --json``
    records (:attr:`reader.library.snapshot.SnapshotMemo.json_rows`). ``on_parsed(library)``:
    the new library once its files are parsed, before the snapshot is saved for the next start
    (~1.5–3 s at 100,000 articles), which the caller need not wait for to show it.
    """
    root_path = paths.library_root(root)
    with gc_paused():
        writer = _writer(root_path, use_cache)
        if writer is not None:
            writer.keep_json_rows = json_rows
        try:
            entries: list[FileEntry] | None = None
            if walked is not None:
                files_walked, report = walked
                if (
                    library is not None
                    and writer is not None
                    and isinstance(files_walked, WalkedFiles)
                    and compare.same_columns(library, writer, files_walked, report)
                ):
                    if not writer.has_snapshot:
                        writer.write_snapshot(library, report)
                    return library
                entries = list(files_walked)  # made once, here, only when something changed
            if library is not None and writer is not None:
                if entries is None:
                    report = ScanReport([], [])
                    files = iter_walk(root_path, report)
                else:
                    files = iter(entries)
                matched, differing = compare.compare(library, writer, files, report)
                if differing is None:
                    if not writer.has_snapshot:
                        writer.write_snapshot(library, report)
                    return library
                # Something changed: the files matched so far are the cache's first rows.
                prefix = writer.first_entries(matched) if walked is None else None
                if prefix is not None:
                    entries = [*prefix, *differing, *files]
            if entries is None:
                entries, report = walk(root_path)
            return _refresh(root_path, entries, report, library, writer, progress, on_batch, workers, on_parsed)
        finally:
            if writer is not None:
                writer.close()


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
    delete_database(path)
    with contextlib.suppress(OSError):
        os.unlink(f"{path}.lock")


# -- refresh internals ----------------------------------------------------------------------


class _Gathered:
    """What a refresh has so far: per path, the article (if any) and its problems."""

    def __init__(
        self, root: Path, entries: list[FileEntry], report: ScanReport, old: ArticleTable | None = None
    ) -> None:
        self.root = root
        self.paths = [entry.path for entry in entries]
        self.report = report
        self.old = old
        """The library refreshed, whose rows an ``int`` in :attr:`articles` stands for."""
        self.articles: dict[str, Article | int] = {}
        """Per path the article: new, or kept (a row of :attr:`old`, never made for this)."""
        self.problems: dict[str, list[Problem]] = {}
        self.done: set[str] = set()
        """Paths whose parse holds (kept or parsed), articles or not."""

    def keep(self, path: str, article: Article | int | None, problems: list[Problem]) -> None:
        self.done.add(path)
        if article is not None:
            self.articles[path] = article
        if problems:
            self.problems[path] = problems

    def add_parsed(self, columns: list[tuple[Any, ...]], dates: codec.Dates) -> None:
        paths = columns[0]
        self.done.update(paths)
        articles = codec.articles_from_parsed(columns, dates)
        self.articles.update((a.path, a) for a in articles if a is not None)
        for path, encoded in zip(paths, columns[12], strict=True):
            if encoded:
                self.problems[path] = codec.decode_problems(path, encoded)

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
        rows = [article for article in map(self.articles.get, self.paths) if article is not None]
        if self.old is not None:
            table = self.old.rebuilt(rows)
        else:
            table = ArticleTable.of(row for row in rows if not isinstance(row, int))
        return Library(self.root, table, self.problem_list(), self.report.skipped_dirs)


def _refresh(
    root: Path,
    entries: list[FileEntry],
    report: ScanReport,
    library: Library | None,
    writer: CacheWriter | None,
    progress: ProgressCallback | None,
    on_batch: BatchCallback | None,
    workers: int | None,
    on_parsed: BatchCallback | None = None,
) -> Library:
    stamps = writer.stamps() if writer is not None else None
    gathered = _Gathered(root, entries, report, library.articles if library is not None else None)
    to_parse: list[FileEntry] = []
    from_store: list[str] = []
    old_index = library.by_path if library is not None else {}
    old_sizes = library.articles.column("size") if library is not None else []
    old_mtimes = library.articles.column("mtime") if library is not None else []
    old_problems = compare.by_path(library.problems if library is not None else ())
    for entry in entries:
        path = entry.path
        if stamps is not None and stamps.get(path) != (entry.size, entry.mtime_ns):
            to_parse.append(entry)
            continue
        index = old_index.get(path)
        if index is not None and compare.unchanged(old_sizes, old_mtimes, index, entry):
            gathered.keep(path, index, old_problems.get(path, []))
        elif index is None and stamps is not None and any(p.skipped for p in old_problems.get(path, ())):
            gathered.keep(path, None, old_problems[path])  # a skipped file, still the same
        elif stamps is not None:
            from_store.append(path)  # unchanged, but not (or not like this) in ``library``
        else:
            to_parse.append(entry)
    if from_store and writer is not None:
        loaded = writer.load(from_store)
        if loaded is not None:
            found = compare.by_path(loaded[1])
            for article in loaded[0]:
                gathered.keep(article.path, article, found.pop(article.path, []))
            for path, problems in found.items():
                gathered.keep(path, None, problems)
        missing = set(from_store) - gathered.done
        if missing:  # stamped but without a readable row: parse again
            to_parse = sorted([*to_parse, *(e for e in entries if e.path in missing)], key=lambda e: e.path)
    deleted = (set(stamps) if stamps is not None else set(old_index)).difference(gathered.paths)

    if library is not None and not to_parse and not deleted and not from_store and _same(library, gathered):
        if writer is not None and not writer.has_snapshot:
            writer.write_snapshot(library, report)
        return library
    if writer is not None and deleted:
        writer.flush(deleted)
    total = len(to_parse)
    done = 0
    next_batch = pool.CHUNK_SIZE
    dates = codec.Dates()
    for parsed in pool.parse_all(to_parse, workers):
        columns = list(zip(*parsed, strict=True))
        if writer is not None:
            writer.add(columns)
        gathered.add_parsed(columns, dates)
        done += len(parsed)
        if progress is not None:
            progress(done, total)
        if on_batch is not None and next_batch <= done < total:
            next_batch = done * 2
            on_batch(gathered.library())
    result = gathered.library()
    if on_parsed is not None:
        on_parsed(result)
    if writer is not None:
        writer.write_snapshot(result, report)
    return result


def _same(library: Library, gathered: _Gathered) -> bool:
    """Whether ``library`` already is what this refresh would build."""
    return (
        library.skipped_dirs == gathered.report.skipped_dirs
        and len(library.articles) == len(gathered.articles)
        and library.problems == gathered.problem_list()
    )


def update_paths(root: Path | str, library: Library, changed: Iterable[str], deleted: Iterable[str]) -> Library:
    """Re-read just the ``changed`` paths and drop the ``deleted`` ones (relative to ``root``).

    A deleted path that was a folder drops everything below it; a changed path that no longer
    exists counts as deleted; a path that leads out of the library is refused as the walk
    refuses it. The cache is updated when it can be, skipped when another process is writing
    it. Returns ``library`` itself if nothing changed.
    """
    root_path = paths.library_root(root)
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
    known = [*library.articles.column("path"), *(p.path for p in library.problems)]
    removed = {path for path in known if path in gone or path.startswith(prefixes)}
    removed -= {entry.path for entry in entries}
    known_problems = {(p.path, p.reason) for p in library.problems}
    if not entries and not removed and all((p.path, p.reason) in known_problems for p in refused):
        return library
    parsed = [pool.parse_entry(entry) for entry in entries]
    columns = list(zip(*parsed, strict=True)) if parsed else []
    with gc_paused():
        writer = _writer(root_path, True)
        if writer is not None:
            try:
                writer.add(columns)
                writer.flush(removed)
            finally:
                writer.close()
        touched = removed | {entry.path for entry in entries}
        problems = [p for p in library.problems if p.path not in touched] + refused
        if columns:
            for path, encoded in zip(columns[0], columns[12], strict=True):
                if encoded:
                    problems += codec.decode_problems(path, encoded)
        articles = [a for a in codec.articles_from_parsed(columns, codec.Dates()) if a is not None]
        return library.with_changes(articles, touched, problems)
