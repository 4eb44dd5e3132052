"""Re-finding a stored record (a bookmark, a reading mark) after its article moved or changed.

Link first, then the text's fingerprint, then the path; never across two different links.
Checked on plain records and :func:`factories.make_article` articles, both lookups: one
article (``Table.find_article``) and a whole library (``match``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from factories import make_article

from reader.library.model import Article
from reader.state.identity import Table, links_conflict, match


@dataclass(frozen=True)
class Record:
    id: str
    path: str
    link: str = ""
    fingerprint: str = ""


def both(record: Record, *articles: Article) -> list[Article | None]:
    """Where each lookup finds ``record`` among ``articles``: [by match, by Table]."""
    (pair,) = match([record], articles)
    table = Table([record])
    found = next((article for article in articles if table.find_article(article) is record), None)
    return [pair[1], found]


def test_a_moved_file_is_found_by_its_link() -> None:
    moved = make_article("new/place.md", link="https://example.org/a", fingerprint="edited")
    record = Record("1", "old/place.md", link="https://example.org/a", fingerprint="original")
    assert both(record, moved) == [moved, moved]


def test_a_moved_file_without_a_link_is_found_by_its_text() -> None:
    moved = make_article("renamed.md", fingerprint="same text")
    assert both(Record("1", "note.md", fingerprint="same text"), moved) == [moved, moved]


def test_an_edited_file_is_found_at_its_path() -> None:
    edited = make_article("note.md", fingerprint="new text")
    assert both(Record("1", "note.md", fingerprint="old text"), edited) == [edited, edited]


def test_a_different_link_at_the_same_path_is_another_article() -> None:
    replaced = make_article("news.md", link="https://example.org/other", fingerprint="same")
    record = Record("1", "news.md", link="https://example.org/first", fingerprint="same")
    assert both(record, replaced) == [None, None]


def test_of_exact_copies_the_one_at_the_recorded_path_wins() -> None:
    copies = [make_article(path, fingerprint="dup") for path in ("a.md", "b.md", "c.md")]
    (pair,) = match([Record("1", "b.md", fingerprint="dup")], copies)
    assert pair[1] is copies[1]
    assert Table([Record("1", "b.md", fingerprint="dup")]).find("", "dup", "b.md") is not None


def test_a_record_whose_article_is_gone_pairs_with_none() -> None:
    assert match([Record("1", "gone.md", fingerprint="x")], [make_article("other.md")]) == [
        (Record("1", "gone.md", fingerprint="x"), None)
    ]


def test_replacing_a_record_keeps_its_place_and_its_indexes_in_step() -> None:
    table = Table([Record("1", "a.md", link="https://example.org/a"), Record("2", "b.md")])
    table.put(Record("1", "moved/a.md", link="https://example.org/a"))
    assert [record.path for record in table] == ["moved/a.md", "b.md"]
    assert table.find("", "", "a.md") is None  # the old path no longer points at it
    assert table.find("https://example.org/a", "", "anywhere.md") == table.get("1")
    assert table.drop("2") == Record("2", "b.md") and len(table) == 1 and "2" not in table


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [("https://x/1", "https://x/2", True), ("https://x/1", "https://x/1", False), ("", "https://x/2", False)],
)
def test_only_two_known_different_links_conflict(a: str, b: str, conflict: bool) -> None:
    assert links_conflict(a, b) is conflict
