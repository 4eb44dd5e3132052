"""``reader highlights``: the saved passages and notes, for scripts and for keeping elsewhere.

    reader highlights [PATH] [--json]
    reader highlights export [PATH] --format markdown|json [-o FILE]

Each highlight is reported with its article as it is *now* (it follows renames, like a
bookmark), and with whether its passage can still be found in the file: one that cannot stays
listed, marked "passage no longer in the article". Every string is made inert before it is
printed, JSON included (JSON escapes C0 controls but not DEL or the C1 range).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.cli import export_parser, open_export_command, print_json
from reader.cli_output import write_export
from reader.library.inert import make_inert

if TYPE_CHECKING:
    from reader.library.snapshot import Library
    from reader.state import StateStore

PRESENT, GONE_STATUS, MISSING = "present", "gone", "missing"
"""``status``: passage found; article there but passage not; article file gone."""


def _parser() -> argparse.ArgumentParser:
    return export_parser(
        "highlights",
        "List highlighted passages and notes, or export them.",
        "reader highlights export [PATH] --format markdown|json [-o FILE]  grouped by article",
        "a JSON array, one object per highlight",
    )


def highlight_rows(store: StateStore, library: Library) -> list[dict[str, object]]:
    """One object per highlight, newest first: the keys of ``reader highlights --json``."""
    from reader.ui.passages import body_blocks, passage_span

    blocks_of: dict[str, list[str]] = {}
    rows: list[dict[str, object]] = []
    for highlight, article in store.resolve_highlights(library.articles):
        status = MISSING
        if article is not None:
            status = PRESENT
            if not highlight.is_article_note:
                blocks = blocks_of.get(article.path)
                if blocks is None:
                    full, _problems = library.read(article)
                    blocks = blocks_of[article.path] = body_blocks(full.body)
                if passage_span(blocks, highlight) is None:
                    status = GONE_STATUS
        rows.append(
            {
                "path": make_inert(article.path if article else highlight.path),
                "title": make_inert((article.title if article else "") or highlight.title),
                "link": make_inert((article.link if article else "") or highlight.link),
                "source": make_inert(article.source) if article else "",
                "date": article.date.isoformat() if article and article.date else None,
                "text": make_inert(highlight.exact),
                "note": make_inert(highlight.note),
                "created": highlight.created,
                "status": status,
            }
        )
    rows.sort(key=lambda row: str(row["created"]), reverse=True)
    return rows


def _md(text: str) -> str:
    from reader.state.export import md_escape

    return md_escape(text)


def markdown(rows: Sequence[dict[str, object]], library_name: str) -> str:
    """Grouped by article (newest highlight first): title heading, a source / link / date line,
    each passage a blockquote with its note under it."""
    from reader.state.highlights import GONE

    lines = [f"# Highlights — {_md(library_name)}", ""]
    if not rows:
        lines += ["_No highlights._", ""]
    groups: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault(str(row["path"]), []).append(row)
    for group in groups.values():
        first = group[0]
        lines += [f"## {_md(str(first['title']) or str(first['path']))}", ""]
        details = [_md(str(first["source"]))] if first["source"] else []
        if first["link"]:
            details.append(f"<{str(first['link']).replace('>', '%3E')}>")
        if first["date"]:
            details.append(str(first["date"])[:10])
        if first["status"] == MISSING:
            details.append(f"**file missing** (`{first['path']}`)")
        if details:
            lines += [" · ".join(details), ""]
        for row in group:
            text, note = str(row["text"]), str(row["note"]).strip()
            if text:
                lines += ["> " + _md(line) if line.strip() else ">" for line in text.split("\n")]
                lines.append("")
                if row["status"] == GONE_STATUS:
                    lines += [f"_({GONE})_", ""]
            if note:
                label = "Note" if text else "Note on the article"
                lines += [f"**{label}:** " + _md(" ".join(note.split())), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _plain(rows: Sequence[dict[str, object]]) -> None:
    from reader.state.highlights import GONE

    if not rows:
        print("No highlights yet: in reader press v on an article, then enter.")
        return
    last = None
    for row in rows:
        if row["path"] != last:
            last = row["path"]
            missing = "  (file missing)" if row["status"] == MISSING else ""
            print(f"\n{row['title'] or row['path']}  ({row['path']}){missing}")
        created = str(row["created"])[:10]
        flat = " ".join(str(row["text"]).split())
        note = " ".join(str(row["note"]).split())
        if flat:
            gone = f"  [{GONE}]" if row["status"] == GONE_STATUS else ""
            print(f"  {created}  “{flat}”{gone}")
            if note:
                print(f"              note: {note}")
        elif note:
            print(f"  {created}  note on the article: {note}")


def cmd_highlights(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    export, root, library, store = open_export_command("highlights", args)
    rows = highlight_rows(store, library)
    if export:
        if args.format == "json":
            from reader.state.document import now_iso

            payload = {"library": make_inert(str(root)), "exported": now_iso(), "highlights": rows}
            from reader.library.safe_json import dumps

            text = dumps(payload, indent=2) + "\n"
        else:
            text = make_inert(markdown(rows, root.name or str(root)))
        write_export(text, args.output)
        return 0
    if args.json:
        print_json(rows)
        return 0
    _plain(rows)
    return 0
