"""YouTube connector: a brand's channel through the YouTube Data API v3 (channel statistics, the uploads
playlist and video statistics) and the YouTube Analytics API v2 (daily channel report).

Cursors are kept per channel in the dlt resource state (a channel added later is read from start_date):
- `videos` is incremental on the publish instant: the uploads playlist is newest first, so a later run pages until
  it passes (the previous run's cutoff − `lookback_days`), then reads those videos' statistics 50 ids a call;
  merge on video_id keeps the latest (still growing) lifetime statistics.
- `channel_daily` is incremental on `date`: a later run re-reads from (the last day read − `lookback_days`);
  merge on (channel_id, date). YouTube Analytics days are Pacific-time days.
- `channels` is a daily snapshot keyed by (channel_id, snapshot_date = end_date + 1, the run date).
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
from sources.youtube import settings
from sources.youtube.helpers import (
    CHANNELS_SCHEMA,
    ChannelDirectory,
    YouTubeClient,
    all_video_chunks,
    analytics_chunks,
    channel_row,
)

__all__ = ["youtube_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="channels", write_disposition="merge", primary_key=("channel_id", "snapshot_date"), standalone=False)
def channels(directory: ChannelDirectory, channel_ids: Sequence[str], snapshot_date: dt.date) -> Iterator[pa.Table]:
    """Subscriber, view and video counts of each channel as of the start of the run date."""
    rows = [channel_row(directory.get(channel_id), snapshot_date) for channel_id in channel_ids]
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in CHANNELS_SCHEMA.names}, CHANNELS_SCHEMA)


@dlt.resource(name="videos", write_disposition="merge", primary_key="video_id", standalone=False)
def videos(
    client: YouTubeClient,
    directory: ChannelDirectory,
    channel_ids: Sequence[str],
    first_instant: dt.datetime,
    lookback_days: int,
    cutoff: dt.datetime,
) -> Iterator[pa.Table]:
    """Uploads published from each channel's look-back adjusted cursor up to the run's cutoff."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, first_instant, dt.timedelta(days=lookback_days))
    since = [(channel_id, cursors.since(channel_id)) for channel_id in channel_ids]
    yield from drain_chunks(all_video_chunks(client, directory, since, cutoff), cursors)


@dlt.resource(name="channel_daily", write_disposition="merge", primary_key=("channel_id", "date"), standalone=False)
def channel_daily(
    client: YouTubeClient,
    channel_ids: Sequence[str],
    start_date: dt.date,
    lookback_days: int,
    end_date: dt.date,
) -> Iterator[pa.Table]:
    """Daily views, watch time, likes, comments, shares and subscribers gained / lost per channel."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    since = [(channel_id, cursors.since(channel_id)) for channel_id in channel_ids]
    yield from drain_chunks(analytics_chunks(client, since, end_date), cursors)


@dlt.source(name="youtube", section="youtube", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def youtube_source(
    channel_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    analytics_base_url: str = settings.DEFAULT_ANALYTICS_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = 28,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """YouTube channels `channel_ids`, loaded into `channels`, `videos` and `channel_daily`.

    Args:
        channel_ids: channel ids (UC...) the token's account owns or manages.
        access_token: an OAuth access token with youtube.readonly and yt-analytics.readonly (sent as
            `Authorization: Bearer`, never logged).
        base_url: Data API base including the version.
        analytics_base_url: Analytics API base including the version.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days re-read on every later run (growing video statistics, daily report).
        end_date: last complete day; yesterday in UTC by default. The snapshot date is end_date + 1.
        cutoff: exclusive upper bound (ISO instant) for publish times; by default the start of end_date + 1 in
            `reporting_timezone`.
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    client = YouTubeClient(base_url, analytics_base_url, access_token)
    directory = ChannelDirectory(client)
    ids = checked_ids(settings.SOURCE_NAME, "channel_ids", channel_ids)
    start = parse_date(start_date)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first_instant = earliest_instant(start)
    return with_dlt_columns(
        channels(directory, ids, end + dt.timedelta(days=1)),
        videos(client, directory, ids, first_instant, lookback_days, run_cutoff),
        channel_daily(client, ids, start, lookback_days, end),
    )
