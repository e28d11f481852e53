"""Pinterest (API v5) organic connector: the token's business account pins, daily account analytics and a daily
account snapshot.

The token belongs to one Pinterest account (`GET /v5/user_account` gives its id, carried by every row); cursors are
kept per account id in the dlt resource state:
- `pins` is incremental on `created_at`: pins are paged newest first with `bookmark` until the previous run's cutoff
  − `lookback_days`; merge on `id`.
- `account_analytics_daily` is incremental on `date` (UTC days): a later run re-reads from (the last day read −
  `lookback_days`), so days still ESTIMATE are replaced once READY; PROCESSING days are not loaded. Pinterest serves
  analytics at most 90 days back, so a first run starts no earlier than 89 days before end_date.
- `user_accounts` is a daily snapshot (follower_count) keyed by (account_id, snapshot_date = end_date + 1): Pinterest
  has no follower history, so followers gained come from consecutive snapshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

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
from sources.common.dlt_settings import ensure_dlt_columns
from sources.pinterest import settings
from sources.pinterest.helpers import (
    USER_ACCOUNTS_SCHEMA,
    PinterestClient,
    analytics_chunks,
    pin_chunks,
    user_account_row,
)

__all__ = ["pinterest_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


class _Account:
    """Reads `GET /v5/user_account` once per run and shares it between resources."""

    def __init__(self, client: PinterestClient) -> None:
        self._client = client
        self._body: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        """The account object."""
        if self._body is None:
            self._body = self._client.get(settings.USER_ACCOUNT_PATH)
        return self._body

    @property
    def account_id(self) -> str:
        """The token's account id."""
        return str(self.body()["id"])


@dlt.resource(
    name="user_accounts", write_disposition="merge", primary_key=("account_id", "snapshot_date"), standalone=False
)
def user_accounts(account: _Account, snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Follower, following and pin counts of the account as of the start of the run date."""
    row = user_account_row(account.body(), snapshot_date)
    yield table_from_columns({n: [row[n]] for n in USER_ACCOUNTS_SCHEMA.names}, USER_ACCOUNTS_SCHEMA)


@dlt.resource(name="pins", write_disposition="merge", primary_key="id", standalone=False)
def pins(
    client: PinterestClient, account: _Account, first_instant: dt.datetime, lookback_days: int, cutoff: dt.datetime
) -> Iterator[pa.Table]:
    """Pins created from the account's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    account_id = account.account_id
    yield from drain_chunks(pin_chunks(client, account_id, cursors.since(account_id), cutoff), cursors)


@dlt.resource(
    name="account_analytics_daily", write_disposition="merge", primary_key=("account_id", "date"), standalone=False
)
def account_analytics_daily(
    client: PinterestClient, account: _Account, start_date: dt.date, lookback_days: int, end_date: dt.date
) -> Iterator[pa.Table]:
    """Daily IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK of the account (UTC days, all apps)."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    account_id = account.account_id
    since = max(cursors.since(account_id), end_date - dt.timedelta(days=settings.MAX_HISTORY_DAYS))
    yield from drain_chunks(analytics_chunks(client, account_id, since, end_date), cursors)


@dlt.source(name="pinterest", section="pinterest", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def pinterest_source(
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """The Pinterest business account of `access_token`.

    Args:
        access_token: an OAuth access token with user_accounts:read and pins:read (never logged).
        base_url: API base including the version (`https://api.pinterest.com/v5`).
        start_date: first day (YYYY-MM-DD) read on a first run (analytics: at most 89 days before end_date).
        lookback_days: days re-read on every later run (analytics settle, pins).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for pin creation times; by default the start of end_date + 1
            in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    ensure_dlt_columns()
    client = PinterestClient(base_url, access_token)
    account = _Account(client)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return (
        pins(client, account, first_instant, lookback_days, run_cutoff),
        account_analytics_daily(client, account, start, lookback_days, end),
        user_accounts(account, end + dt.timedelta(days=1)),
    )
