"""The reader app: config, theme, keymap and the screens; the panes live in the main screen.

The controller of the three panes is :class:`reader.ui.screens.main.MainScreen`; the app only
sets up what every screen shares (theme, keymap, the inert notices) and holds the main screen,
reachable as :attr:`ReaderApp.main` (tests and benchmarks read the library and the current
article there). All parsing and file I/O lives in :mod:`reader.library` and :mod:`reader.state`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Unpack

from textual import events
from textual.app import App
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from reader.config import Config, load_config, load_settings, save_setting
from reader.library.inert import make_inert
from reader.resources import resource_dir
from reader.ui.screens.main import MainOptions, MainScreen
from reader.ui.widgets.inputs import PastedAhead, TypedAhead, escape_then, run_binding


def stylesheet() -> Path:
    """The app's stylesheet, found inside the installed package (editable or not)."""
    return resource_dir("reader.styles") / "reader.tcss"


class ReaderApp(App[int]):
    """Read a folder of Markdown articles."""

    TITLE = "reader"
    CSS_PATH = [stylesheet()]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = []
    """Every reader key is the main screen's (the modal screens bind their own)."""

    def __init__(
        self,
        root: Path,
        *,
        theme: str | None = None,
        config: Config | None = None,
        **options: Unpack[MainOptions],
    ) -> None:
        """``options`` go to the main screen (:class:`~reader.ui.screens.main.MainOptions`)."""
        super().__init__()
        self.root = Path(root)
        self.config = config if config is not None else load_config()
        self.requested_theme = theme
        self._remember_theme = False
        self.main = MainScreen(self.root, config=self.config, **options)
        """The three panes and their controller: the library, the filter, the current article."""

    def get_default_screen(self) -> Screen:
        return self.main

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice (screens' and widgets' too: they call this) is made inert and never markup.

        Notices quote titles, paths, links and config.toml values: one place guards them all.
        """
        super().notify(make_inert(message), title=make_inert(title), severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        theme = self.requested_theme or self.config.theme or load_settings().get("theme")
        if isinstance(theme, str) and theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(f"Unknown theme {theme!r}; using the default.", severity="warning", markup=False)
        self._remember_theme = True
        if self.config.keys:
            try:
                self.set_keymap(self.config.keys)
            except Exception as error:  # a bad key name must not stop the app
                self.notify(f"Ignoring the [keys] section: {error}", severity="warning", markup=False)
        if self.config.error:
            self.notify(self.config.error, severity="warning", timeout=10, markup=False)

    async def on_key(self, event: events.Key) -> None:
        """Type-ahead: a key that reaches the app while a text box has the focus was sent
        before the focus moved there (``/`` then ``ransomware`` in one burst, or a paste), or
        the box did not take it (``enter``, ``backspace``). It goes back to the box's queue
        as a :class:`TypedAhead`, behind what is queued there: a character is typed into the
        box, never given to a binding (``a`` would open a note), and a key after ``enter``
        acts where the focus went. What the box does not take comes back here as a
        ``TypedAhead`` and goes to the bindings."""
        focused = self.focused
        if isinstance(focused, Input) and not isinstance(event, TypedAhead):
            event.prevent_default()
            event.stop()
            typed = TypedAhead(event.key, event.character)
            # Sent by the box, not the app: a message from a widget's parent stops bubbling
            # there, and a key the box passes on (it was left in the meantime) must reach the
            # bindings of the pane that has the focus then.
            typed.set_sender(focused)
            focused.post_message(typed)
        elif (plain := escape_then(event)) is not None and event.key not in self.screen.active_bindings:
            # ESC and a key in one read (a fast "escape q" over SSH or tmux) reads as alt+q,
            # which nothing here is bound to: escape's action, then the key's.
            await run_binding(self, "escape")
            event.key = event.character = plain

    def on_paste(self, event: events.Paste) -> None:
        """A paste that reaches the app while a text box has the focus was sent before the
        focus moved there (``/`` and a paste in one burst): it goes into that box."""
        focused = self.focused
        if isinstance(focused, Input) and not isinstance(event, PastedAhead) and event.text:
            event.stop()
            pasted = PastedAhead(event.text)
            pasted.set_sender(focused)
            focused.post_message(pasted)

    def watch_theme(self, theme: str) -> None:
        # Only a theme chosen while running (the palette's "Change theme") is remembered; the
        # one applied at start-up from --theme or config.toml is not written back.
        if self._remember_theme:
            save_setting("theme", theme)

    async def wait_until_idle(self) -> None:
        """Wait for loading, indexing and lookups (not the file watcher, which never ends).

        For tests and benchmarks, which need the library fully loaded before they look.
        """
        while busy := [w for w in self.workers if w.group != "watch" and not w.is_finished]:
            await self.workers.wait_for_complete(busy)

    async def action_quit(self) -> None:
        self.main.stop_loading()
        self.exit(0)
