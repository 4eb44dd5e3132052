"""The reader app: tag sidebar, article list and article pane, driven from the keyboard.

The app is the controller. It owns the library snapshot, the reading state and the filter
text, and pushes what each widget should show down to it (``set_ids``, ``set_tree``,
``show``); widgets report what the user did with messages. All parsing and file I/O lives
in :mod:`reader.library` and :mod:`reader.state`.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from reader.config import Config, load_config, load_settings, save_setting
from reader.library import cache
from reader.library.fulltext import FullTextIndex, open_index
from reader.library.index import SORTS, Library
from reader.library.links import describe as describe_link
from reader.library.links import refusal as link_refusal
from reader.library.model import Article
from reader.library.parse import make_inert
from reader.library.query import parse_query
from reader.library.related import related
from reader.library.tagtree import TagNode, excluded_tags, sidebar_tree, tag_term
from reader.library.timeline import sparkline, timeline
from reader.library.watch import apply as apply_changes
from reader.library.watch import watch
from reader.resources import resource_dir
from reader.state import StateStore
from reader.state.probe import FileProbe
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.commands import ArticleCommands, ReaderCommands, TagCommands
from reader.ui.highlight_actions import HIGHLIGHTED_TERM, HighlightActions
from reader.ui.layout import PaneLayout
from reader.ui.render import RenderedDoc
from reader.ui.render.highlight import DEFAULT_THEME
from reader.ui.screens import (
    BookmarkRow,
    BookmarksScreen,
    HelpScreen,
    NamePrompt,
    ProblemsScreen,
    problem_count,
    problem_lines,
    reload_failed_message,
)
from reader.ui.tag_tree import SAVED_PREFIX, TagTree

STATE_POLL_SECONDS = 2.0
"""How often the state file is checked (one stat) for another window's changes."""
READ_AFTER_SECONDS = 1.5
"""An article counts as read once it has been open this long (not when skimmed past)."""

RELATED_COUNT = 5
LARGE_BODY = 200_000
"""Bodies longer than this (characters) are rendered in a worker, after a quick preview."""
BOOKMARKED_TERM = "is:bookmarked"
UNREAD_TERM = "is:unread"

_TERM_SPLIT = re.compile(r'-?[\w.]+:"[^"]*"?|"[^"]*"?|\S+')


def split_terms(text: str) -> list[str]:
    """The filter text as whitespace-separated terms, keeping quoted values whole."""
    return _TERM_SPLIT.findall(text)


def stylesheet() -> Path:
    """The app's stylesheet, found inside the installed package (editable or not)."""
    return resource_dir("reader.styles") / "reader.tcss"


class FilterInput(Input):
    """The filter bar. ``escape`` hands focus back to the list and keeps the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", show=True),
        Binding("down", "leave", "Back to list", show=False),
    ]

    def action_leave(self) -> None:
        self.app.query_one(ArticleList).focus()


class FindInput(Input):
    """The in-article find bar (ctrl+f)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close find", show=True),
        # Many terminals send shift+enter as plain enter: up/down work everywhere.
        Binding("shift+enter,up", "previous", "Previous match", show=True),
        Binding("down", "next", "Next match", show=False),
    ]

    def action_next(self) -> None:
        self.app.query_one(ArticleView).find_next()
        self.app.call_later(self.app.update_find_status)  # type: ignore[attr-defined]

    async def action_close(self) -> None:
        await self.app.run_action("close_find")

    def action_previous(self) -> None:
        self.app.query_one(ArticleView).find_previous()
        self.app.call_later(self.app.update_find_status)  # type: ignore[attr-defined]


class ReaderApp(HighlightActions, App[int]):
    """Read a folder of Markdown articles."""

    TITLE = "reader"
    CSS_PATH = [stylesheet()]
    COMMANDS = App.COMMANDS | {ArticleCommands, TagCommands, ReaderCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "toggle_maximized", "Maximise", id="reader.maximize"),
        Binding("q", "quit", "Quit", id="reader.quit"),
        Binding("question_mark", "help", "Help", id="reader.help"),
        Binding("slash", "focus_filter", "Filter", id="reader.filter"),
        Binding("ctrl+l", "clear_filter", "Clear filter", id="reader.clear_filter"),
        Binding("tab", "cycle_focus(1)", "Next pane", show=False, priority=True, id="reader.next_pane"),
        Binding(
            "shift+tab", "cycle_focus(-1)", "Previous pane", show=False, priority=True, id="reader.previous_pane"
        ),
        Binding("escape", "back", "Back", show=False, id="reader.back"),
        Binding("n", "step_article(1)", "Next", id="reader.next_article"),
        Binding("p", "step_article(-1)", "Prev", id="reader.previous_article"),
        Binding("b", "toggle_bookmark", "Bookmark", id="reader.bookmark"),
        Binding("B", "toggle_bookmarked_only", "Bookmarked only", id="reader.bookmarked_only"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="reader.toggle_read"),
        Binding("U", "toggle_unread_only", "Unread only", show=False, id="reader.unread_only"),
        Binding("o", "open_link", "Open link", id="reader.open_link"),
        Binding("y", "copy_link", "Copy link", show=False, id="reader.copy_link"),
        Binding("s", "cycle_sort", "Sort", id="reader.sort"),
        Binding("space,pagedown", "scroll_article(1)", "Scroll", show=False, id="reader.page_down"),
        Binding("pageup", "scroll_article(-1)", "Scroll up", show=False, id="reader.page_up"),
        Binding("ctrl+f", "find", "Find", id="reader.find"),
        Binding("ctrl+b", "show_bookmarks", "Bookmarks", show=False, id="reader.bookmarks"),
        Binding("exclamation_mark", "show_problems", "Problems", show=False, id="reader.problems"),
        Binding("x", "exclude_tag", "Exclude tag", show=False, id="reader.exclude_tag"),
        Binding("v", "select_passage", "Select", show=False, id="reader.select"),
        Binding("a", "note", "Note", show=False, id="reader.note"),
        Binding("H", "show_highlights", "Highlights", show=False, id="reader.highlights"),
        Binding("backslash", "toggle_sidebar", "Sidebar", show=False, id="reader.sidebar"),
        Binding("T", "toggle_tags", "All tags", show=False, id="reader.all_tags"),
        *(
            Binding(str(n), f"related({n})", f"Related #{n}", show=False, id=f"reader.related_{n}")
            for n in range(1, RELATED_COUNT + 1)
        ),
    ]

    def __init__(
        self,
        root: Path,
        *,
        theme: str | None = None,
        config: Config | None = None,
        data_dir: Path | None = None,
        library: Library | None = None,
        read_after: float = READ_AFTER_SECONDS,
        use_cache: bool = True,
        live_reload: bool = True,
    ) -> None:
        super().__init__()
        self.read_after = read_after
        self.use_cache = use_cache
        self.live_reload = live_reload
        self.full_text: FullTextIndex | None = None
        self.background_status = ""
        self._stop_watching = threading.Event()
        self._watching = False
        self._streamed = False
        self.root = Path(root)
        self.config = config if config is not None else load_config()
        self.requested_theme = theme
        self._remember_theme = False
        self.library: Library | None = library
        self.store = StateStore(self.root, data_dir=data_dir)
        self.store.on_unsaved_change = self._state_saving_changed
        self.sort = "date"
        self.bookmarked_ids: set[int] = set()
        self.read_ids: set[int] = set()
        self.highlighted_ids: set[int] = set()
        self.noted_ids: set[int] = set()
        self._pending_passage: str | None = None
        self.result_ids: list[int] = []
        self.current: Article | None = None
        self.current_id: int | None = None
        self._read_timer: Timer | None = None
        self._shown_early: int | None = None
        self._list_shown: int | None = None
        """The list article the preview last followed (current_article() compares the cursor)."""
        self._folded_titles: list[str] | None = None
        self._folded_tags: list[str] | None = None
        self.loading_message = "Loading the library…"
        self.related_ids: list[int] = []
        self.timeline_counts: list[tuple[str, int]] = []
        self.pane_layout: PaneLayout | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice (screens' and widgets' too: they call this) is made inert and never markup.

        Notices quote titles, paths, links and config.toml values: one place guards them all.
        """
        super().notify(make_inert(message), title=make_inert(title), severity=severity, timeout=timeout, markup=False)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="panes"):
            yield TagTree(id="tags")
            with Vertical(id="middle"):
                yield FilterInput(
                    placeholder="/ filter: words, tag:NAME, -tag:NAME, author:, after:2021-09 …",
                    id="filter",
                    select_on_focus=False,
                )
                yield Static(id="status")
                yield Static(id="timeline")
                yield ArticleList(id="list")
            with Vertical(id="right"):
                yield ArticleView(id="article")
                yield Static(id="related")
                yield FindInput(placeholder="find in article", id="find")
        yield Footer()

    def on_mount(self) -> None:
        settings = load_settings()
        theme = self.requested_theme or self.config.theme or settings.get("theme")
        if isinstance(theme, str) and theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(f"Unknown theme {theme!r}; using the default.", severity="warning", markup=False)
        self._remember_theme = True
        sort = settings.get("sort")
        if isinstance(sort, str) and sort in SORTS:
            self.sort = sort
        if self.config.keys:
            try:
                self.set_keymap(self.config.keys)
            except Exception as error:  # a bad key name must not stop the app
                self.notify(f"Ignoring the [keys] section: {error}", severity="warning", markup=False)
        if self.config.error:
            self.notify(self.config.error, severity="warning", timeout=10, markup=False)
        for notice in self.store.notices:
            self.notify(notice, severity="error", timeout=15, markup=False)
        self.query_one("#find", FindInput).display = False
        self.pane_layout = PaneLayout(self.query_one("#panes"))
        self.pane_layout.apply(self.size.width)
        if self.config.reading_width is not None:
            self.query_one(ArticleView).reading_width = self.config.reading_width
        if self.config.code_theme is not None:
            self.query_one(ArticleView).code_theme = self.config.code_theme
        # Scroll positions are kept in memory between writes; save them now and then too.
        self.set_interval(30, self.store.flush)
        self._state_probe = FileProbe(self.store.path)
        self.set_interval(STATE_POLL_SECONDS, self.poll_state_file)
        self.query_one(ArticleList).focus()
        self._update_topbar()
        if self.library is not None:
            self.set_library(self.library)
        else:
            self._show_status(Text(self.loading_message, style="italic"))
            self.query_one(ArticleList).empty_message = self.loading_message
            self.load_library()

    def watch_theme(self, theme: str) -> None:
        # Only a theme chosen while running (the palette's "Change theme") is remembered; the
        # one applied at start-up from --theme or config.toml is not written back.
        if self._remember_theme:
            save_setting("theme", theme)

    # -- loading --------------------------------------------------------------------------

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
                self.call_from_thread(self._set_background, f"indexing {done:,} of {total:,} files")

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
        self.call_from_thread(self._set_background, "")
        self._sync_full_text(library)
        if self.live_reload and not self._watching and not worker.is_cancelled:
            self._watching = True
            self.call_from_thread(self.watch_library)

    def _wait_for_paint(self, timeout: float = 2.0) -> None:
        """From a worker: block until the UI has drawn what it was just given."""
        painted = threading.Event()
        self.call_from_thread(self.call_after_refresh, painted.set)
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
            self.call_from_thread(self._set_background, "indexing article text")
        full_text = self.full_text
        if full_text is None:
            return
        report = full_text.sync(library)
        self.call_from_thread(self._full_text_ready, library, report.error)

    def _full_text_ready(self, library: Library, error: str | None) -> None:
        self._set_background("")
        if error:
            self.notify(f"Full-text search is limited: {error}", severity="warning", markup=False)
        if library is self.library and parse_query(self.filter_text).needs_full_text:
            self.apply_filter(keep=self._current_path())

    @work(thread=True, exclusive=True, group="watch")
    def watch_library(self) -> None:
        """Live reload: new, changed and deleted files show up while the app runs."""
        for changes in watch(self.root, stop_event=self._stop_watching):
            current = self.library
            try:
                library = apply_changes(self.root, current, changes)
            except Exception as error:  # a failed refresh must not end live reload
                self.call_from_thread(
                    self.notify, reload_failed_message(changes, error), severity="warning", markup=False
                )
                continue
            if library is not current:
                if self.full_text is not None:
                    self.full_text.attach(library)
                    self.full_text.sync(library)
                self._publish(library)

    async def wait_until_idle(self) -> None:
        """Wait for loading, indexing and lookups (not the file watcher, which never ends).

        For tests and benchmarks, which need the library fully loaded before they look.
        """
        while busy := [w for w in self.workers if w.group != "watch" and not w.is_finished]:
            await self.workers.wait_for_complete(busy)

    def _set_background(self, text: str) -> None:
        self.background_status = text
        self._update_topbar()

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
        keep = self._current_path()
        if self._streamed and self.query_one(ArticleList).cursor == 0:
            keep = None
        self._streamed = streaming
        self.library = library
        self._folded_titles = self._folded_tags = None
        self.query_one(ArticleList).articles = library.articles
        self.bookmarked_ids, self.read_ids = marks if marks is not None else self.state_marks(library)
        self.query_one(ArticleList).set_marks(bookmarked=self.bookmarked_ids, read=self.read_ids)
        self.highlight_marks(library)
        self.apply_filter(keep=keep)
        self._update_topbar()

    def _publish(self, library: Library, *, streaming: bool = False) -> None:
        """From a worker thread: hand a new snapshot, with its marks, to the UI."""
        self.call_from_thread(self.set_library, library, self.state_marks(library), streaming=streaming)

    def _current_path(self) -> str | None:
        return self.current.path if self.current is not None else None

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
        self._refresh_state_sets()
        self.highlight_marks(self.library)
        if self.current is not None:
            self.query_one(ArticleView).set_passages(self.store.highlights_of(self.current))
        if any(term.startswith(("is:", "has:", "-is:", "-has:")) for term in self._selected_terms()):
            self.apply_filter(keep=self._current_path())
        else:
            self.update_tags(self.result_ids)

    def _refresh_state_sets(self) -> None:
        if self.library is not None:
            self.bookmarked_ids, self.read_ids = self.state_marks(self.library)
            self.query_one(ArticleList).set_marks(bookmarked=self.bookmarked_ids, read=self.read_ids)

    # -- filtering ------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", FilterInput).value

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.apply_filter(keep=self._current_path())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(ArticleList).focus()

    def apply_filter(self, keep: str | None = None) -> None:
        """Run the filter text against the library and push the results to the widgets."""
        library = self.library
        if library is None:
            return
        started = time.perf_counter()
        query = parse_query(self.filter_text)
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
        elapsed = (time.perf_counter() - started) * 1000
        sort = "relevance" if self.sort == "date" and query.has_text else self.sort
        self._show_filter_status(len(result.ids), len(library), result.errors, elapsed, sort)
        self.update_tags(result.ids)
        self.update_timeline()
        if not result.ids:
            self.show_article(None)

    def _show_filter_status(self, shown: int, total: int, errors: list[str], elapsed_ms: float, sort: str) -> None:
        text = Text()
        text.append(f"{shown:,} of {total:,} articles", style="bold")
        text.append(f" · sort: {sort}", style="dim")
        for error in errors:  # each on its own line, wrapped: never cut off
            text.append("\n⚠ ", style="bold yellow")
            text.append(make_inert(error), style="yellow")  # errors quote what was typed
        self._show_status(text)
        self.log.debug(f"filter took {elapsed_ms:.1f} ms")

    def update_timeline(self) -> None:
        """The shape of the current filter over time: one bar per month (or group of months)."""
        library = self.library
        widget = self.query_one("#timeline", Static)
        if library is None:
            return
        self.timeline_counts = timeline(library, self.result_ids)
        if not self.timeline_counts:
            widget.update(Text(" no dated articles", style="dim"))
            return
        first, last = self.timeline_counts[0][0], self.timeline_counts[-1][0]
        room = max(4, (widget.size.width or self.query_one(ArticleList).size.width or 60) - len(first) - len(last) - 4)
        text = Text(f" {first} ", style="dim")
        text.append(sparkline(self.timeline_counts, room), style="bold")
        text.append(f" {last}", style="dim")
        widget.update(text)

    def on_resize(self) -> None:
        if self.pane_layout is not None:
            self.pane_layout.apply(self.size.width)
        self.call_after_refresh(self.update_timeline)

    def _show_status(self, text: Text) -> None:
        self.query_one("#status", Static).update(text)

    def _update_topbar(self) -> None:
        text = Text()
        text.append(" reader ", style="bold reverse")
        # A folder name is untrusted text too: Textual passes ESC through to the terminal.
        text.append(f"  {make_inert(self.root.name or str(self.root))}", style="dim")
        library = self.library
        if library is not None:
            text.append(f"  ·  {len(library):,} articles", style="dim")
            if count := problem_count(library):
                text.append(f"  ·  {count} problem(s), press !", style="yellow")
            if state_problem := self.store.status_line():
                text.append(f"  ·  {make_inert(state_problem)}", style="bold red")
        if self.background_status:
            text.append(f"  ·  {self.background_status}…", style="italic")
        self.query_one("#topbar", Static).update(text)

    def _state_saving_changed(self) -> None:
        """The store could not write (or can again): say so once, and keep it in the top bar."""
        if not self.query("#topbar"):
            return
        self._update_topbar()
        reason = self.store.unsaved
        if reason is None:
            self.notify("Saved: the changes kept in memory are on disk now.", timeout=4, markup=False)
            return
        self.notify(
            make_inert(
                f"Could not save to {self.store.path}: {reason}. Your changes are kept in memory and "
                "saved at the next change."
            ),
            severity="error",
            timeout=10,
            markup=False,
        )

    def update_tags(self, ids: list[int]) -> None:
        library = self.library
        if library is None:
            return
        keep = excluded_tags(split_terms(self.filter_text))  # stay listed (✗), to toggle back
        if len(library) < 20_000:
            self._set_tag_tree(self._build_tree(library, ids, keep))
        else:
            self._tags_in_background(library, ids, keep)

    @work(thread=True, exclusive=True, group="tags")
    def _tags_in_background(self, library: Library, ids: list[int], keep: list[str]) -> None:
        tree = self._build_tree(library, ids, keep)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._set_tag_tree, tree)

    def _build_tree(self, library: Library, ids: list[int], keep: list[str]) -> TagNode:
        unread = len(library) - len(self.read_ids)
        specials = [
            TagNode(f"★ Bookmarks ({len(self.bookmarked_ids)})", "special/bookmarks", term=BOOKMARKED_TERM),
            TagNode(f"✎ Highlights ({self.highlight_count()})", "special/highlights", term=HIGHLIGHTED_TERM),
            TagNode(f"• Unread ({unread})", "special/unread", term=UNREAD_TERM),
        ]
        searches = self.store.saved_searches()
        if searches:
            group = TagNode("Saved searches", "special/saved")
            for name, query in sorted(searches.items()):
                group.children.append(TagNode(f"⌕ {name}", f"{SAVED_PREFIX}{name}", term=f"saved:{query}"))
            specials.append(group)
        return sidebar_tree(library, ids, specials=specials, keep=keep)

    def _set_tag_tree(self, tree: TagNode) -> None:
        self.query_one(TagTree).set_tree(tree, self._selected_terms())

    def _selected_terms(self) -> set[str]:
        return {term.casefold() for term in split_terms(self.filter_text)}

    def toggle_term(self, term: str) -> None:
        """Add a term to the filter text, or take it out if it is there (the sidebar's toggle)."""
        terms = split_terms(self.filter_text)
        folded = term.casefold()
        opposite = folded[1:] if folded.startswith("-") else f"-{folded}"
        kept = [t for t in terms if t.casefold() not in {folded, opposite}]
        if len(kept) == len(terms) or any(t.casefold() == opposite for t in terms):
            kept.append(term)
        filter_input = self.query_one("#filter", FilterInput)
        filter_input.value = " ".join(kept)
        filter_input.cursor_position = len(filter_input.value)

    def toggle_tag(self, name: str) -> None:
        self.toggle_term(tag_term(name))

    @on(TagTree.Toggled)
    def _tag_toggled(self, event: TagTree.Toggled) -> None:
        if event.term.startswith("saved:"):
            filter_input = self.query_one("#filter", FilterInput)
            query = event.term.removeprefix("saved:")
            filter_input.value = "" if filter_input.value == query else query
            return
        if f"-{event.term.casefold()}" in self._selected_terms():
            self.toggle_term(f"-{event.term}")  # enter on an excluded (✗) tag takes the exclusion back
            return
        self.toggle_term(event.term)

    @on(TagTree.DeleteRequested)
    def _delete_saved_search(self, event: TagTree.DeleteRequested) -> None:
        name = event.node.node_id.removeprefix(SAVED_PREFIX)
        if self.store.delete_search(name):
            self.notify(f"Deleted the saved search {name!r}", timeout=3, markup=False)
        self.update_tags(self.result_ids)

    # -- the current article ----------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        if self._shown_early is not None and event.article_id == self._shown_early:
            self._shown_early = None  # current_article() already showed it
            return
        self._shown_early = None
        self._list_shown = event.article_id
        self.show_article(event.article_id, chosen=event.chosen)

    def current_article(self) -> tuple[Article, int] | None:
        """The article every "current article" action works on: the one under the list cursor now.

        The preview follows the cursor through a message, which arrives after any key already
        queued behind the move (``j b`` in one burst), so the preview may still show the article
        the cursor just left. An article shown from outside the filter (a related article, a
        bookmark) stays current until the cursor moves.
        """
        listed = self.query_one(ArticleList).current_id
        if listed is not None and listed != self._list_shown:
            self._list_shown = self._shown_early = listed
            self.show_article(listed, chosen=self.query_one(ArticleList).moved_by_user)
        if self.current is None or self.current_id is None:
            return None
        return self.current, self.current_id


    @on(ArticleList.Selected)
    def _article_selected(self, event: ArticleList.Selected) -> None:
        if self.current_article() is not None and self.current_id == event.article_id:
            self._start_read_timer()  # opened: the user chose it, even if the list put it there
        self.query_one(ArticleView).focus()

    def _start_read_timer(self) -> None:
        if self._read_timer is None and self.current_id is not None and self.current_id not in self.read_ids:
            self._read_timer = self.set_timer(self.read_after, self._mark_current_read)

    def show_article(self, article_id: int | None, *, chosen: bool = True) -> None:
        """Read the article from disk and put it in the article pane.

        ``chosen``: the user moved to this article (or opened it). Only then does it count as
        read once shown for ``read_after`` seconds; the first article shown at launch or after
        a filter change was the list's choice, and the reader may not have looked at it.
        """
        view = self.query_one(ArticleView)
        # The same article shown again (a filter change that kept it) keeps its read timer.
        if self._read_timer is not None and article_id != self.current_id:
            self._read_timer.stop()
            self._read_timer = None
        library = self.library
        if article_id is None or library is None:
            self.current, self.current_id = None, None
            if library is not None and not len(library):
                view.set_message("This library is empty. Add Markdown files to the folder and press ctrl+p → Reload.")
            elif library is not None:
                view.set_message("No articles match the filter.")
            else:
                view.set_message(self.loading_message)
            self.related_ids = []
            self.query_one("#related", Static).display = False
            return
        stub = library.articles[article_id]
        article, problems = library.read(stub)
        self.current, self.current_id = article, article_id
        highlight = " ".join(parse_query(self.filter_text).words) or None
        scroll_y = self.store.scroll_of(article)
        view.set_passages(self.store.highlights_of(article), redraw=False)
        if len(article.body) > LARGE_BODY and view.wrap_width > 0:
            # Show the opening at once; render the whole (up to 4 MB) in a worker thread.
            opening = article.body[: LARGE_BODY // 2].rsplit("\n", 1)[0]
            preview = replace(article, body=f"{opening}\n\n*… rendering the rest of this long article …*")
            view.show(preview, highlight=highlight)
            self._render_long(article, article_id, view.wrap_width, scroll_y, highlight)
        else:
            view.show(article, scroll_y=scroll_y, highlight=highlight)
            if self._pending_passage is not None:
                self.scroll_to_pending_passage()
        for problem in problems:
            if problem.skipped:
                self.notify(make_inert(str(problem)), severity="warning", markup=False)
        if chosen:
            self._start_read_timer()
        # Cheap enough to do in line (about 1 ms at 4,000 articles, 6 ms at 100,000); a
        # worker thread per switch cost more than the lookup itself.
        self._show_related(library, article_id, related(library, article_id, RELATED_COUNT))

    def _show_related(self, library: Library, article_id: int, ids: list[int]) -> None:
        if library is not self.library or article_id != self.current_id:
            return
        self.related_ids = ids
        widget = self.query_one("#related", Static)
        widget.display = bool(ids)
        if not ids:
            return
        text = Text()  # one row per article (text-wrap: nowrap in the stylesheet): all five fit
        text.append("Related", style="bold")
        text.append("  press 1–5 to open\n", style="dim")
        for n, other in enumerate(ids, 1):
            article = library.articles[other]
            text.append(f" {n} ", style="bold reverse")
            text.append(f" {article.title}", style="")
            when = article.date.strftime("%d %b %Y") if article.date else ""
            details = " · ".join(part for part in (article.source, when) if part)
            if details:
                text.append(f"  {details}", style="dim")
            text.append("\n")
        text.rstrip()
        widget.update(text)

    def action_related(self, n: int) -> None:
        self.current_article()
        if 0 < n <= len(self.related_ids):
            self.jump_to_article(self.related_ids[n - 1])

    @work(thread=True, exclusive=True, group="render")
    def _render_long(
        self, article: Article, article_id: int, width: int, scroll_y: int, highlight: str | None
    ) -> None:
        body = self.query_one(ArticleView).render_body(article.body, width)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_long, article, article_id, body, scroll_y, highlight)

    def _show_long(
        self, article: Article, article_id: int, body: RenderedDoc, scroll_y: int, highlight: str | None
    ) -> None:
        if self.current_id == article_id and self.current is article:
            self.query_one(ArticleView).show(article, scroll_y=scroll_y, highlight=highlight, rendered_body=body)

    def _mark_current_read(self) -> None:
        # The read timer can fire while the app is shutting down, after the panes are gone.
        if not self.query(ArticleList):
            return
        if self.current is not None and self.current_id is not None:
            self._set_current_read(True)

    def _set_current_read(self, read: bool) -> None:
        """Store the current article's read state and show it: list mark, sidebar count."""
        assert self.current is not None and self.current_id is not None
        self.store.set_read(self.current, read)
        (self.read_ids.add if read else self.read_ids.discard)(self.current_id)
        self.query_one(ArticleList).refresh()
        # Only the "Unread (n)" count: re-filtering an is:unread list here would pull the
        # article from under the reader (and then the next one, and the next).
        self.update_tags(self.result_ids)

    @on(ArticleView.Scrolled)
    def _article_scrolled(self, event: ArticleView.Scrolled) -> None:
        if self.current is not None and event.article_path == self.current.path:
            self.store.set_scroll(self.current, event.scroll_y)

    @on(ArticleView.LinkClicked)
    def _link_clicked(self, event: ArticleView.LinkClicked) -> None:
        self.open_external(event.href)

    def jump_to_article(self, article_id: int) -> None:
        """Show an article: move the list cursor to it, or, when the filter hides it, show it
        in the article pane without throwing the user's filter away."""
        article_list = self.query_one(ArticleList)
        if not article_list.select_id(article_id):
            self.show_article(article_id)
            self.notify("This article is outside the current filter.", timeout=3, markup=False)

    # -- actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_focus_filter(self) -> None:
        self.query_one("#filter", FilterInput).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", FilterInput).value = ""

    async def action_back(self) -> None:
        if self.query_one("#find", FindInput).display:
            self.action_close_find()
        elif self.pane_layout is not None and self.pane_layout.maximized:
            self.action_toggle_maximized()
        else:
            self.query_one(ArticleList).focus()

    def action_cycle_focus(self, direction: int) -> None:
        """tab / shift+tab: tags → list → article. A priority binding, so the screen's own
        focus chain (which would stop in the filter bar) does not take it first."""
        if len(self.screen_stack) > 1:  # help, bookmarks, the palette: their own focus order
            (self.screen.focus_next if direction > 0 else self.screen.focus_previous)()
            return
        panes = [self.query_one(TagTree), self.query_one(ArticleList), self.query_one(ArticleView)]
        if self.focused in panes:
            panes[(panes.index(self.focused) + direction) % len(panes)].focus()
        elif self.focused is self.query_one("#find") and direction > 0:  # keep the matches, for v
            panes[2].focus()
        else:  # the filter or find bar: back to the list
            panes[1].focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In the narrow layout the pane shown is the one with the focus."""
        if self.pane_layout is None or event.widget.screen is not self.screen:
            return
        right = self.query_one("#right")
        if isinstance(event.widget, TagTree):
            pane = "tags"
        else:
            pane = "article" if right in event.widget.ancestors_with_self else "list"
        self.pane_layout.focus_moved(pane)

    def action_toggle_maximized(self) -> None:
        """The article alone on screen (any width), or the panes back."""
        if self.pane_layout is None:
            return
        if self.pane_layout.toggle_maximized():
            self.query_one(ArticleView).focus()
        elif self.pane_layout.mode == "narrow":
            self.query_one(ArticleList).focus()

    def action_toggle_tags(self) -> None:
        """Every tag in the article's header, or back to two rows of them."""
        self.query_one(ArticleView).action_toggle_tags()

    def action_toggle_code_highlighting(self) -> None:
        """Syntax colours in fenced code on or off (config.toml's code_theme sets the start)."""
        view = self.query_one(ArticleView)
        view.code_theme = None if view.code_theme else (self.config.code_theme or DEFAULT_THEME)
        state = "on" if view.code_theme else "off"
        self.notify(f"Code highlighting {state}", timeout=2, markup=False)

    def action_toggle_sidebar(self) -> None:
        """Fold or unfold the tag sidebar (in the narrow layout: show it instead of the list)."""
        if self.pane_layout is None:
            return
        if self.pane_layout.mode == "narrow":
            if self.focused is self.query_one(TagTree):
                self.query_one(ArticleList).focus()
            else:
                self.query_one(TagTree).focus()
            return
        if self.pane_layout.toggle_sidebar():
            self.query_one(TagTree).focus()
        elif self.focused is self.query_one(TagTree):
            self.query_one(ArticleList).focus()

    def action_step_article(self, step: int) -> None:
        article_list = self.query_one(ArticleList)
        article_list.cursor += step

    def action_scroll_article(self, direction: int) -> None:
        view = self.query_one(ArticleView)
        if direction > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        save_setting("sort", self.sort)
        self.apply_filter(keep=self._current_path())
        self.notify(f"Sorted by {self.sort}", timeout=2, markup=False)

    def action_toggle_bookmark(self) -> None:
        if self.current_article() is None or self.current is None or self.current_id is None:
            self.notify("No article to bookmark.", severity="warning", markup=False)
            return
        now = self.store.toggle_bookmark(self.current)
        if now:
            self.bookmarked_ids.add(self.current_id)
        else:
            self.bookmarked_ids.discard(self.current_id)
        self.query_one(ArticleList).refresh()
        self.notify(("Bookmarked: " if now else "Bookmark removed: ") + self.current.title, timeout=3, markup=False)
        if BOOKMARKED_TERM in self._selected_terms():
            self.apply_filter(keep=self._current_path())
        else:
            self.update_tags(self.result_ids)

    def action_toggle_bookmarked_only(self) -> None:
        self.toggle_term(BOOKMARKED_TERM)

    def action_toggle_unread_only(self) -> None:
        self.toggle_term(UNREAD_TERM)

    def action_toggle_read(self) -> None:
        if self.current_article() is None or self.current is None or self.current_id is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        now_read = self.current_id not in self.read_ids
        self._set_current_read(now_read)
        self.notify("Marked read" if now_read else "Marked unread", timeout=2, markup=False)

    def action_exclude_tag(self) -> None:
        tags = self.query_one(TagTree)
        node = tags.current_node
        if self.focused is tags and node is not None and node.term and node.term.startswith("tag:"):
            self.toggle_term(f"-{node.term}")

    def action_open_link(self) -> None:
        if self.current_article() is None or self.current is None:
            return
        if not self.current.link:
            self.notify("This article has no link.", severity="warning", markup=False)
            return
        self.open_external(self.current.link)

    def open_external(self, url: str) -> None:
        """Open a link in the browser when the link policy (reader.library.links) allows it."""
        url = url.strip()
        why = link_refusal(url)
        if why is not None:
            self.notify(f"Not opening {describe_link(url)}: {why}.", severity="warning", markup=False)
            return
        self.open_url(url)
        self.notify(f"Opening {describe_link(url)}", timeout=3, markup=False)

    def action_copy_link(self) -> None:
        if self.current_article() is None or self.current is None or not self.current.link:
            self.notify("This article has no link to copy.", severity="warning", markup=False)
            return
        url = self.current.link
        why = link_refusal(url)
        if why is not None:  # a link cached before the policy: never handed on
            self.notify(f"Not copying {describe_link(url)}: {why}.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(url)
        self.notify(f"Copied {describe_link(url)}", timeout=3, markup=False)

    def action_find(self) -> None:
        find = self.query_one("#find", FindInput)
        find.display = True
        find.focus()

    def action_close_find(self) -> None:
        find = self.query_one("#find", FindInput)
        find.value = ""
        find.display = False
        self.query_one(ArticleView).find("")
        self.query_one(ArticleView).focus()

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        self.query_one(ArticleView).find(event.value)
        self.update_find_status()

    @on(Input.Submitted, "#find")
    def _find_next(self) -> None:
        self.query_one(ArticleView).find_next()
        self.update_find_status()

    def update_find_status(self) -> None:
        view = self.query_one(ArticleView)
        find = self.query_one("#find", FindInput)
        if not find.value:
            find.border_subtitle = ""
        elif view.find_count:
            find.border_subtitle = f"{view.find_index + 1}/{view.find_count}"
        else:
            find.border_subtitle = "no matches"

    def action_show_problems(self) -> None:
        library = self.library
        self.push_screen(ProblemsScreen(problem_lines(library), self.store.notices))

    def action_show_bookmarks(self) -> None:
        library = self.library
        articles = library.articles if library else []
        rows = []
        for bookmark, article in self.store.resolve(articles):
            article_id = library.by_path.get(article.path) if (library and article) else None
            rows.append(
                BookmarkRow(
                    bookmark.id,
                    article.title if article else bookmark.title,
                    article.path if article else bookmark.path,
                    bookmark.added,
                    article_id,
                )
            )

        def opened(article_id: int | None) -> None:
            if article_id is not None:
                self.jump_to_article(article_id)

        self.push_screen(BookmarksScreen(rows), opened)

    @on(BookmarksScreen.Remove)
    def _remove_bookmark(self, event: BookmarksScreen.Remove) -> None:
        for bookmark in self.store.bookmarks():
            if bookmark.id == event.bookmark_id:
                self.store.remove_bookmark(bookmark)
                break
        self._refresh_state_sets()
        self.apply_filter(keep=self._current_path())

    def action_save_search(self) -> None:
        query = self.filter_text.strip()
        if not query:
            self.notify("Type a filter first, then save it.", severity="warning", markup=False)
            return
        def named(name: str | None) -> None:
            if name:
                self.store.save_search(name, query)
                self.update_tags(self.result_ids)
                self.notify(f"Saved search {name!r}", timeout=3, markup=False)

        self.push_screen(NamePrompt("Name this search", query), named)

    def action_reload(self) -> None:
        self.load_library()

    async def action_quit(self) -> None:
        self._stop_watching.set()
        self.store.flush()
        self.exit(0)

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self.store.flush()
        if self.full_text is not None:
            self.full_text.close()

    # -- helpers for the palette ---------------------------------------------------------------

    def folded_titles(self) -> list[str]:
        if self._folded_titles is None and self.library is not None:
            self._folded_titles = [a.title.casefold() for a in self.library.articles]
        return self._folded_titles or []

    def folded_tags(self) -> list[str]:
        if self._folded_tags is None and self.library is not None:
            self._folded_tags = [name.casefold() for name in self.library.tag_names]
        return self._folded_tags or []
