"""Issue 11 B: storage that fails never crashes the app and never hides data.

Tests run as root here, where chmod does not stop anything, so permission problems,
a full disk and a read-only folder are simulated where they enter: the OS calls of
:mod:`reader.state.storage`.
"""

from __future__ import annotations

import errno
import json
import tracemalloc
from pathlib import Path

import pytest
from factories import make_article
from hostile import HOSTILE_STATE_FILES

from reader.cli import main
from reader.library.model import Article
from reader.state import StateStore
from reader.state import storage as storage_module


def art(path: str) -> Article:
    return make_article(path)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "a.md").write_text("# A\n\nBody.\n")
    (root / "b.md").write_text("# B\n\nBody.\n")
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def on_disk(store: StateStore) -> dict:
    return json.loads(store.path.read_text(encoding="utf-8"))


def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_module.JsonFile, "write", refuse)


def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a non-root user meets with a chmod 000 state file."""

    def refuse(self: object, limit: int = 0) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(storage_module.JsonFile, "read", refuse)


def read_only_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only data folder: no lock file can be created, no temp file either."""

    def refuse(self: object):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(storage_module.JsonFile, "locked", refuse)


# -- B1: a full disk or unwritable folder --------------------------------------------------


def test_a_full_disk_keeps_the_change_in_memory_and_saves_it_at_the_next_change(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(library, data_dir)
    store.toggle_bookmark(art("a.md"))
    before = store.path.read_bytes()
    calls: list[str | None] = []
    store.on_unsaved_change = lambda: calls.append(store.unsaved)

    with monkeypatch.context() as patch:
        disk_full(patch)
        assert store.toggle_bookmark(art("b.md")) is True  # no exception
        store.set_read(art("a.md"))
        store.save_search("long", "size:>10k")
        store.flush()
        assert store.is_bookmarked(art("b.md")) and store.is_read(art("a.md"))
        assert store.unsaved == "No space left on device"
        assert "No space left on device" in store.status_line()
        assert store.path.read_bytes() == before  # what was on disk is untouched
    assert calls == ["No space left on device"]  # one notice, not one per change

    store.toggle_bookmark(art("a.md"))  # the disk has room again: the next change saves all
    assert store.unsaved is None and store.status_line() == ""
    assert calls == ["No space left on device", None]
    disk = on_disk(store)
    assert [b["path"] for b in disk["bookmarks"]] == ["b.md"]
    assert [r["path"] for r in disk["reading"] if r["read"]] == ["a.md"]
    assert disk["searches"] == {"long": "size:>10k"}


def test_unsaved_changes_merge_with_what_another_process_wrote(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, other = StateStore(library, data_dir), StateStore(library, data_dir)
    with monkeypatch.context() as patch:
        disk_full(patch)
        mine.toggle_bookmark(art("a.md"))
    other.toggle_bookmark(art("b.md"))
    mine.flush()  # the periodic flush retries too
    assert mine.unsaved is None
    assert {b["path"] for b in on_disk(mine)["bookmarks"]} == {"a.md", "b.md"}


def test_a_read_only_data_folder_shows_the_bookmarks_and_keeps_changes_in_memory(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(library, data_dir).toggle_bookmark(art("a.md"))
    before = StateStore(library, data_dir).path.read_bytes()
    read_only_folder(monkeypatch)
    store = StateStore(library, data_dir)
    assert store.is_bookmarked(art("a.md"))  # readable means shown
    [notice] = store.notices
    assert "read-only" in notice and "corrupt" not in notice
    assert store.status_line() == "bookmarks file is read-only"
    assert store.toggle_bookmark(art("b.md")) is True
    assert store.is_bookmarked(art("b.md")) and store.unsaved
    assert store.path.read_bytes() == before


def test_a_read_only_lock_file_is_still_used_for_locking(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(library, data_dir).toggle_bookmark(art("a.md"))
    real_open = storage_module.os.open
    opened: list[int] = []

    def no_write_access(path: object, flags: int, *args: object) -> int:
        if str(path).endswith(".lock") and flags & storage_module.os.O_RDWR:
            raise PermissionError(errno.EACCES, "Permission denied")
        opened.append(flags)
        return real_open(path, flags, *args)

    monkeypatch.setattr(storage_module.os, "open", no_write_access)
    again = StateStore(library, data_dir)
    assert again.notices == [] and again.is_bookmarked(art("a.md"))
    assert again.toggle_bookmark(art("b.md")) and again.unsaved is None


# -- B2: a file that cannot be opened is reported, never moved ----------------------------


def test_an_unreadable_file_is_reported_and_left_where_it_is(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(library, data_dir).toggle_bookmark(art("a.md"))
    path = StateStore(library, data_dir).path
    before = path.read_bytes()
    with monkeypatch.context() as patch:
        unreadable(patch)
        store = StateStore(library, data_dir)
        [notice] = store.notices
        assert "Permission denied" in notice and "moved" not in notice and "corrupt" not in notice
        store.toggle_bookmark(art("b.md"))  # kept in memory: the file is never replaced
        store.toggle_bookmark(art("b.md"))
        store.toggle_bookmark(art("b.md"))
        assert len(store.notices) == 1  # retries do not repeat the notice
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.corrupt-*"))
    store.flush()  # readable again: the session's change joins what the file held
    assert {b["path"] for b in on_disk(store)["bookmarks"]} == {"a.md", "b.md"}


def test_reader_bookmarks_reports_an_unreadable_file_and_moves_nothing(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = StateStore(library)
    store.toggle_bookmark(art("a.md"))
    before = store.path.read_bytes()
    unreadable(monkeypatch)
    assert main(["bookmarks", str(library)]) == 0
    out, err = capsys.readouterr()
    assert "Permission denied" in err and "corrupt" not in err + out
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob("*.corrupt-*"))


# -- B3: valid JSON that still breaks loading ----------------------------------------------


BROKEN_JSON = {name: content for name, (content, outcome) in HOSTILE_STATE_FILES.items() if outcome == "aside"}


@pytest.mark.parametrize("name", HOSTILE_STATE_FILES)
def test_every_hostile_state_file_is_shown_or_moved_aside(library: Path, data_dir: Path, name: str) -> None:
    content, outcome = HOSTILE_STATE_FILES[name]
    path = StateStore(library, data_dir).path
    path.write_bytes(content)
    store = StateStore(library, data_dir)
    aside = list(path.parent.glob(path.name + ".corrupt-*"))
    if outcome == "loads":
        assert store.notices == [] and not aside and store.bookmarks()
        store.toggle_bookmark(art("b.md"))  # and it can be written back
        assert StateStore(library, data_dir).bookmarks()[0] == store.bookmarks()[0]
    else:
        assert [p.read_bytes() for p in aside] == [content]
        assert str(aside[0]) in store.notices[0]


@pytest.mark.parametrize("content", BROKEN_JSON.values(), ids=BROKEN_JSON.keys())
def test_json_that_python_cannot_load_is_moved_aside(
    library: Path, data_dir: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = StateStore(library, data_dir).path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    store = StateStore(library, data_dir)
    [aside] = list(path.parent.glob(path.name + ".corrupt-*"))
    assert aside.read_bytes() == content
    assert str(aside) in store.notices[0]
    assert store.toggle_bookmark(art("a.md")) is True


@pytest.mark.parametrize("content", BROKEN_JSON.values(), ids=BROKEN_JSON.keys())
def test_every_cli_command_survives_json_python_cannot_load(
    library: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["list"], ["bookmarks"], ["tags"], ["highlights"], ["bookmarks", "export"]):
        path = StateStore(library).path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        assert main([*argv, str(library)]) == 0, argv
        _out, err = capsys.readouterr()
        if argv != ["tags"]:  # the commands that read the state say where the file went
            assert "moved to" in err and not path.exists(), argv


def test_a_byte_order_mark_does_not_make_a_good_file_corrupt(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    store.toggle_bookmark(art("a.md"))
    store.path.write_bytes(b"\xef\xbb\xbf" + store.path.read_bytes())
    again = StateStore(library, data_dir)
    assert again.notices == [] and again.is_bookmarked(art("a.md"))


def test_lone_surrogates_in_titles_and_search_names_are_saved_losslessly(library: Path, data_dir: Path) -> None:
    odd = Article(path="caf\udce9.md", title="bad \ud800 title", link="", fingerprint="fp")
    store = StateStore(library, data_dir)
    assert store.toggle_bookmark(odd) is True
    store.save_search("name \ud800", "tag:x")
    assert store.unsaved is None
    again = StateStore(library, data_dir)
    assert again.notices == []
    [bookmark] = again.bookmarks()
    assert (bookmark.path, bookmark.title) == ("caf\udce9.md", "bad \ud800 title")
    assert again.saved_searches() == {"name \ud800": "tag:x"}


# -- B4: the size read is capped -------------------------------------------------------------


def test_an_oversized_state_file_is_set_aside_without_being_read(library: Path, data_dir: Path) -> None:
    path = StateStore(library, data_dir).path
    path.parent.mkdir(parents=True, exist_ok=True)
    size = storage_module.MAX_STATE_BYTES + 1
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(size)
    tracemalloc.start()
    try:
        store = StateStore(library, data_dir)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size // 16  # never read whole
    [aside] = list(path.parent.glob(path.name + ".corrupt-*"))
    assert aside.stat().st_size == size  # set aside, never overwritten
    assert "MB" in store.notices[0] and str(aside) in store.notices[0]
    store.toggle_bookmark(art("a.md"))
    assert aside.stat().st_size == size and on_disk(store)["bookmarks"]


# -- B1 in the app: b and the automatic read mark on a full disk --------------------------


async def test_the_app_keeps_running_on_a_full_disk_and_says_so_once(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from reader.ui.app import ReaderApp

    disk_full(monkeypatch)
    app = ReaderApp(library, data_dir=data_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert app.main.current is not None and app.main.store.is_bookmarked(app.main.current)  # kept in memory
        app.main._mark_current_read()  # what the read timer does 1.5 s after an article is shown
        await pilot.press("j", "b")
        await pilot.pause()
        topbar = str(app.query_one("#topbar", Static).render())
        assert "changes not saved: No space left on device" in topbar
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "No space left on device" in errors[0].message
        assert app.is_running
        monkeypatch.undo()
        await pilot.press("b")  # room again: the next change saves everything
        await pilot.pause()
        assert app.main.store.unsaved is None
        assert "not saved" not in str(app.query_one("#topbar", Static).render())
    assert len(on_disk(app.main.store)["bookmarks"]) == 1  # a.md bookmarked; b.md toggled on and off
