"""A library's articles kept as columns: an :class:`Article` is made only for a row asked for.

A warm start used to turn the cache's snapshot into 100,000 ``Article`` objects before the
list could show its first row, although the list draws ~40 of them and the index needs three
fields of each (path, tags, date). Measured at 100,000 articles on this project's 2-core
machine: building the objects was 0.23 s of a 0.93 s ``load_cached``, and splitting the eight
text columns another 0.17 s; in the app, where the load shares the interpreter with the UI
mounting, the whole step took 1.6–1.75 s.

:class:`ArticleTable` is a ``Sequence[Article]`` (``table[i]``, ``len``, iteration) that
holds the values column by column. A column is produced when first asked for
(:meth:`ArticleTable.column`) — from the snapshot's blob, or from the articles a cold index
made — and an article when its row is first asked for (then kept, so ``table[i] is
table[i]``). Code that needs one field of every article (the index, sort orders, the
full-text row map, ``reader list --json``) asks for the column and never makes the objects.

Thread safety: a column is made once, under the table's lock (a snapshot's loader frees its
blob as it decodes it, so the blobs and the columns made from them never both stay in
memory); an article may be made twice by two threads at once, both equal, either kept.
Nothing is ever changed once made.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, TypeVar, overload

from reader.library.model import Article

T = TypeVar("T")
V = TypeVar("V")

FIELDS = tuple(field.name for field in dataclasses.fields(Article))
"""Every field of :class:`Article`, in its constructor's order."""

Loader = Callable[[], Mapping[str, Sequence[Any]]]
"""Makes one or more columns at once (the snapshot's ``extra`` blob fills four)."""


class Rows(Sequence[T]):
    """A sequence whose items are made on demand by :meth:`_item` (a row index from 0): slices,
    negative indexes, iteration and comparison with any sequence, written once for the
    library's tables (:class:`ArticleTable`, :class:`reader.library.prewalk.WalkedFiles`)."""

    __slots__ = ()

    def _item(self, index: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        count = len(self)
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(count))]
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        return self._item(index)

    def __iter__(self) -> Iterator[T]:
        return map(self._item, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # compared by value


class ArticleTable(Rows[Article]):
    """The articles of one library snapshot, column by column (see the module's docstring).

    ``loaders`` maps each field of :class:`Article` to a function that returns that column
    (and maybe others); every field must have one. ``made`` is the articles already made, by
    row, ``None`` where not yet."""

    __slots__ = (
        "_columns", "_count", "_date_keys", "_loaders", "_lock", "_made", "_row_columns", "_row_getters", "_tag_uses",
    )  # fmt: skip

    def __init__(self, count: int, loaders: Mapping[str, Loader], made: list[Article | None] | None = None) -> None:
        missing = set(FIELDS) - set(loaders)
        if missing:
            raise TypeError(f"article columns: missing {sorted(missing)}")
        self._count = count
        self._loaders = dict(loaders)
        self._columns: dict[str, Sequence[Any]] = {}
        self._made: list[Article | None] = made if made is not None else [None] * count
        if len(self._made) != count:
            raise ValueError("one slot per row")
        self._row_columns: list[Sequence[Any]] | None = None
        self._date_keys: Sequence[float] | None = None
        self._row_getters: dict[str, Callable[[int], Any]] = {}
        """Per column not made yet, how to read one row of it (the snapshot's blobs)."""
        self._tag_uses: Callable[[], Iterable[tuple[str, int]]] | None = None
        self._lock = threading.Lock()
        """Held while a loader runs: each runs once (a snapshot's loader frees its blob)."""

    @classmethod
    def of(cls, articles: Iterable[Article]) -> ArticleTable:
        """A table of articles already made (a cold index, live changes, tests): each column is
        read off them when first asked for."""
        made: list[Article | None] = list(articles)

        def loader(name: str) -> Loader:
            return lambda: {name: list(map(attrgetter(name), made))}

        return cls(len(made), {name: loader(name) for name in FIELDS}, made)

    def rebuilt(self, rows: Sequence[int | Article]) -> ArticleTable:
        """A new table whose rows are this table's rows (by index) or new articles, in the
        order given: live reload's few changed files among 100,000 unchanged ones, without
        making an article for each of those (their columns are gathered when asked for)."""
        made = self._made
        new_made: list[Article | None] = [made[row] if isinstance(row, int) else row for row in rows]

        def loader(name: str) -> Loader:
            def load() -> dict[str, Sequence[Any]]:
                old = self.column(name)
                return {name: [old[row] if isinstance(row, int) else getattr(row, name) for row in rows]}

            return load

        table = ArticleTable(len(rows), {name: loader(name) for name in FIELDS}, new_made)
        if self._date_keys is not None:
            keys = self._date_keys
            table._date_keys = [keys[row] if isinstance(row, int) else date_keys([row.date])[0] for row in rows]
        return table

    @classmethod
    def from_columns(
        cls,
        count: int,
        columns: Mapping[str, Sequence[Any] | Loader],
        *,
        date_keys: Sequence[float] | None = None,
        row_getters: Mapping[str, Callable[[int], Any]] | None = None,
        tag_uses: Callable[[], Iterable[tuple[str, int]]] | None = None,
    ) -> ArticleTable:
        """A table whose columns are given as values, or as loaders to call on first use.

        A field without an entry is an error (``TypeError``), never a silently empty field:
        ``body`` is the one exception, always ``""`` (the index keeps no bodies).
        ``date_keys``: :meth:`date_keys` already worked out (the snapshot stores them), so
        the date order needs no ``datetime`` made. ``row_getters``: per column, how to read one
        row without making the column: the rows a list draws are made from them, and the
        columns only when something needs all of a column. ``tag_uses``: :meth:`tag_uses`
        worked out without the tags column (the snapshot counts its tag ids)."""
        loaders: dict[str, Loader] = {"body": lambda: {"body": _Constant("", count)}}
        for name, value in columns.items():
            if name not in FIELDS:
                raise TypeError(f"article columns: unknown {name!r}")
            loaders[name] = value if callable(value) else _given(name, value)
        table = cls(count, loaders)
        if date_keys is not None:
            if len(date_keys) != count:
                raise ValueError(f"date keys: {len(date_keys)} values for {count} rows")
            table._date_keys = date_keys
        table._row_getters = dict(row_getters or {})
        table._tag_uses = tag_uses
        return table

    # -- columns ----------------------------------------------------------------------------

    def column(self, name: str) -> Sequence[Any]:
        """Every article's ``name`` field, by row (made on first use, then kept)."""
        found = self._columns.get(name)
        if found is not None:
            return found
        if name not in self._loaders:
            raise KeyError(name)
        with self._lock:
            found = self._columns.get(name)
            if found is None:
                made = self._loaders[name]()
                for other, values in made.items():
                    if len(values) != self._count:
                        raise ValueError(f"column {other}: {len(values)} values for {self._count} rows")
                    self._columns.setdefault(other, values)
                    self._row_getters.pop(other, None)  # and with it, the blob
                found = self._columns[name]
        return found

    def date_keys(self) -> Sequence[float]:
        """Each article's date sort key: ``-timestamp``, :data:`UNDATED` without a date (so a
        plain ascending sort is newest first, undated last)."""
        keys = self._date_keys
        if keys is None:
            keys = self._date_keys = date_keys(self.column("date"))
        return keys

    def tag_uses(self) -> Iterable[tuple[str, int]]:
        """Each tag spelling with the number of articles carrying it, in the order the articles
        first use them: what the library's tag index is built from (a warm start counts the
        snapshot's tag ids in C and makes no tuple of tags: ~0.15 s of ~0.37 at 100,000)."""
        if self._tag_uses is not None and "tags" not in self._columns:
            return self._tag_uses()
        return Counter(chain.from_iterable(self.column("tags"))).items()

    def has_column(self, name: str) -> bool:
        """Whether :meth:`column` answers without making anything."""
        return name in self._columns

    # -- the Sequence protocol ---------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    def _item(self, index: int) -> Article:
        article = self._made[index]
        if article is None:
            article = self._made[index] = self._make(index)
        return article

    def __iter__(self) -> Iterator[Article]:
        made = self._made
        for i, article in enumerate(made):
            yield article if article is not None else self._item(i)

    def __repr__(self) -> str:
        return f"<ArticleTable: {self._count} articles>"

    def _make(self, index: int) -> Article:
        columns = self._row_columns
        if columns is not None:
            return Article(*[column[index] for column in columns])
        if not self._row_getters:
            columns = self._row_columns = [self.column(name) for name in FIELDS]
            return Article(*[column[index] for column in columns])
        values = []
        for name in FIELDS:
            column = self._columns.get(name)
            if column is None:
                getter = self._row_getters.get(name)
                values.append(getter(index) if getter is not None else self.column(name)[index])
            else:
                values.append(column[index])
        return Article(*values)


class _Constant(Sequence[Any]):
    """``count`` times one value, without a list of them."""

    __slots__ = ("_count", "_value")

    def __init__(self, value: Any, count: int) -> None:
        self._value, self._count = value, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(repeat(self._value, len(range(*index.indices(self._count)))))
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._value


UNDATED = float("inf")
"""The date key of an article without a date: after every dated one."""


def per_date(convert: Callable[[datetime], V], none: V) -> Callable[[datetime | None], V]:
    """``convert`` of a date (``none`` for no date), worked out once per date *object*: the
    cache hands out one object per distinct stored date (47,700 for 100,000 articles in the
    bench library). Keyed by identity, not by value: two aware datetimes of one instant in
    different zones are equal (one dict key) but print differently. The caller keeps every
    date alive while it uses this (a column does), so no identity is reused."""
    done: dict[int, V] = {}

    def of(date: datetime | None) -> V:
        if date is None:
            return none
        try:
            return done[id(date)]
        except KeyError:
            value = done[id(date)] = convert(date)
            return value

    return of


def _date_key(date: datetime) -> float:
    return -date.timestamp()


def date_keys(dates: Iterable[datetime | None]) -> list[float]:
    """The date sort keys of :meth:`ArticleTable.date_keys`."""
    return list(map(per_date(_date_key, UNDATED), dates))


def as_table(articles: Iterable[Article]) -> ArticleTable:
    """The articles as a table: a library's own as it is (its columns are read, no article is
    made), or a table of the articles given."""
    return articles if isinstance(articles, ArticleTable) else ArticleTable.of(articles)


def _given(name: str, values: Sequence[Any]) -> Loader:
    return lambda: {name: values}


__all__ = ["FIELDS", "UNDATED", "ArticleTable", "as_table", "date_keys", "per_date"]
