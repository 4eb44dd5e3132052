"""A persistent index of a library in SQLite, so 100,000 articles open in a fraction of a second.

One database per library folder, ``<cache dir>/indexes/<slug>-<hash>.sqlite`` (see
:mod:`reader.paths`). The ``files`` table has one row per Markdown file: its relative path,
the ``size`` and ``mtime_ns`` it had when parsed, the parsed metadata, the problems parsing
met, and a checksum of all of it. Bodies are not stored: :meth:`Library.read` re-reads a file
when it is opened, so the cache stays small and can never show a stale body. After each
refresh the whole library is also saved as a ``snapshot`` (a few column blobs, checksummed)
that a warm start turns into a :class:`Library` without a per-row loop; any write to
``files`` drops the snapshot in the same transaction, so the two never disagree.

The cache is a convenience, never a source of truth:

* anything unexpected (not a database, truncated, another schema version, written by another
  version of the parser, for another folder) → the file is deleted and rebuilt;
* a row or snapshot part whose checksum fails → that file is read again (issue: bit flips);
* locked by another process → bypassed: read if possible, never waited on, not written;
* no usable cache folder → the library still loads, just without a cache.

The package, by job:

* :mod:`.schema` — the tables, opening and validating the file;
* :mod:`.lock` — one writing process per cache (``flock``);
* :mod:`.codec` — articles ⇄ parsed tuples, rows and the snapshot; checksums;
* :mod:`.pool` — parsing in worker processes, read-ahead;
* :mod:`.writer` — one refresh's reads and batched writes;
* :mod:`.refresh` — the verbs below.

Typical use, from a worker thread (or through :class:`reader.library.engine.Engine`)::

    library = cache.load_cached(root)        # instant, or None
    library = cache.refresh(root, library)   # walk, re-parse what changed, save

Cold indexing parses in worker processes above :data:`PARALLEL_MIN_FILES` files and streams
partial libraries through ``on_batch``. Scripts calling :func:`refresh` need the usual
``if __name__ == "__main__":`` guard (workers are spawned); without it they still work, in
one process.
"""

from reader.library.cache.pool import CHUNK_SIZE, PARALLEL_MIN_FILES, WORKERS, parse_entry
from reader.library.cache.refresh import (
    BatchCallback,
    ProgressCallback,
    cache_path,
    clear,
    load,
    load_cached,
    refresh,
    update_paths,
)
from reader.library.cache.schema import SCHEMA_VERSION

__all__ = [
    "CHUNK_SIZE",
    "PARALLEL_MIN_FILES",
    "SCHEMA_VERSION",
    "WORKERS",
    "BatchCallback",
    "ProgressCallback",
    "cache_path",
    "clear",
    "load",
    "load_cached",
    "parse_entry",
    "refresh",
    "update_paths",
]
