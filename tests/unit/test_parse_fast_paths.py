"""The parser's fast paths give exactly what the plain rules give.

Each fast path skips work the plain rule would do for nothing (lines without a link, a
front matter without YAML syntax); these tests hold the plain rule as the reference and
compare on hand-picked cases and on generated text made of the characters that matter.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library import link_targets
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


LINK_PIECES = ["[a](a.md)", "[[W|x]]", "](", "[[", "]", "`", "```", "~~~", "~", " ", "\t", "\n", "\u3000", "x", "`c`"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINK_PIECES), max_size=60))
def test_local_links_on_generated_bodies(parts: list[str]) -> None:
    body = "".join(parts)
    assert local_links(body) == _reference_local_links(body)
