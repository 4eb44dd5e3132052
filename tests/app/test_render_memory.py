"""What one article may cost, and that it is given back when the reader moves on (issue 11).

A 2 MB table (200 columns × 5,000 rows) once took the TUI to 3 GB and 972 MB stayed held after
switching away. Now a table is capped by its cells, the parse cache keeps a long document only
while it is the latest, and the pane drops the old article's rows and pre-rendered body.
"""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult

from reader.library.model import Article
from reader.ui.article_view import ArticleView
from reader.ui.render import parse as render_parse
from reader.ui.render import render_markdown
from reader.ui.render.nesting import TABLE_CELL_BUDGET, cap_tables


def big_table(columns: int = 200, rows: int = 5_000, leading_pipe: bool = True) -> str:
    edge = "|" if leading_pipe else ""
    header = edge + "|".join(f"h{c}" for c in range(columns)) + edge + "\n"
    rule = edge + "|".join("-" for _ in range(columns)) + edge + "\n"
    return header + rule + "".join(edge + "|".join("x" for _ in range(columns)) + edge + "\n" for _ in range(rows))


def test_tables_without_a_leading_pipe_are_capped_like_the_others() -> None:
    with_pipe = cap_tables(big_table(60, 3_000))
    without = cap_tables(big_table(60, 3_000, leading_pipe=False))
    assert with_pipe.count("\n") == without.count("\n") < 300
    assert "more rows and 20 more columns of this table not shown" in without
    assert "a | b" in cap_tables("a | b\nc | d\n")  # prose with pipes is not a table


def test_a_wide_table_keeps_rows_by_its_cells() -> None:
    kept = cap_tables(big_table(40, 2_000)).count("\n|")
    assert kept <= TABLE_CELL_BUDGET // 40 + 2


def test_a_long_document_leaves_the_parse_cache_when_another_is_parsed() -> None:
    text = big_table()
    render_markdown(text, 100)
    assert text in render_parse._cache
    render_markdown("# Another article\n\nshort", 100)
    assert text not in render_parse._cache
    render_markdown("# Small one\n\nstays", 100)
    assert "# Another article\n\nshort" in render_parse._cache  # short ones stay for switching back


class _App(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleView()


def _article(path: str, body: str) -> Article:
    return Article(path=path, title=path, body=body)


async def test_switching_away_releases_the_old_articles_rows() -> None:
    app = _App()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(ArticleView)
        body = big_table(rows=1_000)
        view.show(_article("big.md", body), rendered_body=view.render_body(body, view.wrap_width))
        await pilot.pause()
        await pilot.press("j", "j")  # rows drawn and cached
        old = weakref.ref(view.document)  # type: ignore[arg-type]
        view.show(_article("small.md", "# Small\n\nJust a few words."))
        await pilot.pause()
        gc.collect()
        assert old() is None, "the previous article's rendered rows are still held"
        assert view._prerendered is None
