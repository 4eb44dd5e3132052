"""Shared fixtures.

Every test runs with its own empty XDG data, cache and config folders, so no test can read
or change the real user's bookmarks, index cache or config (and the user's config cannot
change what a test sees).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ROOT = REPO_ROOT / "articles"
CORPUS_ROOT = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""The real corpus lives next to the repository (``../shared/corpus``); a fresh clone has none."""


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("READER_LIBRARY", raising=False)
    return base


@pytest.fixture(autouse=True)
def _collector_left_alone(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The app freezes the cycle collector's view of what its load made and raises its first
    threshold (``loading.settle_collector``): process-wide, and in this process every earlier
    test's leftovers would be frozen with it. Tests count the calls instead."""
    from reader.ui.screens import loading

    calls: list[int] = []
    monkeypatch.setattr(loading, "settle_collector", lambda: calls.append(1))
    return calls


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """The sample library shipped in the repository (``articles/``)."""
    assert SAMPLE_ROOT.is_dir(), SAMPLE_ROOT
    return SAMPLE_ROOT


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The real 3,916-article corpus, or a skip when this checkout has none next to it."""
    if not CORPUS_ROOT.is_dir():
        pytest.skip(f"no corpus at {CORPUS_ROOT}")
    return CORPUS_ROOT
