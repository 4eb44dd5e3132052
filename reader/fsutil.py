"""The one way reader replaces a file the user cares about: atomically and durably.

Data goes to a temporary file in the same folder (``.<name>.<random>.tmp``), which is flushed
and fsynced, then ``os.replace``-d over the real name, and the folder is fsynced so the rename
itself survives a power cut. Whoever reads the file — another ``reader``, or this one after a
``kill -9`` mid-write — sees the old content or the new, never a mix. Used for the state files
(:mod:`reader.state.storage`), the remembered settings (:mod:`reader.config`) and ``-o FILE``
exports.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_prefix(path: Path) -> str:
    """The name every temporary file for ``path`` starts with (a cleanup can find orphans by it)."""
    return f".{path.name}."


def fsync_dir(folder: Path) -> None:
    """Make a rename, creation or unlink inside ``folder`` durable.

    Some filesystems refuse fsync on a directory (EINVAL, ENOTSUP): there is nothing better to
    do there, so that one case is ignored; any other failure is raised.
    """
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
                raise
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, make_parents: bool = True, mode: int | None = None) -> None:
    """Replace ``path`` with ``data``: the old content or the new one, even on power loss.
    The file is private (0600) unless ``mode`` says otherwise.

    Through a symbolic link, the file it leads to is replaced and the link kept: a state or
    settings file linked from a dotfiles folder kept its link only until the first save,
    which put a regular file in its place and left the dotfiles copy behind, silently."""
    path = Path(os.path.realpath(path))
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_user_file(path: Path, data: bytes) -> None:
    """Write an export where the user asked (``-o FILE``): a regular file atomically (through
    any link to it), with the mode it had or the umask's; a device or a pipe
    (``-o /dev/stdout``) by plain writes.

    :func:`atomic_write_bytes` on ``/dev/stdout`` replaced the link with a regular file; run
    as root on ``/dev/full`` it replaced the device node itself.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    atomic_write_bytes(path, data, mode=mode)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
