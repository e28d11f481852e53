"""Replica of the TikTok API for Business v1.3 endpoints the TikTok Ads connector uses (docs/design.md).

Base `{url}/tiktok/open_api/v1.3`. Auth: `Access-Token` header. Every answer is an envelope
`{"code", "message", "request_id", "data"}`; errors are HTTP 200 with a non-zero code (40105 bad token, 40100 rate
limit, 40002 bad parameter, 50000 system error), except injected 429/5xx faults. Query parameters that hold lists
(advertiser_ids, dimensions, metrics, fields) are JSON-encoded arrays. Metric values are strings.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sandbox.ads import AdDay
from sandbox.constants import TIKTOK_ACCOUNT
from sandbox.credentials import TIKTOK_ACCESS_TOKEN, TIKTOK_API_VERSION
from sandbox.demographics import DemographicCell, breakdown, tiktok_age, tiktok_gender
from sandbox.faults import FaultState
from sandbox.graph_common import money
from sandbox.http_util import Response
from sandbox.world import World

CODE_OK = 0
CODE_BAD_PARAM = 40002
CODE_RATE_LIMIT = 40100
CODE_TOKEN_EMPTY = 40104
CODE_TOKEN_INVALID = 40105
CODE_SYSTEM_ERROR = 50000

REPORT_DIMENSIONS = ("ad_id", "stat_time_day")
# An AUDIENCE report adds the audience's age and gender (sandbox.demographics); TikTok reports no reach, frequency or
# video play metrics by audience.
AUDIENCE_DIMENSIONS = ("ad_id", "stat_time_day", "age", "gender")
NOT_AUDIENCE_METRICS = ("reach", "video_play_actions")
# Attribute metrics (names of the ad's parents) and the basic/video/page-event metrics replicated.
REPORT_METRICS = (
    "advertiser_id",
    "campaign_id",
    "campaign_name",
    "adgroup_id",
    "adgroup_name",
    "ad_name",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "complete_payment",
    "total_complete_payment_rate",
    "video_play_actions",
)
ADVERTISER_FIELDS = ("advertiser_id", "name", "currency", "timezone", "display_timezone", "status")
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10
MAX_DAILY_RANGE_DAYS = 30


class TikTokError(Exception):
    """An error answered as a TikTok envelope (HTTP 200 unless `status` says otherwise)."""

    def __init__(self, code: int, message: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.headers = code, message, status, headers or {}


def _bad(message: str) -> TikTokError:
    return TikTokError(CODE_BAD_PARAM, message)


def _json_list(query: dict[str, str], name: str, required: bool = True) -> list[str] | None:
    """A JSON-array query parameter."""
    raw = query.get(name)
    if raw is None:
        if required:
            raise _bad(f"{name}: Missing data for required field.")
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise _bad(f"{name}: Not a valid list.") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{name}: Not a valid list.")
    return value


def _int(query: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"{name}: Not a valid integer.") from None
    if not lo <= value <= hi:
        raise _bad(f"{name}: Must be greater than or equal to {lo} and less than or equal to {hi}.")
    return value


class TikTokAdsApi:
    """Serves /tiktok/open_api/v1.3/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self._seq = 0

    def _request_id(self, path: str) -> str:
        self._seq += 1
        return hashlib.sha1(f"{path}{self._seq}".encode()).hexdigest()[:32]

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /tiktok/; parts are the path segments after 'tiktok'."""
        path = "/".join(parts)
        request_id = self._request_id(path)
        try:
            if parts[:2] != ["open_api", TIKTOK_API_VERSION]:
                return Response(404, {"code": 40400, "message": "Not Found", "request_id": request_id})
            route = tuple(parts[2:])
            routes = {
                ("advertiser", "info"): (self._advertiser_info, "tiktok_advertiser"),
                ("report", "integrated", "get"): (self._report, "tiktok_report"),
            }
            if route not in routes:
                return Response(404, {"code": 40400, "message": "Not Found", "request_id": request_id})
            handler, family = routes[route]
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            self._auth(headers)
            data = handler(query)
            return Response(200, {"code": CODE_OK, "message": "OK", "request_id": request_id, "data": data})
        except TikTokError as e:
            body = {"code": e.code, "message": e.message, "request_id": request_id, "data": {}}
            return Response(e.status, body, e.headers)

    def _fault_error(self, outcome: str) -> TikTokError:
        f = self.faults.faults
        if outcome == "server_error":
            return TikTokError(CODE_SYSTEM_ERROR, "System error. Please try again later.", status=500)
        message = "Too many requests. Please retry in some time."
        if f.tiktok_throttle_as_429:
            return TikTokError(CODE_RATE_LIMIT, message, 429, {"Retry-After": f"{f.retry_after_seconds:.1f}"})
        return TikTokError(CODE_RATE_LIMIT, message)

    def _auth(self, headers: dict[str, str]) -> None:
        token = headers.get("access-token")
        if not token:
            raise TikTokError(CODE_TOKEN_EMPTY, "Access token is null, please check your access token.")
        if token != TIKTOK_ACCESS_TOKEN:
            raise TikTokError(CODE_TOKEN_INVALID, "Access token is incorrect or has been revoked.")

    def _advertiser_info(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /advertiser/info/?advertiser_ids=[...]&fields=[...]."""
        ids = _json_list(query, "advertiser_ids") or []
        fields = _json_list(query, "fields", required=False) or list(ADVERTISER_FIELDS)
        for f in fields:
            if f not in ADVERTISER_FIELDS:
                raise _bad(f"fields: Invalid field {f!r}.")
        acct = TIKTOK_ACCOUNT
        out = []
        for advertiser_id in ids:
            if advertiser_id != acct.account_id:
                raise TikTokError(40001, f"No permission to operate advertiser {advertiser_id}.")
            values = {
                "advertiser_id": acct.account_id,
                "name": acct.name,
                "currency": acct.currency,
                "timezone": acct.timezone,
                "display_timezone": acct.timezone,
                "status": "STATUS_ENABLE",
            }
            out.append(self.faults.drifted("tiktok_advertiser", {f: values[f] for f in fields}))
        return {"list": out}

    def _report(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /report/integrated/get/ (synchronous report at AUCTION_AD level, daily): BASIC by ad_id x
        stat_time_day, or AUDIENCE by ad_id x stat_time_day x age x gender."""
        advertiser_id = query.get("advertiser_id")
        if not advertiser_id:
            raise _bad("advertiser_id: Missing data for required field.")
        if advertiser_id != TIKTOK_ACCOUNT.account_id:
            raise TikTokError(40001, f"No permission to operate advertiser {advertiser_id}.")
        report_type = query.get("report_type")
        if report_type not in ("BASIC", "AUDIENCE"):
            raise _bad("report_type: only BASIC and AUDIENCE are replicated in the sandbox.")
        audience = report_type == "AUDIENCE"
        if query.get("data_level") != "AUCTION_AD":
            raise _bad("data_level: only AUCTION_AD is replicated in the sandbox.")
        dimensions = _json_list(query, "dimensions") or []
        wanted = AUDIENCE_DIMENSIONS if audience else REPORT_DIMENSIONS
        if sorted(dimensions) != sorted(wanted):
            raise _bad(f"dimensions: only {json.dumps(list(wanted))} is replicated in the sandbox for {report_type}.")
        metrics = _json_list(query, "metrics", required=False) or ["spend", "impressions", "clicks"]
        for m in metrics:
            if m not in REPORT_METRICS:
                raise _bad(f"metrics: Invalid metric {m!r}.")
            if audience and m in NOT_AUDIENCE_METRICS:
                raise _bad(f"metrics: {m!r} is not supported in AUDIENCE reports.")
        try:
            start, end = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            raise _bad("start_date and end_date are required, as YYYY-MM-DD.") from None
        if start > end:
            raise _bad("start_date must be on or before end_date.")
        if (end - start).days + 1 > MAX_DAILY_RANGE_DAYS:
            raise _bad(f"The time span cannot exceed {MAX_DAILY_RANGE_DAYS} days when stat_time_day is a dimension.")
        page = _int(query, "page", 1, 1, 10**9)
        page_size = _int(query, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        rows = [r for r in self.world.ad_days_for(advertiser_id) if start <= r.day <= end]
        items: list[tuple[AdDay, DemographicCell | None]]
        if audience:
            items = [(r, cell) for r in rows for cell in breakdown(r, self.world.as_of)]
        else:
            items = [(r, None) for r in rows]
        items = self.faults.paged("tiktok_report", items, page_size)
        total = len(items)
        chunk = items[(page - 1) * page_size : page * page_size]
        return {
            "list": [self.faults.drifted("tiktok_report", self._row(r, metrics, cell)) for r, cell in chunk],
            "page_info": {
                "page": page,
                "page_size": page_size,
                "total_number": total,
                "total_page": (total + page_size - 1) // page_size,
            },
        }

    def _row(self, r: AdDay, metrics: list[str], cell: DemographicCell | None = None) -> dict[str, Any]:
        """One report row: dimensions and string metrics, restated as of the world's as_of; with `cell`, the row of
        that age x gender cell of the ad day (an AUDIENCE report), `age` and `gender` among its dimensions."""
        seen = self.world.seen_ad(r)
        c = r.campaign
        if cell is None:
            counts = (r.impressions, r.clicks, r.reach, r.video_views)
            spend, purchases, value = seen.spend_cents, seen.purchases, seen.purchase_value_cents
        else:
            counts = (cell.impressions, cell.clicks, cell.reach, cell.video_views)
            spend, purchases, value = cell.spend_cents, cell.purchases, cell.purchase_value_cents
        values = {
            "advertiser_id": c.account_id,
            "campaign_id": c.campaign_id,
            "campaign_name": c.name,
            "adgroup_id": r.ad.adset_id,
            "adgroup_name": r.ad.adset_name,
            "ad_name": r.ad.name,
            "currency": c.account.currency,
            "spend": money(spend),
            "impressions": str(counts[0]),
            "clicks": str(counts[1]),
            "reach": str(counts[2]),
            "conversion": str(purchases),
            "complete_payment": str(purchases),
            "total_complete_payment_rate": money(value),
            "video_play_actions": str(counts[3]),
        }
        dimensions = {"ad_id": r.ad.ad_id, "stat_time_day": f"{r.day.isoformat()} 00:00:00"}
        if cell is not None:
            dimensions |= {"age": tiktok_age(cell.age), "gender": tiktok_gender(cell.gender)}
        return {"dimensions": dimensions, "metrics": {m: values[m] for m in metrics}}
