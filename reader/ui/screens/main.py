"""The main screen: tag sidebar, article list and article pane, and the controller behind them.

The screen owns the library snapshot, the reading state and the filter text, and pushes what
each widget should show down to it (``set_ids``, ``set_tree``, ``show``); widgets report what
the user did with messages. It is put together from one part per topic, each in its own
module (see :mod:`reader.ui.screens.contract`): loading, filter and sidebar, the current
article, pane keys, article keys, highlights. All parsing and file I/O lives in
:mod:`reader.library` and :mod:`reader.state`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, TypedDict

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer

from reader.config import Config, load_settings
from reader.library.engine import Engine
from reader.library.model import Article
from reader.library.orders import SORTS
from reader.library.snapshot import Library
from reader.state import StateStore
from reader.state.probe import FileProbe
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.commands import ArticleCommands, ReaderCommands, TagCommands
from reader.ui.layout import PaneLayout
from reader.ui.screens.article_actions import ArticleActions
from reader.ui.screens.filtering import Filtering
from reader.ui.screens.highlight_actions import HighlightActions
from reader.ui.screens.loading import STATE_POLL_SECONDS, LibraryLoading
from reader.ui.screens.navigation import History, Navigation
from reader.ui.screens.panes import PaneActions
from reader.ui.screens.reading import LISTED_COUNT, CurrentArticle
from reader.ui.widgets.filter_status import FilterStatus
from reader.ui.widgets.footer import SteadyFooter
from reader.ui.widgets.inputs import FilterInput, FindInput
from reader.ui.widgets.related import RelatedPanel
from reader.ui.widgets.tag_sidebar import TagTree
from reader.ui.widgets.timeline import TimelineBar
from reader.ui.widgets.topbar import TopBar

READ_AFTER_SECONDS = 1.5
"""An article counts as read once it has been open this long (not when skimmed past)."""


class MainOptions(TypedDict, total=False):
    """How the main screen loads and counts (tests and benchmarks set these; the CLI a few)."""

    data_dir: Path | None
    """Where the reading state lives (default: under ``$XDG_DATA_HOME``)."""
    library: Library | None
    """An already loaded library to show instead of loading the folder."""
    read_after: float
    use_cache: bool
    live_reload: bool


class MainScreen(
    LibraryLoading, Filtering, CurrentArticle, PaneActions, ArticleActions, Navigation, HighlightActions, Screen[None]
):
    """The three panes of one library."""

    AUTO_FOCUS = "#list"
    COMMANDS = Screen.COMMANDS | {ArticleCommands, TagCommands, ReaderCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "toggle_maximized", "Maximise", id="reader.maximize"),
        Binding("q", "app.quit", "Quit", id="reader.quit"),
        Binding("question_mark", "help", "Help", id="reader.help"),
        Binding("slash", "focus_filter", "Filter", id="reader.filter"),
        Binding("ctrl+l", "clear_filter", "Clear filter", id="reader.clear_filter"),
        Binding("tab", "cycle_focus(1)", "Next pane", show=False, priority=True, id="reader.next_pane"),
        Binding("shift+tab", "cycle_focus(-1)", "Previous pane", show=False, priority=True, id="reader.previous_pane"),
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
        Binding("e", "edit", "Edit", show=False, id="reader.edit"),
        Binding("backspace,alt+left", "history(-1)", "Back", show=False, id="reader.history_back"),
        Binding("alt+right", "history(1)", "Forward", show=False, id="reader.history_forward"),
        *(
            Binding(str(n), f"related({n})", f"Related #{n}", show=False, id=f"reader.related_{n}")
            for n in range(1, LISTED_COUNT + 1)
        ),
    ]

    def __init__(
        self,
        root: Path,
        *,
        config: Config,
        data_dir: Path | None = None,
        library: Library | None = None,
        read_after: float = READ_AFTER_SECONDS,
        use_cache: bool = True,
        live_reload: bool = True,
    ) -> None:
        super().__init__()
        self.root = Path(root)
        self.config = config
        self.read_after = read_after
        self.live_reload = live_reload
        self.engine = Engine(self.root, use_cache=use_cache)
        """The loading pipeline (shared with the CLI): cache, refresh, full text, watch, marks."""
        self.background_status = ""
        self._stop_watching = threading.Event()
        self._watching = False
        self._streamed = False
        self.library: Library | None = library
        self.store = StateStore(self.root, data_dir=data_dir)
        self.store.on_unsaved_change = self.state_saving_changed
        self.sort = "date"
        self.bookmarked_ids: set[int] = set()
        self.read_ids: set[int] = set()
        self.highlighted_ids: set[int] = set()
        self.noted_ids: set[int] = set()
        self._pending_passage: str | None = None
        self.result_ids: Sequence[int] = []
        self.current: Article | None = None
        self.current_id: int | None = None
        self._read_timer: Timer | None = None
        self._shown_early: int | None = None
        self._list_shown: int | None = None
        self._folded_titles: list[str] | None = None
        self._folded_tags: list[str] | None = None
        self.loading_message = "Loading the library…"
        self.related_ids: list[int] = []
        self.timeline_counts: list[tuple[str, int]] = []
        self.pane_layout: PaneLayout | None = None
        self._history = History()

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="panes"):
            yield TagTree(id="tags")
            with Vertical(id="middle"):
                yield FilterInput(
                    placeholder="/ filter: words, tag:NAME, -tag:NAME, author:, after:2021-09 …",
                    id="filter",
                    select_on_focus=False,
                )
                yield FilterStatus(id="status")
                yield TimelineBar(id="timeline")
                yield ArticleList(id="list")
            with Vertical(id="right"):
                yield ArticleView(id="article")
                yield RelatedPanel(id="related")
                yield FindInput(placeholder="find in article", id="find")
        yield SteadyFooter()

    def on_mount(self) -> None:
        sort = load_settings().get("sort")
        if isinstance(sort, str) and sort in SORTS:
            self.sort = sort
        for notice in self.store.notices:
            self.notify(notice, severity="error", timeout=15, markup=False)
        self.query_one("#find", FindInput).display = False
        self.query_one("#filter", FilterInput).leave_to = self.query_one(ArticleList)
        self.query_one("#find", FindInput).leave_to = self.query_one(ArticleView)
        self.pane_layout = PaneLayout(self.query_one("#panes"))
        self.pane_layout.apply(self.size.width, self.size.height)
        view = self.query_one(ArticleView)
        if self.config.reading_width is not None:
            view.reading_width = self.config.reading_width
        if self.config.code_theme is not None:
            view.code_theme = self.config.code_theme
        # Scroll positions are kept in memory between writes; save them now and then too.
        self.set_interval(30, self.store.flush)
        self._state_probe = FileProbe(self.store.path)
        self.set_interval(STATE_POLL_SECONDS, self.poll_state_file)
        self.set_focus(self.query_one(ArticleList))
        self.update_topbar()
        if self.library is not None:
            self.set_library(self.library)
        else:
            self.query_one(FilterStatus).show_message(self.loading_message)
            self.query_one(ArticleList).empty_message = self.loading_message
            self.load_library()

    def on_unmount(self) -> None:
        self.stop_loading()
        self.engine.close()

    def action_reload(self) -> None:
        self.load_library()

    # -- for the palette (reader.ui.commands) ------------------------------------------------

    def folded_titles(self) -> list[str]:
        if self._folded_titles is None and self.library is not None:
            self._folded_titles = [title.casefold() for title in self.library.articles.column("title")]
        return self._folded_titles or []

    def folded_tags(self) -> list[str]:
        if self._folded_tags is None and self.library is not None:
            self._folded_tags = [name.casefold() for name in self.library.tag_names]
        return self._folded_tags or []
