"""Turn one Markdown file into an :class:`Article`.

Three kinds of file are read:

* the clipping layout: ``# Title``, ``### subtitle``, ``## Information:`` (``+ Key: value``
  lines), ``## Article:`` (the body), then a tag block (``#### Tags:`` with ``[[Tag]]`` links,
  or ``## Tags:`` with facet sub-sections);
* YAML (``---``) or TOML (``+++``) front matter, as Obsidian, Jekyll and Hugo write it;
* plain Markdown with no metadata at all.

The parser never raises on content: whatever it cannot use becomes a :class:`Problem` or is
ignored. It is a single pass over the lines with no Markdown parser, because it runs on every
file of a 100,000-article library.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from reader.library.dates import date_problem, parse_date
from reader.library.inert import make_inert
from reader.library.layouts import first_h1, inline_tags, note_layout
from reader.library.links import refusal
from reader.library.model import Article, ParseResult, Problem
from reader.library.tags import clean_tag, dedupe, section_facet

MAX_PARSE_BYTES = 4 * 1024 * 1024
"""Files larger than this are parsed only up to here (and the user is told): memory stays bounded."""

MAX_FRONT_MATTER = 64 * 1024
MAX_TAGS = 1000
"""More tags than this in one file are noise; the rest are dropped with a warning."""
MAX_FIELD = 1000
"""Titles, authors and the like are cut here: a 10,000-character title is not a title."""

_TAG_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_INFO_LINE = re.compile(r"^[+*-]\s+([A-Za-z][\w ]{0,30}?)\s*:\s*(.*)$")
# Control characters end a URL: an ESC inside a "link" is a terminal escape, not an address.
# The URL may hold balanced parentheses, as Wikipedia's do: (…/Conti_(ransomware)).
_URL_CHAR = r"[^()\s<>\x00-\x1f\x7f\ud800-\udfff]"
# Linear on any input (tests/test_regex_linear.py): the link text may not hold "[" (else a
# run of 60,000 "[" is tried from each one, quadratic), the scheme starts where a word does,
# and the groups are possessive, so nothing is ever tried twice.
_MD_LINK = re.compile(
    rf"\[[^\[\]]*+\]\(\s*+<?((?:{_URL_CHAR}++|\({_URL_CHAR}*+\))++)>?(?:\s++\"[^\"]*+\")?\s*+\)"
)
_URL = re.compile(r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*+:[^\s<>\"\x00-\x1f\x7f\ud800-\udfff]++")
# The text is group 2 with its closing hashes still on (see _heading_text): the old
# ``(.*?)\s*#*\s*$`` was cubic on a line of spaces (20 KB → minutes).
_HEADING = re.compile(r"^(#{1,6})(?:\s++(.*+))?$")

_UNKNOWN_VALUES = {"unknown", "none", "null", "n/a", "-", "?"}


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
    if text.startswith(("---", "+++")) and (fence := _FENCE_OPEN.match(text)) is not None:
        text = _front_matter(text, fence.end(), path, meta, tags, problems)
    if is_clipping(text):
        fields, body, block_tags = _clipping_layout(text)
    else:
        fields, body = note_layout(text, meta.get("title"))
        block_tags = [clean_tag(tag) for tag in inline_tags(body)]
    for key, value in fields.items():
        meta.setdefault(key, value)
    tags.extend(block_tags)
    return ParseResult(_build(path, meta, body, tags, problems), problems)


# Fences may carry trailing blanks (Jekyll and python-frontmatter accept them too).
_FENCE_OPEN = re.compile(r"(?:---|\+\+\+)[ \t]*\n")
_FENCE_CLOSE = {
    "---": re.compile(r"\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)"),
    "+++": re.compile(r"\n\+\+\+[ \t]*(?:\n|\Z)"),
}
_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][\w-]*+)[ \t]*+[:=][ \t]*+(.*+)$", re.MULTILINE)


def _front_matter(
    text: str, start: int, path: str, meta: dict[str, Any], tags: list[str], problems: list[Problem]
) -> str:
    """Read front matter into ``meta``/``tags`` and return the text after it.

    ``start`` is where the line after the opening fence begins.
    """
    fence = text[:3]
    closing = _FENCE_CLOSE[fence].search(text, start - 1)
    if closing is None:
        if fence == "---":
            # A horizontal rule at the top of a plain file, not front matter.
            return text
        problems.append(Problem(path, "front matter is not closed; read as plain Markdown", skipped=False))
        return text
    raw = text[start : closing.start()]
    rest = text[closing.end() :].lstrip("\n")
    if len(raw) > MAX_FRONT_MATTER:
        # Too big to hand to a YAML parser (seconds per file), but the title and date are
        # usually one-line fields at the top: keep those rather than lose the article's name.
        problems.append(Problem(path, "front matter over 64 KB; only its one-line fields read", skipped=False))
        _read_front_matter(_simple_fields(raw[:MAX_FRONT_MATTER]), path, meta, tags, problems)
        return rest
    data = _load_yaml(raw, path, problems) if fence == "---" else _load_toml(raw, path, problems)
    if data is None:
        return rest
    if not isinstance(data, dict):
        problems.append(
            Problem(path, f"front matter is a {type(data).__name__}, not a mapping; ignored", skipped=False)
        )
        return rest
    _read_front_matter(data, path, meta, tags, problems)
    return rest


def _simple_fields(raw: str) -> dict[str, str]:
    """The one-line ``key: value`` (or TOML ``key = "value"``) fields that name an article."""
    wanted = {key for keys in _FM_KEYS.values() for key in keys}
    out: dict[str, str] = {}
    for match in _SIMPLE_FIELD.finditer(raw):
        key, value = match.group(1).lower(), match.group(2).rstrip(" \t")
        if key in wanted and key not in out:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if value:
                out[key] = value
    return out


def _load_yaml(raw: str, path: str, problems: list[Problem]) -> object:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Only the safe loader ever: tags like !!python/object/apply are refused.
        return yaml.load(raw, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        problems.append(Problem(path, f"invalid YAML front matter{where}: {problem}; ignored", skipped=False))
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as error:
        problems.append(Problem(path, f"unreadable YAML front matter ({type(error).__name__}); ignored", False))
    return None


def _load_toml(raw: str, path: str, problems: list[Problem]) -> object:
    import tomllib

    try:
        return tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as error:
        problems.append(Problem(path, f"invalid TOML front matter: {error}; ignored", skipped=False))
        return None


_FM_KEYS = {
    "title": ("title", "name"),
    "subtitle": ("subtitle", "description", "summary", "excerpt"),
    "source": ("source", "site", "publisher", "site_name", "publication"),
    "link": ("url", "link", "source_url", "original", "href", "canonical_url", "permalink"),
    "date": ("date", "published", "created", "pubdate", "date_published", "publishdate", "created_at"),
    "author": ("author", "authors", "by", "byline"),
}
_FM_TAG_KEYS = ("tags", "tag", "keywords", "categories", "category", "topics")


def _read_front_matter(
    data: dict[Any, Any], path: str, meta: dict[str, Any], tags: list[str], problems: list[Problem]
) -> None:
    lowered = {str(key).strip().lower(): value for key, value in list(data.items())[:200]}
    for field, keys in _FM_KEYS.items():
        for key in keys:
            if key in lowered and lowered[key] is not None:
                value = lowered[key]
                if field == "date":
                    meta[field] = value
                else:
                    text = _scalar_text(value)
                    if text is None:
                        problems.append(
                            Problem(path, f"front matter '{key}' is a {type(value).__name__}; ignored", False)
                        )
                        continue
                    meta[field] = text
                break
    for key in _FM_TAG_KEYS:
        if key in lowered:
            before = len(tags)
            tags.extend(_front_matter_tags(lowered[key]))
            if lowered[key] is not None and len(tags) == before and not _empty(lowered[key]):
                problems.append(
                    Problem(path, f"front matter '{key}' has no usable tags ({type(lowered[key]).__name__})", False)
                )


def _empty(value: object) -> bool:
    return value in ("", [], (), {})


def _scalar_text(value: object) -> str | None:
    """A front matter value as one line of text; lists of strings join with commas."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        parts = [item for item in value[:20] if isinstance(item, str | int | float) and not isinstance(item, bool)]
        return ", ".join(str(item) for item in parts) if parts else None
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    return None


def _front_matter_tags(value: object) -> Iterable[str]:
    """Tags from front matter: a list, a comma (or space, Obsidian) separated string, or numbers.

    Walks nested lists with a budget so a YAML alias bomb cannot blow up memory or time.
    """
    if isinstance(value, str):
        separator = "," if "," in value else None
        parts = value.split(separator) if separator or "#" in value else [value]
        return [clean_tag(part) for part in parts[:MAX_TAGS]]
    out: list[str] = []
    budget = MAX_TAGS
    stack: list[object] = [value]
    while stack and budget > 0:
        item = stack.pop()
        budget -= 1
        if isinstance(item, list | tuple):
            stack.extend(reversed(item[:MAX_TAGS]))
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            cleaned = clean_tag(item)
            if cleaned:
                out.append(cleaned)
    return out


_INFO_HEADING = re.compile(r"^##[ \t]*+Information[ \t]*+(?::[ \t]*+)?$", re.MULTILINE | re.IGNORECASE)
_ARTICLE_HEADING = re.compile(r"^##[ \t]*+Article[ \t]*+(?::[ \t]*+)?$", re.MULTILINE | re.IGNORECASE)
# Starts with a literal newline so the regex engine can skip ahead quickly: ``^`` with
# MULTILINE is ten times slower on a 5 KB body.
_TAG_BLOCK = re.compile(
    r"\n#{2,4}[ \t]*+(?:[Aa]utogenerated[ \t]++)?[Tt][Aa][Gg][Ss][ \t]*+(?::[ \t]*+)?(?=\n|$)"
)
_SOURCE_LINE = re.compile(r"\n[+*-][ \t]++(?:Source|Link)[ \t]*+:", re.IGNORECASE)

_HEAD_WINDOW = 4096
"""The Information block sits in the first few lines; do not hunt for it across a huge body."""


def _search_lines(pattern: re.Pattern[str], text: str, marker: str, start: int, end: int) -> re.Match[str] | None:
    """``pattern.search(text, start, end)`` for a MULTILINE pattern that starts with ``^`` and
    then ``marker`` (``"##"``, ``"# "``): only tries the line starts where ``marker`` is.

    Same result, several times faster on a 5 KB article: ``str.find`` skips the text in C,
    where the regex engine would try ``^`` at every position (and cannot skip ahead at all
    with IGNORECASE). Runs on every file of the library.
    """
    if (start == 0 or text[start - 1 : start] == "\n") and text.startswith(marker, start, end):
        found = pattern.match(text, start, end)
        if found is not None:
            return found
    needle = "\n" + marker
    at = text.find(needle, start, end)
    while at != -1:
        found = pattern.match(text, at + 1, end)
        if found is not None:
            return found
        at = text.find(needle, at + 1, end)
    return None


def is_clipping(text: str) -> bool:
    """Whether a (front-matter-free) text is a clipping: the clipping rules apply only then.

    Conservative, because the rules cut the body at a Tags heading and make words tags: a
    clipping has an ``## Article:`` section, or an ``## Information:`` block naming its
    ``+ Source:`` or ``+ Link:``, near the top. Every other file is a note.
    """
    start = len(text) - len(text.lstrip("\n \t"))
    start = text.rfind("\n", 0, start) + 1
    if text.startswith("# ", start):  # the title line may be long: look after it
        start = _line_end(text, start)
    end = min(len(text), start + _HEAD_WINDOW * 2)
    if _search_lines(_ARTICLE_HEADING, text, "##", start, end) is not None:
        return True
    info = _search_lines(_INFO_HEADING, text, "##", start, end)
    return info is not None and _SOURCE_LINE.search(text, info.end(), end) is not None


def _clipping_layout(text: str) -> tuple[dict[str, str], str, list[str]]:
    """Split a (front-matter-free) text into metadata fields, body and tag-block tags.

    Works for the clipping layout and degrades to "plain Markdown": a file with no
    ``## Information:``/``## Article:`` sections is all body, with its first H1 as title.
    Works on offsets into the text rather than a list of lines: it runs on every file.
    """
    fields: dict[str, str] = {}
    pos = len(text) - len(text.lstrip("\n \t"))
    pos = text.rfind("\n", 0, pos) + 1
    body_start = pos
    if text.startswith("# ", pos):
        line_end = _line_end(text, pos)
        fields["title"] = text[pos + 2 : line_end].strip()
        body_start = pos = min(line_end + 1, len(text))
        head = text[pos : pos + 200]
        nxt = pos + len(head) - len(head.lstrip("\n"))
        if text.startswith("###", nxt) and not text.startswith("####", nxt):
            line_end = _line_end(text, nxt)
            fields["subtitle"] = text[nxt:line_end].lstrip("#").strip()
            body_start = pos = min(line_end + 1, len(text))
    window_end = min(len(text), pos + _HEAD_WINDOW)
    info = _search_lines(_INFO_HEADING, text, "##", pos, window_end)
    article = _search_lines(_ARTICLE_HEADING, text, "##", info.end() if info else pos, window_end)
    if info is not None:
        block_end = article.start() if article else window_end
        consumed = info.end()
        for line in text[info.end() : block_end].split("\n"):
            stripped = line.strip()
            match = _INFO_LINE.match(stripped)
            if match:
                fields.setdefault(match.group(1).strip().lower(), match.group(2).strip())
            elif stripped and article is None:
                break
            consumed += len(line) + 1
        body_start = min(consumed, len(text))
    if article is not None:
        body_start = min(article.end() + 1, len(text))
    tags: list[str] = []
    body_end = len(text)
    block = _TAG_BLOCK.search(text, max(body_start - 1, 0))
    if block is not None:
        body_end = block.start() + 1
        tags = _tag_block(text[body_end:].split("\n"))
    body = text[body_start:body_end].strip("\n")
    if not fields.get("title"):
        fields.pop("title", None)
        h1 = first_h1(body)
        if h1:
            fields["title"] = h1[2]
    return fields, body, tags


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _tag_block(lines: list[str]) -> list[str]:
    """Tags from the block at the end of a clipping, sections and all."""
    out: list[str] = []
    facet: str | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        heading = _HEADING.match(stripped)
        if heading and not stripped.startswith("[["):
            facet = section_facet(_heading_text(heading))
            continue
        links = _TAG_LINK.findall(stripped)
        if links:
            for raw in links:
                tag = clean_tag(raw)
                if tag and facet and "=" not in tag:
                    tag = clean_tag(f"{facet}={tag}")
                out.append(tag)
        elif facet:
            for word in stripped.split():
                if word.lower() in _UNKNOWN_VALUES:
                    continue
                out.append(clean_tag(f"{facet}={word}"))
        if len(out) > MAX_TAGS * 2:
            break
    return out


def _heading_text(heading: re.Match[str]) -> str:
    """A heading's text without its optional closing ``#`` run (``## Tags ##`` → ``Tags``)."""
    return (heading.group(2) or "").strip().rstrip("#").rstrip()


def _clean_field(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = make_inert(" ".join(value.split()))
    if text.lower() in _UNKNOWN_VALUES:
        return ""
    return text[:MAX_FIELD]


def _link(value: str, path: str, problems: list[Problem]) -> str:
    """``[article](url)``, ``<url>`` or a bare URL → the URL; anything else → ``""``.

    Only web addresses are kept: the UI opens links with one key press, so a
    ``javascript:``, ``file:`` or ``data:`` "link" in a clipped file is dropped, with a warning.
    """
    value = value.strip()
    if not value or value.lower() in _UNKNOWN_VALUES:
        return ""
    match = _MD_LINK.search(value)
    url = match.group(1) if match else ""
    if not url:
        match = _URL.search(value.strip("<>"))
        url = match.group(0) if match else ""
    why = refusal(url) if url else None
    if why is None:
        return url
    problems.append(Problem(path, make_inert(f"link address ignored: {why}"), skipped=False))
    return ""


def title_from_file_name(path: str) -> str:
    """A title for a file with none inside: a slug (``my-note-title``) becomes words.

    A name that already has spaces was written by a person (``2-factor authentication``)
    and is kept as it is, hyphens included.
    """
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
    date = parse_date(date_value) if date_value is not None else None
    if date is None and date_value is not None and (why := date_problem(date_value)) is not None:
        problems.append(Problem(path, make_inert(why), skipped=False))
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
    )
