"""The app settles the cycle collector once its library is in (``loading.settle_collector``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from factories import make_app


async def test_the_collector_is_settled_once_the_library_is_loaded(
    tmp_path: Path, _collector_left_alone: list[int]
) -> None:
    app = make_app(tmp_path=tmp_path, live_reload=False)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.library is not None and len(app.main.library) > 0
        assert _collector_left_alone == [1]


def test_settling_freezes_what_is_alive_and_raises_the_first_threshold() -> None:
    """In a process of its own: the setting is process-wide."""
    code = (
        "import gc\n"
        "from reader.ui.screens.loading import settle_collector\n"
        "kept = [[i] for i in range(1000)]\n"
        "before = gc.get_threshold()\n"
        "settle_collector()\n"
        "after = gc.get_threshold()\n"
        "print(gc.get_freeze_count() >= 1000, after[0] == 10_000, after[1:] == before[1:])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]
