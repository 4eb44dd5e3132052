"""Noticing that another process changed a file, for one ``stat`` call per look.

Two ``reader`` windows on one library share one state file; each keeps it in memory. The app
asks a probe every couple of seconds and re-reads the file only when its signature changed,
so an idle window costs a stat, not a parse.
"""

from __future__ import annotations

import os
from pathlib import Path

Signature = tuple[int, int, int] | None


def signature(path: Path) -> Signature:
    """What changes when the file is rewritten: the atomic replace gives a new inode too."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class FileProbe:
    """Whether a file changed since the last look (created, rewritten or removed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last = signature(path)

    def changed(self) -> bool:
        now = signature(self.path)
        if now == self._last:
            return False
        self._last = now
        return True
