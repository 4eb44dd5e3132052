"""The persistent index cache: hits, misses, invalidation, and never trusting a bad cache file."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reader.library import cache
from reader.library.cache import pool, schema
from reader.library.model import Article
from reader.library.scan import walk
from reader.library.snapshot import Library

SAMPLE = Path(__file__).resolve().parents[2] / "articles"




@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    """A copy of the sample library plus a file with problems, in a folder we may change."""
    root = tmp_path / "library"
    shutil.copytree(SAMPLE, root)
    (root / "broken.md").write_bytes(b"# Broken \xff title\n\nbody\n")
    (root / "binary.md").write_bytes(b"\x00\x01\x02" * 400)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# Secret\n", encoding="utf-8")
    return root


@pytest.fixture
def parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file the cache module parses (the serial path runs in this process)."""
    parsed: list[str] = []
    real = pool.read_file

    def counting(entry):  # type: ignore[no-untyped-def]
        parsed.append(entry.path)
        return real(entry)

    monkeypatch.setattr(pool, "read_file", counting)
    return parsed


def plain(library: Library) -> tuple[list[Article], list[object], list[str]]:
    """What must match between a cached and a freshly parsed library (bodies are never cached)."""
    articles = [dataclasses.replace(a, body="") for a in library.articles]
    return articles, list(library.problems), list(library.skipped_dirs)


def fresh(root: Path) -> tuple[list[Article], list[object], list[str]]:
    return plain(Library.load(root))


def bump_mtime(path: Path, seconds: int = 10) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


# -- hit and miss ---------------------------------------------------------------------------


def test_miss_then_hit_without_parsing(lib_root: Path, parse_counter: list[str]) -> None:
    assert cache.load_cached(lib_root) is None
    cold = cache.refresh(lib_root)
    assert sorted(parse_counter) == sorted(e.path for e in walk(lib_root)[0])
    assert ".hidden/secret.md" not in parse_counter
    assert plain(cold) == fresh(lib_root)
    assert cache.cache_path(lib_root).exists()

    parse_counter.clear()
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert plain(warm) == fresh(lib_root)
    assert parse_counter == []
    again = cache.refresh(lib_root, warm)
    assert again is warm  # nothing changed: the same snapshot back
    assert parse_counter == []


def test_problems_survive_a_warm_start(lib_root: Path) -> None:
    cache.refresh(lib_root)
    warm = cache.load_cached(lib_root)
    assert warm is not None
    reasons = {(p.path, p.skipped) for p in warm.problems}
    assert ("binary.md", True) in reasons
    assert ("broken.md", False) in reasons
    assert warm.skipped_dirs == [".hidden"]


def test_rows_serve_when_the_snapshot_is_gone(lib_root: Path, parse_counter: list[str]) -> None:
    cache.refresh(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        conn.execute("DELETE FROM snapshot")
    parse_counter.clear()
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert plain(warm) == fresh(lib_root)
    assert parse_counter == []
    # and the next refresh writes the snapshot again
    assert cache.refresh(lib_root, warm) is warm
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        assert conn.execute("SELECT count(*) FROM snapshot").fetchone()[0] > 0


def test_refresh_without_a_library_uses_the_rows(lib_root: Path, parse_counter: list[str]) -> None:
    cache.refresh(lib_root)
    parse_counter.clear()
    again = cache.refresh(lib_root)  # no library passed: unchanged files come from the cache
    assert parse_counter == []
    assert plain(again) == fresh(lib_root)


def test_no_cache_neither_reads_nor_writes(lib_root: Path, parse_counter: list[str]) -> None:
    library = cache.load(lib_root, use_cache=False)
    assert plain(library) == fresh(lib_root)
    assert not cache.cache_path(lib_root).exists()


# -- invalidation ---------------------------------------------------------------------------


def test_changed_mtime_reparses_that_file_only(lib_root: Path, parse_counter: list[str]) -> None:
    warm = cache.refresh(lib_root)
    target = lib_root / "corvid-router-botnet-grows.md"
    target.write_text(target.read_text(encoding="utf-8").replace("Corvid", "Corbie", 1), encoding="utf-8")
    bump_mtime(target)
    parse_counter.clear()
    updated = cache.refresh(lib_root, warm)
    assert parse_counter == ["corvid-router-botnet-grows.md"]
    assert updated.articles[updated.by_path[target.name]].title.startswith("Corbie")
    assert plain(updated) == fresh(lib_root)
    assert plain(cache.load_cached(lib_root)) == fresh(lib_root)  # type: ignore[arg-type]


def test_changed_size_with_the_same_mtime_is_noticed(lib_root: Path, parse_counter: list[str]) -> None:
    cache.refresh(lib_root)
    target = lib_root / "ledger" / "mothball-leak-site-goes-dark.md"
    before = target.stat()
    target.write_text(target.read_text(encoding="utf-8").replace("# Mothball", "# Moth", 1), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size != before.st_size
    parse_counter.clear()
    updated = cache.refresh(lib_root, cache.load_cached(lib_root))
    assert parse_counter == ["ledger/mothball-leak-site-goes-dark.md"]
    assert updated.articles[updated.by_path["ledger/mothball-leak-site-goes-dark.md"]].title.startswith("Moth ")


def test_deleted_file_disappears_and_new_file_appears(lib_root: Path, parse_counter: list[str]) -> None:
    warm = cache.refresh(lib_root)
    (lib_root / "weekend-reading-list.md").unlink()
    (lib_root / "notes" / "fresh.md").write_text("# A fresh note\n\nHello.\n", encoding="utf-8")
    parse_counter.clear()
    updated = cache.refresh(lib_root, warm)
    assert parse_counter == ["notes/fresh.md"]
    assert "weekend-reading-list.md" not in updated.by_path
    assert updated.articles[updated.by_path["notes/fresh.md"]].title == "A fresh note"
    assert plain(updated) == fresh(lib_root)
    reloaded = cache.load_cached(lib_root)
    assert reloaded is not None and plain(reloaded) == fresh(lib_root)


def test_problem_file_fixed_loses_its_problem(lib_root: Path) -> None:
    warm = cache.refresh(lib_root)
    assert any(p.path == "binary.md" for p in warm.problems)
    (lib_root / "binary.md").write_text("# Not binary any more\n", encoding="utf-8")
    bump_mtime(lib_root / "binary.md")
    updated = cache.refresh(lib_root, warm)
    assert not any(p.path == "binary.md" for p in updated.problems)
    assert plain(updated) == fresh(lib_root)


# -- a cache not to be trusted ----------------------------------------------------------------


def test_garbage_cache_file_is_rebuilt(lib_root: Path) -> None:
    cache.refresh(lib_root)
    path = cache.cache_path(lib_root)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(os.urandom(8192))
    assert cache.load_cached(lib_root) is None
    rebuilt = cache.refresh(lib_root)
    assert plain(rebuilt) == fresh(lib_root)
    warm = cache.load_cached(lib_root)
    assert warm is not None and plain(warm) == fresh(lib_root)


def test_truncated_cache_file_is_never_trusted(lib_root: Path) -> None:
    cache.refresh(lib_root)
    path = cache.cache_path(lib_root)
    with sqlite3.connect(path) as conn:  # fold the WAL in, so the file holds everything
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    warm = cache.load_cached(lib_root)
    assert warm is None or plain(warm) == fresh(lib_root)
    assert plain(cache.refresh(lib_root, warm)) == fresh(lib_root)
    again = cache.load_cached(lib_root)
    assert again is not None and plain(again) == fresh(lib_root)


def test_damaged_snapshot_falls_back_to_the_rows(lib_root: Path) -> None:
    cache.refresh(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        conn.execute("UPDATE snapshot SET data = X'00FF' WHERE name = 'tag_ids'")
    warm = cache.load_cached(lib_root)
    assert warm is not None and plain(warm) == fresh(lib_root)


def test_cached_path_outside_the_library_is_refused(lib_root: Path) -> None:
    cache.refresh(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        conn.execute("DELETE FROM snapshot")
        conn.execute("UPDATE files SET path = '../../etc/passwd.md' WHERE path = 'weekend-reading-list.md'")
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert all(".." not in a.path.split("/") for a in warm.articles)


def test_schema_version_bump_rebuilds(lib_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.refresh(lib_root)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema, "SCHEMA", (*schema.SCHEMA[:-1], f"PRAGMA user_version = {schema.SCHEMA_VERSION}"))
    assert cache.load_cached(lib_root) is None
    rebuilt = cache.refresh(lib_root)
    assert plain(rebuilt) == fresh(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert cache.load_cached(lib_root) is not None


def test_parser_change_rebuilds(lib_root: Path, monkeypatch: pytest.MonkeyPatch, parse_counter: list[str]) -> None:
    cache.refresh(lib_root)
    monkeypatch.setattr(schema, "_PARSER_VERSION", "another-parser")
    assert cache.load_cached(lib_root) is None
    parse_counter.clear()
    cache.refresh(lib_root)
    assert len(parse_counter) > 30  # everything parsed again


def test_cache_of_another_folder_is_not_used(lib_root: Path, tmp_path: Path) -> None:
    cache.refresh(lib_root)
    other = tmp_path / "other"
    shutil.copytree(lib_root, other)
    shutil.copy(cache.cache_path(lib_root), cache.cache_path(other))
    assert cache.load_cached(other) is None


@contextmanager
def held_write_lock(path: Path) -> Iterator[None]:
    """What another reader process refreshing the same library holds."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def test_another_writer_means_no_writing(lib_root: Path) -> None:
    warm = cache.refresh(lib_root)
    path = cache.cache_path(lib_root)
    (lib_root / "notes" / "fresh.md").write_text("# Fresh\n", encoding="utf-8")
    with held_write_lock(path):
        updated = cache.refresh(lib_root, warm)  # must not wait, must not write
        assert "notes/fresh.md" in updated.by_path
        cached = cache.load_cached(lib_root)  # reading is still fine
        assert cached is not None and "notes/fresh.md" not in cached.by_path
    assert "notes/fresh.md" in cache.refresh(lib_root, cached).by_path
    again = cache.load_cached(lib_root)
    assert again is not None and "notes/fresh.md" in again.by_path


def test_database_locked_by_another_connection_does_not_crash(lib_root: Path) -> None:
    cache.refresh(lib_root)
    path = cache.cache_path(lib_root)
    (lib_root / "notes" / "fresh.md").write_text("# Fresh\n", encoding="utf-8")
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("PRAGMA journal_mode=DELETE")  # leave WAL: an exclusive lock blocks readers too
        blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
        blocker.execute("BEGIN EXCLUSIVE")
        blocker.execute("DELETE FROM meta WHERE key = 'nothing'")
        warm = cache.load_cached(lib_root)  # None (locked) or a valid library: never an exception
        assert warm is None or plain(warm)[0]
        updated = cache.refresh(lib_root, warm)
        assert plain(updated) == fresh(lib_root)
        assert path.exists()  # a locked cache is bypassed, not deleted
    finally:
        blocker.close()
    assert plain(cache.refresh(lib_root)) == fresh(lib_root)


def test_unwritable_cache_folder_still_loads(lib_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert cache.load_cached(lib_root) is None
    assert plain(cache.load(lib_root)) == fresh(lib_root)


def test_file_name_that_is_not_utf8(lib_root: Path) -> None:
    odd = os.fsencode(lib_root) + b"/odd-\xff-name.md"
    with open(odd, "wb") as handle:
        handle.write(b"# Odd name\n\nbody\n")
    first = cache.refresh(lib_root)
    assert plain(first) == fresh(lib_root)
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert plain(cache.refresh(lib_root, warm)) == fresh(lib_root)


# -- streaming and parallel parsing -----------------------------------------------------------


def test_progress_and_partial_batches(lib_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CHUNK_SIZE", 4)
    progress: list[tuple[int, int]] = []
    batches: list[int] = []
    library = cache.refresh(
        lib_root, None, lambda done, total: progress.append((done, total)), lambda b: batches.append(len(b))
    )
    total = progress[-1][1]
    assert progress[-1] == (total, total)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert batches and batches == sorted(batches) and batches[-1] < len(library)


def test_parallel_parse_gives_the_same_library(lib_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 8)
    monkeypatch.setattr(pool, "CHUNK_SIZE", 5)
    library = cache.refresh(lib_root, workers=2)
    assert plain(library) == fresh(lib_root)


# -- live updates -----------------------------------------------------------------------------


def test_update_reparses_only_the_given_paths(lib_root: Path, parse_counter: list[str]) -> None:
    library = cache.refresh(lib_root)
    (lib_root / "notes" / "fresh.md").write_text("# Fresh\n", encoding="utf-8")
    shutil.rmtree(lib_root / "ledger")
    parse_counter.clear()
    updated = cache.update_paths(lib_root, library, {"notes/fresh.md"}, {"ledger"})
    assert parse_counter == ["notes/fresh.md"]
    assert plain(updated)[0] == fresh(lib_root)[0]
    assert cache.update_paths(lib_root, updated, set(), {"not/there.md"}) is updated
    warm = cache.load_cached(lib_root)  # the cache followed
    assert warm is not None and plain(warm)[0] == fresh(lib_root)[0]
