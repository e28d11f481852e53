"""Date helpers: run dates, day windows, cutoffs and unix times."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from sources.common.errors import DateFormatError

__all__ = [
    "DEFAULT_REPORTING_TIMEZONE",
    "api_basic_day",
    "api_day",
    "api_epoch",
    "api_timestamp",
    "as_utc",
    "day_windows",
    "default_end_date",
    "earliest_instant",
    "parse_date",
    "parse_timestamp",
    "resolve_cutoff",
    "resolve_end_date",
    "unix",
]

DEFAULT_REPORTING_TIMEZONE = "America/New_York"


def parse_date(value: str | dt.date) -> dt.date:
    """Parse `YYYY-MM-DD` (or pass a date through; a datetime is cut to its date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def default_end_date(today: dt.date | None = None) -> dt.date:
    """Yesterday in UTC: the last complete day before the run date."""
    today = today or dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=1)


def resolve_end_date(end_date: str | dt.date | None) -> dt.date:
    """`end_date` parsed, or yesterday (UTC) when not given."""
    return parse_date(end_date) if end_date else default_end_date()


def resolve_cutoff(
    end_date: dt.date, cutoff: str | dt.datetime | None, timezone: str = DEFAULT_REPORTING_TIMEZONE
) -> dt.datetime:
    """Exclusive upper bound for events of a run: `cutoff`, or the start of `end_date + 1` in `timezone`."""
    if cutoff is None:
        run_date = end_date + dt.timedelta(days=1)
        local = dt.datetime.combine(run_date, dt.time(0), tzinfo=ZoneInfo(timezone))
        return local.astimezone(dt.UTC)
    if isinstance(cutoff, str):
        cutoff = parse_timestamp(cutoff)
    return as_utc(cutoff)


def earliest_instant(day: dt.date) -> dt.datetime:
    """When `day` starts first anywhere on earth: `day` 00:00 at UTC+14, as a UTC instant."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(hours=14)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A timezone-aware datetime in UTC (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """Parse an ISO-8601 instant (`2025-03-01T10:15:00-05:00`, `...+0000`, `...Z`) to UTC; None stays None."""
    if value is None or value == "":
        return None
    parsed = dt.datetime.fromisoformat(value)
    return as_utc(parsed)


def unix(value: dt.datetime | dt.date) -> int:
    """Unix seconds of a datetime, or of a date's midnight UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC)
    return int(as_utc(value).timestamp())


def day_windows(start: dt.date, end: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """Split the inclusive range [start, end] into consecutive inclusive windows of at most `days` days."""
    if days < 1:
        raise ValueError("days must be >= 1")
    current = start
    while current <= end:
        last = min(end, current + dt.timedelta(days=days - 1))
        yield current, last
        current = last + dt.timedelta(days=1)


# What the APIs serve: a day (`2025-03-01`, or the day of `2025-03-01 00:00:00` / `2025-03-01T00:00:00...`), an
# ISO-8601 instant, GA4's `20250301`, epoch seconds or milliseconds. Anything else is a changed format.
_API_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
_API_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_API_BASIC_DAY = re.compile(r"\d{8}")
_API_EPOCH = re.compile(r"\d{1,16}")


def api_day(value: Any, field: str) -> dt.date:
    """The day of an API's `YYYY-MM-DD` field (a time after it, as TikTok's `2025-03-01 00:00:00`, is ignored).

    Any other format raises DateFormatError naming `field`: a platform that changed it is never read as a guess."""
    match = _API_DAY.fullmatch(value) if isinstance(value, str) else None
    try:
        return dt.date.fromisoformat(match[1]) if match else _bad_date(value, field, "YYYY-MM-DD")
    except ValueError:
        return _bad_date(value, field, "YYYY-MM-DD")


def api_basic_day(value: Any, field: str) -> dt.date:
    """The day of an API's `YYYYMMDD` field (GA4's `date` dimension); any other format raises DateFormatError."""
    try:
        if isinstance(value, str) and _API_BASIC_DAY.fullmatch(value):
            return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        pass
    return _bad_date(value, field, "YYYYMMDD")


def api_timestamp(value: Any, field: str) -> dt.datetime | None:
    """An API's ISO-8601 instant (`2025-03-01T10:15:00-05:00`, `...+0000`, `...Z`; naive as UTC) in UTC; None or ""
    stays None. Any other format (epoch seconds, `03/01/2025 10:15`) raises DateFormatError naming `field`."""
    if value is None or value == "":
        return None
    if not (isinstance(value, str) and _API_INSTANT.fullmatch(value)):
        return _bad_date(value, field, "an ISO-8601 time such as 2025-03-01T10:15:00Z")
    try:
        return as_utc(dt.datetime.fromisoformat(value))
    except ValueError:
        return _bad_date(value, field, "an ISO-8601 time such as 2025-03-01T10:15:00Z")


def api_epoch(value: Any, field: str, *, milliseconds: bool = False) -> dt.datetime | None:
    """An API's epoch time (seconds, or milliseconds; an int or its digits as text) in UTC; None stays None. Any
    other format (an ISO-8601 string) raises DateFormatError naming `field`."""
    if value is None:
        return None
    unit = "epoch milliseconds" if milliseconds else "epoch seconds"
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _API_EPOCH.fullmatch(value))
    ):
        return _bad_date(value, field, unit)
    return dt.datetime.fromtimestamp(int(value) / (1000 if milliseconds else 1), dt.UTC)


def _bad_date(value: Any, field: str, expected: str) -> Any:
    raise DateFormatError(field, value, expected)
