"""The cache's codec keeps every field of every article, and never serves a damaged record."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.library import cache
from reader.library.cache import blobs, codec, pool
from reader.library.model import Article
from reader.library.scan import FileEntry, walk
from reader.library.snapshot import Library

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
NOT_STORED = {"body"}
"""The one field the cache leaves out on purpose: bodies are re-read from the file."""


def _distinct_article() -> Article:
    """An article whose every field holds a value no other field (nor its default) has."""
    values: dict[str, object] = {}
    for number, field in enumerate(dataclasses.fields(Article)):
        kind = str(field.type)
        if field.name == "date":
            values[field.name] = datetime(2021, 7, 25, 10, number, tzinfo=UTC)
        elif field.name == "updated":
            values[field.name] = datetime(2022, 8, 26, 11, number, tzinfo=UTC)
        elif field.name in ("tags", "aliases", "links"):
            values[field.name] = (f"{field.name}-{number}", f"facet.x=value-{number}")
        elif field.name == "draft":
            values[field.name] = True
        elif field.name == "size":
            values[field.name] = 1000 + number
        elif field.name == "mtime":
            values[field.name] = 1_700_000_000_123_456_789 / 1e9
        elif field.name in NOT_STORED:
            values[field.name] = ""
        else:
            assert kind == "str", f"a new field {field.name}: {kind}; teach this test (and the codec) about it"
            values[field.name] = f"{field.name} {number} ✓"
    return Article(**values)  # type: ignore[arg-type]


def _columns(article: Article) -> list[tuple[object, ...]]:
    """The article as a worker hands it back (one parsed file, as columns)."""
    stamp = (article.path, article.size, round(article.mtime * 1e9))
    date = article.date.isoformat() if article.date else None
    head = (*stamp, 1, article.title, article.subtitle, article.source, article.link)
    extra = codec.encode_extra(article)
    row = (*head, date, article.author, codec.TAG_SEP.join(article.tags), article.fingerprint, "", extra)
    parsed = (*head, date, article.author, article.tags, article.fingerprint, "", extra, codec.row_checksum(row))
    return [(value,) for value in parsed]


def _same_fields(got: Article, want: Article) -> None:
    for field in dataclasses.fields(Article):
        assert getattr(got, field.name) == getattr(want, field.name), field.name


def test_every_article_field_survives_parsed_rows_and_snapshot(tmp_path: Path) -> None:
    want = _distinct_article()
    columns = _columns(want)
    [from_parsed] = codec.articles_from_parsed(columns, codec.Dates())
    assert from_parsed is not None
    _same_fields(from_parsed, want)

    stored = list(columns)
    stored[10] = (codec.TAG_SEP.join(want.tags),)
    rows, damaged = codec.verified([tuple(column[0] for column in stored)])
    assert damaged == []
    [from_row], _problems = codec.from_rows(rows)
    _same_fields(from_row, want)

    parts = blobs.snapshot_of(Library(tmp_path, [want]))
    assert parts is not None
    [from_snapshot] = blobs.library_from_snapshot(tmp_path, dict(parts)).articles
    _same_fields(from_snapshot, want)


def test_articles_are_built_by_field_name_and_a_forgotten_field_fails_loudly() -> None:
    names = [field.name for field in dataclasses.fields(Article)]
    built = codec.articles_from_columns(**{name: [f"v-{name}"] for name in names})
    assert [getattr(built[0], name) for name in names] == [f"v-{name}" for name in names]
    with pytest.raises(TypeError, match="missing"):
        codec.articles_from_columns(**{name: [""] for name in names[:-1]})


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(SAMPLE, root)
    return root


def _rows(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(cache.cache_path(root), isolation_level=None)


def _first_article(root: Path) -> tuple[str, str]:
    entries, _report = walk(root)
    parsed = pool.parse_entry(entries[0])
    assert parsed[3] == 1
    return parsed[0], parsed[4]


@pytest.mark.parametrize("column", ["title", "link", "author", "subtitle", "tags", "date", "fingerprint"])
def test_a_damaged_row_is_read_again_never_shown(lib_root: Path, column: str) -> None:
    cache.refresh(lib_root)
    path, title = _first_article(lib_root)
    with _rows(lib_root) as conn:
        conn.execute("DELETE FROM snapshot")  # the rows alone serve the warm start
        value = conn.execute(f"SELECT {column} FROM files WHERE path = ?", (path,)).fetchone()[0]
        flipped = (value[:-1] + chr(ord(value[-1]) ^ 1)) if value else "x"
        conn.execute(f"UPDATE files SET {column} = ? WHERE path = ?", (flipped, path))
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert path not in warm.by_path  # not served as it is now
    assert len(warm) == len(Library.load(lib_root)) - 1
    fixed = cache.refresh(lib_root, warm)  # the next refresh reads that file again
    assert fixed.articles[fixed.by_path[path]].title == title
    assert dataclasses.astuple(fixed.articles[fixed.by_path[path]]) == dataclasses.astuple(
        Library.load(lib_root).articles[fixed.by_path[path]]
    )
    again = cache.load_cached(lib_root)
    assert again is not None and path in again.by_path


def test_a_damaged_snapshot_falls_back_to_the_verified_rows(lib_root: Path) -> None:
    cache.refresh(lib_root)
    with _rows(lib_root) as conn:
        blob = bytearray(conn.execute("SELECT data FROM snapshot WHERE name = 'title'").fetchone()[0])
        blob[len(blob) // 2] ^= 0x01  # one bit: still valid UTF-8, still the same length
        conn.execute("UPDATE snapshot SET data = ? WHERE name = 'title'", (bytes(blob),))
    warm = cache.load_cached(lib_root)
    assert warm is not None
    assert [a.title for a in warm.articles] == [a.title for a in Library.load(lib_root).articles]
    with _rows(lib_root) as conn:
        assert conn.execute("SELECT count(*) FROM snapshot").fetchone()[0] == 0  # dropped, rewritten next time
    cache.refresh(lib_root, warm)
    with _rows(lib_root) as conn:
        assert conn.execute("SELECT count(*) FROM snapshot").fetchone()[0] > 0


def test_parse_entry_checksums_what_its_row_stores(lib_root: Path) -> None:
    entries, _report = walk(lib_root)
    broken = lib_root / "broken.md"
    broken.write_bytes(b"\x00\x01" * 300)
    st = broken.stat()
    for entry in [*entries[:3], FileEntry("broken.md", str(broken), st.st_size, st.st_mtime_ns)]:
        parsed = pool.parse_entry(entry)
        stored = (*parsed[:10], codec.TAG_SEP.join(parsed[10]), *parsed[11:-1])
        assert codec.row_checksum(stored) == parsed[-1]


def test_every_module_that_reads_files_is_in_the_parser_version() -> None:
    """Editing a module the parser uses must invalidate old caches: none may be on the skip list."""
    import subprocess
    import sys

    from reader.library.cache import schema

    # read_file and the parser it imports on the first read
    code = "import sys, reader.library.scan, reader.library.parse; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    used = {name.rsplit(".", 1)[-1] for name in loaded if name.startswith("reader.library.") and name.count(".") == 2}
    assert {"parse", "scan", "model", "dates", "tags"} <= used
    assert used & schema._NOT_PARSING == set()


def test_modules_whose_results_the_snapshot_stores_are_in_the_parser_version() -> None:
    """The snapshot keeps the ``reader list --json`` records (safe_json), the date keys (table)
    and the months (timeline): a change to any of them must not be served from an old cache."""
    from reader.library.cache import schema

    assert {"safe_json", "table", "timeline"} & schema._NOT_PARSING == set()
