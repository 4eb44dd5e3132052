"""The one pipeline from a folder to query results, shared by the CLI and the app.

    open → cached library → refresh → full text (attach + sync) → watch → apply changes
         → state marks → query

Every step exists once, here; ``reader list`` and the TUI differ only in what they do between
steps (the app paints, the CLI prints). Typical uses::

    engine = Engine(root)                                   # the CLI
    library = engine.load(full_text=query.needs_full_text)
    result = engine.search(library, query, engine.marks(library, store))

    library = engine.open(publish, progress=..., full_text_ready=...)   # the app, in a worker
    for changes in engine.watch(stop):                                  # another worker
        library = engine.apply(library, changes)

**The library never imports the state** (:mod:`reader.state` sits above it): the reading
state comes in through :class:`MarkSource`, which :class:`reader.state.StateStore`
satisfies as it is, and goes to the query as :class:`Marks` — plain id sets.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reader import paths
from reader.library import cache, prewalk
from reader.library.fulltext import FullTextIndex, SyncReport, open_index
from reader.library.model import Article
from reader.library.query import Query
from reader.library.search import SearchResult
from reader.library.snapshot import Library
from reader.library.watch import Changes, watch

ProgressCallback = Callable[[int, int], None]


class MarkSource(Protocol):
    """Where the reading state comes from (:class:`reader.state.StateStore` is one): paths of the
    bookmarked, read, highlighted and noted articles among ``articles``, following renames."""

    def bookmarked_paths(self, articles: Iterable[Article]) -> set[str]: ...

    def read_paths(self, articles: Iterable[Article]) -> set[str]: ...

    def highlight_marks(self, articles: Iterable[Article]) -> tuple[set[str], set[str]]: ...


@dataclass(slots=True, frozen=True)
class Marks:
    """The reading state of one library snapshot as article ids: what ``is:`` and ``has:note``
    select, and what the list draws as ★ and read."""

    bookmarked: frozenset[int] = frozenset()
    read: frozenset[int] = frozenset()
    highlighted: frozenset[int] = frozenset()
    noted: frozenset[int] = frozenset()

    @classmethod
    def of(cls, library: Library, source: MarkSource) -> Marks:
        """Match ``source`` against ``library`` (O(articles); a noticeable moment at 100,000, so
        call it where the library is built, off the UI thread)."""
        articles = library.articles
        ids = library.by_path

        def to_ids(found: Iterable[str]) -> frozenset[int]:
            return frozenset(ids[path] for path in found if path in ids)

        highlighted, noted = source.highlight_marks(articles)
        return cls(
            bookmarked=to_ids(source.bookmarked_paths(articles)),
            read=to_ids(source.read_paths(articles)),
            highlighted=to_ids(highlighted),
            noted=to_ids(noted),
        )


def apply_changes(root: Path | str, library: Library | None, changes: Changes) -> Library:
    """The library after one :class:`Changes` batch: only the changed paths re-read, or a full
    refresh when the folder itself went or came back, or when the batch is so large (a ``git
    checkout``) that the parallel refresh is faster. ``library`` itself when nothing changed."""
    if library is None or changes.rescan or len(changes.changed) >= cache.PARALLEL_MIN_FILES:
        return cache.refresh(root, library)
    return cache.update_paths(root, library, changes.changed, changes.deleted)


_M_MMAP_THRESHOLD = -3
"""``mallopt``'s parameter number for the mmap threshold (glibc's ``malloc.h``)."""
MMAP_THRESHOLD = 128 * 1024
"""Blocks from this size up get their own mapping, returned to the system when freed."""
_malloc_tuned = False


def return_large_blocks() -> None:
    """Make glibc's ``malloc`` give every block of :data:`MMAP_THRESHOLD` or more back to the
    system when it is freed, for the rest of the process (elsewhere: nothing).

    glibc starts there too, but raises the threshold to the size of each mapped block freed
    (up to 32 MB): once a warm start has dropped its snapshot blobs (~9 MB each), blocks up
    to that size come from the heaps instead, each worker thread's own, and what one thread
    frees the next one cannot reuse. Measured in the app at 100,000 articles: 298-299 MB
    resident once settled (and at the peak) against 270-271 MB with the threshold fixed; a
    1 MB threshold kept 275 MB, 4 MB 283 MB. The price is fresh pages for each large block:
    ``load_cached`` and ``attach`` + ``prepare`` take ~0.03 s more each (fastest of ten:
    0.55 → 0.59 s and 0.51 → 0.57 s), the refresh and the full-text sync no more.
    """
    global _malloc_tuned
    if _malloc_tuned or not _glibc():
        return
    _malloc_tuned = True
    with contextlib.suppress(OSError, AttributeError):  # no symbol table to ask, or no mallopt in it
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # not a glibc system
        return False


class Engine:
    """One library folder's pipeline. ``use_cache=False`` neither reads nor writes the index
    cache, and keeps the full-text index in memory (``--no-cache``, tests). Making one tunes
    ``malloc`` for loading a large library (:func:`return_large_blocks`)."""

    def __init__(self, root: Path | str, *, use_cache: bool = True) -> None:
        return_large_blocks()
        self.root = paths.library_root(root)
        self.use_cache = use_cache
        self.full_text: FullTextIndex | None = None
        """Opened on first use (:meth:`attach`); its ``notice`` says when it had to be rebuilt."""

    # -- loading --------------------------------------------------------------------------

    def load_cached(self, *, json_rows: bool = False) -> Library | None:
        """The library as the index cache last saw it (no file read), or ``None``; ``json_rows``:
        with its stored ``reader list --json`` records."""
        return cache.load_cached(self.root, json_rows=json_rows) if self.use_cache else None

    def refresh(
        self,
        library: Library | None = None,
        *,
        progress: ProgressCallback | None = None,
        on_batch: Callable[[Library], None] | None = None,
        on_parsed: Callable[[Library], None] | None = None,
    ) -> Library:
        """Walk the folder, re-parse what changed since ``library`` (or the cache), save.
        ``library`` itself when nothing changed; see :func:`reader.library.cache.refresh`."""
        return cache.refresh(self.root, library, progress, on_batch, use_cache=self.use_cache, on_parsed=on_parsed)

    def load(self, *, full_text: bool = False, json_rows: bool = False) -> Library:
        """The up-to-date library in one call (the CLI). ``full_text``: also sync the full-text
        index and attach it, which only a query with words needs (it reads changed bodies).
        ``json_rows``: keep the cache's stored ``reader list --json`` records, which hold while
        nothing changed (:attr:`reader.library.snapshot.SnapshotMemo.json_rows`).

        The folder is walked by a forked child while the cache is read (:mod:`.prewalk`):
        warm ``reader list --json`` at 100,000 articles, five interleaved runs each, 3.32–4.13 s
        (median 3.83) → 2.89–3.51 s (median 3.14), the same bytes out."""
        if self.use_cache:
            cached, walked = prewalk.while_walking(self.root, lambda: self.load_cached(json_rows=json_rows))
        else:
            cached, walked = None, None
        library = cache.refresh(self.root, cached, use_cache=self.use_cache, walked=walked, json_rows=json_rows)
        if full_text:
            self.sync(library)
        return library

    def open(
        self,
        publish: Callable[[Library, bool], None],
        *,
        progress: ProgressCallback | None = None,
        full_text_ready: Callable[[Library, SyncReport], None] | None = None,
        full_text_progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Library | None:
        """The app's loading pipeline, run in a worker thread; returns the final library, or
        ``None`` once ``cancelled()``.

        ``publish(library, streaming)`` is called with the cached library first (no file read),
        then — for a library seen for the first time — with growing partial libraries while it
        is parsed (``streaming=True``), then with the refreshed one if it differs (once parsed,
        before the cache has saved it). It may block (until the UI has painted): each
        published library is then made ready for instant searching (:meth:`attach`,
        :meth:`Library.prepare`) while the UI shows it. Finally the full-text index catches up
        (``full_text_progress(done, total)`` after each batch of bodies) and
        ``full_text_ready(library, report)`` is called.
        """
        cached = self.load_cached()
        if cached is not None and not cancelled():
            publish(cached, False)
            self.attach(cached)
            cached.prepare()  # so the first keystroke, tag click or sort change is instant

        def on_batch(partial: Library) -> None:
            if cached is None and not cancelled():
                publish(partial, True)

        shown: Library | None = None

        def on_parsed(library: Library) -> None:
            # Shown before the cache saves it: at 100,000 articles the last ~35 % of a first
            # index appeared 2–3 s after the last file was parsed.
            nonlocal shown
            if not cancelled():
                publish(library, False)
                shown = library

        library = self.refresh(cached, progress=progress, on_batch=on_batch, on_parsed=on_parsed)
        if cancelled():
            return None
        if library is not cached:
            if library is not shown:
                publish(library, False)
            self.attach(library)
            library.prepare()
        report = self.sync(library, full_text_progress)
        if full_text_ready is not None and not cancelled():
            full_text_ready(library, report)
        return library

    # -- full text ------------------------------------------------------------------------

    def attach(self, library: Library) -> Library:
        """Let ``library``'s word searches use the full-text index (builds its row map: call it
        off the UI thread). Returns ``library``."""
        if self.full_text is None:
            self.full_text = open_index(self.root, use_cache=self.use_cache)
        return self.full_text.attach(library)

    def sync(self, library: Library, progress: ProgressCallback | None = None) -> SyncReport:
        """Attach, then index the bodies of new and changed files. Never raises: a problem is
        in the report's ``error`` (searches then match what the index holds, or metadata)."""
        self.attach(library)
        assert self.full_text is not None
        return self.full_text.sync(library, progress)

    def notices(self, report: SyncReport | None = None) -> list[str]:
        """One line each for what the user should know about the full-text index."""
        found = [self.full_text.notice] if self.full_text is not None and self.full_text.notice else []
        return found + ([report.error] if report is not None and report.error else [])

    # -- live changes ---------------------------------------------------------------------

    def watch(self, stop: threading.Event) -> Iterator[Changes]:
        """Debounced batches of changes in the folder until ``stop`` is set (blocks: a worker)."""
        return watch(self.root, stop_event=stop)

    def apply(self, library: Library | None, changes: Changes) -> Library:
        """:func:`apply_changes`, then the full-text index follows the new snapshot (if one is
        open). ``library`` itself when nothing changed, so a caller can skip a redraw."""
        updated = apply_changes(self.root, library, changes)
        if updated is not library and self.full_text is not None:
            self.sync(updated)
        return updated

    # -- state and queries ----------------------------------------------------------------

    def marks(self, library: Library, source: MarkSource | None) -> Marks:
        """The reading state as ids of ``library`` (no source: nothing marked)."""
        return Marks.of(library, source) if source is not None else Marks()

    def search(self, library: Library, query: str | Query, marks: Marks, *, sort: str = "date") -> SearchResult:
        """The ids matching ``query`` in ``sort`` order, the marks feeding ``is:`` and ``has:``."""
        return library.search(
            query,
            sort=sort,
            bookmarked=marks.bookmarked,
            read=marks.read,
            highlighted=marks.highlighted,
            noted=marks.noted,
        )

    def close(self) -> None:
        """Close the full-text index's connections (the app on exit)."""
        if self.full_text is not None:
            self.full_text.close()


__all__ = ["Engine", "MarkSource", "Marks", "apply_changes"]
