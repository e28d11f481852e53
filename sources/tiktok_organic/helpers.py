"""TikTok organic: the Business Accounts API client (envelope codes, retries, cursor paging), rows, Arrow schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field, to_float
from sources.common.cursors import Chunk
from sources.common.dates import api_day, api_epoch, day_windows
from sources.common.errors import ColumnTypeError
from sources.common.http import ErrorInfo
from sources.common.parallel import stream_parallel
from sources.common.tiktok import TikTokEnvelopeClient, to_int
from sources.tiktok_organic import settings

VIDEOS_SCHEMA = pa.schema(
    [
        field("business_id", pa.string(), nullable=False),
        field("item_id", pa.string(), nullable=False),
        field("published_at", TIMESTAMP),
        field("caption", pa.string()),
        field("share_url", pa.string()),
        field("video_duration", pa.float64()),
        field("video_views", pa.int64()),
        field("reach", pa.int64()),
        field("likes", pa.int64()),
        field("comments", pa.int64()),
        field("shares", pa.int64()),
    ]
)

ACCOUNT_DAILY_SCHEMA = pa.schema(
    [
        field("business_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        *(field(name, pa.int64()) for name in settings.DAILY_FIELDS),
    ]
)


def explain(code: Any, message: str) -> ErrorInfo:
    """What a non-zero TikTok code means for this connector, and what to do about it."""
    if code in settings.AUTH_CODES:
        hint = (
            "access token expired, revoked or missing: re-authorize the TikTok account for your app (Business "
            "Accounts, scopes user.info.basic, user.insights, video.list, video.insights) and set "
            f"{settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if code in settings.PERMISSION_CODES:
        hint = f"the token cannot read this business account: check business_ids or renew {settings.TOKEN_SETTING}"
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if code == 40002:
        return ErrorInfo(message=message, code=code, hint="invalid parameter: check business_ids and base_url")
    return ErrorInfo(message=message, code=code, hint="TikTok kept failing after retries: rerun later")


class TikTokBusinessClient(TikTokEnvelopeClient):
    """GETs Business Accounts endpoints with the `Access-Token` header and unwraps the envelope."""

    def __init__(self, base_url: str, access_token: str) -> None:
        super().__init__(
            settings.SOURCE_NAME, base_url, access_token, token_header=settings.TOKEN_HEADER, explain=explain
        )

    def get(self, path: str, params: Mapping[str, Any], *, account: str) -> dict[str, Any]:
        """GET `{base_url}/{path}`; return `data`, or raise when the envelope's code is not 0."""
        return super().get(path, params, account=account)


def _from_seconds(value: Any) -> dt.datetime | None:
    """A UTC datetime from unix seconds (None when absent)."""
    if isinstance(value, dict | list):  # a changed type: the video's time decides its window, so it cannot wait
        raise ColumnTypeError("published_at", value, "unix seconds")
    return api_epoch(value, "create_time")


def video_row(raw: Mapping[str, Any], business_id: str) -> dict[str, Any]:
    """Shape one video of `/business/video/list/` to the `videos` raw contract."""
    created = raw.get("create_time")
    duration = raw.get("video_duration")
    return {
        "business_id": business_id,
        "item_id": str(raw["item_id"]),
        "published_at": _from_seconds(created),
        "caption": raw.get("caption"),
        "share_url": raw.get("share_url"),
        "video_duration": to_float(duration),
        "video_views": to_int(raw.get("video_views")),
        "reach": to_int(raw.get("reach")),
        "likes": to_int(raw.get("likes")),
        "comments": to_int(raw.get("comments")),
        "shares": to_int(raw.get("shares")),
    }


def video_chunks(
    client: TikTokBusinessClient, business_id: str, since: dt.datetime, until: dt.datetime
) -> Iterator[Chunk]:
    """Videos published in [since, until): pages newest first (cursor / has_more), stopping past `since`."""
    cursor: Any = 0
    while True:
        params = {
            "business_id": business_id,
            "fields": json.dumps(list(settings.VIDEO_FIELDS)),
            "cursor": cursor,
            "max_count": settings.VIDEO_PAGE_SIZE,
        }
        data = client.get(settings.VIDEO_LIST_PATH, params, account=business_id)
        buffer = ColumnBuffer(VIDEOS_SCHEMA)
        older = False
        for raw in data.get("videos") or []:
            row = video_row(raw, business_id)
            published = row["published_at"]
            if published is not None and published < since:
                older = True
                continue
            if published is None or published < until:
                buffer.append(row)
        if len(buffer):
            yield Chunk(business_id, buffer.flush())
        if older or not data.get("has_more"):
            break
        cursor = data.get("cursor")
    yield Chunk(business_id, read_through=until)


def all_video_chunks(
    client: TikTokBusinessClient, accounts_since: Sequence[tuple[str, dt.datetime]], until: dt.datetime
) -> Iterator[Chunk]:
    """Videos of each (business_id, since); accounts side by side."""
    producers = [partial(video_chunks, client, business_id, since, until) for business_id, since in accounts_since]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)


def daily_window_chunk(
    client: TikTokBusinessClient, business_id: str, first: dt.date, last: dt.date
) -> Iterator[Chunk]:
    """One chunk: the daily account metrics of [first, last] (at most 30 days), a row per day."""
    params = {
        "business_id": business_id,
        "start_date": first.isoformat(),
        "end_date": last.isoformat(),
        "fields": json.dumps(list(settings.DAILY_FIELDS)),
    }
    data = client.get(settings.ACCOUNT_PATH, params, account=business_id)
    buffer = ColumnBuffer(ACCOUNT_DAILY_SCHEMA)
    for entry in data.get("metrics") or []:
        day = api_day(entry["date"], "metrics.date")
        if first <= day <= last:
            buffer.append(
                {"business_id": business_id, "date": day} | {f: to_int(entry.get(f)) for f in settings.DAILY_FIELDS}
            )
    yield Chunk(business_id, buffer.flush() if len(buffer) else None, read_through=last)


def account_daily_chunks(
    client: TikTokBusinessClient, accounts_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily account metrics of each (business_id, since) up to `last`, 30-day windows side by side."""
    producers = [
        partial(daily_window_chunk, client, business_id, first, window_last)
        for business_id, since in accounts_since
        for first, window_last in day_windows(since, last, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)
