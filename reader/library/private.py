"""Cache files hold the words of every article: only their owner may read them.

The index cache and the full-text database copy titles, links and whole bodies out of the
library. On a shared machine the default umask would leave them (and their folder) readable
by everyone, so both are created through :func:`private_file`: the file 0600 inside a 0700
folder, whatever the umask, and an older cache made world-readable is tightened on its next
use. SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_file(path: Path) -> None:
    """Make sure ``path`` exists with mode 0600 and its folder with 0700, before SQLite opens it.

    Never raises: when the folder or file cannot be made, SQLite's own open fails next and
    its caller already handles that (a cache in memory, a notice); a file system without
    permissions (FAT, some network mounts) just keeps its own.
    """
    try:
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path.parent, DIR_MODE)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
