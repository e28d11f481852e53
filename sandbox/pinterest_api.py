"""Replica of the Pinterest API v5 endpoints the Pinterest connector uses (docs/design.md).

Base `{url}/pinterest/v5` (real: `https://api.pinterest.com/v5`). Auth: `Authorization: Bearer <token>` (an OAuth
token with user_accounts:read and pins:read); a token belongs to one business account, and every endpoint answers
for that account (PINTEREST_ACCESS_TOKENS). Errors `{"code", "message"}`: 401 code 2 (authentication failed),
400 code 1 (invalid parameters), injected 429 code 8 with Retry-After and 500. Lists page with `bookmark`
(`page_size` 1..250, `bookmark` null on the last page). Account analytics: `start_date` at most 90 days before
today (UTC), days in UTC, `metric_types` from IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sandbox.credentials import PINTEREST_ACCESS_TOKENS
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.pinterest_social import PIN_ACCOUNTS, PIN_METRICS, PIN_TOTALS, Pin, PinAccount, pin_day_seen, pins_before
from sandbox.world import World

MAX_PAGE_SIZE = 250
MAX_ANALYTICS_DAYS = 90
_ACCOUNT_OF_TOKEN = {
    f"Bearer {token}": next(a for a in PIN_ACCOUNTS if a.username == username)
    for username, token in PINTEREST_ACCESS_TOKENS.items()
}


class PinterestError(Exception):
    """An error answered with a Pinterest body."""

    def __init__(self, status: int, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _bad(message: str) -> PinterestError:
    return PinterestError(400, 1, message)


class PinterestApi:
    """Serves /pinterest/v5/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /pinterest/; parts are the path segments after 'pinterest'."""
        try:
            route = tuple(parts)
            if route == ("v5", "user_account"):
                family, handler = "pin_account", self._user_account
            elif route == ("v5", "user_account", "analytics"):
                family, handler = "pin_analytics", self._analytics
            elif route == ("v5", "pins"):
                family, handler = "pin_pins", self._pins
            else:
                raise PinterestError(404, 404, "Not found.")
            outcome = self.faults.decide(family)
            if outcome is not None:
                if outcome == "server_error":
                    raise PinterestError(500, 500, "Internal server error.")
                retry = {"Retry-After": f"{self.faults.faults.retry_after_seconds:.0f}"}
                raise PinterestError(429, 8, "You have exceeded your rate limit. Try again later.", retry)
            account = _ACCOUNT_OF_TOKEN.get(headers.get("authorization", ""))
            if account is None:
                raise PinterestError(401, 2, "Authentication failed.")
            return Response(200, handler(account, query))
        except PinterestError as e:
            return Response(e.status, {"code": e.code, "message": e.message}, e.headers)

    def _user_account(self, account: PinAccount, query: dict[str, str]) -> dict[str, Any]:
        """GET /v5/user_account: the token's account with follower_count at the cutoff."""
        body = {
            "account_type": "BUSINESS",
            "id": account.user_id,
            "username": account.username,
            "business_name": account.business_name,
            "follower_count": PIN_TOTALS.total(self.world.as_of - timedelta(days=1), account.index),
            "following_count": 87,
            "pin_count": len(pins_before(self.world.cutoff, account.index)),
            "monthly_views": 0,
        }
        return self.faults.drifted("pin_account", body)

    def _pins(self, account: PinAccount, query: dict[str, str]) -> dict[str, Any]:
        """GET /v5/pins?page_size&bookmark: the account's pins, newest first."""
        raw_size = query.get("page_size", "25")
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
            raise _bad(f"Invalid page_size: must be between 1 and {MAX_PAGE_SIZE}.")
        size = int(raw_size)
        offset = 0
        if query.get("bookmark"):
            cursor = decode_cursor(query["bookmark"])
            if cursor is None or not isinstance(cursor.get("o"), int):
                raise _bad("Invalid bookmark.")
            offset = cursor["o"]
        pins = self.faults.paged("pin_pins", list(reversed(pins_before(self.world.cutoff, account.index))), size)
        chunk = pins[offset : offset + size]
        more = offset + size < len(pins)
        return {
            "items": [self.faults.drifted("pin_pins", self._pin(account, p)) for p in chunk],
            "bookmark": encode_cursor({"o": offset + size}) if more else None,
        }

    def _pin(self, account: PinAccount, p: Pin) -> dict[str, Any]:
        return {
            "id": p.id,
            "created_at": p.created_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "title": p.title,
            "description": p.title,
            "link": "https://northwindthreads.example/",
            "board_id": p.board_id,
            "board_owner": {"username": account.username},
            "is_owner": True,
            "media": {"media_type": "image"},
        }

    def _analytics(self, account: PinAccount, query: dict[str, str]) -> dict[str, Any]:
        """GET /v5/user_account/analytics?start_date&end_date&metric_types (daily, UTC days)."""
        try:
            start, end = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            raise _bad("start_date and end_date are required (YYYY-MM-DD).") from None
        today = self.world.as_of
        if start > end or end > today or (today - start).days > MAX_ANALYTICS_DAYS:
            raise _bad(f"Invalid date range: start_date cannot be more than {MAX_ANALYTICS_DAYS} days ago.")
        metrics = [m for m in query.get("metric_types", "").split(",") if m]
        if not metrics or any(m not in PIN_METRICS for m in metrics):
            raise _bad(f"Invalid metric_types: {query.get('metric_types')}")
        daily = []
        day = start
        while day <= end:
            if day < today:
                values, status = pin_day_seen(day, today, account.index)
                daily.append(
                    {"date": day.isoformat(), "data_status": status, "metrics": {m: values[m] for m in metrics}}
                )
            else:
                daily.append({"date": day.isoformat(), "data_status": "PROCESSING"})
            day += timedelta(days=1)
        summary = {m: sum(d.get("metrics", {}).get(m, 0) for d in daily) for m in metrics}
        daily = [self.faults.drifted("pin_analytics", d) for d in daily]
        return {"all": {"daily_metrics": daily, "summary_metrics": summary}}
