"""Instagram: requests, row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_timestamp, day_windows, unix
from sources.common.graph import GraphClient, lifetime_insights, pivot_daily_series
from sources.common.parallel import stream_parallel
from sources.instagram import settings

ACCOUNTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("username", pa.string()),
        field("followers_count", pa.int64()),
        field("media_count", pa.int64()),
        field("snapshot_date", pa.date32(), nullable=False),
    ]
)

MEDIA_SCHEMA = pa.schema(
    [
        field("account_id", pa.string()),
        field("id", pa.string(), nullable=False),
        field("caption", pa.string()),
        field("media_type", pa.string()),
        field("media_product_type", pa.string()),
        field("permalink", pa.string()),
        field("published_at", TIMESTAMP),
        field("like_count", pa.int64()),
        field("comments_count", pa.int64()),
        *(field(metric, pa.int64()) for metric in settings.MEDIA_METRICS),
    ]
)

ACCOUNT_INSIGHTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        *(field(metric, pa.int64()) for metric in settings.ACCOUNT_METRICS),
    ]
)


def account_row(body: dict[str, Any], account_id: str, snapshot_date: dt.date) -> dict[str, Any]:
    """Shape `GET /{ig_user_id}` to the `accounts` raw contract."""
    return {
        "account_id": str(body.get("id") or account_id),
        "username": body.get("username"),
        "followers_count": body.get("followers_count"),
        "media_count": body.get("media_count"),
        "snapshot_date": snapshot_date,
    }


def media_row(raw: dict[str, Any], account_id: str) -> dict[str, Any]:
    """Shape one media object (with expanded lifetime insights) to the `media` raw contract."""
    insights = lifetime_insights(raw.get("insights"))
    row = {
        "account_id": account_id,
        "id": str(raw["id"]),
        "caption": raw.get("caption"),
        "media_type": raw.get("media_type"),
        "media_product_type": raw.get("media_product_type"),
        "permalink": raw.get("permalink"),
        "published_at": api_timestamp(raw.get("timestamp"), "timestamp"),
        "like_count": raw.get("like_count"),
        "comments_count": raw.get("comments_count"),
    }
    row.update({metric: insights.get(metric) for metric in settings.MEDIA_METRICS})
    return row


def media_chunks(client: GraphClient, account_id: str, since: dt.datetime, until: dt.datetime) -> Iterator[Chunk]:
    """A chunk per page of an account's media published in [since, until), then its read-through mark."""
    params = {
        "fields": ",".join(settings.MEDIA_FIELDS),
        "since": unix(since),
        "until": unix(until),
        "limit": settings.MEDIA_PAGE_LIMIT,
    }
    buffer = ColumnBuffer(MEDIA_SCHEMA)
    for page in client.pages(f"{account_id}/media", params, account=account_id):
        for raw in page:
            row = media_row(raw, account_id)
            published = row["published_at"]
            if published is not None and not since <= published < until:
                continue  # keep the run's window exact whatever the API's since/until granularity
            buffer.append(row)
        if len(buffer):
            yield Chunk(account_id, buffer.flush())
    yield Chunk(account_id, read_through=until)


def insights_window_chunk(client: GraphClient, account_id: str, first: dt.date, last: dt.date) -> Iterator[Chunk]:
    """One chunk: the daily account insights of [first, last] (at most 30 days), a row per day."""
    params = {
        "metric": ",".join(settings.ACCOUNT_METRICS),
        "period": "day",
        "since": unix(first),
        "until": unix(last + dt.timedelta(days=1)),
    }
    series: list[dict[str, Any]] = []
    for page in client.pages(f"{account_id}/insights", params, account=account_id):
        series.extend(page)
    days = pivot_daily_series(series, first, last)
    buffer = ColumnBuffer(ACCOUNT_INSIGHTS_SCHEMA)
    for day in sorted(days):
        values = days[day]
        buffer.append(
            {"account_id": account_id, "date": day}
            | {metric: values.get(metric) for metric in settings.ACCOUNT_METRICS}
        )
    yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=last)


def account_insights_chunks(
    client: GraphClient, account_ids_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily account insights of each (account_id, since) from `since` to `last`, 30-day windows side by side."""
    producers = [
        partial(insights_window_chunk, client, account_id, window_first, window_last)
        for account_id, since in account_ids_since
        for window_first, window_last in day_windows(since, last, settings.INSIGHTS_WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)


def all_media_chunks(
    client: GraphClient, account_ids_since: Sequence[tuple[str, dt.datetime]], until: dt.datetime
) -> Iterator[Chunk]:
    """Media of each (account_id, since) published in [since, until); accounts side by side."""
    producers = [partial(media_chunks, client, account_id, since, until) for account_id, since in account_ids_since]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)
