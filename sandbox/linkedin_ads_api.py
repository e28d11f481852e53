"""Replica of the LinkedIn Marketing API (versioned `/rest`, Rest.li 2.0) endpoints the LinkedIn Ads connector uses.

Base `{url}/linkedin/rest` (real: `https://api.linkedin.com/rest`), shared with the LinkedIn Pages replica; the
server sends `adAccounts` and `adAnalytics` here. Headers as for every versioned LinkedIn API:
`Authorization: Bearer <token>` (401 INVALID_ACCESS_TOKEN 65600, REVOKED_ACCESS_TOKEN 65601, EXPIRED_ACCESS_TOKEN
65602), `LinkedIn-Version: YYYYMM` (missing: 400 VERSION_MISSING; inactive: 426 NONEXISTENT_VERSION) and
`X-Restli-Protocol-Version: 2.0.0`.

- `GET /adAccounts/{id}`: id, name, currency, status, type, reference, test (no time zone: analytics are UTC days).
- `GET /adAccounts/{id}/adCampaignGroups?q=search` and `/adCampaigns?q=search` (optional
  `search=(status:(values:List(...)))`), `GET /adAccounts/{id}/creatives?q=criteria` (optional
  `campaigns=List(<urns>)`): cursor paging with `pageSize` and `pageToken`; `metadata.nextPageToken` is absent on
  the last page. Our Campaign is the LinkedIn campaign group, Ad.adset_* the LinkedIn campaign, Ad.ad_* the creative.
- `GET /adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY&dateRange=(start:(year:,month:,day:),end:(...))
  &accounts=List(<account urn>)&fields=...`: one element per creative x UTC day with delivery, restated as of the
  world's as_of; costInLocalCurrency and conversionValueInLocalCurrency are decimal strings in the account currency.
  No paging: at most 15,000 elements, the rest silently cut off; at most 20 metrics in `fields`.
Faults (families liads_accounts, liads_campaigns (groups and campaigns), liads_creatives, liads_analytics): 429
TOO_MANY_REQUESTS without Retry-After (LinkedIn sends none), 500; every list and the (unpaged) analytics answer go
through `FaultState.paged` (the analytics answer is one 15,000-element page), every record through `drifted`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from sandbox.ads import AdDay
from sandbox.campaigns import Campaign
from sandbox.constants import LINKEDIN_ADS_ACCOUNT
from sandbox.credentials import (
    LINKEDIN_ADS_ACCESS_TOKEN,
    LINKEDIN_ADS_EXPIRED_TOKEN,
    LINKEDIN_ADS_REVOKED_TOKEN,
    LINKEDIN_VERSIONS,
)
from sandbox.faults import FaultState
from sandbox.graph_common import money
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.linkedin_api import LinkedInError
from sandbox.linkedin_social import LI_ORGANIZATION_URN
from sandbox.world import World

ACCOUNT_URN = "urn:li:sponsoredAccount:{}"
CAMPAIGN_GROUP_URN = "urn:li:sponsoredCampaignGroup:{}"
CAMPAIGN_URN = "urn:li:sponsoredCampaign:{}"
CREATIVE_URN = "urn:li:sponsoredCreative:{}"

MAX_ELEMENTS = 15_000  # adAnalytics answers at most this many elements (no paging)
MAX_METRICS = 20  # metrics per adAnalytics request (pivotValues and dateRange not counted)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = {"liads_campaigns": 1000, "liads_creatives": 100}
ANALYTICS_FIELDS = (
    "pivotValues",
    "dateRange",
    "costInLocalCurrency",
    "impressions",
    "clicks",
    "externalWebsiteConversions",
    "conversionValueInLocalCurrency",
    "videoViews",
)
DEFAULT_ANALYTICS_FIELDS = ("impressions", "clicks")
_DATE = r"\(year:(\d{4}),month:(\d{1,2}),day:(\d{1,2})\)"
_DATE_RANGE = re.compile(rf"^\(start:{_DATE}(?:,end:{_DATE})?\)$")
_STATUS_SEARCH = re.compile(r"^\(status:\(values:List\(([A-Z_,]+)\)\)\)$")


def _bad(message: str) -> LinkedInError:
    return LinkedInError(400, "ILLEGAL_ARGUMENT", message, 100)


def _ms(day: date) -> int:
    return int(datetime.combine(day, time(0), UTC).timestamp() * 1000)


def _ymd(day: date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _rest_list(raw: str, name: str) -> list[str]:
    """The items of a Rest.li `List(a,b)` parameter value (already URL-decoded)."""
    if not (raw.startswith("List(") and raw.endswith(")")):
        raise _bad(f"Invalid value for parameter '{name}': {raw}")
    return [item for item in raw[5:-1].split(",") if item]


class LinkedInAdsApi:
    """Serves /linkedin/rest/adAccounts... and /linkedin/rest/adAnalytics for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self.account = LINKEDIN_ADS_ACCOUNT

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /linkedin/; parts are the path segments after 'linkedin' (`rest`, resource, ...)."""
        try:
            family, handler = self._route(parts[1:])
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            self._check_headers(headers)
            return Response(200, handler(query))
        except LinkedInError as e:
            return Response(e.status, e.body(), e.headers)

    def _route(self, route: list[str]) -> tuple[str, Any]:
        if route == ["adAnalytics"]:
            return "liads_analytics", self._analytics
        if len(route) in (2, 3) and route[0] == "adAccounts":
            account_id = route[1]
            if len(route) == 2:
                return "liads_accounts", lambda q: self._ad_account(account_id)
            lists = {
                "adCampaignGroups": ("liads_campaigns", self._campaign_groups),
                "adCampaigns": ("liads_campaigns", self._campaigns),
                "creatives": ("liads_creatives", self._creatives),
            }
            if route[2] in lists:
                family, handler = lists[route[2]]
                return family, lambda q: handler(account_id, q)
        raise LinkedInError(404, "NOT_FOUND", f"No virtual resource found: /{'/'.join(route)}")

    def _fault_error(self, outcome: str) -> LinkedInError:
        if outcome == "server_error":
            return LinkedInError(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
        message = "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."
        return LinkedInError(429, "TOO_MANY_REQUESTS", message, 101)

    def _check_headers(self, headers: dict[str, str]) -> None:
        authorization = headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
        if token == LINKEDIN_ADS_EXPIRED_TOKEN:
            raise LinkedInError(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65602)
        if token == LINKEDIN_ADS_REVOKED_TOKEN:
            message = "The token used in the request has been revoked by the user"
            raise LinkedInError(401, "REVOKED_ACCESS_TOKEN", message, 65601)
        if token != LINKEDIN_ADS_ACCESS_TOKEN:
            raise LinkedInError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        version = headers.get("linkedin-version")
        if not version:
            raise LinkedInError(400, "VERSION_MISSING", "A version must be present. Please specify a version.")
        if version not in LINKEDIN_VERSIONS:
            raise LinkedInError(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if headers.get("x-restli-protocol-version") != "2.0.0":
            raise _bad("Rest.li protocol version 2.0.0 is required (X-Restli-Protocol-Version header)")

    def _check_account(self, account_id: str) -> None:
        if not account_id.isdigit():
            raise _bad(f"Invalid ad account id: {account_id}")
        if account_id != self.account.account_id:
            urn = ACCOUNT_URN.format(account_id)
            raise LinkedInError(403, "ACCESS_DENIED", f"Not enough permissions to access: {urn}", 100)

    def _campaigns_seen(self) -> list[Campaign]:
        return [c for c in self.world.campaigns if c.account_id == self.account.account_id]

    def _status(self, c: Campaign) -> str:
        return "ACTIVE" if c.end >= self.world.as_of else "COMPLETED"

    def _ad_account(self, account_id: str) -> dict[str, Any]:
        """GET /adAccounts/{id}."""
        self._check_account(account_id)
        record = {
            "id": int(account_id),
            "name": self.account.name,
            "currency": self.account.currency,
            "status": "ACTIVE",
            "type": "BUSINESS",
            "reference": LI_ORGANIZATION_URN,
            "test": False,
        }
        return self.faults.drifted("liads_accounts", record)

    def _page(self, family: str, records: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        """One cursor page (`pageSize`, `pageToken`) of `records`; `metadata.nextPageToken` when more follow."""
        raw_size = query.get("pageSize", str(DEFAULT_PAGE_SIZE))
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE[family]:
            raise _bad(f"Invalid value for parameter 'pageSize': {raw_size} (1..{MAX_PAGE_SIZE[family]})")
        size = int(raw_size)
        start = 0
        if "pageToken" in query:
            cursor = decode_cursor(query["pageToken"])
            if cursor is None or not isinstance(cursor.get("start"), int):
                raise _bad(f"Invalid value for parameter 'pageToken': {query['pageToken']}")
            start = cursor["start"]
        served = self.faults.paged(family, records, size)
        page = served[start : start + size]
        metadata: dict[str, Any] = {}
        if start + size < len(served):
            metadata["nextPageToken"] = encode_cursor({"start": start + size})
        return {"paging": {"start": start, "count": size, "links": []}, "metadata": metadata, "elements": page}

    def _search_statuses(self, query: dict[str, str]) -> set[str] | None:
        if query.get("q") != "search":
            raise _bad("Only the search finder (q=search) is replicated")
        if "search" not in query:
            return None
        match = _STATUS_SEARCH.match(query["search"])
        if not match:
            raise _bad(f"Invalid value for parameter 'search': {query['search']} (only status is replicated)")
        return set(match[1].split(","))

    def _campaign_groups(self, account_id: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /adAccounts/{id}/adCampaignGroups?q=search: our campaigns (LinkedIn campaign groups)."""
        self._check_account(account_id)
        statuses = self._search_statuses(query)
        records = [
            self.faults.drifted(
                "liads_campaigns",
                {
                    "id": int(c.campaign_id),
                    "name": c.name,
                    "account": ACCOUNT_URN.format(account_id),
                    "status": self._status(c),
                    "runSchedule": {"start": _ms(c.launch), "end": _ms(c.end)},
                    "test": False,
                },
            )
            for c in self._campaigns_seen()
            if statuses is None or self._status(c) in statuses
        ]
        return self._page("liads_campaigns", records, query)

    def _campaigns(self, account_id: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /adAccounts/{id}/adCampaigns?q=search: our ad sets (LinkedIn campaigns) with their group URN."""
        self._check_account(account_id)
        statuses = self._search_statuses(query)
        records = []
        for c in self._campaigns_seen():
            if statuses is not None and self._status(c) not in statuses:
                continue
            for adset_id, adset_name in dict.fromkeys((ad.adset_id, ad.adset_name) for ad in c.ads):
                record = {
                    "id": int(adset_id),
                    "name": adset_name,
                    "account": ACCOUNT_URN.format(account_id),
                    "campaignGroup": CAMPAIGN_GROUP_URN.format(c.campaign_id),
                    "status": self._status(c),
                    "type": "SPONSORED_UPDATES",
                    "costType": "CPM",
                    "dailyBudget": {"amount": money(c.daily_budget_cents // 2), "currencyCode": c.account.currency},
                    "runSchedule": {"start": _ms(c.launch), "end": _ms(c.end)},
                    "test": False,
                }
                records.append(self.faults.drifted("liads_campaigns", record))
        return self._page("liads_campaigns", records, query)

    def _creatives(self, account_id: str, query: dict[str, str]) -> dict[str, Any]:
        """GET /adAccounts/{id}/creatives?q=criteria[&campaigns=List(...)]: creatives with their campaign URN."""
        self._check_account(account_id)
        if query.get("q") != "criteria":
            raise _bad("Only the criteria finder (q=criteria) is replicated")
        wanted = set(_rest_list(query["campaigns"], "campaigns")) if "campaigns" in query else None
        records = []
        for c in self._campaigns_seen():
            for ad in c.ads:
                campaign_urn = CAMPAIGN_URN.format(ad.adset_id)
                if wanted is not None and campaign_urn not in wanted:
                    continue
                record = {
                    "id": CREATIVE_URN.format(ad.ad_id),
                    "name": ad.name,
                    "account": ACCOUNT_URN.format(account_id),
                    "campaign": campaign_urn,
                    "intendedStatus": "ACTIVE" if self._status(c) == "ACTIVE" else "ARCHIVED",
                    "isServing": self._status(c) == "ACTIVE",
                    "createdAt": _ms(c.launch),
                    "lastModifiedAt": _ms(c.launch),
                }
                records.append(self.faults.drifted("liads_creatives", record))
        return self._page("liads_creatives", records, query)

    def _date_range(self, query: dict[str, str]) -> tuple[date, date]:
        raw = query.get("dateRange")
        if not raw:
            raise _bad("Query parameter 'dateRange' is required")
        match = _DATE_RANGE.match(raw)
        if not match:
            raise _bad(f"Invalid value for parameter 'dateRange': {raw}")
        try:
            start = date(int(match[1]), int(match[2]), int(match[3]))
            end = date(int(match[4]), int(match[5]), int(match[6])) if match[4] else self.world.as_of
        except ValueError:
            raise _bad(f"Invalid date in parameter 'dateRange': {raw}") from None
        if end < start:
            raise _bad("dateRange end must not be before dateRange start")
        return start, end

    def _analytics(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY (one account)."""
        if query.get("q") != "analytics":
            raise _bad("Only the analytics finder (q=analytics) is replicated")
        if query.get("pivot") != "CREATIVE":
            raise _bad("Only pivot=CREATIVE is replicated in the sandbox")
        if query.get("timeGranularity") != "DAILY":
            raise _bad("Only timeGranularity=DAILY is replicated in the sandbox")
        start, end = self._date_range(query)
        if "accounts" not in query:
            raise _bad("One of accounts, campaignGroups, campaigns, creatives is required (only accounts replicated)")
        for urn in _rest_list(query["accounts"], "accounts"):
            self._check_account(urn.removeprefix(ACCOUNT_URN.format("")))
        fields = query["fields"].split(",") if query.get("fields") else list(DEFAULT_ANALYTICS_FIELDS)
        unknown = [f for f in fields if f not in ANALYTICS_FIELDS]
        if unknown:
            raise _bad(f"Invalid fields requested: {', '.join(unknown)}")
        metrics = [f for f in fields if f not in ("pivotValues", "dateRange")]
        if len(metrics) > MAX_METRICS:
            raise _bad(f"Too many fields requested: at most {MAX_METRICS} metrics are allowed, got {len(metrics)}")
        rows = [r for r in self.world.ad_days_for(self.account.account_id) if start <= r.day <= end]
        elements = [self.faults.drifted("liads_analytics", self._element(r, fields)) for r in rows]
        served = self.faults.paged("liads_analytics", elements, MAX_ELEMENTS)[:MAX_ELEMENTS]
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": served}

    def _element(self, r: AdDay, fields: list[str]) -> dict[str, Any]:
        """One analytics element for a creative x UTC day, restated as of the world's as_of."""
        seen = self.world.seen_ad(r)
        values = {
            "pivotValues": [CREATIVE_URN.format(r.ad.ad_id)],
            "dateRange": {"start": _ymd(r.day), "end": _ymd(r.day)},
            "costInLocalCurrency": money(seen.spend_cents),
            "impressions": r.impressions,
            "clicks": r.clicks,
            "externalWebsiteConversions": seen.purchases,
            "conversionValueInLocalCurrency": money(seen.purchase_value_cents),
            "videoViews": r.video_views,
        }
        return {f: values[f] for f in fields}
