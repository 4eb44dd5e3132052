"""Related articles: most shared rare tags, IDF-weighted, on small hand-made libraries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_article

from reader.library.model import Article
from reader.library.related import related, related_scores, tag_weight
from reader.library.snapshot import Library


def art(name: str, *tags: str, day: int = 1) -> Article:
    return make_article(f"{name}.md", name, tags=tags, date=datetime(2021, 1, day, tzinfo=UTC))


def build(*articles: Article) -> Library:
    return Library(Path("/lib"), list(articles))


def ids(library: Library, *names: str) -> list[int]:
    return [library.by_path[f"{name}.md"] for name in names]


def test_rare_shared_tags_outweigh_common_ones() -> None:
    filler = [art(f"zd{n}", "ZDNet", "Security") for n in range(50)]
    library = build(
        art("query", "ZDNet", "Security", "Kaseya", "REvil"),
        art("rare", "Kaseya", day=2),  # one rare tag in common
        art("common", "ZDNet", "Security", day=3),  # two very common tags in common
        art("both", "Kaseya", "REvil", day=4),
        *filler,
    )
    found = related(library, library.by_path["query.md"], k=3)
    assert found[:2] == ids(library, "both", "rare")
    assert tag_weight(2, 54) > 2 * tag_weight(52, 54)


def test_the_article_itself_and_unrelated_ones_are_left_out() -> None:
    library = build(art("a", "x", "y"), art("b", "x"), art("c", "z"), art("d"))
    assert related(library, 0) == [1]
    assert related(library, library.by_path["d.md"]) == []
    assert related(library, 2) == []


def test_at_most_k_best_first_ties_newest_first() -> None:
    library = build(
        art("query", "apt", "cve"),
        *(art(f"one{n}", "apt", day=n + 1) for n in range(8)),
        art("two", "apt", "cve", day=1),
    )
    found = related(library, 0, k=5)
    assert len(found) == 5
    assert found[0] == library.by_path["two.md"]
    # The single-tag matches tie: the newest come first.
    assert found[1:] == ids(library, "one7", "one6", "one5", "one4")
    assert related(library, 0, k=0) == []


def test_tags_differing_only_in_case_are_one_tag() -> None:
    library = build(art("a", "Ransomware", "Conti"), art("b", "ransomware", "conti"), art("c", "other"))
    assert related(library, 0) == [1]


def test_early_stop_gives_the_same_answer_as_scoring_everything() -> None:
    # A wide library where most tags are common: the pruned search must agree with brute force.
    articles = []
    for n in range(300):
        tags = [f"common{n % 3}", f"mid{n % 17}", f"rare{n % 61}"]
        if n % 5 == 0:
            tags.append("shared")
        articles.append(art(f"a{n:03}", *tags, day=n % 28 + 1))
    library = build(*articles)
    n_articles = len(library.articles)
    for target in (0, 5, 17, 122, 299):
        mine = related_scores(library, target, k=5)
        brute: dict[int, float] = {}
        for tid in set(library.article_tags[target]):
            weight = tag_weight(len(library.postings[tid]), n_articles)
            for other in library.postings[tid]:
                if other != target:
                    brute[other] = brute.get(other, 0.0) + weight
        best = sorted(brute.values(), reverse=True)[:5]
        assert [round(score, 9) for _, score in mine] == [round(score, 9) for score in best]
        for i, score in mine:
            assert score == pytest.approx(brute[i])


def test_out_of_range_ids_give_nothing() -> None:
    library = build(art("a", "x"), art("b", "x"))
    assert related(library, 7) == []
    assert related(library, -1) == []
