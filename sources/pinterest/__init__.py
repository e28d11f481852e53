"""Pinterest (API v5) organic connector: the pins, daily account analytics and a daily account snapshot of each
configured business account.

A Pinterest token belongs to one account, so the source takes `access_tokens` (username -> token). `GET
/v5/user_account` gives each account's id, carried by every row; a token that belongs to another username is an error
rather than a silent load under the wrong name. Cursors are kept per account id in the dlt resource state (an account
added later is read from start_date):
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
from collections.abc import Iterator, Mapping, Sequence
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
from sources.common.dlt_settings import with_dlt_columns
from sources.common.errors import SourceAuthError
from sources.common.secrets import keyed_secrets
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
    """One configured account: its client, and `GET /v5/user_account` read once per run and shared by the resources."""

    def __init__(self, username: str, client: PinterestClient) -> None:
        self.username = username
        self.client = client
        self._body: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        """The account object; the token must belong to the configured username."""
        if self._body is None:
            body = self.client.get(settings.USER_ACCOUNT_PATH, account=self.username)
            actual = str(body.get("username") or "")
            if actual.lower() != self.username.lower():
                raise SourceAuthError(
                    settings.SOURCE_NAME,
                    account=self.username,
                    endpoint=f"/{settings.USER_ACCOUNT_PATH}",
                    status=None,
                    platform_message=f"the token belongs to the account {actual or '(no username)'}",
                    hint=f"set {settings.TOKENS_SETTING}.{self.username} to a token of that account, or rename the "
                    "entry to the account the token belongs to",
                )
            self._body = body
        return self._body

    @property
    def account_id(self) -> str:
        """The account's numeric id."""
        return str(self.body()["id"])


@dlt.resource(
    name="user_accounts", write_disposition="merge", primary_key=("account_id", "snapshot_date"), standalone=False
)
def user_accounts(accounts: Sequence[_Account], snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Follower, following and pin counts of each account as of the start of the run date."""
    rows = [user_account_row(account.body(), snapshot_date) for account in accounts]
    yield table_from_columns({n: [row[n] for row in rows] for n in USER_ACCOUNTS_SCHEMA.names}, USER_ACCOUNTS_SCHEMA)


@dlt.resource(name="pins", write_disposition="merge", primary_key="id", standalone=False)
def pins(
    accounts: Sequence[_Account], first_instant: dt.datetime, lookback_days: int, cutoff: dt.datetime
) -> Iterator[pa.Table]:
    """Pins created from each account's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    for account in accounts:
        account_id = account.account_id
        yield from drain_chunks(pin_chunks(account.client, account_id, cursors.since(account_id), cutoff), cursors)


@dlt.resource(
    name="account_analytics_daily", write_disposition="merge", primary_key=("account_id", "date"), standalone=False
)
def account_analytics_daily(
    accounts: Sequence[_Account], start_date: dt.date, lookback_days: int, end_date: dt.date
) -> Iterator[pa.Table]:
    """Daily IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK of each account (UTC days, all apps)."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    oldest = end_date - dt.timedelta(days=settings.MAX_HISTORY_DAYS)
    for account in accounts:
        account_id = account.account_id
        since = max(cursors.since(account_id), oldest)
        yield from drain_chunks(analytics_chunks(account.client, account_id, since, end_date), cursors)


def _accounts(access_tokens: Mapping[str, str], base_url: str) -> list[_Account]:
    """One account per configured username."""
    tokens = keyed_secrets(
        settings.SOURCE_NAME,
        settings.TOKENS_SETTING,
        access_tokens,
        keys="each Pinterest business account's username",
        secret="OAuth access token",
        example='{northwindthreads = "pina_..."}',
    )
    return [_Account(username, PinterestClient(base_url, token)) for username, token in tokens]


@dlt.source(name="pinterest", section="pinterest", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def pinterest_source(
    access_tokens: dict[str, str] = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """The Pinterest business accounts of `access_tokens` (username -> token), loaded into `pins`,
    `account_analytics_daily` and `user_accounts` (every row carries `account_id`).

    Args:
        access_tokens: each account's username -> an OAuth access token of that account with user_accounts:read and
            pins:read (never logged).
        base_url: API base including the version (`https://api.pinterest.com/v5`).
        start_date: first day (YYYY-MM-DD) read on a first run (analytics: at most 89 days before end_date).
        lookback_days: days re-read on every later run (analytics settle, pins).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for pin creation times; by default the start of end_date + 1
            in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    accounts = _accounts(access_tokens, base_url)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        pins(accounts, first_instant, lookback_days, run_cutoff),
        account_analytics_daily(accounts, start, lookback_days, end),
        user_accounts(accounts, end + dt.timedelta(days=1)),
    )
