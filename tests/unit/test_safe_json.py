"""``safe_json.articles`` must print exactly what ``dumps([a.to_json() …])`` prints.

The fast path of ``reader list --json`` encodes column-wise; a record that defeats the column
trick (a NUL, the literal text ``\\u0000``, a trailing backslash) or holds characters a terminal
would obey must still come out byte for byte as the dict path writes it.
"""

from __future__ import annotations

import json

import pytest

from reader.library.safe_json import _contents, articles, dumps, string
from tests.factories import make_article, utc

HOSTILE = [
    "plain",
    "",
    "esc \x1b[31m red",
    "c1 \x9b2J csi",
    "del \x7f",
    "bidi \u202e evil \u2066",
    "zero\u200bwidth\u200djoin\ufeff",
    "surrogate \udce9 byte",
    "line\u2028sep\u2029",
    'quote " and \\ backslash',
    "trailing backslash \\",
    "literal \\u0000 text",
    "nul \x00 inside",
    "tab\tnew\nline\r",
    "emoji 🎉 and accents é ñ",
]


def _records() -> list:
    records = []
    for i, text in enumerate(HOSTILE):
        records.append(
            make_article(
                path=f"dir/{text}.md",
                title=text,
                subtitle=text[::-1],
                source=text,
                link=f"https://x.example/{text}",
                author=text,
                date=utc(2024, 1 + i % 12, 1) if i % 3 else None,
                tags=() if i % 4 == 0 else (text, "action.malware.name=" + text, "plain"),
            )
        )
    return records


def test_articles_equal_the_dict_path_on_hostile_records() -> None:
    records = _records()
    marks = [i % 2 == 0 for i in range(len(records))]
    expected = dumps([a.to_json(bookmarked=m) for a, m in zip(records, marks, strict=True)])
    assert articles(records, marks) == expected
    back = json.loads(articles(records, marks))
    assert [r["title"] for r in back] == HOSTILE


def test_clean_records_take_the_column_path_and_still_match() -> None:
    records = [make_article(path=f"a{i}.md", title=f"T {i}", tags=("x", f"t{i}")) for i in range(50)]
    marks = [False] * 50
    assert articles(records, marks) == dumps([a.to_json() for a in records])


def test_one_instant_in_two_zones_keeps_each_offset() -> None:
    from datetime import timedelta, timezone

    utc_noon = utc(2024, 5, 1, 12)
    paris = utc_noon.astimezone(timezone(timedelta(hours=2)))
    records = [make_article(path="a.md", date=utc_noon), make_article(path="b.md", date=paris)]
    out = articles(records, [False, False])
    assert out == dumps([a.to_json() for a in records])
    assert "+02:00" in out and "+00:00" in out


def test_empty_library_is_an_empty_array() -> None:
    assert articles([], []) == "[]" == dumps([])


@pytest.mark.parametrize("text", HOSTILE)
def test_each_string_escapes_what_a_terminal_would_obey(text: str) -> None:
    assert string(text) == dumps(text)
    for bad in ("\x1b", "\x7f", "\x9b", "\u202e", "\u200b", "\udce9", "\u2028"):
        assert bad not in string(text)


def test_a_column_falls_back_when_a_value_splits_wrongly() -> None:
    assert [f'"{part}"' for part in _contents(HOSTILE)] == [dumps(t) for t in HOSTILE]


def test_one_flag_per_record() -> None:
    with pytest.raises(ValueError):
        articles([make_article()], [])
