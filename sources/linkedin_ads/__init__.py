"""LinkedIn Ads (LinkedIn Marketing API, versioned /rest) connector: ad accounts and daily creative-level analytics.

`ad_insights` is incremental on `date` (UTC days, as LinkedIn reports ad analytics), with a cursor per ad account
(the last day read, kept in the dlt resource state): the first run reads from `start_date`; every later run
re-reads from (the last day read − `lookback_days`) up to `end_date`, and the merge on (account_id, creative_id,
date) replaces the days LinkedIn restated (website conversions are credited to the click or view day for up to the
attribution window, 30 days after a click by default). An account added later is read from `start_date`.
Analytics come from `GET /adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY`, which has no paging and
cuts answers off at 15,000 elements, in 30-day windows (halved when an answer reaches the cap). The creative ->
campaign -> campaign group names and ids come from the account's `creatives`, `adCampaigns` and
`adCampaignGroups` finders. Money stays in the account currency as LinkedIn reports it (decimal strings).
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
from sources.linkedin_ads import settings
from sources.linkedin_ads.helpers import (
    AD_ACCOUNTS_SCHEMA,
    AccountDirectory,
    LinkedInAdsClient,
    account_id_of,
    insights_chunks,
)

__all__ = ["linkedin_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_accounts", write_disposition="merge", primary_key="account_id", standalone=False)
def ad_accounts(directory: AccountDirectory, account_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured ad account: account_id, name, currency, timezone (UTC), status."""
    rows = [directory.get(account_id) for account_id in account_ids]
    if rows:
        columns = {name: [row[name] for row in rows] for name in AD_ACCOUNTS_SCHEMA.names}
        yield table_from_columns(columns, AD_ACCOUNTS_SCHEMA)


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("account_id", "creative_id", "date"),
    standalone=False,
)
def ad_insights(
    client: LinkedInAdsClient,
    directory: AccountDirectory,
    account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily creative-level analytics from each account's look-back adjusted cursor to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [
        (directory.get(account_id), directory.creatives(account_id), cursors.since(account_id))
        for account_id in account_ids
    ]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


@dlt.source(name="linkedin_ads", section="linkedin_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def linkedin_ads_source(
    account_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    linkedin_version: str = settings.DEFAULT_VERSION,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    lookback_days: int = settings.DEFAULT_LOOKBACK_DAYS,
) -> Sequence[DltResource]:
    """LinkedIn Ads for `account_ids`, loaded into `ad_accounts` and `ad_insights`.

    Args:
        account_ids: ad account ids (or `urn:li:sponsoredAccount:<id>`) the token's member has a role on.
        access_token: a 3-legged member access token with r_ads and r_ads_reporting (sent as a Bearer token,
            never logged).
        base_url: the versioned API base (`https://api.linkedin.com/rest`).
        linkedin_version: the `LinkedIn-Version` header, YYYYMM (versions are sunset after about a year).
        start_date: first day (YYYY-MM-DD, UTC) read on a first run.
        end_date: last day read (UTC day, inclusive); yesterday in UTC by default.
        lookback_days: days before the last loaded day re-read on every later run (conversion restatements).
    """
    client = LinkedInAdsClient(base_url, access_token, linkedin_version)
    directory = AccountDirectory(client)
    ids = [account_id_of(a) for a in checked_ids(settings.SOURCE_NAME, "account_ids", account_ids)]
    return with_dlt_columns(
        ad_accounts(directory, ids),
        ad_insights(client, directory, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)),
    )
