"""Google Ads: the searchStream client (bearer + developer token, retries), row shaping and the Arrow schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import requests

from sources.common.arrow import ColumnBuffer, field, keeps_objects, to_float
from sources.common.cursors import Chunk
from sources.common.dates import api_day, day_windows
from sources.common.errors import SourceApiError
from sources.common.google import GooglePostClient, google_error
from sources.common.http import ErrorInfo
from sources.common.parallel import stream_parallel
from sources.google_ads import settings

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("customer_id", pa.string(), nullable=False),
        field("customer_currency", pa.string()),
        field("customer_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("ad_group_id", pa.string(), nullable=False),
        field("ad_group_name", pa.string()),
        field("ad_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        field("cost_micros", pa.int64()),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("conversions", pa.float64()),
        field("conversions_value", pa.float64()),
    ]
)
PRIMARY_KEY = ("customer_id", "ad_group_id", "ad_id", "date")


def _failure(error: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(`<kind>.<CODE>`, message) of the first GoogleAdsFailure error in an RPC error's details."""
    for detail in error.get("details") or []:
        for err in (detail or {}).get("errors") or []:
            code = err.get("errorCode") or {}
            if code:
                kind, value = next(iter(code.items()))
                return f"{kind}.{value}", err.get("message")
    return None, None


def parse_error(response: requests.Response) -> ErrorInfo:
    """Google's RPC error with a GoogleAdsFailure detail as an ErrorInfo; 401/403 are auth errors."""
    error = google_error(response)
    code, detail = _failure(error)
    message = str(detail or error.get("message") or response.text[:200] or response.reason)
    code = code or error.get("status")
    if response.status_code == 401 and "DEVELOPER_TOKEN" in str(code):
        hint = (
            f"the developer token is missing or invalid: copy it from the manager account's API Center and set "
            f"{settings.DEVELOPER_TOKEN_SETTING} (or SOURCES__GOOGLE_ADS__DEVELOPER_TOKEN)"
        )
        return ErrorInfo(message, code, hint, auth=True)
    if response.status_code == 401:
        hint = (
            "the OAuth access token is missing, expired or revoked: mint a new one from the OAuth refresh token "
            f"(scope https://www.googleapis.com/auth/adwords) and set {settings.TOKEN_SETTING} "
            "(or SOURCES__GOOGLE_ADS__ACCESS_TOKEN)"
        )
        return ErrorInfo(message, code, hint, auth=True)
    if response.status_code == 403 and "DEVELOPER_TOKEN" in str(code):
        hint = (
            "the developer token is not approved for production accounts: apply for Basic access in the API Center "
            f"or set an approved token in {settings.DEVELOPER_TOKEN_SETTING}"
        )
        return ErrorInfo(message, code, hint, auth=True)
    if response.status_code == 403:
        hint = (
            "the token's user cannot access this customer: check sources.google_ads.customer_ids, set "
            "sources.google_ads.login_customer_id to the manager account, or renew " + settings.TOKEN_SETTING
        )
        return ErrorInfo(message, code, hint, auth=True)
    if response.status_code == 400:
        return ErrorInfo(message, code, "the GAQL query was rejected: check the selected fields and base_url")
    return ErrorInfo(message, code, "Google Ads kept failing after retries: try the run again later")


def gaql(since: dt.date, until: dt.date) -> str:
    """The ad performance query over [since, until] (customer-time-zone dates)."""
    return (
        f"SELECT {', '.join(settings.SELECTED_FIELDS)} FROM {settings.RESOURCE} "
        f"WHERE segments.date BETWEEN '{since.isoformat()}' AND '{until.isoformat()}'"
    )


class GoogleAdsClient(GooglePostClient):
    """POSTs searchStream requests with the bearer and developer tokens (retries 429/5xx, honours Retry-After)."""

    def __init__(
        self, base_url: str, access_token: str, developer_token: str, login_customer_id: str | None = None
    ) -> None:
        for value, setting in (
            (access_token, settings.TOKEN_SETTING),
            (developer_token, settings.DEVELOPER_TOKEN_SETTING),
        ):
            if not value:
                raise ValueError(f"{settings.SOURCE_NAME}: {setting} is not set (in .dlt/secrets.toml or the env)")
        headers = {"Authorization": f"Bearer {access_token}", "developer-token": developer_token}
        if login_customer_id:
            headers["login-customer-id"] = normalize_customer_id(login_customer_id)
        super().__init__(
            settings.SOURCE_NAME,
            error_parser=parse_error,
            headers=headers,
            secrets=[access_token, developer_token],
        )
        self.base_url = base_url.rstrip("/")

    def search_stream(self, customer_id: str, query: str) -> list[dict[str, Any]]:
        """POST one searchStream request; return the results of all batches."""
        url = f"{self.base_url}/customers/{customer_id}/googleAds:searchStream"
        endpoint = urlsplit(url).path
        response = self.post(url, {"query": query}, account=customer_id)
        batches = self.decode(response, account=customer_id, endpoint=endpoint, method="POST")
        if not isinstance(batches, list):
            raise SourceApiError(
                self.source,
                account=customer_id,
                endpoint=endpoint,
                status=response.status_code,
                platform_message=f"response is not a JSON array of batches: {response.text[:200]!r}",
                hint=f"check that base_url points at https://googleads.googleapis.com/{settings.API_VERSION}",
                method="POST",
            )
        return [row for batch in batches if isinstance(batch, dict) for row in batch.get("results") or []]


def normalize_customer_id(customer_id: str | int) -> str:
    """`123-456-7890` or 1234567890 -> '1234567890'."""
    return str(customer_id).strip().replace("-", "")


@keeps_objects
def _int(value: Any) -> int | None:
    """An int64 (sent as a JSON string) or None."""
    return None if value in (None, "") else int(value)


def result_row(raw: Mapping[str, Any], customer_id: str) -> dict[str, Any]:
    """Shape one searchStream result (camelCase nested objects) to the `ad_insights` raw contract."""
    customer = raw.get("customer") or {}
    campaign = raw.get("campaign") or {}
    ad_group = raw.get("adGroup") or {}
    ad = (raw.get("adGroupAd") or {}).get("ad") or {}
    metrics = raw.get("metrics") or {}
    return {
        "customer_id": str(customer.get("id") or customer_id),
        "customer_currency": customer.get("currencyCode"),
        "customer_timezone": customer.get("timeZone"),
        "campaign_id": None if campaign.get("id") is None else str(campaign["id"]),
        "campaign_name": campaign.get("name"),
        "ad_group_id": str(ad_group["id"]),
        "ad_group_name": ad_group.get("name"),
        "ad_id": str(ad["id"]),
        "date": api_day((raw.get("segments") or {})["date"], "segments.date"),
        "cost_micros": _int(metrics.get("costMicros")) or 0,
        "impressions": _int(metrics.get("impressions")),
        "clicks": _int(metrics.get("clicks")),
        "conversions": to_float(metrics.get("conversions")),
        "conversions_value": to_float(metrics.get("conversionsValue")),
    }


def window_chunk(client: GoogleAdsClient, customer_id: str, since: dt.date, until: dt.date) -> Iterator[Chunk]:
    """Stream a customer's ad performance for [since, until] into one table."""
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.extend(result_row(raw, customer_id) for raw in client.search_stream(customer_id, gaql(since, until)))
    yield Chunk(customer_id, buffer.flush() if len(buffer) else None, read_through=until)


def insights_chunks(
    client: GoogleAdsClient,
    customers: Sequence[tuple[str, dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Performance of each (customer, since) from `since` to `until`, in windows fetched concurrently."""
    producers = [
        partial(window_chunk, client, customer_id, first, last)
        for customer_id, since in customers
        for first, last in day_windows(since, until, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
