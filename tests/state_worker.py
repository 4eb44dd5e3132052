"""Subprocess helper for the state tests: a second ``reader`` process touching the state file.

Real processes (not threads) are needed because the guarantees under test are about
separate processes: flock between processes, and a process killed with SIGKILL mid-write.

Usage (``KIND`` is ``bookmarks`` or ``highlights``):
    state_worker.py churn KIND <library> <data_dir> <prefix> <n> <go_file>
        wait for <go_file> to exist (so two workers start together), then for i < n —
        bookmarks: toggle article i on (and off again when i % 3 == 0), mark it read when i is
        even, set its scroll to i + 1 (flushing every 10), save a search every 50;
        highlights: highlight passage i of a shared article, note every third one, delete
        every fifth again. Print "done".
    state_worker.py add KIND <library> <data_dir> <start> <n>
        save bookmarks (or highlights) start..start+n-1, printing each id as soon as the call
        returned (the parent kills us at a random moment).

The parents' side of both is here too (:func:`run_churners`, :func:`kill_while_adding`).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.library.model import Article
from reader.state import StateStore

SHARED = Article(path="shared.md", title="Shared", link="https://example.org/shared", fingerprint="fp-shared")


def make_article(prefix: str, i: int) -> Article:
    """Deterministic articles; odd ones have a link, even ones only a fingerprint and path."""
    return Article(
        path=f"{prefix}/{i:04d}.md",
        title=f"{prefix} article {i}",
        link=f"https://example.org/{prefix}/{i}" if i % 2 else "",
        fingerprint=f"fp-{prefix}-{i}",
    )


def passage(prefix: str, i: int) -> str:
    return f"Passage {i} of {prefix}."


def _wait_for(go_file: str) -> None:
    deadline = time.monotonic() + 30
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("go file never appeared")
        time.sleep(0.002)


def churn_bookmarks(store: StateStore, prefix: str, n: int) -> None:
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


def churn_highlights(store: StateStore, prefix: str, n: int) -> None:
    for i in range(n):
        highlight = store.add_highlight(SHARED, f"before {i} ", passage(prefix, i), f" after {i}")
        if i % 3 == 0:
            store.set_note(highlight.id, f"note {prefix} {i}")
        if i % 5 == 0:
            store.remove_highlight(highlight.id)


def add(store: StateStore, kind: str, start: int, n: int) -> None:
    for i in range(start, start + n):
        if kind == "bookmarks":
            record_id = store.add_bookmark(make_article("kill", i)).id
        else:
            record_id = store.add_highlight(SHARED, "", passage("kill", i), "").id
        print(record_id, flush=True)


def main(argv: list[str]) -> None:
    mode, kind, library, data_dir, *args = argv
    store = StateStore(Path(library), Path(data_dir))
    if mode == "churn":
        prefix, n, go_file = args
        _wait_for(go_file)
        (churn_bookmarks if kind == "bookmarks" else churn_highlights)(store, prefix, int(n))
        print("done", flush=True)
    elif mode == "add":
        start, n = args
        add(store, kind, int(start), int(n))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


# -- the parent's side -----------------------------------------------------------------------


def _command(*args: object) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *map(str, args)]


def run_churners(kind: str, library: Path, data_dir: Path, n: int) -> None:
    """Two workers (prefixes ``p`` and ``q``) churning at the same moment; both must finish."""
    go = data_dir.parent / "go"
    procs = [
        subprocess.Popen(
            _command("churn", kind, library, data_dir, prefix, n, go),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("p", "q")
    ]
    time.sleep(0.3)  # let both import and open the store before they start together
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "done"


def kill_while_adding(kind: str, library: Path, data_dir: Path, rounds: int) -> set[str]:
    """SIGKILL a worker adding records at a random moment, ``rounds`` times; after each kill the
    file must parse and hold every record whose call returned. The ids printed, all of them."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    printed: set[str] = set()
    state_file = StateStore(library, data_dir).path
    for round_no in range(rounds):
        proc = subprocess.Popen(
            _command("add", kind, library, data_dir, round_no * 100, 100), stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the worker is up and writing
        time.sleep(rng.uniform(0, 0.06))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        printed |= {line.strip() for line in (first + proc.stdout.read()).splitlines() if line.strip()}
        proc.stdout.close()
        on_file = {record["id"] for record in json.loads(state_file.read_bytes())[kind]}
        missing = printed - on_file
        assert not missing, f"seed {seed}, round {round_no}: lost {sorted(missing)}"
    assert printed, "the worker never got to print anything"
    return printed


if __name__ == "__main__":
    main(sys.argv[1:])
