"""Every file is read in its own layout: clipping rules only for clippings, notes keep all.

The fixtures under tests/fixtures/ are a small Obsidian vault and a small Jekyll site, written
the way those tools write them; the Hugo documentation in ../shared/real/hugo is the real test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.library.clipping import is_clipping
from reader.library.parse import parse_bytes, parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def read(relative: str):  # type: ignore[no-untyped-def]
    path = FIXTURES / relative
    article = parse_bytes(path.read_bytes(), relative).article
    assert article is not None
    return article


def note(text: str, path: str = "note.md"):  # type: ignore[no-untyped-def]
    article = parse_text(text, path).article
    assert article is not None
    return article


# -- 1. the layout is decided per file -------------------------------------------------------


def test_a_tags_heading_in_a_note_neither_ends_it_nor_makes_tags() -> None:
    article = read("obsidian/Bases syntax.md")
    assert article.body.rstrip().endswith("The last words of this note.")
    assert "macos -sf" in article.body
    assert article.tags == ("obsidian/bases", "reference")


def test_words_after_a_tags_heading_of_a_plain_note_are_not_tags() -> None:
    article = read("obsidian/Projects/Reading list.md")
    assert article.tags == ()
    assert article.body.rstrip().endswith("[[Bases syntax|the bases note]].")


def test_jekyll_post_keeps_its_body_past_a_tags_heading() -> None:
    article = read("jekyll/_posts/2024-03-05-welcome-to-jekyll.md")
    assert article.body.rstrip().endswith("Check out the Jekyll docs for more info.")


@pytest.mark.parametrize(
    "text",
    [
        "# T\n## Information:\n+ Source: S\n\nBody\n\n#### Tags:\n[[x]]",
        "# T\n## Information:\n+ Link: https://example.com/a\n\nBody\n\n#### Tags:\n[[x]]",
        "# T\n\n## Article:\nBody\n\n#### Tags:\n[[x]]",
    ],
)
def test_clippings_are_recognised_and_cut_at_their_tag_block(text: str) -> None:
    assert is_clipping(text)
    article = note(text)
    assert article.body == "Body"
    assert article.tags == ("x",)


def test_an_information_heading_without_source_or_link_is_a_note() -> None:
    text = "# T\n## Information\nSome notes on this.\n\n## Tags\nalpha beta\n"
    assert not is_clipping(text)
    article = note(text)
    assert article.tags == ()
    assert article.body.endswith("alpha beta")


# -- 2. nothing in code or comments is a heading ---------------------------------------------


def test_a_comment_line_in_fenced_code_is_not_the_title() -> None:
    # No front matter title and no real H1: the file name, never "Simple filter:".
    assert read("obsidian/Bases syntax.md").title == "Bases syntax"
    assert note("```sh\n# Simple filter:\nls\n```\n\ntext", "bases-syntax.md").title == "bases syntax"
    assert note("~~~~\n# no\n~~~~\n# Yes\n", "x.md").title == "Yes"


def test_html_comments_and_indented_code_hold_no_heading() -> None:
    assert note("<!--\n# Hidden\n-->\ntext", "plain-name.md").title == "plain name"
    assert note("%%\n# Hidden\n%%\ntext", "plain-name.md").title == "plain name"
    assert read("obsidian/Heading later.md").title == "The real heading"


def test_front_matter_lines_are_not_headings() -> None:
    article = note("---\n# a YAML comment\ndraft: true\n---\nBody only.\n", "from-name.md")
    assert article.title == "from name"
    assert article.body == "Body only."


# -- 3. a note's body keeps everything ---------------------------------------------------------


def test_a_leading_h1_that_repeats_the_title_is_hidden() -> None:
    article = read("jekyll/about.md")
    assert article.title == "About"
    assert article.body == "This is the about page."


def test_a_leading_h1_that_differs_from_the_title_stays_in_the_body() -> None:
    article = read("jekyll/_posts/2024-03-05-welcome-to-jekyll.md")
    assert article.title == "Welcome to Jekyll!"
    assert article.body.startswith("# Welcome\n")


def test_a_note_subtitle_comes_only_from_front_matter() -> None:
    article = read("obsidian/Projects/Reading list.md")
    assert article.title == "Reading list"
    assert article.subtitle == ""
    assert article.body.startswith("### What I read in 2026")
    assert read("jekyll/about.md").subtitle == "Who writes this site"


def test_date_wins_over_publish_date() -> None:
    date = read("jekyll/about.md").date
    assert date is not None and (date.year, date.month, date.day) == (2024, 1, 2)
    date = note("---\ntitle: T\npublishDate: 2023-05-06\n---\nx").date
    assert date is not None and (date.year, date.month, date.day) == (2023, 5, 6)


# -- 5. inline #tags, nested tags ----------------------------------------------------------------


def test_inline_tags_follow_obsidian_rules() -> None:
    article = read("obsidian/Projects/Inline tags.md")
    assert article.tags == ("project", "research/ai", "book-club", "todo")


@pytest.mark.parametrize(
    "text",
    [
        "`#code`",
        "```\n#fenced\n```",
        "    #indented code",
        "[[Note#Heading]]",
        "[[Note|#shown]]",
        "[#text](https://example.com)",
        "https://example.com/#anchor",
        "<https://example.com/ #x>",
        "<!-- #comment -->",
        "%% #comment %%",
        "#2024",
        "a#b",
        "# Heading",
    ],
)
def test_no_inline_tag_in_code_links_urls_or_comments(text: str) -> None:
    assert note(f"Prose first.\n\n{text}\n").tags == ()


def test_a_clipping_gets_no_inline_tags() -> None:
    assert note("# T\n## Article:\nA #word in a clipping.\n\n#### Tags:\n[[x]]").tags == ("x",)


def test_tag_filter_matches_nested_inline_tags() -> None:
    from reader.library.snapshot import Library

    library = Library.load(FIXTURES / "obsidian")
    found = {library.articles[i].path for i in library.search("tag:research").ids}
    assert found == {"Projects/Inline tags.md"}
    assert {library.articles[i].path for i in library.search("tag:research/ai").ids} == found
