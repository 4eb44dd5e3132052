"""Highlights and notes in reader.state: anchored by their text, stored with the bookmarks' guarantees.

The multi-process tests run real subprocesses (tests/state_worker.py): locks and SIGKILL
only mean something across processes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from factories import make_article

from reader.library.model import Article
from reader.state import StateStore
from reader.state.highlights import CONTEXT, Highlight, locate, quote, sentence_around
from reader.ui.passages import body_blocks, passage_span

WORKER = Path(__file__).resolve().parents[1] / "state_worker.py"
_spec = importlib.util.spec_from_file_location("state_worker", WORKER)
assert _spec is not None and _spec.loader is not None
state_worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(state_worker)
SHARED = Article(path="shared.md", title="Shared", link="https://example.org/shared", fingerprint="fp-shared")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def art(path: str, *, link: str = "", fingerprint: str = "") -> Article:
    return make_article(path, link=link, fingerprint=fingerprint or f"fp:{path}")


# --------------------------------------------------------------------------- anchoring


def test_quote_keeps_32_characters_of_context_each_side() -> None:
    text = "a" * 50 + "PASSAGE" + "b" * 50
    prefix, exact, suffix = quote(text, 50, 57)
    assert (prefix, exact, suffix) == ("a" * CONTEXT, "PASSAGE", "b" * CONTEXT)


def test_locate_prefers_the_occurrence_whose_context_matches() -> None:
    text = "First part. Read more. Middle of it all. Read more. The end."
    second = text.rindex("Read more.")
    prefix, exact, suffix = quote(text, second, second + len("Read more."))
    assert locate(text, exact, prefix, suffix) == (second, second + len(exact))
    edited = "A new opening line. " + text
    assert locate(edited, exact, prefix, suffix) == (second + 20, second + 20 + len(exact))


def test_locate_tolerates_whitespace_and_reports_a_gone_passage() -> None:
    assert locate("one two\n three", "two three") == (4, 14)
    assert locate("the passage was rewritten", "passage is here") is None


def test_sentence_around_an_offset() -> None:
    text = "First one. Second “quoted.” Third!"
    assert text[slice(*sentence_around(text, text.index("Second")))] == "Second “quoted.”"
    assert text[slice(*sentence_around(text, 0))] == "First one."
    assert text[slice(*sentence_around(text, len(text) - 2))] == "Third!"


def test_a_passage_survives_an_edit_elsewhere_and_is_gone_when_itself_edited() -> None:
    body = "Intro paragraph here.\n\nThe **key** passage of the article.\n\nClosing words."
    blocks = body_blocks(body)
    assert blocks[1] == "The key passage of the article."
    text = "\n\n".join(blocks)
    start = text.index("The key")
    prefix, exact, suffix = quote(text, start, start + len(blocks[1]))
    saved = Highlight("id", "a.md", "", "", "T", exact, prefix, suffix, "", "2026-01-01T00:00:00+00:00")
    edited = body.replace("Intro", "Opening").replace("Closing", "Final")
    assert passage_span(body_blocks(edited), saved) is not None
    rewritten = body.replace("**key** passage", "**main** passage")
    assert passage_span(body_blocks(rewritten), saved) is None


def test_block_texts_are_the_same_at_every_width_and_rows_follow_a_split() -> None:
    from reader.ui.render import join_docs, render_markdown, render_runs, split_doc

    body = "# Head\n\nA paragraph with *some* words that wrap at narrow widths.\n\n- item one\n- item two\n\n> quoted"
    narrow, wide = render_markdown(body, 12), render_markdown(body, 100)
    assert [b.text for b in narrow.blocks] == [b.text for b in wide.blocks] == body_blocks(body)
    assert [b.kind for b in wide.blocks] == ["heading", "text", "text", "text", "text"]
    paragraph = narrow.blocks[1]
    assert paragraph.end_row - paragraph.start_row > 1
    top, rest = split_doc(narrow, paragraph.end_row)
    joined = join_docs([top, render_runs([("note", None)], 12), rest])
    assert [b.text for b in joined.blocks] == [b.text for b in narrow.blocks]
    assert joined.plain[joined.blocks[2].start_row] == narrow.plain[narrow.blocks[2].start_row]
    assert joined.blocks[2].start_row == narrow.blocks[2].start_row + 1


# --------------------------------------------------------------------------- the store


def test_add_note_delete_and_restore_are_durable(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    article = art("a.md", link="https://example.org/a")
    highlight = store.add_highlight(article, "before ", "The passage.", " after")
    assert store.add_highlight(article, "before ", "The passage.", " after") == highlight  # no twin
    store.set_note(highlight.id, "why it matters")
    again = StateStore(library, data_dir)
    [loaded] = again.highlights()
    assert (loaded.exact, loaded.prefix, loaded.suffix, loaded.note) == (
        "The passage.",
        "before ",
        " after",
        "why it matters",
    )
    assert loaded.created and loaded.link == "https://example.org/a"
    removed = again.remove_highlight(loaded.id)
    assert removed is not None and StateStore(library, data_dir).highlights() == []
    again.restore_highlight(removed)
    assert StateStore(library, data_dir).highlights() == [removed]


def test_article_note_is_one_per_article_and_cleared_by_an_empty_note(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    article = art("a.md")
    store.set_article_note(article, "first thought")
    store.set_article_note(article, "second thought")
    notes = [h for h in store.highlights() if h.is_article_note]
    assert [n.note for n in notes] == ["second thought"]
    assert store.highlight_marks([article]) == (set(), {"a.md"})
    store.set_article_note(article, "")
    assert store.highlights() == []


def test_highlights_follow_a_rename_by_link_and_a_move_by_fingerprint(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    linked = art("old/name.md", link="https://example.org/x")
    unlinked = art("notes/plain.md", fingerprint="fp-plain")
    store.add_highlight(linked, "", "linked passage", "")
    store.add_highlight(unlinked, "", "plain passage", "")
    renamed = Article(path="new/renamed.md", title="T", link="https://example.org/x", fingerprint="changed")
    moved = Article(path="elsewhere/plain.md", title="P", fingerprint="fp-plain")
    pairs = store.resolve_highlights([renamed, moved])
    assert [(h.exact, a.path if a else None) for h, a in pairs] == [
        ("linked passage", "new/renamed.md"),
        ("plain passage", "elsewhere/plain.md"),
    ]
    assert store.highlight_marks([renamed, moved]) == ({"new/renamed.md", "elsewhere/plain.md"}, set())
    store.flush()
    assert {h.path for h in StateStore(library, data_dir).highlights()} == {"new/renamed.md", "elsewhere/plain.md"}


def test_highlights_of_a_deleted_article_are_kept(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    store.add_highlight(art("gone.md"), "", "kept passage", "")
    assert [(h.exact, a) for h, a in store.resolve_highlights([art("other.md")])] == [("kept passage", None)]


def test_a_corrupt_file_with_highlights_is_moved_aside_not_overwritten(library: Path, data_dir: Path) -> None:
    store = StateStore(library, data_dir)
    store.add_highlight(art("a.md"), "", "precious", "")
    damaged = store.path.read_bytes().replace(b'"highlights": [', b'"highlights": {', 1)
    store.path.write_bytes(damaged)
    fresh = StateStore(library, data_dir)
    assert fresh.notices and "moved to" in fresh.notices[0]
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert [p.read_bytes() for p in aside] == [damaged]


def test_two_processes_highlighting_at_once_lose_nothing(library: Path, data_dir: Path) -> None:
    n = 120
    state_worker.run_churners("highlights", library, data_dir, n)
    store = StateStore(library, data_dir)
    assert store.notices == []
    got = {h.exact: h.note for h in store.highlights()}
    expected = {
        f"Passage {i} of {p}.": (f"note {p} {i}" if i % 3 == 0 else "") for p in ("p", "q") for i in range(n) if i % 5
    }
    assert got == expected


def test_sigkill_during_100_saves_loses_none_that_returned(library: Path, data_dir: Path) -> None:
    printed = state_worker.kill_while_adding("highlights", library, data_dir, rounds=5)
    store = StateStore(library, data_dir)
    assert store.notices == [] and printed <= {h.id for h in store.highlights()}
