"""Pinterest Ads: the API client (`{"code", "message"}` errors, bookmark paging), the ad catalog, row shaping and
Arrow schemas."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import ColumnBuffer, field, keeps_objects, table_from_columns
from sources.common.cursors import Chunk
from sources.common.dates import api_day, day_windows
from sources.common.errors import SourceApiError
from sources.common.http import ApiClient, ErrorInfo
from sources.common.parallel import stream_parallel
from sources.pinterest_ads import settings

logger = logging.getLogger("socialmart.sources")

AD_ACCOUNTS_SCHEMA = pa.schema(
    [
        field("ad_account_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone", pa.string()),
        field("country", pa.string()),
        field("owner_username", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("ad_account_id", pa.string(), nullable=False),
        field("account_currency", pa.string()),
        field("account_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("ad_group_id", pa.string()),
        field("ad_group_name", pa.string()),
        field("ad_id", pa.string(), nullable=False),
        field("ad_name", pa.string()),
        field("pin_id", pa.string()),
        field("date", pa.date32(), nullable=False),
        *(field(column.lower(), pa.int64()) for column in settings.COLUMNS),
    ]
)


def pinterest_ads_error_info(response: requests.Response) -> ErrorInfo:
    """Explain a Pinterest error `{"code", "message"}`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    message, code = str(body.get("message") or body)[:300], body.get("code")
    if response.status_code in (401, 403) or code in settings.AUTH_CODES:
        hint = (
            "the access token expired (Pinterest tokens last 30 days), was revoked, lacks the ads:read scope or has "
            "no role on this ad account: refresh it with the refresh token or re-authorize the app, and set "
            f"{settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if response.status_code == 429:
        return ErrorInfo(
            message=message, code=code, hint="Pinterest rate limit still exceeded after retries: rerun later"
        )
    if response.status_code == 400:
        return ErrorInfo(
            message=message, code=code, hint="invalid parameter: check ad_account_ids, start_date and base_url"
        )
    return ErrorInfo(message=message, code=code, hint="see the Pinterest API v5 error codes")


@keeps_objects
def to_int(value: Any) -> int | None:
    """A metric value (a JSON number; absent when Pinterest has no value) as an integer."""
    if value is None or value == "":
        return None
    return round(float(value))


class PinterestAdsClient:
    """GETs Pinterest API v5 ads endpoints with `Authorization: Bearer`."""

    def __init__(self, base_url: str, access_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=pinterest_ads_error_info,
            headers={"Authorization": f"Bearer {access_token}"},
            secrets=[access_token],
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, account: str) -> Any:
        """GET `{base_url}/{path}` and decode the JSON body."""
        endpoint = f"/{path}"
        return self.api.get_json(f"{self.base_url}{endpoint}", params=params, account=account, endpoint=endpoint)

    def items(self, path: str, *, account: str) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following `bookmark` (each id once, also when a page repeats)."""
        params: dict[str, Any] = {
            "page_size": settings.PAGE_SIZE,
            "entity_statuses": ",".join(settings.ENTITY_STATUSES),
        }
        seen: set[str] = set()
        while True:
            body = self.get(path, params, account=account)
            body = body if isinstance(body, dict) else {}
            for item in body.get("items") or []:
                if isinstance(item, dict) and item.get("id") is not None and str(item["id"]) not in seen:
                    seen.add(str(item["id"]))
                    yield item
            bookmark = body.get("bookmark")
            if not bookmark:
                return
            params = {**params, "bookmark": bookmark}


class AccountDirectory:
    """Reads each ad account once (`GET /ad_accounts/{id}`) and adds its configured time zone."""

    def __init__(self, client: PinterestAdsClient, timezones: Mapping[str, str]) -> None:
        self._client = client
        self._timezones = timezones
        self._accounts: dict[str, dict[str, Any]] = {}

    def get(self, account_id: str) -> dict[str, Any]:
        """The account's `ad_account_id`, `name`, `currency`, `timezone` (IANA), `country`, `owner_username`."""
        if account_id not in self._accounts:
            path = settings.AD_ACCOUNT_PATH.format(ad_account_id=account_id)
            body = self._client.get(path, account=account_id)
            body = body if isinstance(body, dict) else {}
            self._accounts[account_id] = {
                "ad_account_id": account_id,
                "name": body.get("name"),
                "currency": body.get("currency"),
                "timezone": self._timezones[account_id],
                "country": body.get("country"),
                "owner_username": (body.get("owner") or {}).get("username"),
            }
        return self._accounts[account_id]

    def table(self, account_ids: Sequence[str]) -> pa.Table:
        """The `ad_accounts` rows of `account_ids`."""
        rows = [self.get(account_id) for account_id in account_ids]
        return table_from_columns({n: [r[n] for r in rows] for n in AD_ACCOUNTS_SCHEMA.names}, AD_ACCOUNTS_SCHEMA)


def ad_catalog(client: PinterestAdsClient, account_id: str) -> dict[str, dict[str, Any]]:
    """ad id -> campaign_id, campaign_name, ad_group_id, ad_group_name, ad_name, pin_id, from the list endpoints."""
    fmt = {"ad_account_id": account_id}
    campaigns = {
        str(c["id"]): c.get("name") for c in client.items(settings.CAMPAIGNS_PATH.format(**fmt), account=account_id)
    }
    groups = {
        str(g["id"]): g.get("name") for g in client.items(settings.AD_GROUPS_PATH.format(**fmt), account=account_id)
    }
    catalog = {}
    for ad in client.items(settings.ADS_PATH.format(**fmt), account=account_id):
        campaign_id, group_id = ad.get("campaign_id"), ad.get("ad_group_id")
        catalog[str(ad["id"])] = {
            "campaign_id": None if campaign_id is None else str(campaign_id),
            "campaign_name": campaigns.get(str(campaign_id)),
            "ad_group_id": None if group_id is None else str(group_id),
            "ad_group_name": groups.get(str(group_id)),
            "ad_name": ad.get("name"),
            "pin_id": None if ad.get("pin_id") is None else str(ad["pin_id"]),
        }
    return catalog


def analytics_row(raw: Mapping[str, Any], account: Mapping[str, Any], ad: Mapping[str, Any]) -> dict[str, Any]:
    """Shape one ads/analytics row to the `ad_insights` raw contract (native names and units)."""
    row = {
        "ad_account_id": account["ad_account_id"],
        "account_currency": account.get("currency"),
        "account_timezone": account.get("timezone"),
        "campaign_id": ad.get("campaign_id"),
        "campaign_name": ad.get("campaign_name"),
        "ad_group_id": ad.get("ad_group_id"),
        "ad_group_name": ad.get("ad_group_name"),
        "ad_id": str(raw["AD_ID"]),
        "ad_name": ad.get("ad_name"),
        "pin_id": ad.get("pin_id"),
        "date": api_day(raw["DATE"], "DATE"),
    }
    row.update({column.lower(): to_int(raw.get(column)) for column in settings.COLUMNS})
    return row


def analytics_params(ad_ids: Sequence[str], since: dt.date, until: dt.date) -> dict[str, Any]:
    """Query of one daily ads/analytics request over [since, until] for at most 100 ads."""
    return {
        "start_date": since.isoformat(),
        "end_date": until.isoformat(),
        "ad_ids": ",".join(ad_ids),
        "columns": ",".join(settings.COLUMNS),
        "granularity": settings.GRANULARITY,
        "conversion_report_time": settings.CONVERSION_REPORT_TIME,
    }


def _checked(raw: Any, account_id: str, endpoint: str) -> Mapping[str, Any]:
    """An analytics row that has its keys, or a clear error naming the row."""
    if isinstance(raw, dict) and raw.get("AD_ID") is not None and raw.get("DATE"):
        return raw
    raise SourceApiError(
        settings.SOURCE_NAME,
        account=account_id,
        endpoint=endpoint,
        status=200,
        platform_message=f"analytics row without AD_ID or DATE: {str(raw)[:200]}",
        hint="the ads/analytics answer changed shape: check base_url and the Pinterest API v5 changelog",
    )


def window_chunk(
    client: PinterestAdsClient,
    account: Mapping[str, Any],
    catalog: Mapping[str, Mapping[str, Any]],
    since: dt.date,
    until: dt.date,
) -> Iterator[Chunk]:
    """Daily analytics of every ad of an account over [since, until] (100 ads a request), one row per ad x day."""
    account_id = account["ad_account_id"]
    path = settings.ANALYTICS_PATH.format(ad_account_id=account_id)
    ad_ids = sorted(catalog)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(ad_ids), settings.MAX_AD_IDS):
        batch = ad_ids[start : start + settings.MAX_AD_IDS]
        body = client.get(path, analytics_params(batch, since, until), account=account_id)
        for raw in body if isinstance(body, list) else []:
            raw = _checked(raw, account_id, f"/{path}")
            rows[(str(raw["AD_ID"]), str(raw["DATE"]))] = analytics_row(
                raw, account, catalog.get(str(raw["AD_ID"]), {})
            )
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.extend(rows.values())
    yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=until)


def earliest_readable(until: dt.date) -> dt.date:
    """The first day ads/analytics still serves when the run's last day is `until` (today = until + 1, UTC)."""
    return until + dt.timedelta(days=1 - settings.RETENTION_DAYS)


def insights_chunks(
    client: PinterestAdsClient,
    accounts: Sequence[tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]], dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Analytics of each (account, ad catalog, since) from `since` to `until`, in 90-day windows fetched concurrently.

    Days older than the analytics retention window cannot be read: such a `since` starts at the first readable
    day instead, with a warning.
    """
    earliest = earliest_readable(until)
    producers = []
    for account, catalog, since in accounts:
        if since < earliest:
            logger.warning(
                "%s: ad account %s: ads/analytics only serves the last %d days; reading from %s instead of %s",
                settings.SOURCE_NAME,
                account["ad_account_id"],
                settings.RETENTION_DAYS,
                earliest,
                since,
            )
            since = earliest
        producers.extend(
            partial(window_chunk, client, account, catalog, first, last)
            for first, last in day_windows(since, until, settings.WINDOW_DAYS)
        )
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
