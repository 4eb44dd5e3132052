"""Every key the app binds is in the README's key table and in ``?`` help; ``--help`` names every command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.cursor_view import CursorView
from reader.ui.document_view import DocumentView
from reader.ui.screens.main import MainScreen
from reader.ui.screens.modals import HELP_SECTIONS
from reader.ui.widgets.tag_sidebar import TagTree

README = Path(__file__).resolve().parents[2] / "README.md"
SHOWN = {
    "question_mark": "?",
    "slash": "/",
    "exclamation_mark": "!",
    "backslash": "\\",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}
UNLISTED = {"2", "3", "4", "5", "6", "7", "8"}  # written as 1 … 9


def _keys() -> list[str]:
    keys: list[str] = []
    for widget in (ReaderApp, MainScreen, CursorView, ArticleList, TagTree, DocumentView, ArticleView):
        for binding in widget.BINDINGS:
            for key in binding.key.split(","):  # type: ignore[union-attr]
                shown = SHOWN.get(key.strip(), key.strip())
                if shown not in UNLISTED and shown not in keys:
                    keys.append(shown)
    return keys


def test_every_bound_key_is_in_the_readme_key_table() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("### Keys") : text.index("### The filter language")]
    missing = [key for key in _keys() if f"`{key}`" not in table]
    assert missing == []


def test_every_bound_key_is_in_the_help_screen() -> None:
    words = {part for _, rows in HELP_SECTIONS for keys, _ in rows for part in re.split(r"\s+", keys)} | {"/"}
    missing = [key for key in _keys() if key not in words and key not in {"tab", "shift+tab"}]
    assert missing == []


RUN_CLI = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"


def _help(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_reader_help_names_every_command() -> None:
    text = _help()
    for command in ("reader list", "reader tags", "reader bookmarks", "bookmarks export", "highlights", "?"):
        assert command in text
    assert "reader list --help" in text


@pytest.mark.parametrize(
    "term", ["tag:", "-tag:", '"', "after:", "before:", "date:", "is:bookmarked", "is:unread", "has:note", " OR ", "-("]
)
def test_list_help_summarises_the_query_language(term: str) -> None:
    assert term in _help("list")
