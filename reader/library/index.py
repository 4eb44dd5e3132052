"""The in-memory library: articles, tag postings, sort orders, and query evaluation.

Everything a keystroke needs is precomputed when the library is built: each tag's set of
article ids, the three sort orders, a lower-cased "haystack" per article for word matches.
A filter is then a few set operations and one pass over a presorted id list, which stays
in the tens of milliseconds at 100,000 articles.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from pathlib import Path

from reader.library.model import Article, Problem
from reader.library.query import And, DateRange, Node, Not, Or, Query, Term, parse_query
from reader.library.scan import FileEntry, ScanReport, read_file, walk
from reader.library.tags import split_facet, tag_key

SORTS = ("date", "title", "source")
"""The orders the article list cycles through."""
_TITLE_SORT_SKIP = "\"'“”‘’«»¿¡([{*_#. "
"""Leading quotes and brackets a title sort passes over."""



@dataclass(slots=True)
class SearchResult:
    """The ids matching a query, in display order, and what was wrong with the query."""

    ids: list[int]
    errors: list[str]
    query: Query


@dataclass(slots=True)
class TagCount:
    """One row of the sidebar: a tag as first spelled, and how many articles carry it."""

    name: str
    key: str
    count: int


@dataclass(slots=True)
class Library:
    """An immutable snapshot of a library folder. Rebuild (``with_changes``) to update."""

    root: Path
    articles: list[Article]
    problems: list[Problem] = field(default_factory=list)
    skipped_dirs: list[str] = field(default_factory=list)
    full_text: Callable[[str], set[int] | None] | None = None
    """Optional body search (SQLite FTS): a word or phrase → matching ids, or None if unavailable."""

    by_path: dict[str, int] = field(init=False)
    tag_names: list[str] = field(init=False)
    tag_index: dict[str, int] = field(init=False)
    postings: list[set[int]] = field(init=False)
    article_tags: list[tuple[int, ...]] = field(init=False)
    value_index: dict[str, list[int]] = field(init=False)
    orders: dict[str, list[int]] = field(init=False)
    haystack: list[str] = field(init=False)
    _dates: list[tuple[float, int]] = field(init=False)

    def __post_init__(self) -> None:
        self._build()

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        articles = self.articles
        self.by_path = {article.path: i for i, article in enumerate(articles)}
        tag_index: dict[str, int] = {}
        names: list[str] = []
        postings: list[set[int]] = []
        article_tags: list[tuple[int, ...]] = []
        for i, article in enumerate(articles):
            ids: list[int] = []
            for tag in article.tags:
                key = tag.casefold()
                tid = tag_index.get(key)
                if tid is None:
                    tid = tag_index[key] = len(names)
                    names.append(tag)
                    postings.append(set())
                postings[tid].add(i)
                ids.append(tid)
            article_tags.append(tuple(ids))
        self.tag_index, self.tag_names, self.postings, self.article_tags = tag_index, names, postings, article_tags
        # Every way a bare tag name can match: the whole tag, a facet's value, a nesting prefix.
        value_index: dict[str, list[int]] = {}
        for key, tid in tag_index.items():
            facet, value = split_facet(key)
            if facet:
                value_index.setdefault(value, []).append(tid)
            elif "/" in key:
                parts = key.split("/")
                for depth in range(1, len(parts)):
                    value_index.setdefault("/".join(parts[:depth]), []).append(tid)
        self.value_index = value_index
        self.haystack = [
            f"{a.title}\n{a.subtitle}\n{a.source}\n{a.author}\n{' '.join(a.tags)}".casefold() for a in articles
        ]
        undated = float("inf")
        stamps = [a.date.timestamp() if a.date else undated for a in articles]
        by_date = sorted(range(len(articles)), key=lambda i: (-stamps[i] if stamps[i] != undated else undated))
        # '"Nobody calls me…"' files under N, not before A; articles without a source go last.
        titles = [a.title.casefold().lstrip(_TITLE_SORT_SKIP) or a.title.casefold() for a in articles]
        by_title = sorted(range(len(articles)), key=titles.__getitem__)
        position = {i: rank for rank, i in enumerate(by_date)}
        by_source = sorted(
            range(len(articles)), key=lambda i: (not articles[i].source, articles[i].source.casefold(), position[i])
        )
        self.orders = {"date": by_date, "title": by_title, "source": by_source}
        self._dates = sorted((stamps[i], i) for i in range(len(articles)) if stamps[i] != undated)

    @classmethod
    def load(
        cls,
        root: Path | str,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Library:
        """Scan and parse a folder (no cache). Problems are collected, never raised."""
        root_path = Path(root).expanduser().resolve()
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
        return cls(root, articles, problems, report.skipped_dirs)

    def with_changes(self, changed: Iterable[Article], removed: Iterable[str]) -> Library:
        """A new snapshot with some articles added or replaced and some paths removed."""
        current = {a.path: a for a in self.articles}
        for path in removed:
            current.pop(path, None)
        for article in changed:
            current[article.path] = replace(article, body="") if article.body else article
        articles = [current[path] for path in sorted(current)]
        return Library(self.root, articles, self.problems, self.skipped_dirs, self.full_text)

    # -- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.articles)

    def read(self, article: Article) -> tuple[Article, list[Problem]]:
        """The article with its body, re-read from disk (the index keeps no bodies)."""
        path = self.root / article.path
        try:
            size = path.stat().st_size
            mtime_ns = path.stat().st_mtime_ns
        except OSError:
            size, mtime_ns = article.size, int(article.mtime * 1e9)
        result = read_file(FileEntry(article.path, str(path), size, mtime_ns))
        if result.article is None:
            return replace(article, body=""), result.problems
        return result.article, result.problems

    # -- querying -------------------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        sort: str = "date",
        bookmarked: Iterable[int] = (),
        read: Iterable[int] = (),
    ) -> SearchResult:
        """Ids matching ``query`` in ``sort`` order (``bookmarked``/``read`` feed ``is:``)."""
        parsed = parse_query(query) if isinstance(query, str) else query
        order = self.orders.get(sort, self.orders["date"])
        if parsed.root is None:
            return SearchResult(list(order), parsed.errors, parsed)
        context = _Context(frozenset(bookmarked), frozenset(read))
        matched = self._eval(parsed.root, context)
        if len(matched) * 8 < len(order):
            rank = self._rank(sort)
            ids = sorted(matched, key=rank.__getitem__)
        else:
            ids = [i for i in order if i in matched]
        return SearchResult(ids, parsed.errors, parsed)

    def _rank(self, sort: str) -> list[int]:
        cache_key = f"rank:{sort}"
        rank = self.orders.get(cache_key)
        if rank is None:
            order = self.orders.get(sort, self.orders["date"])
            rank = [0] * len(order)
            for position, i in enumerate(order):
                rank[i] = position
            self.orders[cache_key] = rank
        return rank

    def _all(self) -> set[int]:
        return set(range(len(self.articles)))

    def _eval(self, node: Node, context: _Context) -> set[int]:
        if isinstance(node, And):
            positives = [c for c in node.children if not isinstance(c, Not)]
            negatives = [c.child for c in node.children if isinstance(c, Not)]
            sets = sorted((self._eval(c, context) for c in positives), key=len)
            result = set(sets[0]) if sets else self._all()
            for other in sets[1:]:
                result &= other
                if not result:
                    return result
            for negative in negatives:
                result -= self._eval(negative, context)
            return result
        if isinstance(node, Or):
            result: set[int] = set()
            for child in node.children:
                result |= self._eval(child, context)
            return result
        if isinstance(node, Not):
            return self._all() - self._eval(node.child, context)
        if isinstance(node, DateRange):
            return self._date_range(node)
        return self._term(node, context)

    def _date_range(self, node: DateRange) -> set[int]:
        low = bisect.bisect_left(self._dates, (node.start.timestamp(), -1)) if node.start else 0
        high = bisect.bisect_left(self._dates, (node.end.timestamp(), -1)) if node.end else len(self._dates)
        return {i for _, i in self._dates[low:high]}

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

    def _term(self, term: Term, context: _Context) -> set[int]:
        kind, value = term.field, term.value
        if kind == "tag":
            tids = self.tag_ids_for(value)
            if len(tids) == 1:
                return set(self.postings[tids[0]])
            return set().union(*(self.postings[t] for t in tids)) if tids else set()
        if kind == "is":
            if value == "bookmarked":
                return set(context.bookmarked)
            if value == "read":
                return set(context.read)
            return self._all() - context.read
        needle = value.casefold()
        if kind in {"source", "author", "title"}:
            getter = {"source": lambda a: a.source, "author": lambda a: a.author, "title": lambda a: a.title}[kind]
            return {i for i, a in enumerate(self.articles) if needle in getter(a).casefold()}
        result = {i for i, hay in enumerate(self.haystack) if needle in hay}
        if self.full_text is not None:
            body_hits = self.full_text(value)
            if body_hits:
                result |= body_hits
        return result

    # -- tags -----------------------------------------------------------------------------

    def tag_counts(self, ids: Sequence[int] | None = None) -> list[TagCount]:
        """Every tag with how many of ``ids`` (default: all articles) carry it, most first."""
        if ids is None or len(ids) == len(self.articles):
            counts: Iterable[tuple[int, int]] = ((tid, len(p)) for tid, p in enumerate(self.postings))
        else:
            counts = Counter(chain.from_iterable(self.article_tags[i] for i in ids)).items()
        rows = [TagCount(self.tag_names[tid], self.tag_names[tid].casefold(), n) for tid, n in counts if n]
        rows.sort(key=lambda row: (-row.count, row.key))
        return rows

    def date_of(self, i: int) -> datetime | None:
        return self.articles[i].date


@dataclass(slots=True, frozen=True)
class _Context:
    bookmarked: frozenset[int]
    read: frozenset[int]


def load_library(root: Path | str) -> Library:
    """Convenience for scripts and tests: the library at ``root``, parsed in full."""
    return Library.load(root)


