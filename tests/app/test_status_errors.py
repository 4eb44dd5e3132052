"""A malformed filter's message is shown whole under the result count, however narrow the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static

from reader.library.query import parse_query
from reader.ui.app import ReaderApp

SAMPLE = Path(__file__).resolve().parents[2] / "articles"


def _status_lines(app: ReaderApp) -> list[str]:
    status = app.query_one("#status", Static)
    width, height = status.size
    return [strip.text.strip() for strip in status.render_lines(Region(0, 0, width, height))]


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("query", ["after:2021-13-45", '"ab', "tag:", "(ransomware OR phishing"])
async def test_the_whole_error_is_shown(tmp_path: Path, size: tuple[int, int], query: str) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)
    async with app.run_test(size=size) as pilot:
        await app.wait_until_idle()
        await pilot.press("slash", *query)
        await pilot.pause()
        (message,) = parse_query(query).errors
        lines = _status_lines(app)
        assert lines[0].startswith(f"{len(app.main.result_ids)} of 36 articles")
        shown = " ".join(" ".join(lines[1:]).split())
        assert shown == f"⚠ {message}"


async def test_no_error_keeps_the_status_to_one_line(tmp_path: Path) -> None:
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_idle()
        await pilot.press("slash", *"ransomware")
        await pilot.pause()
        assert app.query_one("#status", Static).size.height == 1


async def test_the_status_goes_back_to_one_line_once_the_error_is_typed_away(tmp_path: Path) -> None:
    """The count alone does not re-lay out the screen; a message coming or going does."""
    app = ReaderApp(SAMPLE, data_dir=tmp_path / "state", read_after=3600, live_reload=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_idle()
        await pilot.press("slash", *'"ab')
        await pilot.pause()
        assert app.query_one("#status", Static).size.height > 1
        await pilot.press('"')
        await pilot.pause()
        assert app.query_one("#status", Static).size.height == 1
        assert _status_lines(app)[0].startswith(f"{len(app.main.result_ids)} of 36 articles")
