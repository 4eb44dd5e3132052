"""Parsing many files fast: in worker processes for a cold index, read-ahead for a cold disk.

Above :data:`PARALLEL_MIN_FILES` files to parse, chunks of :data:`CHUNK_SIZE` go to
:data:`WORKERS` spawned processes and come back in path order as plain tuples
(:data:`reader.library.cache.codec.Parsed`). Workers never write to the terminal, ignore
Ctrl+C (the parent stops the pool) and exit when their parent dies. Anything that stops the
pool (a killed worker, a script without a ``__main__`` guard, no processes on this platform)
makes the rest be parsed in this process: slower, never wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from reader.library.cache.codec import TAG_SEP, Parsed, encode_extra, encode_problems, row_checksum
from reader.library.scan import FileEntry, read_file

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_FILES = 5000
"""Below this many files to parse, starting worker processes costs more than it saves.
Measured on two cores: 4,000 files take 0.31 s in one process and 0.30 s in two (spawning
them costs ~0.15 s); 8,000 take 0.60 s and 0.47 s; 16,000 take 1.20 s and 0.81 s."""
CHUNK_SIZE = 256
"""Files per worker task: large enough to amortise pickling, small enough to stream results."""
WORKERS = 2
"""Worker processes for a cold index: the machines this targets have two cores or more."""


def parse_entry(entry: FileEntry) -> Parsed:
    """Read and parse one file into plain values, with the checksum its row will carry."""
    result = read_file(entry)
    problems = encode_problems(result.problems)
    article = result.article
    head: tuple[str, int, int, int, str, str, str, str]
    tags: tuple[str, ...]
    stamp = (entry.path, entry.size, entry.mtime_ns)
    if article is None:
        head = (*stamp, 0, "", "", "", "")
        date, author, tags, fingerprint, extra = None, "", (), "", ""
    else:
        head = (*stamp, 1, article.title, article.subtitle, article.source, article.link)
        date = article.date.isoformat() if article.date is not None else None
        author, tags, fingerprint = article.author, article.tags, article.fingerprint
        extra = encode_extra(article)
    checksum = row_checksum((*head, date, author, TAG_SEP.join(tags), fingerprint, problems, extra))
    return (*head, date, author, tags, fingerprint, problems, extra, checksum)


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


def parse_all(entries: list[FileEntry], workers: int | None) -> Iterator[list[Parsed]]:
    """Parsed files chunk by chunk, in path order: in this process, or in a process pool."""
    workers = WORKERS if workers is None else workers
    chunks = [entries[i : i + CHUNK_SIZE] for i in range(0, len(entries), CHUNK_SIZE)]
    paths = [[e.abspath for e in chunk] for chunk in chunks]
    done = 0
    if workers >= 2 and len(entries) >= PARALLEL_MIN_FILES:
        from concurrent import futures  # here, not at start: ~40 ms of the app's imports

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
            except (futures.BrokenExecutor, OSError, EOFError, RuntimeError):
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
    from concurrent.futures import ProcessPoolExecutor

    _start_resource_tracker()
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_quiet_worker, initargs=(os.getpid(),)
    )


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a usable ``sys.stderr``.

    The tracker passes ``sys.stderr.fileno()`` to the process it spawns; under Textual that is
    the app's print capture, whose ``fileno()`` is -1, and the spawn failed with "bad value(s)
    in fds_to_keep". So the app's first index never had its pool: 25,000 files took ~11 s in
    one process where ``reader list`` took ~4 s in two. For the moment of the start,
    ``sys.stderr`` is /dev/null (the tracker has nothing to say to the app's screen).
    """
    import sys
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


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
