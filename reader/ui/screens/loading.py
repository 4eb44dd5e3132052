"""The main screen's loading pipeline: cached library, refresh, full text, live reload, marks.

The steps are the engine's (:class:`reader.library.engine.Engine`, shared with the CLI); this
part runs them in worker threads so the first frame appears at once, and hands every snapshot
to the UI thread (:meth:`LibraryLoading.set_library`) with its reading-state marks
already worked out, because matching the state against 100,000 articles takes a moment.
"""

from __future__ import annotations

import gc
import threading

from textual import work
from textual.worker import get_current_worker

from reader.library.engine import Engine, Marks
from reader.library.fulltext import SyncReport
from reader.library.query import parse_query
from reader.library.snapshot import Library
from reader.state.probe import FileProbe
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.from_worker import call_from_worker
from reader.ui.screens.modals import problem_count, reload_failed_message
from reader.ui.widgets.topbar import TopBar

FULL_TEXT_NOTICE_FROM = 2000
"""From this many articles the top bar says the article text is being indexed."""
STATE_POLL_SECONDS = 2.0
"""How often the state file is checked (one stat) for another window's changes."""


class LibraryLoading(ScreenPart):
    """Loads and watches the library; keeps the bookmark / read marks in step with the store."""

    engine: Engine
    live_reload: bool
    background_status: str
    _stop_watching: threading.Event
    _watching: bool
    _streamed: bool
    _folded_titles: list[str] | None
    _folded_tags: list[str] | None
    _state_probe: FileProbe

    @work(thread=True, exclusive=True, group="load")
    def load_library(self) -> None:
        """Load in a thread (through the engine's pipeline) so the first frame appears at once.

        The cached library shows first (no file is read for it), then a refresh brings it up
        to date with the folder, re-parsing only new and changed files; a library seen for
        the first time shows its first articles while the rest are still being parsed. Then
        the full-text index catches up, and the folder is watched for changes.
        """
        worker = get_current_worker()

        def publish(library: Library, streaming: bool) -> None:
            self._publish(library, streaming=streaming)
            if not streaming:
                # Let the list paint before the refresh (seconds of GIL-bound stat-ing at
                # 100,000 files) and the lazy indexes compete with it for the interpreter.
                self._wait_for_paint()
                big = len(library) > FULL_TEXT_NOTICE_FROM
                call_from_worker(self, self.set_background, "indexing article text" if big else "")

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                call_from_worker(self, self.set_background, f"indexing {done:,} of {total:,} files")

        def full_text_progress(done: int, total: int) -> None:
            # Body search covers only what is indexed until then: say how far it is.
            if total > FULL_TEXT_NOTICE_FROM and not worker.is_cancelled:
                call_from_worker(self, self.set_background, f"indexing article text {done:,} of {total:,}")

        def full_text_ready(library: Library, report: SyncReport) -> None:
            call_from_worker(self, self._full_text_ready, library, report.error)

        library = self.engine.open(
            publish,
            progress=progress,
            full_text_ready=full_text_ready,
            full_text_progress=full_text_progress,
            cancelled=lambda: worker.is_cancelled,
        )
        settle_collector()
        if library is not None and self.live_reload and not self._watching and not worker.is_cancelled:
            self._watching = True
            call_from_worker(self, self.watch_library)

    def _wait_for_paint(self, timeout: float = 2.0) -> None:
        """From a worker: block until the UI has drawn what it was just given."""
        painted = threading.Event()
        call_from_worker(self, self.call_after_refresh, painted.set)
        painted.wait(timeout)

    def _full_text_ready(self, library: Library, error: str | None) -> None:
        self.set_background("")
        if error:
            self.notify(f"Full-text search is limited: {error}", severity="warning", markup=False)
        if library is self.library and parse_query(self.filter_text).needs_full_text:
            self.apply_filter(keep=self.current_path())

    @work(thread=True, exclusive=True, group="watch")
    def watch_library(self) -> None:
        """Live reload: new, changed and deleted files show up while the app runs."""
        for changes in self.engine.watch(self._stop_watching):
            current = self.library
            try:
                library = self.engine.apply(current, changes)
            except Exception as error:  # a failed refresh must not end live reload
                call_from_worker(
                    self, self.notify, reload_failed_message(changes, error), severity="warning", markup=False
                )
                continue
            if library is not current:
                self._publish(library)

    def stop_loading(self) -> None:
        """On quit: end live reload, write the scroll positions kept in memory."""
        self._stop_watching.set()
        self.store.flush()

    def set_background(self, text: str) -> None:
        self.background_status = text
        self.update_topbar()

    def set_library(self, library: Library, marks: Marks | None = None, *, streaming: bool = False) -> None:
        """Show a new library snapshot, keeping the filter, sort and cursor.

        ``marks`` (the reading state as ids) is worked out by the loading worker, because
        matching the reading state against 100,000 articles takes a noticeable moment.
        ``streaming``: the library is still being indexed for the first time; while the user
        has not moved off the first row, the cursor follows the top of the list (the newest
        article so far) instead of the article it happened to start on.
        """
        keep = self.current_path()
        article_list = self.query_one(ArticleList)
        if self._streamed and article_list.cursor == 0:
            keep = None
        self._streamed = streaming
        self.library = library
        self._folded_titles = self._folded_tags = None
        article_list.articles = library.articles
        self._take_marks(marks if marks is not None else self.engine.marks(library, self.store))
        self.apply_filter(keep=keep)
        self.update_topbar()

    def _take_marks(self, marks: Marks) -> None:
        """The screen's own (mutable: ``b`` and ``u`` change them) copies, and the list's marks."""
        self.bookmarked_ids, self.read_ids = set(marks.bookmarked), set(marks.read)
        self.highlighted_ids, self.noted_ids = set(marks.highlighted), set(marks.noted)
        self.query_one(ArticleList).set_marks(bookmarked=self.bookmarked_ids, read=self.read_ids)

    def _publish(self, library: Library, *, streaming: bool = False) -> None:
        """From a worker thread: hand a new snapshot, with its marks, to the UI."""
        marks = self.engine.marks(library, self.store)
        call_from_worker(self, self.set_library, library, marks, streaming=streaming)

    def poll_state_file(self) -> None:
        """Pick up another window's bookmarks, read marks, highlights and saved searches.

        One stat when nothing changed. A change of our own write re-reads the file too, which
        is harmless. The article list is re-filtered only when the filter depends on the
        reading state; otherwise the marks and the sidebar are redrawn in place.
        """
        if not self._state_probe.changed() or self.library is None or not self.query(ArticleList):
            return
        self.store.reload()
        self.refresh_state_sets()
        if self.current is not None:
            self.query_one(ArticleView).set_passages(self.store.highlights_of(self.current))
        if any(term.startswith(("is:", "has:", "-is:", "-has:")) for term in self.selected_terms()):
            self.apply_filter(keep=self.current_path())
        else:
            self.update_tags(self.result_ids)

    def refresh_state_sets(self) -> None:
        """After the store changed underneath (another window, a removed bookmark): all marks again."""
        if self.library is not None:
            self._take_marks(self.engine.marks(self.library, self.store))

    def update_topbar(self) -> None:
        library = self.library
        self.query_one(TopBar).show(
            self.root.name or str(self.root),
            articles=len(library) if library is not None else None,
            problems=problem_count(library),
            state_problem=self.store.status_line() if library is not None else None,
            background=self.background_status,
        )

    def state_saving_changed(self) -> None:
        """The store could not write (or can again): say so once, and keep it in the top bar."""
        if not self.query(TopBar):
            return
        self.update_topbar()
        reason = self.store.unsaved
        if reason is None:
            self.notify("Saved: the changes kept in memory are on disk now.", timeout=4, markup=False)
            return
        self.notify(
            f"Could not save to {self.store.path}: {reason}. Your changes are kept in memory and "
            "saved at the next change.",
            severity="error",
            timeout=10,
            markup=False,
        )


def settle_collector() -> None:
    """Once the library is in: leave what the load made out of the cycle collector's full
    passes, and run its young passes less often.

    A full pass visits every tracked container, and the loaded library, the full-text index's
    recent terms and Textual's line caches hold many, some with 100,000 entries. Typing the
    bench's 91 keys at 100,000 articles saw 9 full passes of 100–390 ms each (0.96–2.3 s in
    all, the slowest keys' time); with the load frozen (``gc.freeze``, which only moves objects
    to a generation never scanned: they are still freed when unused) and the first threshold
    at 10,000 allocations instead of 700, none, and 43 young passes (0.37–0.45 s) instead of
    ~1,100 (0.6 s)."""
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
