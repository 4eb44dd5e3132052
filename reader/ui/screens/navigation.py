"""The main screen's ways between articles: followed links, back / forward, and ``e`` to edit.

A link in the body (clicked, or picked by a link hint: ``ArticleView.LinkClicked``) is
resolved by :func:`reader.library.link_targets.resolve_link`: another article of the library
opens here (at its heading when one is named) and joins the history, a web address goes
through the link policy to the browser, anything else is refused with its reason.

``e`` hands the file to ``$VISUAL`` / ``$EDITOR`` with the app suspended, at ``+LINE`` of the
text at the top of the view, and reads the file again when the editor exits.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from textual import on

from reader.library.inert import make_inert
from reader.library.link_targets import resolve_link
from reader.library.links import describe as describe_link
from reader.library.scan import OUTSIDE
from reader.library.watch import Changes
from reader.ui.article_view import ArticleView
from reader.ui.screens.contract import ScreenPart

HISTORY_LIMIT = 200
NO_PLUS_LINE = {"code", "codium", "subl", "zed", "hx", "helix", "gedit", "kate", "open", "xdg-open"}
"""Editors that do not read ``+LINE`` as "go to that line" (they would open a file named +12)."""


@dataclass(slots=True)
class History:
    """Back and forward through the articles visited by following (paths: they survive reloads)."""

    back: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)

    def visit(self, leaving: str | None) -> None:
        """A new article is opened by following: ``leaving`` goes on the back stack."""
        if leaving is not None and (not self.back or self.back[-1] != leaving):
            self.back.append(leaving)
            del self.back[:-HISTORY_LIMIT]
        self.forward.clear()

    def step(self, current: str | None, forward: bool) -> str | None:
        """The article to go to (back or forward), moving ``current`` to the other stack."""
        source, other = (self.forward, self.back) if forward else (self.back, self.forward)
        while source:
            target = source.pop()
            if target != current:
                if current is not None:
                    other.append(current)
                return target
        return None


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """The editor's command line: ``+LINE`` first when the editor takes it."""
    words = shlex.split(editor)
    name = os.path.basename(words[0]) if words else ""
    return [*words, *([] if name in NO_PLUS_LINE else [f"+{line}"]), str(path)]


def run_editor(command: list[str]) -> int | str:
    """Run the editor and wait: its exit status, or why it could not run (a sentence).

    Never raises: it runs while the app is suspended, and an exception there would leave
    the terminal to the suspended app for good (a blank screen that no key reaches)."""
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as error:
        return make_inert(f"Could not start the editor ({command[0]}): {error.strerror or error}")
    except KeyboardInterrupt:  # ctrl+c in an editor that lets the signal through to us
        return 130


def source_line(text: str, block_text: str | None) -> int:
    """The 1-based line of ``text`` where the rendered block ``block_text`` starts (1 if unknown).

    The rendered block has lost its Markdown marks, so lines are compared by their words only.
    """
    wanted = _words(block_text or "")[:6]
    if not wanted:
        return 1
    for number, line in enumerate(text.splitlines(), 1):
        words = _words(line)
        size = min(len(words), len(wanted))
        if size and words[:size] == wanted[:size]:
            return number
    return 1


_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _words(text: str) -> list[str]:
    """The words a line shows once rendered: a link's target ``](…)`` is not shown."""
    shown = _LINK_TARGET.sub(" ", text.casefold())
    return "".join(ch if ch.isalnum() else " " for ch in shown).split()


class Navigation(ScreenPart):
    """Followed links, back / forward, and editing the article."""

    @on(ArticleView.LinkClicked)
    def _link_clicked(self, event: ArticleView.LinkClicked) -> None:
        self.follow_link(event.href, event.article_path)

    def follow_link(self, href: str, from_path: str | None = None) -> None:
        """Open what a link in the body points to, or say why not."""
        library = self.library
        from_path = from_path if from_path is not None else self.current_path()
        target = resolve_link(href, from_path, library.link_index if library is not None else {})
        if target.kind == "web":
            self.open_external(target.url)
        elif target.kind == "refused":
            self.notify(f"Not opening {describe_link(href)}: {target.reason}.", severity="warning", markup=False)
        elif library is not None:
            article_id = library.by_path[target.path]
            if article_id != self.current_id:
                self.jump_to_article(article_id)
                self.current_article()  # on show now, not when the list's message comes
            if target.heading:  # once the pane has laid the new article out
                self.call_after_refresh(self._scroll_to_heading, target.heading)
            self.set_focus(self.query_one(ArticleView))

    def _scroll_to_heading(self, heading: str) -> None:
        if self.query_one(ArticleView).scroll_to_heading(heading):
            return
        self.notify(f"No heading {heading!r} in this article.", severity="warning", timeout=3, markup=False)

    def action_history(self, step: int) -> None:
        """``backspace`` / ``alt+left`` (-1), ``alt+right`` (1): through the followed articles."""
        library = self.library
        target = self._history.step(self.current_path(), forward=step > 0)
        while target is not None and library is not None and target not in library.by_path:
            target = self._history.step(None, forward=step > 0)  # a file deleted since
        if target is None or library is None:
            self.notify("No further article in the history." if step > 0 else "Nothing to go back to.", timeout=2)
            return
        self.jump_to_article(library.by_path[target], record=False)

    # -- the file --------------------------------------------------------------------------

    def action_edit(self) -> None:
        """``e``: the article in ``$VISUAL`` / ``$EDITOR``, then the file read again."""
        if self.current_article() is None or self.current is None:
            self.notify("No article to edit.", severity="warning", markup=False)
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor or not editor.strip():
            self.notify(
                "No editor set: export VISUAL or EDITOR (for example EDITOR=nano) to edit articles with e.",
                severity="warning",
                timeout=6,
            )
            return
        article = self.current
        path = self.library.file_of(article) if self.library is not None else None
        if path is None:
            self.notify(f"Not editing {make_inert(article.path)}: {OUTSIDE}.", severity="warning", markup=False)
            return
        try:
            line = source_line(path.read_text(encoding="utf-8", errors="replace"), self._top_block_text())
            command = editor_command(editor, path, line)
        except (OSError, ValueError) as error:
            self.notify(f"Cannot edit {article.path}: {error}", severity="error")
            return
        if self.app.is_headless:  # tests: nothing to suspend
            outcome = run_editor(command)
        else:
            with self.app.suspend():
                # Nothing may escape this block: Textual resumes the app only when it ends
                # normally, and an editor that cannot start left a blank, deaf screen.
                outcome = run_editor(command)
        if isinstance(outcome, str):
            self.notify(outcome, severity="error", markup=False)
            return
        if outcome != 0:
            self.notify(f"The editor exited with status {outcome}.", severity="warning", timeout=4)
        self.reread(article.path)

    def _top_block_text(self) -> str | None:
        view = self.query_one(ArticleView)
        doc = view.document
        if doc is None or round(view.scroll_y) == 0:
            return None
        top = round(view.scroll_y)
        return next((block.text for block in doc.blocks if block.end_row > top), None)

    def reread(self, path: str) -> None:
        """The file at ``path`` parsed again now (after the editor), the view kept in place."""
        if self.library is None:
            return
        try:
            library = self.engine.apply(self.library, Changes(changed=frozenset({path})))
        except Exception as error:  # a failed re-read leaves the old text on show
            self.notify(f"Could not read {path} again: {error}", severity="warning")
            return
        if library is not self.library:
            self.set_library(library)
        article_id = library.by_path.get(path)
        if article_id is not None:
            self.show_article(article_id, chosen=False)

    def action_copy_path(self) -> None:
        """The palette's "Copy the article's file path" (the full path, for a shell)."""
        if self.current_article() is None or self.current is None:
            self.notify("No article.", severity="warning")
            return
        path = str(self.root / self.current.path)
        self.app.copy_to_clipboard(path)
        self.notify(f"Copied {path}", timeout=4)
