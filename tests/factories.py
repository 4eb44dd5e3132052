"""Test material built one way: a clipping, a note, an article record, an app.

Tests used to carry their own copies of these (three clipping writers, four article
factories, two ``make_app``), each a little different, so a change to the clipping layout
or to :class:`Article` meant editing them all. Every helper here writes what the real tools
write, with defaults a test only overrides when the value is its point.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library.model import Article

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

SAMPLE = Path(__file__).resolve().parents[1] / "articles"
"""The sample library bundled with reader."""


def clipping_text(
    title: str,
    body: str = "Body text.",
    *,
    subtitle: str = "",
    source: str = "Test Wire",
    link: str | None = "https://example.org/a",
    date: str | None = "July 25, 2021",
    author: str | None = "A. Writer",
    tags: Iterable[str] | str = ("Testing",),
) -> str:
    """A file in the clipping layout, as the web clipper writes it.

    ``tags`` are tag names (each becomes ``[[name]]``) or, as a string, the tag block's text as
    it stands. ``None`` leaves a field's ``+ Key:`` line out.
    """
    lines = [f"# {title}", f"### {subtitle}", "", "## Information:", f"+ Source: {source}"]
    if link is not None:
        lines.append(f"+ Link: [article]({link})")
    if date is not None:
        lines.append(f"+ Date: {date}")
    if author is not None:
        lines.append(f"+ Author: {author}")
    block = tags if isinstance(tags, str) else " ".join(f"[[{tag}]]" for tag in tags)
    lines += ["", "## Article:", body, ""]
    if block:
        lines += ["#### Tags:", block]
    return "\n".join(lines) + "\n"


def note_text(
    body: str = "Some text.", *, title: str | None = None, front_matter: Mapping[str, object] | None = None
) -> str:
    """A note as Obsidian, Hugo or a person writes it: optional YAML front matter, optional ``# title``."""
    parts: list[str] = []
    if front_matter is not None:
        import yaml

        parts.append("---\n" + yaml.safe_dump(dict(front_matter), allow_unicode=True, sort_keys=False) + "---\n")
    if title is not None:
        parts.append(f"# {title}\n\n")
    parts.append(body.rstrip("\n") + "\n")
    return "".join(parts)


_STAMP = [1_600_000_000]


def write_file(root: Path, relative: str, content: str | bytes, *, later: bool = False) -> Path:
    """Write one file of a library (folders made as needed); ``later`` gives each such write a
    distinct, later mtime, so a refresh or a sync sees the change even within one second."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if later:
        _STAMP[0] += 10
        os.utime(path, (_STAMP[0], _STAMP[0]))
    return path


def write_clipping(root: Path, relative: str, title: str, body: str = "Body text.", **fields: object) -> Path:
    """A clipping file (see :func:`clipping_text` for the fields)."""
    return write_file(root, relative, clipping_text(title, body, **fields))  # type: ignore[arg-type]


def write_note(
    root: Path,
    relative: str,
    body: str = "Some text.",
    *,
    title: str | None = None,
    front_matter: Mapping[str, object] | None = None,
) -> Path:
    """A note file (see :func:`note_text`)."""
    return write_file(root, relative, note_text(body, title=title, front_matter=front_matter))


def make_article(path: str = "a.md", title: str | None = None, **fields: object) -> Article:
    """An :class:`Article` record without a file; every field by keyword, so reordering the
    record's fields can never shift a value into the wrong one.

    The title defaults to one made from the path and the fingerprint to one unique per path,
    as the parser would give distinct files.
    """
    values: dict[str, object] = {"fingerprint": f"fp:{path}"}
    values.update(fields)
    return Article(path=path, title=title if title is not None else f"Title of {path}", **values)  # type: ignore[arg-type]


def utc(year: int, month: int = 1, day: int = 1, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def make_app(root: Path = SAMPLE, tmp_path: Path | None = None, **options: object) -> ReaderApp:
    """The app on ``root`` with its state in ``tmp_path/state`` (the user's never touched).

    ``options`` go to :class:`ReaderApp` (``use_cache=False``, ``live_reload=False`` …).
    """
    from reader.ui.app import ReaderApp

    return ReaderApp(root, data_dir=tmp_path / "state" if tmp_path else None, **options)  # type: ignore[arg-type]
