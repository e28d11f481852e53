"""LinkedIn Pages (Community Management API, versioned /rest) connector: organization posts with lifetime share
statistics, daily page share statistics, daily follower gains and a daily followers snapshot.

Cursors are kept per organization in the dlt resource state (an organization added later is read from start_date):
- `posts` is incremental on `published_at`: posts are paged newest first (`start`/`count`, `paging.total`) until
  the previous run's cutoff − `lookback_days`; their lifetime statistics (`shares=List(...)`) keep growing for days,
  so the merge on `id` keeps the latest values.
- `share_statistics_daily` and `follower_statistics_daily` are incremental on `date` (UTC days, as LinkedIn's
  time-bound statistics): a later run re-reads from (the last day read − `lookback_days`). LinkedIn only keeps a
  rolling 12 months of time-bound statistics, so the first read starts at most 360 days before `end_date`.
- `organizations` is a daily snapshot of `networkSizes` (total followers) keyed by (organization_id, snapshot_date =
  end_date + 1, the run date).
Requests carry `LinkedIn-Version: YYYYMM` (`linkedin_version`) and `X-Restli-Protocol-Version: 2.0.0`.
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
from sources.linkedin_pages import settings
from sources.linkedin_pages.helpers import (
    ORGANIZATIONS_SCHEMA,
    LinkedInClient,
    follower_stats_chunks,
    organization_urn,
    post_chunks,
    share_stats_chunks,
)

__all__ = ["linkedin_pages_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(
    name="organizations", write_disposition="merge", primary_key=("organization_id", "snapshot_date"), standalone=False
)
def organizations(
    client: LinkedInClient, organization_ids: Sequence[str], snapshot_date: dt.date
) -> Iterator[pa.Table]:
    """Total followers of each organization as of the start of the run date."""
    rows = [
        {
            "organization_id": organization_id,
            "organization_urn": organization_urn(organization_id),
            "followers_count": client.followers(organization_id),
            "snapshot_date": snapshot_date,
        }
        for organization_id in organization_ids
    ]
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in ORGANIZATIONS_SCHEMA.names}, ORGANIZATIONS_SCHEMA)


@dlt.resource(name="posts", write_disposition="merge", primary_key="id", standalone=False)
def posts(
    client: LinkedInClient,
    organization_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Posts published from each organization's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(organization_id, cursors.since(organization_id)) for organization_id in organization_ids]
    yield from drain_chunks(post_chunks(client, since, cutoff), cursors)


def _daily_since(
    cursors: AccountCursors[dt.date], organization_ids: Sequence[str], end: dt.date
) -> list[tuple[str, dt.date]]:
    """Where each organization starts: its cursor (minus look-back), not before the 12-month statistics window."""
    floor = end - dt.timedelta(days=settings.MAX_HISTORY_DAYS)
    return [(organization_id, max(cursors.since(organization_id), floor)) for organization_id in organization_ids]


@dlt.resource(
    name="share_statistics_daily",
    write_disposition="merge",
    primary_key=("organization_id", "date"),
    standalone=False,
)
def share_statistics_daily(
    client: LinkedInClient, organization_ids: Sequence[str], start_date: dt.date, lookback_days: int, end_date: dt.date
) -> Iterator[pa.Table]:
    """Page-level organic share statistics per UTC day (impressions, clicks, likes, comments, shares)."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = _daily_since(cursors, organization_ids, end_date)
    yield from drain_chunks(share_stats_chunks(client, since, end_date), cursors)


@dlt.resource(
    name="follower_statistics_daily",
    write_disposition="merge",
    primary_key=("organization_id", "date"),
    standalone=False,
)
def follower_statistics_daily(
    client: LinkedInClient, organization_ids: Sequence[str], start_date: dt.date, lookback_days: int, end_date: dt.date
) -> Iterator[pa.Table]:
    """Organic and paid follower gains per UTC day."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = _daily_since(cursors, organization_ids, end_date)
    yield from drain_chunks(follower_stats_chunks(client, since, end_date), cursors)


@dlt.source(name="linkedin_pages", section="linkedin_pages", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def linkedin_pages_source(
    organization_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    linkedin_version: str = settings.DEFAULT_VERSION,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """LinkedIn organization pages `organization_ids`.

    Args:
        organization_ids: numeric organization ids (or `urn:li:organization:<id>`).
        access_token: a 3-legged member token with rw_organization_admin of a page ADMINISTRATOR (never logged).
        base_url: the versioned API base (`https://api.linkedin.com/rest`).
        linkedin_version: the `LinkedIn-Version` header, YYYYMM (versions are sunset after about a year).
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days re-read on every later run (post lifetime statistics, daily statistics).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for post publish times; by default the start of end_date + 1
            in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = LinkedInClient(base_url, access_token, linkedin_version)
    configured = checked_ids(settings.SOURCE_NAME, "organization_ids", organization_ids)
    ids = [organization.removeprefix("urn:li:organization:") for organization in configured]
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        posts(client, ids, first_instant, lookback_days, run_cutoff),
        share_statistics_daily(client, ids, start, lookback_days, end),
        follower_statistics_daily(client, ids, start, lookback_days, end),
        organizations(client, ids, end + dt.timedelta(days=1)),
    )
