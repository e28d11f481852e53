"""Replica of the YouTube Data API v3 and YouTube Analytics API v2 endpoints the YouTube connector uses.

Data API base `{url}/youtube/v3` (real: `https://www.googleapis.com/youtube/v3`); Analytics base
`{url}/youtubeanalytics/v2` (real: `https://youtubeanalytics.googleapis.com/v2`). Auth: `Authorization: Bearer`.
- `GET /channels?part=snippet,statistics,contentDetails&id=<channel>`: statistics as strings, uploads playlist in
  `contentDetails.relatedPlaylists.uploads`.
- `GET /playlistItems?part=contentDetails&playlistId=<uploads>&maxResults<=50&pageToken=`: newest first,
  `nextPageToken` absent on the last page.
- `GET /videos?part=snippet,statistics,contentDetails&id=<up to 50 ids>`: lifetime statistics (strings), growing.
- `GET /reports?ids=channel==<id>&startDate&endDate&metrics=...&dimensions=day`: `columnHeaders` and `rows`
  (days before as_of, sorted by day).
Errors: `{"error":{"code","message","errors":[{"message","domain","reason"}],"status"}}`: 401 authError, 400
badRequest / invalidParameter, 404 channel or playlist not found, 429 rateLimitExceeded with Retry-After and
503 backendError (fault injection; families youtube_channels, youtube_playlist, youtube_videos, youtube_analytics).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sandbox.constants import YT_CHANNEL_ID, YT_CHANNEL_TITLE, YT_UPLOADS_PLAYLIST_ID
from sandbox.credentials import YOUTUBE_ACCESS_TOKEN
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.video_social import TOTALS, seen_yt_video, yt_day, yt_videos_visible
from sandbox.world import World

ANALYTICS_METRICS = (
    "views",
    "estimatedMinutesWatched",
    "likes",
    "comments",
    "shares",
    "subscribersGained",
    "subscribersLost",
)
MAX_RESULTS = 50


class GoogleError(Exception):
    """A Google API error body."""

    def __init__(self, status: int, reason: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.headers = status, reason, message, headers or {}

    def response(self, domain: str = "global") -> Response:
        statuses = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
        statuses |= {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
        body = {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"message": self.message, "domain": domain, "reason": self.reason}],
                "status": statuses.get(self.status, "UNKNOWN"),
            }
        }
        return Response(self.status, body, self.headers)


def _duration(seconds: int) -> str:
    """ISO 8601 duration as the Data API gives it (PT#M#S)."""
    minutes, secs = divmod(seconds, 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"


class YouTubeApi:
    """Serves /youtube/v3/... and /youtubeanalytics/v2/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self._uploads = sorted(yt_videos_visible(world.as_of, world.cutoff), key=lambda v: v.published_at, reverse=True)
        self._by_id = {v.video_id: v for v in self._uploads}

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET; parts are the full path segments (youtube/v3/... or youtubeanalytics/v2/...)."""
        routes = {
            ("youtube", "v3", "channels"): (self._channels, "youtube_channels"),
            ("youtube", "v3", "playlistItems"): (self._playlist_items, "youtube_playlist"),
            ("youtube", "v3", "videos"): (self._videos, "youtube_videos"),
            ("youtubeanalytics", "v2", "reports"): (self._reports, "youtube_analytics"),
        }
        route = tuple(parts)
        if route not in routes:
            return GoogleError(404, "notFound", "Not Found").response()
        handler, family = routes[route]
        domain = "youtube.analytics" if family == "youtube_analytics" else "youtube.api"
        try:
            outcome = self.faults.decide(family)
            if outcome == "throttle":
                retry = {"Retry-After": f"{self.faults.faults.retry_after_seconds:.0f}"}
                raise GoogleError(429, "rateLimitExceeded", "The request cannot be completed: rate limit.", retry)
            if outcome == "server_error":
                raise GoogleError(503, "backendError", "Backend Error")
            auth = headers.get("authorization", "")
            if not auth.startswith("Bearer "):
                raise GoogleError(
                    401,
                    "required",
                    "Request is missing required authentication credential. Expected OAuth 2 access "
                    "token, login cookie or other valid authentication credential.",
                )
            if auth.removeprefix("Bearer ").strip() != YOUTUBE_ACCESS_TOKEN:
                raise GoogleError(
                    401,
                    "authError",
                    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    "login cookie or other valid authentication credential.",
                )
            return Response(200, handler(query))
        except GoogleError as e:
            return e.response("global" if e.status in (401, 429, 503) else domain)

    def _parts(self, query: dict[str, str], allowed: tuple[str, ...]) -> set[str]:
        part = query.get("part")
        if not part:
            raise GoogleError(400, "required", "No filter selected. Expected one of: id, ...; required parameter: part")
        parts = {p.strip() for p in part.split(",") if p.strip()}
        for p in parts:
            if p not in allowed:
                raise GoogleError(400, "unknownPart", f"'{p}'")
        return parts

    def _max_results(self, query: dict[str, str]) -> int:
        try:
            value = int(query.get("maxResults", "5"))
        except ValueError:
            raise GoogleError(400, "invalidParameter", "Invalid value for maxResults") from None
        if not 0 <= value <= MAX_RESULTS:
            raise GoogleError(400, "invalidParameter", "Invalid value for maxResults: must be between 0 and 50")
        return value

    def _channels(self, query: dict[str, str]) -> dict[str, Any]:
        parts = self._parts(query, ("id", "snippet", "statistics", "contentDetails"))
        ids = [i for i in (query.get("id") or "").split(",") if i]
        if not ids and query.get("mine") != "true":
            raise GoogleError(400, "missingRequiredParameter", "No filter selected. Expected one of: id, mine")
        items = []
        if query.get("mine") == "true" or YT_CHANNEL_ID in ids:
            item: dict[str, Any] = {"kind": "youtube#channel", "etag": "sandbox", "id": YT_CHANNEL_ID}
            if "snippet" in parts:
                item["snippet"] = {"title": YT_CHANNEL_TITLE, "customUrl": "@northwindthreads"}
            if "statistics" in parts:
                item["statistics"] = {
                    "viewCount": str(sum(seen_yt_video(v, self.world.cutoff).views for v in self._uploads)),
                    "subscriberCount": str(TOTALS.yt_total(self.world.as_of - timedelta(days=1))),
                    "hiddenSubscriberCount": False,
                    "videoCount": str(len(self._uploads)),
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": YT_UPLOADS_PLAYLIST_ID}}
            items.append(self.faults.drifted("youtube_channels", item))
        return {
            "kind": "youtube#channelListResponse",
            "etag": "sandbox",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
            "items": items,
        }

    def _playlist_items(self, query: dict[str, str]) -> dict[str, Any]:
        parts = self._parts(query, ("id", "snippet", "contentDetails", "status"))
        if query.get("playlistId") != YT_UPLOADS_PLAYLIST_ID:
            raise GoogleError(
                404,
                "playlistNotFound",
                "The playlist identified with the request's playlistId parameter cannot be found.",
            )
        size = self._max_results(query)
        offset = 0
        if query.get("pageToken"):
            cursor = decode_cursor(query["pageToken"])
            if cursor is None or not isinstance(cursor.get("o"), int):
                raise GoogleError(400, "invalidPageToken", "The request specifies an invalid page token.")
            offset = cursor["o"]
        uploads = self.faults.paged("youtube_playlist", self._uploads, size)
        chunk = uploads[offset : offset + size]
        items = []
        for v in chunk:
            item: dict[str, Any] = {"kind": "youtube#playlistItem", "etag": "sandbox", "id": f"PLI{v.video_id}"}
            published = v.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if "contentDetails" in parts:
                item["contentDetails"] = {"videoId": v.video_id, "videoPublishedAt": published}
            if "snippet" in parts:
                item["snippet"] = {"publishedAt": published, "channelId": YT_CHANNEL_ID, "title": v.title}
            items.append(self.faults.drifted("youtube_playlist", item))
        body: dict[str, Any] = {
            "kind": "youtube#playlistItemListResponse",
            "etag": "sandbox",
            "pageInfo": {"totalResults": len(uploads), "resultsPerPage": size},
            "items": items,
        }
        if offset + size < len(uploads):
            body["nextPageToken"] = encode_cursor({"o": offset + size})
        if offset > 0:
            body["prevPageToken"] = encode_cursor({"o": max(0, offset - size)})
        return body

    def _videos(self, query: dict[str, str]) -> dict[str, Any]:
        parts = self._parts(query, ("id", "snippet", "statistics", "contentDetails"))
        ids = [i for i in (query.get("id") or "").split(",") if i]
        if not ids:
            raise GoogleError(400, "missingRequiredParameter", "No filter selected. Expected one of: id, chart")
        if len(ids) > MAX_RESULTS:
            raise GoogleError(400, "invalidParameter", "Too many ids: at most 50.")
        items = []
        for video_id in ids:
            raw = self._by_id.get(video_id)
            if raw is None:
                continue  # unknown ids are silently left out, as the real API does
            v = seen_yt_video(raw, self.world.cutoff)
            item: dict[str, Any] = {"kind": "youtube#video", "etag": "sandbox", "id": v.video_id}
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": v.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "channelId": YT_CHANNEL_ID,
                    "title": v.title,
                    "channelTitle": YT_CHANNEL_TITLE,
                }
            if "statistics" in parts:
                item["statistics"] = {
                    "viewCount": str(v.views),
                    "likeCount": str(v.likes),
                    "favoriteCount": "0",
                    "commentCount": str(v.comments),
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {"duration": _duration(v.duration_seconds), "definition": "hd"}
            items.append(self.faults.drifted("youtube_videos", item))
        return {
            "kind": "youtube#videoListResponse",
            "etag": "sandbox",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            "items": items,
        }

    def _reports(self, query: dict[str, str]) -> dict[str, Any]:
        ids = query.get("ids")
        if ids not in (f"channel=={YT_CHANNEL_ID}", "channel==MINE"):
            raise (
                GoogleError(403, "forbidden", "Forbidden")
                if ids
                else GoogleError(400, "required", "Required parameter: ids")
            )
        try:
            start, end = date.fromisoformat(query["startDate"]), date.fromisoformat(query["endDate"])
        except (KeyError, ValueError):
            raise GoogleError(400, "invalid", "startDate and endDate are required, as YYYY-MM-DD.") from None
        if start > end:
            raise GoogleError(400, "invalid", "The start date must be before or equal to the end date.")
        metrics = [m for m in (query.get("metrics") or "").split(",") if m]
        if not metrics:
            raise GoogleError(400, "required", "Required parameter: metrics")
        for m in metrics:
            if m not in ANALYTICS_METRICS:
                raise GoogleError(400, "invalid", f"Unknown identifier ({m}) given in field parameters.metrics.")
        if query.get("dimensions") != "day":
            raise GoogleError(400, "invalid", "The sandbox replicates dimensions=day only.")
        headers = [{"name": "day", "columnType": "DIMENSION", "dataType": "STRING"}]
        headers += [{"name": m, "columnType": "METRIC", "dataType": "INTEGER"} for m in metrics]
        rows = []
        day = start
        while day <= min(end, self.world.as_of - timedelta(days=1)):
            d = yt_day(day)
            values = {
                "views": d.views,
                "estimatedMinutesWatched": d.estimated_minutes_watched,
                "likes": d.likes,
                "comments": d.comments,
                "shares": d.shares,
                "subscribersGained": d.subscribers_gained,
                "subscribersLost": d.subscribers_lost,
            }
            rows.append([day.isoformat(), *(values[m] for m in metrics)])
            day += timedelta(days=1)
        body: dict[str, Any] = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
        if rows:
            body["rows"] = rows
        return self.faults.drifted("youtube_analytics", body)
