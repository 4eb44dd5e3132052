"""Per-library user state: bookmarks, reading state and saved searches that are never lost.

Pure Python on purpose (no Textual import): the CLI and the tests use it without the UI.
See :mod:`reader.state.store` for the guarantees and why they are built the way they are.
"""

from reader.state.store import (
    SCHEMA_VERSION,
    Bookmark,
    ExportFormat,
    ReadingEntry,
    StateError,
    StateStore,
)

__all__ = [
    "SCHEMA_VERSION",
    "Bookmark",
    "ExportFormat",
    "ReadingEntry",
    "StateError",
    "StateStore",
]
