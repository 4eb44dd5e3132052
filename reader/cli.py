"""The ``reader`` command: the TUI, and ``list``/``tags``/``bookmarks`` for scripts.

Imports are lazy: ``reader list`` never imports Textual, and ``reader`` imports it only once
the arguments are known to be good, so start-up stays close to Textual's own floor.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.cli_output import OutputFileError, print_articles_json, print_json, write_export
from reader.words import counted

if TYPE_CHECKING:
    from reader.library.engine import Engine
    from reader.library.query import Node, Query
    from reader.library.snapshot import Library
    from reader.state import StateStore

SUBCOMMANDS = ("list", "tags", "bookmarks", "highlights", "show")
EXIT_USAGE = 2


class UsageError(Exception):
    """A user mistake that deserves one clear line, not a traceback."""


def bundled_library() -> Path:
    """The sample library shipped inside the package (works from a wheel too)."""
    from reader.resources import resource_dir

    return resource_dir("reader.sample")


def default_library() -> Path:
    """``$READER_LIBRARY``, else the config's ``library``, else ``./articles``, else the sample."""
    env = os.environ.get("READER_LIBRARY")
    if env:
        return Path(env).expanduser()
    from reader.config import load_config

    config = load_config()
    if config.library:
        return Path(config.library).expanduser()
    local = Path("articles")
    if local.is_dir():
        return local
    return bundled_library()


def resolve_library(path: str | None) -> Path:
    """The library folder to open, as :func:`reader.paths.library_root` names it."""
    from reader.paths import library_root

    if path is not None and not path.strip():
        # An empty "$LIBRARY" in a script: not the current folder, not the default library.
        raise UsageError("reader: the library path is empty")
    root = Path(path).expanduser() if path else default_library()
    if not root.exists():
        raise UsageError(f"reader: {root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"reader: {root}: not a folder")
    return library_root(root)


QUERY_HELP = """\
the query language (--query, as typed in the app's filter bar):
  ransomware "supply chain"      words (a prefix: ranso) and phrases: title, tags, body …
  tag:Ransomware -tag:phishing   require / exclude a tag; quote names with spaces
  country:China malware:Conti    facet shortcuts (actor: industry: city: cve: ip: …)
  source:zdnet author:"A Name"   match those fields
  after:2021-09 before:2022 date:2021-10-04   dates: 2021, 2021-10 or 2021-10-04
  is:bookmarked is:unread is:read is:highlighted has:note
  a OR b   (a OR b) c   -word   -(a OR b)     AND binds tighter than OR
A query that starts with - works as --query -tag:x or --query=-tag:x; a malformed
query exits 2 with the app's message on stderr."""


def _main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read a folder of Markdown articles in the terminal.",
        epilog=(
            "commands:\n"
            "  reader list [PATH]        list articles (--tag, --query, --bookmarked, --json)\n"
            "  reader tags [PATH]        every tag with its article count\n"
            "  reader bookmarks [PATH]   bookmarks and whether their article is still there (--json)\n"
            "  reader bookmarks export [PATH]  a shareable list (--format markdown|json, -o FILE)\n"
            "  reader highlights [PATH]  highlighted passages and notes (--json; export --format markdown|json)\n"
            "\nPATH defaults to $READER_LIBRARY, the config's library, ./articles, or the sample library.\n"
            "In the app press ? for every key. The query language (the filter bar, reader list --query):\n"
            "see reader list --help."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", metavar="PATH", help="the library folder to open")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("--theme", help="start with this Textual theme")
    return parser


def _list_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader list",
        description="List the articles of a library.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", metavar="PATH")
    parser.add_argument("--tag", action="append", default=[], metavar="TAG", help="require a tag (repeatable)")
    parser.add_argument("--query", "-q", default="", metavar="TEXT", help="a query, as typed in the filter bar")
    parser.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    parser.add_argument(
        "--sort",
        choices=("date", "title", "source", "relevance"),
        default="date",
        help="date (the default) lists a query with words best match first; relevance always does",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--verbose", "-v", action="store_true", help="report skipped files and folders")
    parser.add_argument("--no-cache", action="store_true", help="parse every file, ignoring the index cache")
    return parser


def _tags_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reader tags", description="Every tag with its article count.")
    parser.add_argument("path", nargs="?", metavar="PATH")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--no-cache", action="store_true")
    return parser


def export_parser(command: str, description: str, epilog: str, json_help: str) -> argparse.ArgumentParser:
    """``reader bookmarks`` and ``reader highlights``: a list, or ``export [PATH] --format …``."""
    parser = argparse.ArgumentParser(prog=f"reader {command}", description=description, epilog=epilog)
    parser.add_argument("args", nargs="*", metavar="[export] [PATH]")
    parser.add_argument("--json", action="store_true", help=json_help)
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--output", "-o", metavar="FILE", help="with export: write to FILE (atomically)")
    parser.add_argument("--no-cache", action="store_true", help="parse every file, ignoring the index cache")
    return parser


def _bookmarks_parser() -> argparse.ArgumentParser:
    return export_parser(
        "bookmarks",
        "List bookmarks with their status, or export them.",
        "reader bookmarks export [PATH] --format markdown|json  writes a shareable list to stdout",
        "a JSON array, one object per bookmark",
    )


def load_library(
    root: Path, *, use_cache: bool = True, verbose: bool = False, full_text: bool = False, json_rows: bool = False
) -> tuple[Engine, Library]:
    """The library through the one pipeline (:class:`reader.library.engine.Engine`) the app uses.

    The index cache makes a 100,000-article library load in well under a second once it has
    been indexed; ``--no-cache`` parses every file (in parallel) and leaves the cache alone.
    ``full_text``: also bring the full-text index up to date and search through it — only a
    query with words needs it, so ``reader tags`` never pays for reading bodies. A problem with
    the index is one line on stderr; words then match titles, tags and the like.
    """
    from reader.library.engine import Engine

    engine = Engine(root, use_cache=use_cache)
    library = engine.load(json_rows=json_rows)
    if full_text:
        for message in engine.notices(engine.sync(library)):
            print(f"reader: {message}", file=sys.stderr)
    if verbose:
        report_problems(library)
    return engine, library


def report_problems(library: Library) -> None:
    """One line per skipped folder or problem file on stderr.

    File names are the library's, not ours: an ESC or a newline in one must not reach the
    terminal raw or break the one-line-per-problem promise scripts rely on.
    """
    from reader.library.inert import make_inert

    def line(text: str) -> str:
        return make_inert(text).replace("\n", "\u2424").replace("\t", " ")

    for folder in library.skipped_dirs:
        print(f"reader: {line(folder)}: hidden folder skipped", file=sys.stderr)
    for problem in library.problems:
        print(f"reader: {line(str(problem))}", file=sys.stderr)


def open_state(root: Path) -> StateStore:
    """The library's bookmarks and reading state; its notices (a file set aside…) on stderr."""
    from reader.state import StateStore

    store = StateStore(root)
    for notice in store.notices:
        print(f"reader: {notice}", file=sys.stderr)
    return store


def _query_verbatim(argv: Sequence[str]) -> list[str]:
    """``--query -tag:x`` as ``--query=-tag:x``: argparse takes a value starting with ``-``
    for an option, and a query often starts with a negation."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            out.extend(items[i:])
            break
        if item in {"--query", "-q"} and i + 1 < len(items):
            out.append(f"--query={items[i + 1]}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def cmd_list(argv: Sequence[str]) -> int:
    args = _list_parser().parse_args(_query_verbatim(argv))
    root = resolve_library(args.path)
    query = cli_query(args.query, args.tag, args.bookmarked)
    errors = query.errors
    if errors:
        # A script must be able to tell a typo from "these are the matches": nothing on stdout.
        from reader.library.inert import make_inert

        for error in errors:
            print(f"reader: query: {make_inert(error)}", file=sys.stderr)
        return EXIT_USAGE
    words = query.needs_full_text
    engine, library = load_library(
        root, use_cache=not args.no_cache, verbose=args.verbose, full_text=words, json_rows=args.json
    )
    if not args.verbose and library.problems:
        skipped = sum(1 for p in library.problems if p.skipped)
        if skipped:
            print(f"reader: {counted(skipped, 'file')} skipped; --verbose lists them", file=sys.stderr)
    marks = engine.marks(library, open_state(root))
    result = engine.search(library, query, marks, sort=args.sort)
    bookmarked = marks.bookmarked
    if args.json:
        print_articles_json(library, result.ids, [i in bookmarked for i in result.ids])
        return 0
    articles = [library.articles[i] for i in result.ids]
    width = shutil.get_terminal_size((120, 24)).columns
    if not articles:
        print("No articles match." if query.root is not None else "The library has no articles.")
        return 0
    source_width = min(22, max(len(a.source) for a in articles) or 1)
    for article in articles:
        mark = "★" if library.by_path[article.path] in bookmarked else " "
        when = article.date.strftime("%Y-%m-%d") if article.date else "undated   "
        source = _fit(article.source, source_width).ljust(source_width)
        room = max(10, width - len(when) - source_width - 6)
        print(f"{mark} {when}  {source}  {_fit(article.title, room)}")
    print(f"{len(articles)} of {len(library)} articles", file=sys.stderr)
    return 0


def cli_query(text: str, tags: Sequence[str] = (), bookmarked: bool = False) -> Query:
    """The query ``reader list`` evaluates: ``--query`` parsed exactly as the app's filter bar
    parses it (same tree, same errors), with ``--tag`` and ``--bookmarked`` ANDed on as terms."""
    from reader.library.query import And, Term, parse_query

    query = parse_query(text)
    extra: list[Node] = [Term("tag", tag.strip()) for tag in tags if tag.strip()]
    if bookmarked:
        extra.append(Term("is", "bookmarked"))
    if not extra:
        return query
    parts = [*extra, *([query.root] if query.root is not None else [])]
    query.root = parts[0] if len(parts) == 1 else And(tuple(parts))
    return query


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def cmd_tags(argv: Sequence[str]) -> int:
    args = _tags_parser().parse_args(argv)
    root = resolve_library(args.path)
    _engine, library = load_library(root, use_cache=not args.no_cache, verbose=args.verbose)
    from reader.library.tags import split_facet

    rows = library.tag_counts()
    if args.json:
        entries = []
        for row in rows:
            facet, value = split_facet(row.name)
            entries.append((facet or None, value, row))
        entries.sort(key=lambda e: (e[0] is not None, e[0] or "", -e[2].count, e[2].name.lower()))
        print_json(
            [{"tag": row.name, "facet": facet, "value": value, "count": row.count} for facet, value, row in entries]
        )
        return 0
    flat = [row for row in rows if "=" not in row.name]
    facets: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        facet, value = split_facet(row.name)
        if facet:
            facets.setdefault(facet, []).append((value, row.count))
    print("Tags")
    for row in flat:
        print(f"  {row.count:6d}  {row.name}")
    for facet in sorted(facets):
        print(f"\n{facet}")
        for value, count in facets[facet]:
            print(f"  {count:6d}  {value}")
    return 0


def cmd_bookmarks(argv: Sequence[str]) -> int:
    args = _bookmarks_parser().parse_args(argv)
    export, _root, library, store = open_export_command("bookmarks", args)
    if export:
        text = store.export(library.articles, args.format)
        if args.format == "markdown":  # a file that is `cat` later is a terminal too
            from reader.library.inert import make_inert

            text = make_inert(text)
        write_export(text, args.output)
        return 0
    pairs = store.resolve(library.articles)
    if args.json:
        data = [
            {
                "title": article.title if article else bookmark.title,
                "path": article.path if article else bookmark.path,
                "link": (article.link if article else bookmark.link) or "",
                "added": bookmark.added,
                "status": "present" if article else "missing",
            }
            for bookmark, article in pairs
        ]
        print_json(data)
        return 0
    if not pairs:
        print("No bookmarks yet: press b on an article in reader to add one.")
        return 0
    for bookmark, article in pairs:
        status = "present" if article else "MISSING"
        title = article.title if article else bookmark.title
        path = article.path if article else bookmark.path
        print(f"{status:8} {bookmark.added[:10]}  {title}  ({path})")
    return 0


def export_arguments(command: str, words: Sequence[str]) -> tuple[bool, str | None]:
    """``[export] [PATH]`` of ``reader bookmarks`` and ``reader highlights``: (export?, PATH)."""
    rest = list(words)
    export = bool(rest) and rest[0] == "export"
    if export:
        rest.pop(0)
    if len(rest) > 1:
        raise UsageError(f"reader {command}: too many arguments (expected [export] [PATH])")
    return export, rest[0] if rest else None


def open_export_command(command: str, args: argparse.Namespace) -> tuple[bool, Path, Library, StateStore]:
    """What ``reader bookmarks`` and ``reader highlights`` start from: (export?, root, library, state)."""
    export, path = export_arguments(command, args.args)
    root = resolve_library(path)
    _engine, library = load_library(root, use_cache=not args.no_cache)
    return export, root, library, open_state(root)


def cmd_tui(argv: Sequence[str]) -> int:
    args = _main_parser().parse_args(argv)
    root = resolve_library(args.path)
    from reader.ui.app import ReaderApp

    app = ReaderApp(root, theme=args.theme)
    app.run()
    return app.return_code or 0


def _print_names_as_bytes() -> None:
    """Let stdout write file names that are not valid UTF-8 back as their raw bytes, like ``ls``.

    Such names reach Python as lone surrogates; under a strict UTF-8 locale printing one
    raises UnicodeEncodeError and ``reader list`` would die half-way through its output.
    """
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from reader.highlights_cli import cmd_highlights
    from reader.show import cmd_show

    commands = {"list": cmd_list, "tags": cmd_tags, "bookmarks": cmd_bookmarks, "highlights": cmd_highlights}
    commands["show"] = cmd_show
    try:
        if argv and argv[0] in commands:
            from reader.cli_output import inert_output

            _print_names_as_bytes()
            with inert_output():
                return commands[argv[0]](argv[1:])
        return cmd_tui(argv)
    except UsageError as error:
        from reader.library.inert import make_inert

        print(make_inert(str(error)), file=sys.stderr)
        return EXIT_USAGE
    except OutputFileError as error:
        print(error, file=sys.stderr)
        return 1
    except BrokenPipeError:  # `reader list | head`
        _quiet_stdout()
        return 0
    except OSError as error:
        if error.errno not in _OUTPUT_FULL:
            raise
        return _output_failed(error)
    except KeyboardInterrupt:
        return 130


_OUTPUT_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Why writing the output can fail (``reader list > /full/disk``): said in one line, exit 1.
Nothing else reader does lets these through: the index cache switches itself off, the state
store keeps changes in memory and says so."""


def _output_failed(error: OSError) -> int:
    from reader.library.inert import make_inert

    _quiet_stdout()
    with contextlib.suppress(OSError):
        print(f"reader: could not write the output: {make_inert(error.strerror or str(error))}", file=sys.stderr)
    return 1


def _quiet_stdout() -> None:
    """Point stdout at devnull, so the interpreter's final flush does not complain again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


READ_ONLY = frozenset({"list", "tags", "show"})
"""Commands that write nothing the user keeps (the index cache is committed before they print)."""


def run() -> None:
    """The ``reader`` command: :func:`main`, then, after a read-only command, leave without
    tearing the interpreter down. Freeing a 100,000-article library object by object took
    0.10–0.14 s of ``reader list --json``'s ~2 s here, after everything was printed; by then
    the cache is committed, any pool is shut down, and stdout and stderr are flushed here."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv and argv[0] in READ_ONLY:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass  # the reader of the pipe is gone: nothing to keep
        except OSError as error:  # a full disk: not a silent success
            code = _output_failed(error)
        except (ValueError, AttributeError):
            pass
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
