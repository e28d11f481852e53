"""Snapchat Ads (Snapchat Marketing API v1) connector: ad accounts and daily ad-level stats.

Auth is OAuth 2: the connector holds the app's client_id and client_secret and a refresh token, mints a 30-minute
access token at the token endpoint, and mints a new one when it is about to expire or the API answers HTTP 401.
`ad_insights` is incremental on `date`, with a cursor per ad account (the last day read, kept in the dlt resource
state): the first run reads from `start_date`; every later run re-reads from (the last day read − `lookback_days`)
up to `end_date`, and the merge on (ad_account_id, ad_id, date) replaces the days Snapchat restated (conversions
attributed within its 28-day swipe-up / view windows). An account added later is read from `start_date`.
Stats are `GET /adaccounts/{id}/stats` with granularity=DAY and breakdown=ad, at most 31 days a request, from and
to midnight in the account time zone. Money stays in micro-currency of the account currency (staging converts it).
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
from sources.snapchat_ads import settings
from sources.snapchat_ads.helpers import AD_ACCOUNTS_SCHEMA, AccountDirectory, SnapchatClient, insights_chunks

__all__ = ["snapchat_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_accounts", write_disposition="merge", primary_key="ad_account_id", standalone=False)
def ad_accounts(directory: AccountDirectory, ad_account_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured ad account: ad_account_id, name, currency, timezone."""
    rows = [directory.get(account_id) for account_id in ad_account_ids]
    if rows:
        columns = {name: [row[name] for row in rows] for name in AD_ACCOUNTS_SCHEMA.names}
        yield table_from_columns(columns, AD_ACCOUNTS_SCHEMA)


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("ad_account_id", "ad_id", "date"),
    standalone=False,
)
def ad_insights(
    client: SnapchatClient,
    directory: AccountDirectory,
    ad_account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily ad stats from each account's look-back adjusted cursor to `end_date`, per 31-day window."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [
        (directory.get(account_id), directory.ads(account_id), cursors.since(account_id))
        for account_id in ad_account_ids
    ]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


@dlt.source(name="snapchat_ads", section="snapchat_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def snapchat_ads_source(
    ad_account_ids: list[str] = dlt.config.value,
    client_id: str = dlt.secrets.value,
    client_secret: str = dlt.secrets.value,
    refresh_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    token_url: str = settings.DEFAULT_TOKEN_URL,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    lookback_days: int = 28,
) -> Sequence[DltResource]:
    """Snapchat Ads for `ad_account_ids`, loaded into `ad_accounts` and `ad_insights`.

    Args:
        ad_account_ids: ad account ids (UUIDs) the authorized user can read.
        client_id: the OAuth app's client id (Snapchat Business Manager > Business Details > OAuth apps).
        client_secret: the OAuth app's client secret (never logged).
        refresh_token: a refresh token of a user who authorized the app with scope snapchat-marketing-api (never
            logged); access tokens are minted from it.
        base_url: API base including the version.
        token_url: the OAuth 2 token endpoint.
        start_date: first day (YYYY-MM-DD) read on a first run.
        end_date: last day read, inclusive (account time zone); yesterday in UTC by default.
        lookback_days: days before the last loaded day re-read on every later run (restated conversions).
    """
    client = SnapchatClient(base_url, token_url, client_id, client_secret, refresh_token)
    directory = AccountDirectory(client)
    ids = checked_ids(settings.SOURCE_NAME, "ad_account_ids", ad_account_ids)
    return with_dlt_columns(
        ad_accounts(directory, ids),
        ad_insights(client, directory, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)),
    )
