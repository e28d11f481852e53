"""TikTok Ads (TikTok API for Business v1.3) connector: advertisers and daily ad-level integrated reports.

`ad_insights` is incremental on `stat_date`, with a cursor per advertiser (the last day read, kept in the dlt
resource state): the first run reads from `start_date`; every later run re-reads from (the last day read −
`lookback_days`) up to `end_date`, and the merge on (advertiser_id, ad_id, stat_date) replaces days TikTok restated
(attribution windows) with their current values. An advertiser added later is read from `start_date`.
Reports are synchronous `GET /report/integrated/get/` calls (BASIC, AUCTION_AD, by ad_id x stat_time_day), at
most 30 days each. Money stays in the advertiser currency; days are advertiser-timezone days.
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
from sources.common.dlt_settings import ensure_dlt_columns
from sources.common.ids import checked_ids
from sources.tiktok_ads import settings
from sources.tiktok_ads.helpers import ADVERTISERS_SCHEMA, AdvertiserDirectory, TikTokClient, insights_chunks

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


@dlt.source(name="tiktok_ads", section="tiktok_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def tiktok_ads_source(
    advertiser_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
) -> Sequence[DltResource]:
    """TikTok Ads for `advertiser_ids`, loaded into `advertisers` and `ad_insights`.

    Args:
        advertiser_ids: advertiser ids the token is authorized for.
        access_token: a long-term TikTok API for Business access token (sent as the `Access-Token` header, never
            logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days before the last loaded day re-read on every later run (restatements).
        end_date: last day read (advertiser time zone); yesterday in UTC by default.
    """
    ensure_dlt_columns()
    client = TikTokClient(base_url, access_token)
    directory = AdvertiserDirectory(client)
    ids = checked_ids(settings.SOURCE_NAME, "advertiser_ids", advertiser_ids)
    return (
        advertisers(directory, ids),
        ad_insights(client, directory, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)),
    )
