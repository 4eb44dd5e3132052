"""Text the ``files`` table can hold: any name a file has, stored losslessly and in path order.

SQLite text must be valid UTF-8, but a file name that is not UTF-8 decodes (``os.fsdecode``)
to lone surrogates (U+DC80–U+DCFF), which it refuses. Such a file used to get no row at all, so
every warm start of its library saw a file the cache lacked and took the full refresh path:
the file parsed again and, since the rows had changed, the whole snapshot rewritten (~3 s of
background work at 100,000 articles, and ``reader list --json`` could not copy its stored
records).

The escape: U+E000 (the first private-use character) starts a pair. A surrogate ``s`` becomes
U+E000 and ``chr(0x100 + s - 0xD800)``; U+E000 itself becomes U+E000 U+0900; every other
character stays itself. It is reversible, and it keeps the order of paths, which the warm
compare relies on (the cache's rows come ``ORDER BY path``, in code-point order, and are merged
with the walk's): a character below U+D800 stays below the pair's U+E000, a character above
U+E000 stays above it, and between two pairs the second characters keep the order of what
they stand for (surrogates 0x100–0x8FF, below U+E000's 0x900).

Only rows that need it are escaped, all of their text fields at once: a row whose path holds
a surrogate or U+E000 (so its key sorts where the walk has it), or one with any field SQLite
refuses. A row is restored only when its checksum fails as stored (the checksum is of the
original values), so reading the ordinary rows costs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

ESCAPE = "\ue000"
_NEEDS = re.compile("[\ud800-\udfff\ue000]")
_PAIR = re.compile("\ue000(.)", re.DOTALL)
_SURROGATES = 0x100
"""Where the second characters of the surrogates' pairs start (up to 0x8FF)."""
_ITSELF = "\u0900"
"""The second character of U+E000's own pair: above every surrogate's."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return ESCAPE + (_ITSELF if char == ESCAPE else chr(_SURROGATES + ord(char) - 0xD800))


def _restore(match: re.Match[str]) -> str:
    code = ord(match.group(1))
    if code == ord(_ITSELF):
        return ESCAPE
    if _SURROGATES <= code < ord(_ITSELF):
        return chr(0xD800 + code - _SURROGATES)
    return match.group()  # not a pair this module wrote: left as it is (its checksum fails)


def needs_escape(text: str) -> bool:
    """Whether :func:`stored` changes ``text`` (a path like this makes its whole row escaped)."""
    return _NEEDS.search(text) is not None


def stored(text: str) -> str:
    """``text`` as the cache stores it in an escaped row, or as a key (a path)."""
    return _NEEDS.sub(_escape, text)


def restored(text: str) -> str:
    """:func:`stored` undone."""
    return _PAIR.sub(_restore, text) if ESCAPE in text else text


def stored_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """Every text field of ``row`` escaped (numbers, ``None`` and the checksum as they are)."""
    return tuple(stored(value) if isinstance(value, str) else value for value in row)


def restored_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """:func:`stored_row` undone."""
    return tuple(restored(value) if isinstance(value, str) else value for value in row)


def restored_paths(paths: Sequence[str]) -> list[str]:
    """Stored paths (keys) as the walk has them; one C-level test when none is escaped."""
    if ESCAPE not in "\x00".join(paths):
        return list(paths)
    return list(map(restored, paths))
