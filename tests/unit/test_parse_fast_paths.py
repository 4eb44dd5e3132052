"""The parser's fast paths give exactly what the plain rules give.

Each fast path skips work the plain rule would do for nothing (lines without a link, a
front matter without YAML syntax); these tests hold the plain rule as the reference and
compare on hand-picked cases and on generated text made of the characters that matter.
"""

from __future__ import annotations

import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library import inert, layouts, link_targets, links, simple_yaml
from reader.library.link_targets import MAX_LINKS, WIKILINK_PREFIX, local_links


def _reference_local_links(body: str) -> tuple[str, ...]:
    """Every line tried in turn: the rule :func:`local_links` must keep."""
    found: dict[str, None] = {}
    fence = ""
    for line in body.split("\n"):
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = ""
            continue
        opened = re.match(r" {0,3}+(`{3,}+|~{3,}+)", line)
        if opened is not None:
            fence = opened.group(1)
            continue
        if "`" in line:
            line = re.sub(r"`++[^`\n]*+`*+", lambda match: " " * len(match.group()), line)
        for match in link_targets._BODY_WIKILINK.finditer(line):
            target = match.group(1).strip()
            if target and not target.startswith("#"):
                found[WIKILINK_PREFIX + target] = None
        for match in link_targets._BODY_MD_LINK.finditer(line):
            href = match.group(1)
            if not href.startswith("#") and link_targets._SCHEME.match(href) is None:
                found[href] = None
        if len(found) >= MAX_LINKS:
            break
    return tuple(found)[:MAX_LINKS]


LINK_BODIES = [
    "",
    "no links at all\n",
    "see [a](a.md) and [[B]]\n",
    "```\n[in](code.md)\n```\n[out](out.md)\n",
    "   ```python\n[in](code.md)\n\t ```  \n[after](after.md)\n",
    "~~~~\n[in](x.md)\n~~~\n[still in](y.md)\n~~~~\n[out](z.md)",
    "text ```not a fence``` [a](a.md)\n[b](b.md)",
    "    ```\nfour spaces is no fence [a](a.md)\n",
    "\u3000```\n[a](a.md)\n",
    "x\n```\n" + "[a](a.md) `code` ~\n" * 300 + "```\n[after](after.md)\n",
    "`[a](hidden.md)` [b](shown.md)\n",
    '[a](\n  b.md)\n[c](c.md "title")\n',
    "| `x` | [a](a.md) |\n" * 50 + "```\n[b](b.md)",
    "".join(f"[{n}]({n}.md)\n" for n in range(MAX_LINKS + 20)),
]


def test_local_links_match_the_line_by_line_rule() -> None:
    for body in LINK_BODIES:
        assert local_links(body) == _reference_local_links(body), body[:80]


def test_a_link_after_a_long_indented_code_block_is_found() -> None:
    body = "intro\n" + "   ```\n" + "[in](in.md)\n" * 40 + "\t```\n" + "[out](out.md)\n"
    assert local_links(body) == ("out.md",)


LINK_PIECES = ["[a](a.md)", "[[W|x]]", "](", "[[", "]]", "]", "[", "(", ")", "!", "<", ">", '"t"', "https:", "#h",
               "`", "```", "~~~", "~", " ", "\t", "\n", "\u3000", "x", "`c`"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(LINK_PIECES), max_size=60))
def test_local_links_on_generated_bodies(parts: list[str]) -> None:
    body = "".join(parts)
    assert local_links(body) == _reference_local_links(body)


def _same(got: object, want: object) -> bool:
    """Equal, and of the same types all the way down (``True == 1`` and ``date == datetime`` are not enough)."""
    if type(got) is not type(want):
        return False
    if isinstance(got, dict) and isinstance(want, dict):
        return list(got) == list(want) and all(_same(got[key], want[key]) for key in got)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want, strict=True))
    return bool(got == want) and repr(got) == repr(want)


def _check_yaml(raw: str) -> bool:
    """The fast reader either declines or agrees with PyYAML's safe loader; True if it read it."""
    got = simple_yaml.load(raw)
    if got is simple_yaml.NOT_SIMPLE:
        return False
    want = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert _same(got, want), (raw, got, want)
    return True


YAML_BLOCKS = [
    '\ntitle: "A title: with a colon"\ndate: 2021-03-04\ntags:\n  - one\n  - Two words\n',
    "\ntitle: Plain title\ndate: 2019-06-01 05:28:56\ndraft: yes\nweight: 0x1F\nsexagesimal: 1:20\n",
    "\nkeywords: [a, b, 'c d']\ncategories: []\naliases: [/old/]\nnothing:\nnull_word: ~\n",
    "\nparams:\n  functions_and_methods:\n    returnType: bool\n    signatures: [PAGE.IsNode]\nafter: x\n",
    "\ntags:\n- flush\n- left\ntitle: x\n",
    "\n# a comment\ntitle: C# and F#\n  # indented comment\nlink: https://example.com/a:b\n",
    "\nfloat: 1.5\nneg: -1\ninf: .inf\nstr: -x\nempty: ''\ndup: 1\ndup: 2\n",
    "\ntitle: x\ndate: 2021-13-45\n",
    "\ntitle: x # comment\n",
    "\ntitle: 'it''s'\n",
    '\ntitle: "a \\" b"\n',
    "\ntitle: &anchor x\nother: *anchor\n",
    "\ntitle: |\n  block\n",
    "\ntitle: two\n  lines\n",
    "\n  indented: document\n",
    "\nyes: key\n",
    "\ntitle:\tx\n",
    "\ntitle: a\u2028b\n",
    "\ntitle: x:\n",
    "\ntags:\n  - a\n  b: 1\n",
    "\na:\n    b: 1\n  c: 2\n",
    "\ntitle: Ünïcödé ✓ 日本\n",
]


def test_simple_front_matter_reads_as_pyyaml_reads_it() -> None:
    read = [_check_yaml(raw) for raw in YAML_BLOCKS]
    assert all(read[:7])  # the common shapes take the fast path


YAML_KEYS = ["title", "date", "tags", "yes", "Null", "a-b", "_x", "9"]
YAML_VALUES = ["word", "two words", "yes", "No", "2021-03-04", "2021-03-04T05:06:07Z", "2021-13-45", "0x1F",
               "1:20", "1_000", "~", "null", "'q'", "''", '"d"', "[a, b]", "[]", "[a, [b]]", "a: b", "a #c", "C#",
               "-1", "- x", "&a", "*a", "!t", "|", "x:", "'a'b", "[a,]", "{a: 1}", "%x", "@x", ".5", "1e3", "=",
               "<<"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 0, 0, 2, 4]),
            st.sampled_from(["key", "key", "item", "comment", "blank"]),
            st.sampled_from(YAML_KEYS),
            st.sampled_from([*YAML_VALUES, ""]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_simple_front_matter_on_generated_blocks(lines: list[tuple[int, str, str, str]]) -> None:
    out = []
    for indent, kind, key, value in lines:
        text = {"key": f"{key}: {value}", "item": f"- {value}", "comment": "# c", "blank": ""}[kind]
        out.append(" " * indent + text)
    _check_yaml("\n" + "\n".join(out) + "\n")


def _reference_refusal(url: str) -> str | None:
    """:func:`links.refusal` without its fast path: ``urlsplit`` decides."""
    if links._CONTROL.search(url):
        return "it holds a control or invisible character"
    return links._parsed_refusal(url)


URL_PIECES = ["http", "https", "HTTPS", "ftp", ":", "//", "/", "host", "a.b-c", "@", ":80", ":99999", "[", "]",
              "?q=1", "#f", "\\", " ", "\n", "é", "\u202e", "%41", ".", "-"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=8))
def test_link_refusal_matches_urlsplit(parts: list[str]) -> None:
    url = "".join(parts)
    assert links.refusal(url) == _reference_refusal(url)
    for prefix in ("http://", "https://"):
        assert links.refusal(prefix + url) == _reference_refusal(prefix + url)


def _reference_make_inert(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return inert._INVISIBLE.sub(inert._invisible_picture, text).translate(inert._TABLE)


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("a é\t\n\r\x1b\x7f\x9b\u200b\u200d\u202e\u2028\ufeff\U0001f469\ud800"), max_size=12
    )
)
def test_make_inert_fast_path_changes_nothing(text: str) -> None:
    assert inert.make_inert(text) == _reference_make_inert(text)


TAG_PIECES = ["#tag", "#", "##", "#2024", " ", "\n", "\t", "x", "é", "`", "[[a#b]]", "https://x/#a", "%%", "/", "-",
              "    ", "<!--", "-->", "```", "(", ")", "[", "]"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TAG_PIECES), max_size=40))
def test_inline_tags_are_found_as_by_finditer(parts: list[str]) -> None:
    body = "".join(parts)
    assert [m.span() for m in layouts._inline_tag_matches(body)] == [
        m.span() for m in layouts._INLINE_TAG.finditer(body)
    ]
