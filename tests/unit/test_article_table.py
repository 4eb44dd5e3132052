"""The library's articles as columns: the same articles as before, made only when asked for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.library import cache, safe_json, table
from reader.library.engine import Engine
from reader.library.model import Article
from reader.library.snapshot import Library
from reader.library.table import ArticleTable
from tests.factories import make_article, utc, write_clipping

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the articles the table makes from its columns, in order."""
    paths: list[str] = []
    real = table.Article

    def counting(*values: object) -> Article:
        article = real(*values)  # type: ignore[arg-type]
        paths.append(article.path)
        return article

    monkeypatch.setattr(table, "Article", counting)
    return paths


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "lib"
    shutil.copytree(SAMPLE, root)
    return root


def test_a_table_is_the_articles_it_was_made_of() -> None:
    articles = [make_article(f"{n}.md", date=utc(2020, n), tags=(f"t{n}",)) for n in range(1, 4)]
    rows = ArticleTable.of(articles)
    assert list(rows) == articles and rows == articles
    assert len(rows) == 3 and rows[-1] is articles[-1] and rows[1:] == articles[1:]
    assert rows.column("title") == [a.title for a in articles]
    assert list(ArticleTable.of([])) == [] and len(ArticleTable.of([])) == 0


def test_a_warm_load_makes_no_article_until_a_row_is_asked_for(library_copy: Path, made: list[str]) -> None:
    cold = Engine(library_copy).load()
    expected = [Article(*(getattr(a, name) for name in table.FIELDS)) for a in Library.load(library_copy).articles]
    made.clear()

    warm = Engine(library_copy).load()  # from the snapshot: index, sort orders, date order
    result = warm.search("", sort="title")
    warm.tag_counts(result.ids[:5])
    warm.token_lines()
    out = safe_json.rows(warm.articles, result.ids, [False] * len(result.ids))
    assert made == []
    assert out == safe_json.articles([cold.articles[i] for i in result.ids], [False] * len(result.ids))

    third = warm.articles[3]
    assert made == [third.path] and warm.articles[3] is third  # made once, then kept
    assert list(warm.articles) == expected  # every field of every article, as parsed


def test_live_changes_keep_the_unchanged_rows_unmade(library_copy: Path, made: list[str]) -> None:
    Engine(library_copy).load()
    warm = cache.load_cached(library_copy)
    assert warm is not None
    first, gone = warm.articles.column("path")[:2]
    made.clear()
    write_clipping(library_copy, "new.md", "A new one", date="January 1, 2030")
    (library_copy / gone).unlink()
    changed = cache.update_paths(library_copy, warm, ["new.md"], [gone])

    assert made == []
    paths = changed.articles.column("path")
    assert "new.md" in paths and gone not in paths and list(paths) == sorted(paths)
    assert changed.articles[changed.by_path[first]] == warm.articles[warm.by_path[first]]
    assert changed.articles[changed.orders["date"][0]].title == "A new one"  # its date key too
    assert changed.articles == Library.load(library_copy).articles


def test_stored_records_print_what_the_columns_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``reader list --json`` from the cache's stored records: the same bytes as encoding the
    columns, hostile names and titles and bookmark flags included; the app never loads them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "lib"
    shutil.copytree(SAMPLE, root)
    hostile = ["\x1b[31mred\x1b[0m", "C1 \x9b2J", "bidi \u202egnp.exe", 'quote " \\ back', "zero\u200bwidth", "ünï ☃"]
    for n, text in enumerate(hostile):
        write_clipping(root, f"h{n} {text[:4]}.md", text, source=text, tags=(text, f"facet.x={text}"))
    Engine(root).load()
    for_cli = Engine(root).load(json_rows=True)
    for_app = cache.load_cached(root)
    assert for_cli.memo.json_rows is not None and for_app is not None and for_app.memo.json_rows is None
    everything = for_cli.search("").ids  # the stored order: the records are copied whole
    assert len(everything) == 36 + len(hostile)
    some = [i % 3 == 0 for i in range(len(everything))]
    cases = [
        (everything, [False] * len(everything)),
        (everything, some),
        (for_cli.search("", sort="title").ids, some),
        (for_cli.search("tag:ransomware").ids, [True, False] * 20),
        (everything[:-1], some[:-1]),
        ([], []),
    ]
    for ids, given in cases:
        flags = given[: len(ids)]
        stored = b"".join(safe_json.stored_rows(*for_cli.memo.json_rows, ids, flags))
        assert stored == safe_json.rows(for_app.articles, ids, flags).encode("utf-8")
        records = [for_app.articles[i].to_json(bookmarked=b) for i, b in zip(ids, flags, strict=True)]
        assert stored == safe_json.dumps(records).encode()


def test_reading_state_is_matched_without_making_the_library(
    library_copy: Path, made: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Bookmarks and read marks are found by their link, fingerprint and path columns: the
    articles made are the few they match, not the whole library."""
    from reader.state import StateStore

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    cold = Engine(library_copy).load()
    store = StateStore(library_copy)
    store.toggle_bookmark(cold.articles[2])
    store.set_read(cold.articles[5])
    engine = Engine(library_copy)
    warm = engine.load()
    made.clear()

    marks = engine.marks(warm, StateStore(library_copy))
    assert marks.bookmarked == {warm.by_path[cold.articles[2].path]}
    assert marks.read == {warm.by_path[cold.articles[5].path]}
    assert sorted(set(made)) == sorted({cold.articles[2].path, cold.articles[5].path})
