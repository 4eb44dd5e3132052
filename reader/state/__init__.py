"""Per-library user state: bookmarks, reading state and saved searches that are never lost.

Pure Python on purpose (no Textual import): the CLI and the tests use it without the UI.
See :mod:`reader.state.statefile` for the guarantees and why they are built the way they are;
:mod:`.document` is the file's format, :mod:`.store` the operations, :mod:`.export` the lists.
"""

from reader.state.document import SCHEMA_VERSION, Bookmark, ReadingEntry
from reader.state.export import ExportFormat
from reader.state.statefile import StateError
from reader.state.store import StateStore

__all__ = [
    "SCHEMA_VERSION",
    "Bookmark",
    "ExportFormat",
    "ReadingEntry",
    "StateError",
    "StateStore",
]
