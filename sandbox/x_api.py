"""Replica of the X API v2 endpoints the X connector uses (docs/design.md).

Base `{url}/x/2` (real: `https://api.x.com/2`). Auth: `Authorization: Bearer <token>` (an app-only token in the
sandbox, so `non_public_metrics` / `organic_metrics` are refused as on X, where they need user-context OAuth and only
exist for posts of the last 30 days). Errors: problem+json `{"title", "detail", "type", "status"}` for HTTP errors,
`{"errors": [...]}` (HTTP 200, or 400 with title/detail) for unknown resources and invalid parameters. Throttles:
HTTP 429 with `x-rate-limit-limit`, `x-rate-limit-remaining`, `x-rate-limit-reset` (epoch seconds), no Retry-After.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta
from typing import Any

from sandbox.credentials import X_ACCESS_TOKEN
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.world import World
from sandbox.x_social import X_NAME, X_TOTALS, X_USER_ID, X_USERNAME, XPost, x_posts_before

TWEET_FIELDS = ("id", "text", "created_at", "author_id", "public_metrics")
USER_CONTEXT_FIELDS = ("non_public_metrics", "organic_metrics", "promoted_metrics")
USER_FIELDS = ("id", "name", "username", "public_metrics")
_PROBLEM = "https://api.twitter.com/2/problems/"


class XError(Exception):
    """An error answered with an X body."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(str(body))
        self.status, self.body, self.headers = status, body, headers or {}


def _invalid(parameter: str, value: str, message: str) -> XError:
    return XError(
        400,
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{_PROBLEM}invalid-request",
        },
    )


def _time(query: dict[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(name, raw, f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 date.") from None


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class XApi:
    """Serves /x/2/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /x/; parts are the path segments after 'x'."""
        try:
            if len(parts) == 4 and parts[:2] == ["2", "users"] and parts[3] == "tweets":
                family, handler = "x_tweets", self._tweets
            elif len(parts) == 3 and parts[:2] == ["2", "users"]:
                family, handler = "x_user", self._user
            else:
                raise XError(404, {"title": "Not Found", "detail": "Not Found", "type": "about:blank", "status": 404})
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            self._auth(headers)
            return Response(200, handler(parts[2], query))
        except XError as e:
            return Response(e.status, e.body, e.headers)

    def _fault_error(self, outcome: str) -> XError:
        if outcome == "server_error":
            body = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank"}
            return XError(503, {**body, "status": 503})
        reset = math.ceil(time.time() + self.faults.faults.retry_after_seconds)
        headers = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
        body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
        return XError(429, body, headers)

    def _auth(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        if auth != f"Bearer {X_ACCESS_TOKEN}":
            body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            raise XError(401, body)

    def _not_found(self, user_id: str) -> dict[str, Any]:
        return {
            "errors": [
                {
                    "value": user_id,
                    "detail": f"Could not find user with id: [{user_id}].",
                    "title": "Not Found Error",
                    "resource_type": "user",
                    "parameter": "id",
                    "resource_id": user_id,
                    "type": f"{_PROBLEM}resource-not-found",
                }
            ]
        }

    def _user(self, user_id: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /2/users/:id?user.fields=public_metrics (followers as of the cutoff)."""
        if user_id != X_USER_ID:
            return self._not_found(user_id)
        fields = [f for f in query.get("user.fields", "").split(",") if f]
        for f in fields:
            if f not in USER_FIELDS:
                raise _invalid("user.fields", f, f"The `user.fields` query parameter value [{f}] is not one of ...")
        data: dict[str, Any] = {"id": X_USER_ID, "name": X_NAME, "username": X_USERNAME}
        if "public_metrics" in fields:
            posts = x_posts_before(self.world.cutoff)
            data["public_metrics"] = {
                "followers_count": X_TOTALS.total(self.world.as_of - timedelta(days=1)),
                "following_count": 312,
                "tweet_count": len(posts),
                "listed_count": 41,
                "like_count": 0,
            }
        return {"data": self.faults.drifted("x_user", data)}

    def _tweets(self, user_id: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /2/users/:id/tweets: reverse chronological, start_time inclusive, end_time exclusive."""
        if user_id != X_USER_ID:
            return self._not_found(user_id)
        fields = [f for f in query.get("tweet.fields", "").split(",") if f]
        for f in fields:
            if f in USER_CONTEXT_FIELDS:
                raise XError(
                    403,
                    {
                        "title": "Unsupported Authentication",
                        "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. "
                        "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
                        "type": f"{_PROBLEM}unsupported-authentication",
                        "status": 403,
                    },
                )
            if f not in TWEET_FIELDS:
                raise _invalid("tweet.fields", f, f"The `tweet.fields` query parameter value [{f}] is not valid")
        raw_max = query.get("max_results", "10")
        if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
            raise _invalid("max_results", raw_max, "The `max_results` query parameter value must be 5..100")
        page_size = int(raw_max)
        start, end = _time(query, "start_time"), _time(query, "end_time")
        posts = [
            p
            for p in reversed(x_posts_before(self.world.cutoff))
            if (start is None or p.created_at >= start) and (end is None or p.created_at < end)
        ]
        posts = self.faults.paged("x_tweets", posts, page_size)
        offset = 0
        if "pagination_token" in query:
            cursor = decode_cursor(query["pagination_token"])
            if cursor is None or not isinstance(cursor.get("o"), int):
                raise _invalid("pagination_token", query["pagination_token"], "Invalid pagination_token")
            offset = cursor["o"]
        chunk = posts[offset : offset + page_size]
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if chunk:
            meta["newest_id"], meta["oldest_id"] = chunk[0].id, chunk[-1].id
        if offset + page_size < len(posts):
            meta["next_token"] = encode_cursor({"o": offset + page_size})
        body: dict[str, Any] = {"meta": meta}
        if chunk:
            body["data"] = [self.faults.drifted("x_tweets", self._post(p, fields)) for p in chunk]
        return body

    def _post(self, p: XPost, fields: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": p.id,
            "text": p.text,
            "created_at": _iso(p.created_at),
            "author_id": X_USER_ID,
            "edit_history_tweet_ids": [p.id],
        }
        if "public_metrics" in fields:
            values["public_metrics"] = p.seen(self.world.cutoff)
        return {k: v for k, v in values.items() if k in ("id", "text", "edit_history_tweet_ids") or k in fields}
