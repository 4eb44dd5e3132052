"""The tag sidebar's model, without a widget: which rows a result gives, grouped and counted.

Checked through :func:`sidebar_tree` on a small in-memory library, by what the sidebar shows:
row labels, their counts and how they nest.
"""

from __future__ import annotations

from pathlib import Path

from factories import make_article

from reader.library.sidebar import sidebar_tree
from reader.library.snapshot import Library

LIBRARY = Library(
    Path("/nonexistent"),
    [
        make_article(
            "a.md", tags=("Ransomware", "action.malware.name=Conti", "victim.country.name=China", "research/ai")
        ),
        make_article(
            "b.md",
            tags=(
                "Ransomware",
                "action.malware.name=LockBit",
                "victim.country.name=China",
                "research/crypto",
                "Phishing",
            ),
        ),
        make_article("c.md", tags=("phishing", "research")),
    ],
)
EVERYTHING = [0, 1, 2]


def rows(ids: list[int], **options: object) -> dict[str, object]:
    """The tree as ``{label: (count, {child label: …})}``, order aside."""

    def walk(node) -> dict[str, object]:  # type: ignore[no-untyped-def]
        return {child.label: (child.count, walk(child)) for child in node.children}

    return walk(sidebar_tree(LIBRARY, ids, **options))  # type: ignore[arg-type]


def test_flat_tags_share_one_group_biggest_first() -> None:
    library = Library(
        Path("/nonexistent"),
        [
            make_article("1.md", tags=("x", "z")),
            make_article("2.md", tags=("x", "y", "z")),
            make_article("3.md", tags=("x",)),
        ],
    )
    (flat,) = sidebar_tree(library, [0, 1, 2]).children
    assert flat.label == "Tags"
    assert [(child.label, child.count) for child in flat.children] == [("x", 3), ("z", 2), ("y", 1)]
    assert {child.label for child in sidebar_tree(LIBRARY, EVERYTHING).children[-1].children} == {
        "Phishing",
        "Ransomware",
        "research",
    }


def test_tags_differing_only_in_case_are_one_row() -> None:
    assert rows(EVERYTHING)["Tags"][1]["Phishing"] == (2, {})  # type: ignore[index]


def test_facets_are_folded_groups_before_the_flat_tags() -> None:
    tree = sidebar_tree(LIBRARY, EVERYTHING)
    labels = [node.label for node in tree.children]
    assert labels[-1] == "Tags"
    assert set(labels[:-1]) == {"action › malware", "victim › country"}
    assert rows(EVERYTHING)["action › malware"] == (2, {"Conti": (1, {}), "LockBit": (1, {})})


def test_a_group_counts_articles_not_values() -> None:
    # China is on two articles; so is its group, once each.
    assert rows(EVERYTHING)["victim › country"] == (2, {"China": (2, {})})
    # research (c), research/ai (a), research/crypto (b): three articles under research.
    research = rows(EVERYTHING)["Tags"][1]["research"]  # type: ignore[index]
    assert research == (3, {"ai": (1, {}), "crypto": (1, {})})


def test_counts_follow_the_result() -> None:
    only_a = rows([0])
    assert only_a["action › malware"] == (1, {"Conti": (1, {})})
    assert "Phishing" not in only_a["Tags"][1]  # type: ignore[index]


def test_an_excluded_tag_stays_listed_with_no_articles() -> None:
    assert rows([0], keep=["Phishing"])["Tags"][1]["Phishing"] == (0, {})  # type: ignore[index]


def test_an_empty_result_has_no_tag_rows() -> None:
    assert rows([]) == {}
