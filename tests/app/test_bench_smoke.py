"""The scale bench still runs: its phases on the sample library, in this process, and its tables.

The bench measures the app through its widgets (the list's ids, the ``N of M articles`` line,
the filter bar's ``#filter``) and the CLI's engine; when the app changes under it, this test
says so before a 20-minute run at 100,000 articles does.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import phases  # noqa: E402
import phases_app  # noqa: E402
import report  # noqa: E402


@pytest.fixture
def indexed(sample_root: Path) -> Path:
    from reader.library import cache

    cache.refresh(sample_root)
    return sample_root


def test_phases_and_tables_on_the_sample_library(indexed: Path) -> None:
    floor = phases.phase_floor(indexed)
    assert floor["files"] and floor["titles"]
    warm = phases.phase_warm_start(indexed)
    assert warm["unchanged"] and warm["articles"]
    fulltext = phases.phase_fulltext(indexed, 5)
    app = phases_app.phase_app(indexed, time.time(), settle=True)
    assert app["articles"] == warm["articles"] and app["settled"]
    typing = phases_app.phase_typing(indexed, time.time())
    assert not typing["timeouts"], typing["timeouts"]
    assert typing["keys"]["n"] >= 20

    seconds = [{"seconds": float(floor["seconds"]), "rss_mb": 1.0, "articles": warm["articles"]}]
    results = {
        "floor": [floor],
        "cli_cold": seconds,
        "cli_warm": seconds,
        "tui_first": [app],
        "app": [app],
        "warm": [warm],
        "typing": typing,
        "fulltext": fulltext,
        "empty": [app],
    }
    table = report.main_table(results, int(warm["articles"]))
    assert "typing in the filter bar" in table and "first-ever TUI open" in table
    curve = report.curve_table({"sizes": {str(warm["articles"]): results}, "empty": [app]})
    assert "µs" in curve and "KB" in curve
