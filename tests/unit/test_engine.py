"""The one pipeline (open → cache → refresh → full text → changes → marks → query) both front ends use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.library import cache
from reader.library.cache import pool
from reader.library.engine import Engine, Marks, apply_changes
from reader.library.fulltext import SyncReport
from reader.library.snapshot import Library
from reader.library.watch import Changes
from reader.state import StateStore

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(SAMPLE, root)
    (root / "kestrel.md").write_text("# Falcons\n\nA vorpalwing hovers over the motorway verge.\n", encoding="utf-8")
    return root


def test_marks_follow_the_state_and_feed_the_query(lib_root: Path, tmp_path: Path) -> None:
    engine = Engine(lib_root)
    library = engine.load()
    store = StateStore(lib_root, data_dir=tmp_path / "data")
    first, second = library.articles[0], library.articles[1]
    store.add_bookmark(first)
    store.set_read(second)
    store.add_highlight(second, "", "x", "", note="remember")
    marks = engine.marks(library, store)
    assert marks == Marks(
        bookmarked=frozenset({0}), read=frozenset({1}), highlighted=frozenset({1}), noted=frozenset({1})
    )
    assert engine.search(library, "is:bookmarked", marks).ids == [0]
    assert engine.search(library, "has:note", marks).ids == [1]
    assert len(engine.search(library, "is:unread", marks).ids) == len(library) - 1
    assert engine.marks(library, None) == Marks()


def test_open_publishes_the_cache_first_then_the_refreshed_library(lib_root: Path) -> None:
    Engine(lib_root).load()  # a cache from an earlier run
    (lib_root / "new.md").write_text("# Brand new\n\nwords\n", encoding="utf-8")
    published: list[tuple[int, bool]] = []
    ready: list[SyncReport] = []
    engine = Engine(lib_root)
    final = engine.open(
        lambda lib, streaming: published.append((len(lib), streaming)), full_text_ready=lambda _l, r: ready.append(r)
    )
    assert final is not None
    assert published == [(len(final) - 1, False), (len(final), False)]
    assert ready and ready[0].error is None
    assert engine.search(final, "vorpalwing", Marks()).ids == [final.by_path["kestrel.md"]]  # a body word


def test_a_first_ever_open_streams_partial_libraries(lib_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CHUNK_SIZE", 4)
    published: list[tuple[int, bool]] = []
    final = Engine(lib_root).open(lambda lib, streaming: published.append((len(lib), streaming)))
    assert final is not None
    assert published[-1] == (len(final), False)
    streamed = [size for size, streaming in published if streaming]
    assert streamed and streamed == sorted(streamed) and streamed[-1] < len(final)


def test_open_shows_the_parsed_library_before_the_cache_saves_it(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving the snapshot takes seconds at 100,000 articles; the UI need not wait for it.
    Shown once: the library refresh returns is the one already published."""
    from reader.library.cache.writer import CacheWriter

    Engine(lib_root).load()
    (lib_root / "new.md").write_text("# Brand new\n\nwords\n", encoding="utf-8")
    events: list[str] = []
    save = CacheWriter.write_snapshot

    def write_snapshot(self: CacheWriter, library: Library, report: object) -> None:
        events.append(f"saved {len(library)}")
        save(self, library, report)  # type: ignore[arg-type]

    monkeypatch.setattr(CacheWriter, "write_snapshot", write_snapshot)
    final = Engine(lib_root).open(lambda lib, streaming: events.append(f"shown {len(lib)}"))
    assert final is not None
    count = len(final)
    assert events == [f"shown {count - 1}", f"shown {count}", f"saved {count}"]


def test_open_reports_how_far_the_full_text_index_is(lib_root: Path) -> None:
    """The app shows it: until the end, body search covers only what is indexed."""
    seen: list[tuple[int, int]] = []
    final = Engine(lib_root).open(lambda _lib, _streaming: None, full_text_progress=lambda d, t: seen.append((d, t)))
    assert final is not None
    assert seen and seen[-1] == (len(final), len(final))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_open_stops_when_cancelled(lib_root: Path) -> None:
    assert Engine(lib_root).open(lambda _lib, _streaming: None, cancelled=lambda: True) is None


def test_apply_rereads_changes_and_the_full_text_follows(lib_root: Path) -> None:
    engine = Engine(lib_root)
    library = engine.load(full_text=True)
    assert engine.search(library, "snarkbait", Marks()).ids == []
    (lib_root / "kestrel.md").write_text("# Falcons\n\nAn snarkbait this time.\n", encoding="utf-8")
    (lib_root / "weekend-reading-list.md").unlink()
    changes = Changes(changed=frozenset({"kestrel.md"}), deleted=frozenset({"weekend-reading-list.md"}))
    updated = engine.apply(library, changes)
    assert "weekend-reading-list.md" not in updated.by_path
    assert engine.search(updated, "snarkbait", Marks()).ids == [updated.by_path["kestrel.md"]]
    assert engine.search(updated, "vorpalwing", Marks()).ids == []
    assert engine.apply(updated, Changes()) is updated


def test_apply_changes_rescans_when_the_folder_itself_changed(lib_root: Path) -> None:
    library = cache.refresh(lib_root)
    (lib_root / "quiet.md").write_text("# Quiet\n", encoding="utf-8")
    assert apply_changes(lib_root, library, Changes()) is library
    rescanned = apply_changes(lib_root, library, Changes(rescan=True))
    assert "quiet.md" in rescanned.by_path
    assert isinstance(apply_changes(lib_root, None, Changes()), Library)


def test_no_cache_writes_no_cache_file(lib_root: Path) -> None:
    engine = Engine(lib_root, use_cache=False)
    library = engine.load(full_text=True)
    assert engine.search(library, "vorpalwing", Marks()).ids == [library.by_path["kestrel.md"]]
    assert not cache.cache_path(lib_root).exists()
