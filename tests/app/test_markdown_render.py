"""Tests for the Markdown → rows renderer: every construct, safety, wrapping, links."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style

from reader.ui.render import (
    MAX_LINE_CHARS,
    LinkSpan,
    MarkdownStyles,
    RenderedDoc,
    join_docs,
    render_markdown,
    render_rule,
    render_runs,
    sanitize,
)

STYLES = MarkdownStyles()


def rows(text: str, width: int = 60) -> list[str]:
    return render_markdown(text, width).plain


def segments(doc: RenderedDoc) -> list[Segment]:
    return [segment for line in doc.lines for segment in line]


def style_of(doc: RenderedDoc, word: str) -> Style | None:
    """The style of the segment holding ``word``."""
    for segment in segments(doc):
        if word in segment.text:
            return segment.style
    raise AssertionError(f"{word!r} not rendered")


def assert_fits(doc: RenderedDoc, width: int) -> None:
    for line, text in zip(doc.lines, doc.plain, strict=True):
        assert line.cell_length <= width, (text, line.cell_length)
        assert line.text == text


# -- blocks ---------------------------------------------------------------------------------------


def test_headings_are_recorded_and_styled_by_level() -> None:
    doc = render_markdown("# Top\n\nbody text\n\n## Second\n\n### Third\n\n#### Fourth\n\n##### Fifth", 40)
    assert [(level, text) for _, level, text in doc.headings] == [
        (1, "Top"),
        (2, "Second"),
        (3, "Third"),
        (4, "Fourth"),
        (5, "Fifth"),
    ]
    for row, _level, text in doc.headings:
        assert doc.plain[row] == text
    assert doc.plain[1] == "━" * 40  # h1 underlined across the width
    assert doc.plain[doc.headings[1][0] + 1] == "─" * len("Second")
    styles = {style_of(doc, word) for word in ("Top", "Second", "Third", "Fourth")}
    assert len(styles) == 4
    assert style_of(doc, "body") != style_of(doc, "Top")
    assert style_of(doc, "Top") == STYLES.h1
    assert style_of(doc, "Fifth") == STYLES.h5 != STYLES.h4


def test_paragraphs_separated_by_one_blank_row() -> None:
    assert rows("first para\nsame para\n\n\n\n\nsecond para") == ["first para same para", "", "second para"]


def test_no_leading_or_trailing_blank_rows() -> None:
    plain = rows("\n\n\n# Title\n\ntext\n\n\n")
    assert plain[0] == "Title"
    assert plain[-1] == "text"


def test_inline_styles_differ() -> None:
    doc = render_markdown("plain *emph* **strong** ~~gone~~ `code`", 60)
    assert doc.plain == ["plain emph strong gone code"]
    assert style_of(doc, "emph") == STYLES.emphasis
    assert style_of(doc, "strong") == STYLES.strong
    assert style_of(doc, "gone") == STYLES.strike
    assert style_of(doc, "code") == STYLES.code_inline
    assert style_of(doc, "plain") == Style()


def test_nested_inline_styles_combine() -> None:
    doc = render_markdown("***both*** and [**bold link**](https://e.com)", 60)
    both = style_of(doc, "both")
    assert both is not None and both.bold and both.italic
    link = style_of(doc, "bold link")
    assert link is not None and link.bold and link.underline


def test_links_show_text_and_are_recorded() -> None:
    doc = render_markdown("See [the report](https://example.com/r) and <https://auto.example/x>.", 80)
    assert doc.plain == ["See the report and https://auto.example/x."]
    assert doc.links == [
        LinkSpan(0, 4, 14, "https://example.com/r"),
        LinkSpan(0, 19, 41, "https://auto.example/x"),
    ]
    assert style_of(doc, "the report") == STYLES.link
    assert doc.link_at(0, 4) == "https://example.com/r"
    assert doc.link_at(0, 13) == "https://example.com/r"
    assert doc.link_at(0, 14) is None
    assert doc.link_at(1, 5) is None


def test_link_text_equal_to_url_shown_once_and_empty_text_shows_url() -> None:
    doc = render_markdown("[https://a.example](https://a.example) [](https://b.example)", 80)
    assert doc.plain == ["https://a.example https://b.example"]
    assert [span.href for span in doc.links] == ["https://a.example", "https://b.example"]


def test_wrapped_link_gives_a_span_per_row_but_one_href() -> None:
    doc = render_markdown("xx [a long link text that wraps](https://w.example) end", 12)
    spans = [span for span in doc.links if span.href == "https://w.example"]
    assert len(spans) >= 2
    assert len({span.row for span in spans}) == len(spans)
    assert doc.link_hrefs == ["https://w.example"]
    for span in spans:
        assert doc.plain[span.row][span.start_col : span.end_col].strip()


def test_dangerous_link_schemes_are_not_links() -> None:
    doc = render_markdown("[y](file:///etc/passwd) [z](javascript:alert(1))", 80)
    assert doc.links == []


def test_bullet_list_hanging_indent_and_nesting() -> None:
    plain = rows("- one\n- two words that wrap around\n  - nested\n- three", 16)
    assert plain[0] == "• one"
    assert plain[1].startswith("• two")
    assert plain[2].startswith("  ") and not plain[2].startswith("  •")  # hanging indent
    nested = next(row for row in plain if "nested" in row)
    assert nested == "  ◦ nested"
    assert plain[-1] == "• three"
    assert "" not in plain  # tight list: no blank rows


def test_ordered_list_numbers_and_alignment() -> None:
    text = "\n".join(f"{n}. item {n}" for n in range(1, 11))
    plain = rows(text)
    assert plain[0] == " 1. item 1"
    assert plain[9] == "10. item 10"
    assert rows("3. three\n4. four") == ["3. three", "4. four"]


def test_nested_ordered_list_is_indented() -> None:
    plain = rows("1. first\n   1. sub one\n   2. sub two\n2. second")
    assert plain == ["1. first", "   1. sub one", "   2. sub two", "2. second"]


def test_loose_list_has_blank_rows() -> None:
    assert rows("- a\n\n- b") == ["• a", "", "• b"]


def test_block_quote_bar_on_every_row_and_nested() -> None:
    doc = render_markdown("> a quote that is long enough to wrap\n>\n> second\n> > inner", 16)
    assert all(row.startswith("▌ ") for row in doc.plain)
    assert any(row.startswith("▌ ▌ inner") for row in doc.plain)
    assert sum(1 for row in doc.plain if "quote" in row or "long" in row or "wrap" in row) >= 2
    bar = style_of(doc, "▌")
    assert bar == STYLES.quote_bar
    text_style = style_of(doc, "second")
    assert text_style is not None and text_style.italic


def test_fenced_code_keeps_indentation_and_background() -> None:
    plain_styles = MarkdownStyles(code_theme=None)
    doc = render_markdown("```python\ndef f():\n\treturn 1\n```", 30, plain_styles)
    assert doc.plain[0].strip() == "python"  # the language label
    assert doc.plain[1].startswith(" def f():")
    assert doc.plain[2].startswith("     return 1")  # tab → 4 spaces, plus the padding column
    assert all(len(row) == 30 for row in doc.plain)  # background fills the width
    assert style_of(doc, "def f") == STYLES.code_block


def test_fenced_code_is_syntax_highlighted_and_can_be_turned_off() -> None:
    source = "```python\ndef f():\n    return 'text'\n```"
    on = render_markdown(source, 40)
    keyword, string = style_of(on, "def"), style_of(on, "text")
    assert keyword is not None and string is not None
    assert keyword.color is not None and string.color is not None and keyword.color != string.color
    assert keyword.bgcolor == STYLES.code_block.bgcolor  # the block keeps its background
    off = render_markdown(source, 40, MarkdownStyles(code_theme=None))
    assert {style_of(off, "def"), style_of(off, "text")} == {STYLES.code_block}
    assert on.plain == off.plain


def test_highlighted_long_lines_still_wrap_with_marker() -> None:
    line = "value = compute(" + ", ".join(f"arg{n}" for n in range(20)) + ")"
    doc = render_markdown(f"```python\n{line}\n```", 30)
    body = doc.plain[1:]
    assert len(body) > 1 and body[0].rstrip().endswith("↩")
    assert "".join(row[1:-1].rstrip().rstrip("↩") for row in body) == line
    assert all(len(row) == 30 for row in doc.plain)


def test_unknown_language_is_plain_with_its_label() -> None:
    doc = render_markdown("```nosuchlang\nsome code\n```", 30)
    assert doc.plain[0].strip() == "nosuchlang"
    assert style_of(doc, "some code") == STYLES.code_block


def test_indented_code_block() -> None:
    doc = render_markdown("para\n\n    indented code\n      more", 30)
    assert doc.plain[2].startswith(" indented code")
    assert doc.plain[3].startswith("   more")


def test_long_code_lines_wrap_with_marker_not_reflowed() -> None:
    line = "x = " + "a" * 50
    doc = render_markdown(f"```\n{line}\n```", 20)
    assert len(doc.plain) > 1
    assert doc.plain[0].rstrip().endswith("↩")
    joined = "".join(row[1:-1].rstrip().rstrip("↩") for row in doc.plain)
    assert joined == line
    assert_fits(doc, 20)


def test_code_is_not_markdown() -> None:
    assert "**not bold**" in rows("```\n**not bold** [x](y)\n```")[0]


def test_table_box_and_alignment() -> None:
    doc = render_markdown("| Name | N |\n|:-----|--:|\n| a | 1 |\n| bbb | 22 |", 40)
    assert doc.plain == [
        "┌──────┬────┐",
        "│ Name │  N │",
        "├──────┼────┤",
        "│ a    │  1 │",
        "│ bbb  │ 22 │",
        "└──────┴────┘",
    ]
    assert style_of(doc, "Name") == STYLES.table_header
    assert style_of(doc, "┌") == STYLES.table_border


def test_wide_table_cells_wrap_within_width() -> None:
    long = " ".join(["word"] * 30)
    doc = render_markdown(f"| A | B |\n|---|---|\n| {long} | short |", 40)
    assert_fits(doc, 40)
    assert len(doc.plain) > 5  # the long cell wrapped onto several rows
    assert all(row.startswith(("│", "┌", "├", "└")) for row in doc.plain)


def test_table_too_wide_for_its_headers_becomes_cards() -> None:
    header = "|" + "|".join(f" col{n} " for n in range(12)) + "|"
    rule = "|" + "|".join("---" for _ in range(12)) + "|"
    doc = render_markdown(f"{header}\n{rule}\n|" + "|".join(f"x{n}" for n in range(12)) + "|", 20)
    assert_fits(doc, 20)
    assert "│ col0: x0" in doc.plain and "│ col11: x11" in doc.plain


def test_horizontal_rule_spans_width() -> None:
    doc = render_markdown("above\n\n---\n\nbelow", 25)
    assert doc.plain == ["above", "", "─" * 25, "", "below"]
    assert style_of(doc, "───") == STYLES.rule


def test_image_shown_as_alt_text() -> None:
    doc = render_markdown("![A *chart* of things](https://img.example/c.png)", 60)
    assert doc.plain == ["[image: A chart of things]"]
    assert style_of(doc, "image") == STYLES.image
    assert rows("![](x.png)") == ["[image]"]


def test_hard_break() -> None:
    assert rows("line one\\\nline two") == ["line one", "line two"]
    assert rows("line one  \nline two") == ["line one", "line two"]


def test_html_is_reduced_to_its_text_and_dimmed() -> None:
    doc = render_markdown("<div onclick='x'>block <b>html</b></div>\n\ntext with <i>inline</i> html", 60)
    assert doc.plain == ["block html", "", "text with inline html"]
    style = style_of(doc, "block")
    assert style is not None and style.dim


# -- safety ---------------------------------------------------------------------------------------

HOSTILE = "[bold red]x[/] [link=file:///etc/passwd]y[/] [@click=app.quit]q[/]"


def test_rich_markup_is_inert() -> None:
    doc = render_markdown(HOSTILE, 100)
    assert doc.plain == [HOSTILE]
    for segment in segments(doc):
        assert segment.style is None or (not segment.style.bold and segment.style.link is None)
        assert not (segment.style and segment.style.meta)


def test_escape_sequences_are_neutralised() -> None:
    body = "before \x1b]0;owned\x07\x1b[2J after \x9b31m c1 \x7f del \x00 nul\rcr"
    doc = render_markdown(body, 200)
    text = "".join(doc.plain)
    assert "␛]0;owned␇␛[2J" in text
    assert "\ufffd31m" in text
    assert "␡" in text and "␀" in text and "␍" in text
    for segment in segments(doc):
        assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in segment.text), segment


def test_escapes_in_code_links_and_headings_are_neutralised() -> None:
    body = (
        "# T\x1bitle\n\n`co\x1bde`\n\n```\nfe\x1bnce\n```\n\n[li\x1bnk](https://e.com/\x1b)\n\n"
        "| h\x1b |\n|---|\n| c\x1b |\n\n&#27;&#x9b;"
    )
    doc = render_markdown(body, 60)
    for segment in segments(doc):
        assert "\x1b" not in segment.text and "\x9b" not in segment.text
    for span in doc.links:
        assert "\x1b" not in span.href


def test_entities_cannot_smuggle_newlines_or_tabs() -> None:
    doc = render_markdown("a&NewLine;b&Tab;c", 60)
    assert doc.plain == ["a b c"]


def test_crlf_is_a_newline() -> None:
    assert rows("one\r\n\r\ntwo") == ["one", "", "two"]


def test_sanitize_keeps_text_and_replaces_controls() -> None:
    assert sanitize("plain\ttext\nnext") == "plain\ttext\nnext"
    assert sanitize("a\x1bb\x07c\x85d\x7f") == "a␛b␇c\ufffdd␡"


def test_render_runs_is_literal() -> None:
    doc = render_runs([("**not md** " + HOSTILE + " \x1b[31m", Style(bold=True))], 200)
    assert doc.plain == ["**not md** " + HOSTILE + " ␛[31m"]


# -- wrapping -------------------------------------------------------------------------------------


def test_wrap_respects_width_and_keeps_words() -> None:
    text = "The quick brown fox jumps over the lazy dog " * 20
    doc = render_markdown(text, 30)
    assert_fits(doc, 30)
    assert " ".join(doc.plain).split() == text.split()
    assert max(len(row) for row in doc.plain) > 25  # actually fills rows


def test_long_words_and_urls_are_hard_wrapped() -> None:
    url = "https://example.com/" + "q" * 200
    doc = render_markdown(f"go to {url} now", 40)
    assert_fits(doc, 40)
    assert "".join(doc.plain).count("q") == 200


def test_wide_characters_wrap_by_cells() -> None:
    doc = render_markdown("漢字" * 40 + " emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 21)
    assert_fits(doc, 21)
    assert doc.plain[0] == "漢字" * 5  # 20 cells, the next 2-cell char would overflow


@pytest.mark.parametrize("width", [0, 1, 2, 3, 5, 9])
def test_tiny_widths_do_not_crash(width: int) -> None:
    text = (
        "# Heading\n\npara *em* [link](https://x.y)\n\n- a\n  - b\n\n> q\n\n```\ncode line\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n漢字漢字"
    )
    doc = render_markdown(text, width)
    assert_fits(doc, max(1, width))


def test_width_change_rewraps_same_document() -> None:
    text = "word " * 100
    wide, narrow = render_markdown(text, 80), render_markdown(text, 20)
    assert len(narrow.plain) > len(wide.plain)
    assert " ".join(narrow.plain).split() == " ".join(wide.plain).split()


def _best_of_three(text: str, width: int) -> float:
    """The fastest of three renders: the least disturbed by a busy machine."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        render_markdown(text, width)
        times.append(time.perf_counter() - start)
    return min(times)


def test_huge_single_line_is_truncated() -> None:
    text = "word " * 200_000  # 1 MB, one line
    doc = render_markdown(text, 100)
    assert "paragraph truncated" in doc.plain[-1] or "paragraph truncated" in " ".join(doc.plain[-3:])
    assert sum(len(row) for row in doc.plain) < MAX_LINE_CHARS * 1.1
    # Truncated means bounded: ten times the line costs nowhere near ten times as much.
    assert _best_of_three("word " * 2_000_000, 97) < 5 * _best_of_three(text, 98)


def test_render_time_grows_linearly_with_the_article() -> None:
    # Time goals live in bench/; here only the growth: 10x the text, at most ~10x the time.
    block = (
        "## Section\n\nSome *text* with a [link](https://e.com) and `code`, " + "words " * 60 + "\n\n"
        "- item one\n- item two\n\n> quoted text here\n\n```\ncode()\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    )
    small = (block * (10_000 // len(block) + 1))[:10_000]
    large = (block * (100_000 // len(block) + 1))[:100_000]
    ratio = _best_of_three(large, 99) / _best_of_three(small, 99)
    assert ratio < 30, ratio


# -- helpers --------------------------------------------------------------------------------------


def test_join_docs_shifts_rows_links_and_headings() -> None:
    first = render_runs([("head ", None), ("link", None, "https://h.example")], 40)
    second = render_markdown("# Title\n\n[b](https://b.example)", 40)
    doc = join_docs([first, render_rule(40), second], gap=1)
    assert doc.plain[0] == "head link"
    assert doc.plain[1] == "" and doc.plain[2] == "─" * 40
    title_row = doc.plain.index("Title")
    assert doc.headings == [(title_row, 1, "Title")]
    assert doc.links[0] == LinkSpan(0, 5, 9, "https://h.example")
    assert doc.links[1].row == title_row + 3
    assert doc.link_hrefs == ["https://h.example", "https://b.example"]


def test_render_runs_center_alignment() -> None:
    doc = render_runs([("hello", None)], 11, align="center")
    assert doc.plain == ["   hello"]


def test_custom_styles_are_used() -> None:
    custom = MarkdownStyles(h1=Style(color="red"), link=Style(color="green"))
    doc = render_markdown("# H\n\n[l](https://x.example)", 20, custom)
    assert style_of(doc, "H") == Style(color="red")
    assert style_of(doc, "l") == Style(color="green")


# -- property test --------------------------------------------------------------------------------

_MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## ",
        "- ",
        "1. ",
        "> ",
        "```",
        "    ",
        "|",
        "---",
        "*",
        "**",
        "~~",
        "`",
        "[",
        "](",
        ")",
        "![",
        "<b>",
        "\\",
        "\n",
        "\n\n",
        " ",
        "\t",
        "漢",
        "😀",
        "\x1b",
        "\u200b",
        "é",
        "https://x.y/" + "z" * 30,
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(_MARKDOWN_BITS, st.text(max_size=20)), max_size=40),
    width=st.integers(min_value=1, max_value=60),
)
def test_random_text_never_raises_or_overflows(parts: list[str], width: int) -> None:
    text = "".join(parts)
    doc = render_markdown(text, width)
    assert_fits(doc, width)
    for segment in segments(doc):
        assert "\x1b" not in segment.text
    for span in doc.links:
        assert 0 <= span.start_col < span.end_col <= width


@asynccontextmanager
async def in_the_app(tmp_path, body: str):
    """The real app on a one-article library, loaded: ``(app, pilot, article view)``."""
    from reader.ui.app import ReaderApp
    from reader.ui.article_view import ArticleView

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.md").write_text(body, encoding="utf-8")
    app = ReaderApp(folder, data_dir=tmp_path / "state", read_after=3600, use_cache=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.document is not None
        yield app, pilot, view


async def test_code_highlighting_toggles_in_the_app(tmp_path) -> None:
    body = "# Code\n\n```python\ndef f():\n    return 'text'\n```\n"
    async with in_the_app(tmp_path, body) as (app, pilot, view):
        assert view.document is not None
        on = style_of(view.document, "def")
        await app.main.run_action("toggle_code_highlighting")
        await pilot.pause()
        off = style_of(view.document, "def")
        assert on is not None and off is not None and on.color != off.color
        assert view.code_theme is None


def test_h4_h5_h6_each_look_different() -> None:
    doc = render_markdown("#### Four\n\n##### Five\n\n###### Six\n", 40)
    styles = [style_of(doc, word) for word in ("Four", "Five", "Six")]
    assert len(set(styles)) == 3


async def test_h4_h5_h6_differ_in_the_widget_too(tmp_path) -> None:
    async with in_the_app(tmp_path, "# Headings\n\n#### Four\n\n##### Five\n\n###### Six\n") as (_app, _pilot, view):
        doc = view.document
        assert doc is not None
        assert len({style_of(doc, word) for word in ("Four", "Five", "Six")}) == 3


def test_task_lists_show_boxes() -> None:
    doc = render_markdown("- [ ] write the report\n- [x] file the bug\n- plain item\n- [link](https://x.org)", 40)
    assert doc.plain[0].startswith("☐ write the report")
    assert doc.plain[1].startswith("☑ file the bug")
    assert not doc.plain[2].startswith(("☐", "☑")) and "plain item" in doc.plain[2]
    assert "[ ]" not in " ".join(doc.plain) and "[x]" not in " ".join(doc.plain)
