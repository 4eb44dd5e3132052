"""Bookmarks, reading state and saved searches of one library, kept in one JSON file.

Why it is built this way:

* **Operations, not snapshots.** Two ``reader`` processes may have the same library open.
  If each saved "its" whole in-memory state, the last one to save would erase the other's
  bookmarks. So every change is a small operation ("add bookmark for this article",
  "forget bookmark X", "rename search A to B") applied, under an exclusive file lock, to
  what is on disk *right now*, then written back atomically (see :mod:`.storage`).
* **Fast reads.** The latest state seen under the lock is kept in memory with dict
  indexes by link, fingerprint and path, so ``is_bookmarked`` is O(1). Changes made by
  other processes appear after our next write or an explicit :meth:`StateStore.reload`.
* **Durable where it matters, cheap where it is frequent.** A bookmark change is on disk
  (fsynced) before the call returns. Scroll positions change on every keypress, so
  :meth:`StateStore.set_scroll` only records them in memory; :meth:`StateStore.flush`
  (called by the app periodically and on quit) or the next other write stores them.
* **Nothing is lost silently.** A bookmark whose article disappeared is kept and reported
  as missing until the user removes it; an unreadable file is moved aside, not
  overwritten, and a notice saying where it went is exposed for the UI.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import platformdirs

from reader import paths
from reader.library import safe_json
from reader.library.model import Article
from reader.state.highlights import Highlight
from reader.state.identity import Table, match
from reader.state.storage import FileTooLarge, JsonFile

SCHEMA_VERSION = 1
"""Bump when the file's shape changes incompatibly; other versions are moved aside."""

ExportFormat = Literal["markdown", "json"]
T = TypeVar("T")


class StateError(Exception):
    """A change could not be saved. The store itself keeps such changes in memory instead
    (see :attr:`StateStore.unsaved`); callers that need a hard failure may raise this."""


@dataclass(slots=True, frozen=True)
class Bookmark:
    """A bookmarked article, remembered by its identity rather than just its path.

    Frozen: the store hands these out and replaces them when a bookmark is relocated, so
    a list the UI holds never changes under it.
    """

    id: str
    path: str
    """Where the article was last seen (updated when it is re-found elsewhere)."""
    link: str
    fingerprint: str
    title: str
    """For display when the article is missing."""
    added: str
    """ISO 8601, UTC."""

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "link": self.link,
            "fingerprint": self.fingerprint,
            "added": self.added,
        }


@dataclass(slots=True, frozen=True)
class ReadingEntry:
    """Read flag and scroll position of one article (absent entry = unread, top)."""

    id: str
    path: str
    link: str
    fingerprint: str
    title: str = ""
    read: bool = False
    scroll: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "link": self.link,
            "fingerprint": self.fingerprint,
            "read": self.read,
            "scroll": self.scroll,
        }


@dataclass(slots=True)
class _Document:
    """The parsed content of the state file."""

    bookmarks: Table[Bookmark] = field(default_factory=Table)
    reading: Table[ReadingEntry] = field(default_factory=Table)
    searches: dict[str, str] = field(default_factory=dict)
    highlights: Table[Highlight] = field(default_factory=Table)


class _Invalid(Exception):
    """The file exists but is not a state file we can use; the message says why."""


class _Unusable(Exception):
    """The file must not be written now (unreadable, or unusable and not movable); already reported."""


def _reason(exc: OSError) -> str:
    return str(exc.strerror or exc)


# --------------------------------------------------------------------------- file format


def _text(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str):
        raise _Invalid(f"{where}: {key!r} must be a string")
    return value


def _records(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _Invalid(f"{key!r} must be a list of objects")
    return items


def _parse(raw: bytes) -> _Document:
    """Validate and load the file, raising :class:`_Invalid` on anything unexpected.

    Strict about types (a wrong shape means we do not understand the file and must not
    rewrite it) but lenient about missing optional sections, so a hand-trimmed file works.
    """
    try:
        # utf-8-sig: an editor that adds a byte-order mark has not made the file corrupt.
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _Invalid(f"is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise _Invalid(f"is not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise _Invalid("is nested too deeply to be a state file") from exc
    except ValueError as exc:  # e.g. an integer past Python's digit limit
        raise _Invalid(f"holds a value that cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise _Invalid("does not hold a JSON object")
    version = data.get("version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise _Invalid(f"has version {version!r}, this reader understands version {SCHEMA_VERSION}")
    doc = _Document()
    for n, item in enumerate(_records(data, "bookmarks")):
        where = f"bookmarks[{n}]"
        bookmark = Bookmark(
            id=_text(item, "id", where),
            path=_text(item, "path", where),
            link=_text(item, "link", where, required=False),
            fingerprint=_text(item, "fingerprint", where, required=False),
            title=_text(item, "title", where, required=False),
            added=_text(item, "added", where, required=False),
        )
        if bookmark.id in doc.bookmarks or not bookmark.id:
            bookmark = replace(bookmark, id=_new_id(doc.bookmarks))  # hand-edited duplicate: keep both
        doc.bookmarks.put(bookmark)
    for n, item in enumerate(_records(data, "reading")):
        where = f"reading[{n}]"
        read, scroll = item.get("read", False), item.get("scroll", 0)
        if not isinstance(read, bool):
            raise _Invalid(f"{where}: 'read' must be true or false")
        if isinstance(scroll, bool) or not isinstance(scroll, int) or scroll < 0:
            raise _Invalid(f"{where}: 'scroll' must be a non-negative integer")
        entry = ReadingEntry(
            id=_text(item, "id", where),
            path=_text(item, "path", where),
            link=_text(item, "link", where, required=False),
            fingerprint=_text(item, "fingerprint", where, required=False),
            title=_text(item, "title", where, required=False),
            read=read,
            scroll=scroll,
        )
        if entry.id in doc.reading or not entry.id:
            entry = replace(entry, id=_new_id(doc.reading))
        doc.reading.put(entry)
    searches = data.get("searches", {})
    if not isinstance(searches, dict) or not all(isinstance(q, str) for q in searches.values()):
        raise _Invalid("'searches' must be an object of name: query strings")
    doc.searches = dict(searches)
    for n, item in enumerate(_records(data, "highlights")):
        where = f"highlights[{n}]"
        highlight = Highlight(
            id=_text(item, "id", where),
            path=_text(item, "path", where),
            link=_text(item, "link", where, required=False),
            fingerprint=_text(item, "fingerprint", where, required=False),
            title=_text(item, "title", where, required=False),
            exact=_text(item, "exact", where, required=False),
            prefix=_text(item, "prefix", where, required=False),
            suffix=_text(item, "suffix", where, required=False),
            note=_text(item, "note", where, required=False),
            created=_text(item, "created", where, required=False),
        )
        if highlight.id in doc.highlights or not highlight.id:
            highlight = replace(highlight, id=_new_id(doc.highlights))
        doc.highlights.put(highlight)
    return doc


def _serialize(doc: _Document, library: str) -> bytes:
    """Indented, key-ordered, UTF-8 JSON: meant to be read (and diffed) by people."""
    data = {
        "version": SCHEMA_VERSION,
        "library": library,
        "bookmarks": [b.to_json() for b in doc.bookmarks],
        "reading": [r.to_json() for r in doc.reading],
        "searches": doc.searches,
        "highlights": [h.to_json() for h in doc.highlights],
    }
    return (safe_json.dumps(data, indent=2) + "\n").encode("utf-8")


def _new_id(table: Table[Any]) -> str:
    while True:
        candidate = secrets.token_hex(6)
        if candidate not in table:
            return candidate


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _set_reading(
    doc: _Document,
    link: str,
    fingerprint: str,
    path: str,
    title: str,
    *,
    read: bool | None = None,
    scroll: int | None = None,
) -> None:
    """Upsert one article's reading entry; an unread entry at the top is dropped (keeps the file small)."""
    entry = doc.reading.find(link, fingerprint, path)
    if entry is None:
        entry = ReadingEntry(_new_id(doc.reading), path, link, fingerprint, title)
    updated = replace(
        entry,
        path=path,
        link=link or entry.link,
        fingerprint=fingerprint or entry.fingerprint,
        title=title or entry.title,
        read=entry.read if read is None else read,
        scroll=entry.scroll if scroll is None else scroll,
    )
    if not updated.read and updated.scroll == 0:
        doc.reading.drop(updated.id)
    else:
        doc.reading.put(updated)


# --------------------------------------------------------------------------- the store


_ScrollKey = tuple[str, str, str]  # (link, fingerprint, path) of the article


class StateStore:
    """The per-library state file: bookmarks, reading state, saved searches.

    ``data_dir`` stands in for ``platformdirs.user_data_path("reader")`` (which honours
    ``XDG_DATA_HOME``); the file is ``<data_dir>/libraries/<slug>-<hash>.json``.

    Thread-safe; safe against other processes on the same file. A mutating call whose
    change cannot be written (disk full, read-only or unreadable file) still makes it, in
    memory: :attr:`unsaved` says why, and every later write (or :meth:`flush`) tries again.
    The file on disk is never replaced by a copy that lost what it held.
    """

    def __init__(self, library_root: Path | str, data_dir: Path | str | None = None) -> None:
        self.library_root: Path = paths.library_root(library_root)
        base = Path(data_dir) if data_dir is not None else platformdirs.user_data_path("reader")
        self.path: Path = paths.state_file(self.library_root, base)
        self.notices: list[str] = []
        """Human-readable problems met with the file (for the UI to show once)."""
        self.status = ""
        """A few words on the file's trouble when it was opened ("" when none); see :meth:`status_line`."""
        self.unsaved: str | None = None
        """Why the latest changes are in memory only (``None`` = everything is on disk)."""
        self.on_unsaved_change: Callable[[], None] | None = None
        """Called when :attr:`unsaved` changes: the UI keeps one persistent notice up to date."""
        self._file = JsonFile(self.path)
        self._mutex = threading.RLock()
        self._doc = _Document()
        self._pending_scroll: dict[_ScrollKey, tuple[str, int]] = {}
        self._pending_moves: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._pending_ops: list[Callable[[_Document], object]] = []
        """Changes made while the file could not be written, replayed at every later write."""
        try:
            with self._file.locked():
                self._file.remove_stale_temp_files()
                self._doc = self._read_locked()[0]
        except _Unusable:
            pass
        except OSError as exc:
            self._doc = self._read_unlocked(f"could not be locked ({_reason(exc)})")

    # ------------------------------------------------------------------ plumbing

    def status_line(self) -> str:
        """A few words for a status bar: unsaved changes first (they are what is at risk)."""
        if self.unsaved is not None:
            return f"changes not saved: {self.unsaved}"
        return self.status

    def _notice(self, text: str, status: str) -> None:
        """Record a problem once (a retry meeting it again must not repeat it)."""
        if text not in self.notices:
            self.notices.append(text)
        self.status = status

    def _read_unlocked(self, problem: str) -> _Document:
        """No lock can be taken (a read-only data folder): show what the file holds anyway.

        Writes are impossible there (they need the folder), so reading without the lock
        risks nothing; a file we cannot use is reported, never moved, in that state.
        """
        try:
            raw = self._file.read()
            doc = _Document() if raw is None else _parse(raw)
        except (OSError, FileTooLarge, _Invalid) as exc:
            detail = _reason(exc) if isinstance(exc, OSError) else str(exc)
            self._notice(
                f"Reading state file {self.path} {problem} and {detail}; it was left as it is. "
                "Bookmarks and reading state work for this session and are saved once it can be written.",
                "bookmarks file unusable, see !",
            )
            return _Document()
        self._notice(
            f"Reading state file {self.path} is read-only: it {problem}. Your bookmarks are shown; "
            "changes are kept for this session and saved once it can be written.",
            "bookmarks file is read-only",
        )
        return doc

    def _read_locked(self) -> tuple[_Document, bytes | None]:
        """Read the file (lock held) for a write, or raise :class:`_Unusable` if it must not be written.

        A file we do not understand (or too big to read) is moved aside, and a fresh one
        started. A file we cannot *open* (permissions, a folder in its place) is reported and
        left alone: its bytes may be perfectly good, so they are neither moved nor replaced.
        """
        try:
            raw = self._file.read()
        except OSError as exc:
            self._notice(
                f"Reading state file {self.path} could not be read ({_reason(exc)}); it was left as it "
                "is. Changes are kept for this session and saved once it can be read.",
                "bookmarks file unreadable, see !",
            )
            raise _Unusable(_reason(exc)) from exc
        except FileTooLarge as exc:
            problem = str(exc)
        else:
            if raw is None:
                return _Document(), None
            try:
                return _parse(raw), raw
            except _Invalid as exc:
                problem = str(exc)
        try:
            aside = self._file.move_aside()
        except OSError as exc:
            self._notice(
                f"Reading state file {self.path} {problem}, and could not be moved aside ({_reason(exc)}). "
                "It is left untouched: changes will not be saved while it is there.",
                "bookmarks file unusable, see !",
            )
            raise _Unusable(problem) from exc
        self._notice(
            f"Reading state file {self.path} {problem}; it was moved to {aside} and reader "
            "started with no bookmarks, reading state or saved searches.",
            "bookmarks file was corrupt, moved aside (see !)",
        )
        return _Document(), None

    def _apply_pending(self, doc: _Document) -> None:
        """Replay coalesced changes (scroll positions, relocations) onto ``doc``.

        Idempotent, so replaying onto the in-memory copy after a reload and again onto
        the disk copy at the next write is harmless.
        """
        for (kind, record_id), (path, fingerprint, title) in self._pending_moves.items():
            tables: dict[str, Table[Any]] = {"bookmark": doc.bookmarks, "highlight": doc.highlights}
            table = tables.get(kind, doc.reading)
            record = table.get(record_id)
            if record is not None:
                table.put(replace(record, path=path, fingerprint=fingerprint, title=title))
        for (link, fingerprint, path), (title, y) in self._pending_scroll.items():
            _set_reading(doc, link, fingerprint, path, title, scroll=y)

    def _replay_unsaved(self, doc: _Document) -> None:
        """Apply the changes that could not be written yet, oldest first, onto a fresh disk copy.

        They are operations, like every change, so they merge with what other processes
        wrote meanwhile; one that no longer applies (a search renamed elsewhere) is dropped.
        """
        for op in self._pending_ops:
            with contextlib.suppress(KeyError, ValueError):
                op(doc)

    def _set_unsaved(self, reason: str | None) -> None:
        if reason == self.unsaved:
            return
        self.unsaved = reason
        if self.on_unsaved_change is not None:
            self.on_unsaved_change()

    def _transact(self, op: Callable[[_Document], T]) -> T:
        """Lock, re-read, apply pending changes and ``op``, write if anything changed, unlock.

        When the file cannot be written (disk full, read-only, unreadable), the change is
        made in memory, kept for the next write, and :attr:`unsaved` says why: the app goes
        on, and nothing already on disk is touched.
        """
        with self._mutex:
            applied: _Document | None = None
            try:
                with self._file.locked():
                    doc, raw = self._read_locked()
                    self._apply_pending(doc)
                    self._replay_unsaved(doc)
                    try:
                        result = op(doc)
                    except Exception:
                        self._doc = doc  # ops validate before mutating: doc is the disk state
                        raise
                    applied = doc
                    data = _serialize(doc, str(self.library_root))
                    if data != raw:
                        self._file.write(data)
                    self._doc = doc
                    self._pending_scroll.clear()
                    self._pending_moves.clear()
                    self._pending_ops.clear()
                    self._set_unsaved(None)
                    return result
            except (OSError, _Unusable) as exc:
                reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
            if applied is not None:
                self._doc = applied  # the disk copy, with every unsaved change applied
            else:
                self._apply_pending(self._doc)
                result = op(self._doc)
            self._pending_ops.append(op)
            self._set_unsaved(reason)
            return result

    def reload(self) -> None:
        """Re-read the file to pick up changes other processes made; pending changes are kept."""
        with self._mutex:
            try:
                with self._file.locked():
                    doc = self._read_locked()[0]
            except _Unusable:
                return
            except OSError as exc:
                self._notice(
                    f"Reading state file {self.path} could not be re-read: {_reason(exc)}",
                    self.status or "bookmarks file unreadable, see !",
                )
                return
            self._apply_pending(doc)
            self._replay_unsaved(doc)
            self._doc = doc

    def flush(self) -> None:
        """Write coalesced changes (scroll positions, relocated bookmarks, changes not saved yet).

        Cheap when there are none; the app calls it now and then, so a disk that has room
        again gets the unsaved changes without waiting for the next one.
        """
        def nothing(doc: _Document) -> None:
            return None

        with self._mutex:
            if self._pending_scroll or self._pending_moves or self._pending_ops:
                self._transact(nothing)
                if self._pending_ops and self._pending_ops[-1] is nothing:
                    self._pending_ops.pop()  # the empty retry itself need not be kept

    def close(self) -> None:
        """Flush; the store holds no open files between calls, so nothing else to release."""
        self.flush()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _relocate(self, kind: str, table: Table[Any], record: Any, article: Article) -> Any:
        """Remember that ``record``'s article now lives at ``article.path`` (saved on next write)."""
        title = article.title or record.title
        fingerprint = article.fingerprint or record.fingerprint
        if (record.path, record.fingerprint, record.title) == (article.path, fingerprint, title):
            return record
        moved = replace(record, path=article.path, fingerprint=fingerprint, title=title)
        table.put(moved)
        self._pending_moves[(kind, record.id)] = (moved.path, moved.fingerprint, moved.title)
        return moved

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

        def op(doc: _Document) -> Bookmark:
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
            bookmark = Bookmark(
                id=_new_id(doc.bookmarks),
                path=article.path,
                link=article.link,
                fingerprint=article.fingerprint,
                title=article.title,
                added=_now_iso(),
            )
            doc.bookmarks.put(bookmark)
            return bookmark

        return self._transact(op)

    def remove_bookmark(self, target: Article | Bookmark) -> bool:
        """Remove a bookmark (by its id, or the one matching an article). True if one was removed."""

        def op(doc: _Document) -> bool:
            if isinstance(target, Bookmark):
                return doc.bookmarks.drop(target.id) is not None
            found = doc.bookmarks.find_article(target)
            return found is not None and doc.bookmarks.drop(found.id) is not None

        return self._transact(op)

    def toggle_bookmark(self, article: Article) -> bool:
        """Flip the bookmark *as it is on disk now*; returns the new state. Durable on return."""

        def op(doc: _Document) -> bool:
            existing = doc.bookmarks.find_article(article)
            if existing is not None:
                doc.bookmarks.drop(existing.id)
                return False
            doc.bookmarks.put(
                Bookmark(
                    id=_new_id(doc.bookmarks),
                    path=article.path,
                    link=article.link,
                    fingerprint=article.fingerprint,
                    title=article.title,
                    added=_now_iso(),
                )
            )
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
        articles = articles if isinstance(articles, list | tuple) else list(articles)
        if not len(self._doc.bookmarks):
            return set()
        self.resolve(articles)
        find = self._doc.bookmarks.find_article
        return {article.path for article in articles if find(article) is not None}

    # ------------------------------------------------------------------ reading state

    def is_read(self, article: Article) -> bool:
        entry = self._doc.reading.find_article(article)
        return entry is not None and entry.read

    def set_read(self, article: Article, read: bool = True) -> None:
        """Mark read/unread; written at once (it is a deliberate user action, and rare)."""
        a = article
        self._transact(lambda doc: _set_reading(doc, a.link, a.fingerprint, a.path, a.title, read=read))

    def read_paths(self, articles: Iterable[Article]) -> set[str]:
        """Paths of the read articles among ``articles``; O(n), following renames like bookmarks."""
        articles = articles if isinstance(articles, list | tuple) else list(articles)
        with self._mutex:
            table = self._doc.reading
            if not len(table):
                return set()
            for entry, article in match(list(table), articles):
                if article is not None:
                    self._relocate("reading", table, entry, article)
            return {article.path for article in articles if (e := table.find_article(article)) and e.read}

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

        def op(doc: _Document) -> None:
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

        def op(doc: _Document) -> None:
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

        def op(doc: _Document) -> bool:
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

        def op(doc: _Document) -> Highlight:
            for pair in match(list(doc.highlights), [article]):
                existing = pair[0]
                if pair[1] is not None and existing.exact == exact and existing.exact and existing.prefix == prefix:
                    return existing
            highlight = Highlight(
                id=_new_id(doc.highlights),
                path=article.path,
                link=article.link,
                fingerprint=article.fingerprint,
                title=article.title,
                exact=exact,
                prefix=prefix,
                suffix=suffix,
                note=note,
                created=_now_iso(),
            )
            doc.highlights.put(highlight)
            return highlight

        return self._transact(op)

    def set_note(self, highlight_id: str, note: str) -> Highlight | None:
        """Replace a highlight's note (``""`` clears it; an emptied article note is removed).

        ``None`` when the highlight is gone (deleted by another process meanwhile).
        """

        def op(doc: _Document) -> Highlight | None:
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

        def op(doc: _Document) -> Highlight:
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
        if fmt not in ("markdown", "json"):
            raise ValueError(f"unknown export format {fmt!r} (use 'markdown' or 'json')")
        rows = [
            {
                "title": (article.title if article and article.title else bookmark.title),
                "link": bookmark.link or (article.link if article else ""),
                "path": article.path if article else bookmark.path,
                "status": "present" if article else "missing",
                "added": bookmark.added,
            }
            for bookmark, article in self.resolve(articles)
        ]
        if fmt == "json":
            payload = {"library": str(self.library_root), "exported": _now_iso(), "bookmarks": rows}
            return safe_json.dumps(payload, indent=2) + "\n"
        lines = [f"# Bookmarks — {_md_escape(self.library_root.name or str(self.library_root))}", ""]
        if not rows:
            lines.append("_No bookmarks._")
        for row in rows:
            title = _md_escape(row["title"] or row["path"])
            head = f"[{title}](<{row['link']}>)" if row["link"] else title
            parts = [f"- {head}", _md_code(row["path"]), f"added {row['added'][:10]}"]
            if row["status"] == "missing":
                parts.append("**missing**")
            lines.append(" — ".join(parts))
        return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    """Escape what would break a Markdown link text or list item."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text.replace("\n", " "))


def _md_code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"
