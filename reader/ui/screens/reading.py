"""The main screen's current article: what the article pane shows, the read timer, related.

The list cursor decides the current article; the pane follows it through
``ArticleList.Highlighted``. An article can also be shown from outside the filter (a related
article, a bookmark, a followed link): it stays current until the cursor moves.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.worker import get_current_worker

from reader.library.inert import make_inert
from reader.library.model import Article
from reader.library.query import parse_query
from reader.library.related import related
from reader.library.snapshot import Library
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.render import RenderedDoc
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.from_worker import call_from_worker
from reader.ui.widgets.related import RelatedPanel

RELATED_COUNT = 5
LISTED_COUNT = 9
"""Articles listed under the article for the keys 1 … 9: the related ones, then those linking to it."""
LARGE_BODY = 200_000
"""Bodies longer than this (characters) are rendered in a worker, after a quick preview."""


class CurrentArticle(ScreenPart):
    """Shows the article under the cursor and counts it read once it stayed shown."""

    _shown_early: int | None
    _list_shown: int | None
    """The list article the preview last followed (current_article() compares the cursor)."""

    _shown_highlight: str | None = None
    """The words the article pane last highlighted (the filter's, when it was shown)."""

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        if self._shown_early is not None and event.article_id == self._shown_early:
            self._shown_early = None  # current_article() already showed it
            return
        self._shown_early = None
        if not event.chosen and (self.filter_settling or event.article_id != self.query_one(ArticleList).current_id):
            # A key in the filter bar moved the cursor (the pane follows once typing pauses), or
            # a later result moved it on before this message arrived (keys typed in a burst).
            return
        self._list_shown = event.article_id
        self.show_article(event.article_id, chosen=event.chosen)

    def current_article(self) -> tuple[Article, int] | None:
        """The article every "current article" action works on: the one under the list cursor now.

        The preview follows the cursor through a message, which arrives after any key already
        queued behind the move (``j b`` in one burst), so the preview may still show the article
        the cursor just left. An article shown from outside the filter (a related article, a
        bookmark) stays current until the cursor moves.
        """
        article_list = self.query_one(ArticleList)
        listed = article_list.current_id
        if listed is not None and listed != self._list_shown:
            self._list_shown = self._shown_early = listed
            self.show_article(listed, chosen=article_list.moved_by_user)
        if self.current is None or self.current_id is None:
            return None
        return self.current, self.current_id

    def follow_list(self) -> None:
        """Show the article under the list cursor, unless the pane already shows it with the
        filter's words highlighted (a burst of keys that kept it re-renders nothing)."""
        listed = self.query_one(ArticleList).current_id
        if listed is None:
            return
        if listed == self.current_id == self._list_shown and self._shown_highlight == self._highlight_words():
            return
        self._list_shown = listed
        self.show_article(listed, chosen=False)

    def _highlight_words(self) -> str | None:
        return " ".join(parse_query(self.filter_text).words) or None

    def current_path(self) -> str | None:
        return self.current.path if self.current is not None else None

    @on(ArticleList.Selected)
    def _article_selected(self, event: ArticleList.Selected) -> None:
        if self.current_article() is not None and self.current_id == event.article_id:
            self._start_read_timer()  # opened: the user chose it, even if the list put it there
        self.set_focus(self.query_one(ArticleView))

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
            self.query_one(RelatedPanel).show([], [])
            return
        stub = library.articles[article_id]
        article, problems = library.read(stub)
        self.current, self.current_id = article, article_id
        highlight = self._shown_highlight = self._highlight_words()
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
        # Cheap enough to do in line (about 1 ms at 4,000 articles, 6 ms at 100,000) once the
        # tag postings exist; a worker thread per switch cost more than the lookup itself. The
        # first article of a warm start comes before them (~1 s to build at 100,000 clippings,
        # which held the first frame): that one is worked out in a worker.
        if library.postings_ready:
            self._show_related(library, article_id, related(library, article_id, RELATED_COUNT))
        else:
            self.related_ids = []  # ids of another snapshot must not open the wrong article
            self.query_one(RelatedPanel).show([], [])
            self._related_later(library, article_id)

    def _show_related(self, library: Library, article_id: int, ids: list[int]) -> None:
        if library is not self.library or article_id != self.current_id:
            return
        # Backlinks come from the links the index keeps. The map is built once per library, in a
        # worker: a 100,000-note vault with two links a note takes ~3 s, too long for a key press.
        # Until it is there the panel lists the related articles alone.
        if not library.backlinks_ready:
            self._build_backlinks(library, article_id, ids)
            linked: list[int] = []
        else:
            linked = [other for other in library.linked_from(article_id) if other not in ids][: LISTED_COUNT - len(ids)]
        self.related_ids = [*ids, *linked]
        articles = library.articles
        self.query_one(RelatedPanel).show([articles[i] for i in ids], [articles[i] for i in linked])

    def action_related(self, n: int) -> None:
        self.current_article()
        if 0 < n <= len(self.related_ids):
            self.jump_to_article(self.related_ids[n - 1])

    @work(thread=True, exclusive=True, group="related")
    def _related_later(self, library: Library, article_id: int) -> None:
        ids = related(library, article_id, RELATED_COUNT)
        if not get_current_worker().is_cancelled:
            call_from_worker(self, self._show_related, library, article_id, ids)

    @work(thread=True, exclusive=True, group="backlinks")
    def _build_backlinks(self, library: Library, article_id: int, ids: list[int]) -> None:
        library.linked_from(article_id)
        if not get_current_worker().is_cancelled:
            call_from_worker(self, self._show_related, library, article_id, ids)

    @work(thread=True, exclusive=True, group="render")
    def _render_long(
        self, article: Article, article_id: int, width: int, scroll_y: int, highlight: str | None
    ) -> None:
        body = self.query_one(ArticleView).render_body(article.body, width)
        if not get_current_worker().is_cancelled:
            call_from_worker(self, self._show_long, article, article_id, body, scroll_y, highlight)

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
            self.set_current_read(True)

    def set_current_read(self, read: bool) -> None:
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

    def jump_to_article(self, article_id: int, *, record: bool = True) -> None:
        """Show an article: move the list cursor to it, or, when the filter hides it, show it
        in the article pane without throwing the user's filter away.

        ``record``: the article left goes into the back / forward history (a followed link, a
        related article, a bookmark, a palette jump); stepping through the history does not.
        """
        if record and article_id != self.current_id:
            self._history.visit(self.current_path())
        article_list = self.query_one(ArticleList)
        if not article_list.select_id(article_id):
            self.show_article(article_id)
            self.notify("This article is outside the current filter.", timeout=3, markup=False)
