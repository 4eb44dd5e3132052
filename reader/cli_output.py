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
from collections.abc import Iterator
from typing import Any, TextIO

from reader.library.inert import make_inert


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
