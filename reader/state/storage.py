"""One JSON file on disk, written so that it is never half-written and never clobbered.

* **Atomic writes** through :func:`reader.fsutil.atomic_write_bytes` (temporary file, fsync,
  ``os.replace``, fsync of the folder): a reader, or a process killed mid-write, sees either
  the old file or the new one, never a mix.
* **Cross-process lock.** ``fcntl.flock`` on a sidecar ``<file>.lock`` (never renamed, so
  every process locks the same inode) serialises read-modify-write cycles between two
  ``reader`` processes on one library. The kernel drops the lock when a process dies,
  even by SIGKILL, so a crashed writer cannot wedge the others.
* **Move aside, never overwrite.** A file we cannot understand is hard-linked to a fresh
  ``<file>.corrupt-<stamp>`` name (linking fails rather than replacing an existing name)
  before the original name is unlinked, so the user's bytes are always kept.
* **Bounded reads.** A state file larger than :data:`MAX_STATE_BYTES` is never read whole
  (a 1.5 GB file cost 3 GB of memory): :meth:`JsonFile.read` refuses it, and the store
  sets it aside like any file it cannot use.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from reader.fsutil import TEMP_SUFFIX, atomic_write_bytes, fsync_dir, temp_prefix

MAX_STATE_BYTES = 64 * 1024 * 1024
"""Thousands of bookmarks and highlights take a few MB; anything this big is not ours to parse."""


class FileTooLarge(Exception):
    """The state file is bigger than :data:`MAX_STATE_BYTES`; it was not read."""

    def __init__(self, size: int) -> None:
        super().__init__(f"is {size / 1024 / 1024:,.0f} MB, more than a state file can be")
        self.size = size


class JsonFile:
    """The state file plus its lock file; all methods but :meth:`locked` expect the lock held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._temp_prefix = temp_prefix(path)
        self._temp_suffix = TEMP_SUFFIX

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the exclusive cross-process lock for the body of the ``with``.

        The folder is (re)created first so a user deleting it while the app runs costs
        nothing but the data that was in it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except PermissionError:
            # A read-only lock file (the user made the state read-only): flock works on a
            # read-only descriptor too, so readers still serialise with writers.
            fd = os.open(self.lock_path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def read(self, limit: int = MAX_STATE_BYTES) -> bytes | None:
        """The file's bytes, or ``None`` when there is no file yet.

        Raises :class:`FileTooLarge` past ``limit`` bytes, checked before reading and while
        reading (the file may grow in between), so memory stays bounded.
        """
        try:
            # O_NONBLOCK: a FIFO in the file's place must not hang the app.
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file", str(self.path))
            size = info.st_size
            if size > limit:
                raise FileTooLarge(size)
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise FileTooLarge(len(data))
        return data

    def write(self, data: bytes) -> None:
        """Replace the file's content atomically and durably (:func:`reader.fsutil.atomic_write_bytes`)."""
        atomic_write_bytes(self.path, data, make_parents=False)

    def move_aside(self, now: datetime | None = None) -> Path:
        """Rename the file to ``<name>.corrupt-<YYYYmmdd-HHMMSS>[-N]`` and return the new path.

        ``os.link`` refuses to replace an existing name, which is what guarantees an earlier
        corrupt copy (say, from the same second) is never overwritten.
        """
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        base = f"{self.path.name}.corrupt-{stamp}"
        attempt = 1
        while True:
            target = self.path.with_name(base if attempt == 1 else f"{base}-{attempt}")
            try:
                os.link(self.path, target)
            except FileExistsError:
                attempt += 1
                continue
            except OSError as exc:
                # Filesystems without hard links: a checked rename is still safe because
                # every writer holds the lock while doing this.
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    raise
                if target.exists() or target.is_symlink():
                    attempt += 1
                    continue
                os.rename(self.path, target)
                break
            os.unlink(self.path)
            break
        fsync_dir(self.path.parent)
        return target

    def remove_stale_temp_files(self) -> None:
        """Delete temp files left by writers that died between mkstemp and replace.

        Safe only under the lock: a live writer holds the lock for as long as its temp
        file exists, so any temp file seen while we hold it is an orphan.
        """
        for stale in self.path.parent.glob(f"{glob_escape(self._temp_prefix)}*{self._temp_suffix}"):
            with contextlib.suppress(OSError):
                stale.unlink()


def glob_escape(text: str) -> str:
    """Escape glob metacharacters (a library called ``[draft]`` must not match other files)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)
