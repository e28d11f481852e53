"""Replica of the Google Analytics Data API v1beta `runReport` (base `{url}/ga4`, real
`https://analyticsdata.googleapis.com`).

`POST /v1beta/properties/{propertyId}:runReport` with a JSON body: `dateRanges` (one range; `YYYY-MM-DD`, `today`,
`yesterday` or `NdaysAgo`), `dimensions` / `metrics` as `[{"name": ...}]`, `limit` (default 10000, at most 250000)
and `offset`. The response has `dimensionHeaders`, `metricHeaders` (`{name, type}`), `rows` of
`dimensionValues` / `metricValues` (string values; `date` as `YYYYMMDD`), `rowCount` (all rows of the report,
not just the page), `metadata` (`currencyCode`, `timeZone`) and `kind`. Rows are sorted by the dimensions so that
offset paging is stable; rows whose metrics are all zero are left out. Auth: `Authorization: Bearer <token>`.
Errors in Google's format `{"error": {"code", "message", "status"}}`: 401 UNAUTHENTICATED, 403
PERMISSION_DENIED (unknown property), 400 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED (with Retry-After, injected),
500 INTERNAL (injected).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandbox.credentials import GA4_ACCESS_TOKEN
from sandbox.faults import FaultState
from sandbox.ga4 import GA4_CURRENCY, GA4_PROPERTY_ID, GA4_TIMEZONE, Ga4Row, ga4_rows
from sandbox.http_util import Response
from sandbox.world import World

DEFAULT_LIMIT = 10_000
MAX_LIMIT = 250_000
_DIMENSIONS: dict[str, Callable[[Ga4Row], str]] = {
    "date": lambda r: r.day.strftime("%Y%m%d"),
    "sessionSource": lambda r: r.source,
    "sessionMedium": lambda r: r.medium,
    "sessionCampaignName": lambda r: r.campaign_name,
    "sessionCampaignId": lambda r: r.campaign_id,
    "sessionSourceMedium": lambda r: f"{r.source} / {r.medium}",
}
_METRICS: dict[str, tuple[str, Callable[[Ga4Row], Decimal | int]]] = {
    "sessions": ("TYPE_INTEGER", lambda r: r.sessions),
    "keyEvents": ("TYPE_FLOAT", lambda r: r.key_events),
    "conversions": ("TYPE_FLOAT", lambda r: r.key_events),  # the pre-2024 name of keyEvents
    "ecommercePurchases": ("TYPE_INTEGER", lambda r: r.purchases),
    "purchaseRevenue": ("TYPE_CURRENCY", lambda r: r.purchase_revenue),
}
_BODY_FIELDS = {"dateRanges", "dimensions", "metrics", "limit", "offset", "keepEmptyRows", "returnPropertyQuota"}
_DAYS_AGO = re.compile(r"^(\d+)daysAgo$")


def _error(code: int, status: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A Google API error response."""
    return Response(code, {"error": {"code": code, "message": message, "status": status}}, headers or {})


def _bad(message: str) -> Response:
    """400 INVALID_ARGUMENT."""
    return _error(400, "INVALID_ARGUMENT", message)


class Ga4Api:
    """Answers runReport requests for the world's GA4 property."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults

    def handle(self, method: str, parts: list[str], headers: dict[str, str], body: bytes) -> Response:
        """Route `/v1beta/properties/{id}:runReport` (parts after the `ga4` prefix)."""
        if len(parts) != 3 or parts[:2] != ["v1beta", "properties"] or not parts[2].endswith(":runReport"):
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        if method != "POST":
            return _error(405, "METHOD_NOT_ALLOWED", f"Method {method} is not allowed; runReport is a POST.")
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return _error(
                401,
                "UNAUTHENTICATED",
                "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
                "or other valid authentication credential.",
            )
        if auth.removeprefix("Bearer ").strip() != GA4_ACCESS_TOKEN:
            return _error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential.",
            )
        outcome = self.faults.decide("ga4_report")
        if outcome == "throttle":
            return _error(
                429,
                "RESOURCE_EXHAUSTED",
                "Exhausted property tokens per hour for this property.",
                {"Retry-After": str(self.faults.faults.retry_after_seconds)},
            )
        if outcome == "server_error":
            return _error(500, "INTERNAL", "Internal error encountered.")
        property_id = parts[2].removesuffix(":runReport")
        if property_id != GA4_PROPERTY_ID:
            return _error(
                403,
                "PERMISSION_DENIED",
                f"User does not have sufficient permissions for this property (properties/{property_id}).",
            )
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return _bad("Invalid JSON payload received.")
        if not isinstance(request, dict):
            return _bad("Invalid JSON payload received. Expected an object.")
        return self._report(request)

    def _report(self, request: dict[str, Any]) -> Response:
        """Build one page of the report."""
        unknown = sorted(set(request) - _BODY_FIELDS)
        if unknown:
            return _bad(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.')
        ranges = request.get("dateRanges") or []
        if len(ranges) != 1:
            return _bad("The sandbox replicates exactly one entry in dateRanges.")
        try:
            start = self._date(ranges[0].get("startDate"))
            end = self._date(ranges[0].get("endDate"))
        except ValueError as exc:
            return _bad(str(exc))
        if end < start:
            return _bad("Invalid dateRange: endDate must not be before startDate.")
        dims = [d.get("name") for d in request.get("dimensions") or []]
        mets = [m.get("name") for m in request.get("metrics") or []]
        for name in dims:
            if name not in _DIMENSIONS:
                return _bad(
                    f"Field {name} is not a valid dimension. For a list of valid dimensions and metrics, "
                    "see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
                )
        for name in mets:
            if name not in _METRICS:
                return _bad(
                    f"Field {name} is not a valid metric. For a list of valid dimensions and metrics, "
                    "see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
                )
        if not mets:
            return _bad("At least one metric is required.")
        try:
            limit = int(request.get("limit", DEFAULT_LIMIT))
            offset = int(request.get("offset", 0))
        except (TypeError, ValueError):
            return _bad("limit and offset must be integers.")
        if limit <= 0 or offset < 0:
            return _bad("limit must be positive and offset must not be negative.")
        limit = min(limit, MAX_LIMIT)
        table = self.faults.paged("ga4_report", self._aggregate(start, end, dims, mets), limit)
        page = table[offset : offset + limit]
        body: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "metricHeaders": [{"name": m, "type": _METRICS[m][0]} for m in mets],
            "rowCount": len(table),
            "metadata": {"currencyCode": GA4_CURRENCY, "timeZone": GA4_TIMEZONE},
            "kind": "analyticsData#runReport",
        }
        body = self.faults.without_optional("ga4_report", body)
        if page:
            body["rows"] = [
                self.faults.drifted(
                    "ga4_report",
                    {
                        "dimensionValues": [{"value": v} for v in key],
                        "metricValues": [{"value": str(v)} for v in values],
                    },
                )
                for key, values in page
            ]
        return Response(200, body)

    def _date(self, value: Any) -> date:
        """Parse a dateRange bound relative to the property's today (= as_of)."""
        today = self.world.as_of
        if value == "today":
            return today
        if value == "yesterday":
            return today - timedelta(days=1)
        if isinstance(value, str) and (m := _DAYS_AGO.match(value)):
            return today - timedelta(days=int(m.group(1)))
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"Invalid date {value!r}: use YYYY-MM-DD, today, yesterday or NdaysAgo.") from None

    def _aggregate(
        self, start: date, end: date, dims: list[str], mets: list[str]
    ) -> list[tuple[tuple[str, ...], list[Decimal | int]]]:
        """Rows in [start, end] grouped by the requested dimensions, sorted by them."""
        sums: dict[tuple[str, ...], list[Decimal | int]] = defaultdict(lambda: [0] * len(mets))
        for r in ga4_rows(self.world.as_of):
            if start <= r.day <= end:
                key = tuple(_DIMENSIONS[d](r) for d in dims)
                acc = sums[key]
                for i, m in enumerate(mets):
                    acc[i] += _METRICS[m][1](r)
        return [(k, v) for k, v in sorted(sums.items()) if any(v)]
