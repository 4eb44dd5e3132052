"""The ``files`` table's escape for text SQLite refuses (:mod:`reader.library.cache.rowtext`):
lossless, and in the same order as the walk, which the warm compare merges the rows with."""

from __future__ import annotations

import random
import sqlite3
import time

from reader.library.cache import rowtext

ALPHABET = ["a", "/", ".", "\x00", "\u00e9", "\u0100", "\u08ff", "\u0900", "\ud7ff", "\udc80", "\udce9", "\udcff",
            "\ud800", "\ue000", "\ue001", "\uffff", "\U0001f600"]  # fmt: skip


def strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6))) for _ in range(count)]


def test_stored_text_is_valid_utf8_and_restored_exactly() -> None:
    for text in strings(3000, 1):
        kept = rowtext.stored(text)
        kept.encode("utf-8")  # no surrogate left: SQLite takes it
        assert rowtext.restored(kept) == text


def test_stored_keys_keep_the_order_of_the_paths() -> None:
    texts = sorted(set(strings(3000, 2)))
    keys = [rowtext.stored(text) for text in texts]
    assert sorted(keys) == keys
    assert sorted(keys, key=lambda k: k.encode("utf-8")) == keys  # SQLite's order: the UTF-8 bytes'


def test_sqlite_gives_escaped_rows_back_in_walk_order() -> None:
    paths = sorted({"caf\udce9.md", "cafe.md", "café.md", "caf\ue000.md", "z/\udcff\udcfe.md", "\udce9t\udce9/a.md"})
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE files (path TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.executemany("INSERT INTO files VALUES (?)", [(rowtext.stored(p),) for p in paths])
    stored = [p for (p,) in conn.execute("SELECT path FROM files ORDER BY path")]
    assert rowtext.restored_paths(stored) == paths


def test_rows_are_escaped_and_restored_whole() -> None:
    row = ("caf\udce9.md", 12, 3, 1, "T \ue000 x", "", None, "tag\x1fother", 77)
    kept = rowtext.stored_row(row)
    assert kept[1:4] == row[1:4] and kept[6] is None and kept[-1] == 77
    assert rowtext.restored_row(kept) == row


def test_long_runs_of_the_escape_are_linear() -> None:
    def seconds(n: int) -> float:
        text = "\ue000" * n + "\udce9" * n
        started = time.perf_counter()
        assert rowtext.restored(rowtext.stored(text)) == text
        return time.perf_counter() - started

    small, large = min(seconds(20_000) for _ in range(3)), min(seconds(200_000) for _ in range(3))
    assert large < small * 30  # ×10 the input: ~×10 the time, never ×100
