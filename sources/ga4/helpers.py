"""GA4 Data API: the runReport client, offset paging and the `traffic_daily` Arrow schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import requests

from sources.common.arrow import MONEY, ColumnBuffer, field, keeps_objects, to_float
from sources.common.cursors import Chunk
from sources.common.dates import api_basic_day
from sources.common.google import GooglePostClient, google_error
from sources.common.http import ErrorInfo
from sources.ga4 import settings

TRAFFIC_DAILY_SCHEMA = pa.schema(
    [
        field("property_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        field("session_source", pa.string(), nullable=False),
        field("session_medium", pa.string(), nullable=False),
        field("session_campaign_name", pa.string(), nullable=False),
        field("session_campaign_id", pa.string(), nullable=False),
        field("sessions", pa.int64()),
        field("key_events", pa.float64()),
        field("ecommerce_purchases", pa.int64()),
        field("purchase_revenue", MONEY),
        field("currency_code", pa.string()),
        field("property_timezone", pa.string()),
    ]
)
PRIMARY_KEY = (
    "property_id",
    "date",
    "session_source",
    "session_medium",
    "session_campaign_name",
    "session_campaign_id",
)
_COLUMNS = {
    "sessionSource": "session_source",
    "sessionMedium": "session_medium",
    "sessionCampaignName": "session_campaign_name",
    "sessionCampaignId": "session_campaign_id",
    "sessions": "sessions",
    "keyEvents": "key_events",
    "ecommercePurchases": "ecommerce_purchases",
    "purchaseRevenue": "purchase_revenue",
}


def parse_error(response: requests.Response) -> ErrorInfo:
    """Google's `{"error": {"code", "message", "status"}}` as an ErrorInfo; 401/403 are auth errors."""
    error = google_error(response)
    message = str(error.get("message") or response.text[:200] or response.reason)
    status = error.get("status")
    if response.status_code == 401:
        hint = (
            f"the access token is missing, expired or revoked: renew it (an OAuth token with the "
            f"analytics.readonly scope, e.g. `gcloud auth print-access-token` for the service account) and set "
            f"{settings.TOKEN_SETTING} in .dlt/secrets.toml or SOURCES__GA4__ACCESS_TOKEN"
        )
        return ErrorInfo(message, status, hint, auth=True)
    if response.status_code == 403:
        hint = (
            "the token's account cannot read this property: add it as a Viewer in GA4 Admin > Property access "
            "management, check sources.ga4.property_ids, or renew " + settings.TOKEN_SETTING
        )
        return ErrorInfo(message, status, hint, auth=True)
    if response.status_code == 400:
        return ErrorInfo(message, status, "the report request was rejected: check the dimensions and metrics")
    return ErrorInfo(message, status, "GA4 kept failing after retries: try the run again later")


class Ga4Client(GooglePostClient):
    """An ApiClient that POSTs runReport requests with a bearer token (retries 429/5xx, honours Retry-After)."""

    def __init__(self, base_url: str, access_token: str) -> None:
        if not access_token:
            raise ValueError(
                f"{settings.SOURCE_NAME}: no access token: set {settings.TOKEN_SETTING} in .dlt/secrets.toml "
                "(or SOURCES__GA4__ACCESS_TOKEN)"
            )
        super().__init__(
            settings.SOURCE_NAME,
            error_parser=parse_error,
            headers={"Authorization": f"Bearer {access_token}"},
            secrets=[access_token],
        )
        self.base_url = base_url.rstrip("/")

    def run_report(self, property_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST one runReport request and return the decoded response."""
        url = f"{self.base_url}/v1beta/properties/{property_id}:runReport"
        response = self.post(url, body, account=property_id)
        return self.decode(response, account=property_id, endpoint=urlsplit(url).path, method="POST")


def report_body(since: dt.date, until: dt.date, offset: int, limit: int) -> dict[str, Any]:
    """The runReport request for traffic_daily over [since, until]."""
    return {
        "dateRanges": [{"startDate": since.isoformat(), "endDate": until.isoformat()}],
        "dimensions": [{"name": d} for d in settings.DIMENSIONS],
        "metrics": [{"name": m} for m in settings.METRICS],
        "limit": limit,
        "offset": offset,
    }


@keeps_objects
def _count(text: Any) -> int | None:
    """A count metric (GA4 sends "12" or "12.0") as an int; None when empty."""
    return None if text in (None, "") else int(float(text))


def shape_rows(body: Mapping[str, Any], property_id: str) -> Iterator[dict[str, Any]]:
    """Rows of a runReport response keyed by raw column, by header name (unknown headers are ignored)."""
    dims = [h["name"] for h in body.get("dimensionHeaders") or []]
    mets = [h["name"] for h in body.get("metricHeaders") or []]
    meta = body.get("metadata") or {}
    for raw in body.get("rows") or []:
        row: dict[str, Any] = {name: None for name in TRAFFIC_DAILY_SCHEMA.names}
        row.update(property_id=property_id, currency_code=meta.get("currencyCode"))
        row["property_timezone"] = meta.get("timeZone")
        for name, value in zip(dims, raw.get("dimensionValues") or [], strict=False):
            if name == "date":
                row["date"] = api_basic_day(value.get("value"), "date")
            elif name in _COLUMNS:
                row[_COLUMNS[name]] = value.get("value")
        for name, value in zip(mets, raw.get("metricValues") or [], strict=False):
            column = _COLUMNS.get(name)
            text = value.get("value")
            if column in ("sessions", "ecommerce_purchases"):
                row[column] = _count(text)
            elif column == "key_events":
                row[column] = to_float(text)
            elif column == "purchase_revenue":
                row[column] = text
        yield row


def report_chunks(
    client: Ga4Client, properties: Sequence[tuple[str, dt.date]], end: dt.date, page_limit: int
) -> Iterator[Chunk]:
    """Per property, every page of the report from its start day to `end`, then its read-through day."""
    for property_id, since in properties:
        if since > end:
            continue
        offset = 0
        while True:
            body = client.run_report(property_id, report_body(since, end, offset, page_limit))
            buffer = ColumnBuffer(TRAFFIC_DAILY_SCHEMA)
            buffer.extend(shape_rows(body, property_id))
            count = len(buffer)
            if count:
                yield Chunk(property_id, buffer.flush())
            offset += count
            if count == 0 or offset >= int(body.get("rowCount") or 0):
                break
        yield Chunk(property_id, read_through=end)
