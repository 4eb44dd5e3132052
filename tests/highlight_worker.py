"""Subprocess helper for tests/test_highlights_state.py: another process saving highlights.

Usage:
    highlight_worker.py churn <library> <data_dir> <prefix> <n> <go_file>
        wait for <go_file>, then for i < n: highlight passage i of a shared article, note every
        third one, delete every fifth again; print "done".
    highlight_worker.py add <library> <data_dir> <start> <n>
        save highlights start..start+n-1, printing each id as soon as add_highlight returned
        (the parent kills the process at a random moment).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.library.model import Article
from reader.state import StateStore

SHARED = Article(path="shared.md", title="Shared", link="https://example.org/shared", fingerprint="fp-shared")


def passage(prefix: str, i: int) -> str:
    return f"Passage {i} of {prefix}."


def churn(library: str, data_dir: str, prefix: str, n: int, go_file: str) -> None:
    store = StateStore(Path(library), Path(data_dir))
    deadline = time.monotonic() + 30
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("go file never appeared")
        time.sleep(0.002)
    for i in range(n):
        highlight = store.add_highlight(SHARED, f"before {i} ", passage(prefix, i), f" after {i}")
        if i % 3 == 0:
            store.set_note(highlight.id, f"note {prefix} {i}")
        if i % 5 == 0:
            store.remove_highlight(highlight.id)
    print("done", flush=True)


def add(library: str, data_dir: str, start: int, n: int) -> None:
    store = StateStore(Path(library), Path(data_dir))
    for i in range(start, start + n):
        highlight = store.add_highlight(SHARED, "", passage("kill", i), "")
        print(highlight.id, flush=True)


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
