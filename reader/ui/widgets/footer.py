"""The key bar at the bottom: Textual's :class:`~textual.widgets.Footer`, rebuilt only when the
keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class SteadyFooter(Footer):
    """A footer that skips a rebuild when the keys on show are the ones already shown.

    Textual's footer rebuilds its keys (a widget each, styled one by one) whenever the focus
    moves, even between widgets that show the same keys. At start the main screen's focus
    moves twice, and 26 of the 39 key widgets made were thrown away unseen: ~0.1 s of the
    UI thread, while the library loads beside it for the interpreter lock.
    """

    _shown: tuple[tuple[str, str, bool, str], ...] | None = None

    def _keys_on_show(self) -> tuple[tuple[str, str, bool, str], ...]:
        return tuple(
            (binding.key, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys_on_show() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self._shown is not None and screen is self.screen and self._keys_on_show() == self._shown:
            return
        super().bindings_changed(screen)
