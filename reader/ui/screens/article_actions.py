"""The main screen's article keys: bookmarks and read marks, links, sort, the state screens.

Everything here changes the reading state through the store and then redraws the marks, the
sidebar counts, or (when the filter depends on that state) the whole result.
"""

from __future__ import annotations

from reader.config import save_setting
from reader.library.links import describe as describe_link
from reader.library.links import refusal as link_refusal
from reader.library.orders import SORTS
from reader.library.sidebar import BOOKMARKED_TERM, UNREAD_TERM
from reader.ui.article_list import ArticleList
from reader.ui.browser import open_link
from reader.ui.screens.contract import ScreenPart
from reader.ui.screens.modals import BookmarkRow, BookmarksScreen, NamePrompt, ProblemsScreen, problem_lines
from reader.ui.widgets.tag_sidebar import TagTree


class ArticleActions(ScreenPart):
    """Bookmark, read/unread, links, sort, bookmarks / problems screens, saved searches."""

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        save_setting("sort", self.sort)
        self.apply_filter(keep=self.current_path())
        self.notify(f"Sorted by {self.sort}", timeout=2, markup=False)

    def action_toggle_bookmark(self) -> None:
        if self.current_article() is None or self.current is None or self.current_id is None:
            self.notify("No article to bookmark.", severity="warning", markup=False)
            return
        now = self.store.toggle_bookmark(self.current)
        (self.bookmarked_ids.add if now else self.bookmarked_ids.discard)(self.current_id)
        self.query_one(ArticleList).refresh()
        self.notify(("Bookmarked: " if now else "Bookmark removed: ") + self.current.title, timeout=3, markup=False)
        if BOOKMARKED_TERM in self.selected_terms():
            self.apply_filter(keep=self.current_path())
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
        self.set_current_read(now_read)
        self.notify("Marked read" if now_read else "Marked unread", timeout=2, markup=False)

    def action_exclude_tag(self) -> None:
        tags = self.query_one(TagTree)
        node = tags.current_node
        if self.focused is tags and node is not None and node.kind == "tag" and node.term is not None:
            self.toggle_term(f"-{node.term}")

    # -- links ------------------------------------------------------------------------------

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
        why_not = open_link(self.app, url)
        if why_not is None:
            self.notify(f"Opening {describe_link(url)}", timeout=3, markup=False)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Not opened: {why_not}. Copied {describe_link(url)} instead.", timeout=6, markup=False)

    def action_copy_link(self) -> None:
        if self.current_article() is None or self.current is None or not self.current.link:
            self.notify("This article has no link to copy.", severity="warning", markup=False)
            return
        url = self.current.link
        why = link_refusal(url)
        if why is not None:  # a link cached before the policy: never handed on
            self.notify(f"Not copying {describe_link(url)}: {why}.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {describe_link(url)}", timeout=3, markup=False)

    # -- screens over the panes ---------------------------------------------------------------

    def action_show_problems(self) -> None:
        self.app.push_screen(ProblemsScreen(problem_lines(self.library), self.store.notices))

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

        self.app.push_screen(BookmarksScreen(rows, self._remove_bookmark), opened)

    def _remove_bookmark(self, bookmark_id: str) -> None:
        for bookmark in self.store.bookmarks():
            if bookmark.id == bookmark_id:
                self.store.remove_bookmark(bookmark)
                break
        self.refresh_state_sets()
        self.apply_filter(keep=self.current_path())

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

        self.app.push_screen(NamePrompt("Name this search", query), named)
