"""The CLI's walk in a forked child (:mod:`reader.library.prewalk`) gives exactly the in-process
walk — entries, odd names, skipped folders, problems — and any failure of the child falls
back to walking in-process, so ``reader list`` prints the same either way."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from factories import clipping_text, write_clipping, write_file

from reader.library import prewalk
from reader.library.engine import Engine
from reader.library.scan import walk

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _library(root: Path) -> Path:
    """Files of every kind the walk reports: nested folders, a hidden folder (skipped), a
    name with ESC and a non-UTF-8 byte, a symbolic link out of the folder (a problem), a
    folder that is a link inside it (its files keep the link's path)."""
    write_clipping(root, "a.md", "First")
    write_clipping(root, "a-b.md", "Dash sorts before the folder")
    write_clipping(root, "a/x.md", "In a folder")
    write_clipping(root, ".hidden/h.md", "Hidden")
    write_clipping(root, "odd \x1b[31m name.md", "Escape in the name")
    (root / os.fsdecode(b"bad-\xff.md")).write_bytes(b"# Not UTF-8 \xff\n")
    write_file(root, "empty.md", "")
    outside = root.parent / "outside.md"
    outside.write_text("# Outside\n", encoding="utf-8")
    (root / "link-out.md").symlink_to(outside)
    (root / "alias").symlink_to(root / "a", target_is_directory=True)
    return root


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked during the test."""
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def _all_reaped(pids: list[int]) -> bool:
    """Each child was waited for (no zombie left): waiting again finds no such child."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_the_child_walk_equals_the_walk(tmp_path: Path, forks: list[int]) -> None:
    root = _library(tmp_path / "lib")
    result, walked = prewalk.while_walking(root, lambda: "loaded")
    assert result == "loaded"
    assert walked is not None
    entries, report = walked
    expected_entries, expected_report = walk(root)
    assert entries == expected_entries
    assert any(entry.path.startswith("alias/") for entry in entries)
    assert report == expected_report
    assert report.skipped_dirs == [".hidden"] and report.problems
    assert len(forks) == 1 and _all_reaped(forks)


def test_an_empty_folder_walks_to_nothing(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    _, walked = prewalk.while_walking(tmp_path / "lib", lambda: None)
    assert walked is not None and walked[0] == [] and walked[0] == walk(tmp_path / "lib")[0]


def test_a_failing_child_gives_none_and_the_cli_lists_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    root = _library(tmp_path / "lib")
    truth = Engine(root, use_cache=False).load()

    def broken(_root: Path) -> bytes:
        raise OSError("the child cannot walk")

    monkeypatch.setattr(prewalk, "_walk_columns", broken)  # the forked child inherits it
    result, walked = prewalk.while_walking(root, lambda: 1)
    assert (result, walked) == (1, None)
    library = Engine(root).load()
    assert [a.path for a in library.articles] == [a.path for a in truth.articles]
    assert library.problems == truth.problems
    assert len(forks) == 2 and _all_reaped(forks)


def test_a_truncated_answer_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _library(tmp_path / "lib")
    whole = prewalk._walk_columns
    monkeypatch.setattr(prewalk, "_walk_columns", lambda r: whole(r)[:-7])
    assert prewalk.while_walking(root, lambda: 1) == (1, None)


def test_an_error_meanwhile_reaps_the_child_and_goes_on(tmp_path: Path, forks: list[int]) -> None:
    root = _library(tmp_path / "lib")

    def failing() -> None:
        raise RuntimeError("cache broke")

    with pytest.raises(RuntimeError, match="cache broke"):
        prewalk.while_walking(root, failing)
    assert len(forks) == 1 and _all_reaped(forks)


def test_no_fork_while_another_thread_runs(tmp_path: Path) -> None:
    root = _library(tmp_path / "lib")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not prewalk.available()
        assert prewalk.while_walking(root, lambda: 2) == (2, None)
    finally:
        stop.set()
        thread.join()


def test_a_warm_load_with_edits_equals_a_fresh_read(tmp_path: Path) -> None:
    """Through the engine: the cache compared with the child's walk sees an edit, an
    addition and a deletion exactly as the in-process walk does."""
    root = _library(tmp_path / "lib")
    assert prewalk.available()
    Engine(root).load()
    write_file(root, "a.md", clipping_text("First, edited"), later=True)
    write_clipping(root, "new/n.md", "Added")
    (root / "a-b.md").unlink()
    warm = Engine(root).load()
    fresh = Engine(root, use_cache=False).load()
    assert [(a.path, a.title) for a in warm.articles] == [(a.path, a.title) for a in fresh.articles]
    assert warm.problems == fresh.problems and warm.skipped_dirs == fresh.skipped_dirs
    assert Engine(root).load().articles == warm.articles


def _wide(root: Path) -> Path:
    """Folders on the top level (so two children walk it, a share each), with files, hidden
    folders, problems and a link out of the folder between them and below them."""
    _library(root)
    for folder in ("b", "c", "d", "e/f", "e/g/h", "z"):
        write_clipping(root, f"{folder}/one.md", f"One in {folder}")
        write_clipping(root, f"{folder}/two.md", f"Two in {folder}")
    write_clipping(root, "c-between.md", "Between folders")
    write_clipping(root, "e/.hidden/no.md", "Hidden below")
    (root / "d" / "link-out.md").symlink_to(root.parent / "outside.md")
    write_file(root, "z/empty.md", "")
    return root


ONE_CORE = len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) < 2


@pytest.mark.skipif(ONE_CORE, reason="one core: one child walks")
def test_two_children_walk_a_share_each_and_equal_the_walk(tmp_path: Path, forks: list[int]) -> None:
    root = _wide(tmp_path / "lib")
    assert prewalk.shares_for(root) == 2
    result, walked = prewalk.while_walking(root, lambda: "loaded")
    assert result == "loaded" and walked is not None
    entries, report = walked
    expected_entries, expected_report = walk(root)
    assert list(entries) == expected_entries
    assert report == expected_report
    assert "e/.hidden" in report.skipped_dirs and any(p.path == "d/link-out.md" for p in report.problems)
    assert len(forks) == 2 and _all_reaped(forks)
    # Through the engine, with edits on both sides of the cut: the same as a fresh read.
    Engine(root).load()
    write_file(root, "b/one.md", clipping_text("Edited in b"), later=True)
    (root / "z" / "two.md").unlink()
    warm = Engine(root).load()
    fresh = Engine(root, use_cache=False).load()
    assert [(a.path, a.title) for a in warm.articles] == [(a.path, a.title) for a in fresh.articles]
    assert warm.problems == fresh.problems and warm.skipped_dirs == fresh.skipped_dirs


def test_shares_that_meet_through_a_link_are_walked_once_in_process(tmp_path: Path) -> None:
    """A folder reached from both shares (the real one in the first, a link to it in the
    second): only a single walk reports the second visit, so the shares are not used."""
    root = _wide(tmp_path / "lib")
    write_clipping(root, "b/sub/x.md", "Below b")  # b is in the first share, z in the second
    (root / "z" / "back").symlink_to(root / "b" / "sub", target_is_directory=True)
    if ONE_CORE:
        pytest.skip("one core: one child walks")
    _, walked = prewalk.while_walking(root, lambda: None)
    assert walked is None
    expected_entries, expected_report = walk(root)
    assert any("already visited" in p.reason for p in expected_report.problems)
    library = Engine(root).load()
    assert [a.path for a in library.articles] == [e.path for e in expected_entries]
    assert library.problems == Engine(root, use_cache=False).load().problems


def test_a_flat_or_small_folder_is_walked_by_one_child(tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    for n in range(3):
        write_clipping(flat, f"n{n}.md", f"Note {n}")
    write_clipping(flat, "only/x.md", "One folder")
    assert prewalk.shares_for(flat) == 1
    many = tmp_path / "many"
    for folder in ("a", "b"):
        write_clipping(many, f"{folder}/x.md", "In a folder")
    for n in range(prewalk.SHARE_MAX_TOP_FILES + 1):
        (many / f"n{n}.md").write_text("# n\n", encoding="utf-8")
    assert prewalk.shares_for(many) == 1


def test_the_walk_is_compared_with_the_snapshots_digest_of_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm start checks the walk against the digest the snapshot keeps of the rows' stamps
    instead of reading the rows; a snapshot without one (an older cache) reads the rows."""
    import sqlite3

    from reader.library import cache
    from reader.library.cache import compare

    root = _wide(tmp_path / "lib")
    Engine(root).load()
    read: list[int] = []
    real = compare._rows_are

    def counted(writer: object, files: object) -> bool:
        read.append(1)
        return real(writer, files)  # type: ignore[arg-type]

    monkeypatch.setattr(compare, "_rows_are", counted)
    cached = cache.load_cached(root)
    assert cached is not None
    _, walked = prewalk.while_walking(root, lambda: None)
    assert walked is not None
    assert cache.refresh(root, cached, walked=walked) is cached
    assert read == []
    with sqlite3.connect(cache.cache_path(root)) as conn:
        conn.execute("DELETE FROM snapshot WHERE name = 'stamps'")
    conn.close()
    assert cache.refresh(root, cached, walked=prewalk.while_walking(root, lambda: None)[1]) is cached
    assert read == [1]
    with sqlite3.connect(cache.cache_path(root)) as conn:
        conn.execute("DELETE FROM snapshot")
    conn.close()
    assert cache.refresh(root, cached) is cached  # writes a snapshot, with its digest
    read.clear()
    write_file(root, "c/one.md", clipping_text("Edited"), later=True)
    cached = cache.load_cached(root)
    assert cached is not None
    _, walked = prewalk.while_walking(root, lambda: None)
    updated = cache.refresh(root, cached, walked=walked)
    assert read == []  # the digest told the walk from the rows
    assert updated.articles[updated.by_path["c/one.md"]].title == "Edited"
    assert [a.path for a in updated.articles] == [a.path for a in Engine(root, use_cache=False).load().articles]
