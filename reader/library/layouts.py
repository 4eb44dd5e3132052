"""Which layout a file is written in, and how a note (anything that is not a clipping) reads.

A clipping's rules (Information block, ``## Article:``, a tag block at the end) cut the body
and turn words into tags: applied to an ordinary note they end the article at its first
``## Tags`` heading and fill the sidebar with junk. So they apply only to files that show the
clipping layout unmistakably (:func:`reader.library.clipping.is_clipping`); every other file is
read by :func:`note_layout`, which drops nothing of the body.

Headings are looked for only where Markdown has them: never inside fenced code (a ``# comment``
in a shell block is not a title), HTML comments or Obsidian ``%%`` comments. Indented code needs
no rule: a line indented four spaces is never a heading. Runs on every note of the library, so
the common case (no fence or comment before the heading) costs one ``str.find`` per marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Up to three spaces, then three or more backticks or tildes (CommonMark's fence).
_CODE_FENCE = re.compile(r" {0,3}+(`{3,}+|~{3,}+)")
_H1_LINE = re.compile(r"# ++(.++)$")
MAX_INLINE_TAGS = 2000
"""A note with more ``#words`` than this is not tagging: stop looking (the parser caps tags too)."""
_HIDING = ("```", "~~~", "<!--", "%%")
"""What can hide a heading: if none is in the text before it, the heading is real."""


class _Hider:
    """Walks the lines of a text once, knowing at each line whether code or a comment hides it."""

    __slots__ = ("_comment", "_fence", "_pos", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._fence = ""
        self._comment = ""

    def hidden(self, line_start: int) -> bool:
        """Whether the line starting at ``line_start`` (never before an earlier call's) is hidden."""
        text = self._text
        while self._pos < line_start:
            end = text.find("\n", self._pos, line_start)
            end = line_start - 1 if end == -1 else end
            self._step(text[self._pos : end])
            self._pos = end + 1
        return bool(self._fence or self._comment)

    def _step(self, line: str) -> None:
        if self._fence:
            stripped = line.strip()
            if stripped.startswith(self._fence) and stripped.strip(self._fence[0]) == "":
                self._fence = ""
            return
        if self._comment == "<!--":
            if "-->" in line:
                self._comment = ""
            return
        if self._comment == "%%":
            if line.count("%%") % 2:
                self._comment = ""
            return
        fence = _CODE_FENCE.match(line)
        if fence is not None:
            self._fence = fence.group(1)
            return
        opened = line.rfind("<!--")
        if opened != -1 and "-->" not in line[opened:]:
            self._comment = "<!--"
        elif line.count("%%") % 2:
            self._comment = "%%"


def first_h1(text: str) -> tuple[int, int, str] | None:
    """``(start, end, text)`` of the first ``# H1`` line that code or a comment does not hide."""
    hider: _Hider | None = None
    found = text.find("\n# ")
    start = 0 if text.startswith("# ") else (found + 1 if found != -1 else -1)
    while start != -1:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        match = _H1_LINE.match(text, start, end)
        if match is not None:
            if hider is None and not any(marker in text[:start] for marker in _HIDING):
                return start, end, heading_text(match.group(1))
            hider = hider or _Hider(text)
            if not hider.hidden(start):
                return start, end, heading_text(match.group(1))
        found = text.find("\n# ", end)
        start = found + 1 if found != -1 else -1
    return None


# Obsidian's tag: "#" at a line start or after white space, then letters, digits, "_", "-", "/".
_INLINE_TAG = re.compile(r"(?<!\S)#([\w/-]++)")
# What hides a "#word" inside a line: %%comments%%, code spans, [[wiki links]], [text](target),
# <autolinks> and URLs.
_LINE_MASK = re.compile(
    r"%%(?:[^%\n]|%(?!%))*+(?:%%)?|`++[^`\n]*+`*+|\[\[[^\[\]\n]*+\]\]|\[[^\[\]\n]*+\]\([^)\n]*+\)?|<[^>\n]*+>?|(?<!\w)\w++://\S++"
)


def _masked(line: str) -> str:
    """The line with every code span, link and URL blanked out (same length, so offsets hold)."""
    return _LINE_MASK.sub(lambda match: " " * len(match.group()), line)


def inline_tags(body: str) -> list[str]:
    """A note's inline ``#tags``, as Obsidian reads them: never in code, comments, links or URLs.

    A tag needs one character that is not a digit (``#2024`` is not a tag). ``[[Note#Heading]]``
    and ``https://x/#anchor`` have no white space before the ``#``, and are masked besides.
    """
    if "#" not in body:
        return []
    out: list[str] = []
    hider: _Hider | None = None
    code_lines: dict[int, bool] = {}
    line_start = line_end = -1
    masked = ""
    for match in _inline_tag_matches(body):
        tag = match.group(1).rstrip("/")
        if not tag or tag.isdigit():
            continue
        if match.start() > line_end:  # a new line: found from the last one, so never re-scanned
            line_start = body.rfind("\n", max(line_end, 0), match.start()) + 1
            line_end = _line_end(body, line_start)
            hider = hider or _Hider(body)
            hidden = hider.hidden(line_start) or _indented_code(body, line_start, code_lines)
            masked = "" if hidden else _masked(body[line_start:line_end])
        if masked and masked[match.start() - line_start] == "#":
            out.append(tag)
        if len(out) > MAX_INLINE_TAGS:
            break
    return out


def _inline_tag_matches(body: str) -> Iterator[re.Match[str]]:
    """``_INLINE_TAG.finditer(body)``, tried only at each ``#``.

    The pattern starts with a lookbehind, so the regex engine tries it at every character
    (~40 µs over a 5 KB note); a ``#`` is found by ``str.find`` (a ``memchr``) and the pattern
    matched there, its lookbehind still seeing the character before. A match holds one ``#``,
    so going on from the next ``#`` is what ``finditer`` does.
    """
    at = body.find("#")
    while at != -1:
        match = _INLINE_TAG.match(body, at)
        if match is not None:
            yield match
        at = body.find("#", at + 1)


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _indented_code(text: str, line_start: int, memo: dict[int, bool]) -> bool:
    """Whether the line is indented code: four spaces (or a tab) in, after a blank line or more code.

    Walks up through the indented lines above (remembering each), so a long block costs once.
    """
    chain: list[int] = []
    at = line_start
    result = True
    while True:
        if at in memo:
            result = memo[at]
            break
        if not text.startswith(("    ", "\t"), at):
            result = not text[at : _line_end(text, at)].strip()
            memo[at] = result
            break
        chain.append(at)
        if at == 0:
            break
        at = text.rfind("\n", 0, at - 1) + 1
    for start in chain:
        memo[start] = result
    return result if chain else False


def heading_text(raw: str) -> str:
    """A heading's text without its optional closing ``#`` run (``# Title #`` → ``Title``)."""
    text = raw.strip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    return text


def _same_title(heading: str, title: str) -> bool:
    return " ".join(heading.split()).casefold() == " ".join(title.split()).casefold()


def note_layout(text: str, title: object) -> tuple[dict[str, str], str]:
    """A note's fields and body: the body is the whole (front-matter-free) text.

    The title is ``title`` (from front matter) when given, else the first real H1. A leading
    H1 is hidden from the body only when it repeats the title: the header shows it already.
    A note's subtitle only ever comes from front matter, never from a heading of the body.
    """
    fields: dict[str, str] = {}
    body = text.strip("\n")
    if body.isspace():
        body = ""
    given = title if isinstance(title, str) and title.strip() else None
    h1 = first_h1(body)
    if given is None and h1 is not None:
        fields["title"] = h1[2]
    shown = given if given is not None else (h1[2] if h1 is not None else None)
    lead = body.lstrip(" \t\n")
    if h1 is not None and shown is not None and h1[0] == len(body) - len(lead) and _same_title(h1[2], shown):
        body = body[h1[1] :].strip("\n")
    return fields, body


# Jekyll: "_posts/2024-03-05-welcome-to-jekyll.md", in any folder's _posts (category/_posts/ too).
_POST_NAME = re.compile(r"(?:^|/)_posts/(?:[^/]*/)*(\d{4})-(\d{2})-(\d{2})-([^/]+?)\.[^./]+$")


def jekyll_post(path: str) -> tuple[str, str] | None:
    """``(date, title)`` a Jekyll post's file name gives (``2024-03-05``, ``Welcome To Jekyll``).

    Jekyll dates a post without a ``date`` by its name, and titles it by its slug, each word
    capitalised; ``None`` for any file that is not a post.
    """
    match = _POST_NAME.search(path)
    if match is None:
        return None
    year, month, day, slug = match.groups()
    title = " ".join(word[:1].upper() + word[1:] for word in slug.split("-") if word)
    return f"{year}-{month}-{day}", title or slug


def is_jekyll_draft(path: str) -> bool:
    """A file in a Jekyll ``_drafts`` folder: written, not published."""
    return path.startswith("_drafts/") or "/_drafts/" in path

