"""Terminal-safe text: the one rule for every string from the folder that reaches a screen.

Titles, tags, notices and CLI output (through :func:`make_inert`) and article bodies (the
renderer's ``sanitize`` is this function) share it, so a character that is visible in a title is
visible the same way in a body:

* C0 controls (ESC, BEL …) become their Unicode control pictures (``␛``), DEL ``␡``, C1 controls
  (U+0080–U+009F; U+009B is an 8-bit CSI) and lone surrogates (undecodable file-name bytes,
  which would make a later ``print`` raise) U+FFFD;
* bidi controls and zero-width characters are spelled out (``‹U+202E›``): they reorder or hide
  text (``Invoice \\u202egpj.exe`` shows as "Invoice exe.jpg"). A zero-width joiner between two
  emoji builds one glyph (👩‍💻) and stays;
* CRLF becomes LF; tabs and newlines stay (:func:`make_inert_inline` turns them into spaces for
  text that must keep to one row).

Pure ``str`` work, no Textual: the library and the CLI use it too.
"""

from __future__ import annotations

import re

__all__ = ["make_inert", "make_inert_inline"]


def _control_table(*, inline: bool) -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    table.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
    if inline:
        table[0x09] = table[0x0A] = " "
    else:
        del table[0x09], table[0x0A]
    return table


_TABLE = _control_table(inline=False)
_INLINE_TABLE = _control_table(inline=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_INVISIBLE = re.compile(
    "[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]"
    "|(?<![\u00a9\u00ae\u2000-\u3300\ufe0f\U0001f000-\U0001faff])\u200d"
    "|\u200d(?![\u00a9\u00ae\u2000-\u3300\U0001f000-\U0001faff])"
)
"""Bidi controls and zero-width characters (one character each: linear on any input)."""


def _invisible_picture(match: re.Match[str]) -> str:
    return f"\u2039U+{ord(match.group()):04X}\u203a"


_ANY_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]")
"""A plain class holding every character :data:`_INVISIBLE` can match: searched first, because
the lookarounds make ``_INVISIBLE`` itself ~10× slower (1 s over a 15 MB text here)."""


def _spell_invisible(text: str) -> str:
    # isascii() is O(1) on CPython; an ASCII text cannot hold any of these characters.
    if text.isascii() or _ANY_INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(_invisible_picture, text)


def make_inert(text: str) -> str:
    """``text`` with every control, bidi and zero-width character made visible and harmless.

    Tabs and newlines are kept; CRLF becomes LF. Applied to every metadata field as it is
    parsed, to every notice, to everything the CLI prints and to every article body rendered.
    """
    # Every character either rule changes is a control, format or surrogate character, which
    # isprintable refuses (so do tab, CR and LF): most titles and tags are done in one C call,
    # ~0.1 µs instead of ~1 µs (a cold index makes ~12 calls a file).
    if text.isprintable():
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = _spell_invisible(text)
    if _CONTROL.search(text) is None:
        return text
    return text.translate(_TABLE)


def make_inert_inline(text: str) -> str:
    """:func:`make_inert` for text that must stay on one row: tabs and newlines become spaces
    (an entity such as ``&NewLine;`` decodes to a newline after the body was made inert)."""
    return _spell_invisible(text).translate(_INLINE_TABLE)
