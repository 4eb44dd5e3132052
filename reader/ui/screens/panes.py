"""The main screen's pane keys: focus (``tab``), layout (``z``, ``\\``), scrolling, find (``ctrl+f``).

Which panes show is :class:`reader.ui.layout.PaneLayout`'s business; this part only turns
keys and focus changes into calls on it, and keeps the find bar and the article in step.
"""

from __future__ import annotations

from textual import events, on
from textual.widgets import Input

from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.render.highlight import DEFAULT_THEME
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.modals import HelpScreen
from reader.ui.widgets.inputs import FilterInput, FindInput
from reader.ui.widgets.tag_sidebar import TagTree


class PaneActions(ScreenPart):
    """Focus, layout, scrolling and find-in-article."""

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", FilterInput))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", FilterInput).value = ""

    async def action_back(self) -> None:
        if self.query_one("#find", FindInput).display:
            self.action_close_find()
        elif self.pane_layout is not None and self.pane_layout.maximized:
            self.action_toggle_maximized()
        else:
            self.set_focus(self.query_one(ArticleList))

    def action_cycle_focus(self, direction: int) -> None:
        """tab / shift+tab: tags → list → article. A priority binding, so the screen's own
        focus chain (which would stop in the filter bar) does not take it first."""
        panes = [self.query_one(TagTree), self.query_one(ArticleList), self.query_one(ArticleView)]
        if self.focused in panes:
            self.set_focus(panes[(panes.index(self.focused) + direction) % len(panes)])
        elif self.focused is self.query_one("#find") and direction > 0:  # keep the matches, for v
            self.set_focus(panes[2])
        else:  # the filter or find bar: back to the list
            self.set_focus(panes[1])

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In the narrow layout the pane shown is the one with the focus."""
        if self.pane_layout is None:
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
            self.set_focus(self.query_one(ArticleView))
        elif self.pane_layout.mode == "narrow":
            self.set_focus(self.query_one(ArticleList))

    def action_toggle_tags(self) -> None:
        """Every tag in the article's header, or back to two rows of them."""
        self.current_article()
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
        tags = self.query_one(TagTree)
        if self.pane_layout.mode == "narrow":
            self.set_focus(self.query_one(ArticleList) if self.focused is tags else tags)
            return
        if self.pane_layout.toggle_sidebar():
            self.set_focus(tags)
        elif self.focused is tags:
            self.set_focus(self.query_one(ArticleList))

    def action_step_article(self, step: int) -> None:
        self.query_one(ArticleList).cursor += step

    def action_scroll_article(self, direction: int) -> None:
        self.current_article()  # ``j space`` in one burst scrolls the article moved to
        view = self.query_one(ArticleView)
        if direction > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def on_resize(self) -> None:
        if self.pane_layout is not None:
            self.pane_layout.apply(self.size.width, self.size.height)
        self.call_after_refresh(self.update_timeline)

    # -- find in the article ----------------------------------------------------------------

    def action_find(self) -> None:
        self.current_article()  # ``j ctrl+f``: find in the article moved to
        find = self.query_one("#find", FindInput)
        find.display = True
        self.set_focus(find)

    def action_close_find(self) -> None:
        find = self.query_one("#find", FindInput)
        find.value = ""
        find.display = False
        self.query_one(ArticleView).find("")
        self.set_focus(self.query_one(ArticleView))

    @on(FindInput.Close)
    def _find_closed(self) -> None:
        self.action_close_find()

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        self.query_one(ArticleView).find(event.value)
        self._show_find_position()

    @on(Input.Submitted, "#find")
    def _find_submitted(self) -> None:
        self._step_find(True)

    @on(FindInput.Step)
    def _find_step(self, event: FindInput.Step) -> None:
        self._step_find(event.forward)

    def _step_find(self, forward: bool) -> None:
        view = self.query_one(ArticleView)
        view.find_next() if forward else view.find_previous()
        self._show_find_position()

    def _show_find_position(self) -> None:
        view = self.query_one(ArticleView)
        self.query_one("#find", FindInput).show_position(view.find_index, view.find_count)
