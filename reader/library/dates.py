"""Dates as clipped articles write them: many formats, often no time zone, sometimes junk.

A fast path of regular expressions covers every format seen in real clippings; `dateutil`
catches whatever else a person might write. Anything that is not a plausible date gives
``None``: a missing date is normal, never an error.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_UNKNOWN = {"", "unknown", "none", "null", "n/a", "na", "-", "?", "tbd", "undated"}

# "July 25, 2021", "July 20, 2021 -- 13:00 GMT (14:00 BST)", "October 4, 2021  4:40 pm", "25 July 2021"
_MONTH_FIRST = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
    r"(?P<rest>.*)$"
)
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})(?P<rest>.*)$"
)
_TIME = re.compile(
    # Possessive: "\s*(?:sep)?\s*" alone splits a run of blanks every possible way (quadratic).
    r"^\s*+(?:(?:--|-|,|at|@|T)\s*+)?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*+(?P<ampm>[ap]\.?m\.?)?"
    r"\s*+(?P<tz>UTC|GMT|Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_ISO_Z = re.compile(r"(\.\d+)?Z$")

MIN_YEAR = 1900
MAX_YEAR = 2200


def _aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC so that every date in the library compares and sorts.

    So is one whose zone is impossible (dateutil accepts ``+99:99``, and the datetime then
    raises on every comparison): the offset is ignored rather than the whole library lost.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        value.utcoffset()
    except (ValueError, OverflowError, TypeError):
        return value.replace(tzinfo=UTC)
    return value


def _plausible(value: datetime | None) -> datetime | None:
    """Dates outside 1900–2200 are junk, and so is the Unix epoch itself: scrapers write
    ``1969-12-31T19:00:00-05:00`` (time zero) when they found no date at all."""
    if value is None or not (MIN_YEAR <= value.year <= MAX_YEAR):
        return None
    value = _aware(value)
    if value.timestamp() == 0:
        return None
    return value


def _tz(text: str | None) -> timezone:
    """The zone a ``+hh:mm`` offset names; an impossible one (``+99:99``) is ignored (UTC)
    rather than raised: ``timezone()`` refuses offsets of a day or more."""
    if not text or text.upper() in {"UTC", "GMT", "Z"}:
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4])
    if hours > 23 or minutes > 59:
        return UTC
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _from_parts(year: str, month_name: str, day: str, rest: str) -> datetime | None:
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    try:
        day_value = date(int(year), month, int(day))
    except ValueError:
        return None
    at = time()
    tzinfo: timezone = UTC
    match = _TIME.match(rest)
    if match:
        hour, minute = int(match["h"]), int(match["m"])
        second = int(match["s"] or 0)
        ampm = (match["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            at = time(hour, minute, second)
        except ValueError:
            at = time()
        tzinfo = _tz(match["tz"])
    return datetime.combine(day_value, at, tzinfo)


def is_unknown(value: object) -> bool:
    """Whether a date field says "no date" on purpose (``unknown``, ``n/a``, empty)."""
    return value is None or (isinstance(value, str) and " ".join(value.split()).lower() in _UNKNOWN)


def date_problem(value: object) -> str | None:
    """Why a date field given in a file was not understood (``None`` if it was, or says none).

    A scraper's "time zero" (the Unix epoch) is its way of writing no date and is not a problem.
    """
    if is_unknown(value) or parse_date(value) is not None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None and value.timestamp() == 0:
        return None
    if isinstance(value, str) and value.strip()[:4] in {"1969", "1970"}:
        return None
    shown = " ".join(str(value).split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return f"date {shown!r} not understood; shown as undated"


def parse_date(value: object) -> datetime | None:
    """Turn whatever an article says its date is into an aware datetime, or ``None``.

    Accepts strings in any common format, and the ``date``/``datetime`` objects a YAML
    front matter loader produces.
    """
    if isinstance(value, datetime):
        return _plausible(_aware(value))
    if isinstance(value, date):
        return _plausible(datetime.combine(value, time(), UTC))
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A bare number is a year only when it looks like one; epoch seconds otherwise.
        if MIN_YEAR <= value <= MAX_YEAR:
            return datetime(int(value), 1, 1, tzinfo=UTC)
        try:
            return _plausible(datetime.fromtimestamp(float(value), UTC))
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if text.lower() in _UNKNOWN or len(text) > 100:
        return None
    if text[:1].isdigit():
        iso = _ISO_Z.sub(lambda m: (m.group(1) or "") + "+00:00", text) if text.endswith("Z") else text
        try:
            return _plausible(_aware(datetime.fromisoformat(iso)))
        except ValueError:
            pass
    match = _MONTH_FIRST.match(text) or _DAY_FIRST.match(text)
    if match:
        parsed = _from_parts(match["year"], match["month"], match["day"], match["rest"])
        if parsed is not None:
            return _plausible(parsed)
    return _plausible(_dateutil(text))


def _dateutil(text: str) -> datetime | None:
    """The slow, forgiving fallback, only for formats the fast path does not know."""
    if not any(ch.isdigit() for ch in text):
        return None
    from dateutil import parser as dateutil_parser

    try:
        parsed = dateutil_parser.parse(text, fuzzy=False, default=_DEFAULTS[0])
        # dateutil fills whatever the text leaves out from ``default`` (today's date unless
        # told otherwise), so "12:00 am" or "1" would become a date that changes every day.
        # A second parse with another default tells whether the text gave a year at all.
        if dateutil_parser.parse(text, fuzzy=False, default=_DEFAULTS[1]).year != parsed.year:
            return None
        return _aware(parsed)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    except Exception:  # dateutil raises a handful of private error types on junk
        return None


_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2))
"""What a date without month or day falls back to: the first of the month, January."""


# -- showing a date -------------------------------------------------------------------------

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Fixed English abbreviations, never ``%b``: the locale must not change what a date looks like
(nor its width in the list's date column)."""


def display_date(value: datetime | None, *, with_time: bool = True) -> str:
    """``25 Jul 2021 14:00``, or ``25 Jul 2021`` at midnight (clipped articles rarely have a
    time) or without ``with_time``; ``""`` for no date. The article header and the lists use it."""
    if value is None:
        return ""
    text = f"{value.day} {MONTH_ABBREVIATIONS[value.month - 1]} {value.year}"
    if with_time and (value.hour or value.minute):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def column_date(value: datetime | None) -> str:
    """``05 Jul 2021``: always 11 cells, so a list's date column stays aligned."""
    if value is None:
        return ""
    return f"{value.day:02d} {MONTH_ABBREVIATIONS[value.month - 1]} {value.year}"
