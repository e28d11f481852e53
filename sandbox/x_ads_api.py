"""Replica of the X Ads API v12 endpoints the X Ads connector uses (docs/sources/x_ads.md).

Base `{url}/xads/12` (real: `https://ads-api.x.com/12`). Auth: OAuth 1.0a user context, an `Authorization: OAuth ...`
header signed with HMAC-SHA1 over the consumer secret and the access token secret; the signature is verified with
oauthlib and every nonce is accepted once (a replayed request is refused, as X does). Answers echo the request in
`request.params`; errors are `{"errors": [{"code", "message"}], "request": {"params": {}}}` with a non-200 status:
401 UNAUTHORIZED_ACCESS (bad signature, unknown consumer or token), 400 INVALID_PARAMETER, 404 NOT_FOUND, 429
TOO_MANY_REQUESTS with `x-rate-limit-limit` / `x-rate-limit-remaining` / `x-rate-limit-reset` (epoch seconds, no
Retry-After) and 500 INTERNAL_ERROR (faults).

- `GET /accounts/:account_id` (name, timezone) and `GET /accounts/:account_id/funding_instruments` (currency).
- `GET /accounts/:account_id/campaigns | line_items | promoted_tweets`: `count` (1-1000, default 200) and `cursor`;
  `next_cursor` is null on the last page.
- `GET /stats/accounts/:account_id?entity=PROMOTED_TWEET&entity_ids=<at most 20>&start_time&end_time&granularity=DAY`
  `&placement=ALL_ON_TWITTER&metric_groups=...` (synchronous, at most 7 days, times at midnight in the account time
  zone, end exclusive). Each metric is an array with one value per day, or null when the entity has none in the
  range; money (billed_charge_local_micro, sale_amount) in micros of the account currency, restated as of as_of.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature

from sandbox.ads import AdDay
from sandbox.campaigns import Ad, Campaign
from sandbox.constants import X_ADS_ACCOUNT
from sandbox.credentials import (
    X_ADS_ACCESS_TOKEN,
    X_ADS_ACCESS_TOKEN_SECRET,
    X_ADS_API_VERSION,
    X_ADS_CONSUMER_KEY,
    X_ADS_CONSUMER_SECRET,
)
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.world import World

MAX_COUNT = 1000
DEFAULT_COUNT = 200
MAX_ENTITY_IDS = 20
MAX_STATS_DAYS = 7
RATE_LIMIT = "250"  # synchronous stats: 250 requests per 15 minutes per user
METRIC_GROUPS = ("ENGAGEMENT", "BILLING", "VIDEO", "WEB_CONVERSION")
MICROS_PER_CENT = 10_000
FUNDING_INSTRUMENT_ID = "lygyi"


class XAdsError(Exception):
    """An error answered with an X Ads `errors` body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _invalid(message: str) -> XAdsError:
    return XAdsError(400, "INVALID_PARAMETER", message)


def _unauthorized() -> XAdsError:
    return XAdsError(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)


def tweet_id_for(ad: Ad) -> str:
    """The id of the Tweet an ad promotes (X promoted tweets carry a tweet_id, not a name)."""
    return str(1_880_000_000_000_000_000 + int(ad.ad_id, 36))


def is_video(ad: Ad) -> bool:
    """Whether the promoted Tweet carries a video (only those report VIDEO metrics)."""
    return "_video_" in ad.name


class XAdsApi:
    """Serves /xads/12/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self.account = X_ADS_ACCOUNT
        self.tz = ZoneInfo(self.account.timezone)
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    # ---- routing and auth -----------------------------------------------------------------------------------
    def handle(self, target: str, headers: dict[str, str]) -> Response:
        """Answer a GET whose target (path and query, as sent) starts with /xads/."""
        split = urlsplit(target)
        parts = [p for p in split.path.split("/") if p][1:]
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            if not parts or parts[0] != X_ADS_API_VERSION:
                raise XAdsError(404, "NOT_FOUND", "The requested resource could not be found")
            family, handler, account_id = self._route(parts[1:])
            self._authenticate(f"http://{headers.get('host', '127.0.0.1')}{target}", headers)
            if account_id != self.account.account_id:
                raise XAdsError(404, "NOT_FOUND", f"Account {account_id} was not found")
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            return Response(200, {**handler(query), "request": {"params": self._echo(parts, query)}})
        except XAdsError as e:
            body = {"errors": [{"code": e.code, "message": e.message}], "request": {"params": {}}}
            return Response(e.status, body, e.headers)

    def _route(self, rest: list[str]) -> tuple[str, Callable[[dict[str, str]], dict[str, Any]], str]:
        """(fault family, handler, account id) of a path below the version."""
        if len(rest) >= 2 and rest[0] == "accounts":
            tail = tuple(rest[2:])
            routes = {
                (): ("xads_accounts", self._account),
                ("funding_instruments",): ("xads_accounts", self._funding_instruments),
                ("campaigns",): ("xads_campaigns", self._campaigns),
                ("line_items",): ("xads_campaigns", self._line_items),
                ("promoted_tweets",): ("xads_campaigns", self._promoted_tweets),
            }
            if tail in routes:
                return (*routes[tail], rest[1])
        if len(rest) == 3 and rest[:2] == ["stats", "accounts"]:
            return "xads_stats", self._stats, rest[2]
        raise XAdsError(404, "NOT_FOUND", "The requested resource could not be found")

    def _authenticate(self, url: str, headers: dict[str, str]) -> None:
        """Verify the OAuth 1.0a HMAC-SHA1 signature of the request, and that its nonce is new."""
        auth = headers.get("authorization", "")
        if not auth.startswith("OAuth "):
            raise _unauthorized()
        try:
            oauth = dict(signature.collect_parameters(headers={"Authorization": auth}, exclude_oauth_signature=False))
        except ValueError:
            raise _unauthorized() from None
        known = (
            oauth.get("oauth_consumer_key") == X_ADS_CONSUMER_KEY
            and oauth.get("oauth_token") == X_ADS_ACCESS_TOKEN
            and oauth.get("oauth_signature_method") == "HMAC-SHA1"
        )
        if not known or not oauth.get("oauth_nonce") or not oauth.get("oauth_signature"):
            raise _unauthorized()
        request = OAuthRequest(url, http_method="GET", headers={"Authorization": auth})
        request.params = signature.collect_parameters(
            uri_query=urlsplit(url).query, headers={"Authorization": auth}, exclude_oauth_signature=True
        )
        request.signature = oauth["oauth_signature"]
        if not signature.verify_hmac_sha1(request, X_ADS_CONSUMER_SECRET, X_ADS_ACCESS_TOKEN_SECRET):
            raise _unauthorized()
        with self._lock:
            if oauth["oauth_nonce"] in self._nonces:
                raise _unauthorized()
            self._nonces.add(oauth["oauth_nonce"])

    def _fault_error(self, outcome: str) -> XAdsError:
        if outcome == "server_error":
            return XAdsError(500, "INTERNAL_ERROR", "Internal error")
        reset = math.ceil(time.time() + self.faults.faults.retry_after_seconds)
        headers = {"x-rate-limit-limit": RATE_LIMIT, "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
        return XAdsError(429, "TOO_MANY_REQUESTS", "Rate limit exceeded", headers)

    def _echo(self, parts: list[str], query: dict[str, str]) -> dict[str, Any]:
        params: dict[str, Any] = {"account_id": self.account.account_id}
        for key, value in query.items():
            params[key] = value.split(",") if key in ("entity_ids", "metric_groups") else value
        return params

    # ---- accounts -------------------------------------------------------------------------------------------
    def _account(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /accounts/:account_id."""
        record = {
            "name": self.account.name,
            "business_name": None,
            "timezone": self.account.timezone,
            "timezone_switch_at": "2024-06-01T04:00:00Z",
            "id": self.account.account_id,
            "created_at": "2024-06-01T15:20:31Z",
            "updated_at": "2024-06-01T15:20:31Z",
            "approval_status": "ACCEPTED",
            "deleted": False,
        }
        return {"data_type": "account", "data": self.faults.drifted("xads_accounts", record)}

    def _funding_instruments(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /accounts/:account_id/funding_instruments (the account's currency lives here)."""
        record = {
            "id": FUNDING_INSTRUMENT_ID,
            "account_id": self.account.account_id,
            "type": "CREDIT_CARD",
            "description": "Visa ending in 4242",
            "currency": self.account.currency,
            "entity_status": "ACTIVE",
            "start_time": "2024-06-01T04:00:00Z",
            "end_time": None,
            "deleted": False,
        }
        return self._page("xads_accounts", [record], query)

    # ---- entities -------------------------------------------------------------------------------------------
    def _visible_campaigns(self) -> list[Campaign]:
        return [c for c in self.world.campaigns if c.account_id == self.account.account_id]

    def _flight(self, c: Campaign) -> tuple[str, str]:
        return _iso(_midnight(c.launch, self.tz)), _iso(_midnight(c.end + timedelta(days=1), self.tz))

    def _campaigns(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /accounts/:account_id/campaigns."""
        records = []
        for c in self._visible_campaigns():
            start, _ = self._flight(c)
            records.append(
                {
                    "id": c.campaign_id,
                    "name": c.name,
                    "account_id": c.account_id,
                    "funding_instrument_id": FUNDING_INSTRUMENT_ID,
                    "currency": self.account.currency,
                    "daily_budget_amount_local_micro": c.daily_budget_cents * MICROS_PER_CENT,
                    "entity_status": "ACTIVE",
                    "created_at": start,
                    "updated_at": start,
                    "deleted": False,
                }
            )
        return self._page("xads_campaigns", records, query)

    def _line_items(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /accounts/:account_id/line_items."""
        records, seen = [], set()
        for c in self._visible_campaigns():
            start, end = self._flight(c)
            for ad in c.ads:
                if ad.adset_id in seen:
                    continue
                seen.add(ad.adset_id)
                records.append(
                    {
                        "id": ad.adset_id,
                        "campaign_id": c.campaign_id,
                        "name": ad.adset_name,
                        "objective": "WEBSITE_CLICKS",
                        "product_type": "PROMOTED_TWEETS",
                        "placements": ["ALL_ON_TWITTER"],
                        "currency": self.account.currency,
                        "start_time": start,
                        "end_time": end,
                        "entity_status": "ACTIVE",
                        "created_at": start,
                        "updated_at": start,
                        "deleted": False,
                    }
                )
        return self._page("xads_campaigns", records, query)

    def _promoted_tweets(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /accounts/:account_id/promoted_tweets."""
        records = []
        for c in self._visible_campaigns():
            start, _ = self._flight(c)
            for ad in c.ads:
                records.append(
                    {
                        "id": ad.ad_id,
                        "line_item_id": ad.adset_id,
                        "tweet_id": tweet_id_for(ad),
                        "entity_status": "ACTIVE",
                        "approval_status": "ACCEPTED",
                        "created_at": start,
                        "updated_at": start,
                        "deleted": False,
                    }
                )
        return self._page("xads_campaigns", records, query)

    def _page(self, family: str, records: Sequence[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        """One page of a cursor-paged listing (`count`, `cursor` -> `next_cursor`)."""
        raw_count = query.get("count", str(DEFAULT_COUNT))
        if not raw_count.isdigit() or not 1 <= int(raw_count) <= MAX_COUNT:
            raise _invalid(f"count: expected an integer between 1 and {MAX_COUNT}, got {raw_count!r}")
        count = int(raw_count)
        offset = 0
        if "cursor" in query:
            cursor = decode_cursor(query["cursor"])
            if cursor is None or not isinstance(cursor.get("o"), int):
                raise _invalid(f"cursor: invalid cursor {query['cursor']!r}")
            offset = cursor["o"]
        items = self.faults.paged(family, records, count)
        chunk = [self.faults.drifted(family, r) for r in items[offset : offset + count]]
        more = offset + count < len(items)
        body: dict[str, Any] = {"data": chunk, "next_cursor": encode_cursor({"o": offset + count}) if more else None}
        if query.get("with_total_count") == "true":
            body["total_count"] = len(items)
        return body

    # ---- stats ----------------------------------------------------------------------------------------------
    def _stats(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /stats/accounts/:account_id (synchronous, PROMOTED_TWEET entities, DAY granularity)."""
        if query.get("entity") != "PROMOTED_TWEET":
            raise _invalid("entity: only PROMOTED_TWEET is replicated in the sandbox")
        if query.get("granularity") != "DAY":
            raise _invalid("granularity: only DAY is replicated in the sandbox")
        if query.get("placement") != "ALL_ON_TWITTER":
            raise _invalid("placement: only ALL_ON_TWITTER is replicated in the sandbox")
        groups = [g for g in query.get("metric_groups", "").split(",") if g]
        if not groups or any(g not in METRIC_GROUPS for g in groups):
            raise _invalid(f"metric_groups: expected one or more of {', '.join(METRIC_GROUPS)}")
        ids = [i for i in query.get("entity_ids", "").split(",") if i]
        if not ids or len(ids) > MAX_ENTITY_IDS:
            raise _invalid(f"entity_ids: expected between 1 and {MAX_ENTITY_IDS} ids, got {len(ids)}")
        ads = {ad.ad_id: ad for c in self._visible_campaigns() for ad in c.ads}
        unknown = [i for i in ids if i not in ads]
        if unknown:
            raise _invalid(f"entity_ids: unknown PROMOTED_TWEET ids {', '.join(unknown)}")
        days = self._days(query)
        rows: dict[tuple[str, date], AdDay] = {
            (r.ad.ad_id, r.day): r for r in self.world.ad_days_for(self.account.account_id) if r.day in days
        }
        entries = [
            {"id": i, "id_data": [{"segment": None, "metrics": self._metrics(ads[i], days, rows, groups)}]} for i in ids
        ]
        return {
            "data_type": "stats",
            "time_series_length": len(days),
            "data": self.faults.paged("xads_stats", entries, 1),
        }

    def _days(self, query: dict[str, str]) -> list[date]:
        """The account-timezone days of [start_time, end_time), both at local midnight, at most 7."""
        bounds = []
        for name in ("start_time", "end_time"):
            raw = query.get(name)
            if not raw:
                raise _invalid(f"{name}: a required parameter is missing")
            try:
                at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise _invalid(f"{name}: expected an ISO 8601 time, got {raw!r}") from None
            local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(self.tz)
            if local.time() != datetime.min.time():
                raise _invalid(f"{name}: must be aligned to midnight in the account timezone for DAY granularity")
            bounds.append(local.date())
        start, end = bounds
        if end <= start:
            raise _invalid("end_time: must be after start_time")
        if (end - start).days > MAX_STATS_DAYS:
            raise _invalid(f"end_time: the time range may not exceed {MAX_STATS_DAYS} days")
        return [start + timedelta(days=i) for i in range((end - start).days)]

    def _metrics(
        self, ad: Ad, days: list[date], rows: dict[tuple[str, date], AdDay], groups: list[str]
    ) -> dict[str, Any]:
        """The requested metric groups of one promoted tweet, one array value per day (null when none)."""
        day_rows = [rows.get((ad.ad_id, d)) for d in days]
        seen = [self.world.seen_ad(r) if r else None for r in day_rows]

        def series(value: Callable[[int], int]) -> list[int] | None:
            values = [value(i) if day_rows[i] else 0 for i in range(len(days))]
            return values if any(values) else None

        metrics: dict[str, Any] = {}
        if "ENGAGEMENT" in groups:
            metrics |= {
                "impressions": series(lambda i: day_rows[i].impressions),
                "url_clicks": series(lambda i: day_rows[i].clicks),
                # all clicks on the Tweet: link clicks plus profile, hashtag and detail expands
                "clicks": series(lambda i: day_rows[i].clicks + day_rows[i].impressions // 250),
                "engagements": series(lambda i: day_rows[i].clicks + day_rows[i].impressions // 150),
                "likes": series(lambda i: day_rows[i].impressions // 400),
                "retweets": series(lambda i: day_rows[i].impressions // 2500),
                "replies": series(lambda i: day_rows[i].impressions // 5000),
                "follows": series(lambda i: day_rows[i].impressions // 8000),
            }
        if "BILLING" in groups:
            metrics |= {
                "billed_charge_local_micro": series(lambda i: seen[i].spend_cents * MICROS_PER_CENT),
                "billed_engagements": series(lambda i: day_rows[i].clicks),
            }
        if "VIDEO" in groups:
            video = is_video(ad)
            metrics |= {
                "video_total_views": series(lambda i: day_rows[i].video_views) if video else None,
                "video_views_25": series(lambda i: day_rows[i].video_views) if video else None,
                "video_views_50": series(lambda i: day_rows[i].video_views * 7 // 10) if video else None,
                "video_views_75": series(lambda i: day_rows[i].video_views // 2) if video else None,
                "video_views_100": series(lambda i: day_rows[i].video_views * 35 // 100) if video else None,
            }
        if "WEB_CONVERSION" in groups:
            purchases = series(lambda i: seen[i].purchases)
            sale_amount = series(lambda i: seen[i].purchase_value_cents * MICROS_PER_CENT)
            quantity = series(lambda i: seen[i].purchases * 1_000_000)
            zeros = [0] * len(days) if purchases else None
            metrics["conversion_purchases"] = {
                "metric": purchases,
                "order_quantity": quantity,
                "sale_amount": sale_amount,
                "post_engagement": purchases,
                "post_view": zeros,
                "order_quantity_engagement": quantity,
                "order_quantity_view": zeros,
                "sale_amount_engagement": sale_amount,
                "sale_amount_view": zeros,
                "assisted": None,
            }
        return self.faults.drifted("xads_stats", metrics)
