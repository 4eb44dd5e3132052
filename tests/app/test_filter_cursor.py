"""Where the list cursor lands when the filter changes."""

from __future__ import annotations

from pathlib import Path

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


async def test_the_cursor_stays_on_its_article_or_goes_to_the_first_row(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", live_reload=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        articles = app.query_one(ArticleList)
        await pilot.press("j", "j", "j", "j")
        kept = articles.ids[articles.cursor]
        app.query_one("#filter").value = "ransomware"  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        if kept in articles.ids:
            assert articles.ids[articles.cursor] == kept
        # A filter that drops the article under the cursor starts again at the top.
        title_word = app.main.library.articles[kept].title.split()[0]  # type: ignore[union-attr]
        app.query_one("#filter").value = f"-tag:nonexistent -{title_word}"  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        assert kept not in articles.ids
        assert articles.cursor == 0
