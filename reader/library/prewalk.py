"""The folder walk in a forked child, while the parent reads the cache: the CLI's warm start.

``reader list`` at 100,000 articles spends ~0.6 s reading the cache and ~0.7 s walking the
folder (0.35–0.45 s of it ``stat`` calls), one after the other, on one core of two. The walk
needs nothing the cache holds, so a child process (``os.fork``: no re-import, no pickled
arguments) walks while the parent loads — two children on two cores, a share of the top-level
folders each (:func:`shares_for`) — and the parent then takes their entries, four columns and
a pickle each, and compares them with the cache as if it had walked itself.

Only where it is safe and pays: a POSIX ``fork``, one thread in the process (a fork copies
no other thread, and whatever lock one held stays held in the child), and a cache to read
meanwhile. The app never comes here: it has threads. Any failure of the child — a signal,
an exception, a short pipe — gives ``None``, and the caller walks in-process as before, so
the result is the same either way (tests/unit/test_prewalk.py holds them equal).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from reader.library.orders import gc_paused
from reader.library.scan import FileEntry, ScanReport, iter_walk
from reader.library.table import Rows

Walked = tuple[Sequence[FileEntry], ScanReport]
"""What :func:`reader.library.cache.refresh` takes instead of walking: the entries in path
order and the walk's report, complete."""

T = TypeVar("T")
_PROTOCOL = pickle.HIGHEST_PROTOCOL


def available() -> bool:
    """Whether a child can walk: ``fork`` exists and this process runs one thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _walk_columns(root: Path, share: tuple[int, int] = (0, 1)) -> bytes:
    """The walk (or one share of it, see :func:`reader.library.scan.iter_walk`) as one small
    pickle: the relative paths joined by NUL (which no file name holds), the absolute paths
    only where one is not ``root/path`` (a symbolic link's folder keeps the link's path, so in
    practice never), sizes and mtimes as machine integers, the report, and the folders
    entered. At 100,000 articles: 7 MB, against 23 MB for the four columns as lists — whose
    loading and unpickling cost the parent 0.35 s."""
    report = ScanReport([], [])
    entered: set[tuple[int, int]] = set()
    prefix = os.path.join(str(root), "")
    paths: list[str] = []
    odd: dict[int, str] = {}
    sizes = array("q")
    mtimes = array("q")
    for entry in iter_walk(root, report, share=share, entered=entered):
        if entry.abspath != prefix + entry.path:
            odd[len(paths)] = entry.abspath
        paths.append(entry.path)
        sizes.append(entry.size)
        mtimes.append(entry.mtime_ns)
    columns = ("\0".join(paths), odd, sizes.tobytes(), mtimes.tobytes(), report, entered)
    return pickle.dumps(columns, protocol=_PROTOCOL)


def _entries(root: Path, shares: Sequence[bytes]) -> Walked | None:
    """:func:`_walk_columns` of each share read back and put end to end, with the collector
    paused: 300,000 new objects next to the loaded library's million would set off
    collections that walk all of them (0.25–0.37 s at 100,000 articles; 0.11–0.13 s paused).
    ``None`` when two shares entered one folder (a link): only a single walk reports that."""
    with gc_paused():
        paths: list[str] = []
        odd: dict[int, str] = {}
        sizes = array("q")
        mtimes = array("q")
        whole = ScanReport([], [])
        seen: set[tuple[int, int]] = set()
        for data in shares:
            joined, share_odd, size_bytes, mtime_bytes, report, entered = pickle.loads(data)  # our children's
            if not seen.isdisjoint(entered):
                return None
            seen |= entered
            odd.update((len(paths) + at, abspath) for at, abspath in share_odd.items())
            before = len(sizes)
            sizes.frombytes(size_bytes)
            mtimes.frombytes(mtime_bytes)
            if len(sizes) > before:
                paths += joined.split("\0")
            whole.problems += report.problems
            whole.skipped_dirs += report.skipped_dirs
        if len(paths) != len(sizes) or len(mtimes) != len(sizes):
            raise ValueError("columns of unequal length")
        return WalkedFiles(os.path.join(str(root), ""), paths, sizes, mtimes, odd), whole


class WalkedFiles(Rows[FileEntry]):
    """The child's walk as columns, a :class:`FileEntry` made only for a file asked for.

    When nothing changed — the common warm start — the cache compares the columns with its
    own at once (:func:`reader.library.cache.refresh`) and no entry is ever made: at 100,000
    files that skips making 100,000 entries and their absolute paths (0.28 s) and comparing
    them one by one (~0.4 s)."""

    def __init__(self, prefix: str, paths: list[str], sizes: array[int], mtimes: array[int], odd: dict[int, str]):
        self.prefix = prefix
        """The library's path and a separator: ``prefix + path`` is a file's absolute path."""
        self.paths = paths
        self.sizes = sizes
        self.mtimes = mtimes
        """``mtime_ns`` of each file."""
        self.odd = odd
        """The absolute paths that are not ``prefix + path``, by position."""

    def __len__(self) -> int:
        return len(self.paths)

    def _item(self, index: int) -> FileEntry:
        path = self.paths[index]
        abspath = self.odd.get(index) or self.prefix + path
        return FileEntry(path, abspath, self.sizes[index], self.mtimes[index])


def _child(root: Path, share: tuple[int, int], write_end: int) -> None:
    """Walk, send, and leave by ``os._exit``: never return into the parent's code (no
    ``atexit``, no ``finally`` of the caller, no flushed stdout twice)."""
    status = 1
    try:
        gc.disable()  # short-lived; a collection would only copy the parent's pages
        data = _walk_columns(root, share)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # the parent walks again; nothing to report from here
        pass
    finally:
        os._exit(status)


def _read_all(read_end: int) -> bytes:
    with os.fdopen(read_end, "rb") as pipe:
        return pipe.read()


def _reap(pid: int) -> bool:
    """Wait for the child; whether it exited cleanly."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


SHARE_MAX_TOP_FILES = 2000
"""Files on the library folder's own level beyond which it is walked by one child: every share
lists and ``stat``s that level, so only its folders are worth dividing."""


def shares_for(root: Path) -> int:
    """How many children walk ``root``: two on a machine with two cores or more, when the
    folder holds two folders or more and few files of its own (:data:`SHARE_MAX_TOP_FILES`).

    Measured at 100,000 articles in 60 folders: one walk 1.34–1.52 s, two halves in parallel
    0.65–0.74 s, and 0.84–0.88 s while the parent spends 0.4 s of CPU reading the cache."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cores < 2:
        return 1
    folders = files = 0
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders += 1
                    else:
                        files += 1
                except OSError:
                    continue
    except OSError:
        return 1
    return 2 if folders >= 2 and files <= SHARE_MAX_TOP_FILES else 1


def _fork_walk(root: Path, share: tuple[int, int]) -> tuple[int, int] | None:
    """A child walking ``share`` of ``root``: its pid and the pipe's reading end, or ``None``."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover — the child never returns (coverage cannot see it)
        os.close(read_end)
        _child(root, share, write_end)
    os.close(write_end)
    return pid, read_end


def _stop(children: Sequence[tuple[int, int]]) -> None:
    for pid, read_end in children:
        with contextlib.suppress(OSError):
            os.close(read_end)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)


def while_walking(root: Path, meanwhile: Callable[[], T]) -> tuple[T, Walked | None]:
    """``meanwhile()``'s result, and the walk of ``root`` done alongside it by children, one
    per share (:func:`shares_for`); or ``None``: no fork here, a child failed, or two shares
    met (walk in-process then).

    The pipes are read only after ``meanwhile()``: a child done walking waits on a full pipe,
    which costs it nothing. If ``meanwhile()`` raises, the children are killed and reaped
    before the error goes on."""
    if not available():
        return meanwhile(), None
    shares = shares_for(root)
    children: list[tuple[int, int]] = []
    for index in range(shares):
        started = _fork_walk(root, (index, shares))
        if started is None:
            _stop(children)
            return meanwhile(), None
        children.append(started)
    try:
        result = meanwhile()
    except BaseException:
        _stop(children)
        raise
    answers: list[bytes] = []
    for _pid, read_end in children:
        try:
            answers.append(_read_all(read_end))
        except OSError:
            answers.append(b"")
    exited = [_reap(pid) for pid, _ in children]
    if not all(exited) or not all(answers):
        return result, None
    try:
        return result, _entries(root, answers)
    except Exception:  # a truncated pickle: walk in-process
        return result, None
