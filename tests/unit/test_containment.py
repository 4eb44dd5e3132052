"""Issue 11 C4: a link out of the library, created while reader runs, is never listed, shown or
indexed (the startup walk's rule, applied by live reload too); caches are private."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from test_watch import Watcher

from reader.library import cache
from reader.library.engine import apply_changes
from reader.library.fulltext import index_path, open_index
from reader.library.scan import OUTSIDE, walk
from reader.library.watch import translate

SECRET = "zebracorn"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "library"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\nA good article.\n", encoding="utf-8")
    (root / "soon-a-link.md").write_text("# Soon a link\n\nInnocent.\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow.md").write_text(f"# Shadow\n\nroot:{SECRET}:19000\n", encoding="utf-8")
    return root, outside


def _bytes_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_link_out_of_the_library_made_while_watching_is_refused(setup: tuple[Path, Path]) -> None:
    root, outside = setup
    library = cache.refresh(root)
    index = open_index(root)
    index.sync(library)
    watcher = Watcher(root)
    watcher.thread.start()
    try:
        time.sleep(0.3)
        os.symlink(outside / "shadow.md", root / "shadow.md")
        os.symlink(outside, root / "outside-folder")
        (root / "soon-a-link.md").unlink()
        os.symlink(outside / "shadow.md", root / "soon-a-link.md")
        batch = watcher.next(lambda c: {"shadow.md", "soon-a-link.md"} <= c.changed)
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    library = apply_changes(root, library, batch)
    assert sorted(library.by_path) == ["good.md"]
    refused = {p.path for p in library.problems if p.reason == OUTSIDE}
    assert {"shadow.md", "soon-a-link.md"} <= refused
    # The same verdict as a fresh start.
    _files, report = walk(root)
    assert {p.path for p in report.problems if p.reason == OUTSIDE} == refused | {"outside-folder"}
    index.sync(library)
    index.attach(library)
    assert SECRET.encode() not in _bytes_under(cache.cache_path(root).parent)
    assert SECRET.encode() not in _bytes_under(index_path(root).parent)


def test_an_article_swapped_for_a_link_out_is_not_shown_before_live_reload_sees_it(
    setup: tuple[Path, Path],
) -> None:
    """Opening an article reads its file again: the file, or a folder above it, may have
    become a link out of the library since the walk, and the watcher may not have said so."""
    from reader.library.scan import FileEntry, read_file
    from reader.library.snapshot import Library

    root, outside = setup
    (root / "notes").mkdir()
    (root / "notes" / "shadow.md").write_text("# Notes\n\nInnocent too.\n", encoding="utf-8")
    library = Library.load(root)
    soon, notes = (library.articles[library.by_path[p]] for p in ("soon-a-link.md", "notes/shadow.md"))
    (root / "soon-a-link.md").unlink()
    os.symlink(outside / "shadow.md", root / "soon-a-link.md")
    (root / "notes" / "shadow.md").unlink()
    (root / "notes").rmdir()
    os.symlink(outside, root / "notes")
    for article in (soon, notes):
        shown, problems = library.read(article)
        assert SECRET not in shown.body
        assert [p.reason for p in problems] == [OUTSIDE]
    # The bulk reader (the index's workers, the refresh) refuses the file's own link too.
    entry = FileEntry("soon-a-link.md", str(root / "soon-a-link.md"), 0, 0)
    result = read_file(entry)
    assert result.article is None and [p.reason for p in result.problems] == [OUTSIDE]
    # Without /proc (macOS, BSD) the name is resolved instead.
    real_readlink = os.readlink

    def no_proc(path: str) -> str:
        if str(path).startswith("/proc/"):
            raise FileNotFoundError(path)
        return real_readlink(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "readlink", no_proc)
        assert [p.reason for p in library.read(notes)[1]] == [OUTSIDE]
    # A link that stays inside is still read.
    (root / "soon-a-link.md").unlink()
    os.symlink(root / "good.md", root / "soon-a-link.md")
    assert library.read(soon)[0].title == "Good"


def test_translate_never_walks_a_folder_link_out_of_the_library(setup: tuple[Path, Path]) -> None:
    root, outside = setup
    os.symlink(outside, root / "elsewhere")
    changes = translate(root, [(None, str(root / "elsewhere"))])
    assert changes.changed == {"elsewhere"}  # refused by cache.update_paths, not walked
    library = apply_changes(root, cache.refresh(root), changes)
    assert not any(path.startswith("elsewhere/") for path in library.by_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_index_cache_and_full_text_files_are_private(setup: tuple[Path, Path]) -> None:
    root, _outside = setup
    old = os.umask(0o022)
    try:
        library = cache.refresh(root)
        index = open_index(root)
        index.sync(library)
    finally:
        os.umask(old)
    for folder in (cache.cache_path(root).parent, index_path(root).parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        files = [p for p in folder.iterdir() if p.is_file()]
        assert files
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_non_utf8_file_name_does_not_stop_the_full_text_sync(tmp_path: Path) -> None:
    root = tmp_path / "library"
    root.mkdir()
    for name in ("a.md", "z.md"):
        (root / name).write_text(f"# {name}\n\nbaguette {name[0]}word\n", encoding="utf-8")
    try:
        with open(os.fsencode(root) + b"/caf\xe9.md", "wb") as handle:
            handle.write(b"# Cafe\n\ncroissant\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    library = cache.refresh(root)
    index = open_index(root)
    report = index.sync(library)
    assert report.error is None and report.added == 3
    # Kept across runs: a second sync finds the odd name already indexed, under its own name.
    again = open_index(root).sync(cache.load(root))
    assert again.added == 0 and again.unchanged == 3 and again.removed == 0
    found = open_index(root).search(library, "croissant")
    assert [library.articles[i].path for i in found] == ["caf\udce9.md"]


def test_a_library_named_through_a_link_still_reads_its_own_files(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """What was opened is compared with the folder resolved, not as it was named."""
    from reader.library.scan import walk
    from reader.library.snapshot import Library

    root, _outside = setup
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    entries, report = walk(alias)
    library = Library.from_entries(alias, entries, report)
    article, problems = library.read(library.articles[library.by_path["good.md"]])
    assert problems == [] and "A good article." in article.body
    assert library.file_of(article) == alias / "good.md"
