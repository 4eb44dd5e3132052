"""One writing process per cache: an advisory, non-blocking ``flock`` on ``<cache>.lock``.

Held for a whole refresh, so two ``reader`` processes on one library never interleave their
batches; the second one reads the cache and leaves writing to the first. The kernel drops
the lock when its holder dies (even by ``kill -9``), so a crash never wedges the cache.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class WriteLock:
    """The lock of the cache at ``path`` (the file ``<path>.lock``)."""

    def __init__(self, path: Path) -> None:
        self.path = f"{path}.lock"
        self.handle: int | None = None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; ``False`` (at once, never waiting) if someone does."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: SQLite's own locking has to do
            return True
        try:
            self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            self.release()
            return False

    def release(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                os.close(self.handle)
            self.handle = None
