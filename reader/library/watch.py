"""Live reload: notice files added, edited, moved or deleted in the library while reader runs.

No Textual here: :func:`watch` is a blocking iterator meant for a worker thread, stopped with
a ``threading.Event``; :func:`reader.library.engine.apply_changes` turns one batch into a new
library snapshot, re-parsing only the files that changed (and updating the index cache).

Sketch of the UI side (a Textual thread worker)::

    stop = threading.Event()                  # set it in on_unmount / before exit

    @work(thread=True, exclusive=True, group="watch")
    def watch_library(self) -> None:
        for changes in self.engine.watch(stop):
            library = self.engine.apply(self.library, changes)
            if library is not self.library:
                self.call_from_thread(self.set_library, library)

Folder events are expanded here: a folder moved into the library yields its Markdown files,
a folder deleted or moved away yields its path in ``deleted`` (and everything below it is
dropped). When the library folder itself disappears (or comes back), the batch says
``rescan``: only a full :func:`reader.library.cache.refresh` can follow.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.library.scan import EXTENSIONS, outside_library, walk
from reader.paths import library_root

DEBOUNCE_MS = 300
"""Changes are gathered for up to this long before a batch is yielded (an editor's save is
often several events; a ``git pull`` is hundreds)."""
STEP_MS = 100
"""A batch is yielded as soon as no new change came for this long."""
POLL_S = 1.0
"""How often a vanished library folder is looked for, and the watcher's stop-check period."""


@dataclass(frozen=True, slots=True)
class Changes:
    """One debounced batch of changes, as POSIX paths relative to the library root."""

    changed: frozenset[str] = field(default_factory=frozenset)
    """Markdown files created or modified (they exist now)."""
    deleted: frozenset[str] = field(default_factory=frozenset)
    """Markdown files, or folders, that are gone (a folder stands for everything below it)."""
    rescan: bool = False
    """Only a full refresh can follow this (the library folder vanished or came back)."""

    def __bool__(self) -> bool:
        return bool(self.changed or self.deleted or self.rescan)


def _hidden(rel: str) -> bool:
    """Hidden files and anything in a hidden folder (``.git``, ``.obsidian``): the walk skips them."""
    return any(part.startswith(".") for part in rel.split("/"))


def _is_markdown(name: str) -> bool:
    return name.lower().endswith(EXTENSIONS)


def _relative(root: str, path: str) -> str | None:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return None
    if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
        return None
    return rel.replace(os.sep, "/")


def translate(root: Path | str, events: Iterable[tuple[Any, str]]) -> Changes:
    """Raw ``(change, absolute path)`` events → :class:`Changes`.

    What a path is *now* decides, not which event came last: an editor that saves by writing a
    temporary file and renaming it over the article produces "deleted" and "added" for the same
    path in one batch, and the file simply counts as changed. Folders that appear are walked;
    folders that vanish are reported as deleted prefixes.
    """
    root_str = str(library_root(root))
    real_root = os.path.realpath(root_str)
    changed: set[str] = set()
    deleted: set[str] = set()
    rescan = False
    for _change, path in events:
        if os.path.abspath(path) == root_str:
            rescan = True  # the library folder itself was deleted, moved or replaced
            continue
        rel = _relative(root_str, path)
        if rel is None or _hidden(rel):
            continue
        if os.path.lexists(path) and outside_library(real_root, path):
            if _is_markdown(rel) or os.path.isdir(path):
                changed.add(rel)  # never walked or read: cache.update_paths refuses it, as the walk does
            continue
        if os.path.isfile(path):
            if _is_markdown(rel):
                changed.add(rel)
        elif os.path.isdir(path):
            entries, _report = walk(Path(path))
            changed.update(f"{rel}/{entry.path}" for entry in entries)
        elif not os.path.lexists(path):
            deleted.add(rel)  # a file, or a folder and everything that was below it
        elif _is_markdown(rel) and not os.path.islink(path):
            changed.add(rel)  # a FIFO or socket swapped in: read_file reports it as a problem
    return Changes(frozenset(changed), frozenset(deleted - changed), rescan)


def _event_filter(root: str) -> Callable[[Any, str], bool]:
    """The watcher's own filter (runs per raw event): drop hidden paths and other file types.

    Paths that may be folders pass, and :func:`translate` decides what they were.
    """
    prefix = root.rstrip(os.sep) + os.sep

    def keep(_change: Any, path: str) -> bool:
        if path == root:
            return True
        if not path.startswith(prefix) or _hidden(path[len(prefix) :].replace(os.sep, "/")):
            return False
        name = os.path.basename(path)
        return _is_markdown(name) or "." not in name or os.path.isdir(path) or not os.path.lexists(path)

    return keep


def watch(
    root: Path | str,
    *,
    stop_event: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    step_ms: int = STEP_MS,
    force_polling: bool | None = None,
) -> Iterator[Changes]:
    """Yield a :class:`Changes` batch whenever Markdown files under ``root`` change.

    Blocks between batches; returns once ``stop_event`` is set (checked every ``step_ms``, or
    every second while the folder is missing). Never raises for a vanished folder: it yields a
    ``rescan`` batch, waits for the folder to come back, yields another and watches again.
    If native file watching is unavailable (too many folders for inotify, a network mount), it
    falls back to polling.
    """
    import watchfiles

    stop = stop_event if stop_event is not None else threading.Event()
    root_path = library_root(root)
    polling = force_polling
    present = True
    while not stop.is_set():
        if not root_path.is_dir():
            if present:
                present = False
                yield Changes(rescan=True)
            stop.wait(POLL_S)
            continue
        if not present:
            present = True
            yield Changes(rescan=True)  # it came back: whatever is in it now
        try:
            for events in watchfiles.watch(
                root_path,
                watch_filter=_event_filter(str(root_path)),
                debounce=debounce_ms,
                step=step_ms,
                stop_event=stop,
                rust_timeout=int(POLL_S * 1000),
                yield_on_timeout=True,
                raise_interrupt=False,
                force_polling=polling,
                poll_delay_ms=2000,
                recursive=True,
            ):
                if not events:
                    if not root_path.is_dir():
                        break  # the watch died with the folder: back to waiting for it
                    continue
                changes = translate(root_path, events)
                if changes.rescan:
                    # The folder itself went (or was replaced): the watch is on a dead folder.
                    if root_path.is_dir():
                        yield changes
                    break
                if changes:
                    yield changes
            else:
                return  # stopped
        except FileNotFoundError:
            continue  # the folder vanished while the watch was being set up
        except (OSError, RuntimeError):
            if polling or stop.is_set():
                # Even polling failed: wait a little and try again rather than spin.
                stop.wait(POLL_S * 5)
            polling = True
            if root_path.is_dir():
                yield Changes(rescan=True)  # changes may have been missed meanwhile


__all__ = ["DEBOUNCE_MS", "Changes", "translate", "watch"]
