"""The helpers every storage layer shares: file names, the library root, SQLite, atomic writes."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader import fsutil, paths
from reader.library import cache, sqlite
from reader.library.fulltext import index_path
from reader.state import StateStore

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "My Articles"
    shutil.copytree(SAMPLE, root)
    return root


def test_every_spelling_of_a_library_shares_its_cache_index_and_state(library: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-to-articles"
    link.symlink_to(library)
    spellings = [library, link, library / ".." / library.name, Path(str(library) + "/")]
    for spelling in spellings:
        assert paths.library_root(spelling) == library.resolve()
    assert len({cache.cache_path(s) for s in spellings}) == 1
    assert len({index_path(s) for s in spellings}) == 1
    assert len({StateStore(s).path for s in spellings}) == 1


def test_the_state_file_keeps_the_name_it_had(library: Path) -> None:
    """Users' bookmarks files were named ``<ascii slug>-<12 hex of sha256(path)>.json``."""
    resolved = str(library.resolve())
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    assert StateStore(library).path.name == f"my-articles-{digest}.json"


def test_a_cache_under_its_old_name_is_moved_into_place_not_rebuilt(library: Path) -> None:
    cache.refresh(library)
    new = cache.cache_path(library)
    legacy = new.with_name(paths._legacy_name(library.resolve()))
    os.replace(new, legacy)
    assert legacy.name.startswith("My-Articles-")
    warm = cache.load_cached(library)  # finds the old file under its new name
    assert warm is not None and len(warm) > 0
    assert new.exists() and not legacy.exists()


def test_a_transaction_commits_or_leaves_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE t (x INTEGER)")
    with sqlite.transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(KeyboardInterrupt), sqlite.transaction(conn):
        conn.execute("INSERT INTO t VALUES (2)")
        raise KeyboardInterrupt
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_busy_is_told_apart_from_broken(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("BEGIN IMMEDIATE")
    assert sqlite.is_busy(busy.value)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError) as corrupt:
        sqlite3.connect(broken).execute("SELECT * FROM sqlite_master").fetchall()
    assert not sqlite.is_busy(corrupt.value)
    assert not sqlite.is_busy(ValueError("database is locked"))


def test_deleting_a_database_takes_its_sidecars(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").write_text("x")
    (tmp_path / "t.sqlite.lock").write_text("")
    sqlite.delete_database(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.sqlite.lock"]


def test_the_stamp_tolerance_absorbs_a_float_round_trip_but_not_an_edit() -> None:
    ns = 1_700_000_000_123_456_789
    assert sqlite.same_stamp(10, ns / 1e9, 10, float(f"{ns / 1e9!r}"))
    assert not sqlite.same_stamp(10, ns / 1e9, 10, (ns + 2_000) / 1e9)
    assert not sqlite.same_stamp(10, ns / 1e9, 11, ns / 1e9)


def test_a_failed_atomic_write_keeps_the_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "state.json"
    fsutil.atomic_write_text(target, "old")

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        fsutil.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left behind
