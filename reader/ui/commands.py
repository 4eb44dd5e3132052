"""Command palette providers: jump to any article or tag by fuzzy name, run reader commands.

Textual's ``Matcher.highlight`` and the ``help`` field both parse markup, and titles and tags
are untrusted, so hits are built here from plain ``Content`` with the matched letters styled,
and help texts never contain library text.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from reader.words import counted

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen

MAX_CANDIDATES = 2000
"""Fuzzy-scoring every title of a 100,000-article library would stall the palette."""
MAX_HITS = 40
TAG_PREFIX = "tag:"


def safe_highlight(matcher: Matcher, candidate: str, suffix: str = "") -> Content:
    """The candidate as plain text with the fuzzy-matched letters styled (no markup parsing)."""
    content = Content(candidate)
    _, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if offset < len(candidate) and not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    if suffix:
        content = content + Content.styled(suffix, "dim")
    return content


def _prefilter(query: str, candidates: list[str]) -> list[int]:
    """Indices of candidates that contain every query letter at least in order-free form.

    A cheap test (all words of the query appear as substrings, or all letters appear) that
    keeps the expensive fuzzy scoring to a few thousand candidates.
    """
    words = query.casefold().split()
    out: list[int] = []
    for index, text in enumerate(candidates):
        if all(word in text for word in words):
            out.append(index)
            if len(out) >= MAX_CANDIDATES:
                return out
    if out:
        return out
    letters = set(query.casefold().replace(" ", ""))
    for index, text in enumerate(candidates):
        if letters.issubset(text):
            out.append(index)
            if len(out) >= MAX_CANDIDATES:
                break
    return out


class _ScreenProvider(Provider):
    """A provider of the main screen's palette, reading the library through that screen."""

    @property
    def reader(self) -> MainScreen:
        """The screen the palette was opened from: the main screen, whose COMMANDS list us."""
        return cast("MainScreen", self.screen)


class ArticleCommands(_ScreenProvider):
    """Jump to any article by title, or by one of its aliases (Obsidian's other names)."""

    _aliases: tuple[object, list[tuple[int, str]]] | None = None

    async def search(self, query: str) -> Hits:
        library = self.reader.library
        if library is None or not query.strip() or query.lstrip().startswith(TAG_PREFIX):
            return
        titles = self.reader.folded_titles()
        matcher = self.matcher(query)
        best: dict[int, tuple[float, str]] = {}  # article → its best score and the name that got it
        title_of = library.articles.column("title")
        for index in _prefilter(query, titles):
            score = matcher.match(title_of[index])
            if score > 0:
                best[index] = (score, title_of[index])
        if self._aliases is None or self._aliases[0] is not library:
            aliases = library.articles.column("aliases")
            self._aliases = (library, [(i, alias) for i, names in enumerate(aliases) for alias in names])
        for index, alias in self._aliases[1]:
            score = matcher.match(alias)
            if score > best.get(index, (0.0, ""))[0]:
                best[index] = (score, alias)
        ranked = sorted(((score, index, name) for index, (score, name) in best.items()), reverse=True)
        for score, index, name in ranked[:MAX_HITS]:
            article = library.articles[index]
            date = article.date.strftime("%Y-%m-%d") if article.date else "undated"
            suffix = f"  {article.source} · {date}" if article.source else f"  {date}"
            if name != article.title:
                suffix = f"  → {article.title}{suffix}"
            yield Hit(
                score,
                safe_highlight(matcher, name, suffix),
                partial(self.reader.jump_to_article, index),
                text=name,
                help="Open this article",
            )


class TagCommands(_ScreenProvider):
    """Toggle any tag in the filter by name."""

    async def search(self, query: str) -> Hits:
        library = self.reader.library
        if library is None or not query.strip():
            return
        # "tag:" in front asks for tags only (and ranks them first).
        only_tags = query.lstrip().startswith(TAG_PREFIX)
        query = query.lstrip().removeprefix(TAG_PREFIX).strip() if only_tags else query
        if not query:
            return
        names = library.tag_names
        folded = self.reader.folded_tags()
        matcher = self.matcher(query)
        scored: list[tuple[float, int]] = []
        for tid in _prefilter(query, folded):
            score = matcher.match(names[tid])
            if score > 0:
                scored.append((score, tid))
        scored.sort(reverse=True)
        for score, tid in scored[:MAX_HITS]:
            count = len(library.postings[tid])
            yield Hit(
                score if only_tags else score * 0.9,
                safe_highlight(matcher, names[tid], f"  tag · {counted(count, 'article')}"),
                partial(self.reader.toggle_tag, names[tid]),
                text=f"tag: {names[tid]}",
                help="Toggle this tag in the filter",
            )


class ReaderCommands(Provider):
    """reader's own commands, so every action is reachable without remembering its key."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Bookmarks: show all (including missing)", "show_bookmarks", "ctrl+b"),
            ("Highlights: show all, jump to a passage", "show_highlights", "H"),
            ("Highlight: select a passage in the article", "select_passage", "v"),
            ("Note: on the selected highlight or the article", "note", "a"),
            ("Bookmarks: only bookmarked articles", "toggle_bookmarked_only", "B"),
            ("Bookmark: toggle on current article", "toggle_bookmark", "b"),
            ("Unread: only unread articles", "toggle_unread_only", "U"),
            ("Mark current article read/unread", "toggle_read", "u"),
            ("Problems: files skipped or read with a caveat", "show_problems", "!"),
            ("Sort: cycle date / title / source", "cycle_sort", "s"),
            ("Filter the library", "focus_filter", "/"),
            ("Clear the filter", "clear_filter", ""),
            ("Find in article", "find", "ctrl+f"),
            ("Open the article's link in the browser", "open_link", "o"),
            ("Copy the article's link", "copy_link", "y"),
            ("Copy the article's file path", "copy_path", ""),
            ("Edit the article in $VISUAL / $EDITOR", "edit", "e"),
            ("History: back to the article you followed a link from", "history(-1)", "backspace"),
            ("History: forward again", "history(1)", "alt+right"),
            ("Save the current filter as a search", "save_search", ""),
            ("Reload the library from disk", "reload", ""),
            ("Maximise the article / restore the panes", "toggle_maximized", "z"),
            ("Sidebar: fold / unfold the tags", "toggle_sidebar", "\\"),
            ("Tags: show all of the article's tags / fold them", "toggle_tags", "T"),
            ("Code: syntax highlighting on / off", "toggle_code_highlighting", ""),
            ("Help: keys and filter language", "help", "?"),
        ]

    async def discover(self) -> Hits:
        for name, action, key in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=f"key: {key}" if key else None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, key in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    safe_highlight(matcher, name),
                    partial(self.screen.run_action, action),
                    text=name,
                    help=f"key: {key}" if key else None,
                )
