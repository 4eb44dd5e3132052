"""``reader list --query``: queries starting with ``-``, and malformed queries a script can detect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import cli
from reader.library.query import parse_query

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["list", str(SAMPLE), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_negated_query_works_in_both_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    code, spaced, _ = run(capsys, "--query", "-tag:Ransomware", "--json")
    assert code == 0
    code, joined, _ = run(capsys, "--query=-tag:Ransomware", "--json")
    assert code == 0
    _, everything, _ = run(capsys, "--json")
    assert spaced == joined
    assert 0 < len(json.loads(spaced)) < len(json.loads(everything))
    code, short, _ = run(capsys, "-q", "-ransomware", "--json")
    assert code == 0 and len(json.loads(short)) < len(json.loads(everything))


def test_a_word_and_its_negation_split_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    counts = []
    for query in ("ransomware", "-ransomware"):
        _, out, _ = run(capsys, "--query", query, "--json")
        counts.append(len(json.loads(out)))
    _, out, _ = run(capsys, "--json")
    assert counts[0] > 0 and sum(counts) == len(json.loads(out))


@pytest.mark.parametrize("query", ["tag:", "after:2021-13-45", '"ab', "tag:Ransomware (a", "is:maybe"])
def test_a_malformed_query_exits_2_with_the_apps_message(capsys: pytest.CaptureFixture[str], query: str) -> None:
    code, out, err = run(capsys, "--query", query, "--json")
    assert code == 2
    assert out == ""
    for error in parse_query(query).errors:  # the words the app's status line shows
        assert error in err


def test_an_unclosed_quote_names_the_missing_quote(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--tag", "Ransomware", "--query", '"ab')
    assert code == 2
    assert "closing quote" in err
    assert "')'" not in err


def test_tag_and_bookmarked_options_narrow_the_query(capsys: pytest.CaptureFixture[str]) -> None:
    _, with_tag, _ = run(capsys, "--tag", "Ransomware", "--query", "-attack OR ransomware", "--json")
    _, typed, _ = run(capsys, "--query", "tag:Ransomware (-attack OR ransomware)", "--json")
    assert with_tag == typed
