"""X: the API client (problem+json errors, x-rate-limit-reset), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
import requests
from dlt.sources.helpers.requests import Session

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_timestamp
from sources.common.errors import SourceApiError, mask_secrets
from sources.common.http import ApiClient, ErrorInfo
from sources.x import settings

USERS_SCHEMA = pa.schema(
    [
        field("user_id", pa.string(), nullable=False),
        field("username", pa.string()),
        field("name", pa.string()),
        field("followers_count", pa.int64()),
        field("following_count", pa.int64()),
        field("tweet_count", pa.int64()),
        field("listed_count", pa.int64()),
        field("snapshot_date", pa.date32(), nullable=False),
    ]
)

TWEETS_SCHEMA = pa.schema(
    [
        field("user_id", pa.string()),
        field("id", pa.string(), nullable=False),
        field("text", pa.string()),
        field("created_at", TIMESTAMP),
        *(field(metric, pa.int64()) for metric in settings.PUBLIC_METRICS),
    ]
)


def rate_limit_reset_hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """Turn X's `x-rate-limit-reset` (epoch seconds) on a 429 into the `Retry-After` the shared client honours."""
    reset = response.headers.get("x-rate-limit-reset")
    if response.status_code == 429 and reset and "retry-after" not in response.headers:
        try:
            wait = max(0.0, float(reset) - time.time())
        except ValueError:
            return response
        response.headers["Retry-After"] = f"{wait:.3f}"
    return response


def x_error_info(response: requests.Response) -> ErrorInfo:
    """Explain an X error: problem+json (`title`, `detail`, `type`, `status`) or `{"errors": [...]}`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    parts = [str(body[k]) for k in ("title", "detail") if body.get(k)]
    parts += [str(e.get("message") or e.get("detail")) for e in errors if isinstance(e, dict)]
    message = ": ".join(parts) or str(body)[:300]
    code = body.get("type") or (errors[0].get("type") if errors and isinstance(errors[0], dict) else None)
    if response.status_code == 401:
        hint = (
            "the bearer token is invalid or was revoked: regenerate it in the X developer portal (project app > "
            f"Keys and tokens) and set {settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if response.status_code == 403:
        hint = (
            "the app or token may not read this user or these fields (non-public metrics need user-context OAuth): "
            f"check the app's access level and {settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if response.status_code == 429:
        return ErrorInfo(message=message, code=code, hint="X rate limit still exceeded after retries: rerun later")
    return ErrorInfo(message=message, code=code, hint="see the X API v2 error reference")


class XClient:
    """GETs X API v2 endpoints with `Authorization: Bearer`; raises on `{"errors": [...]}` bodies without data."""

    def __init__(self, base_url: str, bearer_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._secrets = [bearer_token]
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=x_error_info,
            headers={"Authorization": f"Bearer {bearer_token}"},
            secrets=[bearer_token],
        )
        client = self.api._client
        make_session = client._make_session

        def _make_session() -> Session:
            session = make_session()
            session.hooks["response"].append(rate_limit_reset_hook)
            return session

        client._make_session = _make_session  # type: ignore[method-assign]

    def get(self, path: str, params: Mapping[str, Any], *, account: str) -> dict[str, Any]:
        """GET `{base_url}/{path}`; a 200 body holding only `errors` (e.g. unknown user) is an error too."""
        endpoint = f"/{path}"
        body = self.api.get_json(f"{self.base_url}{endpoint}", params=params, account=account, endpoint=endpoint)
        if not isinstance(body, dict):
            body = {}
        if body.get("errors") and "data" not in body and "meta" not in body:
            errors = [e for e in body["errors"] if isinstance(e, dict)]
            message = "; ".join(str(e.get("detail") or e.get("title") or e) for e in errors) or "unknown error"
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=account,
                endpoint=endpoint,
                status=200,
                code=errors[0].get("type") if errors else None,
                platform_message=mask_secrets(message, self._secrets),
                hint="check the user ids in sources.x.user_ids (numeric ids, not @handles)",
            )
        return body

    def tweet_pages(self, user_id: str, since: dt.datetime, until: dt.datetime) -> Iterator[list[dict[str, Any]]]:
        """Yield each page of a user's posts created in [since, until) (newest first), following meta.next_token."""
        params: dict[str, Any] = {
            "max_results": settings.MAX_RESULTS,
            "tweet.fields": ",".join(settings.TWEET_FIELDS),
            "start_time": _rfc3339(since),
            "end_time": _rfc3339(until),
        }
        path = settings.TWEETS_PATH.format(user_id=user_id)
        while True:
            body = self.get(path, params, account=user_id)
            yield [t for t in body.get("data") or [] if isinstance(t, dict)]
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return
            params = {**params, "pagination_token": token}


def _rfc3339(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_row(body: Mapping[str, Any], user_id: str, snapshot_date: dt.date) -> dict[str, Any]:
    """Shape `GET /2/users/:id` to the `users` raw contract."""
    data = body.get("data") or {}
    metrics = data.get("public_metrics") or {}
    return {
        "user_id": str(data.get("id") or user_id),
        "username": data.get("username"),
        "name": data.get("name"),
        "followers_count": metrics.get("followers_count"),
        "following_count": metrics.get("following_count"),
        "tweet_count": metrics.get("tweet_count"),
        "listed_count": metrics.get("listed_count"),
        "snapshot_date": snapshot_date,
    }


def tweet_row(raw: Mapping[str, Any], user_id: str) -> dict[str, Any]:
    """Shape one post to the `tweets` raw contract."""
    metrics = raw.get("public_metrics") or {}
    return {
        "user_id": user_id,
        "id": str(raw["id"]),
        "text": raw.get("text"),
        "created_at": api_timestamp(raw.get("created_at"), "created_at"),
    } | {metric: metrics.get(metric) for metric in settings.PUBLIC_METRICS}


def tweet_chunks(
    client: XClient, users_since: Sequence[tuple[str, dt.datetime]], until: dt.datetime
) -> Iterator[Chunk]:
    """A chunk per page of each user's posts created in [since, until), then the user's read-through mark."""
    for user_id, since in users_since:
        buffer = ColumnBuffer(TWEETS_SCHEMA)
        for page in client.tweet_pages(user_id, since, until):
            for raw in page:
                row = tweet_row(raw, user_id)
                created = row["created_at"]
                if created is not None and not since <= created < until:
                    continue  # keep the window exact whatever the API's second granularity
                buffer.append(row)
            if len(buffer):
                yield Chunk(user_id, buffer.flush())
        yield Chunk(user_id, read_through=until)
