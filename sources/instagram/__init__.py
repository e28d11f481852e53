"""Instagram (business account) connector: media with lifetime insights, daily account insights, snapshot.

Cursors are kept per account in the dlt resource state (an account added later is read from `start_date`):
- `media` is incremental on `published_at`: a later run re-reads media published from (the previous run's
  cutoff − `lookback_days`), because lifetime metrics keep growing for days; merge on `id` keeps the latest values.
- `account_insights_daily` is incremental on `date`: a later run re-reads from (the last day read −
  `lookback_days`), in 30-day windows; merge on (account_id, date).
- `accounts` is a daily snapshot keyed by (account_id, snapshot_date = end_date + 1, the run date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.arrow import table_from_columns
from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import (
    DEFAULT_REPORTING_TIMEZONE,
    earliest_instant,
    parse_date,
    resolve_cutoff,
    resolve_end_date,
)
from sources.common.dlt_settings import with_dlt_columns
from sources.common.graph import GraphClient
from sources.common.ids import checked_ids
from sources.instagram import settings
from sources.instagram.helpers import (
    ACCOUNTS_SCHEMA,
    account_insights_chunks,
    account_row,
    all_media_chunks,
)

__all__ = ["instagram_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="accounts", write_disposition="merge", primary_key=("account_id", "snapshot_date"), standalone=False)
def accounts(client: GraphClient, account_ids: Sequence[str], snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Followers and media counts of each account as of the start of the run date."""
    rows = []
    for account_id in account_ids:
        body = client.get(account_id, {"fields": ",".join(settings.ACCOUNT_FIELDS)}, account=account_id)
        rows.append(account_row(body, account_id, snapshot_date))
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in ACCOUNTS_SCHEMA.names}, ACCOUNTS_SCHEMA)


@dlt.resource(name="media", write_disposition="merge", primary_key="id", standalone=False)
def media(
    client: GraphClient,
    account_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Media published from each account's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(account_id, cursors.since(account_id)) for account_id in account_ids]
    yield from drain_chunks(all_media_chunks(client, since, cutoff), cursors)


@dlt.resource(
    name="account_insights_daily",
    write_disposition="merge",
    primary_key=("account_id", "date"),
    standalone=False,
)
def account_insights_daily(
    client: GraphClient,
    account_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily follower_count (net new followers) and reach per account, up to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = [(account_id, cursors.since(account_id)) for account_id in account_ids]
    yield from drain_chunks(account_insights_chunks(client, since, end_date), cursors)


@dlt.source(name="instagram", section="instagram", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def instagram_source(
    account_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """Instagram business accounts `account_ids` (IG user ids).

    Args:
        account_ids: Instagram business/creator account ids.
        access_token: token with instagram_basic, instagram_manage_insights (never logged).
        base_url: Graph API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days re-read on every later run (media lifetime metrics, daily insights).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for media publish times; by default the start of
            end_date + 1 in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = GraphClient(settings.SOURCE_NAME, base_url, access_token, settings.TOKEN_SETTING)
    ids = checked_ids(settings.SOURCE_NAME, "account_ids", account_ids)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        media(client, ids, first_instant, lookback_days, run_cutoff),
        account_insights_daily(client, ids, start, lookback_days, end),
        accounts(client, ids, end + dt.timedelta(days=1)),
    )
