"""Pilot tests for highlights and notes: select, extend, cancel, save, note, H (jump, delete, undo), find."""

from __future__ import annotations

from pathlib import Path

from factories import write_clipping

from reader.ui.app import ReaderApp
from reader.ui.article_view import ArticleView
from reader.ui.screens.highlights import HighlightsScreen
from reader.ui.widgets.tag_sidebar import TagTree

SIZE = (140, 45)
FIRST = "First paragraph of the newest article, which says something worth keeping."
SECOND = "Second paragraph here. It has two sentences about ransomware gangs."
THIRD = "Third paragraph closes the article."


def clipping(folder: Path, name: str, title: str, date: str, paragraphs: list[str], link: str) -> Path:
    return write_clipping(folder, name, title, "\n\n".join(paragraphs), date=date, link=link)


def make_library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    clipping(root, "new.md", "Newest article", "July 25, 2021", [FIRST, SECOND, THIRD], "https://example.org/new")
    clipping(
        root,
        "old.md",
        "Older article",
        "July 1, 2021",
        ["Old intro.", "Old key passage to find."],
        "https://example.org/old",
    )
    return root


def make_app(root: Path, tmp_path: Path) -> ReaderApp:
    return ReaderApp(root, data_dir=tmp_path / "state", use_cache=False, live_reload=False)


async def settle(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


def view_text(view: ArticleView) -> str:
    return "\n".join("".join(s.text for s in view.render_line(y)) for y in range(view.size.height))


def passage_rows(view: ArticleView) -> list[str]:
    """The text of every visible row drawn with the saved-passage background."""
    bg = view.get_component_rich_style("article-view--passage").bgcolor
    rows = []
    for y in range(view.size.height):
        segments = list(view.render_line(y))
        marked = "".join(s.text for s in segments if s.style is not None and s.style.bgcolor == bg)
        if marked.strip():
            rows.append(marked.strip())
    return rows


async def open_newest(pilot) -> ArticleView:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    view = pilot.app.query_one(ArticleView)
    assert pilot.app.focused is view
    return view


async def test_v_selects_j_k_extend_escape_cancels_enter_saves(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        await pilot.press("v")
        quoted = view.selected_quote()
        assert quoted is not None and quoted[1] == FIRST
        await pilot.press("j")
        assert view.selected_quote()[1] == f"{FIRST}\n\n{SECOND}"  # type: ignore[index]
        await pilot.press("k")
        assert view.selected_quote()[1] == FIRST  # type: ignore[index]
        await pilot.press("escape")
        assert view.selection is None and app.focused is view  # escape cancelled, did not leave the pane
        assert app.main.store.highlights() == []
        await pilot.press("v", "j", "enter")
        await settle(pilot)
        [saved] = app.main.store.highlights()
        assert saved.exact == f"{FIRST}\n\n{SECOND}" and saved.path == "new.md"
        assert view.selection is None
        drawn = " ".join(passage_rows(view))
        assert "First paragraph" in drawn and "ransomware gangs." in drawn and "Third" not in drawn
        tree = app.query_one(TagTree)
        assert any("Highlights (1)" in "".join(s.text for s in tree.render_line(y)) for y in range(6))
        await pilot.resize_terminal(90, 45)  # re-wrapped: still drawn
        await settle(pilot)
        assert "ransomware" in " ".join(passage_rows(view))

    restarted = make_app(root, tmp_path)
    async with restarted.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        assert "First paragraph" in " ".join(passage_rows(view))
        await pilot.press("slash", *"is:highlighted")
        await settle(pilot)
        assert restarted.main.result_ids == [restarted.main.library.by_path["new.md"]]  # type: ignore[union-attr]


async def test_a_adds_a_note_to_the_selection_and_to_the_article(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        await pilot.press("v", "a")
        await settle(pilot)
        await pilot.press(*"worth it", "enter")
        await settle(pilot)
        [saved] = app.main.store.highlights()
        assert (saved.exact, saved.note) == (FIRST, "worth it")
        text = view_text(view)
        assert text.index("First paragraph") < text.index("✎ worth it") < text.index("Second paragraph")  # under it
        # a again on the same passage edits that note
        await pilot.press("v", "a")
        await settle(pilot)
        await pilot.press(*" twice", "enter")
        await settle(pilot)
        assert [h.note for h in app.main.store.highlights()] == ["worth it twice"]
        # no selection: the note goes on the article, shown at its top
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"read later", "enter")
        await settle(pilot)
        note = app.main.store.article_note(app.main.current)  # type: ignore[arg-type]
        assert note is not None and note.note == "read later"
        text = view_text(view)
        assert "✎ read later" in text and text.index("✎ read later") < text.index("First paragraph")
        await pilot.press("slash", *"has:note")
        await settle(pilot)
        assert app.main.result_ids == [app.main.library.by_path["new.md"]]  # type: ignore[union-attr]


async def test_H_jumps_to_the_passage_and_deletes_with_undo(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    filler = [f"Filler paragraph number {n} to push the passage down." for n in range(40)]
    clipping(
        root,
        "old.md",
        "Older article",
        "July 1, 2021",
        [*filler, "Old key passage to find."],
        "https://example.org/old",
    )
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        old = app.main.library.articles[app.main.library.by_path["old.md"]]  # type: ignore[union-attr]
        full, _ = app.main.library.read(old)  # type: ignore[union-attr]
        app.main.store.add_highlight(full, "down.\n\n", "Old key passage to find.", "")
        await pilot.press("H")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HighlightsScreen)
        await pilot.press(*"key passage")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.query_one(ArticleView)
        assert app.main.current is not None and app.main.current.path == "old.md"
        assert "Old key passage to find." in " ".join(passage_rows(view))  # scrolled into view, drawn
        assert view.scroll_y > 0

        await pilot.press("H")
        await settle(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert app.main.store.highlights() == []
        await pilot.press("u")
        await settle(pilot)
        assert [h.exact for h in app.main.store.highlights()] == ["Old key passage to find."]
        await pilot.press("escape")


async def test_v_with_a_find_match_selects_its_sentence(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        await pilot.press("ctrl+f", *"ransomware")
        await settle(pilot)
        assert view.find_count == 1
        await pilot.press("tab")  # to the article, keeping the match
        assert app.focused is view and view.find_count == 1
        await pilot.press("v")
        assert view.selected_quote()[1] == "It has two sentences about ransomware gangs."  # type: ignore[index]
        await pilot.press("enter")
        await settle(pilot)
        assert [h.exact for h in app.main.store.highlights()] == ["It has two sentences about ransomware gangs."]
        assert passage_rows(view) and "Second paragraph" not in " ".join(passage_rows(view))


async def test_passages_and_notes_are_drawn_inert(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        saved = app.main.store.add_highlight(app.main.current, "", FIRST, "")  # type: ignore[arg-type]
        app.main.store.set_note(saved.id, "[bold red]x[/] \x1b[31mred\x07")
        app.query_one(ArticleView).set_passages(app.main.store.highlights_of(app.main.current))  # type: ignore[arg-type]
        await settle(pilot)
        text = view_text(view)
        assert "[bold red]x[/]" in text and "\x1b" not in text and "\x07" not in text
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, HighlightsScreen)


async def test_after_a_rename_and_an_edit_elsewhere_the_passage_is_still_drawn(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    app = make_app(root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_newest(pilot)
        await pilot.press("v", "j", "enter")
        await settle(pilot)
        (root / "sub").mkdir()
        moved = root / "sub" / "renamed.md"
        (root / "new.md").rename(moved)
        moved.write_text(moved.read_text(encoding="utf-8").replace("closes the", "ends the"), encoding="utf-8")
        app.main.action_reload()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.main.current is not None and app.main.current.path == "sub/renamed.md"
        drawn = " ".join(passage_rows(view))
        assert "First paragraph" in drawn and "ransomware gangs." in drawn and "ends the" not in drawn
        [saved] = app.main.store.resolve_highlights(app.main.library.articles)  # type: ignore[union-attr]
        assert saved[1] is not None and saved[1].path == "sub/renamed.md"
