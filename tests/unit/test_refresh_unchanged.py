"""The warm refresh's "nothing changed" path: it compares each walked file with the cache and
the library as it goes, and must still notice every kind of change the full path notices."""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.library import cache, scan
from reader.library.cache import pool, writer
from reader.library.scan import ScanReport, iter_walk, walk
from reader.library.snapshot import Library

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(SAMPLE, root)
    (root / "binary.md").write_bytes(b"\x00\x01\x02" * 400)  # a skipped file: a problem, no article
    (root / "broken.md").write_bytes(b"# Broken \xff title\n\nbody\n")  # an article with a problem
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    found: list[str] = []
    real = pool.read_file

    def counting(entry):  # type: ignore[no-untyped-def]
        found.append(entry.path)
        return real(entry)

    monkeypatch.setattr(pool, "read_file", counting)
    return found


def warm(root: Path) -> Library:
    cache.refresh(root)
    library = cache.load_cached(root)
    assert library is not None
    return library


def plain(library: Library) -> tuple[object, ...]:
    articles = [dataclasses.replace(a, body="") for a in library.articles]
    return articles, list(library.problems), list(library.skipped_dirs)


def fresh(root: Path) -> tuple[object, ...]:
    return plain(Library.load(root))


def test_nothing_changed_holds_neither_the_walk_nor_the_stamps(
    lib_root: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = warm(lib_root)

    def refused(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("the full path was taken for an unchanged library")

    monkeypatch.setattr(writer.CacheWriter, "stamps", refused)
    monkeypatch.setattr(importlib.import_module("reader.library.cache.refresh"), "walk", refused)
    parsed.clear()
    assert cache.refresh(lib_root, library) is library
    assert parsed == []


def test_an_edit_that_keeps_the_size_is_noticed(lib_root: Path, parsed: list[str]) -> None:
    library = warm(lib_root)
    target = lib_root / "corvid-router-botnet-grows.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Corvid", "Corbie", 1), encoding="utf-8")
    assert len(target.read_bytes()) == len(text.encode())
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    parsed.clear()
    updated = cache.refresh(lib_root, library)
    assert updated is not library
    assert parsed == ["corvid-router-botnet-grows.md"]
    assert updated.articles[updated.by_path[target.name]].title.startswith("Corbie")
    assert plain(updated) == fresh(lib_root)


def test_a_deleted_file_is_noticed(lib_root: Path) -> None:
    library = warm(lib_root)
    last = max(lib_root.rglob("*.md"))  # the last row of the cache: no walked file comes after it
    last.unlink()
    updated = cache.refresh(lib_root, library)
    assert last.relative_to(lib_root).as_posix() not in updated.by_path
    assert plain(updated) == fresh(lib_root)


def test_a_new_file_is_noticed(lib_root: Path, parsed: list[str]) -> None:
    library = warm(lib_root)
    (lib_root / "zz-last.md").write_text("# Arrived last\n", encoding="utf-8")
    parsed.clear()
    updated = cache.refresh(lib_root, library)
    assert parsed == ["zz-last.md"]
    assert plain(updated) == fresh(lib_root)


def test_a_renamed_file_is_noticed(lib_root: Path, parsed: list[str]) -> None:
    library = warm(lib_root)
    (lib_root / "weekend-reading-list.md").rename(lib_root / "notes" / "weekend.md")
    parsed.clear()
    updated = cache.refresh(lib_root, library)
    assert "weekend-reading-list.md" not in updated.by_path and "notes/weekend.md" in updated.by_path
    assert plain(updated) == fresh(lib_root)


def test_an_unchanged_skipped_file_keeps_the_library(lib_root: Path) -> None:
    library = warm(lib_root)
    assert any(p.path == "binary.md" and p.skipped for p in library.problems)
    assert cache.refresh(lib_root, library) is library


def test_a_new_link_out_of_the_library_is_a_problem(lib_root: Path, tmp_path: Path) -> None:
    library = warm(lib_root)
    (tmp_path / "outside.md").write_text("# Outside\n", encoding="utf-8")
    (lib_root / "leak.md").symlink_to(tmp_path / "outside.md")
    updated = cache.refresh(lib_root, library)
    assert updated is not library
    assert "leak.md" not in updated.by_path
    assert any(p.path == "leak.md" and p.reason == scan.OUTSIDE for p in updated.problems)


def test_a_cache_another_process_wrote_is_followed(lib_root: Path) -> None:
    library = warm(lib_root)  # this process's library, from the cache as it was
    target = lib_root / "weekend-reading-list.md"
    target.write_text("# Rewritten elsewhere\n", encoding="utf-8")
    cache.refresh(lib_root, cache.load_cached(lib_root))  # "another process" brings the cache up to date
    updated = cache.refresh(lib_root, library)  # disk and cache agree; ``library`` is behind both
    assert updated is not library
    assert updated.articles[updated.by_path[target.name]].title == "Rewritten elsewhere"


def test_a_cache_row_a_nanosecond_off_is_parsed_again(lib_root: Path, parsed: list[str]) -> None:
    library = warm(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        conn.execute("UPDATE files SET mtime_ns = mtime_ns + 1 WHERE path = 'weekend-reading-list.md'")
    parsed.clear()
    cache.refresh(lib_root, library)  # the library's float mtime still matches: the cache does not
    assert parsed == ["weekend-reading-list.md"]
    again = cache.load_cached(lib_root)  # the row holds the file's stamp again
    parsed.clear()
    assert again is not None and cache.refresh(lib_root, again) is again
    assert parsed == []


def test_a_missing_cache_row_is_parsed_again(lib_root: Path, parsed: list[str]) -> None:
    library = warm(lib_root)
    with sqlite3.connect(cache.cache_path(lib_root)) as conn:
        conn.execute("DELETE FROM files WHERE path = 'weekend-reading-list.md'")
    parsed.clear()
    assert plain(cache.refresh(lib_root, library)) == fresh(lib_root)
    assert parsed == ["weekend-reading-list.md"]


def test_without_a_cache_the_library_alone_decides(lib_root: Path) -> None:
    library = cache.refresh(lib_root, use_cache=False)
    assert cache.refresh(lib_root, library, use_cache=False) is not library  # binary.md: parsed again
    (lib_root / "binary.md").unlink()
    library = cache.refresh(lib_root, use_cache=False)
    assert cache.refresh(lib_root, library, use_cache=False) is library
    (lib_root / "notes" / "fresh.md").write_text("# Fresh\n", encoding="utf-8")
    assert "notes/fresh.md" in cache.refresh(lib_root, library, use_cache=False).by_path


def test_the_walk_comes_in_path_order(tmp_path: Path) -> None:
    names = ["a-b.md", "a/x.md", "a.md", "a.md.md", "a.md.d/z.md", "a0.md", "a/b/c.md", "a/b.md", "a/b-.md",
             "é.md", "e.md", "Z.md", "a b.md", "a!/x.md", "x.y/z.md", "x/y.markdown", "x/y/z/w.md", "~.md"]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# t\n", encoding="utf-8")
    found = [entry.path for entry in iter_walk(tmp_path, ScanReport([], []))]
    assert found == sorted(names)
    assert [entry.path for entry in walk(tmp_path)[0]] == found


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("change", ["edit", "delete", "add", "problem"])
def test_a_change_is_found_with_one_walk(
    lib_root: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str], where: str, change: str
) -> None:
    library = warm(lib_root)
    files = [entry.path for entry in walk(lib_root)[0]]
    target = lib_root / files[{"first": 0, "middle": len(files) // 2, "last": -1}[where]]
    if change == "edit":
        target.write_text("# Edited\n", encoding="utf-8")
        st = target.stat()
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))
    elif change == "delete":
        target.unlink()
    elif change == "add":
        target.with_name(f"{target.stem}-new.md").write_text("# New\n", encoding="utf-8")
    else:  # binary now: a skipped file, a problem instead of an article
        target.write_bytes(b"\x00\x01\x02" * 300)
        st = target.stat()
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))

    walks: list[Path] = []

    def counted(root: Path) -> tuple[list[scan.FileEntry], ScanReport]:
        walks.append(root)
        return walk(root)

    monkeypatch.setattr(importlib.import_module("reader.library.cache.refresh"), "walk", counted)
    parsed.clear()
    updated = cache.refresh(lib_root, library)
    assert walks == []  # the files the comparison matched came from the cache, the rest from its walk
    assert updated is not library
    assert len(parsed) <= 1
    assert plain(updated) == fresh(lib_root)
    reloaded = cache.load_cached(lib_root)
    assert reloaded is not None and plain(reloaded) == fresh(lib_root)
    assert cache.refresh(lib_root, reloaded) is reloaded


ODD_NAMES = [
    b"caf\xe9.md", b"cafe.md", "café.md".encode(), "caf\ue000.md".encode(), b"z/\xff\xfe.md", b"\xe9t\xe9/a.md"
]  # fmt: skip
"""File names around a name that is not UTF-8 (``\\xe9``, a lone surrogate once decoded): the
same name in UTF-8, U+E000 (the cache's escape character) and names sorting either side."""


@pytest.fixture
def odd_root(tmp_path: Path) -> Path:
    if not os.path.supports_unicode_filenames and os.name == "nt":
        pytest.skip("file names are UTF-16 here")
    root = tmp_path / "odd"
    shutil.copytree(SAMPLE, root)
    for name in ODD_NAMES:
        target = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(b"# A title \xee\x80\x80 kept\n\nbody\n" if b"\xe9" in name else b"# Plain\n\nbody\n")
    return root


def test_names_that_are_not_utf8_keep_their_cache_rows(odd_root: Path, parsed: list[str]) -> None:
    library = warm(odd_root)
    odd = os.fsdecode(b"caf\xe9.md")
    assert odd in library.by_path and os.fsdecode(b"z/\xff\xfe.md") in library.by_path
    parsed.clear()
    assert cache.refresh(odd_root, library) is library  # before: every start took the full path
    assert parsed == []
    # The rows alone (no snapshot) give the same library, every odd name and title exact.
    path = cache.cache_path(odd_root)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM snapshot")
    conn.close()
    from_rows = cache.load_cached(odd_root)
    assert from_rows is not None and plain(from_rows) == fresh(odd_root)
    assert from_rows.articles[from_rows.by_path[odd]].title == "A title \ue000 kept"
    parsed.clear()
    assert cache.refresh(odd_root, from_rows) is from_rows
    assert parsed == []


def test_names_that_are_not_utf8_are_compared_with_the_childs_walk(odd_root: Path, parsed: list[str]) -> None:
    from reader.library import prewalk

    if not prewalk.available():
        pytest.skip("no fork here")
    library = warm(odd_root)
    parsed.clear()
    _, walked = prewalk.while_walking(odd_root, lambda: None)
    assert walked is not None
    assert cache.refresh(odd_root, library, walked=walked) is library
    assert parsed == []


def test_a_deleted_or_changed_odd_name_is_noticed(odd_root: Path, parsed: list[str]) -> None:
    library = warm(odd_root)
    os.unlink(os.path.join(os.fsencode(odd_root), b"caf\xe9.md"))
    changed = os.path.join(os.fsencode(odd_root), b"z/\xff\xfe.md")
    with open(changed, "wb") as handle:
        handle.write(b"# Changed\n\nnew body\n")
    st = os.stat(changed)
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))
    parsed.clear()
    updated = cache.refresh(odd_root, library)
    assert parsed == [os.fsdecode(b"z/\xff\xfe.md")]
    assert os.fsdecode(b"caf\xe9.md") not in updated.by_path
    assert plain(updated) == fresh(odd_root)
    reloaded = cache.load_cached(odd_root)
    assert reloaded is not None and plain(reloaded) == fresh(odd_root)
    parsed.clear()
    assert cache.refresh(odd_root, reloaded) is reloaded
    assert parsed == []
