"""A bookmark shows with the read state, and a sidebar group counts the articles it covers."""

from __future__ import annotations

from pathlib import Path

from reader.library.sidebar import SidebarNode, sidebar_tree
from reader.library.snapshot import Library
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.widgets.tag_sidebar import TagTree

SAMPLE = Path(__file__).resolve().parents[2] / "articles"
SIZE = (160, 50)


def _leaf_terms(node: SidebarNode) -> list[str]:
    out = [node.term] if node.term else []
    for child in node.children:
        out.extend(_leaf_terms(child))
    return out


def _groups(node: SidebarNode) -> list[SidebarNode]:
    out = []
    for child in node.children:
        if child.children and not child.is_special:
            out.append(child)
            out.extend(_groups(child))
    return out


def _covered(library: Library, ids: list[int], group: SidebarNode) -> int:
    terms = {t.casefold() for t in _leaf_terms(group)}
    from reader.library.sidebar import tag_term

    return sum(1 for i in ids if any(tag_term(tag).casefold() in terms for tag in library.articles[i].tags))


def test_group_counts_are_articles_covered_not_values() -> None:
    library = Library.load(SAMPLE)
    ids = list(range(len(library)))
    root = sidebar_tree(library, ids)
    groups = _groups(root)
    assert groups
    differs = False
    for group in groups:
        assert group.count == _covered(library, ids, group), group.label
        differs |= group.count != len(group.children)
    assert differs, "no group in the sample has more articles than values: the test would prove nothing"
    # A narrower result: the counts follow it.
    some = ids[::3]
    for group in _groups(sidebar_tree(library, some)):
        assert group.count == _covered(library, some, group), group.label


async def test_the_sidebar_shows_group_counts_as_articles(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        assert app.main.library is not None
        tree = app.query_one(TagTree)
        row = next(r for r in tree.rows if r.node.children and not r.node.is_special)
        line = tree.render_line(tree.rows.index(row)).text.rstrip()
        expected = _covered(app.main.library, app.main.result_ids, row.node)
        assert line.endswith(f" {expected}")


async def test_a_bookmarked_article_shows_whether_it_is_read(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_idle()
        await pilot.press("b", "j", "b", "u", "j", "u")
        await pilot.pause()
        article_list = app.query_one(ArticleList)
        rows = [article_list.render_line(y).text for y in range(3)]
        assert rows[0].startswith("•★ ")  # bookmarked, unread
        assert rows[1].startswith(" ★ ")  # bookmarked, read
        assert rows[2].startswith("   ")  # read, no bookmark
        assert article_list.render_line(3).text.startswith("•  ")  # unread, no bookmark
