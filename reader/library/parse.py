"""Turn one Markdown file into an :class:`Article`: bytes → text → fields → a clean record.

The steps, each in its own module:

* :func:`decode` (here): UTF-8 or UTF-16 text, binary files refused;
* :mod:`reader.library.front_matter`: the YAML (``---``) or TOML (``+++``) block Obsidian,
  Jekyll and Hugo write;
* the layout, decided per file: a clipping (:mod:`reader.library.clipping`: Information block,
  ``## Article:``, tag block) or a note (:mod:`reader.library.layouts`: the whole text is the
  body, inline ``#tags``);
* :func:`_build` (here): fields cleaned and made inert (:func:`make_inert`), dates read
  (:mod:`reader.library.dates`), tags de-duplicated, links checked (:mod:`reader.library.links`).

The parser never raises on content: whatever it cannot use becomes a :class:`Problem` or is
ignored. It is a single pass over the lines with no Markdown parser, because it runs on every
file of a 100,000-article library.
"""

from __future__ import annotations

import codecs
import hashlib
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from reader.library.clipping import UNKNOWN_VALUES, clipping_layout, is_clipping
from reader.library.dates import date_problem, parse_date
from reader.library.front_matter import read_front_matter
from reader.library.inert import make_inert
from reader.library.layouts import inline_tags, is_jekyll_draft, jekyll_post, note_layout
from reader.library.link_targets import local_links
from reader.library.links import address_in, refusal
from reader.library.model import Article, ParseResult, Problem
from reader.library.tags import MAX_TAGS, clean_tag, dedupe

MAX_PARSE_BYTES = 4 * 1024 * 1024
"""Files larger than this are parsed only up to here (and the user is told): memory stays bounded."""

MAX_FIELD = 1000
"""Titles, authors and the like are cut here: a 10,000-character title is not a title."""

_BINARY_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")
"""C0 control bytes that text never holds (tab, newlines, form feed and ESC aside)."""


_BINARY_MAGIC = (
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x1f\x8b",  # gzip
    b"\x7fELF",
    b"MZ\x90\x00",  # Windows executables
)
"""File signatures that no Markdown file starts with: refused however short the file is."""


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM; binary is refused."""
    problems: list[Problem] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), problems
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), [
                Problem(path, "invalid UTF-16; bad characters replaced", skipped=False)
            ]
    if data.startswith(_BINARY_MAGIC):
        return None, [Problem(path, "binary file (an image, archive or program), not Markdown")]
    head = data[:8192]
    if b"\x00" in head and (
        head.count(b"\x00") > max(8, len(head) // 100)
        # Compressed data (a PNG or PDF named .md) has only ~0.4% NULs but ~10% control bytes.
        or len(head) - len(head.translate(None, _BINARY_BYTES)) > max(8, len(head) // 20)
    ):
        return None, [Problem(path, "binary file (NUL bytes), not Markdown")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8-sig", errors="replace")
        problems.append(
            Problem(path, f"invalid UTF-8 at byte {error.start}; bad bytes replaced", skipped=False)
        )
    if "\x00" in text:
        text = text.replace("\x00", "")
        problems.append(Problem(path, "NUL bytes removed", skipped=False))
    return text, problems


def parse_bytes(data: bytes, path: str, *, total_size: int | None = None) -> ParseResult:
    """Parse a file's bytes; ``total_size`` is the file's real size when ``data`` was capped."""
    text, problems = decode(data, path)
    if text is None:
        return ParseResult(None, problems)
    if total_size is not None and total_size > len(data):
        problems.append(
            Problem(
                path,
                f"file is {total_size / 1_048_576:.1f} MB; only the first "
                f"{len(data) / 1_048_576:.0f} MB is shown",
                skipped=False,
            )
        )
    result = parse_text(text, path)
    result.problems[:0] = problems
    if result.article is not None:
        result.article.size = total_size if total_size is not None else len(data)
    return result


def parse_text(text: str, path: str) -> ParseResult:
    """Parse an article's text. Never raises for any input string."""
    problems: list[Problem] = []
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {}
    tags: list[str] = []
    text = read_front_matter(text, path, meta, tags, problems)
    if is_clipping(text):
        fields, body, block_tags = clipping_layout(text)
    else:
        fields, body = note_layout(text, meta.get("title"))
        block_tags = [clean_tag(tag) for tag in inline_tags(body)]
    for key, value in fields.items():
        meta.setdefault(key, value)
    tags.extend(block_tags)
    return ParseResult(_build(path, meta, body, tags, problems), problems)


def _clean_field(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = make_inert(" ".join(value.split()))
    if text.lower() in UNKNOWN_VALUES:
        return ""
    return text[:MAX_FIELD]


def _link(value: str, path: str, problems: list[Problem]) -> str:
    """``[article](url)``, ``<url>`` or a bare URL → the URL; anything else → ``""``.

    Only web addresses are kept: the UI opens links with one key press, so a
    ``javascript:``, ``file:`` or ``data:`` "link" in a clipped file is dropped, with a warning.
    """
    value = value.strip()
    if not value or value.lower() in UNKNOWN_VALUES:
        return ""
    url = address_in(value)
    why = refusal(url) if url else None
    if why is None:
        return url
    problems.append(Problem(path, make_inert(f"link address ignored: {why}"), skipped=False))
    return ""


def title_from_file_name(path: str) -> str:
    """A title for a file with none inside: a slug (``my-note-title``) becomes words.

    A name that already has spaces was written by a person (``2-factor authentication``)
    and is kept as it is, hyphens included. A Jekyll post is titled as Jekyll does it.
    """
    post = jekyll_post(path)
    if post is not None:
        return post[1]
    stem = PurePosixPath(path).stem
    if " " not in stem:
        stem = stem.replace("-", " ").replace("_", " ")
    return stem.strip() or path


def _build(path: str, meta: dict[str, Any], body: str, tags: list[str], problems: list[Problem]) -> Article:
    title = _clean_field(meta.get("title"))
    if not title:
        # File names can hold escape sequences too.
        title = make_inert(title_from_file_name(path))
    elif len(" ".join(str(meta.get("title")).split())) > MAX_FIELD:
        problems.append(Problem(path, f"title longer than {MAX_FIELD} characters; cut", skipped=False))
    cleaned = dedupe(make_inert(tag) for tag in tags)
    if len(cleaned) > MAX_TAGS:
        problems.append(Problem(path, f"{len(cleaned)} tags; only the first {MAX_TAGS} kept", skipped=False))
        cleaned = cleaned[:MAX_TAGS]
    date_value = meta.get("date")
    if date_value is None and (post := jekyll_post(path)) is not None:
        date_value = post[0]
    date = _date(date_value, path, problems)
    # Hugo dates a page by its lastmod when it has no other date: one value, one warning.
    updated = date if meta.get("updated") is date_value else _date(meta.get("updated"), path, problems)
    digest = hashlib.blake2b(digest_size=12)
    digest.update(title.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00")
    digest.update(body.strip().encode("utf-8", "surrogatepass"))
    return Article(
        path=path,
        title=title,
        subtitle=_clean_field(meta.get("subtitle")),
        source=_clean_field(meta.get("source")),
        link=_link(meta["link"], path, problems) if isinstance(meta.get("link"), str) else "",
        date=date,
        author=_clean_field(meta.get("author")),
        tags=cleaned,
        body=body,
        fingerprint=digest.hexdigest(),
        aliases=_aliases(meta.get("aliases")),
        draft=meta.get("draft") is True or is_jekyll_draft(path),
        updated=updated,
        links=local_links(body),
    )


def _date(value: object, path: str, problems: list[Problem]) -> datetime | None:
    """A date field read, or ``None``, with a warning when it was written but is no date."""
    if value is None:
        return None
    date = parse_date(value)
    if date is None and (why := date_problem(value)) is not None:
        problems.append(Problem(path, make_inert(why), skipped=False))
    return date


def _aliases(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(alias for alias in map(_clean_field, value) if alias))
