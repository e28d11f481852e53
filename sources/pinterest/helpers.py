"""Pinterest: the API client (`{"code", "message"}` errors, bookmark paging), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_day, api_timestamp, day_windows
from sources.common.http import ApiClient, ErrorInfo
from sources.pinterest import settings

USER_ACCOUNTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("username", pa.string()),
        field("account_type", pa.string()),
        field("follower_count", pa.int64()),
        field("following_count", pa.int64()),
        field("pin_count", pa.int64()),
        field("snapshot_date", pa.date32(), nullable=False),
    ]
)

PINS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string()),
        field("id", pa.string(), nullable=False),
        field("created_at", TIMESTAMP),
        field("title", pa.string()),
        field("description", pa.string()),
        field("link", pa.string()),
        field("board_id", pa.string()),
        field("media_type", pa.string()),
    ]
)

ANALYTICS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        field("data_status", pa.string()),
        *(field(metric.lower(), pa.int64()) for metric in settings.METRIC_TYPES),
    ]
)


def pinterest_error_info(response: requests.Response) -> ErrorInfo:
    """Explain a Pinterest error `{"code", "message"}`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    message, code = str(body.get("message") or body)[:300], body.get("code")
    if response.status_code in (401, 403) or code in settings.AUTH_CODES:
        hint = (
            "the access token expired (30 days) or lacks user_accounts:read / pins:read: refresh it with the refresh "
            f"token or re-authorize the app, and set the account's entry in {settings.TOKENS_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if response.status_code == 429:
        return ErrorInfo(
            message=message, code=code, hint="Pinterest rate limit still exceeded after retries: rerun later"
        )
    return ErrorInfo(message=message, code=code, hint="see the Pinterest API v5 error codes")


class PinterestClient:
    """GETs Pinterest API v5 endpoints with `Authorization: Bearer`."""

    def __init__(self, base_url: str, access_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=pinterest_error_info,
            headers={"Authorization": f"Bearer {access_token}"},
            secrets=[access_token],
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, account: str | None = None) -> dict[str, Any]:
        """GET `{base_url}/{path}` and decode the JSON object."""
        endpoint = f"/{path}"
        body = self.api.get_json(f"{self.base_url}{endpoint}", params=params, account=account, endpoint=endpoint)
        return body if isinstance(body, dict) else {}

    def pins(self, account_id: str, since: dt.datetime) -> Iterator[list[dict[str, Any]]]:
        """Pages of the account's pins (newest first, `bookmark` paging) until a page reaches pins before `since`."""
        params: dict[str, Any] = {"page_size": settings.PAGE_SIZE}
        while True:
            body = self.get(settings.PINS_PATH, params, account=account_id)
            items = [i for i in body.get("items") or [] if isinstance(i, dict)]
            yield items
            oldest = _created(items[-1]) if items else None
            bookmark = body.get("bookmark")
            if not bookmark or not items or (oldest is not None and oldest < since):
                return
            params = {**params, "bookmark": bookmark}


def _created(raw: Mapping[str, Any]) -> dt.datetime | None:
    """Pinterest `created_at` is UTC without an offset (`2025-03-01T02:07:03`)."""
    return api_timestamp(raw.get("created_at"), "created_at")


def user_account_row(body: Mapping[str, Any], snapshot_date: dt.date) -> dict[str, Any]:
    """Shape `GET /v5/user_account` to the `user_accounts` raw contract."""
    return {
        "account_id": str(body["id"]),
        "username": body.get("username"),
        "account_type": body.get("account_type"),
        "follower_count": body.get("follower_count"),
        "following_count": body.get("following_count"),
        "pin_count": body.get("pin_count"),
        "snapshot_date": snapshot_date,
    }


def pin_row(raw: Mapping[str, Any], account_id: str) -> dict[str, Any]:
    """Shape one pin to the `pins` raw contract."""
    return {
        "account_id": account_id,
        "id": str(raw["id"]),
        "created_at": _created(raw),
        "title": raw.get("title"),
        "description": raw.get("description"),
        "link": raw.get("link"),
        "board_id": None if raw.get("board_id") is None else str(raw["board_id"]),
        "media_type": (raw.get("media") or {}).get("media_type"),
    }


def pin_chunks(client: PinterestClient, account_id: str, since: dt.datetime, until: dt.datetime) -> Iterator[Chunk]:
    """The account's pins created in [since, until), then its read-through mark."""
    buffer = ColumnBuffer(PINS_SCHEMA)
    for page in client.pins(account_id, since):
        for raw in page:
            created = _created(raw)
            if raw.get("id") and created is not None and since <= created < until:
                buffer.append(pin_row(raw, account_id))
        if len(buffer):
            yield Chunk(account_id, buffer.flush())
    yield Chunk(account_id, read_through=until)


def analytics_chunks(client: PinterestClient, account_id: str, since: dt.date, last: dt.date) -> Iterator[Chunk]:
    """Daily account analytics of [since, last] (UTC days) in 30-day calls; days not READY/ESTIMATE are skipped."""
    for first, window_last in day_windows(since, last, settings.WINDOW_DAYS):
        params = {
            "start_date": first.isoformat(),
            "end_date": window_last.isoformat(),
            "metric_types": ",".join(settings.METRIC_TYPES),
        }
        body = client.get(settings.ANALYTICS_PATH, params, account=account_id)
        buffer = ColumnBuffer(ANALYTICS_SCHEMA)
        for day in (body.get("all") or {}).get("daily_metrics") or []:
            status = day.get("data_status")
            if status not in settings.LOADED_STATUSES or not day.get("date"):
                continue
            metrics = day.get("metrics") or {}
            buffer.append(
                {"account_id": account_id, "date": api_day(day["date"], "daily_metrics.date"), "data_status": status}
                | {metric.lower(): metrics.get(metric) for metric in settings.METRIC_TYPES}
            )
        yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=window_last)
