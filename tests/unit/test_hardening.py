"""Issue 11, A and D: one file never takes the library down, and messages tell the truth.

Each class of fault is guarded where it enters (``scan.read_file`` for anything raised while
reading one file, ``scan.not_regular`` for files that are not files); these tests drive every
path that reads a file through that guard.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import clipping_text, note_text

from reader.library import cache, parse
from reader.library.parse import parse_text
from reader.library.scan import FileEntry, read_file, walk
from reader.library.snapshot import Library
from reader.library.watch import Changes, translate
from reader.ui.screens.modals import problem_count, problem_lines, reload_failed_message

GOOD = "# Good one\n\nText.\n"


@pytest.fixture
def explosive(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A library where parsing ``bad.md`` raises (as any parser bug a hostile file finds would)."""
    root = tmp_path / "lib"
    root.mkdir()
    (root / "good.md").write_text(GOOD, encoding="utf-8")
    (root / "bad.md").write_text("# Bad one\n", encoding="utf-8")
    real = parse.parse_bytes

    def parse_bytes(data: bytes, path: str, *, total_size: int | None = None):  # type: ignore[no-untyped-def]
        if path == "bad.md":
            raise ValueError("offset must be a timedelta")
        return real(data, path, total_size=total_size)

    monkeypatch.setattr(parse, "parse_bytes", parse_bytes)
    return root


def _assert_bad_is_a_problem(library: Library) -> None:
    assert [a.path for a in library.articles] == ["good.md"]
    problems = [p for p in library.problems if p.path == "bad.md"]
    assert len(problems) == 1 and problems[0].skipped
    assert "ValueError" in problems[0].reason and "offset" in problems[0].reason


def test_an_exception_in_one_file_is_its_problem_in_the_cold_scan(explosive: Path) -> None:
    _assert_bad_is_a_problem(Library.load(explosive))


def test_an_exception_in_one_file_is_its_problem_in_the_cache_refresh(explosive: Path) -> None:
    _assert_bad_is_a_problem(cache.refresh(explosive, workers=0))
    _assert_bad_is_a_problem(cache.load(explosive))  # warm start from the cache


def test_an_exception_in_one_file_is_its_problem_in_live_reload(explosive: Path) -> None:
    library = Library.load(explosive)
    (explosive / "bad.md").write_text("# Bad one, edited\n", encoding="utf-8")
    _assert_bad_is_a_problem(cache.update_paths(explosive, library, ["bad.md"], []))


def test_an_exception_while_opening_an_article_is_its_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    library = Library.load(tmp_path)

    def explode(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse, "parse_bytes", explode)
    article, problems = library.read(library.articles[0])
    assert article.title == "Good one" and article.body == ""
    assert [str(p) for p in problems] == [
        "good.md: skipped: could not be parsed (RecursionError: maximum recursion depth exceeded)"
    ]


def test_reload_failed_names_the_files() -> None:
    changes = Changes(frozenset({"a/\x1b]0;x\x07.md"}), frozenset(), False)
    message = reload_failed_message(changes, ValueError("boom"))
    assert message == "Reload failed (a/\u241b]0;x\u2407.md): ValueError: boom"
    many = Changes(frozenset(f"{n}.md" for n in range(5)), frozenset(), False)
    assert reload_failed_message(many, OSError("x")).startswith("Reload failed (0.md, 1.md, 2.md and 2 more)")


_IMPOSSIBLE_ZONES = ("July 25, 2021 10:00 +99:99", "2021-07-25T10:00:00+99:99", "Sun, 25 Jul 2021 10:00:00 +9999")


@pytest.mark.parametrize(
    "text",
    [clipping_text("T", date=_IMPOSSIBLE_ZONES[0])]
    + [note_text("Body.", front_matter={"title": "T", "date": zone}) for zone in _IMPOSSIBLE_ZONES],
)
def test_an_impossible_time_zone_keeps_the_date(text: str) -> None:
    result = parse_text(text, "x.md")
    assert result.article is not None
    assert result.article.date == datetime(2021, 7, 25, 10, 0, tzinfo=UTC)


def test_an_invalid_date_is_listed_as_a_problem() -> None:
    result = parse_text("---\ntitle: T\ndate: 2024-01-010\n---\nBody.\n", "x.md")
    assert result.article is not None and result.article.date is None
    assert [(p.reason, p.skipped) for p in result.problems] == [
        ("date '2024-01-010' not understood; shown as undated", False)
    ]
    clipping = parse_text("# T\n\n## Information:\n+ Date: 31 Foo 2021\n\n## Article:\nB\n", "y.md")
    assert any("31 Foo 2021" in p.reason for p in clipping.problems)


@pytest.mark.parametrize("value", ["unknown", "n/a", "", "1969-12-31T19:00:00-05:00", "2024-01-10"])
def test_a_date_that_says_none_or_is_fine_is_no_problem(value: str) -> None:
    result = parse_text(f"---\ntitle: T\ndate: '{value}'\n---\nBody.\n", "x.md")
    assert result.problems == []


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
def test_a_fifo_is_reported_by_the_walk(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    library = Library.load(tmp_path)
    assert [a.path for a in library.articles] == ["good.md"]
    assert [str(p) for p in library.problems] == ["pipe.md: skipped: is a named pipe (FIFO), not a regular file"]


@needs_fifo
def test_a_fifo_swapped_in_while_the_app_runs_is_a_problem_not_an_empty_article(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "swap.md").write_text("# Swapped\n\nText.\n", encoding="utf-8")
    library = Library.load(tmp_path)
    entries, _ = walk(tmp_path)
    os.unlink(tmp_path / "swap.md")
    os.mkfifo(tmp_path / "swap.md")
    # Opening it (the walk saw a file): reported, not read as empty, and it does not block.
    result = read_file(next(e for e in entries if e.path == "swap.md"))
    assert result.article is None and "named pipe" in result.problems[0].reason
    article = library.articles[library.by_path["swap.md"]]
    _, problems = library.read(article)
    assert problems and "named pipe" in problems[0].reason
    # Live reload: the watcher's event becomes a change, and the change a problem.
    changes = translate(tmp_path, [(None, str(tmp_path / "swap.md"))])
    assert changes.changed == {"swap.md"}
    updated = cache.update_paths(tmp_path, library, changes.changed, changes.deleted)
    assert [a.path for a in updated.articles] == ["good.md"]
    assert [p.path for p in updated.problems] == ["swap.md"] and "named pipe" in updated.problems[0].reason


def test_an_empty_library_shows_its_problems(tmp_path: Path) -> None:
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    library = Library.load(tmp_path)
    assert len(library) == 0
    lines = problem_lines(library)
    assert problem_count(library) == 1 == len(lines)
    assert lines[0][0] == "binary.md" and lines[0][2]


def test_read_file_never_raises_on_a_socket(tmp_path: Path) -> None:
    import socket

    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no unix sockets")
    path = tmp_path / "s.md"
    server = socket.socket(socket.AF_UNIX)
    try:
        try:
            server.bind(str(path))
        except OSError:
            pytest.skip("cannot bind a unix socket here")
        result = read_file(FileEntry("s.md", str(path), 0, 0))
        assert result.article is None and result.problems[0].reason == "is a socket, not a regular file"
    finally:
        server.close()


def _rows(text: str) -> list[str]:
    from reader.ui.render import render_markdown

    return render_markdown(text, 100).plain


def test_a_10000_level_blockquote_shows_its_text_with_a_marker() -> None:
    rows = _rows("# Deep quote\n\n" + ">" * 10_000 + " the innermost words\n")
    assert any("⋯ nested deeper: the innermost words" in row for row in rows)


def test_a_deeply_nested_list_keeps_every_item() -> None:
    rows = " ".join(_rows("".join("  " * depth + f"- item{depth}\n" for depth in range(300))))
    words = rows.replace("⋯", " ").split()
    assert all(f"item{depth}" in words for depth in range(300))
    assert "nested deeper:" in rows
    one_line = " ".join(_rows("- " * 5000 + "deep item\n"))
    assert "⋯ nested deeper: deep item" in one_line


def test_shallow_nesting_is_left_alone() -> None:
    text = "> a\n> > b\n\n- one\n  - two\n    - three\n"
    from reader.ui.render.nesting import clamp_nesting

    assert clamp_nesting(text) == text


def _table(columns: int, rows: int, cell: str = "r{row}") -> str:
    header = "|" + "|".join(f"c{i}" for i in range(columns)) + "|\n|" + "|".join("-" * columns) + "|\n"
    body = ("|" + "|".join(cell.format(row=r) for _ in range(columns)) + "|\n" for r in range(rows))
    return header + "".join(body)


def test_a_huge_table_renders_a_bounded_part_with_a_note() -> None:
    from reader.ui.render.nesting import MAX_TABLE_LINES

    rows = _rows("# Huge table\n\n" + _table(200, 4000, "x") + "\nAfter the table.\n")  # 1.6 MB
    assert len(rows) < 5 * MAX_TABLE_LINES  # 500 wrapped rows, not 4,000 of 200 columns
    # 40 columns kept, so 2,000 cells / 40 = 50 rows (TABLE_CELL_BUDGET): 3,950 more
    assert any("… 3,950 more rows and 160 more columns of this table not shown" in row for row in rows)
    assert any("After the table." in row for row in rows)
    narrow = _rows(_table(3, 1000))
    assert any("r499" in row for row in narrow) and not any("r500" in row for row in narrow)
    assert any("… 500 more rows of this table not shown" in row for row in narrow)


def test_a_small_table_is_whole() -> None:
    rows = _rows(_table(3, 20))
    assert any("r19" in row for row in rows) and not any("not shown" in row for row in rows)


def test_render_memory_does_not_grow_with_the_table() -> None:
    """Peak Python memory for a 500-row and a 5,000-row table: about the same (it was 3 GB)."""
    import tracemalloc

    from reader.ui.render import render_markdown

    peaks = []
    for rows in (600, 6000):
        text = _table(200, rows, "x") + f"\n{rows}\n"  # distinct texts: no render cache hit
        tracemalloc.start()
        try:
            doc = render_markdown(text, 120)
            _ = [doc.lines[i] for i in range(doc.height)]
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 3 * peaks[0], peaks
