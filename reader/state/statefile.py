"""The state file as a log of operations: lock, re-read, replay, apply, write — never lose one.

Why it is built this way:

* **Operations, not snapshots.** Two ``reader`` processes may have the same library open.
  If each saved "its" whole in-memory state, the last one to save would erase the other's
  bookmarks. So every change is a small operation ("add bookmark for this article",
  "forget bookmark X", "rename search A to B") applied, under an exclusive file lock, to
  what is on disk *right now*, then written back atomically (see :mod:`.storage`).
* **Durable where it matters, cheap where it is frequent.** An operation is on disk (fsynced)
  before the call returns. Scroll positions and relocations are only recorded in memory and
  written by :meth:`StateFile.flush` (the app calls it now and then, and on quit) or the next
  other write.
* **Nothing is lost silently.** An unreadable file is moved aside, not overwritten, and a
  notice saying where it went is exposed for the UI; a file that cannot be written keeps the
  changes in memory (:attr:`StateFile.unsaved`) and every later write tries them again.

:class:`reader.state.store.StateStore` builds the bookmarks, reading state, saved searches and
highlights on top of this.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Self, TypeVar

import platformdirs

from reader import paths
from reader.library.model import Article
from reader.state.document import Document, Invalid, parse, serialize, set_reading
from reader.state.identity import Table
from reader.state.storage import FileTooLarge, JsonFile

T = TypeVar("T")


class StateError(Exception):
    """A change could not be saved. The store itself keeps such changes in memory instead
    (see :attr:`StateFile.unsaved`); callers that need a hard failure may raise this."""


class _Unusable(Exception):
    """The file must not be written now (unreadable, or unusable and not movable); already reported."""


def _reason(exc: OSError) -> str:
    return str(exc.strerror or exc)


_ScrollKey = tuple[str, str, str]  # (link, fingerprint, path) of the article


class StateFile:
    """One library's state file, read and changed only through operations (see the module docstring).

    ``data_dir`` stands in for ``platformdirs.user_data_path("reader")`` (which honours
    ``XDG_DATA_HOME``); the file is ``<data_dir>/libraries/<slug>-<hash>.json``.
    Thread-safe; safe against other processes on the same file.
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
        self._doc = Document()
        self._pending_scroll: dict[_ScrollKey, tuple[str, int]] = {}
        self._pending_moves: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._pending_ops: list[Callable[[Document], object]] = []
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

    def _read_unlocked(self, problem: str) -> Document:
        """No lock can be taken (a read-only data folder): show what the file holds anyway.

        Writes are impossible there (they need the folder), so reading without the lock
        risks nothing; a file we cannot use is reported, never moved, in that state.
        """
        try:
            raw = self._file.read()
            doc = Document() if raw is None else parse(raw)
        except (OSError, FileTooLarge, Invalid) as exc:
            detail = _reason(exc) if isinstance(exc, OSError) else str(exc)
            self._notice(
                f"Reading state file {self.path} {problem} and {detail}; it was left as it is. "
                "Bookmarks and reading state work for this session and are saved once it can be written.",
                "bookmarks file unusable, see !",
            )
            return Document()
        self._notice(
            f"Reading state file {self.path} is read-only: it {problem}. Your bookmarks are shown; "
            "changes are kept for this session and saved once it can be written.",
            "bookmarks file is read-only",
        )
        return doc

    def _read_locked(self) -> tuple[Document, bytes | None]:
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
                return Document(), None
            try:
                return parse(raw), raw
            except Invalid as exc:
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
        return Document(), None

    def _apply_pending(self, doc: Document) -> None:
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
            set_reading(doc, link, fingerprint, path, title, scroll=y)

    def _replay_unsaved(self, doc: Document) -> None:
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

    def _transact(self, op: Callable[[Document], T]) -> T:
        """Lock, re-read, apply pending changes and ``op``, write if anything changed, unlock.

        When the file cannot be written (disk full, read-only, unreadable), the change is
        made in memory, kept for the next write, and :attr:`unsaved` says why: the app goes
        on, and nothing already on disk is touched.
        """
        with self._mutex:
            applied: Document | None = None
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
                    data = serialize(doc, str(self.library_root))
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
        def nothing(doc: Document) -> None:
            return None

        with self._mutex:
            if self._pending_scroll or self._pending_moves or self._pending_ops:
                self._transact(nothing)
                if self._pending_ops and self._pending_ops[-1] is nothing:
                    self._pending_ops.pop()  # the empty retry itself need not be kept

    def close(self) -> None:
        """Flush; the store holds no open files between calls, so nothing else to release."""
        self.flush()

    def __enter__(self) -> Self:
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
