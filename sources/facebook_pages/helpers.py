"""Facebook Pages: requests, row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field, first_object
from sources.common.cursors import Chunk
from sources.common.dates import api_timestamp, day_windows, unix
from sources.common.graph import GraphClient, lifetime_insights, pivot_daily_series
from sources.common.parallel import stream_parallel
from sources.facebook_pages import settings

PAGES_SCHEMA = pa.schema(
    [
        field("page_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("followers_count", pa.int64()),
        field("snapshot_date", pa.date32(), nullable=False),
    ]
)

POSTS_SCHEMA = pa.schema(
    [
        field("page_id", pa.string()),
        field("id", pa.string(), nullable=False),
        field("message", pa.string()),
        field("published_at", TIMESTAMP),
        field("permalink_url", pa.string()),
        field("status_type", pa.string()),
        field("shares", pa.int64()),
        field("comments", pa.int64()),
        field("impressions", pa.int64()),
        field("reach", pa.int64()),
        field("clicks", pa.int64()),
        field("reactions", pa.int64()),
        field("reactions_by_type", pa.string()),
    ]
)

PAGE_INSIGHTS_SCHEMA = pa.schema(
    [
        field("page_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        *(field(metric, pa.int64()) for metric in settings.PAGE_METRICS),
    ]
)


def page_row(body: dict[str, Any], page_id: str, snapshot_date: dt.date) -> dict[str, Any]:
    """Shape `GET /{page_id}` to the `pages` raw contract."""
    return {
        "page_id": str(body.get("id") or page_id),
        "name": body.get("name"),
        "followers_count": body.get("followers_count"),
        "snapshot_date": snapshot_date,
    }


def _reactions(by_type: dict[str, Any] | None) -> Any:
    """The reactions of all types (None when unknown; an object served for a count passes to its column's check)."""
    if by_type is None:
        return None
    changed = first_object(by_type.values())
    return changed if changed is not None else sum(int(v or 0) for v in by_type.values())


def post_row(raw: dict[str, Any], page_id: str) -> dict[str, Any]:
    """Shape one published post (with summary counts and lifetime insights) to the `posts` raw contract."""
    insights = lifetime_insights(raw.get("insights"))
    by_type = insights.get("post_reactions_by_type_total")
    by_type = by_type if isinstance(by_type, dict) else None
    comments = ((raw.get("comments") or {}).get("summary") or {}).get("total_count")
    return {
        "page_id": page_id,
        "id": str(raw["id"]),
        "message": raw.get("message"),
        "published_at": api_timestamp(raw.get("created_time"), "created_time"),
        "permalink_url": raw.get("permalink_url"),
        "status_type": raw.get("status_type"),
        "shares": (raw.get("shares") or {}).get("count", 0),
        "comments": comments if comments is not None else 0,
        "impressions": insights.get("post_impressions"),
        "reach": insights.get("post_impressions_unique"),
        "clicks": insights.get("post_clicks"),
        "reactions": _reactions(by_type),
        "reactions_by_type": json.dumps(by_type, separators=(",", ":"), sort_keys=True) if by_type else None,
    }


def post_chunks(client: GraphClient, page_id: str, since: dt.datetime, until: dt.datetime) -> Iterator[Chunk]:
    """A chunk per page of a page's posts published in [since, until), then its read-through mark."""
    params = {
        "fields": ",".join(settings.POST_FIELDS),
        "since": unix(since),
        "until": unix(until),
        "limit": settings.POST_PAGE_LIMIT,
    }
    buffer = ColumnBuffer(POSTS_SCHEMA)
    for page in client.pages(f"{page_id}/published_posts", params, account=page_id):
        for raw in page:
            row = post_row(raw, page_id)
            published = row["published_at"]
            if published is not None and not since <= published < until:
                continue
            buffer.append(row)
        if len(buffer):
            yield Chunk(page_id, buffer.flush())
    yield Chunk(page_id, read_through=until)


def insights_window_chunk(client: GraphClient, page_id: str, first: dt.date, last: dt.date) -> Iterator[Chunk]:
    """One chunk: the daily page insights of [first, last] (at most 90 days), a row per day."""
    params = {
        "metric": ",".join(settings.PAGE_METRICS),
        "period": "day",
        "since": unix(first),
        "until": unix(last + dt.timedelta(days=1)),
    }
    series: list[dict[str, Any]] = []
    for page in client.pages(f"{page_id}/insights", params, account=page_id):
        series.extend(page)
    days = pivot_daily_series(series, first, last)
    buffer = ColumnBuffer(PAGE_INSIGHTS_SCHEMA)
    for day in sorted(days):
        values = days[day]
        buffer.append(
            {"page_id": page_id, "date": day} | {metric: values.get(metric) for metric in settings.PAGE_METRICS}
        )
    yield Chunk(page_id, buffer.flush() if len(buffer) else None, read_through=last)


def page_insights_chunks(
    client: GraphClient, page_ids_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily page insights of each (page_id, since) from `since` to `last`, 90-day windows side by side."""
    producers = [
        partial(insights_window_chunk, client, page_id, window_first, window_last)
        for page_id, since in page_ids_since
        for window_first, window_last in day_windows(since, last, settings.INSIGHTS_WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)


def all_post_chunks(
    client: GraphClient, page_ids_since: Sequence[tuple[str, dt.datetime]], until: dt.datetime
) -> Iterator[Chunk]:
    """Posts of each (page_id, since) published in [since, until); pages side by side."""
    producers = [partial(post_chunks, client, page_id, since, until) for page_id, since in page_ids_since]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)
