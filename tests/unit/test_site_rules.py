"""What Obsidian, Hugo and Jekyll write in front matter and file names, read as those tools read it.

Each rule on the fixtures under tests/fixtures/ (a small vault, a Hugo ``content`` folder, a
Jekyll site), written the way the tools write them: aliases are other names for a note,
Jekyll dates a post by its file name, Hugo and Jekyll mark drafts, Hugo keeps ``lastmod``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.library import cache
from reader.library.model import Article
from reader.library.parse import parse_bytes, parse_text
from reader.library.snapshot import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def read(relative: str) -> Article:
    article = parse_bytes((FIXTURES / relative).read_bytes(), relative.split("/", 1)[1]).article
    assert article is not None
    return article


def note(text: str, path: str = "note.md") -> Article:
    article = parse_text(text, path).article
    assert article is not None
    return article


# -- Obsidian: aliases -------------------------------------------------------------------------


def test_aliases_are_read_from_a_list_or_a_string() -> None:
    assert read("obsidian/Projects/Reading group.md").aliases == ("Bookworms", "RG 2026")
    assert read("obsidian/Old alias style.md").aliases == ("Legacy name", "Another name")
    assert note("---\nalias: Single\n---\nx").aliases == ("Single",)
    assert note("no front matter").aliases == ()


def test_hugo_aliases_are_old_addresses_not_names() -> None:
    assert read("hugo/content/posts/first-post.md").aliases == ()
    assert note("---\naliases: [TCP/IP, /old/, old/, x.html, C# notes]\n---\nx").aliases == ("TCP/IP", "C# notes")


def test_aliases_are_inert_and_never_junk() -> None:
    article = note('---\naliases: ["\\e[31mred", "", 7, true, [nested], "  spaced   out "]\n---\nx')
    assert article.aliases == ("␛[31mred", "7", "spaced out")


def test_a_text_search_finds_a_note_by_its_alias() -> None:
    library = Library.load(FIXTURES / "obsidian")
    found = {library.articles[i].path for i in library.search("bookworm").ids}
    assert found == {"Projects/Reading group.md"}
    assert {library.articles[i].path for i in library.search("legacy").ids} == {"Old alias style.md"}


def test_the_full_text_index_finds_a_note_by_its_alias(tmp_path: Path) -> None:
    from reader.library.fulltext import FullTextIndex

    library = Library.load(FIXTURES / "obsidian")
    index = FullTextIndex(tmp_path / "fts.sqlite")
    index.sync(library)
    index.attach(library)
    assert {library.articles[i].path for i in library.search('"rg 2026"').ids} == {"Projects/Reading group.md"}
    assert {library.articles[i].path for i in library.search("bookworm").ids} == {"Projects/Reading group.md"}


# -- Jekyll: dates and titles from the file name, categories, drafts -----------------------------


def test_a_jekyll_post_without_a_date_is_dated_by_its_file_name() -> None:
    article = read("jekyll/_posts/2024-03-05-welcome-to-jekyll.md")
    assert article.date == datetime(2024, 3, 5, tzinfo=UTC)


def test_a_post_in_a_category_folder_gets_its_date_and_title_from_its_name() -> None:
    article = read("jekyll/blog/_posts/2023-07-14-notes-from-the-road.markdown")
    assert article.date == datetime(2023, 7, 14, tzinfo=UTC)
    assert article.title == "Notes From The Road"  # Jekyll's title for a post without one


def test_front_matter_date_wins_over_the_file_name() -> None:
    article = note("---\ndate: 2020-01-02\n---\nx", "_posts/2024-03-05-post.md")
    assert article.date == datetime(2020, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize("path", ["2024-03-05-not-in-posts.md", "_posts/no-date.md", "_posts/2024-13-45-bad.md"])
def test_only_a_real_post_name_gives_a_date(path: str) -> None:
    assert note("text", path).date is None


def test_space_separated_categories_are_several_tags() -> None:
    assert read("jekyll/_posts/2024-03-05-welcome-to-jekyll.md").tags == ("jekyll", "update")
    # A single category stays whole, as Jekyll keeps it.
    assert read("jekyll/blog/_posts/2023-07-14-notes-from-the-road.markdown").tags == ("travel notes",)
    assert note("---\ncategories: [a b, c]\n---\nx").tags == ("a b", "c")


def test_jekyll_drafts_are_marked() -> None:
    assert read("jekyll/_drafts/an-idea.md").draft
    assert read("jekyll/blog/_posts/2023-07-14-notes-from-the-road.markdown").draft  # published: false
    assert not read("jekyll/_posts/2024-03-05-welcome-to-jekyll.md").draft
    assert not note("---\npublished: true\n---\nx").draft


def test_published_false_is_not_a_date() -> None:
    result = parse_text("---\npublished: false\n---\nx", "_posts/2021-01-01-a.md")
    assert result.article is not None and result.article.date == datetime(2021, 1, 1, tzinfo=UTC)
    assert result.problems == []


# -- Hugo: publishDate, lastmod, draft, keywords, TOML -------------------------------------------


def test_hugo_publish_date_lastmod_and_draft() -> None:
    article = read("hugo/content/posts/first-post.md")
    assert article.date == datetime(2024, 2, 10, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.updated == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert article.draft
    assert article.subtitle == "A post that is not published yet"


def test_hugo_tags_categories_and_keywords_are_tags() -> None:
    assert set(read("hugo/content/posts/first-post.md").tags) == {"hugo", "writing", "Blog", "static site", "markdown"}
    assert read("hugo/content/docs/toml-page.md").tags == ("config", "toml")


def test_hugo_toml_front_matter() -> None:
    article = read("hugo/content/docs/toml-page.md")
    assert (article.title, article.subtitle) == ("Configured in TOML", "Front matter written in TOML")
    assert article.date == datetime(2023, 11, 20, tzinfo=UTC)
    assert article.updated == datetime(2024, 1, 5, tzinfo=UTC)
    assert not article.draft
    assert article.body.startswith("A page whose front matter is TOML")


def test_lastmod_dates_a_page_with_no_other_date() -> None:
    article = note("---\nlastmod: 2022-02-02\n---\nx")
    assert article.date == article.updated == datetime(2022, 2, 2, tzinfo=UTC)


def test_a_hugo_page_without_a_title_takes_its_first_heading() -> None:
    assert read("hugo/content/docs/snippet.md").title == "A snippet page"


@pytest.mark.parametrize(("value", "draft"), [("true", True), ("'yes'", True), ("false", False), ("maybe", False)])
def test_draft_values(value: str, draft: bool) -> None:
    assert note(f"---\ndraft: {value}\n---\nx").draft is draft


def test_a_date_that_is_no_date_is_named_in_a_warning() -> None:
    result = parse_text("---\nlastmod: next tuesday-ish\n---\nx", "page.md")
    assert result.article is not None and result.article.updated is None
    assert [problem.path for problem in result.problems] == ["page.md"]


# -- the new fields survive the index cache ----------------------------------------------------


@pytest.mark.parametrize("root", ["obsidian", "hugo", "jekyll"])
def test_aliases_drafts_and_lastmod_survive_a_warm_start(root: str) -> None:
    def extras(library: Library) -> dict[str, tuple[object, ...]]:
        return {a.path: (a.aliases, a.draft, a.updated, a.date, a.title) for a in library.articles}

    cold = cache.load(FIXTURES / root)
    assert any(a.aliases or a.draft or a.updated for a in cold.articles)
    warm = cache.load_cached(FIXTURES / root)  # the snapshot
    assert warm is not None and extras(warm) == extras(cold)
    rows = cache.load(FIXTURES / root)  # the rows, through a refresh
    assert extras(rows) == extras(cold)
