"""Evaluating a query over a library snapshot: the matching ids, in display order.

Everything a keystroke needs was precomputed when the snapshot was built
(:class:`reader.library.snapshot.Library`): each tag's set of ids, the sort orders, a line of
folded tokens per article. A filter is then a few set operations and one pass over a presorted
id list, which stays in the tens of milliseconds at 100,000 articles. Words and phrases go to
the full-text index when one is attached (:class:`TextSearch`, with bm25 relevance), else to
the in-memory token lines; both follow one tokenizer (:mod:`reader.library.tokens`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Protocol

from reader.library.query import And, DateRange, Node, Not, Or, Query, Term, parse_query, positive_text_terms
from reader.library.ranked import Ranked, Tier, by_rank
from reader.library.tokens import has_token, line_needle, token_lines

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.library.snapshot import Library


@dataclass(slots=True)
class SearchResult:
    """The ids matching a query, in display order, and what was wrong with the query."""

    ids: Sequence[int]
    """A list, or a :class:`~reader.library.ranked.Ranked` that orders itself as it is read."""
    errors: list[str]
    query: Query


class TextSearch(Protocol):
    """A full-text index (:class:`reader.library.fulltext.FullTextIndex`) a library searches through.

    It is handed the library on every call because its rows must be mapped to *that*
    snapshot's article ids; so one index serves every snapshot ``with_changes`` derives.
    """

    def scores(self, library: Library, term: Term) -> Mapping[int, float] | None:
        """Ids matching a bare word (token prefix) or phrase, with relevance (higher is better);
        ``None`` when the index cannot answer (the library then matches in memory)."""
        ...


def haystack_text(a: Article) -> str:
    """The metadata a word matches in memory: title, aliases, subtitle, source, author and tags
    (folded by :func:`reader.library.tokens.token_lines`, as the full-text index folds them)."""
    return haystack_of(a.title, a.aliases, a.subtitle, a.source, a.author, a.tags)


def haystack_of(
    title: str, aliases: Sequence[str], subtitle: str, source: str, author: str, tags: Sequence[str]
) -> str:
    """:func:`haystack_text` from the fields themselves (the library passes its columns)."""
    return f"{title}\n{' '.join(aliases)}\n{subtitle}\n{source}\n{author}\n{' '.join(tags)}"


class CommonWord(Mapping[int, float]):
    """The scores of a word too common to rank (:data:`reader.library.fulltext.RANK_LIMIT`):
    every hit (:attr:`ids`) scores 0 but those in :attr:`top`, which score the same small number.

    Knowing that, a ranking is a partition (:func:`_tiers`): the hits in ``top`` newest first,
    then the rest newest first, with set operations in C instead of summing and sorting every
    hit's score. With :func:`in_order` and a term's keys used without a copy, ``Library.search``
    over the bench's typed prefixes at 100,000 articles went from p90 219 to 141 ms (median 58
    to 48; the same ids for all 80 prefixes).

    Both are kept in plain dicts, which hold only ints and floats and so are never tracked by
    the cycle collector: a ``set`` (or a ``dict`` subclass) is, and the 32 terms the full-text
    index keeps (~95,000 ids each for a typed prefix at 100,000 articles) made every full
    collection during typing cost ~90 ms, against ~37 ms without them."""

    __slots__ = ("_hits", "_merged", "_top")

    def __init__(self, hits: dict[int, float], top: dict[int, float]) -> None:
        self._hits, self._top = hits, top  # every hit (scoring 0 there), and the top ones' scores
        self._merged: dict[int, float] | None = None

    @property
    def ids(self) -> AbstractSet[int]:
        return self._hits.keys()

    @property
    def top(self) -> AbstractSet[int]:
        return self._top.keys()

    def __getitem__(self, key: int) -> float:
        score = self._top.get(key)
        return self._hits[key] if score is None else score

    def __iter__(self) -> Iterator[int]:
        return iter(self._hits)

    def __len__(self) -> int:
        return len(self._hits)

    def __contains__(self, key: object) -> bool:
        return key in self._hits

    def as_dict(self) -> dict[int, float]:
        """Every hit's score, for the summing path of :func:`_by_relevance`: a copy made on
        the first call (a typed key ranks by tiers and never needs it), so the hits a result
        still reads from another thread never change."""
        if self._merged is None:
            merged = dict(self._hits)
            merged.update(self._top)
            self._merged = merged
        return self._merged

    def add(self, ids: Iterable[int]) -> None:
        """More hits, scoring 0 (articles the index does not cover yet)."""
        for i in ids:
            self._hits.setdefault(i, 0.0)
        self._merged = None


@dataclass(slots=True, frozen=True)
class Context:
    bookmarked: frozenset[int]
    read: frozenset[int]
    highlighted: frozenset[int] = frozenset()
    noted: frozenset[int] = frozenset()
    scores: dict[Term, Mapping[int, float]] = field(default_factory=dict)
    """Full-text scores of the word and phrase terms met so far: for ranking, and asked once."""


def run(library: Library, query: str | Query, sort: str, context: Context) -> SearchResult:
    """Ids matching ``query`` in ``sort`` order (``context`` holds the marks ``is:`` and
    ``has:note`` select; see :meth:`reader.library.snapshot.Library.search`).

    Relevance rule: with a full-text index attached (:attr:`full_text`), a query holding
    words or phrases comes best match first (bm25, summed over its non-negated words and
    phrases; ties newest first) when ``sort`` is ``"relevance"`` or the default ``"date"``.
    ``"title"`` and ``"source"`` always keep their order; with no words, or no index,
    ``"relevance"`` means newest first.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    order = library.orders.get(sort, library.orders["date"])
    if parsed.root is None:
        return SearchResult(list(order), parsed.errors, parsed)
    matched = _eval(library, parsed.root, context)
    if context.scores and (sort == "relevance" or (sort == "date" and parsed.has_text)):
        ranked = _by_relevance(library, matched, parsed.root, context)
        if ranked is not None:
            return SearchResult(ranked, parsed.errors, parsed)
    return SearchResult(Ranked(order, _rank(library, sort), [(matched, frozenset())]), parsed.errors, parsed)


def in_order(library: Library, ids: Iterable[int], sort: str = "date") -> list[int]:
    """``ids`` in ``sort`` order, all at once (:func:`~reader.library.ranked.by_rank`): for the
    ranking that sorts by summed scores next, which needs every id."""
    return by_rank(library.orders.get(sort, library.orders["date"]), _rank(library, sort), ids)


def _by_relevance(library: Library, matched: AbstractSet[int], root: Node, context: Context) -> Sequence[int] | None:
    """``matched`` best first by the summed scores of the query's positive words and phrases."""
    tables = [context.scores[t] for t in positive_text_terms(root) if t in context.scores]
    if not tables:
        return None
    common = [table.top for table in tables if isinstance(table, CommonWord)]
    if len(common) == len(tables):
        return _tiers(library, matched, common)
    tables = [table.as_dict() if isinstance(table, CommonWord) else table for table in tables]
    # Newest first, then a stable sort by score (C-level keys where possible: 100,000 ids).
    ids = in_order(library, matched)
    if len(tables) == 1 and matched <= tables[0].keys():
        ids.sort(key=tables[0].__getitem__, reverse=True)
        return ids
    # The summed scores, column by column in C (map over dict.get): half the time of a
    # per-id ``sum`` (~35 against ~75 ms for 90,000 hits of two words), the same floats.
    zeros = repeat(0.0)
    scores: Iterator[float] = map(tables[0].get, ids, zeros)
    for table in tables[1:]:
        scores = map(add, scores, map(table.get, ids, zeros))
    # Sorting positions by a list of totals, not ids by a dict of them: no dict of every hit
    # (~14 ms for 80,000); the sort is stable either way.
    totals = list(scores)
    return list(map(ids.__getitem__, sorted(range(len(ids)), key=totals.__getitem__, reverse=True)))


def _tiers(library: Library, matched: AbstractSet[int], tops: list[AbstractSet[int]]) -> Ranked:
    """``matched`` by how many of the common words have each id in their ``top``, most first,
    each tier newest first: the order a stable sort by the summed scores gives, since every
    id's total is that count times one number (a sum of equal floats and zeros). Set
    operations only, in C, for any number of words; each tier is put in date order only as far
    as it is read (:class:`~reader.library.ranked.Ranked`)."""
    at_least: list[AbstractSet[int]] = [matched]  # [k]: the ids in k of the tops so far, or more
    for top in tops:
        top = top & matched
        at_least.append(at_least[-1] & top)
        for k in range(len(at_least) - 2, 0, -1):
            at_least[k] = at_least[k] | (at_least[k - 1] & top)
    tiers: list[Tier] = [(at_least[-1], frozenset())]
    tiers += [(at_least[k], at_least[k + 1]) for k in range(len(at_least) - 2, -1, -1)]
    return Ranked(library.orders["date"], _rank(library, "date"), tiers)


def _rank(library: Library, sort: str) -> list[int]:
    cache_key = f"rank:{sort}"
    rank = library.orders.get(cache_key)
    if rank is None:
        order = library.orders.get(sort, library.orders["date"])
        rank = [0] * len(order)
        for position, i in enumerate(order):
            rank[i] = position
        library.orders[cache_key] = rank
    return rank


def _all(library: Library) -> set[int]:
    return set(range(len(library.articles)))


def _eval(library: Library, node: Node, context: Context) -> AbstractSet[int]:
    """The ids ``node`` matches. What a term returns may be shared (a tag's postings, a
    word's scores' keys: copying those cost ~5–10 ms a key at 100,000 articles), so a result
    is never changed in place: a new set is made where one is combined."""
    if isinstance(node, And):
        positives = [c for c in node.children if not isinstance(c, Not)]
        negatives = [c.child for c in node.children if isinstance(c, Not)]
        sets = sorted((_eval(library, c, context) for c in positives), key=len)
        result = sets[0] if sets else _all(library)
        for other in sets[1:]:
            result = result & other
            if not result:
                return result
        for negative in negatives:
            result = result - _eval(library, negative, context)
        return result
    if isinstance(node, Or):
        union: set[int] = set()
        for child in node.children:
            union.update(_eval(library, child, context))
        return union
    if isinstance(node, Not):
        return _all(library) - _eval(library, node.child, context)
    if isinstance(node, DateRange):
        return _date_range(library, node)
    return _term(library, node, context)


def _date_range(library: Library, node: DateRange) -> set[int]:
    stamps, ids = library.date_index()
    low = bisect.bisect_left(stamps, node.start.timestamp()) if node.start else 0
    high = bisect.bisect_left(stamps, node.end.timestamp()) if node.end else len(stamps)
    return set(ids[low:high])


def _term(library: Library, term: Term, context: Context) -> AbstractSet[int]:
    kind, value = term.field, term.value
    if kind == "tag":
        tids = library.tag_ids_for(value)
        if len(tids) == 1:
            return library.postings[tids[0]]
        return set().union(*(library.postings[t] for t in tids)) if tids else set()
    if kind == "is":
        if value == "bookmarked":
            return context.bookmarked
        if value == "read":
            return context.read
        if value == "highlighted":
            return context.highlighted
        if value == "noted":
            return context.noted
        return _all(library) - context.read
    needle = value.casefold()
    if kind in {"source", "author", "title"}:
        return {i for i, value in enumerate(library.folded_field(kind)) if needle in value}
    if not has_token(value):
        return _all(library)  # "&", "-", "*": nothing to look for, so no reason to hide anything
    if library.full_text is not None:
        scores = context.scores.get(term)
        if scores is None:
            scores = library.full_text.scores(library, term)
        if scores is not None:
            context.scores[term] = scores
            return scores.ids if isinstance(scores, CommonWord) else scores.keys()
    return match_text(library, term)


def match_text(library: Library, term: Term, ids: Iterable[int] | None = None) -> set[int]:
    """Articles (of ``ids``; default all) whose metadata holds a word or phrase, in memory.

    The same meaning as the full-text index, minus bodies: a bare word matches a token
    *starting* with it (``ranso`` → "Ransomware", but ``ware`` does not; a one-character
    word only that whole token), a phrase matches whole tokens in order; tokens are runs of
    letters and digits, case and diacritics ignored. Used when no index is attached, and
    for articles the index does not cover yet.
    """
    # On " tok tok tok " lines a token-prefix test is a plain substring test, done in C.
    needle = line_needle(term.field == "phrase", term.value)
    if needle is None:
        return _all(library) if ids is None else set(ids)
    if ids is None:
        return {i for i, line in enumerate(library.token_lines()) if needle in line}
    lines = library.memo.token_lines
    if lines is not None:
        return {i for i in ids if needle in lines[i]}
    # A few articles (those the full-text index has not reached yet): no need to build
    # the lines of all of them.
    articles = library.articles
    return {i for i in ids if needle in token_lines([haystack_text(articles[i])])[0]}
