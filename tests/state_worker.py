"""Subprocess helper for tests/test_state.py: a second ``reader`` process touching the state file.

Real processes (not threads) are needed because the guarantees under test are about
separate processes: flock between processes, and a process killed with SIGKILL mid-write.

Usage:
    state_worker.py churn <library> <data_dir> <prefix> <n> <go_file>
        wait for <go_file> to exist (so two workers start together), then for i < n:
        toggle article i on (and off again when i % 3 == 0), mark it read when i is even,
        set its scroll to i + 1 (flushing every 10), save a search every 50; print "done".
    state_worker.py add <library> <data_dir> <start> <n>
        add bookmarks for articles start..start+n-1, printing each bookmark id as soon as
        add_bookmark has returned (the parent kills us at a random moment).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.library.model import Article
from reader.state import StateStore


def make_article(prefix: str, i: int) -> Article:
    """Deterministic articles; odd ones have a link, even ones only a fingerprint and path."""
    return Article(
        path=f"{prefix}/{i:04d}.md",
        title=f"{prefix} article {i}",
        link=f"https://example.org/{prefix}/{i}" if i % 2 else "",
        fingerprint=f"fp-{prefix}-{i}",
    )


def churn(library: str, data_dir: str, prefix: str, n: int, go_file: str) -> None:
    store = StateStore(Path(library), Path(data_dir))
    deadline = time.monotonic() + 30
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("go file never appeared")
        time.sleep(0.002)
    for i in range(n):
        article = make_article(prefix, i)
        if store.toggle_bookmark(article) is not True:
            raise SystemExit(f"toggle on of {i} did not return True")
        if i % 3 == 0 and store.toggle_bookmark(article) is not False:
            raise SystemExit(f"toggle off of {i} did not return False")
        if i % 2 == 0:
            store.set_read(article)
        store.set_scroll(article, i + 1)
        if i % 10 == 9:
            store.flush()
        if i % 50 == 0:
            store.save_search(f"{prefix}-{i}", f"query {i}")
    store.flush()
    print("done", flush=True)


def add(library: str, data_dir: str, start: int, n: int) -> None:
    store = StateStore(Path(library), Path(data_dir))
    for i in range(start, start + n):
        bookmark = store.add_bookmark(make_article("kill", i))
        print(bookmark.id, flush=True)


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "churn":
        library, data_dir, prefix, n, go_file = args
        churn(library, data_dir, prefix, int(n), go_file)
    elif mode == "add":
        library, data_dir, start, n = args
        add(library, data_dir, int(start), int(n))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
