"""JSON for people's terminals and other programs: every invisible or terminal-driving character escaped.

``json.dumps(ensure_ascii=False)`` escapes C0 controls but writes DEL, the C1 range (U+009B is
an 8-bit CSI that many terminals obey), bidi overrides, zero-width characters and lone
surrogates (the undecodable bytes of a file name) raw. :func:`dumps` writes those few as
``\\uXXXX`` and keeps every other non-ASCII character as it is, so the output is still
readable, loses nothing (``\\udce9`` reads back as the same file name), and is safe to print.
"""

from __future__ import annotations

import json
import re

INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff"
"""Zero-width and bidi-control characters: they reorder or hide text without being seen."""

_ESCAPE = re.compile(f"[\x7f-\x9f\u2028\u2029{INVISIBLE}\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(data: object, *, indent: int | None = None) -> str:
    """``data`` as JSON text holding no control, bidi, zero-width or lone-surrogate character raw.

    Outside strings JSON is plain ASCII, so escaping these characters wherever they appear in
    the text only ever touches string contents and keeps the document valid.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _ESCAPE.sub(_escape, text)
