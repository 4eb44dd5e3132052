"""Bookmarks, reading state, saved searches and highlights of one library, kept in one JSON file.

Every change is an operation on :class:`reader.state.statefile.StateFile` (locked, re-read,
applied, written atomically), so two ``reader`` processes never erase each other's changes.
Reads are fast: the latest state seen under the lock is kept in memory with dict indexes by
link, fingerprint and path (:mod:`.identity`), so ``is_bookmarked`` is O(1). Changes made by
other processes appear after our next write or an explicit :meth:`StateFile.reload`. A
bookmark whose article disappeared is kept and reported as missing until the user removes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reader.library.model import Article
from reader.library.table import as_table
from reader.state import export
from reader.state.document import Bookmark, Document, new_id, now_iso, set_reading
from reader.state.export import ExportFormat
from reader.state.highlights import Highlight
from reader.state.identity import match
from reader.state.statefile import StateFile


class StateStore(StateFile):
    """The per-library state: bookmarks, reading state, saved searches, highlights and notes.

    A mutating call whose change cannot be written (disk full, read-only or unreadable file)
    still makes it, in memory: :attr:`unsaved` says why, and every later write (or
    :meth:`flush`) tries again. The file on disk is never replaced by a copy that lost what
    it held.
    """

    # ------------------------------------------------------------------ bookmarks

    def is_bookmarked(self, article: Article) -> bool:
        """O(1): dict lookups by link, fingerprint, path on the in-memory copy."""
        return self._doc.bookmarks.find_article(article) is not None

    def bookmark_of(self, article: Article) -> Bookmark | None:
        return self._doc.bookmarks.find_article(article)

    def bookmarks(self) -> list[Bookmark]:
        """All bookmarks, oldest first, including those whose article is missing."""
        return list(self._doc.bookmarks)

    def add_bookmark(self, article: Article) -> Bookmark:
        """Bookmark ``article`` (no-op if it already is, on disk); durable on return."""

        def op(doc: Document) -> Bookmark:
            existing = doc.bookmarks.find_article(article)
            if existing is not None:
                updated = replace(
                    existing,
                    path=article.path,
                    link=existing.link or article.link,
                    fingerprint=article.fingerprint or existing.fingerprint,
                    title=article.title or existing.title,
                )
                doc.bookmarks.put(updated)
                return updated
            return _new_bookmark(doc, article)

        return self._transact(op)

    def remove_bookmark(self, target: Article | Bookmark) -> bool:
        """Remove a bookmark (by its id, or the one matching an article). True if one was removed."""

        def op(doc: Document) -> bool:
            if isinstance(target, Bookmark):
                return doc.bookmarks.drop(target.id) is not None
            found = doc.bookmarks.find_article(target)
            return found is not None and doc.bookmarks.drop(found.id) is not None

        return self._transact(op)

    def toggle_bookmark(self, article: Article) -> bool:
        """Flip the bookmark *as it is on disk now*; returns the new state. Durable on return."""

        def op(doc: Document) -> bool:
            existing = doc.bookmarks.find_article(article)
            if existing is not None:
                doc.bookmarks.drop(existing.id)
                return False
            _new_bookmark(doc, article)
            return True

        return self._transact(op)

    def resolve(self, articles: Iterable[Article]) -> list[tuple[Bookmark, Article | None]]:
        """Every bookmark (oldest first) with its current article, ``None`` when missing.

        O(bookmarks + articles). Bookmarks re-found under a new path (or with edited text)
        are updated in memory at once and on disk at the next write or :meth:`flush`.
        """
        with self._mutex:
            table = self._doc.bookmarks
            return [
                (self._relocate("bookmark", table, bookmark, article) if article else bookmark, article)
                for bookmark, article in match(list(table), articles)
            ]

    def missing_bookmarks(self, articles: Iterable[Article]) -> list[Bookmark]:
        return [bookmark for bookmark, article in self.resolve(articles) if article is None]

    def bookmarked_paths(self, articles: Iterable[Article]) -> set[str]:
        """Current paths of the bookmarked articles among ``articles``; O(n).

        Relocates first, then asks :meth:`is_bookmarked` of each article, so the set always
        agrees with the per-row star the UI draws.
        """
        if not len(self._doc.bookmarks):
            return set()
        table = as_table(articles)  # read as columns: no article is made for this
        self.resolve(table)
        return {path for path, _bookmark in self._doc.bookmarks.found_in(table)}

    # ------------------------------------------------------------------ reading state

    def is_read(self, article: Article) -> bool:
        entry = self._doc.reading.find_article(article)
        return entry is not None and entry.read

    def set_read(self, article: Article, read: bool = True) -> None:
        """Mark read/unread; written at once (it is a deliberate user action, and rare)."""
        a = article
        self._transact(lambda doc: set_reading(doc, a.link, a.fingerprint, a.path, a.title, read=read))

    def read_paths(self, articles: Iterable[Article]) -> set[str]:
        """Paths of the read articles among ``articles``; O(n), following renames like bookmarks."""
        with self._mutex:
            table = self._doc.reading
            if not len(table):
                return set()
            rows = as_table(articles)  # read as columns: no article is made for this
            for entry, article in match(list(table), rows):
                if article is not None:
                    self._relocate("reading", table, entry, article)
            return {path for path, entry in table.found_in(rows) if entry.read}

    def scroll_of(self, article: Article) -> int:
        """The remembered scroll offset (lines), 0 for an article never scrolled."""
        pending = self._pending_scroll.get((article.link, article.fingerprint, article.path))
        if pending is not None:
            return pending[1]
        entry = self._doc.reading.find_article(article)
        return entry.scroll if entry is not None else 0

    def set_scroll(self, article: Article, y: int) -> None:
        """Remember a scroll offset in memory only (O(1), no I/O); :meth:`flush` writes it."""
        with self._mutex:
            key = (article.link, article.fingerprint, article.path)
            self._pending_scroll[key] = (article.title, max(0, int(y)))

    # ------------------------------------------------------------------ saved searches

    def saved_searches(self) -> dict[str, str]:
        """Name -> query, in the order they were saved."""
        return dict(self._doc.searches)

    def save_search(self, name: str, query: str) -> None:
        """Add or replace a saved search; durable on return."""
        name = name.strip()
        if not name:
            raise ValueError("a saved search needs a name")

        def op(doc: Document) -> None:
            doc.searches[name] = query

        self._transact(op)

    def rename_search(self, old: str, new: str, *, overwrite: bool = False) -> None:
        """Rename in place, keeping its position.

        Raises KeyError if ``old`` is gone (perhaps deleted by another process) and
        ValueError if ``new`` is taken, unless ``overwrite``.
        """
        new = new.strip()
        if not new:
            raise ValueError("a saved search needs a name")

        def op(doc: Document) -> None:
            if old not in doc.searches:
                raise KeyError(old)
            if new == old:
                return
            if new in doc.searches and not overwrite:
                raise ValueError(f"a saved search called {new!r} already exists")
            doc.searches = {(new if k == old else k): v for k, v in doc.searches.items() if k != new}

        self._transact(op)

    def delete_search(self, name: str) -> bool:
        """Remove a saved search; True if it existed."""

        def op(doc: Document) -> bool:
            return doc.searches.pop(name, None) is not None

        return self._transact(op)

    # ------------------------------------------------------------------ highlights and notes

    def highlights(self) -> list[Highlight]:
        """Every highlight and article note, oldest first, including those of missing articles."""
        return list(self._doc.highlights)

    def highlight(self, highlight_id: str) -> Highlight | None:
        return self._doc.highlights.get(highlight_id)

    def add_highlight(self, article: Article, prefix: str, exact: str, suffix: str, note: str = "") -> Highlight:
        """Save a passage of ``article`` (see :mod:`.highlights`); durable on return.

        Saving the same passage again returns the existing highlight rather than a twin.
        """

        def op(doc: Document) -> Highlight:
            for pair in match(list(doc.highlights), [article]):
                existing = pair[0]
                if pair[1] is not None and existing.exact == exact and existing.exact and existing.prefix == prefix:
                    return existing
            highlight = Highlight(
                id=new_id(doc.highlights),
                path=article.path,
                link=article.link,
                fingerprint=article.fingerprint,
                title=article.title,
                exact=exact,
                prefix=prefix,
                suffix=suffix,
                note=note,
                created=now_iso(),
            )
            doc.highlights.put(highlight)
            return highlight

        return self._transact(op)

    def set_note(self, highlight_id: str, note: str) -> Highlight | None:
        """Replace a highlight's note (``""`` clears it; an emptied article note is removed).

        ``None`` when the highlight is gone (deleted by another process meanwhile).
        """

        def op(doc: Document) -> Highlight | None:
            found = doc.highlights.get(highlight_id)
            if found is None:
                return None
            if found.is_article_note and not note:
                doc.highlights.drop(found.id)
                return None
            updated = replace(found, note=note)
            doc.highlights.put(updated)
            return updated

        return self._transact(op)

    def set_article_note(self, article: Article, note: str) -> Highlight | None:
        """Add or replace the note on the whole article; ``""`` removes it."""
        existing = self.article_note(article)
        if existing is not None:
            return self.set_note(existing.id, note)
        return self.add_highlight(article, "", "", "", note) if note else None

    def remove_highlight(self, highlight_id: str) -> Highlight | None:
        """Delete a highlight; returns it (for undo), or ``None`` when it was already gone."""
        return self._transact(lambda doc: doc.highlights.drop(highlight_id))

    def restore_highlight(self, highlight: Highlight) -> Highlight:
        """Put a deleted highlight back, same id and date (the undo of :meth:`remove_highlight`)."""

        def op(doc: Document) -> Highlight:
            if highlight.id not in doc.highlights:
                doc.highlights.put(highlight)
            return doc.highlights.get(highlight.id) or highlight

        return self._transact(op)

    def highlights_of(self, article: Article) -> list[Highlight]:
        """The highlights and note of one article, oldest first (O(highlights))."""
        with self._mutex:
            return [h for h, found in match(list(self._doc.highlights), [article]) if found is not None]

    def article_note(self, article: Article) -> Highlight | None:
        return next((h for h in self.highlights_of(article) if h.is_article_note), None)

    def resolve_highlights(self, articles: Iterable[Article]) -> list[tuple[Highlight, Article | None]]:
        """Every highlight (oldest first) with its current article, ``None`` when missing.

        Follows renames and moves like :meth:`resolve`; O(highlights + articles).
        """
        with self._mutex:
            table = self._doc.highlights
            return [
                (self._relocate("highlight", table, h, article) if article else h, article)
                for h, article in match(list(table), articles)
            ]

    def highlight_marks(self, articles: Iterable[Article]) -> tuple[set[str], set[str]]:
        """Paths of the articles with a highlight, and of those with a note (on it or on one of
        its highlights): what ``is:highlighted`` and ``has:note`` select, in the app and the CLI."""
        highlighted: set[str] = set()
        noted: set[str] = set()
        if not len(self._doc.highlights):
            return highlighted, noted
        for highlight, article in self.resolve_highlights(articles):
            if article is None:
                continue
            if not highlight.is_article_note:
                highlighted.add(article.path)
            if highlight.note.strip():
                noted.add(article.path)
        return highlighted, noted

    # ------------------------------------------------------------------ export

    def export(self, articles: Iterable[Article], fmt: ExportFormat = "markdown") -> str:
        """A shareable bookmark list: title, link, path, status (present/missing), added."""
        return export.bookmarks(self.library_root, self.resolve(articles), fmt)


def _new_bookmark(doc: Document, article: Article) -> Bookmark:
    """Bookmark ``article`` in ``doc`` (the caller checked it is not bookmarked yet)."""
    bookmark = Bookmark(
        id=new_id(doc.bookmarks),
        path=article.path,
        link=article.link,
        fingerprint=article.fingerprint,
        title=article.title,
        added=now_iso(),
    )
    doc.bookmarks.put(bookmark)
    return bookmark
