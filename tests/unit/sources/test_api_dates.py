"""The connectors' readers of API dates and times: the formats the platforms serve, and DateFormatError for any other
(a changed format is never read as a guess: `01/05/2025` may be 5 January or 1 May)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sources.common.dates import api_basic_day, api_day, api_epoch, api_timestamp
from sources.common.errors import DateFormatError, find_source_error

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "day"),
    [("2025-01-05", dt.date(2025, 1, 5)), ("2025-01-05 00:00:00", dt.date(2025, 1, 5))],  # TikTok's stat_time_day
)
def test_a_day_is_read_from_its_iso_format(value: str, day: dt.date) -> None:
    assert api_day(value, "date") == day


def test_ga4_s_basic_day_and_epoch_times_are_read() -> None:
    assert api_basic_day("20250105", "date") == dt.date(2025, 1, 5)
    assert api_epoch(1736035200, "created") == dt.datetime(2025, 1, 5, tzinfo=UTC)
    assert api_epoch("1736035200", "created") == dt.datetime(2025, 1, 5, tzinfo=UTC)
    assert api_epoch(1736035200123, "publishedAt", milliseconds=True) == dt.datetime(2025, 1, 5, 0, 0, 0, 123000, UTC)
    assert api_epoch(None, "created") is None


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2025-03-01T10:15:00-05:00", dt.datetime(2025, 3, 1, 15, 15, tzinfo=UTC)),
        ("2025-03-01T07:00:00+0000", dt.datetime(2025, 3, 1, 7, tzinfo=UTC)),  # the Graph API
        ("2025-03-01T07:00:00.000Z", dt.datetime(2025, 3, 1, 7, tzinfo=UTC)),  # X
        ("2025-03-01T02:07:03", dt.datetime(2025, 3, 1, 2, 7, 3, tzinfo=UTC)),  # Pinterest, UTC without an offset
        (None, None),
        ("", None),
    ],
)
def test_an_instant_is_read_from_iso_8601(value: str | None, instant: dt.datetime | None) -> None:
    assert api_timestamp(value, "created_at") == instant


@pytest.mark.parametrize(
    ("read", "value", "expected"),
    [
        (api_day, "01/05/2025", "(YYYY-MM-DD)"),
        (api_day, "01/05/2025 00:00:00", "(YYYY-MM-DD)"),
        (api_day, "20250105", "(YYYY-MM-DD)"),
        (api_day, "2025-13-05", "(YYYY-MM-DD)"),
        (api_day, None, "(YYYY-MM-DD)"),
        (api_basic_day, "2025-01-05", "(YYYYMMDD)"),
        (api_basic_day, "2025015", "(YYYYMMDD)"),
        (api_timestamp, 1736035200, "(an ISO-8601 time such as 2025-03-01T10:15:00Z)"),
        (api_timestamp, "03/01/2025 10:15", "(an ISO-8601 time such as 2025-03-01T10:15:00Z)"),
        (api_timestamp, "2025-03-01", "(an ISO-8601 time such as 2025-03-01T10:15:00Z)"),
        (api_epoch, "2025-01-05T00:00:00Z", "(epoch seconds)"),
        (api_epoch, 1.5, "(epoch seconds)"),
        (api_epoch, True, "(epoch seconds)"),
    ],
)
def test_another_format_raises_date_format_error_naming_the_field(read: Any, value: Any, expected: str) -> None:
    with pytest.raises(DateFormatError, match=r"^field 'date_start' got ") as raised:
        read(value, "date_start")
    assert f"which is not a date in the format the connector reads {expected}" in str(raised.value)
    assert (raised.value.field, raised.value.value) == ("date_start", value)


def test_the_error_is_found_in_dlt_s_chain_naming_source_and_table() -> None:
    try:
        api_day("01/05/2025", "date_start")
    except DateFormatError as error:
        located = error.located("meta_ads", "ad_insights")
    assert str(located) == (
        "meta_ads: table ad_insights, field 'date_start' got '01/05/2025', which is not a date in the format the "
        "connector reads (YYYY-MM-DD): the platform changed this field's format, so nothing of this run was loaded — "
        "check the platform's changelog, then read the new format in sources/meta_ads/helpers.py"
    )
    try:
        raise RuntimeError("Pipeline execution failed at stage extract") from located
    except RuntimeError as wrapped:
        assert find_source_error(wrapped) is located
