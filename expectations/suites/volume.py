"""Suite family ``volume`` (warning): each source's newest day of rows against its usual daily volume.

For every source the run loads, the rows of its newest data day (the newest day before the run date: run date - 1
when the source is fresh) are compared with the median of its daily row counts over the ``volume_window_days``
(28) days before that day, counting the days that have rows. The ratio must lie in [``volume_min_ratio``,
``volume_max_ratio``] (0.5 and 2.0 by default). A source with fewer than ``volume_min_history_days`` (7) such days
is not judged (its ratio is null).

Why the newest day and not always run date - 1: a source whose newest day is older is late, and freshness judges
lateness (it fails the run beyond its limit); volume judges whether the day the source did deliver is complete, so a
day that is merely late is not reported twice, as a lag and as a drop to zero.

Why a warning: row counts move for business reasons as well as for broken loads. An ad account that starts or
pauses campaigns changes its rows per day several-fold (in the sandbox an account with a few ads leaves the 0.5-2.0
band on about 1 day in 25), and a promotion doubles orders. Stopping the publish of correct data for that would do
more harm than listing the source in the report's data-quality section. (A source that returns a short day loads it
alike into every layer, so no error-level check notices it: this warning is what points at it.)

Computed in the database: one grouped query over the sources (daily counts of the window only), validated with
one GX expectation per run; the samples name each source outside the band with its day, rows, median and ratio.
"""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import as_date, date_literal, median, qualified, string_literal, union_all, utc_date
from expectations.suites.platforms import AD_PLATFORMS
from expectations.suites.raw import FreshnessSource

FAMILY = "volume"
RATIO = "DECIMAL(18, 4)"
TABLES = "raw_*"  # each source's daily table, named in the samples

# Each source's daily-grain table and its data-day column. X organic has none (its users table holds the latest
# snapshot); export files arrive when a person drops them, so they have no daily volume.
DAILY_SOURCES = {
    s.source: s
    for s in (
        FreshnessSource("shopify", "orders", "created_at", is_timestamp=True),
        FreshnessSource("stripe", "charges", "created", is_timestamp=True),
        FreshnessSource("instagram", "account_insights_daily", "date"),
        FreshnessSource("facebook_pages", "page_insights_daily", "date"),
        FreshnessSource("ga4", "traffic_daily", "date"),
        FreshnessSource("tiktok_organic", "account_daily", "date"),
        FreshnessSource("youtube", "channel_daily", "date"),
        FreshnessSource("linkedin_pages", "follower_statistics_daily", "date"),
        FreshnessSource("pinterest", "account_analytics_daily", "date"),
        *(FreshnessSource(p.source, "ad_insights", p.day) for p in AD_PLATFORMS.values()),
    )
}


def _daily_counts(source: FreshnessSource, params: GateParams) -> str:
    """SQL of one source's row count per data day, for its newest day and the window of days before it."""
    day = utc_date(source.column) if source.is_timestamp else as_date(source.column)
    table, run_date = qualified(source.qualified_table), date_literal(params.run_date)
    newest = f"(SELECT MAX({day}) FROM {table} WHERE {day} < {run_date})"
    return (
        f"SELECT {string_literal(source.source)} AS source, {string_literal(source.qualified_table)} AS table_name, "
        f"{day} AS data_day, COUNT(*) AS day_rows FROM {table} "
        f"WHERE {day} < {run_date} AND {day} >= {newest} - {params.volume_window_days} GROUP BY {day}"
    )


def _query(sources: list[FreshnessSource], params: GateParams) -> str:
    daily = union_all([_daily_counts(s, params) for s in sources])
    return (
        f"SELECT * FROM (WITH daily AS ({daily}), "
        "newest AS (SELECT source, table_name, MAX(data_day) AS newest_day FROM daily GROUP BY source, table_name), "
        f"history AS (SELECT daily.source, {median('daily.day_rows')} AS median_rows, COUNT(*) AS history_days "
        "FROM daily INNER JOIN newest ON daily.source = newest.source "
        "WHERE daily.data_day < newest.newest_day GROUP BY daily.source) "
        "SELECT newest.source, newest.table_name, newest.newest_day, daily.day_rows AS newest_rows, "
        "history.median_rows, COALESCE(history.history_days, 0) AS history_days, "
        f"CASE WHEN history.history_days >= {params.volume_min_history_days} AND history.median_rows > 0 "
        f"THEN CAST(daily.day_rows / history.median_rows AS {RATIO}) END AS ratio "
        "FROM newest INNER JOIN daily ON daily.source = newest.source AND daily.data_day = newest.newest_day "
        "LEFT JOIN history ON history.source = newest.source) volume"
    )


def _by_source(result: dict[str, Any]) -> dict[str, str]:
    """source -> 'N rows on DAY, median M of the window (ratio R)' for the sources outside the band."""
    rows = result.get("partial_unexpected_index_list") or []
    return {
        row["source"]: (
            f"{row['newest_rows']} rows on {row['newest_day']}, median {float(row['median_rows']):g} of the "
            f"{row['history_days']} day(s) before (ratio {row['ratio']})"
        )
        for row in rows
        if isinstance(row, dict)
    }


def _explain(observed: dict[str, str], params: GateParams) -> str:
    band = f"{params.volume_min_ratio:g}-{params.volume_max_ratio:g}"
    if not observed:
        return f"every judged source's newest day is within {band} x its median day"
    described = "; ".join(f"{source}: {text}" for source, text in sorted(observed.items()))
    return f"newest day outside {band} x the median day: {described}"


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """The volume asset over the sources this run loads whose daily table the warehouse has (none: no asset)."""
    sources = [s for name, s in DAILY_SOURCES.items() if params.checks_source(name) and s.qualified_table in tables]
    if not sources:
        return []
    low, high = params.volume_min_ratio, params.volume_max_ratio
    check = CheckSpec(
        name="volume.raw",
        expectation=gxe.ExpectColumnValuesToBeBetween(column="ratio", min_value=low, max_value=high),
        table=TABLES,
        column="rows per data day",
        rule=(
            f"each source's newest data day has {low:g}-{high:g} x the median rows per day of the "
            f"{params.volume_window_days} days before it (sources with >= {params.volume_min_history_days} such "
            "days)"
        ),
        severity="warning",
        observe=_by_source,
        explain=lambda observed: _explain(observed, params),
    )
    return [
        AssetSpec(
            name="volume_raw",
            suite=f"{FAMILY}.raw",
            query=_query(sources, params),
            requires=(),
            checks=(check,),
            index_columns=("source", "table_name", "newest_day", "newest_rows", "median_rows", "history_days"),
        )
    ]
