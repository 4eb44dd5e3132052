"""Following links between articles, back / forward, and ``e`` to edit an article in $EDITOR."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reader.ui.app import ReaderApp
from reader.ui.article_view import ArticleView
from reader.ui.screens.navigation import History, editor_command, source_line

SIZE = (160, 50)
HUB = """# Hub

See [the second](notes/second.md), [[Third#Deep dive|the third]], [bad](javascript:alert(1)),
[missing](nowhere.md) and [the web](https://example.com/page).
"""
SECOND = "# Second\n\nThe second article.\n"
THIRD = "# Third\n\nIntro.\n\n" + "\n\n".join(f"Paragraph {n}." for n in range(60)) + "\n\n## Deep dive\n\nDown here.\n"


def _library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "notes").mkdir(parents=True)
    (root / "hub.md").write_text(HUB, encoding="utf-8")
    (root / "notes" / "second.md").write_text(SECOND, encoding="utf-8")
    (root / "Third.md").write_text(THIRD, encoding="utf-8")
    return root


def _app(tmp_path: Path) -> ReaderApp:
    return ReaderApp(_library(tmp_path), data_dir=tmp_path / "state", use_cache=False, live_reload=False)


async def _open(pilot, path: str) -> None:
    app = pilot.app
    await app.wait_until_idle()
    await pilot.pause()
    app.main.jump_to_article(app.main.library.by_path[path], record=False)  # the start: no history
    await pilot.pause()


async def _follow(pilot, href: str) -> None:
    """As a click or a link hint does: the article pane posts LinkClicked."""
    view = pilot.app.query_one(ArticleView)
    view.post_message(ArticleView.LinkClicked(view, href, pilot.app.main.current.path))
    await pilot.pause()


def _messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_relative_link_opens_the_article_and_back_forward_walk_the_history(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        await _follow(pilot, "notes/second.md")
        assert app.main.current.path == "notes/second.md"
        await _follow(pilot, "../Third")  # relative to notes/, without .md
        assert app.main.current.path == "Third.md"
        await pilot.press("backspace")
        assert app.main.current.path == "notes/second.md"
        await pilot.press("alt+left")
        assert app.main.current.path == "hub.md"
        await pilot.press("alt+right")
        assert app.main.current.path == "notes/second.md"
        await pilot.press("alt+right")
        assert app.main.current.path == "Third.md"
        await pilot.press("alt+right")  # the end of the history: stays, says so
        assert app.main.current.path == "Third.md"
        assert any("No further article" in m for m in _messages(app))


async def test_a_wikilink_with_a_heading_opens_there(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        await _follow(pilot, "[[Third#Deep dive|the third]]")
        view = app.query_one(ArticleView)
        assert app.main.current.path == "Third.md"
        row = next(row for row, _level, text in view.headings if text == "Deep dive")
        # On screen, at the top when the article is long enough to put it there (the panel
        # under the article may change the pane's height after the jump).
        top = round(view.scroll_y)
        assert 0 < top <= row < top + view.size.height
        assert top == row or row > view.max_scroll_y


async def test_a_web_link_goes_through_the_gate_and_others_are_refused_with_their_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        await _follow(pilot, "https://example.com/page")
        await _follow(pilot, "javascript:alert(1)")
        await _follow(pilot, "nowhere.md")
        assert opened == ["https://example.com/page"]
        assert app.main.current.path == "hub.md"
        messages = _messages(app)
        assert any("javascript:alert(1)" in m and "only http and https" in m for m in messages)
        assert any("no article 'nowhere.md'" in m for m in messages)
        assert not any("has no link" in m for m in messages)


def _not_headless(monkeypatch: pytest.MonkeyPatch, app: ReaderApp) -> list[bool]:
    """The app as in a terminal for one action: ``suspend`` as Textual's (no resume when the
    block raises), and the resumes it saw."""
    import contextlib
    from collections.abc import Iterator

    resumed: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        yield
        resumed.append(True)

    monkeypatch.setattr(app, "suspend", suspend)
    monkeypatch.setattr(type(app), "is_headless", property(lambda _self: False))
    return resumed


async def test_with_no_browser_o_copies_the_link_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    def no_browser() -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    app = _app(tmp_path)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    monkeypatch.setattr(webbrowser, "get", no_browser)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        with monkeypatch.context() as patch:
            _not_headless(patch, app)
            app.main.open_external("https://example.com/page")
        await pilot.pause()
        assert copied == ["https://example.com/page"]
        assert any("no web browser found" in m and "Copied" in m for m in _messages(app))


async def test_a_text_browser_gets_the_terminal_to_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """w3m, lynx: run with the app suspended (Python would run them on top of it)."""
    import webbrowser

    script = tmp_path / "textbrowser"
    script.write_text(f'#!/bin/sh\necho "$1" > "{tmp_path}/browsed"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    app = _app(tmp_path)
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.GenericBrowser(str(script)))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        with monkeypatch.context() as patch:
            resumed = _not_headless(patch, app)
            app.main.open_external("https://example.com/page")
        await pilot.pause()
        assert resumed == [True]
        assert (tmp_path / "browsed").read_text(encoding="utf-8").strip() == "https://example.com/page"
        assert any(m.startswith("Opening") for m in _messages(app))


def _fake_editor(tmp_path: Path) -> Path:
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{tmp_path}/editor-args"\n'
        'for last; do :; done\n'
        'printf "\\n\\nAdded by the editor.\\n" >> "$last"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def test_e_edits_the_article_at_the_line_in_view_and_shows_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(_fake_editor(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "Third.md")
        view = app.query_one(ArticleView)
        view.focus()
        block = next(block for block in view.document.blocks if block.text == "Paragraph 20.")
        view.scroll_to_row(block.start_row)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        args = (tmp_path / "editor-args").read_text(encoding="utf-8").split()
        lines = THIRD.splitlines()
        assert args[-1] == str(app.main.root / "Third.md")
        assert lines[int(args[0].lstrip("+")) - 1] == "Paragraph 20."
        assert "Added by the editor." in app.main.current.body
        assert any("Added by the editor." in block.text for block in view.document.blocks)


async def test_e_without_an_editor_says_how_to_set_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        await pilot.press("e")
        assert any("No editor set" in m and "EDITOR" in m for m in _messages(app))


async def test_an_editor_that_cannot_start_leaves_the_app_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual resumes a suspended app only when the ``with app.suspend()`` block ends
    normally: a missing editor raised inside it and left a blank screen no key reached."""
    app = _app(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        with monkeypatch.context() as patch:
            resumed = _not_headless(patch, app)
            await app.main.run_action("edit")
        await pilot.pause()
        assert resumed == [True]
        assert any("Could not start the editor" in m and "no-such-editor" in m for m in _messages(app))
        assert app.main.current is not None and app.main.current.path == "hub.md"


async def test_e_does_not_open_a_file_that_became_a_link_out_of_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(_fake_editor(tmp_path)))
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        hub = app.main.root / "hub.md"
        hub.unlink()
        hub.symlink_to(secret)
        await app.main.run_action("edit")
        await pilot.pause()
        assert not (tmp_path / "editor-args").exists()
        assert secret.read_text(encoding="utf-8") == "# Secret\n"
        assert any("Not editing hub.md" in m and "outside the library" in m for m in _messages(app))


async def test_the_palette_copies_the_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "notes/second.md")
        await app.main.run_action("copy_path")
        assert copied == [os.fspath(app.main.root / "notes" / "second.md")]


def test_history_skips_the_article_on_show_and_clears_forward_on_a_new_visit() -> None:
    history = History()
    history.visit("a")
    history.visit("b")
    assert history.step("c", forward=False) == "b"
    assert history.step("b", forward=False) == "a"
    assert history.step("a", forward=True) == "b"
    history.visit("b")
    assert history.forward == []


def test_editor_command_puts_the_line_first_unless_the_editor_does_not_take_it() -> None:
    assert editor_command("vim -p", Path("/l/a.md"), 12) == ["vim", "-p", "+12", "/l/a.md"]
    assert editor_command("code --wait", Path("/l/a.md"), 12) == ["code", "--wait", "/l/a.md"]


def test_source_line_finds_a_rendered_block_in_its_markdown() -> None:
    text = "---\ntitle: x\n---\n# X\n\nSome **bold** words [here](a.md) go on\nand on.\n"
    assert source_line(text, "Some bold words here go on and on.") == 6
    assert source_line(text, None) == 1


async def test_a_palette_or_related_jump_is_in_the_history_too_but_j_and_k_are_not(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, "hub.md")
        app.main.jump_to_article(app.main.library.by_path["Third.md"])  # what the palette and 1–5 call
        await pilot.pause()
        await pilot.press("backspace")
        assert app.main.current.path == "hub.md"
        app.query_one("#list").focus()
        await pilot.press("j")  # moving in the list is browsing, not following
        await pilot.pause()
        moved_to = app.main.current.path
        assert moved_to != "hub.md"
        await pilot.press("backspace")
        assert app.main.current.path == moved_to
        assert any("Nothing to go back to" in m for m in _messages(app))


def test_text_browsers_take_the_terminal_and_graphical_ones_do_not() -> None:
    import webbrowser

    from reader.ui.browser import takes_terminal

    assert takes_terminal(webbrowser.GenericBrowser("w3m"))
    assert not takes_terminal(webbrowser.BackgroundBrowser("firefox"))
    text_unix = webbrowser.UnixBrowser("elinks")
    text_unix.background = False
    graphical_unix = webbrowser.UnixBrowser("chromium")
    graphical_unix.background = True
    assert takes_terminal(text_unix) and not takes_terminal(graphical_unix)
