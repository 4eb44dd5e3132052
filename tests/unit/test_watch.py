"""Live reload: the watcher reports changed files within a couple of seconds, and applying a
batch gives the same library as loading the folder from scratch."""

from __future__ import annotations

import dataclasses
import os
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import cache
from reader.library.engine import apply_changes
from reader.library.snapshot import Library
from reader.library.watch import Changes, translate, watch

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
WAIT = 5.0
"""Generous: a batch normally arrives 0.1–0.4 s after the change."""




@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(SAMPLE, root)
    return root


class Watcher:
    """Runs :func:`watch` in a thread (as the UI's worker does) and queues what it yields."""

    def __init__(self, root: Path) -> None:
        self.stop = threading.Event()
        self.batches: queue.Queue[Changes] = queue.Queue()
        self.thread = threading.Thread(target=self._run, args=(root,), daemon=True)
        self.error: BaseException | None = None

    def _run(self, root: Path) -> None:
        try:
            for changes in watch(root, stop_event=self.stop):
                self.batches.put(changes)
        except BaseException as error:  # surfaced by the test, not lost in the thread
            self.error = error

    def next(self, predicate=lambda c: True) -> Changes:  # type: ignore[no-untyped-def]
        """The first batch satisfying ``predicate`` (earlier ones are merged into it)."""
        deadline = time.monotonic() + WAIT
        changed: set[str] = set()
        deleted: set[str] = set()
        rescan = False
        while time.monotonic() < deadline:
            try:
                batch = self.batches.get(timeout=0.1)
            except queue.Empty:
                continue
            changed |= batch.changed
            deleted |= batch.deleted
            rescan |= batch.rescan
            merged = Changes(frozenset(changed), frozenset(deleted - changed), rescan)
            if predicate(merged):
                return merged
        raise AssertionError(f"no matching change within {WAIT} s (got {changed=}, {deleted=}, {rescan=})")


@pytest.fixture
def watcher(lib_root: Path) -> Iterator[Watcher]:
    running = Watcher(lib_root)
    running.thread.start()
    time.sleep(0.3)  # let the watch be set up before the test changes anything
    yield running
    running.stop.set()
    running.thread.join(timeout=WAIT)
    assert not running.thread.is_alive(), "watch() did not stop"
    assert running.error is None


def articles(library: Library) -> list[object]:
    return [dataclasses.replace(a, body="") for a in library.articles]


def test_create_modify_delete(lib_root: Path, watcher: Watcher) -> None:
    library = cache.refresh(lib_root)

    new = lib_root / "notes" / "fresh-note.md"
    new.write_text("# Fresh note\n\nfirst\n", encoding="utf-8")
    batch = watcher.next(lambda c: "notes/fresh-note.md" in c.changed)
    library = apply_changes(lib_root, library, batch)
    assert library.articles[library.by_path["notes/fresh-note.md"]].title == "Fresh note"
    assert articles(library) == articles(Library.load(lib_root))

    new.write_text("# Fresh note, edited\n\nsecond\n", encoding="utf-8")
    batch = watcher.next(lambda c: "notes/fresh-note.md" in c.changed)
    library = apply_changes(lib_root, library, batch)
    assert library.articles[library.by_path["notes/fresh-note.md"]].title == "Fresh note, edited"

    (lib_root / "weekend-reading-list.md").unlink()
    batch = watcher.next(lambda c: "weekend-reading-list.md" in c.deleted)
    library = apply_changes(lib_root, library, batch)
    assert "weekend-reading-list.md" not in library.by_path
    assert articles(library) == articles(Library.load(lib_root))
    # the cache followed the changes
    warm = cache.load_cached(lib_root)
    assert warm is not None and articles(warm) == articles(library)


def test_folder_moved_away_and_back(lib_root: Path, watcher: Watcher, tmp_path: Path) -> None:
    library = cache.refresh(lib_root)
    shutil.move(str(lib_root / "ledger"), str(tmp_path / "ledger-away"))
    batch = watcher.next(lambda c: "ledger" in c.deleted)
    library = apply_changes(lib_root, library, batch)
    assert not any(a.path.startswith("ledger/") for a in library.articles)

    shutil.move(str(tmp_path / "ledger-away"), str(lib_root / "ledger"))
    batch = watcher.next(lambda c: any(p.startswith("ledger/") for p in c.changed))
    library = apply_changes(lib_root, library, batch)
    assert articles(library) == articles(Library.load(lib_root))


def test_hidden_and_other_files_are_ignored(lib_root: Path, watcher: Watcher) -> None:
    (lib_root / ".obsidian").mkdir()
    (lib_root / ".obsidian" / "workspace.md").write_text("# not an article\n", encoding="utf-8")
    (lib_root / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    (lib_root / "real.md").write_text("# Real\n", encoding="utf-8")
    batch = watcher.next(lambda c: "real.md" in c.changed)
    assert batch.changed == {"real.md"}


def test_library_folder_vanishing_and_returning(lib_root: Path, watcher: Watcher, tmp_path: Path) -> None:
    library = cache.refresh(lib_root)
    shutil.move(str(lib_root), str(tmp_path / "moved-away"))
    batch = watcher.next(lambda c: c.rescan)
    library = apply_changes(lib_root, library, batch)
    assert len(library) == 0
    assert library.problems  # "cannot read the library folder", not an exception

    shutil.move(str(tmp_path / "moved-away"), str(lib_root))
    batch = watcher.next(lambda c: c.rescan)
    library = apply_changes(lib_root, library, batch)
    assert articles(library) == articles(Library.load(lib_root))

    (lib_root / "after.md").write_text("# After the return\n", encoding="utf-8")
    batch = watcher.next(lambda c: "after.md" in c.changed)  # watching the folder again
    assert apply_changes(lib_root, library, batch).by_path.get("after.md") is not None


def test_stop_event_ends_the_watch_promptly(lib_root: Path) -> None:
    running = Watcher(lib_root)
    running.thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    running.stop.set()
    running.thread.join(timeout=WAIT)
    assert not running.thread.is_alive()
    assert time.monotonic() - started < WAIT


def test_missing_folder_from_the_start(tmp_path: Path) -> None:
    running = Watcher(tmp_path / "not-yet")
    running.thread.start()
    first = running.next(lambda c: c.rescan)
    assert first.rescan
    running.stop.set()
    running.thread.join(timeout=WAIT)
    assert not running.thread.is_alive() and running.error is None


# -- translate and apply, without a watcher -----------------------------------------------------


def test_translate_takes_what_is_on_disk_now(lib_root: Path) -> None:
    saved = lib_root / "notes" / "saved.md"
    saved.write_text("# Saved\n", encoding="utf-8")
    events = [
        ("deleted", str(saved)),  # an editor's atomic save: delete + add of the same path
        ("added", str(saved)),
        ("added", str(lib_root / "notes" / "saved.md.swp")),
        ("deleted", str(lib_root / "gone.md")),
        ("deleted", str(lib_root / "gone-folder")),
        ("added", str(lib_root / ".git" / "HEAD")),
        ("added", str(lib_root / "ledger")),
    ]
    changes = translate(lib_root, events)
    assert "notes/saved.md" in changes.changed
    assert {"gone.md", "gone-folder"} <= changes.deleted
    assert "notes/saved.md" not in changes.deleted
    assert all(p.startswith(("notes/", "ledger/")) for p in changes.changed)
    assert len([p for p in changes.changed if p.startswith("ledger/")]) == len(list((lib_root / "ledger").iterdir()))
    assert not changes.rescan
    assert translate(lib_root, [("deleted", str(lib_root))]).rescan


def test_apply_changes_with_a_path_that_no_longer_exists(lib_root: Path) -> None:
    library = cache.refresh(lib_root)
    os.unlink(lib_root / "weekend-reading-list.md")
    updated = apply_changes(lib_root, library, Changes(changed=frozenset({"weekend-reading-list.md"})))
    assert "weekend-reading-list.md" not in updated.by_path
    assert apply_changes(lib_root, updated, Changes()) is updated
