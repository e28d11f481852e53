"""Replica of the Google Ads API `GoogleAdsService.SearchStream` over REST (docs/design.md).

`POST {url}/googleads/{version}/customers/{customer_id}/googleAds:searchStream` with a JSON body
`{"query": "<GAQL>"}` (real base `https://googleads.googleapis.com`). Headers: `Authorization: Bearer <token>`,
`developer-token`, optional `login-customer-id` (a manager account; the sandbox only checks it is digits).
Only the ad-performance query the connector sends is replicated: `SELECT <fields> FROM ad_group_ad WHERE
segments.date BETWEEN 'YYYY-MM-DD' AND 'YYYY-MM-DD'` (optionally `ORDER BY ...`, ignored) with fields from
`SUPPORTED_FIELDS`, in any order and case of keywords; anything else is 400 INVALID_ARGUMENT with a
`queryError`. The answer is a JSON array of batches `{"results", "fieldMask", "requestId"}` (at most
`BATCH_SIZE` rows each); results are camelCase nested objects with int64 values as strings (`costMicros`) and
doubles as numbers (`conversions`, `conversionsValue`). Rows are ad x day in the customer's time zone, with the
values reported at as_of (Google restates conversions for recent days, see sandbox.ads.seen).

Errors are Google RPC errors `{"error": {"code", "message", "status", "details": [GoogleAdsFailure]}}` whose
`details[0].errors[]` carry `errorCode` (`authenticationError`, `authorizationError`, `queryError`, `quotaError`,
`internalError`) and `message`: 401 UNAUTHENTICATED (bad/expired OAuth token, missing/unknown developer token),
403 PERMISSION_DENIED (developer token not approved for production accounts, customer not accessible),
429 RESOURCE_EXHAUSTED with Retry-After (injected), 500 INTERNAL (injected).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sandbox.ads import AdDay, SeenAdMetrics
from sandbox.constants import GOOGLE_ADS_ACCOUNT
from sandbox.credentials import (
    GOOGLE_ADS_ACCESS_TOKEN,
    GOOGLE_ADS_API_VERSION,
    GOOGLE_ADS_DEVELOPER_TOKEN,
    GOOGLE_ADS_EXPIRED_TOKEN,
    GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN,
)
from sandbox.faults import FaultState
from sandbox.http_util import Response
from sandbox.world import World

BATCH_SIZE = 10_000
_FAILURE_TYPE = f"type.googleapis.com/google.ads.googleads.{GOOGLE_ADS_API_VERSION}.errors.GoogleAdsFailure"
_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>[a-z_]+)\s+WHERE\s+segments\.date\s+BETWEEN\s+"
    r"'(?P<start>[^']*)'\s+AND\s+'(?P<end>[^']*)'(?:\s+ORDER\s+BY\s+[a-z_.,\s]+?(?:\s+(?:ASC|DESC))?)?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_FIELD = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")

Row = tuple[AdDay, SeenAdMetrics]
# GAQL field -> (camelCase path in a result, value of a row); int64 values are strings.
SUPPORTED_FIELDS: dict[str, tuple[tuple[str, ...], Callable[[Row], Any]]] = {
    "segments.date": (("segments", "date"), lambda r: r[0].day.isoformat()),
    "customer.id": (("customer", "id"), lambda r: r[0].campaign.account_id),
    "customer.currency_code": (("customer", "currencyCode"), lambda r: r[0].campaign.account.currency),
    "customer.time_zone": (("customer", "timeZone"), lambda r: r[0].campaign.account.timezone),
    "campaign.id": (("campaign", "id"), lambda r: r[0].campaign.campaign_id),
    "campaign.name": (("campaign", "name"), lambda r: r[0].campaign.name),
    "ad_group.id": (("adGroup", "id"), lambda r: r[0].ad.adset_id),
    "ad_group.name": (("adGroup", "name"), lambda r: r[0].ad.adset_name),
    "ad_group_ad.ad.id": (("adGroupAd", "ad", "id"), lambda r: r[0].ad.ad_id),
    "ad_group_ad.ad.name": (("adGroupAd", "ad", "name"), lambda r: r[0].ad.name),
    "metrics.cost_micros": (("metrics", "costMicros"), lambda r: str(r[1].spend_cents * 10_000)),
    "metrics.impressions": (("metrics", "impressions"), lambda r: str(r[0].impressions)),
    "metrics.clicks": (("metrics", "clicks"), lambda r: str(r[0].clicks)),
    "metrics.conversions": (("metrics", "conversions"), lambda r: float(r[1].purchases)),
    "metrics.conversions_value": (("metrics", "conversionsValue"), lambda r: r[1].purchase_value_cents / 100),
}


class GoogleAdsError(Exception):
    """An error answered as a Google RPC error with a GoogleAdsFailure detail."""

    def __init__(
        self, status: int, rpc_status: str, kind: str, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.rpc_status, self.kind, self.code = status, rpc_status, kind, code
        self.message, self.headers = message, headers or {}

    def response(self, request_id: str) -> Response:
        """The HTTP response."""
        failure = {
            "@type": _FAILURE_TYPE,
            "errors": [{"errorCode": {self.kind: self.code}, "message": self.message}],
            "requestId": request_id,
        }
        body = {
            "error": {
                "code": self.status,
                "message": "Request had invalid authentication credentials."
                if self.status == 401
                else "The caller does not have permission"
                if self.status == 403
                else self.message,
                "status": self.rpc_status,
                "details": [failure],
            }
        }
        return Response(self.status, body, self.headers)


def _query_error(code: str, message: str) -> GoogleAdsError:
    return GoogleAdsError(400, "INVALID_ARGUMENT", "queryError", code, message)


def parse_query(query: str) -> tuple[list[str], date, date]:
    """The selected fields and the inclusive date range of a supported GAQL query (GoogleAdsError if not)."""
    m = _QUERY.match(query or "")
    if m is None:
        raise _query_error(
            "UNEXPECTED_INPUT",
            "The sandbox only replicates SELECT <fields> FROM ad_group_ad WHERE segments.date BETWEEN "
            "'YYYY-MM-DD' AND 'YYYY-MM-DD'.",
        )
    if m.group("resource").lower() != "ad_group_ad":
        raise _query_error("INVALID_RESOURCE_NAME", f"Unsupported resource in FROM clause: {m.group('resource')}.")
    fields = [f.strip() for f in m.group("fields").split(",")]
    for f in fields:
        if not _FIELD.match(f):
            raise _query_error("UNEXPECTED_INPUT", f"Error in query: unexpected input {f!r}.")
        if f not in SUPPORTED_FIELDS:
            raise _query_error("UNRECOGNIZED_FIELD", f"Unrecognized field in the query: '{f}'.")
    if len(set(fields)) != len(fields):
        raise _query_error("DUPLICATE_FIELD", "Duplicate field in the SELECT clause.")
    try:
        start, end = date.fromisoformat(m.group("start")), date.fromisoformat(m.group("end"))
    except ValueError:
        raise _query_error("INVALID_VALUE_WITH_BETWEEN_OPERATOR", "Invalid date in BETWEEN: use YYYY-MM-DD.") from None
    if end < start:
        raise _query_error("INVALID_VALUE_WITH_BETWEEN_OPERATOR", "The end date is before the start date.")
    return fields, start, end


def _result(row: Row, fields: list[str]) -> dict[str, Any]:
    """One camelCase nested result with the resource names Google always adds."""
    ad_day = row[0]
    cid = ad_day.campaign.account_id
    out: dict[str, Any] = {}
    for f in fields:
        path, value = SUPPORTED_FIELDS[f]
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value(row)
    names = {
        "customer": f"customers/{cid}",
        "campaign": f"customers/{cid}/campaigns/{ad_day.campaign.campaign_id}",
        "adGroup": f"customers/{cid}/adGroups/{ad_day.ad.adset_id}",
        "adGroupAd": f"customers/{cid}/adGroupAds/{ad_day.ad.adset_id}~{ad_day.ad.ad_id}",
    }
    for key, name in names.items():
        if key in out:
            out[key]["resourceName"] = name
    if "ad" in out.get("adGroupAd", {}):
        out["adGroupAd"]["ad"]["resourceName"] = f"customers/{cid}/ads/{ad_day.ad.ad_id}"
    return out


def _camel_mask(fields: list[str]) -> str:
    """The fieldMask of the selected fields (camelCase paths)."""
    return ",".join(".".join(SUPPORTED_FIELDS[f][0]) for f in fields)


class GoogleAdsApi:
    """Answers searchStream requests for the world's Google Ads customer."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self._n = 0

    def handle(self, method: str, parts: list[str], headers: dict[str, str], body: bytes) -> Response:
        """Route `/{version}/customers/{id}/googleAds:searchStream` (parts after the `googleads` prefix)."""
        self._n += 1
        request_id = hashlib.sha1(f"{self.world.as_of}:{self._n}".encode()).hexdigest()[:22]
        if (
            len(parts) != 4
            or parts[0] != GOOGLE_ADS_API_VERSION
            or parts[1] != "customers"
            or parts[3] != "googleAds:searchStream"
        ):
            return Response(404, {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}})
        if method != "POST":
            return Response(
                405, {"error": {"code": 405, "message": "searchStream is a POST.", "status": "METHOD_NOT_ALLOWED"}}
            )
        try:
            return self._search_stream(parts[2], headers, body, request_id)
        except GoogleAdsError as err:
            return err.response(request_id)

    def _authenticate(self, customer_id: str, headers: dict[str, str]) -> None:
        """Check the OAuth token, developer token, login-customer-id and customer access."""
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if token == GOOGLE_ADS_EXPIRED_TOKEN:
            raise GoogleAdsError(
                401,
                "UNAUTHENTICATED",
                "authenticationError",
                "OAUTH_TOKEN_EXPIRED",
                "OAuth token in the header has expired.",
            )
        if token != GOOGLE_ADS_ACCESS_TOKEN:
            raise GoogleAdsError(
                401,
                "UNAUTHENTICATED",
                "authenticationError",
                "OAUTH_TOKEN_INVALID",
                "OAuth token in the header is not valid.",
            )
        dev = headers.get("developer-token", "")
        if dev == GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN:
            raise GoogleAdsError(
                403,
                "PERMISSION_DENIED",
                "authorizationError",
                "DEVELOPER_TOKEN_NOT_APPROVED",
                "The developer token is only approved for use with test accounts.",
            )
        if dev != GOOGLE_ADS_DEVELOPER_TOKEN:
            raise GoogleAdsError(
                401,
                "UNAUTHENTICATED",
                "authenticationError",
                "DEVELOPER_TOKEN_INVALID",
                "The developer token is not valid.",
            )
        login = headers.get("login-customer-id")
        if login is not None and not login.isdigit():
            raise GoogleAdsError(
                400,
                "INVALID_ARGUMENT",
                "authenticationError",
                "CLIENT_CUSTOMER_ID_INVALID",
                "login-customer-id is not a number.",
            )
        if not customer_id.isdigit():
            raise GoogleAdsError(
                400,
                "INVALID_ARGUMENT",
                "authenticationError",
                "CLIENT_CUSTOMER_ID_INVALID",
                "Customer ID is not a number.",
            )
        if customer_id != GOOGLE_ADS_ACCOUNT.account_id:
            raise GoogleAdsError(
                403,
                "PERMISSION_DENIED",
                "authorizationError",
                "USER_PERMISSION_DENIED",
                "User doesn't have permission to access customer. Note: If you're accessing a client customer, the "
                "manager's customer id must be set in the 'login-customer-id' header.",
            )

    def _search_stream(self, customer_id: str, headers: dict[str, str], body: bytes, request_id: str) -> Response:
        """Authenticate, inject faults, parse the query and stream the rows."""
        self._authenticate(customer_id, headers)
        outcome = self.faults.decide("google_ads_search")
        if outcome == "throttle":
            raise GoogleAdsError(
                429,
                "RESOURCE_EXHAUSTED",
                "quotaError",
                "RESOURCE_TEMPORARILY_EXHAUSTED",
                "Too many requests. Retry in 2 seconds.",
                {"Retry-After": f"{self.faults.faults.retry_after_seconds:.1f}"},
            )
        if outcome == "server_error":
            raise GoogleAdsError(500, "INTERNAL", "internalError", "INTERNAL_ERROR", "Internal error encountered.")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            raise _query_error("UNEXPECTED_INPUT", "Invalid JSON payload received.") from None
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            raise _query_error("QUERY_NOT_SET", 'The request body must be {"query": "<GAQL>"}.')
        fields, start, end = parse_query(request["query"])
        rows = [(r, self.world.seen_ad(r)) for r in self.world.ad_days_for(customer_id) if start <= r.day <= end]
        results = [self.faults.drifted("google_ads_search", _result(r, fields)) for r in rows]
        results = self.faults.paged("google_ads_search", results, BATCH_SIZE)
        mask = _camel_mask(fields)
        batches = [
            {"results": results[i : i + BATCH_SIZE], "fieldMask": mask, "requestId": request_id}
            for i in range(0, len(results), BATCH_SIZE)
        ] or [{"fieldMask": mask, "requestId": request_id}]
        return Response(200, batches)
