"""Facebook Pages connector: published posts with lifetime insights, daily page insights, page snapshot.

Cursors are kept per page in the dlt resource state (a page added later is read from `start_date`):
- `posts` is incremental on `published_at`: a later run re-reads posts published from (the previous run's
  cutoff − `lookback_days`), because lifetime metrics keep growing; merge on `id` keeps the latest values.
- `page_insights_daily` is incremental on `date`: a later run re-reads from (the last day read −
  `lookback_days`), in 90-day windows; merge on (page_id, date).
- `pages` is a daily snapshot keyed by (page_id, snapshot_date = end_date + 1, the run date).
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
from sources.facebook_pages import settings
from sources.facebook_pages.helpers import PAGES_SCHEMA, all_post_chunks, page_insights_chunks, page_row

__all__ = ["facebook_pages_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="pages", write_disposition="merge", primary_key=("page_id", "snapshot_date"), standalone=False)
def pages(client: GraphClient, page_ids: Sequence[str], snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Name and followers of each page as of the start of the run date."""
    rows = []
    for page_id in page_ids:
        body = client.get(page_id, {"fields": ",".join(settings.PAGE_FIELDS)}, account=page_id)
        rows.append(page_row(body, page_id, snapshot_date))
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in PAGES_SCHEMA.names}, PAGES_SCHEMA)


@dlt.resource(name="posts", write_disposition="merge", primary_key="id", standalone=False)
def posts(
    client: GraphClient,
    page_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Posts published from each page's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(page_id, cursors.since(page_id)) for page_id in page_ids]
    yield from drain_chunks(all_post_chunks(client, since, cutoff), cursors)


@dlt.resource(name="page_insights_daily", write_disposition="merge", primary_key=("page_id", "date"), standalone=False)
def page_insights_daily(
    client: GraphClient,
    page_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily follows (total and new), unique impressions and post engagements per page, up to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = [(page_id, cursors.since(page_id)) for page_id in page_ids]
    yield from drain_chunks(page_insights_chunks(client, since, end_date), cursors)


@dlt.source(name="facebook_pages", section="facebook_pages", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def facebook_pages_source(
    page_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """Facebook pages `page_ids`.

    Args:
        page_ids: Facebook page ids.
        access_token: a Page token with pages_read_engagement and read_insights (never logged).
        base_url: Graph API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days re-read on every later run (post lifetime metrics, daily insights).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for post publish times; by default the start of
            end_date + 1 in `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = GraphClient(settings.SOURCE_NAME, base_url, access_token, settings.TOKEN_SETTING)
    ids = checked_ids(settings.SOURCE_NAME, "page_ids", page_ids)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        posts(client, ids, first_instant, lookback_days, run_cutoff),
        page_insights_daily(client, ids, start, lookback_days, end),
        pages(client, ids, end + dt.timedelta(days=1)),
    )
