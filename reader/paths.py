"""Where reader keeps what it writes for one library, and what "the library folder" means.

Every per-library file (the index cache, the full-text database, the state file) is named by
:func:`library_file_name`: ``<slug>-<hash>`` — the slug so a person browsing the folder can
tell the files apart, the hash of the full path so two libraries both called ``articles``
never share one.

**One meaning of the library root** (:func:`library_root`): the folder itself, with ``~``
expanded and every symbolic link and ``..`` resolved (``Path.resolve``), not the way it was
spelled (``abspath``). Two spellings of one folder — a symlink to it, ``./x/../articles`` —
then share one cache, one full-text index and one set of bookmarks, and the containment check
of the walk compares real paths with a real root. The command line resolves once; every
layer below calls this again, which is idempotent.

File names written before this module existed are kept: the state file's scheme is the one
scheme, and a cache file under its older name is renamed into place on first use
(:func:`cache_file`), so an upgrade re-indexes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
from pathlib import Path

DIGEST_LENGTH = 12
"""Hex digits of the path hash in a file name: 48 bits, no collision among one user's libraries."""
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")
"""A SQLite database is these files together (the database, its write-ahead log, its index)."""


def library_root(root: Path | str) -> Path:
    """The library folder as every layer names it: expanded and resolved (see the module docstring)."""
    return Path(root).expanduser().resolve()


def library_slug(root: Path) -> str:
    """The readable half of a file name: the folder's name in lowercase ASCII, at most 40 characters."""
    ascii_name = unicodedata.normalize("NFKD", root.name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "library"


def library_file_name(root: Path | str, suffix: str) -> str:
    """``<slug>-<hash of the resolved path><suffix>``, e.g. ``articles-3f2a9c1b0d4e.json``."""
    path = library_root(root)
    digest = hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:DIGEST_LENGTH]
    return f"{library_slug(path)}-{digest}{suffix}"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/reader`` (or the platform's cache folder)."""
    from reader.config import cache_dir as user_cache_dir

    return user_cache_dir()


def state_file(root: Path | str, data_dir: Path) -> Path:
    """The bookmarks, reading state and saved searches of a library: ``<data>/libraries/<name>.json``."""
    return data_dir / "libraries" / library_file_name(root, ".json")


def cache_file(root: Path | str, folder: str) -> Path:
    """A library's SQLite database in ``<cache>/<folder>/`` (``indexes``: the metadata cache,
    ``fulltext``: the full-text index). A database under the pre-2026 name is moved here first."""
    path = library_root(root)
    target = cache_dir() / folder / library_file_name(path, ".sqlite")
    if not target.exists():
        legacy = target.with_name(_legacy_name(path))
        if legacy.exists():
            for sidecar in SQLITE_SIDECARS:
                with contextlib.suppress(OSError):
                    os.replace(f"{legacy}{sidecar}", f"{target}{sidecar}")
    return target


def _legacy_name(root: Path) -> str:
    """How the caches were named before :func:`library_file_name` was the one scheme."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", root.name).strip("-.")[:40] or "library"
    return f"{slug}-{hashlib.sha256(os.fsencode(root)).hexdigest()[:16]}.sqlite"
