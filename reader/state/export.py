"""Shareable lists of what the state holds: bookmarks as Markdown or JSON, and the escaping
the highlights export shares. The caller makes the text inert before it reaches a terminal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from reader.library import safe_json
from reader.library.model import Article
from reader.state.document import Bookmark, now_iso

ExportFormat = Literal["markdown", "json"]


def bookmarks(library_root: Path, pairs: list[tuple[Bookmark, Article | None]], fmt: ExportFormat) -> str:
    """Every bookmark with its current article (``None``: missing): title, link, path, status, added."""
    if fmt not in ("markdown", "json"):
        raise ValueError(f"unknown export format {fmt!r} (use 'markdown' or 'json')")
    rows = [
        {
            "title": (article.title if article and article.title else bookmark.title),
            "link": bookmark.link or (article.link if article else ""),
            "path": article.path if article else bookmark.path,
            "status": "present" if article else "missing",
            "added": bookmark.added,
        }
        for bookmark, article in pairs
    ]
    if fmt == "json":
        payload = {"library": str(library_root), "exported": now_iso(), "bookmarks": rows}
        return safe_json.dumps(payload, indent=2) + "\n"
    lines = [f"# Bookmarks — {md_escape(library_root.name or str(library_root))}", ""]
    if not rows:
        lines.append("_No bookmarks._")
    for row in rows:
        title = md_escape(row["title"] or row["path"])
        head = f"[{title}](<{row['link']}>)" if row["link"] else title
        parts = [f"- {head}", md_code(row["path"]), f"added {row['added'][:10]}"]
        if row["status"] == "missing":
            parts.append("**missing**")
        lines.append(" — ".join(parts))
    return "\n".join(lines) + "\n"


def md_escape(text: str) -> str:
    """Escape what would break a Markdown link text or list item."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text.replace("\n", " "))


def md_code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"
