"""reader.state: bookmarks, reading state and saved searches that are never lost.

Each test states the guarantee it protects; the multi-process ones run real subprocesses
(tests/state_worker.py) because locks and SIGKILL only mean something across processes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_article

from reader.library.model import Article
from reader.paths import library_file_name
from reader.state import Bookmark, StateStore
from reader.state import storage as storage_module

WORKER = Path(__file__).resolve().parents[1] / "state_worker.py"
_spec = importlib.util.spec_from_file_location("state_worker", WORKER)
assert _spec is not None and _spec.loader is not None
state_worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(state_worker)


def art(path: str, *, link: str = "", fingerprint: str | None = None, title: str | None = None) -> Article:
    extra = {"fingerprint": fingerprint} if fingerprint is not None else {}
    return make_article(path, title, link=link, **extra)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "My Library"
    root.mkdir()
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def open_store(library: Path, data_dir: Path) -> StateStore:
    return StateStore(library, data_dir)


def on_disk(store: StateStore) -> dict:
    return json.loads(store.path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- location and format


def test_file_lives_under_xdg_data_home_and_names_the_library(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    store = StateStore(library)
    assert store.path.parent == xdg / "reader" / "libraries"
    assert store.path.name.startswith("my-library-") and store.path.name.endswith(".json")

    # Same folder name elsewhere: a different file (the hash is of the absolute path).
    other = tmp_path / "elsewhere" / "My Library"
    other.mkdir(parents=True)
    assert StateStore(other).path != store.path
    assert library_file_name(Path("/x/Ünïcode Stuff!"), ".json").startswith("unicode-stuff-")

    store.toggle_bookmark(art("a.md"))
    data = on_disk(store)
    assert data["version"] == 1
    assert data["library"] == str(library.resolve())
    assert store.path.read_text(encoding="utf-8").startswith("{\n  ")  # indented: human-readable


def test_relative_library_path_maps_to_the_same_file(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(library.parent)
    assert StateStore(Path(library.name), data_dir).path == StateStore(library, data_dir).path


# --------------------------------------------------------------------------- bookmarks


def test_toggle_is_durable_on_return_and_survives_a_new_store(library: Path, data_dir: Path) -> None:
    a, b = art("a.md", link="https://ex.org/a"), art("b.md")
    store = open_store(library, data_dir)
    assert not store.is_bookmarked(a)
    assert store.toggle_bookmark(a) is True
    assert store.is_bookmarked(a) and not store.is_bookmarked(b)
    # On disk already: no flush/close needed.
    assert [bm["link"] for bm in on_disk(store)["bookmarks"]] == ["https://ex.org/a"]

    again = open_store(library, data_dir)
    assert again.is_bookmarked(a) and not again.is_bookmarked(b)
    assert again.toggle_bookmark(a) is False
    assert on_disk(again)["bookmarks"] == []
    assert not open_store(library, data_dir).is_bookmarked(a)


def test_bookmark_records_identity_title_and_added_time(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    before = datetime.now(UTC).replace(microsecond=0)
    store.add_bookmark(art("x/y.md", link="https://ex.org/y", fingerprint="F", title="Why"))
    [bm] = open_store(library, data_dir).bookmarks()
    assert isinstance(bm, Bookmark) and bm.id
    assert (bm.path, bm.link, bm.fingerprint, bm.title) == ("x/y.md", "https://ex.org/y", "F", "Why")
    added = datetime.fromisoformat(bm.added)
    assert added.tzinfo is not None and before <= added <= datetime.now(UTC) + timedelta(seconds=1)


def test_adding_twice_keeps_one_bookmark(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    first = store.add_bookmark(art("a.md"))
    second = store.add_bookmark(art("a.md"))
    assert first.id == second.id
    assert len(open_store(library, data_dir).bookmarks()) == 1


def test_renamed_and_moved_article_keeps_its_bookmark_by_link(library: Path, data_dir: Path) -> None:
    open_store(library, data_dir).add_bookmark(art("old.md", link="https://ex.org/p", fingerprint="F1"))
    # Moved into a folder and edited (new fingerprint): the link still identifies it.
    moved = art("2024/new-name.md", link="https://ex.org/p", fingerprint="F2")
    newcomer = art("old.md", fingerprint="other")  # an unrelated file now at the old path
    store = open_store(library, data_dir)
    assert store.is_bookmarked(moved)
    [(bm, found)] = store.resolve([newcomer, moved])
    assert found is moved and bm.path == "2024/new-name.md"
    assert store.bookmarked_paths([newcomer, moved]) == {"2024/new-name.md"}

    store.flush()  # the new path is stored on the next save
    [stored] = open_store(library, data_dir).bookmarks()
    assert (stored.path, stored.fingerprint) == ("2024/new-name.md", "F2")


def test_moved_article_without_link_keeps_its_bookmark_by_fingerprint(library: Path, data_dir: Path) -> None:
    open_store(library, data_dir).add_bookmark(art("notes/a.md", fingerprint="SAME"))
    moved = art("archive/renamed.md", fingerprint="SAME")
    newcomer = art("notes/a.md", fingerprint="DIFFERENT")
    store = open_store(library, data_dir)
    assert store.is_bookmarked(moved)
    assert store.bookmarked_paths([newcomer, moved]) == {"archive/renamed.md"}
    # After resolving, the path fallback no longer points the old path at the bookmark.
    assert not store.is_bookmarked(newcomer)
    store.flush()
    assert [bm.path for bm in open_store(library, data_dir).bookmarks()] == ["archive/renamed.md"]


def test_article_edited_in_place_without_link_keeps_bookmark_by_path(library: Path, data_dir: Path) -> None:
    open_store(library, data_dir).add_bookmark(art("a.md", fingerprint="v1"))
    edited = art("a.md", fingerprint="v2")
    store = open_store(library, data_dir)
    assert store.is_bookmarked(edited)
    assert store.bookmarked_paths([edited]) == {"a.md"}


def test_a_different_link_at_the_same_path_is_a_different_article(library: Path, data_dir: Path) -> None:
    open_store(library, data_dir).add_bookmark(art("a.md", link="https://ex.org/one", fingerprint="X"))
    store = open_store(library, data_dir)
    replaced = art("a.md", link="https://ex.org/two", fingerprint="X")
    assert not store.is_bookmarked(replaced)
    assert store.resolve([replaced])[0][1] is None


def test_deleted_article_is_reported_missing_and_kept_until_removed(library: Path, data_dir: Path) -> None:
    gone, kept = art("gone.md", link="https://ex.org/gone"), art("kept.md")
    store = open_store(library, data_dir)
    store.add_bookmark(gone)
    store.add_bookmark(kept)

    store = open_store(library, data_dir)
    pairs = store.resolve([kept])  # the library no longer has gone.md
    found = [(bm.path, a.path if a else None) for bm, a in pairs]
    assert found == [("gone.md", None), ("kept.md", "kept.md")]
    assert [bm.path for bm in store.missing_bookmarks([kept])] == ["gone.md"]
    store.flush()
    store.toggle_bookmark(art("other.md"))  # other writes do not drop it either
    assert [bm.path for bm in open_store(library, data_dir).bookmarks()] == ["gone.md", "kept.md", "other.md"]

    missing = pairs[0][0]
    assert store.remove_bookmark(missing) is True
    assert store.remove_bookmark(missing) is False
    assert [bm.path for bm in open_store(library, data_dir).bookmarks()] == ["kept.md", "other.md"]
    assert store.remove_bookmark(kept) is True
    assert [bm.path for bm in open_store(library, data_dir).bookmarks()] == ["other.md"]


def test_two_stores_apply_operations_not_snapshots(library: Path, data_dir: Path) -> None:
    one, two = open_store(library, data_dir), open_store(library, data_dir)
    one.toggle_bookmark(art("a.md"))
    assert not two.is_bookmarked(art("a.md"))  # in-memory copy: stale until the lock is held again
    two.toggle_bookmark(art("b.md"))  # re-reads under the lock, so a.md survives
    assert two.is_bookmarked(art("a.md"))
    one.reload()
    assert one.is_bookmarked(art("b.md"))
    # Toggling what another process already removed flips what is on disk, not our stale view.
    two.toggle_bookmark(art("a.md"))
    assert one.is_bookmarked(art("a.md"))
    assert one.toggle_bookmark(art("a.md")) is True
    assert {bm.path for bm in open_store(library, data_dir).bookmarks()} == {"a.md", "b.md"}


def test_two_processes_churning_concurrently_keep_the_union(library: Path, data_dir: Path) -> None:
    n = 200
    state_worker.run_churners("bookmarks", library, data_dir, n)

    store = open_store(library, data_dir)
    assert store.notices == []
    expected = {f"{prefix}/{i:04d}.md" for prefix in ("p", "q") for i in range(n) if i % 3}
    assert {bm.path for bm in store.bookmarks()} == expected
    assert len(store.bookmarks()) == len(expected)
    for prefix in ("p", "q"):
        articles = [state_worker.make_article(prefix, i) for i in range(n)]
        assert store.read_paths(articles) == {a.path for i, a in enumerate(articles) if i % 2 == 0}
        assert [store.scroll_of(a) for a in articles] == [i + 1 for i in range(n)]
    assert store.saved_searches() == {f"{p}-{i}": f"query {i}" for p in ("p", "q") for i in range(0, n, 50)}


def test_sigkill_at_random_moments_never_loses_a_returned_bookmark(library: Path, data_dir: Path) -> None:
    printed = state_worker.kill_while_adding("bookmarks", library, data_dir, rounds=6)
    state_file = StateStore(library, data_dir).path

    store = StateStore(library, data_dir)
    assert store.notices == []
    assert printed <= {bm.id for bm in store.bookmarks()}
    # Temp files orphaned by a kill between mkstemp and replace are cleaned up on open.
    assert not [p.name for p in state_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_resolve_and_bookmarked_paths_scale_to_100k_articles(library: Path, data_dir: Path) -> None:
    articles = [
        make_article(f"d{i % 100}/{i}.md", f"t{i}", link=f"https://ex.org/{i}" * (i % 2), fingerprint=f"f{i}")
        for i in range(100_000)
    ]
    marked = articles[::50]  # 2,000 bookmarks, written directly (2,000 fsynced toggles would be slow)
    store = open_store(library, data_dir)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    bookmarks = [
        {"id": f"id{i}", "path": a.path, "link": a.link, "fingerprint": a.fingerprint, "title": a.title}
        for i, a in enumerate(marked)
    ]
    store.path.write_text(json.dumps({"version": 1, "library": str(library), "bookmarks": bookmarks}))
    store.reload()
    # Every article moved to a new folder: only link/fingerprint can find them.
    moved = [make_article("new/" + a.path, a.title, link=a.link, fingerprint=a.fingerprint) for a in articles]
    paths = store.bookmarked_paths(moved)
    pairs = store.resolve(moved)
    hits = sum(store.is_bookmarked(a) for a in moved)
    assert paths == {"new/" + a.path for a in marked}
    assert all(found is not None for _, found in pairs) and hits == 2_000


# --------------------------------------------------------------------------- corrupt files


CORRUPT_CASES = {
    "invalid-json": b'{"version": 1, "bookmarks": [',
    "not-utf8": b"\xff\xfe\x00garbage",
    "wrong-top-level": b"[1, 2, 3]",
    "wrong-version": b'{"version": 2, "bookmarks": []}',
    "missing-version": b'{"bookmarks": []}',
    "wrong-bookmark-shape": b'{"version": 1, "bookmarks": [{"id": 5, "path": "a.md"}]}',
    "wrong-scroll": b'{"version": 1, "reading": [{"id": "r", "path": "a.md", "scroll": -3}]}',
    "wrong-searches": b'{"version": 1, "searches": ["a"]}',
}


@pytest.mark.parametrize("content", CORRUPT_CASES.values(), ids=CORRUPT_CASES.keys())
def test_corrupt_file_is_moved_aside_with_a_notice(library: Path, data_dir: Path, content: bytes) -> None:
    path = StateStore(library, data_dir).path
    path.write_bytes(content)

    store = open_store(library, data_dir)
    [aside] = list(path.parent.glob(path.name + ".corrupt-*"))
    assert aside.read_bytes() == content  # the user's bytes are kept exactly
    assert len(aside.name.rsplit(".corrupt-", 1)[1]) == len("YYYYmmdd-HHMMSS")
    [notice] = store.notices
    assert str(path) in notice and str(aside) in notice
    assert store.bookmarks() == [] and store.saved_searches() == {}

    assert store.toggle_bookmark(art("a.md")) is True  # and the new store works
    assert aside.read_bytes() == content
    fresh = open_store(library, data_dir)
    assert fresh.notices == [] and fresh.is_bookmarked(art("a.md"))


def test_a_second_corruption_in_the_same_second_does_not_overwrite_the_first(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenClock:  # type: ignore[override]
            return cls(2024, 5, 1, 12, 0, 0)

    monkeypatch.setattr(storage_module, "datetime", FrozenClock)
    path = StateStore(library, data_dir).path
    path.write_bytes(b"first garbage")
    open_store(library, data_dir)
    path.write_bytes(b"second garbage")
    store = open_store(library, data_dir)
    first = path.with_name(path.name + ".corrupt-20240501-120000")
    second = path.with_name(path.name + ".corrupt-20240501-120000-2")
    assert first.read_bytes() == b"first garbage"
    assert second.read_bytes() == b"second garbage"
    assert str(second) in store.notices[0]


def test_file_corrupted_while_running_is_moved_aside_at_the_next_write(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    store.toggle_bookmark(art("a.md"))
    store.path.write_bytes(b"\x00\x00 truncated by some other tool")
    assert store.toggle_bookmark(art("b.md")) is True
    [aside] = list(store.path.parent.glob(store.path.name + ".corrupt-*"))
    assert aside.read_bytes() == b"\x00\x00 truncated by some other tool"
    assert len(store.notices) == 1 and str(aside) in store.notices[0]
    assert {bm["path"] for bm in on_disk(store)["bookmarks"]} == {"b.md"}


def test_corrupt_file_that_cannot_be_moved_aside_is_never_overwritten(
    library: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object, now: object = None) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage_module.JsonFile, "move_aside", refuse)
    path = StateStore(library, data_dir).path
    path.write_bytes(b"not json")
    store = open_store(library, data_dir)
    assert "will not be saved" in store.notices[0] and str(path) in store.notices[0]
    assert store.toggle_bookmark(art("a.md")) is True  # works for the session...
    store.set_scroll(art("a.md"), 9)
    store.flush()
    assert store.is_bookmarked(art("a.md")) and store.scroll_of(art("a.md")) == 9
    assert path.read_bytes() == b"not json"  # ...but the original is untouched


def test_hand_trimmed_file_with_missing_sections_loads(library: Path, data_dir: Path) -> None:
    path = StateStore(library, data_dir).path
    path.write_text('{"version": 1, "bookmarks": [{"id": "k", "path": "a.md"}]}')
    store = open_store(library, data_dir)
    assert store.notices == []
    assert store.is_bookmarked(art("a.md", fingerprint=""))
    assert store.saved_searches() == {}


# --------------------------------------------------------------------------- reading state


def test_scroll_is_coalesced_in_memory_and_written_by_flush(library: Path, data_dir: Path) -> None:
    a, b = art("a.md", link="https://ex.org/a"), art("b.md")
    store = open_store(library, data_dir)
    store.toggle_bookmark(b)  # so the file exists
    before = store.path.read_bytes()
    for y in range(500):
        store.set_scroll(a, y)
    assert store.scroll_of(a) == 499 and store.scroll_of(b) == 0
    assert store.path.read_bytes() == before  # no I/O per scroll event
    assert open_store(library, data_dir).scroll_of(a) == 0

    store.flush()
    assert open_store(library, data_dir).scroll_of(a) == 499
    store.set_scroll(b, 7)
    store.toggle_bookmark(art("c.md"))  # any other write carries pending scrolls along
    assert open_store(library, data_dir).scroll_of(b) == 7
    store.set_scroll(a, -5)
    store.close()
    assert open_store(library, data_dir).scroll_of(a) == 0


def test_read_state_round_trips_and_follows_a_move(library: Path, data_dir: Path) -> None:
    a, b = art("a.md", link="https://ex.org/a"), art("b.md", fingerprint="FB")
    store = open_store(library, data_dir)
    store.set_read(a)
    store.set_read(b, True)
    assert store.is_read(a)
    fresh = open_store(library, data_dir)
    assert fresh.is_read(a) and fresh.is_read(b) and not fresh.is_read(art("c.md"))
    fresh.set_read(a, False)
    assert not open_store(library, data_dir).is_read(a)

    moved_b = art("folder/b2.md", fingerprint="FB")
    store = open_store(library, data_dir)
    assert store.read_paths([a, moved_b, art("b.md", fingerprint="new")]) == {"folder/b2.md"}
    store.set_scroll(moved_b, 12)
    store.flush()
    fresh = open_store(library, data_dir)
    assert fresh.is_read(moved_b) and fresh.scroll_of(moved_b) == 12
    assert [e["path"] for e in on_disk(fresh)["reading"]] == ["folder/b2.md"]


def test_unread_entries_at_the_top_are_not_stored(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    a = art("a.md")
    store.set_read(a)
    store.set_read(a, False)
    assert on_disk(store)["reading"] == []


# --------------------------------------------------------------------------- saved searches


def test_saved_searches_round_trip(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    store.save_search("rust", "tag:rust")
    store.save_search("long reads", "size:>10k")
    store.save_search("unread", "is:unread")
    assert open_store(library, data_dir).saved_searches() == {
        "rust": "tag:rust",
        "long reads": "size:>10k",
        "unread": "is:unread",
    }
    store.save_search("rust", "tag:rust -tag:async")
    store.rename_search("long reads", "longreads")
    assert store.delete_search("unread") is True
    assert store.delete_search("unread") is False
    fresh = open_store(library, data_dir)
    expected = [("rust", "tag:rust -tag:async"), ("longreads", "size:>10k")]
    assert list(fresh.saved_searches().items()) == expected

    with pytest.raises(KeyError):
        fresh.rename_search("nope", "x")
    with pytest.raises(ValueError):
        fresh.rename_search("rust", "longreads")
    with pytest.raises(ValueError):
        fresh.save_search("  ", "q")
    fresh.rename_search("rust", "longreads", overwrite=True)
    assert open_store(library, data_dir).saved_searches() == {"longreads": "tag:rust -tag:async"}


def test_saved_search_ops_from_two_stores_merge(library: Path, data_dir: Path) -> None:
    one, two = open_store(library, data_dir), open_store(library, data_dir)
    one.save_search("a", "1")
    two.save_search("b", "2")
    one.delete_search("a")
    assert open_store(library, data_dir).saved_searches() == {"b": "2"}


# --------------------------------------------------------------------------- export


def test_export_markdown_and_json(library: Path, data_dir: Path) -> None:
    store = open_store(library, data_dir)
    linked = art("a.md", link="https://ex.org/a?x=(1)", title="A [great] read")
    plain = art("notes/b.md", title="Plain")
    gone = art("gone.md", title="Gone for good")
    for a in (linked, plain, gone):
        store.add_bookmark(a)
    library_now = [linked, art("moved/b.md", fingerprint=plain.fingerprint, title="Plain")]

    data = json.loads(store.export(library_now, "json"))
    assert data["library"] == str(library.resolve())
    rows = [{k: r[k] for k in ("title", "link", "path", "status")} for r in data["bookmarks"]]
    assert rows == [
        {"title": "A [great] read", "link": "https://ex.org/a?x=(1)", "path": "a.md", "status": "present"},
        {"title": "Plain", "link": "", "path": "moved/b.md", "status": "present"},
        {"title": "Gone for good", "link": "", "path": "gone.md", "status": "missing"},
    ]
    assert all(datetime.fromisoformat(r["added"]) for r in data["bookmarks"])

    md = store.export(library_now, "markdown")
    lines = md.splitlines()
    assert lines[0] == "# Bookmarks — My Library"
    items = [line for line in lines if line.startswith("- ")]
    today = data["bookmarks"][0]["added"][:10]
    assert items == [
        f"- [A \\[great\\] read](<https://ex.org/a?x=(1)>) — `a.md` — added {today}",
        f"- Plain — `moved/b.md` — added {today}",
        f"- Gone for good — `gone.md` — added {today} — **missing**",
    ]
    with pytest.raises(ValueError):
        store.export(library_now, "csv")  # type: ignore[arg-type]


def test_state_package_does_not_import_textual() -> None:
    code = "import sys, reader.state; assert not any(m.startswith('textual') for m in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_a_state_file_linked_from_elsewhere_is_saved_through_its_link(
    library: Path, data_dir: Path, tmp_path: Path
) -> None:
    """A dotfiles folder holding the file, linked into the data folder: saving keeps the link
    and updates the file it leads to (the first save used to replace the link)."""
    store = open_store(library, data_dir)
    store.add_bookmark(make_article("a.md", link="https://example.org/a"))
    kept = tmp_path / "dotfiles" / "reader-state.json"
    kept.parent.mkdir()
    store.path.rename(kept)
    store.path.symlink_to(kept)
    again = open_store(library, data_dir)
    again.add_bookmark(make_article("b.md", link="https://example.org/b"))
    assert store.path.is_symlink()
    assert [b["path"] for b in json.loads(kept.read_text(encoding="utf-8"))["bookmarks"]] == ["a.md", "b.md"]
