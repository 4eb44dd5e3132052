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


@pytest.mark.parametrize("seed", range(8))
def test_found_in_and_match_agree_with_asking_every_article(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """found_in and match look only at the rows sharing a link, a fingerprint or a path with
    some record; what they find is what asking every article finds, and find() runs for the
    candidates alone (a few marks in a big library must not cost a call per article)."""
    import random

    from reader.library.table import as_table

    rng = random.Random(seed)
    links = ["", "", "https://x/1", "https://x/2", "https://x/3"]
    prints = ["", "f1", "f2", "f3"]
    articles = [
        make_article(f"{n:03}.md", link=rng.choice(links), fingerprint=rng.choice(prints)) for n in range(300)
    ]
    records = [
        Record(str(n), rng.choice([f"{rng.randrange(400):03}.md", "gone.md"]), rng.choice(links), rng.choice(prints))
        for n in range(rng.randint(1, 6))
    ]
    table = Table(records)
    brute = {(a.path, found.id) for a in articles if (found := table.find_article(a)) is not None}
    calls: list[int] = []
    real_find = Table.find
    monkeypatch.setattr(Table, "find", lambda self, *key: calls.append(1) or real_find(self, *key))
    rows = as_table(articles)
    assert {(path, record.id) for path, record in table.found_in(rows)} == brute
    keys = {r.link for r in records if r.link} | {r.fingerprint for r in records if r.fingerprint}
    keys |= {r.path for r in records}
    candidates = [a for a in articles if keys & {a.link, a.fingerprint, a.path}]
    assert len(calls) == len(candidates) < len(articles)
    assert [(r.id, a.path if a else None) for r, a in match(records, articles)] == match_every_row(records, articles)


def match_every_row(records: list[Record], articles: list[Article]) -> list[tuple[str, str | None]]:
    """match() as it was: every article indexed by link, fingerprint and path."""
    by_link: dict[str, list[int]] = {}
    by_fp: dict[str, list[int]] = {}
    for row, a in enumerate(articles):
        if a.link:
            by_link.setdefault(a.link, []).append(row)
        if a.fingerprint:
            by_fp.setdefault(a.fingerprint, []).append(row)
    by_path = {a.path: row for row, a in enumerate(articles)}

    def pick(rows: list[int], record: Record) -> int | None:
        fits = [row for row in rows if not links_conflict(articles[row].link, record.link)]
        return next((row for row in fits if articles[row].path == record.path), fits[0] if fits else None)

    out: list[tuple[str, str | None]] = []
    for record in records:
        found = pick(by_link.get(record.link, []), record) if record.link else None
        if found is None and record.fingerprint:
            found = pick(by_fp.get(record.fingerprint, []), record)
        if found is None:
            at = by_path.get(record.path)
            found = at if at is not None and not links_conflict(articles[at].link, record.link) else None
        out.append((record.id, articles[found].path if found is not None else None))
    return out
