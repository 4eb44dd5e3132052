"""Front matter that is plain ``key: value`` lines, read without the YAML parser.

Most front matter is a handful of such lines (``title: "…"``, ``date: 2021-03-04``, a
``tags:`` list of ``- item`` lines, Hugo's ``keywords: [a, b]`` and a nested ``params:``).
PyYAML's safe loader builds a node tree and constructs it in Python even with libyaml:
~100 µs for a 10-line block, which made YAML the largest cost of a note with front matter
(a quarter of a Hugo page's parse). :func:`load` reads that subset in ~10 µs and gives
exactly what ``yaml.load(raw, SafeLoader)`` gives: plain scalars are typed by PyYAML's own
resolver and built by its own ``SafeConstructor`` (so ``2021-03-04`` is a ``date``, ``yes``
a ``True``, ``0x1F`` an ``int``, as YAML 1.1 says), and anything outside the subset — an
anchor, a tag, a block scalar, an escape, a multi-line value, a tab, a comment after a
value, an indentation it does not expect — returns :data:`NOT_SIMPLE`, and the caller hands
the block to PyYAML as before. The subset is chosen so that being unsure always means
falling back; ``tests/unit/test_parse_fast_paths.py`` compares both on generated blocks.
"""

from __future__ import annotations

import functools
import re
from typing import Any

NOT_SIMPLE: Any = object()
"""What :func:`load` returns for a block it leaves to the YAML parser."""

_LINE = re.compile(r"( *+)(?:([A-Za-z_][A-Za-z0-9_-]*+):(?: ++(.*+))?|- ++(.++)|#.*+|)")
"""One line: ``key:`` with or without a value, a ``- item``, a comment, or blank."""
_UNSAFE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
"""Characters the subset refuses anywhere: tabs and other controls, YAML's extra line breaks
(U+0085, U+2028, U+2029), the BOM, surrogates and non-characters (PyYAML rejects some)."""
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Characters that, first in a value, make it something other than a plain scalar."""


_MAX_DEPTH = 20
"""Deeper mappings are left to PyYAML (and its errors): no front matter nests like that."""


class _NotSimple(Exception):
    pass


def load(raw: str) -> Any:
    """``yaml.load(raw, SafeLoader)`` for a block in the subset; :data:`NOT_SIMPLE` otherwise."""
    if raw.isascii():  # then isprintable says the same as _UNSAFE, ~10× faster
        if not raw.replace("\n", " ").isprintable():
            return NOT_SIMPLE
    elif _UNSAFE.search(raw) is not None:
        return NOT_SIMPLE
    lines: list[tuple[int, str, str | None]] = []
    for line in raw.split("\n"):
        match = _LINE.fullmatch(line)
        if match is None:
            return NOT_SIMPLE
        spaces, key, value, item = match.groups()
        if key is not None:
            value = value.rstrip(" ") if value is not None else ""
            lines.append((len(spaces), key, value or None))
        elif item is not None:
            lines.append((len(spaces), "", item.rstrip(" ")))
    if not lines or lines[0][0] != 0:
        return NOT_SIMPLE
    try:
        data, end = _mapping(lines, 0, 0)
    except _NotSimple:
        return NOT_SIMPLE
    return data if end == len(lines) else NOT_SIMPLE


def _mapping(
    lines: list[tuple[int, str, str | None]], at: int, indent: int, depth: int = 0
) -> tuple[dict[str, Any], int]:
    """The block mapping whose keys start at column ``indent``, from line ``at``."""
    if depth > _MAX_DEPTH:
        raise _NotSimple
    out: dict[str, Any] = {}
    while at < len(lines):
        column, key, value = lines[at]
        if column < indent:
            break
        if column > indent or not key:
            raise _NotSimple
        if len(key) > 128 or _resolve(key) != _STR:
            raise _NotSimple
        at += 1
        if value is not None:
            out[key] = _value(value, flow=False)
            continue
        nested = lines[at] if at < len(lines) else None
        if nested is not None and not nested[1] and nested[0] >= indent:
            out[key], at = _sequence(lines, at, nested[0])
        elif nested is not None and nested[1] and nested[0] > indent:
            out[key], at = _mapping(lines, at, nested[0], depth + 1)
        else:
            out[key] = None
    return out, at


def _sequence(lines: list[tuple[int, str, str | None]], at: int, indent: int) -> tuple[list[Any], int]:
    """The ``- item`` lines at column ``indent``, from line ``at``; items are scalars."""
    out: list[Any] = []
    while at < len(lines) and lines[at][0] == indent and not lines[at][1]:
        out.append(_value(str(lines[at][2]), flow=False))
        at += 1
    if at < len(lines) and lines[at][0] > indent:
        raise _NotSimple
    return out, at


def _value(text: str, *, flow: bool) -> Any:
    """One value: a quoted string without escapes, a flow list of such values, or a plain scalar."""
    first = text[:1]
    if first in ("'", '"'):
        if len(text) < 2 or text[-1] != first or first in text[1:-1] or "\\" in text:
            raise _NotSimple
        return text[1:-1]
    if first == "[" and not flow:
        if text[-1] != "]":
            raise _NotSimple
        inner = text[1:-1]
        if not inner.strip(" "):
            return []
        return [_value(item.strip(" "), flow=True) for item in inner.split(",")]
    if (
        not text
        or (first in _INDICATORS and not (first == "-" and text[1:2] not in ("", " ")))
        or ": " in text
        or " #" in text
        or text[-1] == ":"
        or (flow and any(char in text for char in ",[]{}#:"))
    ):
        raise _NotSimple
    tag = _resolve(text)
    if tag == _STR:
        return text
    if tag not in _SCALAR_TAGS:
        raise _NotSimple
    import yaml

    # Built afresh each time, as the YAML parser would: two equal dates are two objects. A
    # value PyYAML cannot build (a 13th month) is left to it, so the error is the one it gives.
    try:
        return yaml.SafeLoader.yaml_constructors[tag](_constructor(), yaml.ScalarNode(tag, text))
    except Exception as error:
        raise _NotSimple from error


_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "null", "timestamp"))


@functools.lru_cache(maxsize=4096)
def _resolve(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar (memoised: keys and many values repeat)."""
    import yaml

    return str(_resolver().resolve(yaml.ScalarNode, text, (True, False)))


@functools.cache
def _resolver() -> Any:
    import yaml

    return yaml.resolver.Resolver()


@functools.cache
def _constructor() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()
