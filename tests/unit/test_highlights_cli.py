"""``reader highlights`` and its export: the keys scripts rely on, the Markdown people keep, and
what happens after the file is renamed or edited."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from factories import write_clipping

from reader.cli import main
from reader.library.snapshot import Library
from reader.state import StateStore
from reader.state.highlights import GONE
from reader.ui.passages import body_blocks

KEYS = ["path", "title", "link", "source", "date", "text", "note", "created", "status"]
PASSAGE = "The key passage, with *emphasis* kept as plain text."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(root: Path, name: str, body: str, *, title: str = "A title", link: str = "https://example.org/a") -> None:
    write_clipping(root, name, title, body, link=link, author=None)


def highlight_first_passage(root: Path, path: str, note: str = "") -> str:
    """Save the second block of ``path`` as the app does (anchored in the block text)."""
    library = Library.load(root)
    article, _ = library.read(library.articles[library.by_path[path]])
    blocks = body_blocks(article.body)
    text = "\n\n".join(blocks)
    start = text.index(blocks[1])
    end = start + len(blocks[1])
    with StateStore(root.resolve()) as store:
        store.add_highlight(article, text[max(0, start - 32) : start], blocks[1], text[end : end + 32], note)
    return blocks[1]


def test_json_keys_and_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", f"Opening words.\n\n{PASSAGE.replace('*emphasis*', '**emphasis**')}\n\nEnd.")
    text = highlight_first_passage(root, "a.md", note="my note")
    code, out, err = run(capsys, "highlights", str(root), "--json")
    assert code == 0, err
    [row] = json.loads(out)
    assert list(row) == KEYS
    assert text == "The key passage, with emphasis kept as plain text."
    assert row["text"] == text and row["note"] == "my note" and row["status"] == "present"
    assert (row["path"], row["title"], row["link"], row["source"]) == (
        "a.md",
        "A title",
        "https://example.org/a",
        "Test Wire",
    )
    assert row["date"].startswith("2021-07-25") and row["created"][:4].isdigit()


def test_markdown_export_quotes_each_passage_under_its_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", "Opening words.\n\nA passage worth keeping.\n\nEnd.", title="Article [one]")
    highlight_first_passage(root, "a.md", note="because")
    out_file = tmp_path / "out" / "highlights.md"
    code, _out, err = run(capsys, "highlights", "export", str(root), "--format", "markdown", "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    heading = text.index("## Article \\[one\\]")
    assert "Test Wire · <https://example.org/a> · 2021-07-25" in text
    assert text.index("> A passage worth keeping.") > heading
    assert text.index("**Note:** because") > text.index("> A passage worth keeping.")
    code, out, err = run(capsys, "highlights", "export", str(root), "--format", "json")
    assert code == 0 and [h["text"] for h in json.loads(out)["highlights"]] == ["A passage worth keeping."]


def test_list_query_is_highlighted_and_has_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", "One.\n\nTwo is kept.", link="https://example.org/a")
    write(root, "b.md", "Three.\n\nFour is kept.", link="https://example.org/b")
    highlight_first_passage(root, "a.md")
    highlight_first_passage(root, "b.md", note="noted")

    def paths(query: str) -> list[str]:
        code, out, err = run(capsys, "list", str(root), f"--query={query}", "--json")
        assert code == 0, err
        return sorted(item["path"] for item in json.loads(out))

    assert paths("is:highlighted") == ["a.md", "b.md"]
    assert paths("has:note") == ["b.md"]
    assert paths("-is:highlighted") == []
    _code, _out, err = run(capsys, "list", str(root), "--query", "has:nothing")
    assert "has:nothing is not one of note" in err


def test_rename_and_edit_keep_the_highlight_and_a_rewritten_passage_is_marked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", "Opening words here.\n\nThe passage that matters.\n\nClosing words.")
    highlight_first_passage(root, "a.md")
    shutil.move(root / "a.md", root / "renamed.md")
    edited = (root / "renamed.md").read_text(encoding="utf-8").replace("Opening", "Starting")
    (root / "renamed.md").write_text(edited, encoding="utf-8")
    _code, out, _err = run(capsys, "highlights", str(root), "--json")
    [row] = json.loads(out)
    assert (row["path"], row["status"], row["text"]) == ("renamed.md", "present", "The passage that matters.")
    (root / "renamed.md").write_text(edited.replace("passage that matters", "passage that changed"), encoding="utf-8")
    _code, out, _err = run(capsys, "highlights", str(root), "--json")
    [row] = json.loads(out)
    assert row["status"] == "gone" and row["text"] == "The passage that matters."
    _code, out, _err = run(capsys, "highlights", str(root))
    assert GONE in out and "The passage that matters." in out
    _code, out, _err = run(capsys, "highlights", "export", str(root))
    assert f"_({GONE})_" in out


def test_text_and_notes_are_inert_on_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", "One.\n\nTwo.")
    library = Library.load(root)
    article, _ = library.read(library.articles[0])
    with StateStore(root.resolve()) as store:
        store.add_highlight(article, "", "bad \x1b]0;title\x07 passage \x9b31m", "", "note \x1b[2J\x7f")
    for argv in (["highlights", str(root)], ["highlights", str(root), "--json"], ["highlights", "export", str(root)]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert not any(ch in out for ch in "\x1b\x07\x9b\x7f"), argv


def test_no_highlights_yet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "a.md", "One.")
    code, out, _err = run(capsys, "highlights", str(root))
    assert code == 0 and "No highlights yet" in out
    code, out, _err = run(capsys, "highlights", str(root), "--json")
    assert json.loads(out) == []
