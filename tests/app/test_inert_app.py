"""Issue 11 C5, C6 in the app: notices are inert, links follow the one policy and name their real host."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_app import SIZE, app_with_link, loaded, make_app, write_article

from reader.state import StateStore
from reader.ui.article_view import ArticleView

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def test_body_links_with_user_info_or_controls_are_refused_and_look_alikes_named(tmp_path: Path) -> None:
    app, opened = app_with_link(tmp_path / "lib", tmp_path, "Links", "https://g\u043e\u043egle.com/login")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        view = app.query_one(ArticleView)
        for href in ("https://google.com:443@evil.example/", "https://news.example/\x9b31m"):
            view.post_message(ArticleView.LinkClicked(view, href, None))
            await pilot.pause()
        assert opened == []
        await pilot.press("o")
        await pilot.pause()
        assert opened == ["https://g\u043e\u043egle.com/login"]
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Opening") and "xn--ggle-55da.com" in m for m in messages), messages
        assert sum(m.startswith("Not opening") for m in messages) == 2
        assert not any(RAW.search(m) for m in messages), messages


async def test_a_key_name_holding_esc_in_the_config_reaches_no_notice_raw(tmp_path: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[keys]\n"\\u001b]0;pwned\\u0007" = 5\n"quit\\u001b[2J" = "q"\nbookmark = "\\u001b]0;x\\u0007"\n',
        encoding="utf-8",
    )
    library = tmp_path / "lib"
    write_article(library, "a.md", "Config")
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        messages = [n.message for n in app._notifications]
        assert any("\u241b]0;pwned\u2407" in m for m in messages), messages
        assert not any(RAW.search(m) or RAW.search(n.title) for m in messages for n in app._notifications)


async def test_a_latin1_file_name_is_shown_bookmarked_and_stored_losslessly(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    try:
        with open(os.fsencode(library) + b"/caf\xe9.md", "wb") as handle:
            handle.write(b"# Cafe in Latin-1\n\nA croissant.\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.main.current is not None and app.main.current.title == "Cafe in Latin-1"
        await pilot.pause(2.0)  # the automatic read mark (1.5 s) writes the state file
        await pilot.press("b")
        await pilot.pause()
        assert app.return_code is None
    store = StateStore(library, data_dir=tmp_path / "state")
    assert [b.path for b in store.bookmarks()] == ["caf\udce9.md"]
