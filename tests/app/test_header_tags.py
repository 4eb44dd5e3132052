"""The article header keeps its tags to two rows, so the body starts on the first screen."""

from __future__ import annotations

from pathlib import Path

from reader.library.snapshot import Library
from reader.ui.app import ReaderApp
from reader.ui.article_view import ArticleView
from reader.ui.header_tags import fit_rows, folded_labels


def screen_rows(view: ArticleView) -> list[str]:
    rows = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
    return [row.replace("\xa0", " ") for row in rows]


def test_plain_tags_first_and_facet_groups_summarised() -> None:
    labels = ["ipv4: 1.2.3.4", "#Ransomware", "ipv4: 5.6.7.8", "country: Mali", "#Patch"]
    assert folded_labels(labels) == ["#Ransomware", "#Patch", "ipv4 ×2", "country: Mali"]


def test_fit_rows_counts_what_is_left_out() -> None:
    labels = [f"#tag{n:03d}" for n in range(100)]
    shown, hidden = fit_rows(labels, 40)
    assert 0 < len(shown) < 100 and hidden == 100 - len(shown)
    assert fit_rows(labels[:3], 40) == (labels[:3], 0)


def many_tags_article(folder: Path) -> None:
    facets = "\n".join(f"[[ip.ipv4={n}.0.0.{n}]] [[url.value=https://example.org/{n}]]" for n in range(80))
    plain = " ".join(f"[[Topic{n}]]" for n in range(30))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(
        "# Threat report\n\n## Information:\n+ Source: Wire\n\n## Article:\nFIRST BODY LINE here.\n\n"
        f"#### Tags:\n{plain}\n{facets}\n",
        encoding="utf-8",
    )


async def test_first_screen_shows_the_body_and_T_unfolds(tmp_path: Path) -> None:
    many_tags_article(tmp_path / "lib")
    app = ReaderApp(tmp_path / "lib", data_dir=tmp_path / "state", read_after=3600, use_cache=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.wait_until_idle()
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.article is not None and len(view.article.tags) > 150
        rows = screen_rows(view)
        assert any("FIRST BODY LINE" in row for row in rows)
        assert any("more · T shows all" in row for row in rows)
        tag_rows = [row for row in rows if "#Topic" in row or "×" in row]
        assert len(tag_rows) <= 2
        folded_height = view.document.height if view.document else 0
        await pilot.press("T")
        await pilot.pause()
        assert view.document is not None and view.document.height > folded_height + 5
        assert not any("FIRST BODY LINE" in row for row in screen_rows(view))
        await pilot.press("T")
        await pilot.pause()
        assert any("FIRST BODY LINE" in row for row in screen_rows(view))


async def test_corpus_article_with_most_tags_shows_its_body(tmp_path: Path, corpus_root: Path) -> None:
    library = Library.load(corpus_root)
    article_id = max(range(len(library)), key=lambda n: len(library.articles[n].tags))
    article, _ = library.read(library.articles[article_id])
    first_line = next(line.strip() for line in article.body.splitlines() if line[:1].isalpha() and len(line) > 20)
    app = ReaderApp(corpus_root, data_dir=tmp_path / "state", read_after=3600, library=library, use_cache=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.main.show_article(article_id)
        await pilot.press("z")  # the article pane alone: only its rows are looked at
        await pilot.pause()
        view = app.query_one(ArticleView)
        text = " ".join(row.strip() for row in screen_rows(view))
        assert first_line[:30] in text
