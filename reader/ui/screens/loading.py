"""The main screen's loading pipeline: cached library, refresh, full text, live reload, marks.

The library is loaded in worker threads so the first frame appears at once; every snapshot is
handed to the UI thread (:meth:`LibraryLoading.set_library`) with its reading-state marks
already worked out, because matching the state against 100,000 articles takes a moment.
"""

from __future__ import annotations

import threading

from textual import work
from textual.worker import get_current_worker

from reader.library import cache
from reader.library.fulltext import open_index
from reader.library.index import Library
from reader.library.query import parse_query
from reader.library.watch import apply as apply_changes
from reader.library.watch import watch
from reader.state.probe import FileProbe
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.modals import problem_count, reload_failed_message
from reader.ui.widgets.topbar import TopBar

STATE_POLL_SECONDS = 2.0
"""How often the state file is checked (one stat) for another window's changes."""


class LibraryLoading(ScreenPart):
    """Loads and watches the library; keeps the bookmark / read marks in step with the store."""

    use_cache: bool
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
        """Load in a thread so the first frame appears at once.

        The cached library shows first (no file is read for it), then a refresh brings it up
        to date with the folder, re-parsing only new and changed files; a library seen for
        the first time shows its first articles while the rest are still being parsed. Then
        the full-text index catches up, and the folder is watched for changes.
        """
        worker = get_current_worker()
        cached = cache.load_cached(self.root) if self.use_cache else None
        if cached is not None and not worker.is_cancelled:
            self._publish(cached)
            # Let the list paint before the refresh (seconds of GIL-bound stat-ing at 100,000
            # files) and the lazy indexes compete with it for the interpreter.
            self._wait_for_paint()
            self._attach_full_text(cached)
            cached.prepare()  # so the first keystroke, tag click or sort change is instant

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.set_background, f"indexing {done:,} of {total:,} files")

        def on_batch(partial: Library) -> None:
            if cached is None and not worker.is_cancelled:
                self._publish(partial, streaming=True)

        library = cache.refresh(self.root, cached, progress, on_batch, use_cache=self.use_cache)
        if worker.is_cancelled:
            return
        if library is not self.library:
            self._publish(library)
            self._wait_for_paint()
            self._attach_full_text(library)
            library.prepare()
        self.app.call_from_thread(self.set_background, "")
        self._sync_full_text(library)
        if self.live_reload and not self._watching and not worker.is_cancelled:
            self._watching = True
            self.app.call_from_thread(self.watch_library)

    def _wait_for_paint(self, timeout: float = 2.0) -> None:
        """From a worker: block until the UI has drawn what it was just given."""
        painted = threading.Event()
        self.app.call_from_thread(self.call_after_refresh, painted.set)
        painted.wait(timeout)

    def _attach_full_text(self, library: Library) -> None:
        """Let word searches use the full-text index (in a worker: it maps rows to ids)."""
        if self.full_text is None:
            self.full_text = open_index(self.root, use_cache=self.use_cache)
        self.full_text.attach(library)

    def _sync_full_text(self, library: Library) -> None:
        """Attach and update the body-text index (runs in a worker thread)."""
        self._attach_full_text(library)
        if len(library) > 2000:
            self.app.call_from_thread(self.set_background, "indexing article text")
        full_text = self.full_text
        if full_text is None:
            return
        report = full_text.sync(library)
        self.app.call_from_thread(self._full_text_ready, library, report.error)

    def _full_text_ready(self, library: Library, error: str | None) -> None:
        self.set_background("")
        if error:
            self.notify(f"Full-text search is limited: {error}", severity="warning", markup=False)
        if library is self.library and parse_query(self.filter_text).needs_full_text:
            self.apply_filter(keep=self.current_path())

    @work(thread=True, exclusive=True, group="watch")
    def watch_library(self) -> None:
        """Live reload: new, changed and deleted files show up while the app runs."""
        for changes in watch(self.root, stop_event=self._stop_watching):
            current = self.library
            try:
                library = apply_changes(self.root, current, changes)
            except Exception as error:  # a failed refresh must not end live reload
                self.app.call_from_thread(
                    self.notify, reload_failed_message(changes, error), severity="warning", markup=False
                )
                continue
            if library is not current:
                if self.full_text is not None:
                    self.full_text.attach(library)
                    self.full_text.sync(library)
                self._publish(library)

    def stop_loading(self) -> None:
        """On quit: end live reload, write the scroll positions kept in memory."""
        self._stop_watching.set()
        self.store.flush()

    def set_background(self, text: str) -> None:
        self.background_status = text
        self.update_topbar()

    def set_library(
        self, library: Library, marks: tuple[set[int], set[int]] | None = None, *, streaming: bool = False
    ) -> None:
        """Show a new library snapshot, keeping the filter, sort and cursor.

        ``marks`` (bookmarked ids, read ids) is worked out by the loading worker, because
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
        self.bookmarked_ids, self.read_ids = marks if marks is not None else self.state_marks(library)
        article_list.set_marks(bookmarked=self.bookmarked_ids, read=self.read_ids)
        self.highlight_marks(library)
        self.apply_filter(keep=keep)
        self.update_topbar()

    def _publish(self, library: Library, *, streaming: bool = False) -> None:
        """From a worker thread: hand a new snapshot, with its marks, to the UI."""
        self.app.call_from_thread(self.set_library, library, self.state_marks(library), streaming=streaming)

    def state_marks(self, library: Library) -> tuple[set[int], set[int]]:
        """Ids of the bookmarked and of the read articles (follows renamed and moved files)."""
        by_path = library.by_path
        bookmarked = {by_path[p] for p in self.store.bookmarked_paths(library.articles) if p in by_path}
        read = {by_path[p] for p in self.store.read_paths(library.articles) if p in by_path}
        return bookmarked, read

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
        self.highlight_marks(self.library)
        if self.current is not None:
            self.query_one(ArticleView).set_passages(self.store.highlights_of(self.current))
        if any(term.startswith(("is:", "has:", "-is:", "-has:")) for term in self.selected_terms()):
            self.apply_filter(keep=self.current_path())
        else:
            self.update_tags(self.result_ids)

    def refresh_state_sets(self) -> None:
        if self.library is not None:
            self.bookmarked_ids, self.read_ids = self.state_marks(self.library)
            self.query_one(ArticleList).set_marks(bookmarked=self.bookmarked_ids, read=self.read_ids)

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
