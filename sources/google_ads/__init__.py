"""Google Ads connector: daily ad-level search performance via `GoogleAdsService.SearchStream` (REST).

`ad_insights` is incremental on `date`, with a cursor per customer (the last day read, kept in the dlt resource
state): the first run reads from `start_date`; every later run re-reads from (the last day read − `lookback_days`)
up to `end_date`, and the merge on (customer_id, ad_group_id, ad_id, date) replaces days Google restated
(conversions keep arriving for recent days) with their current values. A customer added later is read from
`start_date`. Cost stays in micros of the customer currency (staging converts); days are customer-time-zone days.
Auth: an OAuth access token (`Authorization: Bearer`) plus the developer token; real deployments mint the access
token from an OAuth refresh token (client id/secret) before each run.
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
from sources.google_ads import settings
from sources.google_ads.helpers import PRIMARY_KEY, GoogleAdsClient, insights_chunks, normalize_customer_id

__all__ = ["google_ads_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="ad_insights", write_disposition="merge", primary_key=PRIMARY_KEY, standalone=False)
def ad_insights(
    client: GoogleAdsClient,
    customer_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily ad-level performance from each customer's look-back adjusted cursor to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    wanted = [(customer_id, cursors.since(customer_id)) for customer_id in customer_ids]
    yield from drain_chunks(insights_chunks(client, wanted, end_date), cursors)


@dlt.source(name="google_ads", section="google_ads", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def google_ads_source(
    customer_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    developer_token: str = dlt.secrets.value,
    login_customer_id: str | None = None,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
) -> Sequence[DltResource]:
    """Google Ads for `customer_ids`, loaded into `ad_insights`.

    Args:
        customer_ids: Google Ads customer ids (digits; dashes are removed).
        access_token: an OAuth access token with the adwords scope (never logged); real deployments mint it from
            an OAuth refresh token.
        developer_token: the manager account's developer token (never logged).
        login_customer_id: the manager account the access goes through, if any.
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days before the last loaded day re-read on every later run (restatements).
        end_date: last day read (customer time zone); yesterday in UTC by default.
    """
    client = GoogleAdsClient(base_url, access_token, developer_token, login_customer_id)
    ids = checked_ids(settings.SOURCE_NAME, "customer_ids", [normalize_customer_id(c) for c in customer_ids])
    return with_dlt_columns(ad_insights(client, ids, parse_date(start_date), lookback_days, resolve_end_date(end_date)))
