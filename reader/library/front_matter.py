"""Front matter: the YAML (``---``) or TOML (``+++``) block at the top of a file.

Obsidian, Jekyll and Hugo write an article's metadata there. What is read, and under which
names (``title`` or ``name``, ``date`` or ``published``…), is decided here once for every
layout; the clipping layout and notes only add what their body says.

The block is split off and loaded by python-frontmatter's handlers (its YAML handler, and a
``tomllib`` one for TOML): ~3–5 µs a file more than a split of our own, under 1 % of a cold
index (README, "Library layouts"). YAML that is only plain ``key: value`` lines, lists and
nested keys is read by :mod:`reader.library.simple_yaml` to the same values instead (~15 µs
rather than ~50 µs for the bench library's 11-line blocks).

Bad front matter never loses the article: a YAML error, a list where a mapping belongs, a
64 KB block are each a :class:`Problem` naming the file, and the body still loads. Only the
safe YAML loader is ever used, and tag lists are walked with a budget (an alias bomb is a
few lines of YAML).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reader.library import simple_yaml
from reader.library.model import Problem
from reader.library.tags import MAX_TAGS, clean_tag

if TYPE_CHECKING:
    from frontmatter.default_handlers import BaseHandler

MAX_FRONT_MATTER = 64 * 1024
"""Bigger blocks are not handed to the YAML parser (seconds per file): only their one-line fields are read."""

# Fences may carry trailing blanks (Jekyll and python-frontmatter accept them too); YAML may
# also close with "..." (its end-of-document marker).
_FENCE_OPEN = re.compile(r"(?:---|\+\+\+)[ \t]*\n")
_FENCE_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE),
}
_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][\w-]*+)[ \t]*+[:=][ \t]*+(.*+)$", re.MULTILINE)


@functools.cache
def _handlers() -> dict[str, BaseHandler]:
    """python-frontmatter's handlers, made on the first file that has front matter: importing
    it (and yaml) costs ~35 ms, which a library of clippings never needs to pay."""
    from frontmatter.default_handlers import BaseHandler, YAMLHandler

    class TOMLHandler(BaseHandler):
        """Hugo's ``+++`` TOML, read by the standard library's ``tomllib`` (TOML 1.0).

        python-frontmatter's own ``TOMLHandler`` exists only with the third-party ``toml``
        package (TOML 0.5, unmaintained); a handler of our own is its documented way to add one.
        """

        def load(self, fm: str, **kwargs: object) -> Any:
            import tomllib

            return tomllib.loads(fm)

    return {
        # Its YAML handler loads with yaml's C safe loader (CSafeLoader) when libyaml is there,
        # the pure-Python safe loader otherwise: never a loader that builds arbitrary objects.
        "---": YAMLHandler(fm_boundary=_FENCE_CLOSE["---"]),
        "+++": TOMLHandler(fm_boundary=_FENCE_CLOSE["+++"], start_delimiter="+++", end_delimiter="+++"),
    }


def read_front_matter(
    text: str, path: str, meta: dict[str, Any], tags: list[str], problems: list[Problem]
) -> str:
    """Read the front matter at the top of ``text`` into ``meta``/``tags``; return the text after it.

    A text without front matter comes back as it is (one ``startswith`` for most files). The
    block is split off and loaded by python-frontmatter's handlers; what is read from it, and
    every error, is decided here (its ``frontmatter.parse`` would drop a list where a mapping
    belongs, or an invalid block, without a word).
    """
    if not text.startswith(("---", "+++")) or _FENCE_OPEN.match(text) is None:
        return text
    fence = text[:3]
    handler = _handlers()[fence]
    try:
        raw, rest = handler.split(text)
    except ValueError:  # no closing fence
        if fence == "---":
            # A horizontal rule at the top of a plain file, not front matter.
            return text
        problems.append(Problem(path, "front matter is not closed; read as plain Markdown", skipped=False))
        return text
    rest = rest.lstrip("\n")
    if len(raw) > MAX_FRONT_MATTER:
        # Too big to hand to a YAML parser (seconds per file), but the title and date are
        # usually one-line fields at the top: keep those rather than lose the article's name.
        problems.append(Problem(path, "front matter over 64 KB; only its one-line fields read", skipped=False))
        _read_fields(_simple_fields(raw[:MAX_FRONT_MATTER]), path, meta, tags, problems)
        return rest
    data = _load_yaml(handler, raw, path, problems) if fence == "---" else _load_toml(handler, raw, path, problems)
    if data is None:
        return rest
    if not isinstance(data, dict):
        problems.append(
            Problem(path, f"front matter is a {type(data).__name__}, not a mapping; ignored", skipped=False)
        )
        return rest
    _read_fields(data, path, meta, tags, problems)
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


def _load_yaml(handler: BaseHandler, raw: str, path: str, problems: list[Problem]) -> object:
    """The block loaded by the safe YAML loader; plain ``key: value`` blocks (98 % of Hugo's
    documentation, all of the bench library's) by :mod:`reader.library.simple_yaml`, which
    gives the same values ~10× faster."""
    data = simple_yaml.load(raw)
    if data is not simple_yaml.NOT_SIMPLE:
        return data
    import yaml

    try:
        return handler.load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # ``raw`` starts with the end of the opening fence's line: its line 1 is the file's line 2.
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        problems.append(Problem(path, f"invalid YAML front matter{where}: {problem}; ignored", skipped=False))
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as error:
        problems.append(Problem(path, f"unreadable YAML front matter ({type(error).__name__}); ignored", False))
    return None


def _load_toml(handler: BaseHandler, raw: str, path: str, problems: list[Problem]) -> object:
    import tomllib

    try:
        return handler.load(raw)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as error:
        problems.append(Problem(path, f"invalid TOML front matter: {error}; ignored", skipped=False))
        return None


_FM_KEYS = {
    "title": ("title", "name"),
    "subtitle": ("subtitle", "description", "summary", "excerpt"),
    "source": ("source", "site", "publisher", "site_name", "publication"),
    "link": ("url", "link", "source_url", "original", "href", "canonical_url", "permalink"),
    # Hugo's order: date, else publishDate, else lastmod.
    "date": ("date", "published", "created", "pubdate", "date_published", "publishdate", "created_at", "lastmod"),
    "updated": ("lastmod", "last_modified_at", "updated", "modified", "last_modified"),
    "author": ("author", "authors", "by", "byline"),
}
_DATE_FIELDS = {"date", "updated"}
_FM_TAG_KEYS = ("tags", "tag", "keywords", "categories", "category", "topics")
_SPACE_SEPARATED = {"categories"}
"""Jekyll splits a ``categories: a b`` string at spaces (a single ``category`` stays whole)."""
_ALIAS_KEYS = ("aliases", "alias")
MAX_ALIASES = 50
"""Other names of one note (Obsidian's ``aliases``): a few, never a list of thousands."""
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _read_fields(
    data: dict[Any, Any], path: str, meta: dict[str, Any], tags: list[str], problems: list[Problem]
) -> None:
    lowered = {str(key).strip().lower(): value for key, value in list(data.items())[:200]}
    for field, keys in _FM_KEYS.items():
        for key in keys:
            if key in lowered and lowered[key] is not None:
                value = lowered[key]
                if field in _DATE_FIELDS:
                    if isinstance(value, bool):  # Jekyll's "published: false" is no date
                        continue
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
            tags.extend(_front_matter_tags(lowered[key], spaces=key in _SPACE_SEPARATED))
            if lowered[key] is not None and len(tags) == before and not _empty(lowered[key]):
                problems.append(
                    Problem(path, f"front matter '{key}' has no usable tags ({type(lowered[key]).__name__})", False)
                )
    for key in _ALIAS_KEYS:
        if lowered.get(key) is not None:
            meta["aliases"] = _aliases(lowered[key])
            break
    draft = _flag(lowered.get("draft"))
    if draft is None and _flag(lowered.get("published")) is False:
        draft = True  # Jekyll: "published: false" keeps a post off the site
    if draft is not None:
        meta["draft"] = draft


def _aliases(value: object) -> list[str]:
    """Obsidian's ``aliases``: a list, or one string (commas separate several, as old vaults wrote).

    Hugo's ``aliases`` are old addresses of the page (``/about-hugo/``, ``old.html``) that it
    redirects, not names: those are left out, or searching "docs" would find every page once
    served under ``/docs/``.
    """
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value[: MAX_ALIASES * 2])
    else:
        items = [value]
    out = [str(item) for item in items if isinstance(item, str | int | float) and not isinstance(item, bool)]
    names = (" ".join(item.split()) for item in out)
    return [alias for alias in names if alias and _URL_PATH.fullmatch(alias) is None][:MAX_ALIASES]


# Used with fullmatch, so each branch backtracks at most once over the alias: linear.
_URL_PATH = re.compile(r"/\S*|\S*/|[a-z][a-z0-9+.-]*://\S*|\S*\.html?", re.IGNORECASE)
"""An address rather than a name: ``/a/b``, ``a/b/``, ``https://…``, ``page.html``."""


def _flag(value: object) -> bool | None:
    """A yes/no field (``draft: true``, TOML ``draft = true``, or the strings people write)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


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


def _front_matter_tags(value: object, *, spaces: bool = False) -> Iterable[str]:
    """Tags from front matter: a list, a comma (or space, Obsidian) separated string, or numbers.

    ``spaces``: a string without commas is split at white space too (Jekyll's ``categories``).
    Walks nested lists with a budget so a YAML alias bomb cannot blow up memory or time.
    """
    if isinstance(value, str):
        separator = "," if "," in value else None
        parts = value.split(separator) if separator or spaces or "#" in value else [value]
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
