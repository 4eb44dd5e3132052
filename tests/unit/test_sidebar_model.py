"""The sidebar's model: every node says what it is and what choosing it does (no ids parsed back)."""

from __future__ import annotations

from pathlib import Path

from reader.library.filter_terms import toggle_term
from reader.library.sidebar import SidebarNode, excluded_tags, sidebar_tree, special_nodes, tag_term
from reader.library.snapshot import Library

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


def _walk(node: SidebarNode) -> list[SidebarNode]:
    out = []
    for child in node.children:
        out.append(child)
        out.extend(_walk(child))
    return out


def test_state_entries_and_saved_searches_are_typed() -> None:
    nodes = special_nodes(bookmarks=2, highlights=1, unread=7, searches={"b": "tag:x", "a": '"two words" -is:read'})
    assert [(n.kind, n.term) for n in nodes[:3]] == [
        ("state", "is:bookmarked"),
        ("state", "is:highlighted"),
        ("state", "is:unread"),
    ]
    group = nodes[3]
    assert group.kind == "searches" and all(n.is_special for n in nodes)
    assert [(n.kind, n.name, n.query, n.term) for n in group.children] == [
        ("search", "a", '"two words" -is:read', None),
        ("search", "b", "tag:x", None),
    ]


def test_a_saved_search_name_with_a_slash_is_still_its_name() -> None:
    (group,) = special_nodes(bookmarks=0, highlights=0, unread=0, searches={"news/today": "x"})[3:]
    assert group.children[0].name == "news/today"


def test_tags_are_leaves_with_their_name_and_term() -> None:
    library = Library.load(SAMPLE)
    tree = sidebar_tree(library, list(range(len(library))))
    tags = [n for n in _walk(tree) if n.kind == "tag"]
    assert tags and all(n.term == tag_term(n.name) for n in tags)
    assert not any(n.is_special for n in _walk(tree))


def test_an_excluded_tag_read_from_the_filter_keeps_its_spaces() -> None:
    text = toggle_term("a", '-tag:"The Record"')
    assert excluded_tags(text) == ["The Record"]
    assert excluded_tags('tag:x -TAG:y (-tag:z OR b)') == ["y"]
