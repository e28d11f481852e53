"""LinkedIn Ads: the API client (versioned /rest headers, Rest.li 2.0 queries, cursor paging), the account hierarchy
(creative -> campaign -> campaign group), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

import pyarrow as pa

from sources.common.arrow import ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import day_windows
from sources.common.errors import DateFormatError, SourceApiError
from sources.common.http import ApiClient
from sources.common.linkedin import LinkedInHints, linkedin_error_info
from sources.common.parallel import stream_parallel
from sources.linkedin_ads import settings

# costInLocalCurrency / conversionValueInLocalCurrency are decimal strings that may carry sub-cent digits.
LOCAL_AMOUNT = pa.decimal128(18, 6)

AD_ACCOUNTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone", pa.string()),
        field("status", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("account_currency", pa.string()),
        field("account_timezone", pa.string()),
        field("campaign_group_id", pa.string()),
        field("campaign_group_name", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("creative_id", pa.string(), nullable=False),
        field("creative_name", pa.string()),
        field("date", pa.date32(), nullable=False),
        field("cost_in_local_currency", LOCAL_AMOUNT),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("external_website_conversions", pa.int64()),
        field("conversion_value_in_local_currency", LOCAL_AMOUNT),
        field("video_views", pa.int64()),
    ]
)


def account_id_of(value: str) -> str:
    """The numeric ad account id of `508123456` or `urn:li:sponsoredAccount:508123456`."""
    return str(value).strip().removeprefix(settings.ACCOUNT_URN_PREFIX)


ERROR_HINTS = LinkedInHints(
    unauthorized=(
        "the access token expired (60 days), was revoked or is wrong: mint a new one with the refresh token "
        f"(valid 365 days) or re-authorize a member with r_ads and r_ads_reporting, and set {settings.TOKEN_SETTING}"
    ),
    forbidden=(
        "the authorizing member needs a role on the ad account (at least VIEWER) and the token r_ads and "
        f"r_ads_reporting: check {settings.ACCOUNTS_SETTING} and {settings.TOKEN_SETTING}"
    ),
    version_setting=settings.VERSION_SETTING,
    bad_request=f"LinkedIn rejected a parameter: check {settings.ACCOUNTS_SETTING}, start_date and end_date",
    other="see the LinkedIn Marketing API error codes",
)


def date_range(first: dt.date, last: dt.date) -> str:
    """Rest.li 2.0 `dateRange` of the days [first, last] (both inclusive)."""

    def ymd(day: dt.date) -> str:
        return f"(year:{day.year},month:{day.month},day:{day.day})"

    return f"(start:{ymd(first)},end:{ymd(last)})"


class LinkedInAdsClient:
    """GETs versioned /rest endpoints with the Bearer token, `LinkedIn-Version` and Rest.li 2.0 headers."""

    def __init__(self, base_url: str, access_token: str, version: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=partial(linkedin_error_info, hints=ERROR_HINTS),
            headers={
                "Authorization": f"Bearer {access_token}",
                "LinkedIn-Version": str(version),
                "X-Restli-Protocol-Version": settings.RESTLI_PROTOCOL_VERSION,
            },
            secrets=[access_token],
        )

    def get(self, path: str, query: Sequence[tuple[str, str]], *, account: str) -> dict[str, Any]:
        """GET `{base_url}/{path}?{query}`; values are sent as given (Rest.li syntax, URNs pre-encoded)."""
        endpoint = "/" + "/".join("{id}" if part.isdigit() else part for part in path.split("/"))
        url = f"{self.base_url}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
        body = self.api.get_json(url, account=account, endpoint=endpoint)
        return body if isinstance(body, dict) else {}

    def elements(self, path: str, query: Sequence[tuple[str, str]], *, account: str) -> Iterator[dict[str, Any]]:
        """Every element of a cursor-paged finder, following `metadata.nextPageToken`."""
        token: str | None = None
        while True:
            page_query = [*query, ("pageSize", str(settings.LIST_PAGE_SIZE))]
            if token:
                page_query.append(("pageToken", quote(token, safe="")))
            body = self.get(path, page_query, account=account)
            yield from (e for e in body.get("elements") or [] if isinstance(e, dict))
            token = (body.get("metadata") or {}).get("nextPageToken")
            if not token:
                return

    def analytics(self, account_id: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """Daily creative-level analytics elements of one account over the UTC days [first, last]."""
        urn = quote(settings.ACCOUNT_URN_PREFIX + account_id, safe="")
        query = [
            ("q", "analytics"),
            ("pivot", settings.PIVOT),
            ("timeGranularity", settings.TIME_GRANULARITY),
            ("dateRange", date_range(first, last)),
            ("accounts", f"List({urn})"),
            ("fields", ",".join(settings.ANALYTICS_FIELDS)),
        ]
        body = self.get(settings.ANALYTICS_PATH, query, account=account_id)
        return [e for e in body.get("elements") or [] if isinstance(e, dict)]


@dataclass(frozen=True)
class Creative:
    """A creative with its parents' ids and names (None when LinkedIn no longer lists a parent)."""

    creative_id: str
    creative_name: str | None
    campaign_id: str | None
    campaign_name: str | None
    campaign_group_id: str | None
    campaign_group_name: str | None


def _id(value: Any, prefix: str) -> str | None:
    """A numeric id from an id or URN value."""
    return None if value is None else str(value).removeprefix(prefix)


class AccountDirectory:
    """Reads each ad account and its creative -> campaign -> campaign group hierarchy once."""

    def __init__(self, client: LinkedInAdsClient) -> None:
        self._client = client
        self._accounts: dict[str, dict[str, Any]] = {}
        self._creatives: dict[str, dict[str, Creative]] = {}

    def get(self, account_id: str) -> dict[str, Any]:
        """The account's `account_id`, `name`, `currency`, `timezone` (UTC: analytics days) and `status`."""
        if account_id not in self._accounts:
            path = settings.ACCOUNT_PATH.format(account_id=account_id)
            info = self._client.get(path, [], account=account_id)
            self._accounts[account_id] = {
                "account_id": account_id,
                "name": info.get("name"),
                "currency": info.get("currency"),
                "timezone": settings.ANALYTICS_TIMEZONE,
                "status": info.get("status"),
            }
        return self._accounts[account_id]

    def creatives(self, account_id: str) -> dict[str, Creative]:
        """The account's creatives by creative id, with campaign and campaign group ids and names."""
        if account_id not in self._creatives:
            self._creatives[account_id] = self._read_creatives(account_id)
        return self._creatives[account_id]

    def _names(self, path: str, account_id: str) -> dict[str, dict[str, Any]]:
        elements = self._client.elements(path.format(account_id=account_id), [("q", "search")], account=account_id)
        return {str(e["id"]): e for e in elements if e.get("id") is not None}

    def _read_creatives(self, account_id: str) -> dict[str, Creative]:
        groups = self._names(settings.CAMPAIGN_GROUPS_PATH, account_id)
        campaigns = self._names(settings.CAMPAIGNS_PATH, account_id)
        path = settings.CREATIVES_PATH.format(account_id=account_id)
        out: dict[str, Creative] = {}
        for element in self._client.elements(path, [("q", "criteria")], account=account_id):
            creative_id = _id(element.get("id"), settings.CREATIVE_URN_PREFIX)
            if creative_id is None:
                continue
            campaign_id = _id(element.get("campaign"), settings.CAMPAIGN_URN_PREFIX)
            campaign = campaigns.get(campaign_id or "", {})
            group_id = _id(campaign.get("campaignGroup"), settings.CAMPAIGN_GROUP_URN_PREFIX)
            out[creative_id] = Creative(
                creative_id=creative_id,
                creative_name=element.get("name"),
                campaign_id=campaign_id,
                campaign_name=campaign.get("name"),
                campaign_group_id=group_id,
                campaign_group_name=groups.get(group_id or "", {}).get("name"),
            )
        return out


def _bad_element(account_id: str, element: Mapping[str, Any], missing: str) -> SourceApiError:
    return SourceApiError(
        settings.SOURCE_NAME,
        account=account_id,
        endpoint=f"/{settings.ANALYTICS_PATH}",
        status=200,
        platform_message=f"analytics element without {missing}: {str(dict(element))[:200]}",
        hint="the answer does not have the requested shape: check the LinkedIn-Version and report the element",
    )


def analytics_row(
    element: Mapping[str, Any], account: Mapping[str, Any], creatives: Mapping[str, Creative]
) -> dict[str, Any]:
    """Shape one adAnalytics element (pivot CREATIVE, DAILY) to the `ad_insights` raw contract."""
    account_id = account["account_id"]
    pivots = element.get("pivotValues") or []
    start = (element.get("dateRange") or {}).get("start") or {}
    if not pivots:
        raise _bad_element(account_id, element, "pivotValues")
    if not isinstance(start, dict):  # a changed format: never read as a guess
        raise DateFormatError("dateRange.start", start, "an object of year, month and day")
    if not all(k in start for k in ("year", "month", "day")):
        raise _bad_element(account_id, element, "dateRange.start")
    creative_id = str(pivots[0]).removeprefix(settings.CREATIVE_URN_PREFIX)
    creative = creatives.get(creative_id) or Creative(creative_id, None, None, None, None, None)
    return {
        "account_id": account_id,
        "account_currency": account.get("currency"),
        "account_timezone": account.get("timezone"),
        "campaign_group_id": creative.campaign_group_id,
        "campaign_group_name": creative.campaign_group_name,
        "campaign_id": creative.campaign_id,
        "campaign_name": creative.campaign_name,
        "creative_id": creative_id,
        "creative_name": creative.creative_name,
        "date": dt.date(int(start["year"]), int(start["month"]), int(start["day"])),
        "cost_in_local_currency": element.get("costInLocalCurrency") or "0",
        "impressions": element.get("impressions"),
        "clicks": element.get("clicks"),
        "external_website_conversions": element.get("externalWebsiteConversions"),
        "conversion_value_in_local_currency": element.get("conversionValueInLocalCurrency") or "0",
        "video_views": element.get("videoViews"),
    }


def _window_rows(
    client: LinkedInAdsClient,
    account: Mapping[str, Any],
    creatives: Mapping[str, Creative],
    first: dt.date,
    last: dt.date,
) -> list[dict[str, Any]]:
    """Rows of [first, last]; a window whose answer reaches the 15,000-element cap is read again in halves."""
    account_id = account["account_id"]
    elements = client.analytics(account_id, first, last)
    if len(elements) >= settings.MAX_ELEMENTS:
        if first == last:
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=account_id,
                endpoint=f"/{settings.ANALYTICS_PATH}",
                status=200,
                platform_message=f"{len(elements)} elements for {first}: LinkedIn cuts answers off at this size",
                hint="one day has more creatives than adAnalytics returns in one answer: read it per campaign",
            )
        middle = first + (last - first) // 2
        return [
            *_window_rows(client, account, creatives, first, middle),
            *_window_rows(client, account, creatives, middle + dt.timedelta(days=1), last),
        ]
    return [analytics_row(e, account, creatives) for e in elements]


def window_chunk(
    client: LinkedInAdsClient,
    account: Mapping[str, Any],
    creatives: Mapping[str, Creative],
    first: dt.date,
    last: dt.date,
) -> Iterator[Chunk]:
    """One account's daily creative rows for [first, last] as one table, one row per creative x day."""
    rows = {(r["creative_id"], r["date"]): r for r in _window_rows(client, account, creatives, first, last)}
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.extend(rows.values())
    yield Chunk(account["account_id"], buffer.flush() if len(buffer) else None, read_through=last)


def insights_chunks(
    client: LinkedInAdsClient,
    accounts: Sequence[tuple[Mapping[str, Any], Mapping[str, Creative], dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Analytics of each (account, creatives, since) from `since` to `until`, in windows fetched concurrently."""
    producers = [
        partial(window_chunk, client, account, creatives, first, last)
        for account, creatives, since in accounts
        for first, last in day_windows(since, until, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
