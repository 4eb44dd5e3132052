"""Modal screens: keyboard help, the problems found in the library, and bookmarks.

Every piece of text that comes from the library (paths, titles, reasons) is put on screen as
``rich.text.Text``, never as markup, and paths go through ``make_inert`` first: Textual strips
some control characters but passes ESC through to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.library.inert import make_inert
from reader.ui.movement import MovementOptionList, MovementScroll
from reader.ui.widgets.inputs import TextBox
from reader.words import counted

if TYPE_CHECKING:
    from reader.library.snapshot import Library
    from reader.library.watch import Changes

HELP_SECTIONS: Sequence[tuple[str, Sequence[tuple[str, str]]]] = (
    (
        "Moving around",
        (
            ("tab / shift+tab", "next / previous pane (tags → list → article)"),
            ("j k ↓ ↑", "move in the list or the tag tree; scroll in the article and in every screen"),
            ("g G home end", "top / bottom"),
            ("ctrl+d ctrl+u", "page down / up in the list or tag tree"),
            ("enter", "on a tag: toggle it in the filter · on an article: read it"),
            ("x", "on a tag: exclude it (-tag:, listed with ✗); x or enter on it again takes it back"),
            ("h l ← →", "fold / unfold a tag group"),
            ("d delete", "on a saved search in the sidebar: delete it"),
            ("space pagedown pageup", "scroll the article, wherever the focus is"),
            ("n p", "next / previous article"),
            ("[ ]", "previous / next heading in the article"),
            ("t", "in the article: its outline (headings); enter jumps to one"),
            ("f", "in the article: a letter on every link in view; type it to follow the link"),
            ("escape", "back: close a bar or screen, return to the list"),
            ("z", "maximise the article / give the other panes back"),
            ("\\", "fold / unfold the tag sidebar (narrow terminals: instead of the list)"),
        ),
    ),
    (
        "Finding",
        (
            ("/", "filter the library (the filter stays when you press escape)"),
            ("ctrl+l", "clear the filter (from anywhere, the filter bar too)"),
            ("ctrl+f", "find in the open article; enter or ↓ next, shift+enter or ↑ previous"),
            ("s", "cycle the sort: date → title → source"),
            ("B", "bookmarked articles only (toggle)"),
            ("U", "unread articles only (toggle)"),
            ("ctrl+p", "command palette: jump to any article or tag, run any command"),
        ),
    ),
    (
        "Articles",
        (
            ("b", "bookmark / unbookmark the current article"),
            ("u", "mark the current article read / unread"),
            ("o", "open the article's link in the browser (http and https only)"),
            ("y", "copy the article's link"),
            ("backspace alt+left", "back to the article you followed a link (or a jump) from"),
            ("alt+right", "forward again"),
            ("e", "edit the article in $VISUAL / $EDITOR (at the line in view); read again after"),
            ("T", "all the article's tags, or back to two rows (click +N more too)"),
            ("1 … 9", "open a related or linking article, by its number under the article"),
            ("ctrl+b", "all bookmarks, including ones whose file is gone"),
            ("v", "select a passage (the find match's sentence while ctrl+f has one)"),
            ("j k enter escape", "while selecting: extend by paragraph, save the highlight, cancel"),
            ("a", "note on the highlight under the selection, else on the article"),
            ("H", "every highlight: type to narrow, enter jumps, d deletes, u undoes"),
            ("!", "problems: files that were skipped or read with a caveat"),
            ("?", "this help"),
            ("q", "quit"),
        ),
    ),
    (
        "Filter language",
        (
            ("word \"a phrase\"", "match title, subtitle, source, author, tags and body text"),
            ("tag:NAME -tag:NAME", "require / exclude a tag; quote names with spaces"),
            ("country:China", "facet shortcut (also malware:, actor:, industry:, cve:, city:)"),
            ("source: author:", "match those fields"),
            ("after: before: date:", "dates: 2021, 2021-10 or 2021-10-04"),
            ("is:bookmarked is:unread", "reading state"),
            ("is:highlighted has:note", "articles with a highlight / with a note"),
            ("a OR b, ( ), -", "either, grouping, negation"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by what it is for."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("reader — keys\n", style="bold")
        for title, rows in HELP_SECTIONS:
            text.append(f"\n{title}\n", style="bold underline")
            for keys, description in rows:
                text.append(f"  {keys:<24}", style="bold")
                text.append(f"{description}\n")
        text.append("\nKeys can be remapped in config.toml ([keys] section); see the README.", style="italic")
        with MovementScroll(id="help-body"):
            yield Static(text, id="help-text")
        yield Footer()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)


def problem_lines(library: Library | None) -> list[tuple[str, str, bool]]:
    """What ``!`` lists: ``(path, reason, skipped)`` for each problem, then hidden folders.

    The one source of the top bar's count too (:func:`problem_count`). An empty library is
    falsy (it has a length), so this tests ``is None``: with 0 articles the problems that
    explain why are exactly what the user needs to see.
    """
    if library is None:
        return []
    lines = [(p.path, p.reason, p.skipped) for p in library.problems]
    return lines + [(folder, "hidden folder skipped", True) for folder in library.skipped_dirs]


def problem_count(library: Library | None) -> int:
    """How many problems the top bar announces: the lines of ``!`` that are files' problems."""
    return len(library.problems) if library is not None else 0


def reload_failed_message(changes: Changes, error: BaseException) -> str:
    """Live reload's notice when a batch could not be applied: which files, and why."""
    paths = sorted(changes.changed | changes.deleted)
    named = ", ".join(make_inert(path) for path in paths[:3])
    if len(paths) > 3:
        named += f" and {len(paths) - 3} more"
    where = f" ({named})" if named else " (whole library)"
    reason = make_inert(" ".join(f"{type(error).__name__}: {error}".split()))[:300]
    return f"Reload failed{where}: {reason}"


class ProblemsScreen(ModalScreen[None]):
    """Files that were skipped or read with a caveat, each with its reason."""

    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close")]

    def __init__(self, lines: Sequence[tuple[str, str, bool]], notices: Sequence[str] = ()) -> None:
        super().__init__()
        self.lines = lines
        self.notices = notices

    def compose(self) -> ComposeResult:
        text = Text()
        skipped = sum(1 for _, _, was_skipped in self.lines if was_skipped)
        text.append(
            f"Problems: {counted(skipped, 'file')} skipped, {len(self.lines) - skipped:,} read with a caveat\n\n",
            style="bold",
        )
        for notice in self.notices:
            text.append("notice  ", style="bold yellow")
            text.append(f"{make_inert(notice)}\n")
        if not self.lines and not self.notices:
            text.append("No problems: every file in the library was read cleanly.\n", style="italic")
        for path, reason, was_skipped in self.lines:
            text.append("skipped " if was_skipped else "warning ", style="bold red" if was_skipped else "yellow")
            text.append(make_inert(path), style="bold")  # file names may hold ESC sequences
            text.append(f"  {make_inert(reason)}\n")  # a YAML error can quote the file
        with MovementScroll(id="problems-body"):
            yield Static(text, id="problems-text")
        yield Footer()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(result)


@dataclass(slots=True)
class BookmarkRow:
    """A bookmark as the screen shows it; ``article_id`` is None when its file is gone."""

    bookmark_id: str
    title: str
    path: str
    added: str
    article_id: int | None


class BookmarksScreen(ModalScreen[int | None]):
    """All bookmarks, missing ones too. enter opens, d removes (explicitly)."""

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Close"),
        Binding("d,delete", "remove", "Remove bookmark"),
    ]

    def __init__(self, rows: Sequence[BookmarkRow], remove: Callable[[str], None]) -> None:
        """``remove(bookmark_id)`` deletes a bookmark from the store (the screen only lists)."""
        super().__init__()
        self.rows = list(rows)
        self._on_remove = remove

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-body"):
            yield Static(Text(f"Bookmarks ({len(self.rows)})", style="bold"), id="bookmarks-title")
            if not self.rows:
                yield Static(Text("No bookmarks yet: press b on an article to add one.", style="italic"))
            yield MovementOptionList(*self._options(), id="bookmarks-list")
        yield Footer()

    def _options(self) -> list[Option]:
        options = []
        for row in self.rows:
            prompt = Text()
            prompt.append("★ " if row.article_id is not None else "✗ ", style="bold yellow")
            prompt.append(row.title)
            prompt.append(f"  {row.added[:10]}", style="dim")
            if row.article_id is None:
                prompt.append(f"  missing: {make_inert(row.path)}", style="red")
            options.append(Option(prompt, id=row.bookmark_id))
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.rows[event.option_index]
        if row.article_id is None:
            self.notify("That article's file is gone; press d to remove the bookmark.", markup=False)
            return
        self.dismiss(row.article_id)

    def action_remove(self) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is None or not self.rows:
            return
        row = self.rows.pop(index)
        self._on_remove(row.bookmark_id)
        option_list.clear_options()
        option_list.add_options(self._options())
        if self.rows:
            option_list.highlighted = min(index, len(self.rows) - 1)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class TextPrompt(ModalScreen["str | None"]):
    """One line of text under a title: ``enter`` gives it (stripped), ``escape`` gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    PLACEHOLDER = ""
    INPUT_ID = "prompt-input"

    def __init__(self, title: str, detail: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.initial = value

    def shown_detail(self) -> str:
        return self.detail

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body"):
            yield Static(Text(self.title_text, style="bold"))
            if self.detail:
                yield Static(Text(self.shown_detail(), style="dim"))
            yield TextBox(
                value=make_inert(self.initial), placeholder=self.PLACEHOLDER, id=self.INPUT_ID, select_on_focus=False
            )

    def result(self, text: str) -> str | None:
        """What ``enter`` on ``text`` answers (the text itself; a subclass may say None)."""
        return text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self.result(event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NamePrompt(TextPrompt):
    """Ask for a short name (for a saved search); an empty one is no answer."""

    PLACEHOLDER = "name, then enter"

    def result(self, text: str) -> str | None:
        return text or None
