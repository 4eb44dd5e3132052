"""``reader show``: one or more articles on stdout, rendered as the article pane shows them.

    reader show [PATH] ARTICLE... [--json] [--width N] [--plain]

ARTICLE is a path relative to the library (a path to the file itself works too). The text goes
through the pane's own renderer (:mod:`reader.ui.render`) and out through a Rich
console: colour when stdout is a terminal, none with ``--plain`` or in a pipe unless
``less -R`` is the goal (``--color``); wrapped to the terminal or ``--width``. Every segment of
the renderer is already inert (control characters made visible), and so is every metadata
field; ``--json`` bodies are made inert here, because JSON escapes C0 but not DEL or C1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli import EXIT_USAGE, UsageError, load_library, open_state, print_json, resolve_library
from reader.library.inert import make_inert
from reader.paths import library_root

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.library.snapshot import Library
    from reader.ui.render import RenderedDoc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader show",
        description="Print articles as the article pane renders them (or as JSON with their body).",
    )
    parser.add_argument("args", nargs="+", metavar="[PATH] ARTICLE", help="library folder, then article paths")
    parser.add_argument("--json", action="store_true", help="a JSON array: the `reader list --json` keys plus body")
    parser.add_argument("--width", type=int, metavar="N", help="wrap to N columns (default: the terminal's)")
    colour = parser.add_mutually_exclusive_group()
    colour.add_argument("--plain", action="store_true", help="no colour or styles, even at a terminal")
    colour.add_argument("--color", action="store_true", help="colour even into a pipe (for less -R)")
    parser.add_argument("--no-cache", action="store_true", help="parse every file instead of using the index cache")
    return parser


def _split_args(args: list[str]) -> tuple[str | None, list[str]]:
    """``[PATH] ARTICLE...``: the first of two or more is the library when it is a folder."""
    if len(args) >= 2 and Path(args[0]).is_dir():
        return args[0], args[1:]
    return None, args


def _find(library: Library, root: Path, name: str) -> int | None:
    """The id of the article ``name`` names: relative to the library, or a path to the file."""
    found = library.by_path.get(name.strip("/").replace(os.sep, "/"))
    if found is not None:
        return found
    try:
        relative = Path(name).resolve().relative_to(library_root(root))
    except (ValueError, OSError):
        return None
    return library.by_path.get(relative.as_posix())


MIN_WIDTH, MAX_WIDTH = 10, 1000
"""Columns ``reader show`` wraps to. Past a thousand no line is read as one, and each row of
the rendering is as wide: ``--width 100000000`` wrote 300 MB for a one-line article, and a
larger one died of a MemoryError."""


def cmd_show(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.width is not None and not MIN_WIDTH <= args.width <= MAX_WIDTH:
        raise UsageError(f"reader show: --width must be {MIN_WIDTH} to {MAX_WIDTH:,}")
    path, names = _split_args(args.args)
    root = resolve_library(path)
    engine, library = load_library(root, use_cache=not args.no_cache)
    ids: list[int] = []
    for name in names:
        found = _find(library, root, name)
        if found is None:
            print(f"reader show: no article {make_inert(name)!r} in {make_inert(str(root))}", file=sys.stderr)
            return EXIT_USAGE
        ids.append(found)
    bookmarked = engine.marks(library, open_state(root)).bookmarked
    articles: list[Article] = []
    for index in ids:
        full, problems = library.read(library.articles[index])
        for problem in problems:
            print(f"reader: {make_inert(str(problem))}", file=sys.stderr)
        articles.append(full)
    if args.json:
        print_json(
            [
                {**a.to_json(bookmarked=i in bookmarked), "body": make_inert(a.body)}
                for i, a in zip(ids, articles, strict=True)
            ]
        )
        return 0
    width = args.width or max(MIN_WIDTH, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))
    colour = args.color or (not args.plain and sys.stdout.isatty())
    _print_articles(articles, width, colour=colour)
    return 0


def render_article(article: Article, width: int) -> RenderedDoc:
    """The header (title, subtitle, source · author · date, link, every tag, a rule) and the body."""
    from reader.ui.render.header import render_article as render

    return render(article, width)


def _print_articles(articles: list[Article], width: int, *, colour: bool) -> None:
    from rich.console import Console
    from rich.text import Text

    from reader.cli_output import styled_stdout

    console = Console(
        file=styled_stdout(),
        width=width,
        force_terminal=colour,
        no_color=not colour,
        color_system="auto" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    for number, article in enumerate(articles):
        if number:
            console.print()
        doc = render_article(article, width)
        for row, plain in enumerate(doc.plain):
            if not colour:
                sys.stdout.write(plain.rstrip() + "\n")
                continue
            line = Text()
            for segment in doc.lines[row]:
                line.append(segment.text, segment.style)
            line.rstrip()
            console.print(line)
