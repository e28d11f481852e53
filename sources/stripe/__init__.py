"""Stripe connector (Stripe API v1): charges, refunds and balance transactions of one or more Stripe accounts.

Every resource is incremental on `created` with a cursor per account (the run's cutoff, kept in the dlt resource
state): the first run reads from `start_date` 00:00 in the reporting time zone; every later run re-reads objects
created from (the previous cutoff − `lookback_days`), because charges change after creation (captures, refunds,
pending debits that succeed or fail) and balance transactions move from pending to available; merge on `id`
keeps the latest values. New refunds are always read (they are created after the previous cutoff).
Lists are read newest first with `limit=100`, `created[gte]` / `created[lt]` and `starting_after` paging.
Stripe sends no Retry-After on 429: the shared client retries 429 and 5xx with exponential backoff
(`[runtime] request_backoff_factor` x 2^attempt, at most `request_max_retry_delay` seconds, `request_max_attempts`
attempts). Amounts stay integer minor units in the charge currency (lower case, as Stripe writes it).
Customer data never reaches the warehouse: a charge's customer id is loaded as its salted hash, and billing details,
receipt emails, shipping and card details are not read (sources/common/privacy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from zoneinfo import ZoneInfo

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.cursors import AccountCursors, drain_chunks
from sources.common.dates import DEFAULT_REPORTING_TIMEZONE, parse_date, resolve_cutoff, resolve_end_date
from sources.common.dlt_settings import with_dlt_columns
from sources.common.privacy import guard_salt
from sources.common.secrets import keyed_secrets
from sources.stripe import settings
from sources.stripe.helpers import (
    BALANCE_TRANSACTIONS_SCHEMA,
    CHARGES_SCHEMA,
    REFUNDS_SCHEMA,
    RowShaper,
    StripeClient,
    balance_transaction_row,
    charge_row,
    list_chunks,
    refund_row,
)

__all__ = ["stripe_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


def _objects(
    clients: Sequence[StripeClient],
    path: str,
    schema: pa.Schema,
    shape: RowShaper,
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Objects of a list endpoint created from each account's look-back adjusted cursor up to the cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    wanted = [(client, cursors.since(client.account_id)) for client in clients]
    yield from drain_chunks(list_chunks(wanted, path, schema, shape, cutoff), cursors)


@dlt.resource(name="charges", write_disposition="merge", primary_key="id", standalone=False)
def charges(
    clients: Sequence[StripeClient],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
    pii_salt: str,
) -> Iterator[pa.Table]:
    """Charges (succeeded, failed and uncaptured) with their refunded amount, Checkout metadata and hashed customer."""
    loaded_before = bool(dlt.current.resource_state().get(settings.CURSOR_STATE_KEY))
    guard_salt(pii_salt, settings.SOURCE_NAME, loaded_before=loaded_before)
    shape = partial(charge_row, pii_salt=pii_salt)
    yield from _objects(clients, settings.CHARGES_PATH, CHARGES_SCHEMA, shape, first_instant, lookback_days, cutoff)


@dlt.resource(name="refunds", write_disposition="merge", primary_key="id", standalone=False)
def refunds(
    clients: Sequence[StripeClient], first_instant: dt.datetime, lookback_days: int, cutoff: dt.datetime
) -> Iterator[pa.Table]:
    """Refunds, each with its charge id and amount, on their own creation instant."""
    yield from _objects(
        clients, settings.REFUNDS_PATH, REFUNDS_SCHEMA, refund_row, first_instant, lookback_days, cutoff
    )


@dlt.resource(name="balance_transactions", write_disposition="merge", primary_key="id", standalone=False)
def balance_transactions(
    clients: Sequence[StripeClient], first_instant: dt.datetime, lookback_days: int, cutoff: dt.datetime
) -> Iterator[pa.Table]:
    """Balance transactions (charge, refund, ...) with Stripe's fee and the net amount."""
    yield from _objects(
        clients,
        settings.BALANCE_TRANSACTIONS_PATH,
        BALANCE_TRANSACTIONS_SCHEMA,
        balance_transaction_row,
        first_instant,
        lookback_days,
        cutoff,
    )


def _clients(api_keys: Mapping[str, str], base_url: str) -> list[StripeClient]:
    """One client per configured account."""
    keys = keyed_secrets(
        settings.SOURCE_NAME,
        settings.KEYS_SETTING,
        api_keys,
        keys="each Stripe account id (acct_...)",
        secret="secret API key",
        example='{acct_123 = "rk_live_..."}',
    )
    return [StripeClient(base_url, account_id, key) for account_id, key in keys]


@dlt.source(name="stripe", section="stripe", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def stripe_source(
    api_keys: dict[str, str] = dlt.secrets.value,
    pii_salt: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    lookback_days: int = settings.DEFAULT_LOOKBACK_DAYS,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """Stripe accounts `api_keys` (account id -> secret key), loaded into `charges`, `refunds` and
    `balance_transactions` (every row carries `account_id`).

    Args:
        api_keys: Stripe account id (acct_...) -> its secret or restricted API key (sent as `Authorization: Bearer`,
            never logged).
        pii_salt: the secret salt customer ids are hashed with (the flow passes `[socialmart] pii_salt`; never
            logged).
        base_url: API base including the version.
        start_date: first day (YYYY-MM-DD, reporting time zone) read on a first run.
        end_date: last day read, inclusive, in the reporting time zone; yesterday in UTC by default.
        lookback_days: days of objects re-read on every later run (refunds and status changes after creation).
        reporting_timezone: time zone of start_date and end_date.
    """
    clients = _clients(api_keys, base_url)
    tz = ZoneInfo(reporting_timezone)
    first_instant = dt.datetime.combine(parse_date(start_date), dt.time(0), tz).astimezone(dt.UTC)
    cutoff = resolve_cutoff(resolve_end_date(end_date), None, reporting_timezone)
    return with_dlt_columns(
        charges(clients, first_instant, lookback_days, cutoff, pii_salt),
        refunds(clients, first_instant, lookback_days, cutoff),
        balance_transactions(clients, first_instant, lookback_days, cutoff),
    )
