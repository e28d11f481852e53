"""TikTok Ads (TikTok API for Business v1.3) connector: advertisers, daily ad-level integrated reports and their
audience (age x gender) breakdown.

`ad_insights` is incremental on `stat_date`, with a cursor per advertiser (the last day read, kept in the dlt
resource state): the first run reads from `start_date`; every later run re-reads from (the last day read −
`lookback_days`) up to `end_date`, and the merge on (advertiser_id, ad_id, stat_date) replaces days TikTok restated
(attribution windows) with their current values. An advertiser added later is read from `start_date`.
Reports are synchronous `GET /report/integrated/get/` calls (BASIC, AUCTION_AD, by ad_id x stat_time_day), at
most 30 days each. Money stays in the advertiser currency; days are advertiser-timezone days.
`ad_insights_age_gender` reads AUDIENCE reports by ad_id x stat_time_day x age x gender the same way (its own
cursors, the same windows and look-back), merged on the insights key plus `age` and `gender`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.arrow import table_from_columns
from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import parse_date, resolve_end_date
from sources.common.dlt_settings import with_dlt_columns
from sources.common.ids import checked_ids
from sources.tiktok_ads import settings
from sources.tiktok_ads.helpers import (
    AD_INSIGHTS_AGE_GENDER_KEY,
    ADVERTISERS_SCHEMA,
    AdvertiserDirectory,
    TikTokClient,
    insights_chunks,
)

__all__ = ["tiktok_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="advertisers", write_disposition="merge", primary_key="advertiser_id", standalone=False)
def advertisers(directory: AdvertiserDirectory, advertiser_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured advertiser: advertiser_id, name, currency, timezone."""
    rows = [directory.get(advertiser_id) for advertiser_id in advertiser_ids]
    if rows:
        columns = {name: [row[name] for row in rows] for name in ADVERTISERS_SCHEMA.names}
        yield table_from_columns(columns, ADVERTISERS_SCHEMA)


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("advertiser_id", "ad_id", "stat_date"),
    standalone=False,
)
def ad_insights(
    client: TikTokClient,
    directory: AdvertiserDirectory,
    advertiser_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily ad-level reports from each advertiser's look-back adjusted cursor to `end_date`, per 30-day window."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [(directory.get(advertiser_id), cursors.since(advertiser_id)) for advertiser_id in advertiser_ids]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


@dlt.resource(
    name="ad_insights_age_gender",
    write_disposition="merge",
    primary_key=AD_INSIGHTS_AGE_GENDER_KEY,
    standalone=False,
)
def ad_insights_age_gender(
    client: TikTokClient,
    directory: AdvertiserDirectory,
    advertiser_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily ad-level AUDIENCE reports by age x gender, read as `ad_insights` is."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [(directory.get(advertiser_id), cursors.since(advertiser_id)) for advertiser_id in advertiser_ids]
    yield from drain_chunks(insights_chunks(client, wanted, end_date, audience=True), cursors)


@dlt.source(name="tiktok_ads", section="tiktok_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def tiktok_ads_source(
    advertiser_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    age_gender: bool = True,
) -> Sequence[DltResource]:
    """TikTok Ads for `advertiser_ids`, loaded into `advertisers`, `ad_insights` and `ad_insights_age_gender`.

    Args:
        advertiser_ids: advertiser ids the token is authorized for.
        access_token: a long-term TikTok API for Business access token (sent as the `Access-Token` header, never
            logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days before the last loaded day re-read on every later run (restatements).
        end_date: last day read (advertiser time zone); yesterday in UTC by default.
        age_gender: also read the AUDIENCE reports by age and gender (`ad_insights_age_gender`, about 8 rows per ad
            day); false leaves that table to the Parquet file path (docs/sources/exports.md).
    """
    client = TikTokClient(base_url, access_token)
    directory = AdvertiserDirectory(client)
    ids = checked_ids(settings.SOURCE_NAME, "advertiser_ids", advertiser_ids)
    window = (ids, parse_date(start_date), lookback_days, resolve_end_date(end_date))
    resources = [advertisers(directory, ids), ad_insights(client, directory, *window)]
    if age_gender:
        resources.append(ad_insights_age_gender(client, directory, *window))
    return with_dlt_columns(*resources)
