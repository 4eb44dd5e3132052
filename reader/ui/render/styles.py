"""Every style of the article pane, declared once: its field, its theme CSS, its standalone look.

A style is one line of :class:`MarkdownStyles`: ``name: Style = _style(css, **default)``. The
widget's ``COMPONENT_CLASSES`` and ``DEFAULT_CSS`` and the loading of themed styles are all
derived from these fields, so adding a style is adding that one line (it used to take four
edits in two modules). The defaults are what renders without a widget (tests, benchmarks,
``reader show``); inside the app the theme's CSS wins.
"""

# ruff: noqa: RUF009 - `_style` returns a dataclasses.field (a fresh Style per instance), not a shared default

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from rich.style import Style

from reader.ui.render.highlight import DEFAULT_THEME

COMPONENT_PREFIX = "article-view--"


def _style(css: str, **default: Any) -> Any:
    """A style field: ``css`` for the themed widget, ``default`` (Rich style keywords) without it."""
    return field(default_factory=lambda: Style(**default), metadata={"css": css})


@dataclass
class MarkdownStyles:
    """Rich styles for each construct of an article: Markdown body and header alike."""

    h1: Style = _style("color: $markdown-h1-color; text-style: bold;", bold=True, color="bright_cyan")
    h2: Style = _style("color: $markdown-h2-color; text-style: bold;", bold=True, color="cyan")
    h3: Style = _style("color: $markdown-h3-color; text-style: bold;", bold=True, color="bright_blue")
    h4: Style = _style("color: $markdown-h4-color; text-style: bold italic;", bold=True, italic=True)
    h5: Style = _style("color: $markdown-h5-color; text-style: bold;", bold=True, color="cyan")
    h6: Style = _style("color: $text-muted; text-style: italic underline;", italic=True, underline=True, color="grey70")
    emphasis: Style = _style("text-style: italic;", italic=True)
    strong: Style = _style("text-style: bold;", bold=True)
    strike: Style = _style("text-style: strike;", strike=True)
    code_inline: Style = _style("color: $text-accent; background: $boost;", color="bright_magenta", bgcolor="grey19")
    code_block: Style = _style("color: $foreground; background: $background;", color="bright_white", bgcolor="grey11")
    link: Style = _style("color: $text-primary; text-style: underline;", color="bright_blue", underline=True)
    quote: Style = _style("color: $text-muted; text-style: italic;", italic=True)
    quote_bar: Style = _style("color: $primary;", color="grey50")
    bullet: Style = _style("color: $accent; text-style: bold;", color="bright_cyan", bold=True)
    table_header: Style = _style("color: $text-accent; text-style: bold;", bold=True)
    table_border: Style = _style("color: $foreground-muted;", color="grey50")
    rule: Style = _style("color: $primary-muted;", color="grey50")
    image: Style = _style("color: $text-secondary; text-style: italic;", color="magenta", italic=True)
    mark: Style = _style("color: $foreground; background: $secondary-muted;", color="black", bgcolor="khaki1")
    """``==highlighted==`` text of the author (Obsidian), not a search hit."""
    muted: Style = _style("color: $text-disabled;", dim=True)
    """Raw HTML tags, Hugo shortcodes and Liquid tags: shown, but out of the way."""
    footnote: Style = _style("color: $text-secondary;", color="cyan")
    callout: Style = _style("color: $text-secondary; text-style: bold;", color="bright_cyan", bold=True)
    callout_bar: Style = _style("color: $secondary;", color="cyan")
    highlight: Style = _style("color: $foreground; background: $warning-muted;", color="black", bgcolor="yellow")
    highlight_current: Style = _style(
        "color: $background; background: $warning; text-style: bold;", color="black", bgcolor="dark_orange", bold=True
    )
    meta_title: Style = _style("color: $text-primary; text-style: bold;", bold=True)
    meta_subtitle: Style = _style("color: $foreground; text-style: italic;", italic=True)
    meta: Style = _style("color: $text-muted;", dim=True)
    meta_label: Style = _style("color: $text-muted; text-style: bold;", dim=True)
    tag: Style = _style("color: $text-primary; background: $primary-muted;", color="cyan")
    message: Style = _style("color: $text-muted; text-style: italic;", italic=True, dim=True)
    passage: Style = _style("background: $success-muted;", bgcolor="dark_green")
    selection: Style = _style("color: $background; background: $accent;", reverse=True)
    note: Style = _style("color: $text-success; text-style: italic;", color="green", italic=True)
    hint: Style = _style("color: $background; background: $warning; text-style: bold;", reverse=True, bold=True)
    """The letter on a link while link hints (``f``) are up."""
    code_theme: str | None = field(default=DEFAULT_THEME, metadata={})
    """Pygments style for fenced code with a language; ``None``: no syntax colours."""

    def heading(self, level: int) -> Style:
        """The style of a heading level; each of the six looks different."""
        return (self.h1, self.h2, self.h3, self.h4, self.h5, self.h6)[min(max(level, 1), 6) - 1]


def _style_fields() -> list[tuple[str, str, str]]:
    """``(field name, component class, css)`` of every style field."""
    return [
        (f.name, COMPONENT_PREFIX + f.name.replace("_", "-"), f.metadata["css"])
        for f in fields(MarkdownStyles)
        if "css" in f.metadata
    ]


STYLE_FIELDS = _style_fields()
COMPONENT_CLASSES: set[str] = {component for _name, component, _css in STYLE_FIELDS}


def component_css(widget: str) -> str:
    """The ``DEFAULT_CSS`` rules giving each component class its themed look."""
    return "\n".join(f"{widget} > .{component} {{ {css} }}" for _name, component, css in STYLE_FIELDS)


def load_styles(component: Callable[[str], Style], code_theme: str | None) -> MarkdownStyles:
    """The styles as the widget's CSS says (``component`` reads one component class)."""
    themed: dict[str, Any] = {name: component(component_class) for name, component_class, _css in STYLE_FIELDS}
    return replace(MarkdownStyles(code_theme=code_theme), **themed)
