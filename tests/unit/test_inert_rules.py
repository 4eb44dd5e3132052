"""Issue 11 C2, C3, C5: the rules that keep folder text from driving, spoofing or misdirecting."""

from __future__ import annotations

import json

from reader.library.links import describe, real_host, refusal
from reader.library.parse import make_inert, parse_text
from reader.library.safe_json import dumps
from reader.library.tags import clean_tag


def test_json_escapes_c1_bidi_zero_width_and_surrogates_but_keeps_normal_text() -> None:
    data = {"t": "CSI \x9b2J · Invoice \u202egpj.exe · ad\u200bmin · caf\udce9 · café 東京 👩\u200d💻"}
    text = dumps(data)
    for raw in ("\x9b", "\u202e", "\u200b", "\udce9"):
        assert raw not in text
    assert "\\u009b" in text and "\\u202e" in text and "\\udce9" in text
    assert "café 東京" in text
    assert json.loads(text) == data  # lossless: the odd file name reads back the same


def test_display_makes_c1_bidi_and_zero_width_visible() -> None:
    assert make_inert("a\x9bb") == "a\ufffdb"
    assert make_inert("Invoice \u202egpj.exe") == "Invoice \u2039U+202E\u203agpj.exe"
    for char in "\u202a\u202d\u2066\u2069\u200e\u200f\u061c\u200b\u200c\u2060\ufeff":
        assert make_inert(f"x{char}y") == f"x\u2039U+{ord(char):04X}\u203ay"
    assert make_inert("a\u200db") == "a\u2039U+200D\u203ab"
    assert make_inert("👩\u200d💻") == "👩\u200d💻"  # an emoji sequence stays one emoji


def test_zero_width_characters_are_not_part_of_a_tag() -> None:
    assert clean_tag("ad\u200bmin") == clean_tag("admin") == "admin"
    assert clean_tag("\ufeffnews\u2060") == "news"
    article = parse_text("---\ntitle: T\ntags: [ad\u200bmin, admin, ad\u200dmin]\n---\nBody.\n", "t.md").article
    assert article is not None and article.tags == ("admin",)


def test_link_policy_refuses_user_info_controls_and_other_schemes() -> None:
    assert refusal("https://google.com:443@evil.example/") is not None
    assert refusal("https://user@news.example/") is not None
    assert refusal("https://news.example/\x9b31m") is not None
    assert refusal("https://news.example/\u202eexe") is not None
    assert refusal("javascript:alert(1)") is not None
    assert refusal("https://news.example:99999/") is not None
    assert refusal("https://news.example/a?b=c#d") is None
    assert refusal("http://[::1]:8080/x") is None


def test_the_parser_uses_the_link_policy() -> None:
    for link in ("https://google.com:443@evil.example/", "https://news.example/\x9b31m"):
        result = parse_text(f"# T\n## Information:\n+ Link: [article]({link})\n\n## Article:\nB\n", "t.md")
        assert result.article is not None and result.article.link == ""
        assert any("link address ignored" in p.reason for p in result.problems)


def test_a_look_alike_host_is_named_by_its_real_punycode_host() -> None:
    url = "https://g\u043e\u043egle.com/login"
    assert real_host(url) == "xn--ggle-55da.com"
    assert "xn--ggle-55da.com" in describe(url)
    assert describe("https://google.com/") == "https://google.com/"
