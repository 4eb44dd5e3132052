"""A ``ScrollView`` that repaints its scrollbars only when their geometry changed, and keeps
its base style between two repaints.

Textual's ``ScrollView._size_updated`` compares the virtual size the compositor passes in (the
widget's own region, for a widget without children) with the widget's real virtual size (its
rows), so on every re-layout of the screen it finds them different and repaints the vertical
scrollbar. A scrollbar is drawn through Rich, ~2–8 ms for a 48-row bar on this machine; the
screen has three of these views, and typing in the filter bar re-lays out the screen once or
twice a key: measured at 25,000 articles, scrollbars were ~40 % of the time spent painting
(2.5 s of 6.4 s over 92 keys).

``Widget.rich_style`` walks every ancestor's styles each time it is read (~0.1–0.2 ms); the Line
API views read it for each row they draw, ~10 ms for a paint of the article list.
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView

_BASE_STYLE = ("-base-style",)
"""Our key in Textual's per-widget style cache (component names never start with a dash)."""


class SteadyScrollView(ScrollView):
    """Skips the scrollbar update when the size, the virtual size and the container are as last time."""

    _last_geometry: tuple[Size, Size, Size] | None = None

    @property
    def base_style(self) -> Style:
        """``rich_style``, kept until the next repaint or style change: it rides in the cache
        Textual keeps for ``get_component_rich_style``, emptied by ``refresh()`` and by style
        updates (focus, theme), so it goes stale exactly when the component styles do."""
        cache = self._rich_style_cache
        if (cached := cache.get(_BASE_STYLE)) is None:
            style = self.rich_style
            cache[_BASE_STYLE] = cached = (style, style)
        return cached[0]

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        geometry = (size, self.virtual_size, container_size)
        if geometry == self._last_geometry and self._size == size:
            return False  # what the base would return: neither size nor container changed
        self._last_geometry = geometry
        return super()._size_updated(size, virtual_size, container_size, layout)
