"""Dates: every format the clippings use, the right UTC instant, and None for junk.

The article list sorts by these instants and ``after:``/``before:`` filter on them, so a
date read in the wrong zone puts an article on the wrong day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.dates import parse_date

EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("July 25, 2021", datetime(2021, 7, 25, tzinfo=UTC)),
        ("2021-12-28T11:38:39-05:00", datetime(2021, 12, 28, 16, 38, 39, tzinfo=UTC)),
        ("July 20, 2021 -- 13:00 GMT (14:00 BST)", datetime(2021, 7, 20, 13, 0, tzinfo=UTC)),
        ("October 4, 2021  4:40 pm", datetime(2021, 10, 4, 16, 40, tzinfo=UTC)),
        ("October 4, 2021  4:40 am", datetime(2021, 10, 4, 4, 40, tzinfo=UTC)),
        ("October 4, 2021 12:05 am", datetime(2021, 10, 4, 0, 5, tzinfo=UTC)),
        ("October 4, 2021 12:05 pm", datetime(2021, 10, 4, 12, 5, tzinfo=UTC)),
        ("2022-01-21 09:03:34", datetime(2022, 1, 21, 9, 3, 34, tzinfo=UTC)),
        ("2022-01-31", datetime(2022, 1, 31, tzinfo=UTC)),
        ("2022-02-04T11:34:55.000Z", datetime(2022, 2, 4, 11, 34, 55, tzinfo=UTC)),
        ("2022-02-04T11:34:55Z", datetime(2022, 2, 4, 11, 34, 55, tzinfo=UTC)),
        ("2021-09-01 10:00:00+02:00", datetime(2021, 9, 1, 8, 0, tzinfo=UTC)),
        ("25 July 2021", datetime(2021, 7, 25, tzinfo=UTC)),
        ("25th July, 2021", datetime(2021, 7, 25, tzinfo=UTC)),
        ("Jul 4 2021", datetime(2021, 7, 4, tzinfo=UTC)),
        ("Sept. 3, 2021", datetime(2021, 9, 3, tzinfo=UTC)),
        ("  july   25,   2021  ", datetime(2021, 7, 25, tzinfo=UTC)),
        ("Tuesday, 4 Jan 2022 10:00 +0100", datetime(2022, 1, 4, 9, 0, tzinfo=UTC)),
        ("2021/07/25", datetime(2021, 7, 25, tzinfo=UTC)),
        ("March 2021", datetime(2021, 3, 1, tzinfo=UTC)),
    ],
)
def test_formats_give_the_right_instant(text: str, instant: datetime) -> None:
    parsed = parse_date(text)
    assert parsed is not None, text
    assert parsed.tzinfo is not None
    assert parsed == instant


def test_offset_is_kept_for_display() -> None:
    parsed = parse_date("2021-12-28T11:38:39-05:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=-5)
    assert parsed.hour == 11  # shown as the article wrote it, compared as the UTC instant


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Unknown",
        "unknown",
        "None",
        "null",
        "n/a",
        "-",
        "?",
        "garbage",
        "yesterday",
        "Feb 30, 2021",
        "2021-13-45",
        "0000-00-00",
        "July 25, 1066",
        "3021-01-01",
        "99999",
        # No year: dateutil would fill it in from today, giving a date that changes daily.
        "12:00 am",
        "1",
        "July 4",
        "Sunday",
        "x" * 200,
    ],
)
def test_junk_gives_none(text: str) -> None:
    assert parse_date(text) is None


def test_objects_from_yaml_and_toml() -> None:
    assert parse_date(date(2022, 3, 14)) == datetime(2022, 3, 14, tzinfo=UTC)
    assert parse_date(datetime(2022, 3, 28, 9, 0)) == datetime(2022, 3, 28, 9, 0, tzinfo=UTC)  # naive → UTC
    aware = datetime(2022, 4, 2, 8, 15, tzinfo=timezone(timedelta(hours=2)))
    assert parse_date(aware) == aware
    assert parse_date(2021) == datetime(2021, 1, 1, tzinfo=UTC)  # a bare year
    assert parse_date(1_640_995_200) == datetime(2022, 1, 1, tzinfo=UTC)  # epoch seconds
    for junk in (None, True, [2021], {"y": 2021}, float("nan"), 10**30):
        assert parse_date(junk) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_and_always_aware(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or (parsed.tzinfo is not None and 1900 <= parsed.year <= 2200)


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 1, 1), timezones=st.just(EST)))
def test_iso_round_trip(moment: datetime) -> None:
    assert parse_date(moment.isoformat()) == moment


def test_unix_epoch_placeholder_is_no_date() -> None:
    from reader.library.dates import parse_date

    assert parse_date("1969-12-31T19:00:00-05:00") is None
    assert parse_date("1970-01-01T00:00:00Z") is None
    assert parse_date("1970-01-02") is not None


def test_dates_are_shown_the_same_in_every_locale_and_the_list_column_keeps_its_width() -> None:
    from reader.library.dates import column_date, display_date

    assert display_date(datetime(2021, 7, 25, 14, 5, tzinfo=UTC)) == "25 Jul 2021 14:05"
    assert display_date(datetime(2021, 7, 25, 14, 5, tzinfo=UTC), with_time=False) == "25 Jul 2021"
    assert display_date(datetime(2021, 7, 5, tzinfo=timezone(timedelta(hours=2)))) == "5 Jul 2021"
    assert display_date(None) == column_date(None) == ""
    assert {len(column_date(datetime(2021, month, day))) for month in range(1, 13) for day in (1, 28)} == {11}
