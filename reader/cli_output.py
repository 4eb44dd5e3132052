"""Everything the CLI prints for a person goes through ``make_inert``, in one place.

Titles, tags, paths and notices come from files anybody could have named or written: an ESC,
BEL or C1 byte in one must not set the terminal's title or clear the screen. Rather than trust
every ``print`` of every command to remember, :func:`inert_output` wraps stdout and stderr for
the duration of a command so each write is made inert on its way out. JSON goes through
``reader.library.safe_json`` first, which escapes those characters, so it passes unchanged.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from reader.library.inert import make_inert

if TYPE_CHECKING:
    from reader.library.snapshot import Library


class InertStream:
    """A text stream that makes every string inert before handing it to the real stream."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(make_inert(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding …
        return getattr(self._stream, name)


def _utf8(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding == "utf8" and getattr(stream, "errors", "strict") in ("strict", "surrogateescape")


def styled_stdout() -> TextIO:
    """The real stdout, for output whose escape sequences are our own styling.

    ``reader show`` colours its text with SGR sequences it builds itself from text that the
    renderer already made inert; through :class:`InertStream` those would show as ``␛[1m``.
    """
    stream = sys.stdout
    return stream._stream if isinstance(stream, InertStream) else stream


@contextlib.contextmanager
def inert_output() -> Iterator[None]:
    """Make stdout and stderr inert until the block ends (argparse's own messages included)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = InertStream(out)
    sys.stderr = InertStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def print_json(data: object) -> None:
    """JSON on stdout: indented for a person at a terminal, compact (and 10× faster, through
    the C encoder) when a script reads it.

    Written to the real stdout: ``safe_json.dumps`` already escapes every control, bidi,
    zero-width and lone-surrogate character, and passing 58 MB of JSON (100,000 articles)
    through :class:`InertStream` again cost 4 s here."""
    from reader.library.safe_json import dumps

    out = styled_stdout()
    out.write(dumps(data, indent=1 if out.isatty() else None))
    out.write("\n")


def print_articles_json(library: Library, ids: Sequence[int], bookmarked: Sequence[bool]) -> None:
    """``reader list --json``: :func:`print_json` of the ``to_json`` record of each row ``ids``.

    When a script reads it, the same bytes come from ``safe_json.rows``, which skips the
    100,000 intermediate dicts (1.5 s → 0.4 s at 100,000 articles here) and the articles too;
    or, when the library is the cache's snapshot unchanged, from the records the cache stored
    (``safe_json.stored_rows``, ~0.1 s), written as they are to a UTF-8 stdout."""
    from reader.library import safe_json

    out = styled_stdout()
    table = library.articles
    stored = library.memo.json_rows
    if out.isatty():
        print_json([table[i].to_json(bookmarked=b) for i, b in zip(ids, bookmarked, strict=True)])
    elif stored is not None and _utf8(out) and hasattr(out, "buffer"):
        out.flush()
        out.buffer.writelines(safe_json.stored_rows(*stored, ids, bookmarked))
        out.buffer.write(b"\n")
        out.buffer.flush()
    else:
        out.write(safe_json.rows(table, ids, bookmarked))
        out.write("\n")


class OutputFileError(Exception):
    """``-o FILE`` could not be written (no such folder, no permission, a full disk): one line, exit 1."""


def write_export(text: str, output: str | None) -> None:
    """An export to ``-o FILE`` (:func:`reader.fsutil.write_user_file`: a regular file
    atomically, never half a file; a pipe or a device as it is) or to stdout, newline-ended."""
    text = text if text.endswith("\n") else text + "\n"
    if output:
        from pathlib import Path

        from reader.fsutil import write_user_file

        try:
            write_user_file(Path(output), text.encode("utf-8"))
        except OSError as error:
            raise OutputFileError(f"reader: cannot write {make_inert(output)}: {error.strerror or error}") from error
    else:
        sys.stdout.write(text)
