"""What the parts of the main screen share: its state and the methods they call on each other.

:class:`~reader.ui.screens.main.MainScreen` is assembled from parts, one per topic (loading,
filter and sidebar, the current article, actions, highlights). Each part is a ``Screen``
subclass so Textual collects its ``@on`` handlers and bindings; for the type checker they all
derive from :class:`MainContract`, which declares the state and the cross-part methods once,
so a part calling another is checked against one signature. At run time the parts derive from
``Screen`` directly (:data:`ScreenPart`): the stubs here are never in the method order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from pathlib import Path

    from textual.timer import Timer

    from reader.config import Config
    from reader.library.engine import Engine, Marks
    from reader.library.model import Article
    from reader.library.snapshot import Library
    from reader.state import StateStore
    from reader.ui.layout import PaneLayout
    from reader.ui.screens.navigation import History

    class MainContract(Screen[None]):
        """The main screen's shared state (set in ``MainScreen.__init__``) and cross-part calls."""

        root: Path
        config: Config
        store: StateStore
        library: Library | None
        engine: Engine
        sort: str
        read_after: float
        loading_message: str
        bookmarked_ids: set[int]
        read_ids: set[int]
        highlighted_ids: set[int]
        noted_ids: set[int]
        result_ids: Sequence[int]
        current: Article | None
        current_id: int | None
        related_ids: list[int]
        timeline_counts: list[tuple[str, int]]
        pane_layout: PaneLayout | None
        _pending_passage: str | None
        _read_timer: Timer | None
        _history: History

        # loading.py
        def set_library(self, library: Library, marks: Marks | None = None, *, streaming: bool = False) -> None: ...
        def update_topbar(self) -> None: ...
        def refresh_state_sets(self) -> None: ...
        def highlight_count(self) -> int: ...

        # filtering.py
        @property
        def filter_text(self) -> str: ...
        def set_filter_text(self, text: str) -> None: ...
        @property
        def filter_settling(self) -> bool: ...
        def apply_filter(self, keep: str | None = None, *, typing: bool = False) -> None: ...
        def settle_filter(self) -> None: ...
        def update_tags(self, ids: Sequence[int]) -> None: ...
        def update_timeline(self) -> None: ...
        def selected_terms(self) -> set[str]: ...
        def toggle_term(self, term: str) -> None: ...

        # article_actions.py
        def open_external(self, url: str) -> None: ...

        # reading.py
        def current_path(self) -> str | None: ...
        def current_article(self) -> tuple[Article, int] | None: ...
        def show_article(self, article_id: int | None, *, chosen: bool = True) -> None: ...
        def follow_list(self) -> None: ...
        def jump_to_article(self, article_id: int, *, record: bool = True) -> None: ...
        def scroll_to_pending_passage(self) -> None: ...
        def set_current_read(self, read: bool) -> None: ...

    ScreenPart = MainContract
else:
    ScreenPart = Screen
