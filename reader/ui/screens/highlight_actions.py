"""The app's side of highlights and notes: `v` / `enter` / `a` / `H`, storage and the marks.

A part of :class:`reader.ui.screens.main.MainScreen`, kept apart so the controller does not grow by a
whole feature: the article pane draws and selects (:mod:`reader.ui.article_view`), the store
keeps (:meth:`reader.state.StateStore.add_highlight` …), and this module wires the two and
keeps the ``is:highlighted`` / ``has:note`` marks and the sidebar count in step.
"""

from __future__ import annotations

from textual import on

from reader.library.sidebar import HIGHLIGHTED_TERM
from reader.state import StateError
from reader.state.highlights import Highlight
from reader.ui.article_view import ArticleView
from reader.ui.passages import body_blocks, passage_span
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.highlights import HighlightEntry, HighlightsScreen, NotePrompt

SELECT_TRIES = 3
"""Frames ``v`` waits for an article pane it has just opened to have lines to select."""


class HighlightActions(ScreenPart):
    """Highlight and note actions, on the screen's ``store``, ``library`` and ``current``."""

    # -- marks ----------------------------------------------------------------------------

    def highlight_count(self) -> int:
        """The sidebar's "Highlights (n)": saved passages, present or not."""
        return sum(1 for h in self.store.highlights() if not h.is_article_note)

    def _highlights_changed(self) -> None:
        """After a change: redraw the article's passages, the marks, the sidebar, the filter."""
        view = self.query_one(ArticleView)
        if self.current is not None and view.article is self.current:
            view.set_passages(self.store.highlights_of(self.current))
        self.refresh_state_sets()
        if {HIGHLIGHTED_TERM, "has:note"} & self.selected_terms():
            self.apply_filter(keep=self.current.path if self.current else None)
        else:
            self.update_tags(self.result_ids)

    def _save(self, what: str, change: object) -> bool:
        if isinstance(change, StateError):
            self.notify(f"Could not save the {what}: {change}", severity="error", markup=False)
            return False
        return True

    # -- selecting and saving ---------------------------------------------------------------

    def action_select_passage(self) -> None:
        """``v``: select the sentence of the current find match, else the first block in view."""
        self.current_article()  # the article under the list cursor, even in a burst (``j v``)
        if self.pane_layout is not None and not self.pane_layout.article_shown:
            # A narrow terminal shows the list alone: open the article, and select in it once
            # it is laid out (it has no lines while hidden).
            self.set_focus(self.query_one(ArticleView))
            self.call_after_refresh(self._select_passage, SELECT_TRIES)
            return
        self._select_passage(0)

    def _select_passage(self, tries: int) -> None:
        view = self.query_one(ArticleView)
        find = self.query_one("#find")
        selected = (find.display and view.select_match_sentence()) or view.select_first_block()
        if not selected:
            if tries > 0:  # the article pane just appeared: its lines may come a frame later
                self.call_after_refresh(self._select_passage, tries - 1)
                return
            self.notify("Nothing to select here.", severity="warning", timeout=2, markup=False)
            return
        self.set_focus(view)
        self.notify("j/k: extend · enter: highlight · a: note · escape: cancel", timeout=3, markup=False)

    @on(ArticleView.PassageChosen)
    def _passage_chosen(self, event: ArticleView.PassageChosen) -> None:
        try:
            self.store.add_highlight(event.article, event.prefix, event.exact, event.suffix)
        except StateError as error:
            self._save("highlight", error)
            return
        self._highlights_changed()
        self.notify("Highlighted. H lists every highlight.", timeout=3, markup=False)

    def action_note(self) -> None:
        """``a``: the note of the highlight under the selection, else of the article."""
        self.current_article()  # the article under the list cursor, even in a burst (``j a``)
        article = self.current
        view = self.query_one(ArticleView)
        if article is None:
            self.notify("No article to add a note to.", severity="warning", markup=False)
            return
        target = view.highlight_at_selection()
        quoted = view.selected_quote() if target is None else None
        if target is not None:
            title, note, detail = "Note on this highlight", target.note, target.exact
        elif quoted is not None:
            title, note, detail = "Highlight this passage with a note", "", quoted[1]
        else:
            existing = self.store.article_note(article)
            title, note, detail = "Note on the article", existing.note if existing else "", article.title

        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                if target is not None:
                    self.store.set_note(target.id, text)
                elif quoted is not None:
                    if not text:
                        return
                    self.store.add_highlight(article, *quoted, note=text)
                else:
                    self.store.set_article_note(article, text)
            except StateError as error:
                self._save("note", error)
                return
            view.cancel_selection()
            self._highlights_changed()
            self.notify("Note saved." if text else "Note removed.", timeout=2, markup=False)

        self.app.push_screen(NotePrompt(title, note, detail), done)

    # -- H ---------------------------------------------------------------------------------

    def highlight_entries(self) -> list[HighlightEntry]:
        library = self.library
        articles = library.articles if library is not None else []
        blocks_of: dict[str, list[str]] = {}
        entries: list[HighlightEntry] = []
        for highlight, article in self.store.resolve_highlights(articles):
            article_id = library.by_path.get(article.path) if (library is not None and article) else None
            found = True
            if article is not None and library is not None and not highlight.is_article_note:
                blocks = blocks_of.get(article.path)
                if blocks is None:
                    full, _problems = library.read(article)
                    blocks = blocks_of[article.path] = body_blocks(full.body)
                found = passage_span(blocks, highlight) is not None
            title = (article.title if article else "") or highlight.title
            path = article.path if article else highlight.path
            entries.append(HighlightEntry(highlight, title, path, article_id, found))
        return entries

    def action_show_highlights(self) -> None:
        def remove(highlight_id: str) -> Highlight | None:
            try:
                return self.store.remove_highlight(highlight_id)
            except StateError as error:
                self._save("deletion", error)
                return None
            finally:
                self._highlights_changed()

        def restore(highlight: Highlight) -> None:
            try:
                self.store.restore_highlight(highlight)
            except StateError as error:
                self._save("restored highlight", error)
            self._highlights_changed()

        def opened(entry: HighlightEntry | None) -> None:
            if entry is None or entry.article_id is None:
                return
            self._pending_passage = entry.highlight.id
            if self.current_id == entry.article_id:
                self.scroll_to_pending_passage()
            else:
                self.jump_to_article(entry.article_id)
            self.set_focus(self.query_one(ArticleView))

        self.app.push_screen(HighlightsScreen(self.highlight_entries(), remove, restore), opened)

    def scroll_to_pending_passage(self) -> None:
        """After a jump from ``H``: bring the chosen passage into view (once)."""
        highlight_id, self._pending_passage = self._pending_passage, None
        if highlight_id is not None and not self.query_one(ArticleView).scroll_to_passage(highlight_id):
            self.notify("That passage is no longer in the article.", severity="warning", markup=False)
