"""The in-memory library: articles, tag postings, sort orders, and query evaluation.

Everything a keystroke needs is precomputed when the library is built: each tag's set of
article ids, the three sort orders, a line of folded tokens per article for word matches.
A filter is then a few set operations and one pass over a presorted id list, which stays
in the tens of milliseconds at 100,000 articles.
"""

from __future__ import annotations

import bisect
import gc
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Protocol, overload

from reader.library.model import Article, Problem
from reader.library.query import And, DateRange, Node, Not, Or, Query, Term, parse_query
from reader.library.scan import FileEntry, ScanReport, read_file, walk
from reader.library.tags import split_facet, tag_key

SORTS = ("date", "title", "source")
"""The orders the article list cycles through."""
_TITLE_SORT_SKIP = "\"'“”‘’«»¿¡([{*_#. "
"""Leading quotes and brackets a title sort passes over."""
_UNDATED = float("inf")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    Creating 100,000 articles (or their index) otherwise triggers hundreds of collections,
    each walking every live object: pausing makes loading two to three times faster. Nothing
    built here is cyclic garbage, and the previous state is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Orders(dict[str, list[int]]):
    """Sort orders by name: ``date`` up front, ``title`` and ``source`` computed on first use.

    A dict (``orders["title"]``, ``orders.get("title")``) so callers need not care which are
    ready. Holds the articles, not the library, so a library is never part of a cycle.
    """

    def __init__(self, articles: list[Article], by_date: list[int], date_keys: list[float]) -> None:
        super().__init__(date=by_date)
        self.articles = articles
        self.date_keys = date_keys
        """``-timestamp`` per article (``inf`` when undated): the date sort's key."""

    def __missing__(self, key: str) -> list[int]:
        articles = self.articles
        with gc_paused():
            if key == "title":
                # '"Nobody calls me…"' files under N, not before A.
                folded = [a.title.casefold() for a in articles]
                titles = [title.lstrip(_TITLE_SORT_SKIP) or title for title in folded]
                order = sorted(range(len(articles)), key=titles.__getitem__)
            elif key == "source":
                # By source, newest first within one (a stable sort of the date order);
                # articles without a source go last.
                sources = [a.source.casefold() for a in articles]
                by_source = sorted(self["date"], key=sources.__getitem__)
                blank = sum(1 for i in by_source if not articles[i].source)
                order = by_source[blank:] + by_source[:blank] if blank else by_source
            else:
                raise KeyError(key)
        self[key] = order
        return order

    @overload  # type: ignore[override]
    def get(self, key: str, default: None = None) -> list[int] | None: ...
    @overload
    def get(self, key: str, default: list[int]) -> list[int]: ...
    def get(self, key: str, default: list[int] | None = None) -> list[int] | None:
        try:
            return self[key]
        except KeyError:
            return default



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


class TextSearch(Protocol):
    """A full-text index (:class:`reader.library.fulltext.FullTextIndex`) a library searches through.

    It is handed the library on every call because its rows must be mapped to *that*
    snapshot's article ids; so one index serves every snapshot ``with_changes`` derives.
    """

    def scores(self, library: Library, term: Term) -> dict[int, float] | None:
        """Ids matching a bare word (token prefix) or phrase, with relevance (higher is better);
        ``None`` when the index cannot answer (the library then matches in memory)."""
        ...


_WORD_TOKEN = re.compile(r"[^\W_]+")
"""A token as FTS5's unicode61 tokenizer sees it: letters and digits (``_`` separates)."""


def _tokens(text: str) -> list[str]:
    """Case-folded, diacritic-free tokens, like FTS5's ``unicode61 remove_diacritics 2``."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD_TOKEN.findall(text)


_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum() and c != 0})
"""ASCII characters that separate tokens, all made spaces (``\x00`` separates texts)."""


def _token_lines_of(texts: list[str]) -> list[str]:
    """`` tok tok tok `` for each text: ``f" {' '.join(_tokens(text))} "``, but the ASCII texts
    (nearly all) through one ``str.translate`` of all of them at once, without a regex. The
    first word typed in the filter bar waits for this: 100,000 articles, 0.2 s, not 0.7 s."""
    lines = [""] * len(texts)
    plain = [i for i, text in enumerate(texts) if text.isascii() and "\x00" not in text]
    if plain:
        joined = "\x00".join([texts[i] for i in plain]).lower().translate(_ASCII_GAPS)
        for i, part in zip(plain, joined.split("\x00"), strict=True):
            lines[i] = f" {' '.join(part.split())} "
    if len(plain) < len(texts):
        done = set(plain)
        for i, text in enumerate(texts):
            if i not in done:
                lines[i] = f" {' '.join(_tokens(text))} "
    return lines


def _haystack_text(a: Article) -> str:
    return f"{a.title}\n{' '.join(a.aliases)}\n{a.subtitle}\n{a.source}\n{a.author}\n{' '.join(a.tags)}".casefold()


@dataclass(slots=True)
class Library:
    """An immutable snapshot of a library folder. Rebuild (``with_changes``) to update."""

    root: Path
    articles: list[Article]
    problems: list[Problem] = field(default_factory=list)
    skipped_dirs: list[str] = field(default_factory=list)
    full_text: TextSearch | Callable[[str], set[int] | None] | None = None
    """Optional full-text search over bodies too: a :class:`TextSearch` (``FullTextIndex.attach``
    sets it; ranks results), or a plain callable word → extra ids (``None`` if unavailable)."""
    extras: dict[str, object] = field(init=False, default_factory=dict, repr=False, compare=False)
    """Per-snapshot caches of helpers outside this class (full-text row map, timeline months)."""

    by_path: dict[str, int] = field(init=False)
    tag_names: list[str] = field(init=False)
    tag_index: dict[str, int] = field(init=False)
    orders: _Orders = field(init=False)
    """``date`` is built with the library; ``title``, ``source`` (and ranks) on first use."""
    # Built on first use (see the properties below): a warm start needs only the date order,
    # the tag names and their counts, and 100,000 articles must open in a fraction of a second.
    _tag_of: dict[str, int] = field(init=False, repr=False, compare=False)
    _counts: list[int] | None = field(init=False, repr=False, compare=False)
    _article_tags: list[tuple[int, ...]] | None = field(init=False, default=None, repr=False, compare=False)
    _postings: list[set[int]] | None = field(init=False, default=None, repr=False, compare=False)
    _value_index: dict[str, list[int]] | None = field(init=False, default=None, repr=False, compare=False)
    _folded: dict[str, list[str]] = field(init=False, default_factory=dict, repr=False, compare=False)
    _dates: tuple[list[float], list[int]] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
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
            self._token_lines()
        self._date_index()
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
            self.by_path = {article.path: i for i, article in enumerate(articles)}
            # Distinct spellings in first-seen order with their counts, in C (Counter keeps
            # insertion order); then one Python step per distinct tag, not per tag use.
            spellings = Counter(chain.from_iterable([a.tags for a in articles]))
            tag_index: dict[str, int] = {}
            names: list[str] = []
            counts: list[int] = []
            tag_of: dict[str, int] = {}
            for spelling, count in spellings.items():
                key = spelling.casefold()
                tid = tag_index.get(key)
                if tid is None:
                    tid = tag_index[key] = len(names)
                    names.append(spelling)
                    counts.append(0)
                counts[tid] += count
                tag_of[spelling] = tid
            self.tag_index, self.tag_names, self._tag_of = tag_index, names, tag_of
            # Two spellings of one tag could meet in one article: then only postings count right.
            self._counts = counts if len(tag_of) == len(names) else None
            undated = float("inf")
            keys = [undated if (when := a.date) is None else -when.timestamp() for a in articles]
            by_date = sorted(range(len(articles)), key=keys.__getitem__)
        self.orders = _Orders(articles, by_date, keys)

    @property
    def article_tags(self) -> list[tuple[int, ...]]:
        """Each article's tag ids (``article_tags[i]``), built on first use."""
        if self._article_tags is None:
            with gc_paused():
                get = self._tag_of.__getitem__
                self._article_tags = [tuple(map(get, a.tags)) for a in self.articles]
        return self._article_tags

    @property
    def postings(self) -> list[set[int]]:
        """Each tag's set of article ids (``postings[tid]``), built on first use."""
        if self._postings is None:
            with gc_paused():
                lists: list[list[int]] = [[] for _ in self.tag_names]
                for i, tids in enumerate(self.article_tags):
                    for tid in tids:
                        lists[tid].append(i)
                self._postings = [set(ids) for ids in lists]
        return self._postings

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
        """A case-folded line of each article's title, aliases, subtitle, source, author and tags.

        Built only to make the token lines and then dropped: keeping both would cost ~40 MB
        at 100,000 articles."""
        with gc_paused():
            return [_haystack_text(a) for a in self.articles]

    def _folded_field(self, name: str) -> list[str]:
        """One case-folded field of every article (``title``, ``source``, ``author``), cached."""
        folded = self._folded.get(name)
        if folded is None:
            with gc_paused():
                get = attrgetter(name)
                folded = self._folded[name] = [get(a).casefold() for a in self.articles]
        return folded

    def _date_index(self) -> tuple[list[float], list[int]]:
        """Dated articles by ascending timestamp (keys, ids), for ``date:`` ranges."""
        if self._dates is None:
            keys = self.orders.date_keys
            dated = sum(1 for key in keys if key != _UNDATED)
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
            st = path.stat()
            size, mtime_ns = st.st_size, st.st_mtime_ns
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
        highlighted: Iterable[int] = (),
        noted: Iterable[int] = (),
    ) -> SearchResult:
        """Ids matching ``query`` in ``sort`` order (``bookmarked``/``read``/``highlighted`` feed
        ``is:``, ``noted`` feeds ``has:note``).

        Relevance rule: with a full-text index attached (:attr:`full_text`), a query holding
        words or phrases comes best match first (bm25, summed over its non-negated words and
        phrases; ties newest first) when ``sort`` is ``"relevance"`` or the default ``"date"``.
        ``"title"`` and ``"source"`` always keep their order; with no words, or no index,
        ``"relevance"`` means newest first.
        """
        parsed = parse_query(query) if isinstance(query, str) else query
        order = self.orders.get(sort, self.orders["date"])
        if parsed.root is None:
            return SearchResult(list(order), parsed.errors, parsed)
        context = _Context(frozenset(bookmarked), frozenset(read), frozenset(highlighted), frozenset(noted))
        matched = self._eval(parsed.root, context)
        if context.scores and (sort == "relevance" or (sort == "date" and parsed.has_text)):
            ranked = self._by_relevance(matched, parsed.root, context)
            if ranked is not None:
                return SearchResult(ranked, parsed.errors, parsed)
        if len(matched) * 8 < len(order):
            rank = self._rank(sort)
            ids = sorted(matched, key=rank.__getitem__)
        else:
            ids = [i for i in order if i in matched]
        return SearchResult(ids, parsed.errors, parsed)

    def _by_relevance(self, matched: set[int], root: Node, context: _Context) -> list[int] | None:
        """``matched`` best first by the summed scores of the query's positive words and phrases."""
        tables = [context.scores[t] for t in _positive_text_terms(root) if t in context.scores]
        if not tables:
            return None
        # Newest first, then a stable sort by score (C-level keys where possible: 100,000 ids).
        order = self.orders["date"]
        if len(matched) * 8 < len(order):
            ids = sorted(matched, key=self._rank("date").__getitem__)
        else:
            ids = list(filter(matched.__contains__, order))
        if len(tables) == 1 and matched <= tables[0].keys():
            ids.sort(key=tables[0].__getitem__, reverse=True)
        else:
            total = {i: sum(t.get(i, 0.0) for t in tables) for i in ids}
            ids.sort(key=total.__getitem__, reverse=True)
        return ids

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
            union: set[int] = set()
            for child in node.children:
                union |= self._eval(child, context)
            return union
        if isinstance(node, Not):
            return self._all() - self._eval(node.child, context)
        if isinstance(node, DateRange):
            return self._date_range(node)
        return self._term(node, context)

    def _date_range(self, node: DateRange) -> set[int]:
        stamps, ids = self._date_index()
        low = bisect.bisect_left(stamps, node.start.timestamp()) if node.start else 0
        high = bisect.bisect_left(stamps, node.end.timestamp()) if node.end else len(stamps)
        return set(ids[low:high])

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
            if value == "highlighted":
                return set(context.highlighted)
            if value == "noted":
                return set(context.noted)
            return self._all() - context.read
        needle = value.casefold()
        if kind in {"source", "author", "title"}:
            return {i for i, value in enumerate(self._folded_field(kind)) if needle in value}
        if not _WORD_TOKEN.search(value):
            return self._all()  # "&", "-", "*": nothing to look for, so no reason to hide anything
        scorer = getattr(self.full_text, "scores", None)
        if scorer is not None:
            scores = context.scores.get(term)
            if scores is None:
                scores = scorer(self, term)
            if scores is not None:
                context.scores[term] = scores
                return set(scores)
        result = self.match_text(term)
        if self.full_text is not None and scorer is None:
            body_hits = self.full_text(value)  # type: ignore[operator]
            if body_hits:
                result |= body_hits
        return result

    def match_text(self, term: Term, ids: Iterable[int] | None = None) -> set[int]:
        """Articles (of ``ids``; default all) whose metadata holds a word or phrase, in memory.

        The same meaning as the full-text index, minus bodies: a bare word matches a token
        *starting* with it (``ranso`` → "Ransomware", but ``ware`` does not; a one-character
        word only that whole token), a phrase matches whole tokens in order; tokens are runs of
        letters and digits, case and diacritics ignored. Used when no index is attached, and
        for articles the index does not cover yet.
        """
        parts = _tokens(term.value)
        if not parts:
            return self._all() if ids is None else set(ids)
        # On " tok tok tok " lines a token-prefix test is a plain substring test, done in C.
        # A one-character last token is matched whole, as the full-text index does.
        whole = term.field == "phrase" or len(parts[-1]) < 2
        needle = " " + " ".join(parts) + (" " if whole else "")
        if ids is None:
            return {i for i, line in enumerate(self._token_lines()) if needle in line}
        lines = self.extras.get("match_text.lines")
        if isinstance(lines, list):
            return {i for i in ids if needle in lines[i]}
        # A few articles (those the full-text index has not reached yet): no need to build
        # the lines of all of them.
        articles = self.articles
        return {i for i in ids if needle in _token_lines_of([_haystack_text(articles[i])])[0]}

    def _token_lines(self) -> list[str]:
        """Each article's metadata as `` tok tok tok `` (folded tokens), built on first use."""
        lines = self.extras.get("match_text.lines")
        if not isinstance(lines, list):
            lines = _token_lines_of(self._haystack_texts())
            self.extras["match_text.lines"] = lines
        return lines

    # -- tags -----------------------------------------------------------------------------

    def tag_counts(self, ids: Sequence[int] | None = None) -> list[TagCount]:
        """Every tag with how many of ``ids`` (default: all articles) carry it, most first."""
        if ids is None or len(ids) == len(self.articles):
            counts: Iterable[tuple[int, int]] = (
                enumerate(self._counts)
                if self._counts is not None
                else ((tid, len(p)) for tid, p in enumerate(self.postings))
            )
        else:
            counts = Counter(chain.from_iterable(self.article_tags[i] for i in ids)).items()
        rows = [TagCount(self.tag_names[tid], self.tag_names[tid].casefold(), n) for tid, n in counts if n]
        rows.sort(key=lambda row: (-row.count, row.key))
        return rows


@dataclass(slots=True, frozen=True)
class _Context:
    bookmarked: frozenset[int]
    read: frozenset[int]
    highlighted: frozenset[int] = frozenset()
    noted: frozenset[int] = frozenset()
    scores: dict[Term, dict[int, float]] = field(default_factory=dict)
    """Full-text scores of the word and phrase terms met so far: for ranking, and asked once."""


def _positive_text_terms(root: Node) -> list[Term]:
    """The distinct word and phrase terms not under a negation (what relevance sums over)."""
    out: dict[Term, None] = {}

    def visit(node: Node, negated: bool) -> None:
        if isinstance(node, Term):
            if node.field in {"", "phrase"} and not negated:
                out[node] = None
        elif isinstance(node, Not):
            visit(node.child, not negated)
        elif isinstance(node, And | Or):
            for child in node.children:
                visit(child, negated)

    visit(root, False)
    return list(out)


