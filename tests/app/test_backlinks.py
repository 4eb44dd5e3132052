"""Backlinks: the articles linking to this one, found by the rule that follows links, from the index."""

from __future__ import annotations

import time
from pathlib import Path

from factories import make_app, write_note

from reader.library.link_targets import LinkIndex, backlinks, local_links, resolve_link
from reader.ui.widgets.related import RelatedPanel

PATHS = ["index.md", "notes/Alpha.md", "notes/sub/Beta note.md", "other/Alpha.md", "Gamma.MD"]


def test_local_links_keep_library_links_and_leave_out_web_code_and_anchors() -> None:
    body = (
        "See [beta](sub/Beta%20note.md#Part) and [[Alpha#Intro|the intro]], ![[Gamma]].\n"
        "Web: [site](https://example.com/x.md), [mail](mailto:a@b.c), [top](#top).\n"
        "```\n[[Hidden]] [x](hidden.md)\n```\nInline `[[Span]]` but [[Alpha#Intro|again]].\n"
    )
    assert local_links(body) == ("wikilink:Alpha#Intro", "wikilink:Gamma", "sub/Beta%20note.md#Part")


def test_a_backlink_is_exactly_a_link_that_is_followed_to_the_article() -> None:
    index = LinkIndex(PATHS)
    links = [
        ("index.md", ["notes/Alpha.md", "wikilink:Gamma", "notes/Alpha#again", "missing.md"]),
        ("notes/sub/Beta note.md", ["wikilink:Alpha", "../../index"]),
        ("notes/Alpha.md", ["wikilink:Alpha", "#self"]),
    ]
    found = backlinks(index, links)
    assert found == {
        "notes/Alpha.md": ["index.md", "notes/sub/Beta note.md"],
        "Gamma.MD": ["index.md"],
        "index.md": ["notes/sub/Beta note.md"],
    }
    for source, hrefs in links:
        for href in hrefs:
            target = resolve_link(href, source, index)
            if target.kind == "article" and target.path != source:
                assert source in found[target.path]


def test_the_library_lists_who_links_to_an_article_after_a_warm_start(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_note(root, "Plan.md", "The plan.", title="Plan")
    write_note(root, "notes/Monday.md", "Today I read [[Plan#Steps|the plan]].", title="Monday")
    write_note(root, "notes/Tuesday.md", "Back to [it](../Plan.md) and [[Monday]].", title="Tuesday")
    from reader.library.engine import Engine

    for _ in range(2):  # cold, then from the index cache: the links are kept with the articles
        library = Engine(root).load()
        plan = library.by_path["Plan.md"]
        assert [library.articles[i].path for i in library.linked_from(plan)] == ["notes/Monday.md", "notes/Tuesday.md"]
        assert [library.articles[i].path for i in library.linked_from(library.by_path["notes/Monday.md"])] == [
            "notes/Tuesday.md"
        ]


def _seconds(text: str) -> float:
    start = time.perf_counter()
    local_links(text)
    return time.perf_counter() - start


def test_link_patterns_stay_linear_on_runs_of_their_delimiters() -> None:
    for unit in ("[", "]", "[[", "](", "![[", "`", "(", "|", "[a](b ", "[[a|", "[x](<", "` [[a"):
        small, large = "[[a]] " + unit * 2_000, "[[a]] " + unit * 20_000
        best_small = min(max(_seconds(small), 1e-5) for _ in range(3))
        best_large = min(_seconds(large) for _ in range(3))
        assert best_large / best_small < 40, unit


async def test_linked_from_is_listed_under_the_article_and_opened_by_its_number(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_note(root, "Plan.md", "The plan.", title="Plan", front_matter={"date": "2024-03-03"})
    write_note(root, "Monday.md", "I read [[Plan]].", title="Monday", front_matter={"date": "2024-03-01"})
    app = make_app(root, tmp_path, live_reload=False, read_after=3600)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        assert app.main.current is not None and app.main.current.title == "Plan"
        panel = app.main.query_one(RelatedPanel)
        shown = str(panel.render())
        assert "Linked from" in shown and "Monday" in shown
        number = app.main.related_ids.index(app.main.library.by_path["Monday.md"]) + 1
        await pilot.press(str(number))
        await pilot.pause()
        assert app.main.current is not None and app.main.current.title == "Monday"
