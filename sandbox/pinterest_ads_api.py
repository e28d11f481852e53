"""Replica of the Pinterest API v5 ads endpoints the Pinterest Ads connector uses.

Base `{url}/pinterest/v5` (real: `https://api.pinterest.com/v5`), paths below `/ad_accounts` (the organic replica,
`sandbox.pinterest_api`, serves the rest). Auth: `Authorization: Bearer <token>` (an OAuth token with ads:read; the
sandbox accepts the organic replica's token). Errors `{"code", "message"}`: 401 code 2 (authentication failed), 400
code 1 (invalid parameters), 403 code 29 (ad account not accessible), injected 429 code 8 with Retry-After and
x-ratelimit-* headers, and 500.

- `GET /ad_accounts`, `/ad_accounts/{id}/campaigns`, `/ad_groups`, `/ads`: `{"items": [...], "bookmark"}`,
  `page_size` 1..250 (default 25), `bookmark` null on the last page.
- `GET /ad_accounts/{id}`: id, name, owner {id, username}, country, currency, permissions, created/updated_time.
- `GET /ad_accounts/{id}/ads/analytics?start_date&end_date&ad_ids&columns&granularity=DAY`: a JSON array of rows
  `{"AD_ID", "DATE", <column>: value}`, one per ad x ad-account-timezone day with delivery. At most 100 ad ids and 90
  days per request; start_date no more than 90 days before today (UTC). Money columns `*_IN_MICRO_DOLLAR` are
  micros of the ad account currency. Conversion columns with no value are left out, as the real API does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.ads import AdDay
from sandbox.campaigns import Campaign
from sandbox.constants import PINTEREST_ADS_ACCOUNT
from sandbox.credentials import PINTEREST_ACCESS_TOKEN
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.pinterest_api import PinterestError
from sandbox.world import World

MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 25
MAX_AD_IDS = 100
MAX_RANGE_DAYS = 90
RETENTION_DAYS = 90
RATE_LIMIT_PER_MINUTE = 1000
OWNER_ID = "1088000000000000001"
OWNER_USERNAME = "northwindthreads"
ENTITY_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT")
DEFAULT_ENTITY_STATUSES = ("ACTIVE", "PAUSED")
WINDOW_DAYS_VALUES = ("0", "1", "7", "14", "30", "60")
# Columns replicated for ads/analytics; the value of each for one delivered ad day (restated as of as_of).
ANALYTICS_COLUMNS: dict[str, Callable[[AdDay, Any], Any]] = {
    "AD_ACCOUNT_ID": lambda r, seen: r.campaign.account_id,
    "CAMPAIGN_ID": lambda r, seen: r.campaign.campaign_id,
    "AD_GROUP_ID": lambda r, seen: r.ad.adset_id,
    "SPEND_IN_MICRO_DOLLAR": lambda r, seen: seen.spend_cents * 10_000,
    "SPEND_IN_DOLLAR": lambda r, seen: seen.spend_cents / 100,
    "TOTAL_IMPRESSION": lambda r, seen: r.impressions,
    "TOTAL_CLICKTHROUGH": lambda r, seen: r.clicks,
    "TOTAL_IMPRESSION_USER": lambda r, seen: r.reach,
    "TOTAL_CHECKOUT": lambda r, seen: seen.purchases or None,
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": lambda r, seen: seen.purchase_value_cents * 10_000 or None,
    "TOTAL_VIDEO_3SEC_VIEWS": lambda r, seen: r.video_views,
}


def _bad(message: str) -> PinterestError:
    return PinterestError(400, 1, message)


def _unix(day: date, account_tz: Any) -> int:
    """Unix seconds of a day's midnight in the account time zone."""
    return int(datetime.combine(day, time(0), account_tz).timestamp())


def _list_param(query: dict[str, str], name: str) -> list[str]:
    """A comma-separated list parameter (empty when absent)."""
    return [v.strip() for v in query.get(name, "").split(",") if v.strip()]


class PinterestAdsApi:
    """Serves /pinterest/v5/ad_accounts/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self.account = PINTEREST_ADS_ACCOUNT

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /pinterest/v5/ad_accounts; parts are the path segments after 'pinterest'."""
        try:
            family, handler = self._route(parts[1:])
            self._fault(family)
            if headers.get("authorization") != f"Bearer {PINTEREST_ACCESS_TOKEN}":
                raise PinterestError(401, 2, "Authentication failed.")
            return Response(200, handler(query))
        except PinterestError as e:
            return Response(e.status, {"code": e.code, "message": e.message}, e.headers)

    def _route(self, route: list[str]) -> tuple[str, Callable[[dict[str, str]], Any]]:
        """(fault family, handler) of a path below v5/."""
        if route == ["ad_accounts"]:
            return "pinads_accounts", self._ad_accounts
        if len(route) < 2 or route[0] != "ad_accounts":
            raise PinterestError(404, 404, "Not found.")
        account_id, rest = route[1], route[2:]
        handlers: dict[tuple[str, ...], tuple[str, Callable[[dict[str, str]], Any]]] = {
            (): ("pinads_accounts", lambda q: self._drift("pinads_accounts", self._account())),
            ("campaigns",): ("pinads_campaigns", lambda q: self._list("pinads_campaigns", q, self._campaigns())),
            ("ad_groups",): ("pinads_campaigns", lambda q: self._list("pinads_campaigns", q, self._ad_groups())),
            ("ads",): ("pinads_campaigns", lambda q: self._list("pinads_campaigns", q, self._ads())),
            ("ads", "analytics"): ("pinads_analytics", self._analytics),
        }
        if tuple(rest) not in handlers:
            raise PinterestError(404, 404, "Not found.")
        family, handler = handlers[tuple(rest)]

        def checked(query: dict[str, str]) -> Any:
            if account_id != self.account.account_id:
                raise PinterestError(403, 29, "You are not permitted to access that resource.")
            return handler(query)

        return family, checked

    def _fault(self, family: str) -> None:
        """Raise the injected throttle or 5xx for this request, if any."""
        outcome = self.faults.decide(family)
        if outcome == "server_error":
            raise PinterestError(500, 500, "Internal server error.")
        if outcome == "throttle":
            seconds = self.faults.faults.retry_after_seconds
            headers = {
                "Retry-After": f"{seconds:g}",
                "x-ratelimit-limit": str(RATE_LIMIT_PER_MINUTE),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": f"{seconds:g}",
            }
            raise PinterestError(429, 8, "You have exceeded your rate limit. Try again later.", headers)

    def _drift(self, family: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.faults.drifted(family, record)

    def _list(self, family: str, query: dict[str, str], items: list[dict[str, Any]]) -> dict[str, Any]:
        """One bookmark page of `items` (filtered by entity_statuses when the items have a status)."""
        raw_size = query.get("page_size", str(DEFAULT_PAGE_SIZE))
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
            raise _bad(f"Invalid page_size: must be between 1 and {MAX_PAGE_SIZE}.")
        size = int(raw_size)
        statuses = _list_param(query, "entity_statuses") or list(DEFAULT_ENTITY_STATUSES)
        unknown = [s for s in statuses if s not in ENTITY_STATUSES]
        if unknown:
            raise _bad(f"Invalid entity_statuses: {','.join(unknown)}")
        items = [i for i in items if i.get("status") is None or i["status"] in statuses]
        offset = 0
        if query.get("bookmark"):
            cursor = decode_cursor(query["bookmark"])
            if cursor is None or not isinstance(cursor.get("o"), int):
                raise _bad("Invalid bookmark.")
            offset = cursor["o"]
        walked = self.faults.paged(family, items, size)
        chunk = walked[offset : offset + size]
        more = offset + size < len(walked)
        return {
            "items": [self._drift(family, i) for i in chunk],
            "bookmark": encode_cursor({"o": offset + size}) if more else None,
        }

    def _account(self) -> dict[str, Any]:
        acct = self.account
        return {
            "id": acct.account_id,
            "name": acct.name,
            "owner": {"id": OWNER_ID, "username": OWNER_USERNAME},
            "country": "US",
            "currency": acct.currency,
            "permissions": ["OWNER"],
            "created_time": _unix(date(2024, 11, 4), acct.tz),
            "updated_time": _unix(date(2024, 12, 1), acct.tz),
        }

    def _ad_accounts(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /ad_accounts: the token's ad accounts (one here)."""
        return self._list("pinads_accounts", query, [self._account()])

    def _pinterest_campaigns(self) -> list[Campaign]:
        return [c for c in self.world.campaigns if c.account_id == self.account.account_id]

    def _campaigns(self) -> list[dict[str, Any]]:
        tz = self.account.tz
        return [
            {
                "id": c.campaign_id,
                "ad_account_id": c.account_id,
                "name": c.name,
                "status": "ACTIVE",
                "objective_type": {"awareness": "AWARENESS", "traffic": "CONSIDERATION", "conv": "WEB_CONVERSION"}[
                    c.objective
                ],
                "daily_spend_cap": c.daily_budget_cents * 10_000,
                "start_time": _unix(c.launch, tz),
                "end_time": _unix(c.end + timedelta(days=1), tz),
                "created_time": _unix(c.launch - timedelta(days=3), tz),
                "updated_time": _unix(c.launch, tz),
                "type": "campaign",
            }
            for c in self._pinterest_campaigns()
        ]

    def _ad_groups(self) -> list[dict[str, Any]]:
        tz = self.account.tz
        out: dict[str, dict[str, Any]] = {}
        for c in self._pinterest_campaigns():
            for ad in c.ads:
                out.setdefault(
                    ad.adset_id,
                    {
                        "id": ad.adset_id,
                        "ad_account_id": c.account_id,
                        "campaign_id": c.campaign_id,
                        "name": ad.adset_name,
                        "status": "ACTIVE",
                        "budget_in_micro_currency": c.daily_budget_cents * 5_000,
                        "budget_type": "DAILY",
                        "start_time": _unix(c.launch, tz),
                        "end_time": _unix(c.end + timedelta(days=1), tz),
                        "created_time": _unix(c.launch - timedelta(days=3), tz),
                        "type": "adgroup",
                    },
                )
        return list(out.values())

    def _ads(self) -> list[dict[str, Any]]:
        tz = self.account.tz
        today = self.world.as_of
        return [
            {
                "id": ad.ad_id,
                "ad_account_id": c.account_id,
                "campaign_id": c.campaign_id,
                "ad_group_id": ad.adset_id,
                "pin_id": str(900_000_000_000_000_000 + int(ad.ad_id)),
                "name": ad.name,
                "status": "ACTIVE",
                "summary_status": "COMPLETED" if c.end < today else "RUNNING",
                "creative_type": "VIDEO" if "idea-pin" in ad.name else "REGULAR",
                "created_time": _unix(c.launch - timedelta(days=3), tz),
                "updated_time": _unix(c.launch, tz),
                "type": "pinpromotion",
            }
            for c in self._pinterest_campaigns()
            for ad in c.ads
        ]

    def _analytics(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """GET /ad_accounts/{id}/ads/analytics (granularity DAY): one row per ad x day with delivery."""
        try:
            start, end = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            raise _bad("start_date and end_date are required, as YYYY-MM-DD.") from None
        today = self.world.as_of
        if start > end:
            raise _bad("Invalid date range: end_date must be on or after start_date.")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise _bad(f"Invalid date range: end_date cannot be more than {MAX_RANGE_DAYS} days past start_date.")
        if (today - start).days > RETENTION_DAYS:
            raise _bad(f"Invalid date range: start_date cannot be more than {RETENTION_DAYS} days back from today.")
        ad_ids = _list_param(query, "ad_ids")
        if not ad_ids:
            raise _bad("The request must contain either ad_ids or both campaign_ids and pin_ids.")
        if len(ad_ids) > MAX_AD_IDS:
            raise _bad(f"Invalid ad_ids: at most {MAX_AD_IDS} ad ids are allowed.")
        columns = _list_param(query, "columns")
        unknown = [c for c in columns if c not in ANALYTICS_COLUMNS]
        if not columns or unknown:
            raise _bad(f"Invalid columns: {','.join(unknown) or 'columns is required'}")
        if query.get("granularity") != "DAY":
            raise _bad("Invalid granularity: only DAY is replicated in the sandbox.")
        if query.get("conversion_report_time", "TIME_OF_AD_ACTION") != "TIME_OF_AD_ACTION":
            raise _bad("Invalid conversion_report_time: only TIME_OF_AD_ACTION is replicated in the sandbox.")
        for name in ("click_window_days", "engagement_window_days", "view_window_days"):
            if name in query and query[name] not in WINDOW_DAYS_VALUES:
                raise _bad(f"Invalid {name}: must be one of {', '.join(WINDOW_DAYS_VALUES)}.")
        wanted = set(ad_ids)
        rows = [
            self._row(r, columns)
            for r in self.world.ad_days_for(self.account.account_id)
            if r.ad.ad_id in wanted and start <= r.day <= end
        ]
        return [self._drift("pinads_analytics", row) for row in self.faults.paged("pinads_analytics", rows, len(rows))]

    def _row(self, r: AdDay, columns: list[str]) -> dict[str, Any]:
        seen = self.world.seen_ad(r)
        row: dict[str, Any] = {"AD_ID": r.ad.ad_id, "DATE": r.day.isoformat()}
        for column in columns:
            value = ANALYTICS_COLUMNS[column](r, seen)
            if value is not None:
                row[column] = value
        return row
