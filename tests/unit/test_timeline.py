"""Timeline (articles per month) and its sparkline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from reader.library.model import Article
from reader.library.snapshot import Library
from reader.library.timeline import BARS, sparkline, timeline


def build(*dates: datetime | None) -> Library:
    return Library(Path("/lib"), [Article(path=f"{n}.md", title=str(n), date=d) for n, d in enumerate(dates)])


def utc(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def test_every_month_from_first_to_last_with_zeros() -> None:
    library = build(utc(2021, 11), utc(2021, 7), utc(2021, 7, 2), None, utc(2022, 1))
    assert timeline(library, range(len(library))) == [
        ("2021-07", 2),
        ("2021-08", 0),
        ("2021-09", 0),
        ("2021-10", 0),
        ("2021-11", 1),
        ("2021-12", 0),
        ("2022-01", 1),
    ]


def test_only_the_given_ids_count_and_undated_are_ignored() -> None:
    library = build(utc(2020, 1), utc(2020, 3), None, utc(2023, 5))
    assert timeline(library, [1, 2]) == [("2020-03", 1)]
    assert timeline(library, [2]) == []
    assert timeline(library, []) == []


def test_months_are_utc_months() -> None:
    # 23:30 on Sept 30 in New York is already October in UTC: date:2021-10 lists it too.
    new_york = timezone(timedelta(hours=-4))
    library = build(datetime(2021, 9, 30, 23, 30, tzinfo=new_york))
    assert timeline(library, [0]) == [("2021-10", 1)]
    assert library.search("date:2021-10").ids == [0]


def test_the_month_cache_follows_the_snapshot() -> None:
    library = build(utc(2021, 1))
    assert timeline(library, [0]) == [("2021-01", 1)]
    bigger = library.with_changes([Article(path="z.md", title="z", date=utc(2021, 3))], [])
    assert timeline(bigger, range(2)) == [("2021-01", 1), ("2021-02", 0), ("2021-03", 1)]


def test_sparkline_one_cell_per_month_when_it_fits() -> None:
    assert sparkline([0, 1, 2, 4, 8], 10) == " ▁▂▄█"
    assert sparkline([("2021-01", 3), ("2021-02", 3)], 10) == "██"
    assert sparkline([5], 1) == "█"


def test_sparkline_edge_cases() -> None:
    assert sparkline([], 10) == ""
    assert sparkline([1, 2], 0) == ""
    assert sparkline([0, 0, 0], 5) == "   "
    line = sparkline(list(range(100)), 100)
    assert set(line) <= set(BARS) | {" "}
    assert line[-1] == "█"


def test_sparkline_sums_equal_buckets_from_the_newest_month() -> None:
    # 12 months into 5 cells: buckets of 3 months (4 cells), all equal → a flat line, no comb.
    assert sparkline([1] * 12, 5) == "████"
    # 7 months into 3 cells: buckets of 3 from the end → [1 month][3][3]; the short one is
    # drawn at its monthly rate, so a flat series stays flat.
    assert sparkline([2] * 7, 3) == "███"
    assert sparkline([0, 0, 0, 0, 0, 9], 2) == " █"
    assert len(sparkline([1] * 61, 40)) <= 40
