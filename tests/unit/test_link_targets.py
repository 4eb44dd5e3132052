"""Where a followed link leads: an article of the library (paths, wikilinks), the web, or a refusal."""

from __future__ import annotations

import pytest

from reader.library.link_targets import LinkTarget, resolve_link, slug

BY_PATH = {p: i for i, p in enumerate(["notes/a.md", "notes/Big Idea.md", "other/b.md", "b.md", "docs/index.md"])}


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("b.md", LinkTarget("article", path="notes/b.md")),
        ("../other/b.md", LinkTarget("article", path="other/b.md")),
        ("../other/b", LinkTarget("article", path="other/b.md")),
        ("Big%20Idea.md#Why%20it%20works", LinkTarget("article", path="notes/Big Idea.md", heading="Why it works")),
        ("/docs", LinkTarget("article", path="docs/index.md")),
        ("#later", LinkTarget("article", path="notes/a.md", heading="later")),
        ("[[Big Idea]]", LinkTarget("article", path="notes/Big Idea.md")),
        ("[[big idea#The Plan|the plan]]", LinkTarget("article", path="notes/Big Idea.md", heading="The Plan")),
        ("[[b]]", LinkTarget("article", path="b.md")),
        ("wikilink:Big Idea#The Plan", LinkTarget("article", path="notes/Big Idea.md", heading="The Plan")),
        ("[[other/b]]", LinkTarget("article", path="other/b.md")),
        ("https://example.com/x", LinkTarget("web", url="https://example.com/x")),
    ],
)
def test_targets(href: str, expected: LinkTarget) -> None:
    target = resolve_link(href, "notes/a.md", BY_PATH)
    if expected.path == "notes/b.md":  # no notes/b.md: the link is refused, naming it
        assert target.kind == "refused" and "notes/b.md" in target.reason
    else:
        assert target == expected


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("javascript:alert(1)", "only http and https links are opened, not 'javascript:'"),
        ("file:///etc/passwd", "not 'file:'"),
        ("../../etc/passwd", "outside the library"),
        ("[[Nowhere]]", "no article named 'Nowhere'"),
        ("https://google.com:443@evil.example/", "user info"),
        ("C:\\Users\\x.md", "path on this computer"),
        ("", "empty"),
    ],
)
def test_refusals_say_why(href: str, reason: str) -> None:
    target = resolve_link(href, "notes/a.md", BY_PATH)
    assert target.kind == "refused" and reason in target.reason


def test_a_wikilink_prefers_the_same_folder() -> None:
    assert resolve_link("[[b]]", "other/x.md", BY_PATH).path == "other/b.md"
    assert resolve_link("[[b]]", "notes/a.md", BY_PATH).path == "b.md"  # then the shortest path


def test_heading_slugs_match_markdown_anchors() -> None:
    assert slug("Why it works!") == "why-it-works" == slug("why-it-works")


def test_a_library_without_local_links_answers_backlinks_without_a_link_index() -> None:
    """The link index costs ~46 MB at 100,000 articles: a library none of whose articles links
    to another (a folder of news clippings) must not pay it to learn that nobody links."""
    from pathlib import Path

    from reader.library.snapshot import Library
    from tests.factories import make_article

    library = Library(Path("/lib"), [make_article(path=f"a{i}.md") for i in range(3)])
    assert library.linked_from(0) == [] and library.backlinks_ready
    assert library.memo.link_index is None

    linked = Library(Path("/lib"), [make_article(path="a.md"), make_article(path="b.md", links=("a.md",))])
    assert [linked.articles[i].path for i in linked.linked_from(0)] == ["b.md"]
