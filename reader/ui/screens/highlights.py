"""``H``: every highlight and note of the library, and the prompt that edits a note.

Newest first, grouped by article (the article with the newest highlight on top), narrowed as
you type. ``enter`` jumps to the passage, ``d`` deletes, ``u`` brings the last deleted back.
Passages, notes and titles are user text: they reach the screen as ``Text`` after
``make_inert``, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.library.inert import make_inert
from reader.state.highlights import GONE, Highlight
from reader.ui.movement import MOVEMENT_KEYS, MovementOptionList
from reader.ui.screens.modals import TextPrompt

SNIPPET = 160
"""Characters of a passage shown in the list (the whole passage is in the article)."""


@dataclass(slots=True)
class HighlightEntry:
    """A highlight as ``H`` shows it; ``article_id`` is None when the article's file is gone."""

    highlight: Highlight
    title: str
    path: str
    article_id: int | None
    found: bool
    """False when the passage is no longer in the article (it stays listed, marked)."""

    def haystack(self) -> str:
        h = self.highlight
        return f"{h.exact}\n{h.note}\n{self.title}\n{self.path}".casefold()


def _one_line(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(make_inert(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def grouped(entries: Sequence[HighlightEntry]) -> list[list[HighlightEntry]]:
    """Entries grouped by article, newest highlight first within and across groups."""
    groups: dict[str, list[HighlightEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.highlight.created, reverse=True):
        groups.setdefault(entry.path, []).append(entry)
    return list(groups.values())


class HighlightsScreen(ModalScreen["HighlightEntry | None"]):
    """The library's highlights. Type to narrow; ↓ to the list; enter jumps, d deletes, u undoes."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("d,delete", "remove", "Delete"),
        Binding("u,ctrl+z", "undo", "Undo delete"),
        Binding("slash", "focus_filter", "Filter", show=False),
    ]

    def __init__(
        self,
        entries: Sequence[HighlightEntry],
        remove: Callable[[str], Highlight | None],
        restore: Callable[[Highlight], object],
    ) -> None:
        super().__init__()
        self.entries = list(entries)
        self._remove = remove
        self._restore = restore
        self._deleted: list[HighlightEntry] = []
        self._shown: list[HighlightEntry | None] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="highlights-body"):
            yield Static(self._title(), id="highlights-title")
            yield Input(placeholder="type to narrow: passage, note or title · ↓ to the list", id="highlights-filter")
            yield MovementOptionList(id="highlights-list")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(Input).focus()

    def _title(self) -> Text:
        text = Text(f"Highlights ({len(self.entries)})", style="bold")
        text.append("  enter: go to the passage · d: delete · u: undo · escape: close", style="dim")
        return text

    def _fill(self, keep: str | None = None) -> None:
        needle = self.query_one(Input).value.casefold().strip()
        wanted = [e for e in self.entries if not needle or all(w in e.haystack() for w in needle.split())]
        options: list[Option] = []
        self._shown = []
        for group in grouped(wanted):
            head = Text("▍", style="bold")
            head.append(_one_line(group[0].title or group[0].path, 100), style="bold")
            if group[0].article_id is None:
                head.append(f"  missing: {make_inert(group[0].path)}", style="red")
            options.append(Option(head, disabled=True))
            self._shown.append(None)
            for entry in group:
                options.append(Option(self._prompt(entry), id=entry.highlight.id))
                self._shown.append(entry)
        if not options:
            message = "No highlights yet: in an article press v, then enter." if not self.entries else "No match."
            options.append(Option(Text(message, style="italic"), disabled=True))
            self._shown.append(None)
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        self.query_one("#highlights-title", Static).update(self._title())
        target = next((i for i, e in enumerate(self._shown) if e and (keep is None or e.highlight.id == keep)), None)
        if target is None:
            target = next((i for i, e in enumerate(self._shown) if e is not None), None)
        option_list.highlighted = target

    def _prompt(self, entry: HighlightEntry) -> Text:
        h = entry.highlight
        text = Text("  ")
        if h.is_article_note:
            text.append("✎ ", style="bold")
            text.append(_one_line(h.note))
            text.append("  (note on the article)", style="dim")
        else:
            text.append("“" + _one_line(h.exact) + "”")
            if h.note.strip():
                text.append("\n    ✎ ", style="bold")
                text.append(_one_line(h.note), style="italic")
        text.append(f"  {h.created[:10]}", style="dim")
        if not entry.found and not h.is_article_note and entry.article_id is not None:
            text.append(f"  ({GONE})", style="bold red")
        return text

    def _current(self) -> tuple[int, HighlightEntry] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        entry = self._shown[index]
        return None if entry is None else (index, entry)

    # -- events and actions -------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._open()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open()

    def on_key(self, event: events.Key) -> None:
        """↓ from the filter goes to the list; a letter typed in the list goes to the filter,
        except the ones that act there (d, u, and the movement keys j k g G)."""
        filter_input = self.query_one(Input)
        option_list = self.query_one(OptionList)
        if self.focused is filter_input and event.key in ("down", "up"):
            event.stop()
            option_list.focus()
            if event.key == "up":
                option_list.action_cursor_up()
        elif (
            self.focused is option_list
            and event.is_printable
            and event.character
            and event.key not in {"d", "u", *MOVEMENT_KEYS}
        ):
            event.stop()
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``d`` and ``u`` act on the list; in the filter they are letters."""
        if action in ("remove", "undo"):
            return self.focused is not self.query_one(Input)
        return True

    def _open(self) -> None:
        current = self._current()
        if current is None:
            return
        entry = current[1]
        if entry.article_id is None:
            self.notify("That article's file is gone; the highlight is kept (d deletes it).", markup=False)
            return
        self.dismiss(entry)

    def action_remove(self) -> None:
        current = self._current()
        if current is None:
            return
        index, entry = current
        self._remove(entry.highlight.id)
        self.entries = [e for e in self.entries if e.highlight.id != entry.highlight.id]
        self._deleted.append(entry)
        following = next((e for e in self._shown[index + 1 :] if e is not None), None)
        self._fill(keep=following.highlight.id if following else None)
        self.notify("Highlight deleted — press u to undo.", timeout=4, markup=False)

    def action_undo(self) -> None:
        if not self._deleted:
            self.notify("Nothing to undo.", timeout=2, markup=False)
            return
        entry = self._deleted.pop()
        self._restore(entry.highlight)
        self.entries.append(entry)
        self._fill(keep=entry.highlight.id)
        self.notify("Highlight restored.", timeout=2, markup=False)

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NotePrompt(TextPrompt):
    """Write or edit a note. enter saves (an empty note removes it), escape leaves it as it was."""

    PLACEHOLDER = "note, then enter (empty: remove)"
    INPUT_ID = "note-input"

    def __init__(self, title: str, note: str = "", detail: str = "") -> None:
        super().__init__(title, detail, value=note)

    def shown_detail(self) -> str:
        return _one_line(self.detail)
