"""Every regular expression of the parser and the renderer runs in linear time.

A hostile (or merely odd) file once kept ``reader list`` busy for minutes: a heading pattern
was cubic on a line of spaces. Each pattern here is fed long runs of the delimiters it deals
in, at 10 KB and 100 KB in the same run; the time may grow about tenfold, never a hundredfold.
A ratio, never an absolute time: the machine is shared and noisy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial

import pytest

from reader.library import (
    clipping,
    dates,
    front_matter,
    inert,
    layouts,
    links,
    parse,
    query,
    simple_yaml,
    tags,
    tokens,
)
from reader.ui.render import nesting, renderer, wrap
from reader.ui.render import parse as render_parse

DELIMITERS = (" ", "#", "[", "]", "*", "_", "`", "+", "<", "(", ")", ":", "-", "a", ".", "\t")
PREFIXES = ("", "## x", "## Information", "## Tags", "+ a", "July 1, 2021", "[x](", "a:", "\n")
"""What the patterns look for before a run (a heading, an Information line, a link, a field)."""
PAIRS = ("[]", "](", "()", "# ", "* ", "_*", "` ", "+ ", "a ", " :", " \t", "- ", "> ", "1.")

Use = Callable[[re.Pattern[str], str], object]


def _match(pattern: re.Pattern[str], text: str) -> object:
    return pattern.match(text)


def _scan(pattern: re.Pattern[str], text: str) -> object:
    return sum(1 for _ in pattern.finditer(text))


def _search(pattern: re.Pattern[str], text: str) -> object:
    return pattern.search(text)


# (where it lives, the pattern, how the code uses it: anchored match, or a search/scan of a text)
PATTERNS: list[tuple[str, re.Pattern[str], Use]] = [
    ("dates._MONTH_FIRST", dates._MONTH_FIRST, _match),
    ("dates._DAY_FIRST", dates._DAY_FIRST, _match),
    ("dates._TIME", dates._TIME, _match),
    ("dates._ISO_Z", dates._ISO_Z, _scan),
    ("tokens.WORD_TOKEN", tokens.WORD_TOKEN, _scan),
    ("inert._CONTROL", inert._CONTROL, _scan),
    ("inert._INVISIBLE", inert._INVISIBLE, _scan),
    ("clipping._TAG_LINK", clipping._TAG_LINK, _scan),
    ("clipping._INFO_LINE", clipping._INFO_LINE, _match),
    ("links._MD_LINK", links._MD_LINK, _search),
    ("links._URL", links._URL, _search),
    ("links._PLAIN_WEB", links._PLAIN_WEB, _match),
    ("clipping._HEADING", clipping._HEADING, _match),
    ("front_matter._FENCE_OPEN", front_matter._FENCE_OPEN, _match),
    ("front_matter._FENCE_CLOSE---", front_matter._FENCE_CLOSE["---"], _search),
    ("front_matter._FENCE_CLOSE+++", front_matter._FENCE_CLOSE["+++"], _search),
    ("front_matter._SIMPLE_FIELD", front_matter._SIMPLE_FIELD, _scan),
    ("front_matter._URL_PATH", front_matter._URL_PATH, _match),
    ("clipping._INFO_HEADING", clipping._INFO_HEADING, _scan),
    ("clipping._ARTICLE_HEADING", clipping._ARTICLE_HEADING, _scan),
    ("clipping._TAG_BLOCK", clipping._TAG_BLOCK, _search),
    ("clipping._SOURCE_LINE", clipping._SOURCE_LINE, _search),
    ("layouts._CODE_FENCE", layouts._CODE_FENCE, _match),
    ("layouts._H1_LINE", layouts._H1_LINE, _match),
    ("layouts._INLINE_TAG", layouts._INLINE_TAG, _scan),
    ("layouts._LINE_MASK", layouts._LINE_MASK, _scan),
    ("query._TOKEN", query._TOKEN, _scan),
    ("query._DATE_BOUND", query._DATE_BOUND, _match),
    ("tags._SPACES", tags._SPACES, _scan),
    ("tags._JUNK", tags._JUNK, _match),
    ("tags._FACET", tags._FACET, _match),
    ("wrap.WORD_RE", wrap.WORD_RE, _scan),
    ("nesting._PREFIX", nesting._PREFIX, _match),
    ("simple_yaml._LINE", simple_yaml._LINE, _match),
    ("simple_yaml._UNSAFE", simple_yaml._UNSAFE, _search),
]


def _inputs(size: int) -> list[str]:
    """Runs of each delimiter (and of mixed pairs) behind the prefixes the patterns look for."""
    runs = [ch * size for ch in DELIMITERS] + [pair * (size // 2) for pair in PAIRS]
    return [prefix + run + "a" for prefix in PREFIXES for run in runs]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _best_of_3(fn: Callable[[], object]) -> float:
    return min(_timed(fn) for _ in range(3))


def _worst_ratio(
    run: Callable[[str], object], small: list[str], large: list[str], floor: float = 2e-5
) -> tuple[float, str]:
    """The largest time(large) / time(small) over the inputs, and the input (its start) that gave it.

    ``floor``: times below it are timer noise and count as ``floor``.
    """
    worst, worst_input = 0.0, ""
    for short, long in zip(small, large, strict=True):
        t_small = max(_best_of_3(partial(run, short)), floor)
        t_large = _timed(partial(run, long))
        if t_large / t_small > LIMIT / 2:  # suspicious: take the best of 3 of both
            t_small = max(_best_of_3(partial(run, short)), floor)
            t_large = _best_of_3(partial(run, long))
        if t_large / t_small > worst:
            worst, worst_input = t_large / t_small, long[:40]
    return worst, worst_input


SMALL, LARGE = 10_000, 100_000
LIMIT = 40.0
"""10x the input may take ~10x the time; a quadratic pattern takes 100x and fails. Generous
slack: caches and a shared machine make even a linear scan 30x now and then."""


@pytest.mark.parametrize(("name", "pattern", "use"), PATTERNS, ids=[name for name, _, _ in PATTERNS])
def test_pattern_time_grows_linearly(name: str, pattern: re.Pattern[str], use: Use) -> None:
    small, large = _inputs(SMALL), _inputs(LARGE)
    # Screen first at 100 → 1,000 characters, so a cubic pattern fails in seconds, not hours.
    # Times under 10 µs are timer and scheduler noise on a busy machine (a 1 µs floor made a
    # linear token scan fail at 43x); a quadratic pattern still takes 100x over 10 µs here.
    for low, high, floor in ((100, 1_000, 1e-5), (1_000, SMALL, 1e-5)):
        ratio, where = _worst_ratio(lambda text: use(pattern, text), _inputs(low), _inputs(high), floor)
        assert ratio < LIMIT, f"{name}: {ratio:.0f}x for 10x input on {where!r}…"
    ratio, where = _worst_ratio(lambda text: use(pattern, text), small, large)
    assert ratio < LIMIT, f"{name}: {ratio:.0f}x for 10x input on {where!r}…"


def _hostile_files(size: int) -> dict[str, str]:
    """Whole files that once froze the parser (or could): ``size`` characters of each hostile run."""
    files = {
        "tag block heading of spaces": "# T\n\n## Article:\nx\n\n#### Tags:\n[[a]]\n## x" + " " * size + "a\n",
        "title of hashes": "# " + "#" * size + "\n",
        "front matter url of brackets": "---\ntitle: x\nurl: '" + "[" * size + "'\n---\nb\n",
        "front matter field of spaces": "---\ntitle: x" + " " * size + "y\n---\nb\n",
        "front matter list of items": "---\ntags:\n" + "  - a\n" * (size // 6) + "---\nb\n",
        "front matter of keys": "---\n" + "".join(f"k{n}: [a, 'b']\n" for n in range(size // 12)) + "---\nb\n",
        "information line of spaces": "# T\n\n## Information:\n+ Link: [a](" + " " * size + "x\n\n## Article:\nb\n",
        "deep quote": ">" * size + " x\n",
        "deep list": "- " * (size // 2) + "x\n",
        "unclosed links": "[a](" * (size // 4),
        "emphasis soup": "*a _" * (size // 4),
        "code ticks": "`a " * (size // 3),
    }
    files.update({f"run of {ch!r}": "# T\n\n" + ch * size + "a\n" for ch in DELIMITERS})
    # The renderer's dialect rules (reader/ui/render/syntax.py): wikilinks, ==marks==, %%comments%%,
    # shortcodes and Liquid, footnotes, callouts, pipe tables — each delimiter unclosed, in runs.
    dialect = ("[[", "![[", "]]", "==", "%%", "%%\n", "{{<", ">}}", "{{%", "{%", "{{", "}}", "[^", "|", "> [!")
    files.update({f"run of {run!r}": "# T\n\n" + run * (size // len(run)) + "a\n" for run in dialect})
    files["table without a leading pipe"] = "a | b\n--|--\n" + "x | y\n" * (size // 6)
    return files


def _render_uncached(text: str) -> object:
    """Each timing parses anew: a cached small document against an uncached large one would
    measure the cache, not the renderer (a linear run of tabs showed as 42x)."""
    render_parse.clear_cache()
    return renderer.render_markdown(text, 80)


@pytest.mark.parametrize("name", list(_hostile_files(10)))
def test_whole_hostile_files_parse_and_render_in_linear_time(name: str) -> None:
    small, large = _hostile_files(SMALL)[name], _hostile_files(LARGE)[name]
    parse_ratio, _ = _worst_ratio(lambda text: parse.parse_text(text, "x.md"), [small], [large], floor=1e-4)
    assert parse_ratio < LIMIT, f"parse_text: {parse_ratio:.0f}x for 10x input"
    render_ratio, _ = _worst_ratio(_render_uncached, [small], [large], 1e-3)
    assert render_ratio < LIMIT, f"render_markdown: {render_ratio:.0f}x for 10x input"
