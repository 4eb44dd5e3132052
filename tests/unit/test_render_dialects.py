"""The Markdown that real libraries hold, read right: Obsidian, Hugo, Jekyll, GFM extras.

Each test renders a small body as the article pane does and looks at the rows a reader would
see (and at the link a keyboard user would follow).
"""

from __future__ import annotations

from rich.style import Style

from reader.ui.render import MarkdownStyles, RenderedDoc, render_markdown
from reader.ui.render.syntax import WIKILINK_PREFIX

STYLES = MarkdownStyles()


def rows(text: str, width: int = 60) -> list[str]:
    return render_markdown(text, width).plain


def style_of(doc: RenderedDoc, word: str) -> Style | None:
    for line in doc.lines:
        for segment in line:
            if word in segment.text:
                return segment.style
    return None


def test_footnotes_are_markers_with_the_notes_gathered_at_the_end() -> None:
    text = "First claim[^a] and a second[^b].\n\n[^b]: Second note.\n[^a]: First *note*.\n\nLast paragraph."
    plain = rows(text)
    assert plain[0] == "First claim[1] and a second[2]."
    assert plain.index("Last paragraph.") < plain.index("[1] First note.")
    assert plain[-1] == "[2] Second note."
    assert not any("[^" in row for row in plain)


def test_bare_urls_become_links_but_file_names_do_not() -> None:
    doc = render_markdown("See https://example.com/report?id=1 for setup.py details.", 80)
    assert doc.link_hrefs == ["https://example.com/report?id=1"]
    assert style_of(doc, "https://example.com") == STYLES.link


def test_raw_html_is_never_shown_as_source() -> None:
    text = (
        "<!-- a comment -->\n\n<details><summary>More</summary>\n\nHidden &amp; shown</details>\n\n"
        "A <kbd>Ctrl</kbd>+<kbd>C</kbd> line<br>next"
    )
    plain = rows(text)
    assert not any("<" in row or "comment" in row for row in plain)
    assert "A Ctrl+C line" in plain and "next" in plain


def test_eighteen_column_table_keeps_words_whole() -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"] * 2
    header = "| " + " | ".join(names) + " |"
    rule = "|" + "---|" * len(names)
    body = "| " + " | ".join(f"{name}-value" for name in names) + " |"
    for width in (60, 100, 160):
        plain = rows(f"{header}\n{rule}\n{body}", width)
        text = "\n".join(plain)
        assert all(len(row) <= width for row in plain)
        for name in names:
            assert name in text and f"{name}-value" in text  # never "alp/ha"
    assert "│ foxtrot: foxtrot-value" in rows(f"{header}\n{rule}\n{body}", 60)


def test_table_that_fits_by_its_headers_stays_a_grid() -> None:
    plain = rows("| Name | Count | Note |\n|---|---|---|\n| a | 1 | " + "long words " * 10 + "|", 50)
    assert plain[0].startswith("┌") and "│ Name" in plain[1]
    assert all(len(row) <= 50 for row in plain)


def test_callout_is_a_titled_box_and_its_marker_is_gone() -> None:
    doc = render_markdown("> [!tip]+ Keep *this* in mind\n> The body.\n\n> [!WARNING]-\n> Folded body.", 60)
    assert doc.plain[0].startswith("┃ ") and "Keep this in mind" in doc.plain[0]
    assert "┃ The body." in doc.plain
    assert any("Warning" in row for row in doc.plain) and "┃ Folded body." in doc.plain
    assert not any("[!" in row for row in doc.plain)
    assert style_of(doc, "Keep") == STYLES.callout


def test_highlight_and_comments() -> None:
    doc = render_markdown(
        "Plain ==marked text== plain. %%a private note%% After.\n\n%%\nhidden\n\nblock\n%%\n\nEnd.", 60
    )
    assert doc.plain[0] == "Plain marked text plain.  After."
    assert style_of(doc, "marked") == STYLES.mark
    assert doc.plain[-1] == "End." and not any("hidden" in row or "%%" in row for row in doc.plain)
    assert rows("an unclosed %% stays") == ["an unclosed %% stays"]


def test_wikilinks_are_links_that_keep_their_target() -> None:
    doc = render_markdown("See [[Other Note]], [[Other Note|this one]], [[Guide#Set up]] and ![[diagram.png]].", 100)
    assert doc.plain == ["See Other Note, this one, Guide › Set up and [embed: diagram.png]."]
    assert doc.link_hrefs == [
        WIKILINK_PREFIX + "Other Note",
        WIKILINK_PREFIX + "Other Note",
        WIKILINK_PREFIX + "Guide#Set up",
        WIKILINK_PREFIX + "diagram.png",
    ]
    assert style_of(doc, "this one") == STYLES.link


def test_shortcodes_and_liquid_are_dimmed_and_whole() -> None:
    text = (
        '{{< figure src="a_b_c.png" caption="*x* _y_" >}}\n\n'
        "{% include note.html %} and {{ page.title }} and {{% notice %}}"
    )
    doc = render_markdown(text, 100)
    joined = " ".join(doc.plain)
    assert '{{< figure src="a_b_c.png" caption="*x* _y_" >}}' in joined  # no emphasis ate the stars
    assert "{% include note.html %}" in joined and "{{ page.title }}" in joined and "{{% notice %}}" in joined
    assert style_of(doc, "figure") == STYLES.muted


def test_dialect_text_is_inert() -> None:
    doc = render_markdown("[[Bad\x1bNote]] ==a\u202eb== {{< x\x07 >}}", 60)
    text = "".join(doc.plain) + "".join(doc.link_hrefs)
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "‹U+202E›" in text
