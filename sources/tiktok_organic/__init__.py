"""TikTok organic connector: a brand's TikTok business account through the TikTok API for Business v1.3
Business Accounts endpoints (`GET /business/get/` daily account metrics, `GET /business/video/list/` videos).

Cursors are kept per business account in the dlt resource state (an account added later is read from start_date):
- `videos` is incremental on the publish instant: the list is newest first, so a later run pages until it passes
  (the previous run's cutoff − `lookback_days`), because lifetime metrics keep growing; merge on
  (business_id, item_id) keeps the latest values.
- `account_daily` is incremental on `date`: a later run re-reads from (the last day read − `lookback_days`),
  in 30-day windows; merge on (business_id, date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import (
    DEFAULT_REPORTING_TIMEZONE,
    earliest_instant,
    parse_date,
    resolve_cutoff,
    resolve_end_date,
)
from sources.common.dlt_settings import with_dlt_columns
from sources.common.ids import checked_ids
from sources.tiktok_organic import settings
from sources.tiktok_organic.helpers import TikTokBusinessClient, account_daily_chunks, all_video_chunks

__all__ = ["tiktok_organic_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="videos", write_disposition="merge", primary_key=("business_id", "item_id"), standalone=False)
def videos(
    client: TikTokBusinessClient,
    business_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Videos published from each account's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(business_id, cursors.since(business_id)) for business_id in business_ids]
    yield from drain_chunks(all_video_chunks(client, since, cutoff), cursors)


@dlt.resource(name="account_daily", write_disposition="merge", primary_key=("business_id", "date"), standalone=False)
def account_daily(
    client: TikTokBusinessClient,
    business_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily followers (total, new, lost) and profile views per account, up to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = [(business_id, cursors.since(business_id)) for business_id in business_ids]
    yield from drain_chunks(account_daily_chunks(client, since, end_date), cursors)


@dlt.source(name="tiktok_organic", section="tiktok_organic", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def tiktok_organic_source(
    business_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """TikTok business accounts `business_ids`, loaded into `videos` and `account_daily`.

    Args:
        business_ids: the TikTok account ids (open_id of the business account) the token was issued for.
        access_token: a TikTok account access token (sent as the `Access-Token` header, never logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days re-read on every later run (growing video metrics, daily follower numbers).
        end_date: last complete day; yesterday in UTC by default.
        cutoff: exclusive upper bound (ISO instant) for video publish times; by default the start of end_date + 1
            in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = TikTokBusinessClient(base_url, access_token)
    ids = checked_ids(settings.SOURCE_NAME, "business_ids", business_ids)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        videos(client, ids, first_instant, lookback_days, run_cutoff),
        account_daily(client, ids, start, lookback_days, end),
    )
