"""Pinterest Ads (Pinterest API v5) connector: ad accounts and daily ad-level analytics.

`ad_insights` is incremental on `date`, with a cursor per ad account (the last day read, kept in the dlt resource
state): the first run reads from `start_date`; every later run re-reads from (the last day read − `lookback_days`)
up to `end_date`, and the merge on (ad_account_id, ad_id, date) replaces days Pinterest restated (conversions keep
arriving through the 30-day click attribution window) with their current values. An account added later is read
from `start_date`. Ads come from the account's campaign, ad group and ad lists (for their names); analytics are
synchronous `GET /ad_accounts/{id}/ads/analytics` calls (granularity DAY, at most 100 ads and 90 days each, no
further back than 90 days). Money stays in micros of the ad account currency; days are ad-account-timezone days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import parse_date, resolve_end_date
from sources.common.dlt_settings import with_dlt_columns
from sources.common.ids import checked_ids
from sources.pinterest_ads import settings
from sources.pinterest_ads.helpers import AccountDirectory, PinterestAdsClient, ad_catalog, insights_chunks

__all__ = ["pinterest_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_accounts", write_disposition="merge", primary_key="ad_account_id", standalone=False)
def ad_accounts(directory: AccountDirectory, ad_account_ids: Sequence[str]) -> Iterator[pa.Table]:
    """One row per configured ad account: ad_account_id, name, currency, timezone, country, owner_username."""
    if ad_account_ids:
        yield directory.table(ad_account_ids)


@dlt.resource(
    name="ad_insights",
    write_disposition="merge",
    primary_key=("ad_account_id", "ad_id", "date"),
    standalone=False,
)
def ad_insights(
    client: PinterestAdsClient,
    directory: AccountDirectory,
    ad_account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily ad-level analytics from each account's look-back adjusted cursor to `end_date`, per 90-day window."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [
        (directory.get(account_id), ad_catalog(client, account_id), cursors.since(account_id))
        for account_id in ad_account_ids
    ]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


def _timezones(ad_account_ids: Sequence[str], account_timezones: Mapping[str, str] | None) -> dict[str, str]:
    """The configured IANA time zone of every ad account, or a clear error naming the missing ones."""
    zones = {str(k).strip(): str(v) for k, v in (account_timezones or {}).items()}
    missing = [a for a in ad_account_ids if a not in zones]
    if missing:
        raise ValueError(
            f"{settings.SOURCE_NAME}: no time zone configured for ad account(s) {', '.join(missing)}: the Pinterest "
            "API does not return it; set it as shown in Ads Manager (Business settings), e.g. "
            f'{settings.TIMEZONES_SETTING} = {{"{missing[0]}" = "America/New_York"}}'
        )
    return zones


@dlt.source(name="pinterest_ads", section="pinterest_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def pinterest_ads_source(
    ad_account_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    lookback_days: int = 30,
    account_timezones: dict[str, str] | None = None,
) -> Sequence[DltResource]:
    """Pinterest Ads for `ad_account_ids`, loaded into `ad_accounts` and `ad_insights`.

    Args:
        ad_account_ids: ad account ids the token's user owns or has an Admin / Analyst / Campaign Manager role on.
        access_token: an OAuth access token with the ads:read scope (sent as `Authorization: Bearer`, never logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run (Pinterest serves the last 90 days only).
        end_date: last day read, inclusive (ad account time zone); yesterday in UTC by default.
        lookback_days: days before the last loaded day re-read on every later run (30: the default click
            attribution window, through which Pinterest restates conversions).
        account_timezones: IANA time zone of each ad account (its reporting day), as set in Ads Manager.
    """
    ids = checked_ids(settings.SOURCE_NAME, "ad_account_ids", ad_account_ids)
    client = PinterestAdsClient(base_url, access_token)
    directory = AccountDirectory(client, _timezones(ids, account_timezones))
    return with_dlt_columns(
        ad_accounts(directory, ids),
        ad_insights(client, directory, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)),
    )
