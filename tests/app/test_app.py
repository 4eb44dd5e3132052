"""Pilot tests: the app as a person drives it, on the sample library and on small odd ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from factories import make_app

from reader.library.snapshot import Library
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.article_view import ArticleView
from reader.ui.screens.modals import HelpScreen
from reader.ui.widgets.tag_sidebar import TagTree

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
SIZE = (160, 50)



def app_with_link(root: Path, tmp_path: Path, title: str, link: str) -> tuple[ReaderApp, list[str]]:
    """An app on a one-article library whose article links to ``link``, and the URLs it opens."""
    write_article(root, "a.md", title, link=link)
    app = make_app(root, tmp_path)
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    return app, opened


def row_text(widget: ArticleList | TagTree, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


def screen_text(app: ReaderApp) -> str:
    """Everything visible in the main panes, as plain text."""
    article_list = app.query_one(ArticleList)
    view = app.query_one(ArticleView)
    tags = app.query_one(TagTree)
    lines = [row_text(article_list, y) for y in range(article_list.size.height)]
    lines += [row_text(tags, y) for y in range(tags.size.height)]
    lines += ["".join(s.text for s in view.render_line(y)) for y in range(view.size.height)]
    return "\n".join(lines)


async def loaded(pilot) -> None:
    await pilot.app.wait_until_idle()
    await pilot.pause()


def sample_count() -> int:
    return len(Library.load(SAMPLE))


def write_article(folder: Path, name: str, title: str, *, link: str = "https://example.org/a", tags: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        f"# {title}\n### \n\n## Information:\n+ Source: Test Wire\n+ Link: [article]({link})\n"
        f"+ Date: July 25, 2021\n+ Author: A. Writer\n\n## Article:\nBody text about things.\n\n"
        f"#### Tags:\n{tags or '[[Testing]]'}\n",
        encoding="utf-8",
    )


async def test_startup_fills_list_and_shows_first_article(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        article_list = app.query_one(ArticleList)
        total = sample_count()
        assert len(article_list.ids) == total
        assert f"{total} of {total} articles" in str(app.query_one("#status").render())
        first = app.main.library.articles[article_list.ids[0]]
        assert first.title[:30] in row_text(article_list, 0)
        assert app.main.current is not None and app.main.current.path == first.path
        assert first.title[:30] in screen_text(app)
        # newest first
        dates = [app.main.library.articles[i].date for i in article_list.ids if app.main.library.articles[i].date]
        assert dates == sorted(dates, reverse=True)


async def _select_tag(pilot, name: str) -> None:
    app = pilot.app
    tags = app.query_one(TagTree)
    tags.focus()
    for index, row in enumerate(tags.rows):
        if row.node.term and row.node.label.casefold() == name.casefold():
            tags.cursor = index
            break
    else:
        raise AssertionError(f"tag {name} not in the sidebar")
    await pilot.press("enter")
    await pilot.pause()


async def test_tag_toggle_narrows_list_and_counts(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        library = app.main.library
        expected = library.search("tag:Ransomware").ids
        assert 0 < len(expected) < len(library)
        tags = app.query_one(TagTree)
        before = {row.node.label: row.node.count for row in tags.rows if row.node.term}
        await _select_tag(pilot, "Ransomware")
        assert "tag:Ransomware" in app.main.filter_text
        assert app.query_one(ArticleList).ids == expected
        after = {row.node.label: row.node.count for row in tags.rows if row.node.term}
        assert after["Ransomware"] == len(expected)
        # drill-down: some other tag now counts only within the ransomware articles
        assert any(after.get(label, 0) < count for label, count in before.items() if label != "Ransomware")
        selected = next(row for row in tags.rows if row.node.label == "Ransomware")
        assert "✓" in row_text(tags, tags.rows.index(selected) - int(tags.scroll_y))
        # enter again toggles it off
        await pilot.press("enter")
        await pilot.pause()
        assert "tag:" not in app.main.filter_text
        assert len(app.query_one(ArticleList).ids) == len(library)


async def test_exclude_tag_with_minus(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        with_tag = len(app.main.library.search("tag:ransomware").ids)
        await pilot.press("slash", *"-tag:ransomware")
        await pilot.pause()
        ids = app.query_one(ArticleList).ids
        assert len(ids) == len(app.main.library) - with_tag
        assert all("ransomware" not in {t.casefold() for t in app.main.library.articles[i].tags} for i in ids)


async def test_filter_bar_and_escape_keeps_filter(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        assert app.focused is app.query_one("#filter")
        await pilot.press(*"glasswing")
        await pilot.pause()
        ids = app.query_one(ArticleList).ids
        assert 0 < len(ids) < len(app.main.library)
        for i in ids:
            article = app.main.library.articles[i]
            haystack = f"{article.title} {article.subtitle} {' '.join(article.tags)}".casefold()
            body = app.main.library.read(article)[0].body.casefold()
            assert "glasswing" in haystack or "glasswing" in body
        await pilot.press("escape")
        assert app.focused is app.query_one(ArticleList)
        assert app.main.filter_text == "glasswing"
        assert app.query_one(ArticleList).ids == ids


async def test_no_results_shows_message(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"zzzqqqxxnothing")
        await pilot.pause()
        assert app.query_one(ArticleList).ids == []
        assert "No articles match" in screen_text(app)


async def test_sort_cycle(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert app.main.sort == "title"
        # alphabetical, ignoring leading quotes and punctuation
        titles = [app.main.library.articles[i].title.casefold().lstrip('"“\'(') for i in app.query_one(ArticleList).ids]
        assert titles == sorted(titles)
        await pilot.press("s")
        await pilot.pause()
        sources = [app.main.library.articles[i].source.casefold() for i in app.query_one(ArticleList).ids]
        named = [source for source in sources if source]
        assert named == sorted(named)
        assert sources == named + [""] * (len(sources) - len(named))  # no source: at the end
        await pilot.press("s")
        assert app.main.sort == "date"


async def test_next_previous_from_article_pane(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = app.query_one(ArticleList).ids
        await pilot.press("enter")
        assert app.focused is app.query_one(ArticleView)
        await pilot.press("n")
        await pilot.pause()
        assert app.main.current_id == ids[1]
        assert app.main.library.articles[ids[1]].title[:25] in screen_text(app)
        await pilot.press("n", "n", "p")
        await pilot.pause()
        assert app.main.current_id == ids[2]
        assert app.focused is app.query_one(ArticleView)


async def test_tab_cycles_panes(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("tab")
        assert app.focused is app.query_one(ArticleView)
        await pilot.press("tab")
        assert app.focused is app.query_one(TagTree)
        await pilot.press("tab")  # a full cycle: the filter bar is not a stop on the way
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is app.query_one(ArticleView)
        await pilot.press("slash", "tab")  # from the filter bar, tab goes back to the panes
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("question_mark", "tab")  # a modal screen keeps its own focus order
        assert isinstance(app.screen, HelpScreen)


async def test_bookmark_and_bookmarked_only(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        article_list = app.query_one(ArticleList)
        await pilot.press("j", "j")
        await pilot.pause()
        target = app.main.current
        assert target is not None
        await pilot.press("b")
        await pilot.pause()
        assert app.main.store.is_bookmarked(target)
        assert "★" in row_text(article_list, 2)
        await pilot.press("B")
        await pilot.pause()
        assert [app.main.library.articles[i].path for i in article_list.ids] == [target.path]
        await pilot.press("B")
        await pilot.pause()
        assert len(article_list.ids) == len(app.main.library)
    # persisted: a new app on the same state sees it
    again = make_app(tmp_path=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("B")
        await pilot.pause()
        assert [again.main.library.articles[i].path for i in again.query_one(ArticleList).ids] == [target.path]


async def test_help_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert "bookmark" in text and "tag:NAME" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_open_link_refuses_non_http(tmp_path: Path) -> None:
    app, opened = app_with_link(tmp_path / "lib", tmp_path, "Evil link", "javascript:alert(1)")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert any("link" in n.message for n in app._notifications)
        # a link inside the body goes through the same gate
        for href in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,x"):
            view = app.query_one(ArticleView)
            view.post_message(ArticleView.LinkClicked(view, href, None))
            await pilot.pause()
        assert opened == []
        assert sum("only http and https" in n.message for n in app._notifications) == 3


async def test_open_link_opens_https(tmp_path: Path) -> None:
    app, opened = app_with_link(tmp_path / "lib", tmp_path, "Good link", "https://example.org/story")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == ["https://example.org/story"]


HOSTILE_TITLE = "[bold red]x[/] [link=file:///etc/passwd]y[/] [@click=app.quit]q[/] [/bold]"


async def test_markup_in_title_is_shown_literally(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    write_article(library, "evil.md", HOSTILE_TITLE)
    write_article(library, "esc.md", "Escape \x1b]0;owned\x07 \x1b[2J title")
    (library / "fm.md").write_text(
        '---\ntitle: Front matter\ndate: 2020-01-01\ntags: ["[bold]tag[/bold]", "[@click=app.quit]t[/]"]\n---\nBody\n',
        encoding="utf-8",
    )
    app = make_app(library, tmp_path)
    async with app.run_test(size=(220, 50)) as pilot:
        await loaded(pilot)
        seen = []
        for _ in range(3):
            text = screen_text(app)
            assert "\x1b" not in text and "\x07" not in text
            seen.append(text)
            await pilot.press("j")
            await pilot.pause()
        joined = "\n".join(seen)
        assert HOSTILE_TITLE in joined  # the whole title, literally, in the article pane
        assert "Escape ␛]0;owned␇ ␛[2J title" in joined  # escapes made visible and inert
        assert "[bold]tag[/bold]" in joined  # a tag holding markup, literally
        await pilot.click(ArticleList, offset=(5, 0))
        await pilot.click(ArticleList, offset=(5, 1))
        await pilot.pause()
        assert app.is_running


async def test_empty_library_message(tmp_path: Path) -> None:
    library = tmp_path / "empty"
    library.mkdir()
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "no articles yet" in screen_text(app)


async def test_article_without_body(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "empty-body.md").write_text("# Only a title\n", encoding="utf-8")
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Only a title" in screen_text(app)
        assert "no body" in screen_text(app).lower()


async def test_bad_config_gives_message_not_crash(tmp_path: Path) -> None:
    from reader.config import load_config

    config_file = tmp_path / "config.toml"
    config_file.write_text("theme = [unclosed\n", encoding="utf-8")
    config = load_config(config_file)
    assert config.error and "config.toml" in config.error
    app = ReaderApp(SAMPLE, config=config, data_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert any("invalid config" in n.message for n in app._notifications)
        assert len(app.query_one(ArticleList).ids) == sample_count()


async def test_keymap_from_config_remaps_bookmark(tmp_path: Path) -> None:
    from reader.config import Config

    app = ReaderApp(SAMPLE, config=Config(keys={"reader.bookmark": "m"}), data_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert app.main.current is not None and app.main.store.is_bookmarked(app.main.current)


async def test_library_copy_is_independent(tmp_path: Path) -> None:
    """A copied library is its own library: bookmarks are keyed by the folder."""
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE, copy)
    app = make_app(copy, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert len(app.query_one(ArticleList).ids) == sample_count()


async def test_palette_jumps_to_article(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        target = next(a for a in app.main.library.articles if a.title.startswith("Inside Glasswing"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"inside glasswing")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.current is not None and app.main.current.path == target.path


async def test_palette_toggles_tag(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tag: phishing")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert "tag:phishing" in app.main.filter_text.casefold()
        assert len(app.query_one(ArticleList).ids) == len(app.main.library.search("tag:phishing").ids)


async def test_problems_screen_lists_bad_files(tmp_path: Path) -> None:
    from reader.ui.screens.modals import ProblemsScreen

    library = tmp_path / "lib"
    write_article(library, "good.md", "A good article")
    (library / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert len(app.query_one(ArticleList).ids) == 1
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = str(app.screen.query_one("#problems-text").render())
        assert "binary.md" in text and "skipped" in text


async def test_find_in_article(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        target = next(i for i, a in enumerate(app.main.library.articles) if a.title.startswith("Inside Glasswing"))
        app.main.jump_to_article(target)
        await pilot.pause()
        body = app.main.current.body.casefold()
        expected = body.count("glasswing")
        assert expected >= 2
        await pilot.press("ctrl+f")
        assert app.focused is app.query_one("#find")
        await pilot.press(*"glasswing")
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.find_count >= expected  # the header's title counts too
        find = app.query_one("#find")
        assert find.border_subtitle == f"1/{view.find_count}"
        await pilot.press("enter")
        await pilot.pause()
        assert view.find_index == 1
        assert find.border_subtitle == f"2/{view.find_count}"
        await pilot.press("shift+enter")
        await pilot.pause()
        assert view.find_index == 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert view.find_index == 2
        await pilot.press("up")
        await pilot.pause()
        assert view.find_index == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not find.display
        assert view.find_count == 0


async def test_saved_search_round_trip(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"tag:phishing", "escape")
        expected = list(app.query_one(ArticleList).ids)
        app.main.action_save_search()
        await pilot.pause()
        await pilot.press(*"phish", "enter")
        await pilot.pause()
        assert app.main.store.saved_searches() == {"phish": "tag:phishing"}
        app.main.action_clear_filter()
        await pilot.pause()
        tags = app.query_one(TagTree)
        labels = [row.node.label for row in tags.rows]
        assert "⌕ phish" in labels
        tags.focus()
        tags.cursor = labels.index("⌕ phish")
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.filter_text == "tag:phishing"
        assert app.query_one(ArticleList).ids == expected
    again = make_app(tmp_path=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        tags = again.query_one(TagTree)
        labels = [row.node.label for row in tags.rows]
        assert "⌕ phish" in labels
        tags.focus()
        tags.cursor = labels.index("⌕ phish")
        await pilot.press("d")
        await pilot.pause()
        assert again.main.store.saved_searches() == {}
        assert "⌕ phish" not in [row.node.label for row in tags.rows]


async def test_theme_is_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.theme = "nord"
        await pilot.pause()
    again = make_app(tmp_path=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert again.theme == "nord"


async def test_read_state_and_unread_filter(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        first = app.main.current
        assert first is not None
        await pilot.press("enter")  # opened: shown at launch alone does not count
        assert await _until(pilot, lambda: app.main.store.is_read(first))
        await pilot.pause()
        labels = [row.node.label for row in app.query_one(TagTree).rows]
        assert f"• Unread ({len(app.main.library) - 1})" in labels  # the sidebar count follows
        await pilot.press("U")
        await pilot.pause()
        ids = app.query_one(ArticleList).ids
        assert len(ids) == len(app.main.library) - 1
        assert app.main.library.by_path[first.path] not in ids
        await pilot.press("U")
        await pilot.pause()
        app.query_one(ArticleList).cursor = 0
        await pilot.pause()
        await pilot.press("u")
        assert not app.main.store.is_read(first)


async def test_timeline_shows_counts_for_the_filter(tmp_path: Path) -> None:
    from reader.library.timeline import sparkline

    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"tag:ransomware", "escape")
        await pilot.pause()
        ids = app.query_one(ArticleList).ids
        months: dict[str, int] = {}
        for i in ids:
            date = app.main.library.articles[i].date
            if date is not None:
                key = date.strftime("%Y-%m")
                months[key] = months.get(key, 0) + 1
        counts = dict(app.main.timeline_counts)
        assert {month: n for month, n in counts.items() if n} == months
        assert sum(counts.values()) == sum(months.values())
        shown = str(app.query_one("#timeline").render())
        assert min(months) in shown and max(months) in shown
        assert sparkline(app.main.timeline_counts, 3)[:1] in "▁▂▃▄▅▆▇█ "


async def test_tag_postings_are_never_built_on_the_ui_thread(tmp_path: Path, monkeypatch) -> None:
    """At 100,000 clippings the postings take ~1 s: built on the UI thread for the first
    article's related panel, they held the first frame of a warm start. (The sidebar of a
    small library is built in line, so the test makes it as large as one that is not.)"""
    import threading

    from reader.ui.screens import filtering

    monkeypatch.setattr(filtering, "SIDEBAR_IN_WORKER", 0)

    threads: list[str] = []
    build = Library._build_postings

    def spy(self: Library) -> list[set[int]]:
        threads.append(threading.current_thread().name)
        return build(self)

    monkeypatch.setattr(Library, "_build_postings", spy)
    for _run in range(2):  # the first run indexes the library, the second is a warm start
        app = make_app(tmp_path=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await app.wait_until_idle()
            await pilot.pause()
            assert app.main.related_ids, "the first article's related articles are listed"
    assert threads and threading.main_thread().name not in threads


async def test_related_articles_jump(tmp_path: Path) -> None:
    from reader.library.related import related

    app = make_app(tmp_path=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        start = next(i for i, a in enumerate(app.main.library.articles) if a.title.startswith("Inside Glasswing"))
        app.main.jump_to_article(start)
        await app.wait_until_idle()
        await pilot.pause()
        expected = related(app.main.library, start, 5)
        assert expected and app.main.related_ids == expected
        panel = str(app.query_one("#related").render())
        assert app.main.library.articles[expected[0]].title[:30] in panel
        await pilot.press("2")
        await pilot.pause()
        assert app.main.current_id == expected[1]


async def _until(pilot, condition, timeout: float = 6.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_live_reload_adds_changes_and_removes(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    write_article(library, "one.md", "First story", tags="[[Alpha]]")
    write_article(library, "two.md", "Second story", tags="[[Alpha]]")
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert await _until(pilot, lambda: app.main._watching)
        await pilot.press("slash", *"tag:alpha", "escape")
        await pilot.pause(0.5)  # let the watcher start before the files change

        def titles() -> set[str]:
            return {app.main.library.articles[i].title for i in app.query_one(ArticleList).ids}

        assert titles() == {"First story", "Second story"}
        await pilot.press("j")
        await pilot.pause()
        reading = app.main.current.path
        write_article(library, "three.md", "Third story", tags="[[Alpha]]")
        assert await _until(pilot, lambda: "Third story" in titles())
        assert app.main.current.path == reading  # the cursor stayed on the article being read
        write_article(library, "two.md", "Second story, updated", tags="[[Alpha]]")
        assert await _until(pilot, lambda: "Second story, updated" in titles())
        (library / "one.md").unlink()
        assert await _until(pilot, lambda: "First story" not in titles())
        assert app.main.filter_text == "tag:alpha"  # the filter survived every reload
        assert titles() == {"Second story, updated", "Third story"}


async def test_first_index_keeps_the_newest_article_on_top(tmp_path: Path) -> None:
    """While a library is indexed for the first time, the cursor follows the top of the list."""
    from reader.library.snapshot import Library as LibraryClass

    full = LibraryClass.load(SAMPLE)
    older = [a for a in full.articles if a.date and a.date.year == 2021]
    partial = LibraryClass(full.root, older)
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", library=partial)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.set_library(partial, streaming=True)
        await pilot.pause()
        app.main.set_library(full)
        await pilot.pause()
        newest = full.articles[full.search("").ids[0]]
        assert app.main.current is not None and app.main.current.path == newest.path


async def test_very_long_article_is_rendered_in_full(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    paragraphs = "\n\n".join(f"Paragraph {n} of a very long article, with *emphasis*." for n in range(6000))
    (library / "long.md").write_text(f"# A very long article\n\n{paragraphs}\n\nTHE-END-MARKER\n", encoding="utf-8")
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        view = app.query_one(ArticleView)
        assert len(app.main.current.body) > 200_000
        await app.wait_until_idle()
        await pilot.pause()
        text = "\n".join(view.document.plain)
        assert "THE-END-MARKER" in text and "rendering the rest" not in text
        assert "Paragraph 5999 of a very long article" in text


async def test_file_and_folder_names_with_escapes_are_shown_inertly(tmp_path: Path) -> None:
    from reader.ui.screens.modals import ProblemsScreen

    library = tmp_path / "lib\x1b]0;owned\x07"
    write_article(library, "good.md", "A good article")
    (library / "bad\x1b[2J.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    app = make_app(library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        topbar = str(app.query_one("#topbar").render())
        assert "\x1b" not in topbar and "lib␛]0;owned␇" in topbar
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        problems = str(app.screen.query_one("#problems-text").render())
        assert "\x1b" not in problems and "bad␛[2J.md" in problems


async def test_a_draft_says_so_in_the_list(tmp_path: Path) -> None:
    hugo = Path(__file__).resolve().parents[1] / "fixtures" / "hugo"
    app = make_app(hugo, tmp_path, live_reload=False, read_after=3600)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        listing = app.main.query_one(ArticleList)
        rows = [row_text(listing, y) for y in range(len(listing.ids))]
        drafts = [row for row in rows if "draft · " in row]
        assert len(drafts) == 1 and "draft · My First Post" in drafts[0]


async def test_the_top_bar_counts_one_article_and_one_problem_in_the_singular() -> None:
    from textual.app import App

    from reader.ui.widgets.topbar import TopBar

    class One(App[None]):
        def compose(self):
            yield TopBar(id="topbar")

    app = One()
    async with app.run_test(size=(80, 5)):
        bar = app.query_one(TopBar)
        bar.show("notes", articles=1, problems=1)
        assert "notes  ·  1 article  ·  1 problem, press !" in str(bar.render())
        bar.show("notes", articles=1_200, problems=3)
        assert "1,200 articles  ·  3 problems, press !" in str(bar.render())
