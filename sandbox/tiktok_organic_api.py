"""Replica of the TikTok API for Business v1.3 "Business Accounts" endpoints the TikTok organic connector uses.

Base `{url}/tiktok/open_api/v1.3/business` (real: `https://business-api.tiktok.com/open_api/v1.3/business`).
Auth: `Access-Token` header (a TikTok account token from the Business Accounts OAuth flow). Answers are envelopes
`{"code", "message", "request_id", "data"}`; errors are HTTP 200 with a non-zero code (40105 bad token, 40100 rate
limit, 40002 bad parameter, 50000 system error), except injected 429/5xx faults. `fields` is a JSON array.
- `GET /business/get/?business_id&start_date&end_date&fields` -> account fields and `metrics`, one entry per day
  (`date`, `daily_total_followers`, `daily_new_followers`, `daily_lost_followers`, `profile_views`); at most 30 days.
- `GET /business/video/list/?business_id&fields&cursor&max_count` -> `videos` newest first, `cursor`, `has_more`.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from sandbox.constants import TT_BUSINESS_ID, TT_USERNAME
from sandbox.credentials import TIKTOK_BUSINESS_TOKEN
from sandbox.faults import FaultState
from sandbox.http_util import Response
from sandbox.tiktok_ads_api import (
    CODE_BAD_PARAM,
    CODE_OK,
    CODE_RATE_LIMIT,
    CODE_SYSTEM_ERROR,
    CODE_TOKEN_EMPTY,
    CODE_TOKEN_INVALID,
    TikTokError,
    _int,
    _json_list,
)
from sandbox.video_social import TOTALS, seen_tt_video, tt_day, tt_videos_visible
from sandbox.world import World

ACCOUNT_FIELDS = ("username", "display_name", "followers_count")
DAILY_FIELDS = ("daily_total_followers", "daily_new_followers", "daily_lost_followers", "profile_views")
VIDEO_FIELDS = (
    "item_id",
    "create_time",
    "caption",
    "share_url",
    "video_duration",
    "video_views",
    "reach",
    "likes",
    "comments",
    "shares",
)
MAX_RANGE_DAYS = 30
MAX_VIDEO_COUNT = 20


class TikTokOrganicApi:
    """Serves /tiktok/open_api/v1.3/business/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self._seq = 0
        self._videos = sorted(tt_videos_visible(world.as_of, world.cutoff), key=lambda v: v.published_at, reverse=True)

    def handle(self, route: tuple[str, ...], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Answer a GET of `business/get` or `business/video/list` (route = path segments after v1.3)."""
        self._seq += 1
        request_id = hashlib.sha1(f"ttorganic{'/'.join(route)}{self._seq}".encode()).hexdigest()[:32]
        routes = {
            ("business", "get"): (self._account, "ttorganic_account"),
            ("business", "video", "list"): (self._videos_page, "ttorganic_videos"),
        }
        if route not in routes:
            return Response(404, {"code": 40400, "message": "Not Found", "request_id": request_id})
        handler, family = routes[route]
        try:
            outcome = self.faults.decide(family)
            if outcome == "server_error":
                raise TikTokError(CODE_SYSTEM_ERROR, "System error. Please try again later.", status=500)
            if outcome == "throttle":
                message = "Too many requests. Please retry in some time."
                f = self.faults.faults
                if f.tiktok_throttle_as_429:
                    raise TikTokError(CODE_RATE_LIMIT, message, 429, {"Retry-After": f"{f.retry_after_seconds:.1f}"})
                raise TikTokError(CODE_RATE_LIMIT, message)
            token = headers.get("access-token")
            if not token:
                raise TikTokError(CODE_TOKEN_EMPTY, "Access token is null, please check your access token.")
            if token != TIKTOK_BUSINESS_TOKEN:
                raise TikTokError(CODE_TOKEN_INVALID, "Access token is incorrect or has been revoked.")
            business_id = query.get("business_id")
            if not business_id:
                raise TikTokError(CODE_BAD_PARAM, "business_id: Missing data for required field.")
            if business_id != TT_BUSINESS_ID:
                raise TikTokError(40001, f"No permission to operate business account {business_id}.")
            data = handler(query)
            return Response(200, {"code": CODE_OK, "message": "OK", "request_id": request_id, "data": data})
        except TikTokError as e:
            body = {"code": e.code, "message": e.message, "request_id": request_id, "data": {}}
            return Response(e.status, body, e.headers)

    def _fields(self, query: dict[str, str], allowed: tuple[str, ...], default: tuple[str, ...]) -> list[str]:
        fields = _json_list(query, "fields", required=False) or list(default)
        for f in fields:
            if f not in allowed:
                raise TikTokError(CODE_BAD_PARAM, f"fields: Invalid field {f!r}.")
        return fields

    def _account(self, query: dict[str, str]) -> dict[str, Any]:
        """Account fields (followers as of the cutoff) and daily metrics of [start_date, end_date] before as_of."""
        fields = self._fields(query, ACCOUNT_FIELDS + DAILY_FIELDS, ACCOUNT_FIELDS)
        try:
            start, end = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            raise TikTokError(CODE_BAD_PARAM, "start_date and end_date are required, as YYYY-MM-DD.") from None
        if start > end:
            raise TikTokError(CODE_BAD_PARAM, "start_date must be on or before end_date.")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise TikTokError(CODE_BAD_PARAM, f"The time span cannot exceed {MAX_RANGE_DAYS} days.")
        last_day = self.world.as_of - timedelta(days=1)
        values = {
            "username": TT_USERNAME,
            "display_name": "Northwind Threads",
            "followers_count": TOTALS.tt_total(last_day),
        }
        data: dict[str, Any] = {f: values[f] for f in fields if f in values}
        daily = [f for f in fields if f in DAILY_FIELDS]
        metrics = []
        day = start
        while day <= min(end, last_day):
            t = tt_day(day)
            row = {
                "daily_total_followers": TOTALS.tt_total(day),
                "daily_new_followers": t.new_followers,
                "daily_lost_followers": t.lost_followers,
                "profile_views": t.profile_views,
            }
            metrics.append(
                self.faults.drifted("ttorganic_account", {"date": day.isoformat()} | {f: row[f] for f in daily})
            )
            day += timedelta(days=1)
        data["metrics"] = metrics
        return self.faults.drifted("ttorganic_account", data)

    def _videos_page(self, query: dict[str, str]) -> dict[str, Any]:
        """A page of videos, newest first; `cursor` is the offset of the next page."""
        fields = self._fields(query, VIDEO_FIELDS, ("item_id", "create_time"))
        cursor = _int(query, "cursor", 0, 0, 10**9)
        max_count = _int(query, "max_count", MAX_VIDEO_COUNT, 1, MAX_VIDEO_COUNT)
        videos = self.faults.paged("ttorganic_videos", self._videos, max_count)
        chunk = videos[cursor : cursor + max_count]
        out = []
        for v in chunk:
            s = seen_tt_video(v, self.world.cutoff)
            values = {
                "item_id": s.item_id,
                "create_time": int(s.published_at.timestamp()),
                "caption": s.caption,
                "share_url": s.share_url,
                "video_duration": float(s.duration),
                "video_views": s.video_views,
                "reach": s.reach,
                "likes": s.likes,
                "comments": s.comments,
                "shares": s.shares,
            }
            out.append(self.faults.drifted("ttorganic_videos", {f: values[f] for f in fields}))
        next_cursor = cursor + len(chunk)
        return {"videos": out, "cursor": next_cursor, "has_more": next_cursor < len(videos)}
