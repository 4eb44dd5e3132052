"""Quitting while the library is still being indexed for the first time ends cleanly.

The loading worker keeps publishing partial libraries and progress until it notices it was
cancelled; what it handed over after the screen's widgets were gone raised ``NoMatches``
(a traceback on quit). It is a race: the bench met it at 25,000 files with the worker
processes; here the same path runs three times on a smaller library, which catches it only
when the timing falls that way."""

from __future__ import annotations

from pathlib import Path

from factories import make_app, write_clipping

from reader.library import cache
from reader.ui.screens.loading import FULL_TEXT_NOTICE_FROM

COUNT = FULL_TEXT_NOTICE_FROM + 300
"""Enough for the worker to stream partial libraries and, once the last is shown, to tell the
top bar the article text is being indexed: the call that met the closed screen."""


async def test_leaving_as_soon_as_the_list_fills_ends_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for number in range(COUNT):
        write_clipping(root, f"d{number % 7}/a{number:04d}.md", f"Story {number}")
    for _attempt in range(3):
        app = make_app(root, tmp_path, read_after=3600, live_reload=False)
        async with app.run_test(size=(100, 30)) as pilot:
            while app.main.library is None or len(app.main.library) < COUNT:
                await pilot.pause(0.001)
        # run_test re-raises what a worker raised while the app closed
        assert app.return_code in (0, None)
        cache.clear(root)  # the next attempt indexes from scratch again
