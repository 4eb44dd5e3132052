"""Keys sent in one burst (fast typing, a paste, a slow link) act where the focus is when each is handled."""

from __future__ import annotations

from factories import make_app
from textual import events

from reader.ui.article_list import ArticleList
from reader.ui.widgets.inputs import FilterInput


def _app(tmp_path):
    """The sample library, no live reload, nothing marked read while a test looks."""
    return make_app(tmp_path=tmp_path, live_reload=False, read_after=3600)


async def _in_filter(pilot, text: str) -> None:
    """``/`` and ``text`` typed at a human pace: the bar has the focus and the text."""
    await pilot.press("slash", *text)
    await pilot.pause()


async def _burst(pilot, *keys: str) -> None:
    """Every key queued before any is handled, as a terminal delivers a burst."""
    characters = {"space": " ", "slash": "/"}
    await _deliver(pilot, *(events.Key(key, characters.get(key, key if len(key) == 1 else None)) for key in keys))


async def _deliver(pilot, *sent: events.Event) -> None:
    """These input events queued before any is handled, then everything settled."""
    for event in sent:
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()
    await pilot.app.wait_until_idle()
    await pilot.pause()


def _assert_g_k_b_on_the_filtered_list(app) -> None:
    """``G k b`` after ``/tag:ransomware`` ⏎: the filter kept, the star on its second-to-last row."""
    assert app.main.query_one("#filter", FilterInput).value == "tag:ransomware"
    listing = app.main.query_one(ArticleList)
    assert app.focused is listing
    ids = list(app.main.result_ids)
    assert len(ids) >= 2
    assert listing.cursor == len(ids) - 2
    assert app.main.bookmarked_ids == {ids[-2]}


async def test_slash_then_words_in_one_burst_types_them_into_the_filter(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _burst(pilot, "slash", *"about a", "space", *"ransom")
        assert app.main.query_one("#filter", FilterInput).value == "about a ransom"
        assert app.screen is app.main  # "a" opened no note prompt
        assert isinstance(app.focused, FilterInput)


async def test_escape_then_j_in_one_burst_leaves_the_filter_and_moves_the_cursor(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _in_filter(pilot, "tag:ransomware")
        await _burst(pilot, "escape", "j", "j")
        assert app.main.query_one("#filter", FilterInput).value == "tag:ransomware"
        listing = app.main.query_one(ArticleList)
        assert app.focused is listing
        assert listing.cursor == 2


async def test_enter_then_keys_in_one_burst_leave_the_filter_and_act_on_the_list(tmp_path) -> None:
    """``/word`` ⏎ ``G k b`` typed fast: the filter keeps ``word`` and the star lands on the list."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _in_filter(pilot, "tag:ransomware")
        await _burst(pilot, "enter", "G", "k", "b")
        _assert_g_k_b_on_the_filtered_list(app)


async def test_slash_word_enter_and_keys_in_one_burst_type_the_word_then_act_on_the_list(tmp_path) -> None:
    """All of ``/word`` ⏎ ``G k b`` in one burst: ``word`` still reaches the bar before it is left."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _burst(pilot, "slash", *"tag:ransomware", "enter", "G", "k", "b")
        _assert_g_k_b_on_the_filtered_list(app)


async def test_a_burst_through_the_filter_bar_moves_and_opens_in_order(tmp_path) -> None:
    """``/word`` ⏎ ``j`` ⏎ in one burst: the second ⏎ opens the second article of the result,
    it does not leave the bar a second time."""
    from reader.ui.article_view import ArticleView

    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _burst(pilot, "slash", *"tag:ransomware", "enter", "j", "enter")
        view = app.main.query_one(ArticleView)
        library = app.main.library
        assert library is not None
        second = library.articles[list(app.main.result_ids)[1]]
        assert app.main.query_one("#filter", FilterInput).value == "tag:ransomware"
        assert app.focused is view
        assert view.article is not None and view.article.path == second.path


async def test_editing_keys_in_a_burst_still_edit_the_bar(tmp_path) -> None:
    """Keys the bar takes through its bindings (``backspace``) keep their place among the
    characters typed around them."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _burst(pilot, "slash", *"tag:ransomwarx", "backspace", "e", "enter", "j")
        bar = app.main.query_one("#filter", FilterInput)
        assert bar.value == "tag:ransomware"
        listing = app.main.query_one(ArticleList)
        assert app.focused is listing
        assert listing.cursor == 1
        # The same in a bar that has the focus already.
        await pilot.press("slash")
        await _burst(pilot, "x", "y", "backspace", "z", "left", "w")
        assert bar.value == "tag:ransomwarexwz"


async def test_a_note_typed_right_after_a_move_goes_on_the_article_moved_to(tmp_path) -> None:
    """``j a`` in one burst: the article pane follows the cursor by a message that ``a``
    overtakes; the note is still for the article under the cursor."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        library = app.main.library
        assert library is not None
        first, second = (library.articles[i] for i in list(app.main.result_ids)[:2])
        await _burst(pilot, "j", "a")
        await pilot.press(*"hi", "enter")
        await pilot.pause()
        note = app.main.store.article_note(second)
        assert note is not None and note.note == "hi"
        assert app.main.store.article_note(first) is None


async def test_selecting_right_after_a_move_selects_in_the_article_moved_to(tmp_path) -> None:
    from reader.ui.article_view import ArticleView

    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        library = app.main.library
        assert library is not None
        second = library.articles[list(app.main.result_ids)[1]]
        await _burst(pilot, "j", "v", "enter")
        highlights = [h for h in app.main.store.highlights() if not h.is_article_note]
        assert [h.path for h in highlights] == [second.path]
        view = app.main.query_one(ArticleView)
        assert view.article is not None and view.article.path == second.path


async def test_enter_in_a_burst_saves_the_note_as_typed_before_it(tmp_path) -> None:
    """``a note⏎ j b`` typed fast: the note is ``note``, not ``notejb``."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        library = app.main.library
        assert library is not None
        first = library.articles[app.main.result_ids[0]]
        await _burst(pilot, "a", *"my", "space", *"note", "backspace", "e", "enter", "j", "b")
        note = app.main.store.article_note(first)
        assert note is not None and note.note == "my note"
        assert app.screen is app.main


async def test_v_in_a_narrow_terminal_opens_the_article_and_selects_in_it(tmp_path) -> None:
    """At 80×24 the list fills the screen; ``v`` there used to find nothing in view."""
    from reader.ui.article_view import ArticleView

    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_idle()
        library = app.main.library
        assert library is not None
        second = library.articles[app.main.result_ids[1]]
        await pilot.press("j", "v")
        for _ in range(5):
            await pilot.pause()
        view = app.main.query_one(ArticleView)
        assert app.focused is view
        await pilot.press("enter")
        highlights = [h for h in app.main.store.highlights() if not h.is_article_note]
        assert [h.path for h in highlights] == [second.path]


async def test_slash_and_a_paste_in_one_burst_put_the_paste_in_the_filter(tmp_path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _deliver(pilot, events.Key("slash", "/"), events.Paste("tag:ransomware"))
        assert app.main.query_one("#filter", FilterInput).value == "tag:ransomware"
        assert isinstance(app.focused, FilterInput)


async def test_escape_and_a_key_read_as_alt_leave_the_filter_then_act(tmp_path) -> None:
    """ESC j in one read is alt+j to the terminal parser (SSH, tmux): escape, then j."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await _in_filter(pilot, "tag:ransomware")
        await _deliver(pilot, events.Key("alt+j", "j"), events.Key("alt+shift+g", "G"))  # as the parser reads them
        listing = app.main.query_one(ArticleList)
        assert app.main.query_one("#filter", FilterInput).value == "tag:ransomware"
        assert app.focused is listing
        assert listing.cursor == len(app.main.result_ids) - 1


async def test_escape_and_a_key_read_as_alt_on_the_panes_are_escape_then_the_key(tmp_path) -> None:
    """``?`` then a fast ESC b: the help closes, and b stars the article under the cursor."""
    app = _app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        first = app.main.result_ids[0]
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is not app.main
        await _deliver(pilot, events.Key("alt+b", "b"))
        assert app.screen is app.main
        assert app.main.bookmarked_ids == {first}
