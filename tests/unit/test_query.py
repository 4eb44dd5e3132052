"""The query language: what each operator selects, precedence, quoting, and errors.

Semantics are checked by running queries against a small in-memory library, so each test
states which articles a user would see; a few tests pin the parse tree where the shape is
the point (precedence, double negation).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import make_article
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.query import And, DateRange, Not, Or, Term, parse_date_bound, parse_query, quote_value
from reader.library.snapshot import Library

ARTICLES = [
    make_article(
        path="alpha.md",
        title="Alpha ransomware hits hospital",
        source="Byteline",
        author="Ann Lee",
        date=datetime(2021, 10, 5, 12, tzinfo=UTC),
        tags=("Ransomware", "victim.country.name=China", "Healthcare"),
    ),
    make_article(
        path="beta.md",
        title="Beta phishing kit",
        subtitle="A supply angle, down the chain",
        source="The Ledger",
        author="Bob Stone",
        date=datetime(2021, 12, 1, tzinfo=UTC),
        tags=("Phishing", "research/ai"),
    ),
    make_article(
        path="gamma.md",
        title="Gamma: the supply chain attack",
        source="ZDNet",
        author="Catalin Cimpanu",
        date=datetime(2022, 1, 15, tzinfo=UTC),
        tags=("ransomware", "action.malware.name=Conti", "cve=CVE-2021-44228"),
    ),
    make_article(path="delta.md", title="Delta, undated notes", tags=("research/crypto",)),
]
ALPHA, BETA, GAMMA, DELTA = range(4)
BOOKMARKED = {BETA}
READ = {ALPHA, BETA}


@pytest.fixture(scope="module")
def lib() -> Library:
    return Library(Path("/nonexistent"), list(ARTICLES))


def ids(lib: Library, query: str) -> set[int]:
    result = lib.search(query, bookmarked=BOOKMARKED, read=READ)
    assert result.errors == [], (query, result.errors)
    return set(result.ids)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {ALPHA, BETA, GAMMA, DELTA}),
        ("ransomware", {ALPHA, GAMMA}),  # title or tag, any case
        ("RANSOMWARE hospital", {ALPHA}),  # words AND together
        ('"supply chain"', {GAMMA}),  # a phrase: the words next to each other
        ("supply chain", {BETA, GAMMA}),
        ("tag:Ransomware", {ALPHA, GAMMA}),  # tags are case-insensitive
        ("-tag:ransomware", {BETA, DELTA}),
        ("tag:research", {BETA, DELTA}),  # a nesting prefix
        ("tag:research/AI", {BETA}),
        ("tag:China", {ALPHA}),  # a facet's value
        ("tag:victim.country.name=China", {ALPHA}),
        ("country:china", {ALPHA}),  # facet alias
        ("malware:Conti", {GAMMA}),
        ("cve:CVE-2021-44228", {GAMMA}),
        ("victim.country.name:China", {ALPHA}),  # a dotted facet as the field
        ("tag:Nope", set()),
        ("source:ledger", {BETA}),
        ("source:zdnet", {GAMMA}),
        ('author:"catalin cimpanu"', {GAMMA}),
        ("author:ann", {ALPHA}),
        ("title:gamma", {GAMMA}),
        ("after:2021-12-01", {BETA, GAMMA}),  # from that day on
        ("before:2021-12-01", {ALPHA}),  # up to the day before
        ("after:2021-10-01 before:2021-12-01", {ALPHA}),
        ("date:2021-12", {BETA}),
        ("date:2021", {ALPHA, BETA}),
        ("date:2021-10-05", {ALPHA}),
        ("-date:2021", {GAMMA, DELTA}),  # undated articles are "not in 2021"
        ("is:bookmarked", {BETA}),
        ("is:read", {ALPHA, BETA}),
        ("is:unread", {GAMMA, DELTA}),
        ("IS:Unread", {GAMMA, DELTA}),
        ("phishing OR hospital", {ALPHA, BETA}),
        ("phishing | hospital", {ALPHA, BETA}),
        ("ransomware AND hospital", {ALPHA}),
        ("-ransomware", {BETA, DELTA}),
        ("-(phishing OR hospital)", {GAMMA, DELTA}),
        ("(phishing OR hospital) -is:read", set()),
        ("(phishing OR hospital) -is:bookmarked", {ALPHA}),
        ("--ransomware", {ALPHA, GAMMA}),  # double negation cancels
        ('-"supply chain"', {ALPHA, BETA, DELTA}),
        ("-source:zdnet -author:ann", {BETA, DELTA}),
    ],
)
def test_operator_selects(lib: Library, query: str, expected: set[int]) -> None:
    assert ids(lib, query) == expected


def test_and_binds_tighter_than_or(lib: Library) -> None:
    # phishing OR (ransomware AND hospital), not (phishing OR ransomware) AND hospital
    assert ids(lib, "phishing OR ransomware hospital") == {BETA, ALPHA}
    assert ids(lib, "(phishing OR ransomware) hospital") == {ALPHA}
    assert ids(lib, "ransomware hospital OR phishing") == {ALPHA, BETA}
    tree = parse_query("a OR b c").root
    assert tree == Or((Term("", "a"), And((Term("", "b"), Term("", "c")))))


def test_minus_applies_to_any_term_and_group() -> None:
    assert parse_query("-tag:x").root == Not(Term("tag", "x"))
    assert parse_query('-"a b"').root == Not(Term("phrase", "a b"))
    assert parse_query("-(a OR b)").root == Not(Or((Term("", "a"), Term("", "b"))))
    assert parse_query("-is:read").root == Not(Term("is", "read"))
    assert parse_query("x-ray").root == Term("", "x-ray")  # a hyphen inside a word is not a minus


def test_quoting() -> None:
    assert parse_query('"  supply   chain "').root == Term("phrase", "supply chain")
    assert parse_query('tag:"Business Email Compromise"').root == Term("tag", "Business Email Compromise")
    assert parse_query('source:"The Ledger" x').root == And((Term("source", "The Ledger"), Term("", "x")))
    assert parse_query('""').root is None
    assert quote_value("Ransomware") == "Ransomware"
    assert quote_value("Data Breach") == '"Data Breach"'
    assert quote_value('say "hi"') == '"say hi"'
    assert quote_value("a(b)") == '"a(b)"'


def test_quote_value_round_trips_through_tag_filters(lib: Library) -> None:
    for article in ARTICLES:
        for tag in article.tags:
            assert ARTICLES.index(article) in ids(lib, f"tag:{quote_value(tag)}"), tag


def test_date_ranges() -> None:
    assert parse_query("after:2021-09-01").root == DateRange(datetime(2021, 9, 1, tzinfo=UTC), None)
    assert parse_query("before:2021-12-01").root == DateRange(None, datetime(2021, 12, 1, tzinfo=UTC))
    assert parse_query("date:2021-12").root == DateRange(
        datetime(2021, 12, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)
    )
    assert parse_date_bound("2021-2-3") == (datetime(2021, 2, 3, tzinfo=UTC), datetime(2021, 2, 4, tzinfo=UTC))
    for bad in ("2021-13", "2021-02-30", "21", "yesterday", "2021-1-1-1"):
        assert parse_date_bound(bad) is None, bad


def test_words_for_highlighting() -> None:
    query = parse_query('ransomware -phishing "supply chain" tag:x (a OR -b) --c')
    assert query.words == ["ransomware", "supply chain", "a", "c"]
    assert query.has_text
    assert not parse_query("tag:x is:read").has_text


def test_unknown_field_is_a_word(lib: Library) -> None:
    assert parse_query("https://x.example/a").root == Term("", "https://x.example/a")
    assert parse_query("note:").root == Term("", "note")
    assert ids(lib, "gamma:") == {GAMMA}


@pytest.mark.parametrize(
    ("query", "error", "still_selects"),
    [
        ("is:starred", "is:starred is not one of bookmarked, highlighted, read, unread", {ALPHA, BETA, GAMMA, DELTA}),
        ("ransomware after:20", "after:20 is not a date", {ALPHA, GAMMA}),  # half-typed
        ("ransomware before:2021-1x", "before:2021-1x is not a date", {ALPHA, GAMMA}),
        ("ransomware country:", "country: needs a value", {ALPHA, GAMMA}),
        ("ransomware tag:", "tag: needs a value", {ALPHA, GAMMA}),
        ("(ransomware hospital", "missing ')'", {ALPHA}),
        ("ransomware)", "unmatched ')'", {ALPHA, GAMMA}),
        ('"supply chain', "missing closing quote", {GAMMA}),
        ('author:"Catalin', "missing closing quote after author:", {GAMMA}),
        ("phishing OR", "OR needs a term on both sides", {BETA}),
        ("OR phishing", "OR needs a term on both sides", {BETA}),
        ("OR", "OR needs a term on both sides", {ALPHA, BETA, GAMMA, DELTA}),
    ],
)
def test_errors_are_reported_and_the_valid_part_still_filters(
    lib: Library, query: str, error: str, still_selects: set[int]
) -> None:
    result = lib.search(query, bookmarked=BOOKMARKED, read=READ)
    assert any(message.startswith(error) for message in result.errors), result.errors
    assert set(result.ids) == still_selects


@pytest.mark.parametrize(
    "query", ["ransomware -", "ransomware - ", "- ransomware", "ransomware (", "ransomware ()", "ransomware AND"]
)
def test_half_typed_operators_do_not_change_results(lib: Library, query: str) -> None:
    assert set(lib.search(query).ids) == {ALPHA, GAMMA}


def test_pathological_queries_never_raise() -> None:
    for text in ("-" * 1999 + "a", "(" * 3000, ")" * 3000, "(-" * 900 + "a", '"' * 999, "OR " * 600, "a" * 5000):
        query = parse_query(text)
        assert isinstance(query.errors, list)
    assert parse_query("x " * 1500).errors == ["query cut to 2,000 characters"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b", " ", "-", "(", ")", '"', "|", ":", " OR ", "tag:", "is:", "read", "after:", "2021"])
        | st.text(max_size=3),
        max_size=30,
    ).map("".join)
)
def test_any_query_parses_and_runs(text: str) -> None:
    lib = Library(Path("/nonexistent"), list(ARTICLES))
    result = lib.search(text, bookmarked=BOOKMARKED, read=READ)
    assert set(result.ids) <= {ALPHA, BETA, GAMMA, DELTA}
    assert len(result.ids) == len(set(result.ids))
