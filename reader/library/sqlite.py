"""What the two SQLite databases (index cache, full-text index) share: one rule each.

* :func:`transaction` — ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception
  (a Ctrl+C too), so a half-written batch is never committed.
* :func:`is_busy` — "another process holds it", told apart from "this file is broken": a busy
  database is left alone (never waited on, never deleted), a broken one is rebuilt.
* :func:`delete_database` — a database is its file plus its ``-wal``/``-shm``/``-journal``
  sidecars; deleting only the first would let SQLite replay a stale log into a new file.
* :func:`same_stamp` — whether a file is unchanged since it was indexed. Both databases keep
  the modification time as float seconds, and a float round trip must not look like an edit:
  equal within :data:`STAMP_TOLERANCE`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from reader.paths import SQLITE_SIDECARS

STAMP_TOLERANCE = 1e-6
"""Seconds: an ``mtime`` stored as a float is equal to the nanosecond stamp within a microsecond."""
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on an autocommit (``isolation_level=None``) connection."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` means another connection holds the database (not that it is broken)."""
    if not isinstance(error, sqlite3.Error):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _BUSY_CODES
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def delete_database(path: Path | str) -> None:
    """Delete a database and its sidecars; what is already gone (or cannot go) is skipped."""
    for suffix in SQLITE_SIDECARS:
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def same_stamp(size: int, mtime: float, stored_size: int, stored_mtime: float) -> bool:
    """Whether a file's ``(size, mtime)`` is still the stamp stored when it was indexed."""
    return size == stored_size and abs(mtime - stored_mtime) < STAMP_TOLERANCE
