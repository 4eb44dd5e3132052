"""Finding the articles of a library on disk, and reading them without surprises.

The walk is iterative (no recursion limit), skips hidden folders (``.git``, ``.obsidian``),
does not follow a symbolic link out of the library, and never loops on a link cycle.
Reading caps the bytes taken from any one file so a 50 MB "article" cannot exhaust memory.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol, TypeAlias

from reader.library.model import ParseResult, Problem
from reader.paths import library_root

EXTENSIONS = (".md", ".markdown")


class FileEntry(NamedTuple):
    """A Markdown file found by the walk: where it is and the stat facts the cache keys on.

    A named tuple, not a frozen dataclass: 100,000 of them are made on every start, and a
    frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field) costs twice as much
    (0.8 against 0.4 µs each here)."""

    path: str
    """POSIX path relative to the library root."""
    abspath: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class ScanReport:
    """What the walk saw besides articles: skipped folders and problem files."""

    skipped_dirs: list[str]
    problems: list[Problem]


def walk(root: Path, *, follow_external_links: bool = False) -> tuple[list[FileEntry], ScanReport]:
    """Every Markdown file below ``root``, sorted by path, plus what was skipped and why."""
    report = ScanReport([], [])
    return list(iter_walk(root, report, follow_external_links=follow_external_links)), report


def iter_walk(
    root: Path,
    report: ScanReport,
    *,
    follow_external_links: bool = False,
    share: tuple[int, int] = (0, 1),
    entered: set[tuple[int, int]] | None = None,
) -> Iterator[FileEntry]:
    """:func:`walk` one file at a time, already in path order; ``report`` fills as it goes.

    Why a generator: a warm start compares each file with the cache as it comes
    (:func:`reader.library.cache.refresh`) instead of holding the walk's list, 100,000
    entries and their two path strings (47 MB measured at 100,000 articles). Why no final sort:
    each folder's children are taken in order of ``name`` for a file and ``name + "/"``
    for a folder, and that depth-first order is exactly the order of the relative paths
    (``a-b.md`` < ``a/x.md``, as ``-`` < ``/``), which a merge with the cache's rows needs.

    ``share=(k, n)``: only the ``k``-th of ``n`` contiguous runs of the library folder's own
    entries, cut so each holds about as many folders (share 0 also reports what the folder's
    own listing found): :mod:`reader.library.prewalk` walks the shares in parallel, and their
    files and reports, put end to end, are the whole walk's. Unless a folder can be reached
    from two shares (a symbolic link): then the whole walk reports the second visit as a
    loop, where each share walks it. ``entered`` receives the folders entered below the top
    level, by device and inode, so the caller can see that no two shares met.
    """
    root = library_root(root)
    real_root = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
        seen_dirs.add((st.st_dev, st.st_ino))
    except OSError as error:
        report.problems.append(Problem(".", f"cannot read the library folder: {error.strerror}"))
        return
    index, shares = share
    top_report = report if index == 0 else ScanReport([], [])
    top = _children(str(root), "", real_root, seen_dirs, top_report, follow_external_links)
    top_level = set(seen_dirs)
    if shares > 1:
        top = _share(top, index, shares)
    pending = [iter(top)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif isinstance(child, FileEntry):
            yield child
        else:
            directory, rel_dir = child[1], child[2]
            pending.append(iter(_children(directory, rel_dir, real_root, seen_dirs, report, follow_external_links)))
    if entered is not None:
        entered.update(seen_dirs - top_level)


def _share(children: list[_Child], index: int, shares: int) -> list[_Child]:
    """The ``index``-th of ``shares`` contiguous runs of ``children``, cut by the folders
    among them: each entry goes to the share of the folders before it (files on the top level
    are cheap next to a folder's tree)."""
    folders = sum(1 for child in children if not isinstance(child, FileEntry))
    if not folders:
        return children if index == 0 else []
    picked: list[_Child] = []
    before = 0
    for child in children:
        if min(shares - 1, before * shares // folders) == index:
            picked.append(child)
        if not isinstance(child, FileEntry):
            before += 1
    return picked


_Child: TypeAlias = "FileEntry | tuple[str, str, str]"
"""A file found, or a folder to walk: ``(sort key, path, relative path)``."""


def _children(
    directory: str, rel_dir: str, real_root: str, seen_dirs: set[tuple[int, int]], report: ScanReport, follow: bool
) -> list[_Child]:
    """One folder's Markdown files and subfolders to walk, in walk order (see :func:`iter_walk`);
    what is skipped or unreadable goes into ``report``."""
    try:
        with os.scandir(directory) as entries:
            items = list(entries)
    except OSError as error:
        report.problems.append(Problem(rel_dir or ".", f"cannot list folder: {error.strerror or error}"))
        return []
    found: list[_Child] = []
    for entry in items:
        name = entry.name
        rel = f"{rel_dir}/{name}" if rel_dir else name
        try:
            if entry.is_symlink():
                if not follow and outside_library(real_root, entry.path):
                    if name.lower().endswith(EXTENSIONS) or _is_dir(entry.path):
                        report.problems.append(Problem(rel, OUTSIDE))
                    continue
                st = os.stat(entry.path)
                is_dir = stat_module.S_ISDIR(st.st_mode)
            elif entry.is_dir(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                is_dir = True
            elif name.startswith(".") or not name.lower().endswith(EXTENSIONS):
                continue  # not an article: no stat (the file type comes with the listing)
            else:
                st = entry.stat(follow_symlinks=False)
                is_dir = False
        except OSError as error:
            reason = "broken or looping symbolic link" if _is_link(entry) else (error.strerror or str(error))
            report.problems.append(Problem(rel, reason))
            continue
        if is_dir:
            if name.startswith("."):
                report.skipped_dirs.append(rel)
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                report.problems.append(Problem(rel, "folder already visited (symbolic link loop)"))
                continue
            seen_dirs.add(key)
            found.append((f"{name}/", entry.path, rel))
        elif name.lower().endswith(EXTENSIONS) and not name.startswith("."):
            odd = not_regular(st.st_mode)
            if odd is None:
                found.append(FileEntry(rel, entry.path, st.st_size, st.st_mtime_ns))
            else:
                report.problems.append(Problem(rel, odd))
    found.sort(key=_walk_key)
    return found


def _walk_key(child: _Child) -> str:
    """A file's name, or a folder's name and ``/``: the order of what lies below them."""
    return child.path.rpartition("/")[2] if isinstance(child, FileEntry) else child[0]


OUTSIDE = "symbolic link points outside the library"


def outside_library(real_root: str, path: str) -> bool:
    """Whether ``path``, links resolved, lies outside the library whose real path is ``real_root``.

    The one containment rule: the startup walk and live reload (``cache.update_paths``) both ask it,
    so ``ln -s /etc/passwd lib/x.md`` is refused whether it was there at launch or appeared later.
    """
    return not _within(real_root, os.path.realpath(path))


def _within(real_root: str, target: str) -> bool:
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _opened_outside(fd: int, path: str, real_root: str) -> bool:
    """:func:`outside_library` of the file open at ``fd``: what was opened, not what the name
    leads to a moment later. Linux names it in ``/proc`` (one ``readlink``, ~3 µs, where
    resolving the name took ~30–70 µs, an ``lstat`` per folder); elsewhere the name is resolved."""
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return outside_library(real_root, path)
    return not _within(real_root, target)


def not_regular(mode: int) -> str | None:
    """Why a file named like an article cannot be one (a FIFO, socket, device), or ``None``.

    One rule for the walk, the read and live reload: a FIFO swapped in for an article while
    the app runs must be reported, not shown as an empty article (or block a read).
    """
    if stat_module.S_ISREG(mode):
        return None
    if stat_module.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat_module.S_ISSOCK(mode):
        kind = "a socket"
    elif stat_module.S_ISCHR(mode) or stat_module.S_ISBLK(mode):
        kind = "a device"
    elif stat_module.S_ISDIR(mode):
        return "is a folder, not a file"
    else:
        kind = "a special file"
    return f"is {kind}, not a regular file"


def _is_dir(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def read_file(entry: FileEntry, *, inside: str | None = None) -> ParseResult:
    """Read and parse one file; any failure becomes a problem naming the file.

    ``inside``: the library's real path; the file, once open, must lie in it (it may have
    been swapped, or a folder above it, for a link out since the walk). Asked by
    :meth:`Library.read`, which opens files long after the walk; the index's bulk reads,
    right behind the walk, rely on ``O_NOFOLLOW`` alone.

    The one guard every reader of a file goes through (cold scan, cache refresh, worker
    processes, live reload, opening an article): whatever goes wrong with one file, the rest
    of the library still loads.
    """
    try:
        return _read_file(entry, inside)
    except Exception as error:  # any bug a hostile file finds must cost that file only
        return ParseResult(None, [Problem(entry.path, f"could not be read ({_describe(error)})")])


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class _Parser(Protocol):
    """What :func:`read_file` uses of :mod:`reader.library.parse`: typed, so the lazily
    imported module is checked like an imported one."""

    MAX_PARSE_BYTES: int

    def parse_bytes(self, data: bytes, path: str, *, total_size: int | None = None) -> ParseResult: ...


_parser: _Parser | None = None


def _parse_module() -> _Parser:
    """:mod:`reader.library.parse`, imported on the first file read rather than with this
    module: the app's first frame needs the walk's types and the cache, not the parser and
    the YAML, clipping and link modules behind it (~50 ms of imports on the way to it)."""
    global _parser
    if _parser is None:
        from reader.library import parse

        _parser = parse
    return _parser


def _read_file(entry: FileEntry, inside: str | None = None) -> ParseResult:
    parser = _parser or _parse_module()
    cap = parser.MAX_PARSE_BYTES
    try:
        # os.open/os.read, not open(): half the cost, and this runs once per article.
        # O_NONBLOCK: a FIFO renamed to .md after the walk fails instead of hanging.
        fd = _open_inside(entry)
        if fd is None:
            return ParseResult(None, [Problem(entry.path, OUTSIDE)])
        if inside is not None and _opened_outside(fd, entry.abspath, inside):
            os.close(fd)
            return ParseResult(None, [Problem(entry.path, OUTSIDE)])
        try:
            odd = not_regular(os.fstat(fd).st_mode)
            if odd is not None:
                return ParseResult(None, [Problem(entry.path, odd)])
            # Ask for the size the walk saw (+1 to notice growth), not the 4 MB cap: a 4 MB
            # read buffer per file costs more than parsing a 5 KB article.
            want = min(max(entry.size, 0), cap) + 1
            data = _read_upto(fd, want)
            if len(data) == want and want <= cap:
                data += _read_upto(fd, cap + 1 - len(data))
            if len(data) > cap:
                try:
                    size = max(os.fstat(fd).st_size, len(data))
                except OSError:
                    size = len(data)
                cut = cap
                # Cut before a UTF-8 character that straddles the cap, not through it (which
                # would read as a spurious "invalid UTF-8" warning).
                while cut > cap - 4 and data[cut] & 0xC0 == 0x80:
                    cut -= 1
                data = data[:cut]
            else:
                size = len(data)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return ParseResult(None, [Problem(entry.path, "file disappeared before it could be read")])
    except PermissionError:
        return ParseResult(None, [Problem(entry.path, "permission denied")])
    except IsADirectoryError:
        return ParseResult(None, [Problem(entry.path, "is a folder, not a file")])
    except OSError as error:
        try:  # a socket cannot even be opened: say what it is rather than "no such device"
            odd = not_regular(os.stat(entry.abspath).st_mode)
        except OSError:
            odd = None
        return ParseResult(None, [Problem(entry.path, odd or f"cannot read: {error.strerror or error}")])
    try:
        result = parser.parse_bytes(data, entry.path, total_size=size)
    except Exception as error:  # RecursionError, ValueError … from one odd file
        return ParseResult(None, [Problem(entry.path, f"could not be parsed ({_describe(error)})")])
    if result.article is not None:
        result.article.mtime = entry.mtime_ns / 1e9
    return result


_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK}
"""What ``O_NOFOLLOW`` on a symbolic link raises (Linux and macOS: ELOOP; FreeBSD: EMLINK)."""


def _open_inside(entry: FileEntry) -> int | None:
    """The file opened for reading, or ``None`` when it is now a link out of the library.

    The walk refused links out of the library, but a file may be swapped for one after it
    (``ln -sf /etc/passwd lib/x.md`` while the app runs, before live reload sees it). Opened
    with ``O_NOFOLLOW`` a regular file costs nothing more; only a link is resolved and asked
    :func:`outside_library`. (A folder swapped for a link is for :meth:`Library.read` to see.)
    """
    flags = os.O_RDONLY | _O_BINARY | _O_NONBLOCK
    try:
        return os.open(entry.abspath, flags | _O_NOFOLLOW)
    except OSError as error:
        if not _O_NOFOLLOW or error.errno not in _LINK_ERRNOS:
            raise
    root = entry.abspath[: len(entry.abspath) - len(entry.path)] or os.curdir
    if outside_library(os.path.realpath(root), entry.abspath):
        return None
    return os.open(entry.abspath, flags)


def _read_upto(fd: int, count: int) -> bytes:
    """Up to ``count`` bytes, fewer only at the end of the file (``os.read`` may return less)."""
    data = os.read(fd, count)
    if not data or len(data) >= count:
        return data
    parts = [data]
    got = len(data)
    while got < count:
        more = os.read(fd, count - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)
