"""Filter-text editing (the sidebar's toggles, B, U, x) goes through the query tokenizer.

``toggle_term`` must round-trip: toggling a term twice gives the filter back, quotes,
negation, facets, phrases, groups and OR chains kept as typed.
"""

from __future__ import annotations

import pytest

from reader.library.filter_terms import filter_terms, selected_keys, term_key, toggle_term
from reader.library.query import parse_query

FILTERS = [
    "",
    "ransomware",
    'tag:"The Record" -tag:phishing',
    'country:China "supply chain" -is:read',
    "(a OR tag:x) after:2021-09",
    'a OR b -(c OR "d e")',
    'author:"Catalin Cimpanu" source:zdnet',
]
TERMS = ["tag:x", "-tag:x", 'tag:"Two Words"', "is:unread", "is:bookmarked", '"a phrase"', "malware:Conti"]


@pytest.mark.parametrize("text", FILTERS)
@pytest.mark.parametrize("term", TERMS)
def test_toggling_a_term_twice_gives_the_filter_back(text: str, term: str) -> None:
    added = toggle_term(text, term)
    assert term_key(term) in {t.key for t in filter_terms(added)}
    assert parse_query(added).errors == parse_query(text).errors  # nothing broken on the way
    assert toggle_term(added, term).split() == text.split()


def test_a_term_is_found_whatever_its_case_or_quoting() -> None:
    assert toggle_term('x tag:"The Record"', 'tag:"the record"') == "x"
    assert toggle_term("tag:Foo y", 'TAG:"Foo"') == "y"
    assert toggle_term('"supply  chain" z', '"Supply chain"') == "z"


def test_toggling_the_opposite_term_swaps_require_and_exclude() -> None:
    assert toggle_term("a tag:x", "-tag:x") == "a -tag:x"
    assert toggle_term("a -tag:x", "tag:x") == "a tag:x"
    assert toggle_term("-tag:x", "-tag:x") == ""


def test_terms_inside_groups_and_or_chains_are_left_alone() -> None:
    assert toggle_term("(a OR tag:x) b", "tag:x") == "(a OR tag:x) b tag:x"
    assert toggle_term("tag:x OR tag:y", "tag:x") == "tag:x OR tag:y tag:x"
    assert toggle_term('("a ) b" OR c) d', "d") == '("a ) b" OR c)'


def test_a_phrase_with_a_colon_or_a_half_typed_quote_is_one_term() -> None:
    assert [t.text for t in filter_terms('"re: hello" tag:"open')] == ['"re: hello"', 'tag:"open']
    assert toggle_term('x tag:"open', "x") == 'tag:"open'


def test_the_sidebar_sees_which_terms_are_required_and_which_excluded() -> None:
    assert selected_keys('tag:"The Record" -Is:Read "A  b" word (c OR d)') == {
        'tag:"the record"',
        "-is:read",
        '"a b"',
        "word",
    }
