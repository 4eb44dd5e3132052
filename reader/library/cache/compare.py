"""Whether a walk of the folder still matches the cache and the library: the warm start's
"nothing changed", found without building what a full refresh holds.

* :func:`compare` — file by file, as the walk comes (the app's refresh: low memory).
* :func:`same_columns` — the same rule over whole columns, in C (the CLI's fast path, with the
  forked child's walk). Both say "unchanged" on their own, so they must keep agreeing:
  ``tests/unit/test_prewalk.py`` and ``test_cache_equivalence.py`` hold them to it.

A stored path is compared as stored first and restored only when that differs
(:mod:`reader.library.cache.rowtext`: the rare name that is not UTF-8).
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import truediv
from typing import TYPE_CHECKING

from reader.library.cache import rowtext
from reader.library.model import Problem
from reader.library.prewalk import WalkedFiles
from reader.library.scan import FileEntry, ScanReport
from reader.library.snapshot import Library
from reader.library.sqlite import same_stamp

if TYPE_CHECKING:
    from reader.library.cache.writer import CacheWriter


def unchanged(sizes: Sequence[int], mtimes: Sequence[float], index: int, entry: FileEntry) -> bool:
    """Whether the article at ``index`` (of these size and mtime columns) is still ``entry``."""
    return same_stamp(sizes[index], mtimes[index], entry.size, entry.mtime_ns / 1e9)


def compare(
    library: Library, writer: CacheWriter, walked: Iterator[FileEntry], report: ScanReport
) -> tuple[int, list[FileEntry] | None]:
    """Whether the folder and the cache still hold exactly ``library`` (a refresh's "nothing
    changed"), found without what a full refresh holds: ``(files matched, None)`` when they do;
    else the count of files matched before the first difference, and the walked file that differs
    (``[]``: a difference seen at the end, with every file walked).

    Each walked file is compared as it comes with the cache's row (merged in path order:
    same size and ``mtime_ns``, no row left over, none missing) and with ``library``'s article
    (:func:`unchanged`) or skipped file. The walk's list, the stamps map and the gathered
    dicts never exist: at 100,000 articles they held 47 + 30 + ~15 MB at once on every warm
    start, the app's peak (343 MB). ``walked`` is left where the difference was found.
    """
    rows = writer.stamps_in_order()
    if rows is None:
        return 0, []  # the cache failed (and is closed): the full path walks again, without it
    sizes, mtimes = library.articles.column("size"), library.articles.column("mtime")
    index_of = library.by_path
    grouped = by_path(library.problems)
    per_file: list[Problem] = []
    matched = kept = 0
    try:
        row = next(rows, None)
        for entry in walked:
            path = entry.path
            # The cache must hold this very file, and no row before it (a deleted file).
            if row is None or row[1] != entry.size or row[2] != entry.mtime_ns:
                return matched, [entry]
            if row[0] != path and rowtext.restored(row[0]) != path:  # restored: a name not UTF-8
                return matched, [entry]
            row = next(rows, None)
            index = index_of.get(path)
            problems = grouped.get(path, ())
            if index is not None:
                if not unchanged(sizes, mtimes, index, entry):
                    return matched, [entry]
                kept += 1
            elif not any(p.skipped for p in problems):
                return matched, [entry]  # not in ``library``, or not as a skipped file
            per_file += problems
            matched += 1
        if row is not None:
            return matched, []  # rows past the last file: deleted files
    except sqlite3.Error:
        rows.close()
        writer.close()  # as a failing :meth:`CacheWriter.stamps` does: the full path goes on without it
        return 0, []
    rows.close()
    same = (
        kept == len(sizes)
        and library.skipped_dirs == report.skipped_dirs
        and library.problems == report.problems + per_file
    )
    return matched, None if same else []


def stamps_digest(path_chunks: Iterable[Sequence[str]], sizes: array[int], mtimes: array[int]) -> bytes:
    """A digest of files' paths, sizes and ``mtime_ns`` in path order (BLAKE2b, 16 bytes):
    the walk's equals the one the snapshot stores exactly when the walk is the cache's rows.
    ~15 ms at 100,000 files, where reading the rows' stamps took 0.12–0.17 s.

    The paths come in chunks (the walk's list is one) and are consumed before the sizes and
    times are read, so the cache can feed its rows a few thousand at a time instead of holding
    100,000 of them (~35 MB at the peak of a cold index)."""
    paths = hashlib.blake2b(digest_size=16)
    started = False
    for chunk in path_chunks:
        if chunk:
            if started:
                paths.update(b"\x00")
            paths.update("\x00".join(chunk).encode("utf-8", "surrogatepass"))
            started = True
    whole = hashlib.blake2b(digest_size=16)
    whole.update(len(sizes).to_bytes(8, "little"))
    whole.update(paths.digest())
    whole.update(sizes.tobytes())
    whole.update(mtimes.tobytes())
    return whole.digest()


def same_columns(library: Library, writer: CacheWriter, files: WalkedFiles, report: ScanReport) -> bool:
    """:func:`compare`'s "nothing changed", column by column: the walked files are exactly the
    cache's rows (paths, sizes and ``mtime_ns`` compared as whole lists and arrays, in C), the
    articles are exactly the walked files that are not skipped ones, with the same stamps, and
    the problems and skipped folders are the walk's and the files' own. ``False`` on any doubt:
    the caller then compares file by file, as without the child's walk."""
    stored_digest = writer.stored_stamps_digest()
    if stored_digest is not None:
        if stored_digest != stamps_digest([files.paths], files.sizes, files.mtimes):
            return False
    elif not _rows_are(writer, files):
        return False
    table = library.articles
    paths = files.paths
    sizes, mtimes = files.sizes, files.mtimes
    grouped = by_path(library.problems)
    if paths == table.column("path"):  # every walked file an article (the usual case): no lookups
        walked_sizes = sizes.tolist()
        walked_seconds = list(map(truediv, mtimes, repeat(1e9)))  # as the parser stores them
    else:
        positions = list(map(library.by_path.get, paths))
        at = [i for i, position in enumerate(positions) if position is not None]
        if [positions[i] for i in at] != list(range(len(table))):
            return False  # an article not walked, or out of order
        if len(at) < len(paths) and not all(
            any(p.skipped for p in grouped.get(paths[i], ()))
            for i, position in enumerate(positions)
            if position is None
        ):
            return False  # a walked file that is neither an article nor a skipped file
        walked_sizes = [sizes[i] for i in at]
        walked_seconds = [mtimes[i] / 1e9 for i in at]
    # Equal columns (compared in C) settle it; only otherwise each stamp within the tolerance.
    stored_sizes, stored_seconds = table.column("size"), table.column("mtime")
    if (walked_sizes, walked_seconds) != (stored_sizes, stored_seconds) and not all(
        map(same_stamp, stored_sizes, stored_seconds, walked_sizes, walked_seconds)
    ):
        return False
    per_file = [problem for path in paths for problem in grouped.get(path, ())] if grouped else []
    return library.skipped_dirs == report.skipped_dirs and library.problems == report.problems + per_file


def _rows_are(writer: CacheWriter, files: WalkedFiles) -> bool:
    """Whether the cache's rows are exactly the walked files, read row by row (a snapshot
    without a digest of them)."""
    rows = writer.stamps_in_order()
    if rows is None:
        return False
    try:
        stored = rows.fetchall()
    except sqlite3.Error:
        return False
    finally:
        rows.close()
    paths = files.paths
    if len(stored) != len(paths):
        return False
    if stored:
        stored_paths, stored_sizes, stored_mtimes = zip(*stored, strict=True)
        if array("q", stored_sizes) != files.sizes or array("q", stored_mtimes) != files.mtimes:
            return False
        if list(stored_paths) != paths and rowtext.restored_paths(stored_paths) != paths:
            return False
    return True


def by_path(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.path, []).append(problem)
    return grouped
