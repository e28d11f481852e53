"""YouTube: the Google API client (bearer token, error bodies, retries), paging, rows and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field, keeps_objects
from sources.common.cursors import Chunk
from sources.common.dates import api_day, api_timestamp, day_windows
from sources.common.errors import SourceApiError
from sources.common.google import google_error
from sources.common.http import ApiClient, ErrorInfo
from sources.common.parallel import stream_parallel
from sources.youtube import settings

CHANNELS_SCHEMA = pa.schema(
    [
        field("channel_id", pa.string(), nullable=False),
        field("snapshot_date", pa.date32(), nullable=False),
        field("title", pa.string()),
        field("subscriber_count", pa.int64()),
        field("hidden_subscriber_count", pa.bool_()),
        field("view_count", pa.int64()),
        field("video_count", pa.int64()),
        field("uploads_playlist_id", pa.string()),
    ]
)

VIDEOS_SCHEMA = pa.schema(
    [
        field("channel_id", pa.string()),
        field("video_id", pa.string(), nullable=False),
        field("published_at", TIMESTAMP),
        field("title", pa.string()),
        field("duration", pa.string()),
        field("view_count", pa.int64()),
        field("like_count", pa.int64()),
        field("comment_count", pa.int64()),
    ]
)

CHANNEL_DAILY_SCHEMA = pa.schema(
    [
        field("channel_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        *(field(column, pa.int64()) for column in settings.ANALYTICS_COLUMNS.values()),
    ]
)


def _google_error(response: requests.Response | None) -> tuple[dict[str, Any], str | None]:
    """The `error` object of a Google error body and its first reason."""
    error = google_error(response)
    reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
    return error, reasons[0] if reasons else None


def is_youtube_retryable(response: requests.Response | None, exception: BaseException | None) -> bool:
    """Retry predicate: HTTP 403 with a per-second/per-user rate-limit reason is retried (429/5xx always are)."""
    if response is None or response.status_code != 403:
        return False
    return _google_error(response)[1] in settings.RETRY_REASONS


def parse_error(response: requests.Response) -> ErrorInfo:
    """Google's `{"error": {"code", "message", "errors": [{"reason", "domain"}], "status"}}` as an ErrorInfo."""
    error, reason = _google_error(response)
    message = str(error.get("message") or response.text[:200] or response.reason)
    code = reason or error.get("status")
    if response.status_code == 401:
        hint = (
            "the OAuth access token is missing, expired or revoked: refresh it (scopes youtube.readonly and "
            f"yt-analytics.readonly, from the channel owner's account) and set {settings.TOKEN_SETTING} in "
            ".dlt/secrets.toml or SOURCES__YOUTUBE__ACCESS_TOKEN"
        )
        return ErrorInfo(message, code, hint, auth=True)
    if reason in settings.QUOTA_REASONS:
        hint = (
            "the project's daily YouTube API quota is spent: the quota resets at midnight Pacific time; rerun "
            "then, or ask Google for more quota"
        )
        return ErrorInfo(message, code, hint)
    if response.status_code == 403:
        hint = (
            "the token's account cannot read this channel's data: authorize the channel owner (or a manager) "
            f"and renew {settings.TOKEN_SETTING}, or check sources.youtube.channel_ids"
        )
        return ErrorInfo(message, code, hint, auth=True)
    if response.status_code in (400, 404):
        return ErrorInfo(message, code, "the request was rejected: check channel_ids and the base URLs")
    return ErrorInfo(message, code, "YouTube kept failing after retries: try the run again later")


class YouTubeClient:
    """GETs the Data API and the Analytics API with a bearer token; retries 429, 5xx and 403 rate limits."""

    def __init__(self, base_url: str, analytics_base_url: str, access_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.analytics_base_url = analytics_base_url.rstrip("/")
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=parse_error,
            headers={"Authorization": f"Bearer {access_token}"},
            retry_condition=is_youtube_retryable,
            secrets=[access_token],
        )

    def data(self, resource: str, params: Mapping[str, Any], *, account: str) -> dict[str, Any]:
        """GET a Data API list resource (`channels`, `playlistItems`, `videos`)."""
        return self.api.get_json(f"{self.base_url}/{resource}", params=params, account=account, endpoint=f"/{resource}")

    def report(self, params: Mapping[str, Any], *, account: str) -> dict[str, Any]:
        """GET an Analytics API report (`/reports`)."""
        url = f"{self.analytics_base_url}/reports"
        return self.api.get_json(url, params=params, account=account, endpoint="/reports")


@keeps_objects
def _int(value: Any) -> int | None:
    """Statistics come as strings of digits."""
    return None if value is None or value == "" else int(value)


class ChannelDirectory:
    """Reads each channel once (`GET /channels`) and shares it between resources."""

    def __init__(self, client: YouTubeClient) -> None:
        self._client = client
        self._channels: dict[str, dict[str, Any]] = {}

    def get(self, channel_id: str) -> dict[str, Any]:
        """The channel's item (snippet, statistics, contentDetails)."""
        if channel_id not in self._channels:
            body = self._client.data("channels", {"part": settings.CHANNEL_PARTS, "id": channel_id}, account=channel_id)
            items = [i for i in body.get("items") or [] if i.get("id") == channel_id]
            if not items:
                raise SourceApiError(
                    settings.SOURCE_NAME,
                    account=channel_id,
                    endpoint="/channels",
                    status=200,
                    platform_message="channel not found",
                    hint="check sources.youtube.channel_ids (ids start with UC)",
                )
            self._channels[channel_id] = items[0]
        return self._channels[channel_id]


def channel_row(item: Mapping[str, Any], snapshot_date: dt.date) -> dict[str, Any]:
    """Shape a channel to the `channels` raw contract (statistics as of the start of snapshot_date)."""
    stats = item.get("statistics") or {}
    related = (item.get("contentDetails") or {}).get("relatedPlaylists") or {}
    return {
        "channel_id": item["id"],
        "snapshot_date": snapshot_date,
        "title": (item.get("snippet") or {}).get("title"),
        "subscriber_count": _int(stats.get("subscriberCount")),
        "hidden_subscriber_count": stats.get("hiddenSubscriberCount"),
        "view_count": _int(stats.get("viewCount")),
        "video_count": _int(stats.get("videoCount")),
        "uploads_playlist_id": related.get("uploads"),
    }


def video_row(item: Mapping[str, Any], channel_id: str) -> dict[str, Any]:
    """Shape a `videos` item to the `videos` raw contract."""
    snippet, stats = item.get("snippet") or {}, item.get("statistics") or {}
    return {
        "channel_id": channel_id,
        "video_id": item["id"],
        "published_at": api_timestamp(snippet.get("publishedAt"), "snippet.publishedAt"),
        "title": snippet.get("title"),
        "duration": (item.get("contentDetails") or {}).get("duration"),
        "view_count": _int(stats.get("viewCount")),
        "like_count": _int(stats.get("likeCount")),
        "comment_count": _int(stats.get("commentCount")),
    }


def upload_ids(client: YouTubeClient, channel_id: str, playlist_id: str, since: dt.datetime) -> Iterator[list[str]]:
    """Pages of ids of the uploads published from `since` (the playlist is newest first: stop once past it)."""
    token: str | None = None
    while True:
        params = {"part": settings.PLAYLIST_PARTS, "playlistId": playlist_id, "maxResults": settings.PAGE_SIZE}
        if token:
            params["pageToken"] = token
        body = client.data("playlistItems", params, account=channel_id)
        ids, older = [], False
        for item in body.get("items") or []:
            details = item.get("contentDetails") or {}
            published = api_timestamp(details.get("videoPublishedAt"), "contentDetails.videoPublishedAt")
            if published is not None and published < since:
                older = True
                continue
            if details.get("videoId"):
                ids.append(details["videoId"])
        if ids:
            yield ids
        token = body.get("nextPageToken")
        if older or not token:
            return


def video_chunks(
    client: YouTubeClient, directory: ChannelDirectory, channel_id: str, since: dt.datetime, until: dt.datetime
) -> Iterator[Chunk]:
    """The channel's uploads published in [since, until) with their statistics (`videos`, 50 ids a call)."""
    playlist_id = ((directory.get(channel_id).get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
    if playlist_id:
        for ids in upload_ids(client, channel_id, playlist_id, since):
            body = client.data("videos", {"part": settings.VIDEO_PARTS, "id": ",".join(ids)}, account=channel_id)
            buffer = ColumnBuffer(VIDEOS_SCHEMA)
            for item in body.get("items") or []:
                row = video_row(item, channel_id)
                published = row["published_at"]
                if published is None or since <= published < until:
                    buffer.append(row)
            if len(buffer):
                yield Chunk(channel_id, buffer.flush())
    yield Chunk(channel_id, read_through=until)


def all_video_chunks(
    client: YouTubeClient,
    directory: ChannelDirectory,
    channels_since: Sequence[tuple[str, dt.datetime]],
    until: dt.datetime,
) -> Iterator[Chunk]:
    """Uploads of each (channel, since); channels side by side."""
    producers = [
        partial(video_chunks, client, directory, channel_id, since, until) for channel_id, since in channels_since
    ]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)


def report_rows(body: Mapping[str, Any], channel_id: str) -> list[dict[str, Any]]:
    """Rows of a `dimensions=day` report, columns found by `columnHeaders` name."""
    names = [h.get("name") for h in body.get("columnHeaders") or []]
    out = []
    for raw in body.get("rows") or []:
        values = dict(zip(names, raw, strict=False))
        row = {"channel_id": channel_id, "date": api_day(values["day"], "day")}
        row |= {column: _int(values.get(metric)) for metric, column in settings.ANALYTICS_COLUMNS.items()}
        out.append(row)
    return out


def analytics_window_chunk(client: YouTubeClient, channel_id: str, first: dt.date, last: dt.date) -> Iterator[Chunk]:
    """One chunk: the channel's daily Analytics metrics of [first, last]."""
    params = {
        "ids": f"channel=={channel_id}",
        "startDate": first.isoformat(),
        "endDate": last.isoformat(),
        "metrics": ",".join(settings.ANALYTICS_METRICS),
        "dimensions": "day",
        "sort": "day",
    }
    buffer = ColumnBuffer(CHANNEL_DAILY_SCHEMA)
    buffer.extend(
        r for r in report_rows(client.report(params, account=channel_id), channel_id) if first <= r["date"] <= last
    )
    yield Chunk(channel_id, buffer.flush() if len(buffer) else None, read_through=last)


def analytics_chunks(
    client: YouTubeClient, channels_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily channel metrics of each (channel, since) up to `last`, in windows fetched side by side."""
    producers = [
        partial(analytics_window_chunk, client, channel_id, first, window_last)
        for channel_id, since in channels_since
        for first, window_last in day_windows(since, last, settings.ANALYTICS_WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME)
