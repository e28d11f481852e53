"""Meta Ads: requests, row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa

from sources.common.arrow import MONEY, ColumnBuffer, field, first_object, keeps_objects, to_float
from sources.common.cursors import Chunk
from sources.common.dates import api_day, day_windows
from sources.common.graph import GraphClient
from sources.common.parallel import stream_parallel
from sources.meta_ads import settings

AD_ACCOUNTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone_name", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("account_currency", pa.string()),
        field("account_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("adset_id", pa.string()),
        field("adset_name", pa.string()),
        field("ad_id", pa.string(), nullable=False),
        field("ad_name", pa.string()),
        field("date_start", pa.date32(), nullable=False),
        field("spend", MONEY),
        field("impressions", pa.int64()),
        field("clicks", pa.int64()),
        field("reach", pa.int64()),
        field("conversions", pa.float64()),
        field("conversion_value", MONEY),
        field("video_views", pa.int64()),
        field("actions", pa.string()),
        field("action_values", pa.string()),
    ]
)

# Insights with breakdowns=age,gender: the same columns plus the two breakdowns, one row per account x ad x day x
# age x gender. Loaded by the `ad_insights_age_gender` resource, or through the Parquet file path
# (docs/sources/exports.md).
AD_INSIGHTS_AGE_GENDER_SCHEMA = AD_INSIGHTS_SCHEMA.append(field("age", pa.string(), nullable=False)).append(
    field("gender", pa.string(), nullable=False)
)
AD_INSIGHTS_AGE_GENDER_KEY = ("account_id", "ad_id", "date_start", "age", "gender")


def normalize_account_id(account_id: str | int) -> str:
    """`act_1001`, ` 1001 ` and 1001 all become `1001`."""
    value = str(account_id).strip()
    return value.removeprefix("act_")


@keeps_objects
def to_int(value: Any) -> int | None:
    """Graph API counters come as strings ("1234"); empty means unknown."""
    if value is None or value == "":
        return None
    return int(Decimal(str(value)))


def sum_actions(actions: Sequence[dict[str, Any]] | None, action_type: str | None = None) -> Decimal | None:
    """Sum the `value`s of an actions list, only of `action_type` when given; None when nothing matches."""
    total: Decimal | None = None
    changed = first_object(action.get("value") for action in actions or ())
    if changed is not None:  # a changed type: its column's conversion names it
        return changed
    for action in actions or ():
        if action_type is not None and action.get("action_type") != action_type:
            continue
        total = (total or Decimal(0)) + Decimal(str(action.get("value") or 0))
    return total


def breakdown_row(raw: dict[str, Any], account_id: str, timezone: str | None, action_type: str) -> dict[str, Any]:
    """Shape one insights row with breakdowns=age,gender to the `ad_insights_age_gender` raw contract: the
    `ad_insights` columns plus `age` and `gender` as Meta serves them (18-24 ... 65+, Unknown; female, male,
    unknown)."""
    return {**insight_row(raw, account_id, timezone, action_type), "age": raw.get("age"), "gender": raw.get("gender")}


def insight_row(raw: dict[str, Any], account_id: str, timezone: str | None, action_type: str) -> dict[str, Any]:
    """Shape one insights row (level=ad, one day) to the `ad_insights` raw contract."""
    actions = raw.get("actions")
    action_values = raw.get("action_values")
    conversions = sum_actions(actions, action_type)
    conversion_value = sum_actions(action_values, action_type)
    video_views = sum_actions(raw.get("video_play_actions"))
    return {
        "account_id": normalize_account_id(raw.get("account_id") or account_id),
        "account_currency": raw.get("account_currency"),
        "account_timezone": timezone,
        "campaign_id": raw.get("campaign_id"),
        "campaign_name": raw.get("campaign_name"),
        "adset_id": raw.get("adset_id"),
        "adset_name": raw.get("adset_name"),
        "ad_id": raw.get("ad_id"),
        "ad_name": raw.get("ad_name"),
        "date_start": api_day(raw["date_start"], "date_start"),
        "spend": raw.get("spend") or "0",
        "impressions": to_int(raw.get("impressions")),
        "clicks": to_int(raw.get("clicks")),
        "reach": to_int(raw.get("reach")),
        "conversions": to_float(conversions or 0),
        "conversion_value": conversion_value or Decimal(0),
        "video_views": to_int(video_views or 0),
        "actions": json.dumps(actions, separators=(",", ":")) if actions is not None else None,
        "action_values": json.dumps(action_values, separators=(",", ":")) if action_values is not None else None,
    }


class AccountDirectory:
    """Reads each ad account once (`GET /act_{id}`) and shares it between resources."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client
        self._accounts: dict[str, dict[str, Any]] = {}

    def get(self, account_id: str) -> dict[str, Any]:
        """The account's `account_id`, `name`, `currency`, `timezone_name`."""
        if account_id not in self._accounts:
            body = self._client.get(
                f"act_{account_id}", {"fields": ",".join(settings.ACCOUNT_FIELDS)}, account=account_id
            )
            self._accounts[account_id] = {
                "account_id": normalize_account_id(body.get("account_id") or account_id),
                "name": body.get("name"),
                "currency": body.get("currency"),
                "timezone_name": body.get("timezone_name"),
            }
        return self._accounts[account_id]


def insights_params(since: dt.date, until: dt.date, *, age_gender: bool = False) -> dict[str, Any]:
    """Query of one daily, ad-level insights request over [since, until]; with `age_gender`, broken down by age and
    gender (`breakdowns=age,gender`)."""
    params: dict[str, Any] = {
        "level": settings.INSIGHTS_LEVEL,
        "time_increment": 1,
        "time_range": json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
        "fields": ",".join(settings.INSIGHTS_FIELDS),
        "limit": settings.PAGE_LIMIT,
    }
    if age_gender:
        params["breakdowns"] = ",".join(settings.AGE_GENDER_BREAKDOWNS)
    return params


def window_chunk(
    client: GraphClient,
    account_id: str,
    timezone: str | None,
    since: dt.date,
    until: dt.date,
    action_type: str,
    age_gender: bool = False,
) -> Iterator[Chunk]:
    """Read every page of an account's insights for the window [since, until] into one table; with `age_gender`,
    the age x gender breakdown of them (`ad_insights_age_gender` rows)."""
    schema, shape = (AD_INSIGHTS_AGE_GENDER_SCHEMA, breakdown_row) if age_gender else (AD_INSIGHTS_SCHEMA, insight_row)
    buffer = ColumnBuffer(schema)
    params = insights_params(since, until, age_gender=age_gender)
    for page in client.pages(f"act_{account_id}/insights", params, account=account_id):
        buffer.extend(shape(raw, account_id, timezone, action_type) for raw in page)
    yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=until)


def insights_chunks(
    client: GraphClient,
    accounts: Sequence[tuple[str, str | None, dt.date]],
    until: dt.date,
    action_type: str,
    workers: int = settings.MAX_WORKERS,
    *,
    age_gender: bool = False,
) -> Iterator[Chunk]:
    """Insights of each (account_id, timezone, since) from its `since` to `until`, in 30-day windows; with
    `age_gender`, broken down by age and gender.

    Windows are fetched concurrently (up to `workers` at once); each window pages through its cursor.
    """
    producers = [
        partial(window_chunk, client, account_id, timezone, first, last, action_type, age_gender)
        for account_id, timezone, since in accounts
        for first, last in day_windows(since, until, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
