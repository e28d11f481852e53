"""X Ads (X Ads API v12) connector: ad accounts and daily promoted-tweet stats.

`ad_insights` is incremental on `stat_date`, with a cursor per ad account (the last day read, kept in the dlt
resource state): the first run reads from `start_date`; every later run re-reads from (the last day read −
`lookback_days`) up to `end_date`, and the merge on (account_id, promoted_tweet_id, stat_date) replaces the days X
restated with their current values (billed_charge_local_micro is an estimate for about 3 days and may drop for up to
14; web conversions keep arriving for the 30-day post-engagement attribution window). An account added later is read
from `start_date`. Stats come from the synchronous `GET /stats/accounts/:id` (PROMOTED_TWEET, DAY, ALL_ON_TWITTER),
at most 7 days and 20 promoted tweets a request. Money stays in micros of the account currency; days are
account-timezone days. Requests are signed with OAuth 1.0a (user context).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import parse_date, resolve_end_date
from sources.common.dlt_settings import with_dlt_columns
from sources.common.ids import checked_ids
from sources.x_ads import settings
from sources.x_ads.helpers import AccountDirectory, XAdsClient, accounts_table, insights_chunks

__all__ = ["x_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_accounts", write_disposition="merge", primary_key="account_id", standalone=False)
def ad_accounts(directory: AccountDirectory, account_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured ad account: account_id, name, currency, timezone."""
    rows = [directory.get(account_id) for account_id in account_ids]
    if rows:
        yield accounts_table(rows)


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("account_id", "promoted_tweet_id", "stat_date"),
    standalone=False,
)
def ad_insights(
    client: XAdsClient,
    directory: AccountDirectory,
    account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily promoted-tweet stats from each account's look-back adjusted cursor to `end_date`, per 7-day window."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [(directory.get(account_id), cursors.since(account_id)) for account_id in account_ids]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


@dlt.source(name="x_ads", section="x_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def x_ads_source(
    account_ids: list[str] = dlt.config.value,
    consumer_key: str = dlt.secrets.value,
    consumer_secret: str = dlt.secrets.value,
    access_token: str = dlt.secrets.value,
    access_token_secret: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    lookback_days: int = 30,
) -> Sequence[DltResource]:
    """X Ads accounts `account_ids`, loaded into `ad_accounts` and `ad_insights`.

    Args:
        account_ids: X Ads account ids (such as `18ce54d4x5t`) the user of the access token can read.
        consumer_key: the app's API key (OAuth 1.0a consumer key).
        consumer_secret: the app's API key secret.
        access_token: the access token of a user with access to the ad accounts (never logged).
        access_token_secret: that access token's secret (never logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        end_date: last day read (account time zone), inclusive; yesterday in UTC by default.
        lookback_days: days before the last loaded day re-read on every later run (restatements).
    """
    client = XAdsClient(base_url, consumer_key, consumer_secret, access_token, access_token_secret)
    directory = AccountDirectory(client)
    ids = checked_ids(settings.SOURCE_NAME, "account_ids", account_ids)
    return with_dlt_columns(
        ad_accounts(directory, ids),
        ad_insights(client, directory, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)),
    )
