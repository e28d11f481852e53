"""Google Analytics 4 connector (Data API v1beta `runReport`): daily sessions, key events, purchases and purchase
revenue by session source, medium and campaign.

`traffic_daily` is incremental on `date` (the property's time zone), with a cursor per property (the last day read,
kept in the dlt resource state): the first run reads from `start_date`; every later run re-reads from (the last day
read - `lookback_days`) up to `end_date` and merges on every breakdown column. GA4 keeps processing a day for up to
about 72 hours (late hits, consent modelling), so the default look-back is 3 days.

Auth: an OAuth 2 bearer token with the `analytics.readonly` scope (`sources.ga4.access_token`). Real GA4 is
usually read with a service account: mint its token outside socialmart (e.g. `gcloud auth
print-access-token --impersonate-service-account=...`); signing service-account JSON here would need a new package.
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
from sources.ga4 import settings
from sources.ga4.helpers import PRIMARY_KEY, Ga4Client, report_chunks

__all__ = ["ga4_source"]

# New optional columns may appear (evolve); the types of existing columns, keys included, are frozen.
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(
    name="traffic_daily",
    write_disposition="merge",
    primary_key=PRIMARY_KEY,
    schema_contract=SCHEMA_CONTRACT,
    standalone=False,
)
def traffic_daily(
    client: Ga4Client, property_ids: Sequence[str], start_date: dt.date, lookback_days: int, end_date: dt.date
) -> Iterator[pa.Table]:
    """Daily sessions and purchases per source x medium x campaign, from each property's cursor to `end_date`."""
    cursors = AccountCursors(settings.CURSOR_STATE_KEY, start_date, dt.timedelta(days=lookback_days))
    properties = [(p, cursors.since(p)) for p in property_ids]
    yield from drain_chunks(report_chunks(client, properties, end_date, settings.PAGE_LIMIT), cursors)


def normalize_property_id(property_id: str | int) -> str:
    """`properties/123`, ` 123 ` and 123 all become `123`."""
    return str(property_id).strip().removeprefix("properties/")


@dlt.source(name="ga4", section="ga4", max_table_nesting=0)
def ga4_source(
    property_ids: list[str] = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    start_date: str = dlt.config.value,
    lookback_days: int = settings.DEFAULT_LOOKBACK_DAYS,
    end_date: str | None = None,
) -> Sequence[DltResource]:
    """GA4 properties `property_ids`, loaded into `traffic_daily`.

    Args:
        property_ids: GA4 property ids (numeric, with or without `properties/`).
        access_token: OAuth 2 bearer token with analytics.readonly (never logged).
        base_url: Data API base URL.
        start_date: first day (YYYY-MM-DD) read on a first run.
        lookback_days: days before the last loaded day re-read on every later run (GA4 data settles in ~72 h).
        end_date: last day read (property time zone); yesterday in UTC by default.
    """
    client = Ga4Client(base_url, access_token)
    properties = checked_ids(settings.SOURCE_NAME, "property_ids", [normalize_property_id(p) for p in property_ids])
    return with_dlt_columns(
        traffic_daily(client, properties, parse_date(start_date), lookback_days, resolve_end_date(end_date))
    )
