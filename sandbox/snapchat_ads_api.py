"""Replica of the Snapchat Marketing API v1 endpoints the Snapchat Ads connector uses (docs/sources/snapchat_ads.md).

Base `{url}/snapchat/v1` (real: `https://adsapi.snapchat.com/v1`); OAuth 2 token endpoint
`{url}/snapchat/login/oauth2/access_token` (real: `https://accounts.snapchat.com/login/oauth2/access_token`).
The token endpoint mints short-lived access tokens from the refresh token (`grant_type=refresh_token`, form body);
API calls send `Authorization: Bearer <access token>` and get HTTP 401 once the token expired. Answers are
`{"request_status": "SUCCESS", "request_id", ...}`; errors `{"request_status": "ERROR", "request_id",
"debug_message", "display_message", "error_code"}` with the HTTP status. Entity lists page with `limit`
(50..1000) and `paging.next_link`; stats (DAY granularity, breakdown=ad) come nested as timeseries_stats /
breakdown_stats with spend and purchase value in micro-currency, days in the account time zone.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sandbox.ads import AdDay
from sandbox.campaigns import Campaign
from sandbox.constants import SNAPCHAT_ADS_ACCOUNT
from sandbox.credentials import (
    SNAPCHAT_API_VERSION,
    SNAPCHAT_CLIENT_ID,
    SNAPCHAT_CLIENT_SECRET,
    SNAPCHAT_REFRESH_TOKEN,
)
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.world import World

# Access tokens live 30 minutes (expires_in 1800). Tests shorten the lifetime, or let a token serve only a few
# requests (ACCESS_TOKEN_MAX_USES), to prove that a connector mints a new one when the old one is rejected.
ACCESS_TOKEN_LIFETIME_SECONDS = 1800
ACCESS_TOKEN_MAX_USES: int | None = None

MICROS_PER_CENT = 10_000
MIN_LIMIT, MAX_LIMIT = 50, 1000
DEFAULT_LIMIT = 1000  # entity lists without `limit` and stats breakdowns answer up to 1000 entities a page
MAX_DAY_RANGE_DAYS = 31
STATS_FIELDS = (
    "impressions",
    "swipes",
    "spend",
    "video_views",
    "conversion_purchases",
    "conversion_purchases_value",
)
DEFAULT_STATS_FIELDS = ("impressions", "swipes", "spend")

E_INVALID_PARAM = "E1008"
E_UNAUTHORIZED = "E3001"
E_NOT_FOUND = "E3003"
E_RATE_LIMIT = "E3005"
E_INTERNAL = "E4001"


class SnapError(Exception):
    """An API error answered as `{"request_status": "ERROR", ...}` with an HTTP status."""

    def __init__(self, status: int, code: str, debug: str, display: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(debug)
        self.status, self.code, self.debug, self.display, self.headers = status, code, debug, display, headers or {}


def _bad(debug: str) -> SnapError:
    return SnapError(400, E_INVALID_PARAM, debug, "We're sorry, but the request is invalid.")


@dataclass
class _Token:
    expires: float
    uses_left: int | None


@dataclass(frozen=True)
class _Entity:
    """One listed entity: its id (for paging) and the record served."""

    id: str
    record: dict[str, Any]


def _iso(value: datetime) -> str:
    """Snapchat's time format: `2025-03-01T00:00:00.000+00:00` (the account time zone's offset)."""
    return value.isoformat(timespec="milliseconds")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SNAPCHAT_ADS_ACCOUNT.tz)


class SnapchatAdsApi:
    """Serves /snapchat/v1/... and /snapchat/login/oauth2/access_token for one world."""

    def __init__(self, world: World, faults: FaultState, base_url: str) -> None:
        self.world = world
        self.faults = faults
        self.base_url = f"{base_url.rstrip('/')}/snapchat/{SNAPCHAT_API_VERSION}"
        self._seq = 0
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def _request_id(self, path: str) -> str:
        with self._lock:
            self._seq += 1
            seq = self._seq
        return hashlib.sha1(f"snap/{path}/{seq}".encode()).hexdigest()[:24]

    # ---- routing ---------------------------------------------------------------------------------------------
    def handle(
        self, method: str, parts: list[str], query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response:
        """Route a request below /snapchat/; parts are the path segments after 'snapchat'."""
        if parts == ["login", "oauth2", "access_token"]:
            return self._token_endpoint(method, headers, body)
        request_id = self._request_id("/".join(parts))
        try:
            if method != "GET":
                raise SnapError(405, "E1001", f"Method {method} is not allowed", "Method not allowed.")
            if not parts or parts[0] != SNAPCHAT_API_VERSION:
                raise SnapError(404, E_NOT_FOUND, "Resource can not be found", "Resource not found.")
            handler, family = self._route(tuple(parts[1:]))
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            self._auth(headers)
            return Response(200, {"request_status": "SUCCESS", "request_id": request_id, **handler(query)})
        except SnapError as e:
            error = {
                "request_status": "ERROR",
                "request_id": request_id,
                "debug_message": e.debug,
                "display_message": e.display,
                "error_code": e.code,
            }
            return Response(e.status, error, e.headers)

    def _route(self, route: tuple[str, ...]) -> tuple[Any, str]:
        """(handler taking the query, fault family) of an API path below /v1."""
        account_id = SNAPCHAT_ADS_ACCOUNT.account_id
        if len(route) == 2 and route[0] == "adaccounts":
            self._known_account(route[1])
            return self._ad_account, "snap_accounts"
        if len(route) == 3 and route[0] == "adaccounts":
            self._known_account(route[1])
            lists = {"campaigns": self._campaigns, "adsquads": self._adsquads, "ads": self._ads}
            if route[2] in lists:
                return lambda q: self._list(route[2], lists[route[2]](), q), "snap_campaigns"
            if route[2] == "stats":
                return lambda q: self._stats(q, account_id, "AD_ACCOUNT", None), "snap_stats"
        if len(route) == 3 and route[0] == "campaigns" and route[2] == "stats":
            campaign = self._campaign(route[1])
            return lambda q: self._stats(q, campaign.campaign_id, "CAMPAIGN", campaign.campaign_id), "snap_stats"
        raise SnapError(404, E_NOT_FOUND, "Resource can not be found", "Resource not found.")

    def _known_account(self, account_id: str) -> None:
        if account_id != SNAPCHAT_ADS_ACCOUNT.account_id:
            raise SnapError(404, E_NOT_FOUND, f"Ad account {account_id} can not be found", "Resource not found.")

    def _campaign(self, campaign_id: str) -> Campaign:
        for c in self._visible_campaigns():
            if c.campaign_id == campaign_id:
                return c
        raise SnapError(404, E_NOT_FOUND, f"Campaign {campaign_id} can not be found", "Resource not found.")

    # ---- faults and auth -------------------------------------------------------------------------------------
    def _fault_error(self, outcome: str) -> SnapError:
        if outcome == "server_error":
            return SnapError(500, E_INTERNAL, "Internal server error", "We're sorry, something went wrong.")
        seconds = self.faults.faults.retry_after_seconds
        return SnapError(
            429,
            E_RATE_LIMIT,
            "Too many requests: the rate limit of this app was exceeded",
            "We're sorry, but you have made too many requests. Please try again later.",
            {"Retry-After": f"{seconds:g}"},
        )

    def _auth(self, headers: dict[str, str]) -> None:
        """Accept a live access token minted by the token endpoint (401 otherwise; each use is counted)."""
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        unauthorized = SnapError(
            401, E_UNAUTHORIZED, "Unauthorized: the access token is invalid or expired", "Unauthorized."
        )
        if scheme.lower() != "bearer" or not token:
            raise unauthorized
        with self._lock:
            state = self._tokens.get(token)
            if state is None or state.expires <= time.monotonic() or state.uses_left == 0:
                raise unauthorized
            if state.uses_left is not None:
                state.uses_left -= 1

    def _token_endpoint(self, method: str, headers: dict[str, str], body: bytes) -> Response:
        """POST login/oauth2/access_token: form-encoded refresh_token grant -> a new access token."""
        if method != "POST":
            return Response(405, {"error": "invalid_request", "error_description": "POST is required"})
        outcome = self.faults.decide("snap_token")
        if outcome is not None:
            error = self._fault_error(outcome)
            return Response(error.status, {"error": "server_error", "error_description": error.debug}, error.headers)
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant type"})
        if form.get("client_id") != SNAPCHAT_CLIENT_ID or form.get("client_secret") != SNAPCHAT_CLIENT_SECRET:
            return Response(401, {"error": "invalid_client", "error_description": "Invalid client credentials"})
        if form.get("refresh_token") != SNAPCHAT_REFRESH_TOKEN:
            return Response(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
        with self._lock:
            self._seq += 1
            token = "sandbox-snapchat-access-" + hashlib.sha1(f"token/{self._seq}".encode()).hexdigest()[:20]
            self._tokens[token] = _Token(time.monotonic() + ACCESS_TOKEN_LIFETIME_SECONDS, ACCESS_TOKEN_MAX_USES)
        return Response(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
                "refresh_token": SNAPCHAT_REFRESH_TOKEN,
                "scope": "snapchat-marketing-api",
            },
        )

    # ---- entities --------------------------------------------------------------------------------------------
    def _ad_account(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /adaccounts/{id}."""
        acct = SNAPCHAT_ADS_ACCOUNT
        record = {
            "id": acct.account_id,
            "name": acct.name,
            "type": "PARTNER",
            "status": "ACTIVE",
            "organization_id": "5c1a7e0e-3f4b-4c53-9d1e-6a2b8f0c4d71",
            "currency": acct.currency,
            "timezone": acct.timezone,
        }
        record = self.faults.drifted("snap_accounts", record)
        return {"adaccounts": [{"sub_request_status": "SUCCESS", "adaccount": record}]}

    def _visible_campaigns(self) -> list[Campaign]:
        return [c for c in self.world.campaigns if c.platform == "snapchat"]

    def _campaigns(self) -> list[_Entity]:
        return [
            _Entity(
                c.campaign_id,
                {
                    "id": c.campaign_id,
                    "name": c.name,
                    "ad_account_id": c.account_id,
                    "status": "ACTIVE",
                    "start_time": _iso(_local_midnight(c.launch)),
                    "end_time": _iso(_local_midnight(c.end + timedelta(days=1))),
                },
            )
            for c in self._visible_campaigns()
        ]

    def _adsquads(self) -> list[_Entity]:
        squads: dict[str, _Entity] = {}
        for c in self._visible_campaigns():
            for ad in c.ads:
                record = {
                    "id": ad.adset_id,
                    "name": ad.adset_name,
                    "campaign_id": c.campaign_id,
                    "status": "ACTIVE",
                    "type": "SNAP_ADS",
                }
                squads.setdefault(ad.adset_id, _Entity(ad.adset_id, record))
        return list(squads.values())

    def _ads(self) -> list[_Entity]:
        return [
            _Entity(
                ad.ad_id,
                {"id": ad.ad_id, "name": ad.name, "ad_squad_id": ad.adset_id, "status": "ACTIVE", "type": "SNAP_AD"},
            )
            for c in self._visible_campaigns()
            for ad in c.ads
        ]

    def _list(self, kind: str, entities: Sequence[_Entity], query: dict[str, str]) -> dict[str, Any]:
        """One page of an entity list, `{kind: [{"sub_request_status", singular: record}], "paging"}`."""
        limit = _limit(query)
        walk = self.faults.paged("snap_campaigns", list(entities), limit)
        base = f"{self.base_url}/adaccounts/{SNAPCHAT_ADS_ACCOUNT.account_id}/{kind}"
        page, next_link = self._page(base, walk, limit, query)
        singular = {"campaigns": "campaign", "adsquads": "adsquad", "ads": "ad"}[kind]
        rows = [
            {"sub_request_status": "SUCCESS", singular: self.faults.drifted("snap_campaigns", e.record)} for e in page
        ]
        return {"paging": {"next_link": next_link} if next_link else {}, kind: rows}

    def _page(
        self, base: str, walk: Sequence[Any], limit: int, query: dict[str, str]
    ) -> tuple[Sequence[Any], str | None]:
        """The page of `walk` the query's cursor points at, and `base` + query of the next page (None on the last)."""
        cursor = query.get("cursor")
        offset = 0
        if cursor:
            decoded = decode_cursor(cursor)
            if decoded is None or not isinstance(decoded.get("offset"), int):
                raise _bad("Invalid cursor")
            offset = decoded["offset"]
        page = walk[offset : offset + limit]
        if offset + limit >= len(walk):
            return page, None
        params = {k: v for k, v in query.items() if k != "cursor"}
        params["cursor"] = encode_cursor({"offset": offset + limit})
        return page, f"{base}?{urlencode(params)}"

    # ---- stats -----------------------------------------------------------------------------------------------
    def _stats(self, query: dict[str, str], entity_id: str, entity_type: str, campaign_id: str | None) -> Any:
        """GET /adaccounts/{id}/stats or /campaigns/{id}/stats with granularity=DAY and breakdown=ad."""
        if query.get("granularity") != "DAY":
            raise _bad("Unsupported Stats Query: only granularity=DAY is replicated in the sandbox")
        if query.get("breakdown") != "ad":
            raise _bad("Unsupported Stats Query: only breakdown=ad is replicated in the sandbox")
        fields = [f for f in (query.get("fields") or ",".join(DEFAULT_STATS_FIELDS)).split(",") if f]
        for f in fields:
            if f not in STATS_FIELDS:
                raise _bad(f"Unsupported Stats Query: invalid field {f}")
        start, end = _day_bound(query, "start_time"), _day_bound(query, "end_time")
        days = (end - start).days
        if days <= 0:
            raise _bad("Unsupported Stats Query: end_time must be after start_time")
        if days > MAX_DAY_RANGE_DAYS:
            raise _bad(
                "Unsupported Stats Query: Timeseries queries with DAY granularity must have a time range of at most "
                f"{MAX_DAY_RANGE_DAYS} days"
            )
        rows = [
            r
            for r in self.world.ad_days_for(SNAPCHAT_ADS_ACCOUNT.account_id)
            if start <= r.day < end and (campaign_id is None or r.campaign.campaign_id == campaign_id)
        ]
        by_ad: dict[str, dict[date, AdDay]] = {}
        for r in rows:
            by_ad.setdefault(r.ad.ad_id, {})[r.day] = r
        limit = _limit(query)
        ads = self.faults.paged("snap_stats", sorted(by_ad), limit)
        page, next_link = self._page(f"{self.base_url}/{_stats_path(entity_type, entity_id)}", ads, limit, query)
        span = [start + timedelta(days=i) for i in range(days)]
        breakdown = [
            self.faults.drifted(
                "snap_stats",
                {
                    "id": ad_id,
                    "type": "AD",
                    "granularity": "DAY",
                    "start_time": _iso(_local_midnight(start)),
                    "end_time": _iso(_local_midnight(end)),
                    "timeseries": list(self._timeseries(span, by_ad[ad_id], fields)),
                },
            )
            for ad_id in page
        ]
        stat = {
            "id": entity_id,
            "type": entity_type,
            "granularity": "DAY",
            "start_time": _iso(_local_midnight(start)),
            "end_time": _iso(_local_midnight(end)),
            "breakdown_stats": {"ad": breakdown},
        }
        return {
            "paging": {"next_link": next_link} if next_link else {},
            "timeseries_stats": [{"sub_request_status": "SUCCESS", "timeseries_stat": stat}],
        }

    def _timeseries(self, span: Iterable[date], rows: dict[date, AdDay], fields: list[str]) -> Iterable[dict]:
        """One entry per account-timezone day of the range; days without delivery have zero stats."""
        for day in span:
            row = rows.get(day)
            yield {
                "start_time": _iso(_local_midnight(day)),
                "end_time": _iso(_local_midnight(day + timedelta(days=1))),
                "stats": {f: self._stat(row, f) for f in fields},
            }

    def _stat(self, row: AdDay | None, name: str) -> int:
        """A stat value as Snapchat reports it at as_of (money in micro-currency, restated)."""
        if row is None:
            return 0
        seen = self.world.seen_ad(row)
        values = {
            "impressions": row.impressions,
            "swipes": row.clicks,
            "spend": seen.spend_cents * MICROS_PER_CENT,
            "video_views": row.video_views,
            "conversion_purchases": seen.purchases,
            "conversion_purchases_value": seen.purchase_value_cents * MICROS_PER_CENT,
        }
        return values[name]


def _stats_path(entity_type: str, entity_id: str) -> str:
    return f"{'adaccounts' if entity_type == 'AD_ACCOUNT' else 'campaigns'}/{entity_id}/stats"


def _limit(query: dict[str, str]) -> int:
    raw = query.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"Invalid limit {raw!r}: must be an integer between {MIN_LIMIT} and {MAX_LIMIT}") from None
    if not MIN_LIMIT <= value <= MAX_LIMIT:
        raise _bad(f"Invalid limit {value}: must be between {MIN_LIMIT} and {MAX_LIMIT}")
    return value


def _day_bound(query: dict[str, str], name: str) -> date:
    """The account-timezone day a start_time/end_time names; it must be that day's local midnight."""
    raw = query.get(name)
    if not raw:
        raise _bad(f"Unsupported Stats Query: {name} is required")
    try:
        instant = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(f"Unsupported Stats Query: {name} {raw!r} is not an ISO 8601 date-time") from None
    if instant.tzinfo is None:
        raise _bad(f"Unsupported Stats Query: {name} {raw!r} has no UTC offset")
    local = instant.astimezone(SNAPCHAT_ADS_ACCOUNT.tz)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        raise _bad(
            "Unsupported Stats Query: Timeseries queries with DAY granularity must have a "
            f"{'start' if name == 'start_time' else 'end'} time that is the start of day (00:00:00) for the "
            f"account's timezone. This account's timezone is: {SNAPCHAT_ADS_ACCOUNT.timezone}"
        )
    return local.date()
