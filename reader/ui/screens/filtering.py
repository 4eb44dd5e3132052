"""The main screen's filter: the filter bar's text → the list, the status line, the timeline
and the tag sidebar, whose counts follow the result; the sidebar's toggles edit the text.

While the user types, only the list and its count follow each key; the rest follows once the
typing pauses (:data:`SETTLE_SECONDS`). Measured with ``bench/phases_app.py``'s typing phase at
25,000 articles (160×50), a key that also rebuilt the tag tree, the timeline, the article pane
and the related panel repainted nearly the whole screen four to six times (~50 ms a frame, much
of it the three scrollbars and the article pane's rows): p50 ~210 ms a key for queries that take
~6 ms; now ~32 ms. At 100,000 articles p50 ~365 → ~46 ms, p90 ~880 → ~170 ms, which is about
what ``Library.search`` itself takes for those keys (p90 157 ms).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.widgets import Input
from textual.worker import get_current_worker

from reader.library.filter_terms import selected_keys, toggle_term
from reader.library.query import parse_query
from reader.library.sidebar import SidebarNode, excluded_tags, sidebar_tree, special_nodes, tag_term
from reader.library.snapshot import Library
from reader.library.timeline import timeline
from reader.ui.article_list import ArticleList
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.from_worker import call_from_worker
from reader.ui.widgets.filter_status import FilterStatus
from reader.ui.widgets.inputs import FilterInput
from reader.ui.widgets.tag_sidebar import TagTree
from reader.ui.widgets.timeline import TimelineBar

if TYPE_CHECKING:
    from textual.timer import Timer

SIDEBAR_IN_WORKER = 20_000
"""From this many articles the sidebar tree is built in a worker thread."""
SETTLE_SECONDS = 0.5
"""Typing: the sidebar counts, the timeline and the article pane follow this long after the last key.

Longer than the gap between two keys of most typists (0.2–0.35 s at 35–60 words a minute), so
a word costs one update of the rest of the screen, not one a key. Measured at 100,000 articles
with a key every 0.35 s: p90 160 ms a key with 0.5 s, 182 ms (p95 313 ms) with 0.3 s, where the
tag tree (~0.2 s in a worker), the timeline and the article landed between keys. Leaving the
bar (enter, escape, down) brings everything up to date at once."""


class Filtering(ScreenPart):
    """Runs the filter and keeps the list, status line, timeline and sidebar in step with it."""

    _settle_timer: Timer | None = None
    _filter_set: str | None = None
    """The text :meth:`set_filter_text` put in the bar (its ``Changed`` was not typed)."""
    _filter_applied: str | None = None
    """The text the list shows the result of."""

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", FilterInput).value

    @property
    def filter_settling(self) -> bool:
        """Typing is under way: the sidebar, the timeline and the article pane lag the list."""
        return self._settle_timer is not None

    def set_filter_text(self, text: str) -> None:
        bar = self.query_one("#filter", FilterInput)
        self._filter_set = text if text != bar.value else None
        bar.set_text(text)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        bar = self.query_one("#filter", FilterInput)
        if event.value != bar.value:
            return  # keys typed in a burst: the bar holds more already, and its Changed follows
        if event.value == self._filter_applied:
            return  # applied already, when the bar was left (:meth:`_filter_done`)
        typed = event.value != self._filter_set and self.focused is bar
        self._filter_set = None
        self.apply_filter(keep=self.current_path(), typing=typed)

    @on(FilterInput.Leave)
    def _filter_done(self) -> None:
        self.set_focus(self.query_one(ArticleList))
        if self.filter_text != self._filter_applied:
            # ``/word`` ⏎ ``G`` in one burst: the bar's last Changed is still queued behind this,
            # and ``G`` behind that. Apply now, so ``G`` moves in the filtered list.
            self.apply_filter(keep=self.current_path(), typing=True)
            self.settle_filter()
        elif self.filter_settling:
            self.settle_filter()

    def apply_filter(self, keep: str | None = None, *, typing: bool = False) -> None:
        """Run the filter text against the library and push the results to the widgets.

        ``typing``: a key in the filter bar; the list and the count follow now, the sidebar,
        the timeline and the article pane :data:`SETTLE_SECONDS` after the last key."""
        library = self.library
        if library is None:
            return
        started = time.perf_counter()
        self._filter_applied = self.filter_text
        query = parse_query(self._filter_applied)
        result = library.search(
            query,
            sort=self.sort,
            bookmarked=self.bookmarked_ids,
            read=self.read_ids,
            highlighted=self.highlighted_ids,
            noted=self.noted_ids,
        )
        self.result_ids = result.ids
        article_list = self.query_one(ArticleList)
        if not len(library):
            article_list.empty_message = f"This library has no articles yet: add .md files to {self.root}"
        elif query.root is not None:
            article_list.empty_message = "No articles match this filter. Press / to change it, or ctrl+p → Clear."
        keep_id = library.by_path.get(keep) if keep else None
        article_list.set_ids(result.ids, keep=keep_id)
        sort = "relevance" if self.sort == "date" and query.has_text else self.sort
        self.query_one(FilterStatus).show(len(result.ids), len(library), sort, result.errors)
        self.log.debug(f"filter took {(time.perf_counter() - started) * 1000:.1f} ms")
        if typing:
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.set_timer(SETTLE_SECONDS, self.settle_filter)
        else:
            self._finish_filter()

    def settle_filter(self) -> None:
        """Bring the sidebar, the timeline and the article pane up to date with the list."""
        self._finish_filter()
        if self.result_ids:
            self.follow_list()

    def _finish_filter(self) -> None:
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        self.update_tags(self.result_ids)
        self.update_timeline()
        if not self.result_ids:
            self.show_article(None)

    def update_timeline(self) -> None:
        """The shape of the current filter over time: one bar per month (or group of months)."""
        if self.library is None:
            return
        self.timeline_counts = timeline(self.library, self.result_ids)
        self.query_one(TimelineBar).show(self.timeline_counts, self.query_one(ArticleList).size.width or 60)

    # -- the sidebar ----------------------------------------------------------------------

    def update_tags(self, ids: Sequence[int]) -> None:
        library = self.library
        if library is None:
            return
        keep = excluded_tags(self.filter_text)  # stay listed (✗), to toggle back
        if len(library) < SIDEBAR_IN_WORKER:
            self._set_tag_tree(self._build_tree(library, ids, keep))
        else:
            self._tags_in_background(library, ids, keep)

    @work(thread=True, exclusive=True, group="tags")
    def _tags_in_background(self, library: Library, ids: Sequence[int], keep: list[str]) -> None:
        tree = self._build_tree(library, ids, keep)
        if not get_current_worker().is_cancelled:
            call_from_worker(self, self._set_tag_tree, tree)

    def _build_tree(self, library: Library, ids: Sequence[int], keep: list[str]) -> SidebarNode:
        specials = special_nodes(
            bookmarks=len(self.bookmarked_ids),
            highlights=self.highlight_count(),
            unread=len(library) - len(self.read_ids),
            searches=self.store.saved_searches(),
        )
        return sidebar_tree(library, ids, specials=specials, keep=keep)

    def _set_tag_tree(self, tree: SidebarNode) -> None:
        self.query_one(TagTree).set_tree(tree, self.selected_terms())

    def selected_terms(self) -> set[str]:
        """The filter's terms in their canonical spelling, ``-term`` when negated (✓ / ✗)."""
        return selected_keys(self.filter_text)

    def toggle_term(self, term: str) -> None:
        """Add a term to the filter text, or take it out if it is there (the sidebar's toggle)."""
        self.set_filter_text(toggle_term(self.filter_text, term))

    def toggle_tag(self, name: str) -> None:
        self.toggle_term(tag_term(name))

    @on(TagTree.Toggled)
    def _tag_toggled(self, event: TagTree.Toggled) -> None:
        node = event.node
        if node.kind == "search" and node.query is not None:
            self.set_filter_text("" if self.filter_text == node.query else node.query)
        elif node.term is not None:
            # toggle_term turns an excluded (✗) tag's exclusion off rather than requiring it.
            negated = f"-{node.term.casefold()}" in self.selected_terms()
            self.toggle_term(f"-{node.term}" if negated else node.term)

    @on(TagTree.DeleteRequested)
    def _delete_saved_search(self, event: TagTree.DeleteRequested) -> None:
        name = event.node.name
        if self.store.delete_search(name):
            self.notify(f"Deleted the saved search {name!r}", timeout=3, markup=False)
        self.update_tags(self.result_ids)
