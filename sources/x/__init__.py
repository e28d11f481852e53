"""X (Twitter) organic connector: posts with lifetime public metrics, and a daily user snapshot.

- `tweets` is incremental on `created_at` with a cursor per user (kept in the dlt resource state): a later run
  re-reads posts created from (the previous run's cutoff − `lookback_days`), because public metrics keep growing;
  merge on `id` keeps the latest values. `GET /2/users/:id/tweets` pages with `meta.next_token` and only reaches a
  user's 3,200 most recent posts, so keep `start_date` recent for busy accounts.
- `users` is a daily snapshot keyed by (user_id, snapshot_date = end_date + 1, the run date): X has no follower
  history endpoint, so followers per day (and followers gained, from consecutive snapshots) only exist from the
  first run on.
Only public metrics are read: `non_public_metrics` / `organic_metrics` (clicks, organic impressions) need user-context
OAuth and exist only for posts of the last 30 days. A 429 is retried at the time X gives in `x-rate-limit-reset`.
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
from sources.common.ids import checked_ids
from sources.x import settings
from sources.x.helpers import USERS_SCHEMA, XClient, tweet_chunks, user_row

__all__ = ["x_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="users", write_disposition="merge", primary_key=("user_id", "snapshot_date"), standalone=False)
def users(client: XClient, user_ids: Sequence[str], snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Followers, following, post and list counts of each user as of the start of the run date."""
    rows = []
    for user_id in user_ids:
        body = client.get(
            settings.USER_PATH.format(user_id=user_id), {"user.fields": "public_metrics"}, account=user_id
        )
        rows.append(user_row(body, user_id, snapshot_date))
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in USERS_SCHEMA.names}, USERS_SCHEMA)


@dlt.resource(name="tweets", write_disposition="merge", primary_key="id", standalone=False)
def tweets(
    client: XClient,
    user_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Posts created from each user's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(user_id, cursors.since(user_id)) for user_id in user_ids]
    yield from drain_chunks(tweet_chunks(client, since, cutoff), cursors)


@dlt.source(name="x", section="x", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def x_source(
    user_ids: list[str] = dlt.config.value,
    bearer_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """X accounts `user_ids` (numeric user ids), loaded into `tweets` and `users`.

    Args:
        user_ids: numeric X user ids of the brand accounts.
        bearer_token: an app-only bearer token (sent as `Authorization: Bearer`, never logged).
        base_url: API base including the version (`https://api.x.com/2`).
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days of posts re-read on every later run (public metrics keep growing).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for post creation times; by default the start of end_date + 1
            in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = XClient(base_url, bearer_token)
    ids = checked_ids(settings.SOURCE_NAME, "user_ids", user_ids)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        tweets(client, ids, first_instant, lookback_days, run_cutoff),
        users(client, ids, end + dt.timedelta(days=1)),
    )
