"""The in-memory library: one immutable snapshot of a folder, and what a query needs of it.

Everything a keystroke needs is precomputed when the snapshot is built, or on first use: each
tag's set of article ids, the three sort orders (:mod:`reader.library.orders`), a line of
folded tokens per article for word matches. Evaluating a query is :mod:`reader.library.search`.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library import search
from reader.library.link_targets import LinkIndex, backlinks
from reader.library.model import Article, Problem
from reader.library.orders import SORTS, SortOrders, gc_paused
from reader.library.query import Query, Term
from reader.library.scan import FileEntry, ScanReport, outside_library, read_file, walk
from reader.library.search import SearchResult, TextSearch
from reader.library.table import UNDATED, ArticleTable, as_table
from reader.library.tags import split_facet, tag_key
from reader.library.tokens import token_lines
from reader.paths import library_root

if TYPE_CHECKING:
    from reader.library.fulltext import RowMap


@dataclass(slots=True)
class TagCount:
    """One row of the sidebar: a tag as first spelled, and how many articles carry it."""

    name: str
    key: str
    count: int


@dataclass(slots=True)
class SnapshotMemo:
    """Per-snapshot results of other modules, one typed slot each, dropped with the snapshot.

    A new snapshot (a reload, live changes) starts empty, so nothing here can go stale.
    """

    token_lines: list[str] | None = None
    """Each article's metadata as `` tok tok tok `` (:meth:`Library.match_text`)."""
    full_text_rows: RowMap | None = None
    """The full-text index's row → article map for this snapshot (:mod:`reader.library.fulltext`)."""
    months: list[int] | None = None
    """Each article's month number (:func:`reader.library.timeline.month_numbers`)."""
    link_index: LinkIndex | None = None
    """The library's paths by the names a link may use (:attr:`Library.link_index`)."""
    backlinks: dict[str, list[str]] | None = None
    """Article path → the paths of the articles linking to it (:meth:`Library.linked_from`)."""
    json_rows: tuple[bytes, Sequence[int], bytes] | None = None
    """Each article's ``reader list --json`` record as the index cache stored it, where each
    ends, and the article id of each (:func:`reader.library.safe_json.stored_rows`); only a
    library loaded from the cache for ``reader list --json`` has them."""
    real_root: str | None = None
    """The library folder, links resolved: what a file must lie in to be read (:meth:`Library.read`)."""


@dataclass(slots=True, frozen=True)
class _TagIndex:
    """A library's tags: ids by folded name, each id's first-seen spelling, each spelling's id,
    and each tag's article count (``None`` when two spellings of one tag meet in an article:
    then only the postings count right)."""

    index: dict[str, int]
    names: list[str]
    of: dict[str, int]
    counts: list[int] | None

    @classmethod
    def of_articles(cls, articles: ArticleTable) -> _TagIndex:
        # Distinct spellings in first-seen order with their counts, in C (Counter keeps
        # insertion order); then one Python step per distinct tag, not per tag use.
        with gc_paused():
            index: dict[str, int] = {}
            names: list[str] = []
            counts: list[int] = []
            of: dict[str, int] = {}
            for spelling, count in articles.tag_uses():
                key = spelling.casefold()
                tid = index.get(key)
                if tid is None:
                    tid = index[key] = len(names)
                    names.append(spelling)
                    counts.append(0)
                counts[tid] += count
                of[spelling] = tid
        return cls(index, names, of, counts if len(of) == len(names) else None)


@dataclass(slots=True)
class Library:
    """An immutable snapshot of a library folder. Rebuild (``with_changes``) to update."""

    root: Path
    articles: ArticleTable
    """The articles in path order, kept as columns (:mod:`reader.library.table`): a list of
    articles given here is wrapped in a table."""
    problems: list[Problem] = field(default_factory=list)
    skipped_dirs: list[str] = field(default_factory=list)
    full_text: TextSearch | None = None
    """Full-text search over bodies too, with ranking (``FullTextIndex.attach`` sets it); without
    it, words match the metadata in memory."""
    memo: SnapshotMemo = field(init=False, default_factory=lambda: SnapshotMemo(), repr=False, compare=False)
    """What helpers outside this class work out once per snapshot (see :class:`SnapshotMemo`)."""

    orders: SortOrders = field(init=False)
    """``date`` is built with the library; ``title``, ``source`` (and ranks) on first use."""
    # Built on first use (see the properties below): a warm start needs only the date order,
    # and 100,000 articles must open in a fraction of a second. The path map and the tag
    # index are ~85 ms of that at 100,000 articles; an unfiltered ``reader list --json``
    # needs neither, and the app asks for the tags from the sidebar's worker.
    _by_path: dict[str, int] | None = field(init=False, default=None, repr=False, compare=False)
    _tags: _TagIndex | None = field(init=False, default=None, repr=False, compare=False)
    _article_tags: list[tuple[int, ...]] | None = field(init=False, default=None, repr=False, compare=False)
    _postings: list[set[int]] | None = field(init=False, default=None, repr=False, compare=False)
    _postings_lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False, compare=False)
    _value_index: dict[str, list[int]] | None = field(init=False, default=None, repr=False, compare=False)
    _folded: dict[str, list[str]] = field(init=False, default_factory=dict, repr=False, compare=False)
    _dates: tuple[list[float], list[int]] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.articles = as_table(self.articles)
        self._build()

    def prepare(self) -> None:
        """Build now everything that is otherwise built on first use (postings, search lines,
        other sort orders, the date index). Call it from a worker thread once the library is
        on screen, so the first filter keystroke, tag click or sort change is instant; about
        0.6 s for 100,000 articles, and harmless to call twice or never."""
        self.postings  # noqa: B018 - properties that build and cache
        self.value_index  # noqa: B018
        if self.full_text is None:
            # With the full-text index attached, words are matched there (metadata included):
            # the in-memory token lines (~60 MB at 100,000 articles) would sit unused.
            self.token_lines()
        self.date_index()
        for sort in SORTS:
            self.orders[sort]

    def __repr__(self) -> str:
        # Short on purpose: Textual's @work puts repr(args) in the worker's name, and the
        # dataclass repr of 100,000 articles took 0.8 s of the UI thread on every reload.
        return f"<Library {str(self.root)!r}: {len(self.articles)} articles, {len(self.problems)} problems>"

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        articles = self.articles
        with gc_paused():
            keys = articles.date_keys()
            by_date = sorted(range(len(articles)), key=keys.__getitem__)
        self.orders = SortOrders(articles, by_date, keys)

    @property
    def by_path(self) -> dict[str, int]:
        """Each article's id by its path, built on first use (two threads asking at once may
        both build it: the same dict, so either may stay)."""
        by_path = self._by_path
        if by_path is None:
            with gc_paused():
                column = self.articles.column("path")
                by_path = self._by_path = dict(zip(column, range(len(column)), strict=True))
        return by_path

    @property
    def tag_names(self) -> list[str]:
        """Each tag's first-seen spelling, by tag id."""
        return self._tag_data().names

    @property
    def tag_index(self) -> dict[str, int]:
        """Each tag's id by its folded name."""
        return self._tag_data().index

    def _tag_data(self) -> _TagIndex:
        """The tag index, built on first use."""
        tags = self._tags
        if tags is None:
            tags = self._tags = _TagIndex.of_articles(self.articles)
        return tags

    @property
    def article_tags(self) -> list[tuple[int, ...]]:
        """Each article's tag ids (``article_tags[i]``), built on first use."""
        if self._article_tags is None:
            with gc_paused():
                get = self._tag_data().of.__getitem__
                self._article_tags = [tuple(map(get, tags)) for tags in self.articles.column("tags")]
        return self._article_tags

    @property
    def postings_ready(self) -> bool:
        """Whether :attr:`postings` is built: until then asking for it takes ~1 s at 100,000
        clippings (~25 tags each), too long for the UI thread, which asks a worker instead."""
        return self._postings is not None

    @property
    def postings(self) -> list[set[int]]:
        """Each tag's set of article ids (``postings[tid]``), built on first use (once: a second
        thread asking meanwhile waits for the first instead of building its own)."""
        if self._postings is not None:
            return self._postings
        with self._postings_lock:
            if self._postings is None:
                self._postings = self._build_postings()
        return self._postings

    def _build_postings(self) -> list[set[int]]:
        with gc_paused():
            lists: list[list[int]] = [[] for _ in self.tag_names]
            for i, tids in enumerate(self.article_tags):
                for tid in tids:
                    lists[tid].append(i)
            return [set(ids) for ids in lists]

    @property
    def value_index(self) -> dict[str, list[int]]:
        """Every way a bare tag name can match: the whole tag, a facet's value, a nesting prefix."""
        if self._value_index is None:
            value_index: dict[str, list[int]] = {}
            for key, tid in self.tag_index.items():
                facet, value = split_facet(key)
                if facet:
                    value_index.setdefault(value, []).append(tid)
                elif "/" in key:
                    parts = key.split("/")
                    for depth in range(1, len(parts)):
                        value_index.setdefault("/".join(parts[:depth]), []).append(tid)
            self._value_index = value_index
        return self._value_index

    def _haystack_texts(self) -> list[str]:
        """A case-folded line of each article's title, subtitle, source, author and tags.

        Built only to make the token lines and then dropped: keeping both would cost ~40 MB
        at 100,000 articles."""
        column = self.articles.column
        with gc_paused():
            return list(
                map(
                    search.haystack_of,
                    *(column(name) for name in ("title", "aliases", "subtitle", "source", "author", "tags")),
                )
            )

    def folded_field(self, name: str) -> list[str]:
        """One case-folded field of every article (``title``, ``source``, ``author``), cached."""
        folded = self._folded.get(name)
        if folded is None:
            with gc_paused():
                folded = self._folded[name] = [value.casefold() for value in self.articles.column(name)]
        return folded

    def date_index(self) -> tuple[list[float], list[int]]:
        """Dated articles by ascending timestamp (keys, ids), for ``date:`` ranges."""
        if self._dates is None:
            keys = self.orders.date_keys
            dated = sum(1 for key in keys if key != UNDATED)
            ids = self.orders["date"][:dated][::-1]  # newest first → oldest first
            self._dates = ([-keys[i] for i in ids], ids)
        return self._dates

    @classmethod
    def load(
        cls,
        root: Path | str,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Library:
        """Scan and parse a folder (no cache). Problems are collected, never raised."""
        root_path = library_root(root)
        entries, report = walk(root_path)
        return cls.from_entries(root_path, entries, report, progress=progress)

    @classmethod
    def from_entries(
        cls,
        root: Path,
        entries: Sequence[FileEntry],
        report: ScanReport,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Library:
        articles: list[Article] = []
        problems = list(report.problems)
        total = len(entries)
        for n, entry in enumerate(entries, 1):
            result = read_file(entry)
            problems.extend(result.problems)
            if result.article is not None:
                result.article.body = ""
                articles.append(result.article)
            if progress is not None and n % 500 == 0:
                progress(n, total)
        return cls(root, ArticleTable.of(articles), problems, report.skipped_dirs)

    def with_changes(
        self, changed: Iterable[Article], removed: Iterable[str], problems: list[Problem] | None = None
    ) -> Library:
        """A new snapshot with some articles added or replaced, some paths removed, and (when
        given) a new list of problems; the full-text index stays attached. In memory only:
        :func:`reader.library.cache.update_paths` re-reads files and calls this."""
        table = self.articles
        current: dict[str, int | Article] = dict(zip(table.column("path"), range(len(table)), strict=True))
        for path in removed:
            current.pop(path, None)
        for article in changed:
            current[article.path] = replace(article, body="") if article.body else article
        rows = [current[path] for path in sorted(current)]
        kept = self.problems if problems is None else problems
        return Library(self.root, table.rebuilt(rows), kept, self.skipped_dirs, self.full_text)

    # -- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.articles)

    @property
    def real_root(self) -> str:
        """The library folder, links resolved, worked out once per snapshot (~7 µs a time)."""
        if self.memo.real_root is None:
            self.memo.real_root = os.path.realpath(self.root)
        return self.memo.real_root

    def file_of(self, article: Article) -> Path | None:
        """The article's file, or ``None`` when it now leads out of the library (see :meth:`read`)."""
        path = self.root / article.path
        return None if outside_library(self.real_root, str(path)) else path

    def read(self, article: Article) -> tuple[Article, list[Problem]]:
        """The article with its body, re-read from disk (the index keeps no bodies).

        Never from outside the library: its file, or a folder above it, may have been swapped
        for a link out of it since the walk (``read_file(inside=…)``)."""
        path = self.root / article.path
        try:
            st = path.stat()
            size, mtime_ns = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime_ns = article.size, int(article.mtime * 1e9)
        result = read_file(FileEntry(article.path, str(path), size, mtime_ns), inside=self.real_root)
        if result.article is None:
            return replace(article, body=""), result.problems
        return result.article, result.problems

    # -- links between articles -----------------------------------------------------------

    @property
    def link_index(self) -> LinkIndex:
        """The paths by the names a link may use, built on first use (~0.4 s at 100,000)."""
        index = self.memo.link_index
        if index is None:
            index = self.memo.link_index = LinkIndex(self.by_path)
        return index

    @property
    def backlinks_ready(self) -> bool:
        """Whether :meth:`linked_from` answers at once (its map is built)."""
        return self.memo.backlinks is not None

    def linked_from(self, article_id: int) -> list[int]:
        """The articles whose links lead to this one (relative links and wikilinks), from the
        links the index keeps: no file is read. The map is built once per snapshot (~3 s for
        100,000 articles with two links each: call it from a worker first)."""
        linked = self.memo.backlinks
        if linked is None:
            with gc_paused():
                column = self.articles.column
                pairs = [(path, links) for path, links in zip(column("path"), column("links"), strict=True) if links]
                # Without one local link there is nothing to resolve, and the link index is not
                # built for it: 46 MB and ~0.4 s at 100,000 clippings, none of which links locally.
                linked = self.memo.backlinks = backlinks(self.link_index, pairs) if pairs else {}
        by_path = self.by_path
        return [by_path[path] for path in linked.get(self.articles.column("path")[article_id], ()) if path in by_path]

    # -- querying -------------------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        sort: str = "date",
        bookmarked: Iterable[int] = (),
        read: Iterable[int] = (),
        highlighted: Iterable[int] = (),
        noted: Iterable[int] = (),
    ) -> SearchResult:
        """Ids matching ``query`` in ``sort`` order (``bookmarked``/``read``/``highlighted`` feed
        ``is:``, ``noted`` feeds ``has:note``); see :func:`reader.library.search.run`."""
        marks = search.Context(frozenset(bookmarked), frozenset(read), frozenset(highlighted), frozenset(noted))
        return search.run(self, query, sort, marks)

    def tag_ids_for(self, name: str) -> list[int]:
        """Tag ids a ``tag:NAME`` filter means: the tag itself, a facet value, a nesting prefix."""
        key = tag_key(name.strip())
        out: list[int] = []
        exact = self.tag_index.get(key)
        if exact is not None:
            out.append(exact)
        out.extend(tid for tid in self.value_index.get(key, ()) if tid != exact)
        if "=" in key:
            facet, value = split_facet(key)
            # country:China also matches any facet path ending in .country[.name]
            suffixes = (f".{facet}=", f".{facet}.name=")
            for tid in self.value_index.get(value, ()):
                candidate = self.tag_names[tid].casefold()
                if tid not in out and any(s in f".{candidate}" for s in suffixes):
                    out.append(tid)
        return out

    def match_text(self, term: Term, ids: Iterable[int] | None = None) -> set[int]:
        """Articles (of ``ids``; default all) whose metadata holds a word or phrase, in memory;
        see :func:`reader.library.search.match_text`."""
        return search.match_text(self, term, ids)

    def token_lines(self) -> list[str]:
        """Each article's metadata as `` tok tok tok `` (folded tokens), built on first use."""
        lines = self.memo.token_lines
        if lines is None:
            lines = self.memo.token_lines = token_lines(self._haystack_texts())
        return lines

    # -- tags -----------------------------------------------------------------------------

    def tag_counts(self, ids: Sequence[int] | None = None) -> list[TagCount]:
        """Every tag with how many of ``ids`` (default: all articles) carry it, most first."""
        if ids is None or len(ids) == len(self.articles):
            whole = self._tag_data().counts
            counts: Iterable[tuple[int, int]] = (
                enumerate(whole) if whole is not None else ((tid, len(p)) for tid, p in enumerate(self.postings))
            )
        else:
            counts = Counter(chain.from_iterable(self.article_tags[i] for i in ids)).items()
        rows = [TagCount(self.tag_names[tid], self.tag_names[tid].casefold(), n) for tid, n in counts if n]
        rows.sort(key=lambda row: (-row.count, row.key))
        return rows
