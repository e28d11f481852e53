"""TikTok Ads: the API client (envelope codes, retries, paging), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import MONEY, ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_day, day_windows
from sources.common.http import ErrorInfo
from sources.common.parallel import stream_parallel
from sources.common.tiktok import TikTokEnvelopeClient, envelope_error_info, to_int
from sources.common.tiktok import is_tiktok_retryable as is_tiktok_retryable  # public here since the first release
from sources.tiktok_ads import settings

ADVERTISERS_SCHEMA = pa.schema(
    [
        field("advertiser_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("advertiser_id", pa.string(), nullable=False),
        field("advertiser_currency", pa.string()),
        field("advertiser_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("adgroup_id", pa.string()),
        field("adgroup_name", pa.string()),
        field("ad_id", pa.string(), nullable=False),
        field("ad_name", pa.string()),
        field("stat_date", pa.date32(), nullable=False),
        field("spend", MONEY),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("reach", pa.int64()),
        field("conversion", pa.int64()),
        field("complete_payment", pa.int64()),
        field("total_complete_payment_rate", MONEY),
        field("video_play_actions", pa.int64()),
    ]
)

# An AUDIENCE report (dimensions ad_id, stat_time_day, age, gender): the insights columns plus `age` (AGE_18_24, ...)
# and `gender` (MALE, FEMALE, NONE). TikTok reports no reach or video plays by audience: those stay null. Loaded by the
# `ad_insights_age_gender` resource, or through the Parquet file path (docs/sources/exports.md).
AD_INSIGHTS_AGE_GENDER_SCHEMA = AD_INSIGHTS_SCHEMA.append(field("age", pa.string(), nullable=False)).append(
    field("gender", pa.string(), nullable=False)
)
AD_INSIGHTS_AGE_GENDER_KEY = ("advertiser_id", "ad_id", "stat_date", "age", "gender")


def explain(code: Any, message: str) -> ErrorInfo:
    """What a non-zero TikTok code means, and what to do about it."""
    if code in settings.AUTH_CODES:
        hint = (
            "access token expired, revoked or missing: re-authorize the app in TikTok for Business to get a new "
            f"long-term token and set {settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if code in settings.PERMISSION_CODES:
        hint = (
            "the token has no access to this advertiser: authorize it, or set another token in "
            f"{settings.TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if code in settings.RETRY_CODES:
        return ErrorInfo(
            message=message, code=code, hint="TikTok is rate limiting or failing after retries: rerun later"
        )
    if code == 40002:
        return ErrorInfo(message=message, code=code, hint="invalid parameter: check advertiser_ids and base_url")
    return ErrorInfo(message=message, code=code, hint="see TikTok API for Business return codes")


def tiktok_error_info(response: requests.Response) -> ErrorInfo:
    """Explain an HTTP error response (4xx/5xx), whose body may still be a TikTok envelope."""
    return envelope_error_info(response, explain)


class TikTokClient(TikTokEnvelopeClient):
    """GETs TikTok API for Business endpoints with the `Access-Token` header; unwraps the envelope."""

    def __init__(self, base_url: str, access_token: str) -> None:
        super().__init__(
            settings.SOURCE_NAME, base_url, access_token, token_header=settings.TOKEN_HEADER, explain=explain
        )

    def report_pages(self, params: Mapping[str, Any], *, account: str) -> Iterator[list[dict[str, Any]]]:
        """Yield the `list` of each page of a report, from page 1 to `page_info.total_page`."""
        page = 1
        while True:
            data = self.get(settings.REPORT_PATH, {**params, "page": page}, account=account)
            yield list(data.get("list") or [])
            total_page = int((data.get("page_info") or {}).get("total_page") or 0)
            if page >= total_page:
                return
            page += 1


class AdvertiserDirectory:
    """Reads each advertiser once (`GET /advertiser/info/`) and shares it between resources."""

    def __init__(self, client: TikTokClient) -> None:
        self._client = client
        self._advertisers: dict[str, dict[str, Any]] = {}

    def get(self, advertiser_id: str) -> dict[str, Any]:
        """The advertiser's `advertiser_id`, `name`, `currency`, `timezone` (IANA)."""
        if advertiser_id not in self._advertisers:
            params = {
                "advertiser_ids": json.dumps([advertiser_id]),
                "fields": json.dumps(list(settings.ADVERTISER_FIELDS)),
            }
            data = self._client.get(settings.ADVERTISER_INFO_PATH, params, account=advertiser_id)
            rows = [r for r in data.get("list") or [] if str(r.get("advertiser_id")) == advertiser_id]
            info = rows[0] if rows else {}
            self._advertisers[advertiser_id] = {
                "advertiser_id": advertiser_id,
                "name": info.get("name"),
                "currency": info.get("currency"),
                "timezone": info.get("timezone") or info.get("display_timezone"),
            }
        return self._advertisers[advertiser_id]


def report_row(raw: Mapping[str, Any], advertiser: Mapping[str, Any]) -> dict[str, Any]:
    """Shape one report row (`dimensions` + `metrics`) to the `ad_insights` raw contract."""
    dims, metrics = raw.get("dimensions") or {}, raw.get("metrics") or {}
    return {
        "advertiser_id": advertiser["advertiser_id"],
        "advertiser_currency": advertiser.get("currency"),
        "advertiser_timezone": advertiser.get("timezone"),
        "campaign_id": metrics.get("campaign_id"),
        "campaign_name": metrics.get("campaign_name"),
        "adgroup_id": metrics.get("adgroup_id"),
        "adgroup_name": metrics.get("adgroup_name"),
        "ad_id": str(dims["ad_id"]),
        "ad_name": metrics.get("ad_name"),
        "stat_date": api_day(dims["stat_time_day"], "stat_time_day"),
        "spend": metrics.get("spend") or "0",
        "impressions": to_int(metrics.get("impressions")),
        "clicks": to_int(metrics.get("clicks")),
        "reach": to_int(metrics.get("reach")),
        "conversion": to_int(metrics.get("conversion")),
        "complete_payment": to_int(metrics.get("complete_payment")),
        "total_complete_payment_rate": metrics.get("total_complete_payment_rate") or "0",
        "video_play_actions": to_int(metrics.get("video_play_actions")),
    }


def audience_row(raw: Mapping[str, Any], advertiser: Mapping[str, Any]) -> dict[str, Any]:
    """Shape one AUDIENCE report row to the `ad_insights_age_gender` raw contract: the `ad_insights` columns plus
    `age` and `gender` as TikTok serves them (AGE_18_24 ... AGE_55_100; MALE, FEMALE, NONE)."""
    dims = raw.get("dimensions") or {}
    return {**report_row(raw, advertiser), "age": dims.get("age"), "gender": dims.get("gender")}


def report_params(advertiser_id: str, since: dt.date, until: dt.date, *, audience: bool = False) -> dict[str, Any]:
    """Query of one synchronous daily AUCTION_AD report over [since, until] (list values JSON-encoded): BASIC, or
    with `audience` the AUDIENCE report by age and gender."""
    return {
        "advertiser_id": advertiser_id,
        "report_type": settings.AUDIENCE_REPORT_TYPE if audience else settings.REPORT_TYPE,
        "data_level": settings.DATA_LEVEL,
        "dimensions": json.dumps(list(settings.AUDIENCE_DIMENSIONS if audience else settings.DIMENSIONS)),
        "metrics": json.dumps(list(settings.AUDIENCE_METRICS if audience else settings.METRICS)),
        "start_date": since.isoformat(),
        "end_date": until.isoformat(),
        "page_size": settings.PAGE_SIZE,
    }


def window_chunk(
    client: TikTokClient, advertiser: Mapping[str, Any], since: dt.date, until: dt.date, audience: bool = False
) -> Iterator[Chunk]:
    """Read every page of an advertiser's report for [since, until] into one table; with `audience`, the AUDIENCE
    report by age and gender (`ad_insights_age_gender` rows)."""
    advertiser_id = advertiser["advertiser_id"]
    schema, shape = (AD_INSIGHTS_AGE_GENDER_SCHEMA, audience_row) if audience else (AD_INSIGHTS_SCHEMA, report_row)
    buffer = ColumnBuffer(schema)
    params = report_params(advertiser_id, since, until, audience=audience)
    for page in client.report_pages(params, account=advertiser_id):
        buffer.extend(shape(raw, advertiser) for raw in page)
    yield Chunk(advertiser_id, buffer.flush() if len(buffer) else None, read_through=until)


def insights_chunks(
    client: TikTokClient,
    advertisers: Sequence[tuple[Mapping[str, Any], dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
    *,
    audience: bool = False,
) -> Iterator[Chunk]:
    """Reports of each (advertiser, since) from `since` to `until`, in 30-day windows fetched concurrently; with
    `audience`, the AUDIENCE reports by age and gender."""
    producers = [
        partial(window_chunk, client, advertiser, first, last, audience)
        for advertiser, since in advertisers
        for first, last in day_windows(since, until, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
