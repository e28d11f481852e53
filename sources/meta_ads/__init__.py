"""Meta Ads (Marketing API) connector: ad accounts, daily ad-level insights and their age x gender breakdown.

`ad_insights` is incremental on `date_start`, with a cursor per ad account (the last day read, kept in the dlt
resource state): the first run reads from `start_date`; every later run re-reads from (the last day read −
`lookback_days`) up to `end_date`, and the merge on (account_id, ad_id, date_start) replaces days Meta restated
(attribution windows) with their current values. An account added later is read from `start_date`.
`ad_insights_age_gender` reads the same insights with `breakdowns=age,gender` the same way (its own cursors, the
same windows and look-back), merged on the insights key plus `age` and `gender`.
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
from sources.common.graph import GraphClient
from sources.common.ids import checked_ids
from sources.meta_ads import settings
from sources.meta_ads.helpers import (
    AD_ACCOUNTS_SCHEMA,
    AD_INSIGHTS_AGE_GENDER_KEY,
    AccountDirectory,
    insights_chunks,
    normalize_account_id,
)

__all__ = ["meta_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_accounts", write_disposition="merge", primary_key="account_id", standalone=False)
def ad_accounts(directory: AccountDirectory, account_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured ad account: account_id, name, currency, timezone_name."""
    rows = [directory.get(account_id) for account_id in account_ids]
    if rows:
        columns = {name: [row[name] for row in rows] for name in AD_ACCOUNTS_SCHEMA.names}
        yield table_from_columns(columns, AD_ACCOUNTS_SCHEMA)


def _accounts_since(
    directory: AccountDirectory, account_ids: Sequence[str], cursors: AccountCursors
) -> list[tuple[str, str | None, dt.date]]:
    """Each account with its time zone and the day this run starts reading it from."""
    return [
        (account_id, directory.get(account_id).get("timezone_name"), cursors.since(account_id))
        for account_id in account_ids
    ]


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("account_id", "ad_id", "date_start"),
    standalone=False,
)
def ad_insights(
    client: GraphClient,
    directory: AccountDirectory,
    account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
    conversion_action_type: str,
) -> Iterator[pa.Table]:
    """Daily ad-level insights from each account's look-back adjusted cursor to `end_date`, per 30-day window."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    accounts = _accounts_since(directory, account_ids, cursors)
    yield from drain_chunks(insights_chunks(client, accounts, end_date, conversion_action_type), cursors)


@dlt.resource(
    name="ad_insights_age_gender",
    write_disposition="merge",
    primary_key=AD_INSIGHTS_AGE_GENDER_KEY,
    standalone=False,
)
def ad_insights_age_gender(
    client: GraphClient,
    directory: AccountDirectory,
    account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
    conversion_action_type: str,
) -> Iterator[pa.Table]:
    """Daily ad-level insights by age x gender (`breakdowns=age,gender`), read as `ad_insights` is."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    accounts = _accounts_since(directory, account_ids, cursors)
    chunks = insights_chunks(client, accounts, end_date, conversion_action_type, age_gender=True)
    yield from drain_chunks(chunks, cursors)


@dlt.source(name="meta_ads", section="meta_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def meta_ads_source(
    account_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    conversion_action_type: str = "purchase",
    end_date: str | None = None,
    age_gender: bool = True,
) -> Sequence[DltResource]:
    """Meta Ads for `account_ids` (with or without `act_`), loaded into `ad_accounts`, `ad_insights` and
    `ad_insights_age_gender`.

    Args:
        account_ids: ad account ids.
        access_token: a token with `ads_read` (never logged).
        base_url: Graph API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days before the last loaded day re-read on every later run (restatements).
        conversion_action_type: the action type counted as `conversions` / `conversion_value`.
        end_date: last day read (account time zone); yesterday in UTC by default.
        age_gender: also read the age x gender breakdown (`ad_insights_age_gender`, about 8 rows per ad day);
            false leaves that table to the Parquet file path (docs/sources/exports.md).
    """
    client = GraphClient(settings.SOURCE_NAME, base_url, access_token, settings.TOKEN_SETTING)
    directory = AccountDirectory(client)
    accounts = checked_ids(settings.SOURCE_NAME, "account_ids", [normalize_account_id(a) for a in account_ids])
    window = (accounts, parse_date(start_date), lookback_days, resolve_end_date(end_date), conversion_action_type)
    resources = [ad_accounts(directory, accounts), ad_insights(client, directory, *window)]
    if age_gender:
        resources.append(ad_insights_age_gender(client, directory, *window))
    return with_dlt_columns(*resources)
