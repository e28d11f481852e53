"""The shared end-to-end scenario of every e2e module: two good nightly runs on the sandbox (the `scenario` fixture
of conftest.py, run once per test session), and helpers to read their warehouses against the ground truth.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
from concurrent_reader import ReaderLog

from flows.nightly import RunSummary
from sandbox.truth import ORGANIC_PLATFORMS, Truth
from sources.pinterest.settings import MAX_HISTORY_DAYS as PINTEREST_MAX_HISTORY_DAYS
from sources.pinterest_ads.helpers import earliest_readable as pinterest_ads_earliest_readable

RUN_DATE = date(2026, 11, 10)
NEXT_DATE = RUN_DATE + timedelta(days=1)
# The ad platforms the nightly run loads from the sandbox (the truth attributes UTMs to their campaigns).
PLATFORMS = ("meta", "tiktok", "google", "linkedin", "x", "snapchat", "pinterest")
# A query function: SQL in, rows out (DuckDB file or PostgreSQL database).
Query = Callable[[str], list[tuple]]
# The first good run: what the connectors' first-run history limits are measured from.
FIRST_END_DATE = RUN_DATE - timedelta(days=1)
# Pinterest serves ad analytics for a limited window (the first day still readable on the first run) ...
PINTEREST_ADS_FIRST_DAY = pinterest_ads_earliest_readable(FIRST_END_DATE)
# ... and account analytics (impressions, engagements) at most 90 days back: the first run loads the activity days
# from end_date - MAX_HISTORY_DAYS on, later runs keep them and add new days.
PINTEREST_FIRST_DAY = FIRST_END_DATE - timedelta(days=PINTEREST_MAX_HISTORY_DAYS)


def month_of(column: str) -> str:
    """The YYYY-MM month of a date column, in SQL that DuckDB and PostgreSQL both run."""
    return f"substring(cast({column} as varchar), 1, 7)"


MONTH_OF_DATE_DAY = month_of("date_day")


@dataclass(frozen=True)
class FirstRun:
    """The first good run (RUN_DATE) on one warehouse: `database` names it (duckdb | postgres), `query` reads it,
    `summary` is what the run returned (its reports among it)."""

    database: str
    query: Query
    summary: RunSummary


@dataclass
class Scenario:
    """The two good runs, a snapshot of the published warehouse after each, and what a reader holding the published
    file open through the second run saw."""

    root: Path
    first: RunSummary
    first_snapshot: Path
    second: RunSummary
    second_snapshot: Path
    reader: ReaderLog
    prefect_warnings: list[str]  # what Prefect's loggers warned of during both runs

    @property
    def published(self) -> Path:
        return self.root / "warehouse" / "socialmart.duckdb"


@contextmanager
def logged_warnings(logger: str) -> Iterator[list[str]]:
    """The messages of WARNING or above that `logger` and its children log within the block."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(f"{record.name}: {record.getMessage()}")

    handler = Collect(level=logging.WARNING)
    logging.getLogger(logger).addHandler(handler)
    try:
        yield messages
    finally:
        logging.getLogger(logger).removeHandler(handler)


def snapshot(published: Path, target: Path) -> Path:
    shutil.copyfile(published, target)
    return target


def tables_that_differ(before: Path, after: Path, skip_schemas: tuple[str, ...] = ()) -> list[str]:
    """The base tables (schema.table) whose rows differ between two DuckDB warehouses, or that only one has;
    tables of `skip_schemas` are not compared."""
    list_sql = (
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE'"
    )
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{before}' as before_db (read_only)")
        con.execute(f"attach '{after}' as after_db (read_only)")
        tables = {
            db: {name for (name,) in con.execute(list_sql, [db]).fetchall() if name.split(".")[0] not in skip_schemas}
            for db in ("before_db", "after_db")
        }
        differ = tables["before_db"] ^ tables["after_db"]
        for name in tables["before_db"] & tables["after_db"]:
            [(changed,)] = con.execute(
                f"select count(*) from ((select * from before_db.{name} except all select * from after_db.{name}) "
                f"union all (select * from after_db.{name} except all select * from before_db.{name}))"
            ).fetchall()
            if changed:
                differ.add(name)
    return sorted(differ)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@cache
def run_truth(as_of: date) -> Truth:
    """The truth of the nightly runs: every ad platform and Stripe; Pinterest Ads only from PINTEREST_ADS_FIRST_DAY,
    as Pinterest serves no older ad analytics. Built once per date for the session (a Truth takes seconds to build
    and is only read)."""
    return Truth(as_of, known_platforms=PLATFORMS, with_stripe=True, loaded_from={"pinterest": PINTEREST_ADS_FIRST_DAY})


def _first_full_month(first_day: date) -> str:
    """The first month that starts on or after `first_day`."""
    if first_day.day > 1:
        first_day = date(first_day.year + (first_day.month == 12), first_day.month % 12 + 1, 1)
    return first_day.strftime("%Y-%m")


def pinterest_ads_first_full_month() -> str:
    """The first month whose Pinterest ad analytics the first run loaded whole."""
    return _first_full_month(PINTEREST_ADS_FIRST_DAY)


def pinterest_first_full_month() -> str:
    """The first month whose Pinterest account analytics the first run loaded whole."""
    return _first_full_month(PINTEREST_FIRST_DAY)


def whole_months(values: dict[tuple[str, str], object]) -> dict[tuple[str, str], object]:
    """Leave out Pinterest Ads months before the first one loaded whole (older analytics are not served)."""
    first = pinterest_ads_first_full_month()
    return {(p, m): v for (p, m), v in values.items() if p != "pinterest" or m >= first}


def _spend_by_platform_month(query: Query) -> dict[tuple[str, str], Decimal]:
    rows = query(
        f"select platform, {MONTH_OF_DATE_DAY} as month, sum(spend) "
        f"from marts.fct_ad_performance_daily group by platform, {MONTH_OF_DATE_DAY}"
    )
    return {(platform, month): Decimal(str(spend)) for platform, month, spend in rows}


def _ad_counts_by_platform_month(query: Query) -> dict[tuple[str, str], tuple[int, int]]:
    """(impressions, clicks) per ad platform and account-tz month."""
    rows = query(
        f"select platform, {MONTH_OF_DATE_DAY} as month, sum(impressions), sum(clicks) "
        f"from marts.fct_ad_performance_daily group by platform, {MONTH_OF_DATE_DAY}"
    )
    return {(platform, month): (int(impressions), int(clicks)) for platform, month, impressions, clicks in rows}


def _organic_by_channel_month(query: Query, metric: str) -> dict[tuple[str, str], int]:
    """An organic column of fct_channel_daily per organic channel and month (months with a non-zero total).

    The tiktok channel row also carries TikTok Ads (spend, impressions, clicks); its organic columns only hold
    the organic rows."""
    channels = ", ".join(f"'{c}'" for c in ORGANIC_PLATFORMS)
    rows = query(
        f"select channel, {MONTH_OF_DATE_DAY} as month, sum({metric}) from marts.fct_channel_daily "
        f"where channel in ({channels}) group by channel, {MONTH_OF_DATE_DAY}"
    )
    return {(channel, month): int(n) for channel, month, n in rows if n}


def _expected_organic(truth: Truth, metric: str) -> dict[tuple[str, str], int]:
    """Truth of an organic metric per channel and month (non-zero months), over the months the connectors load."""
    value = getattr(truth, metric)
    expected = {(p, m): value(p, m) for p in ORGANIC_PLATFORMS for m in truth.months()}
    if metric == "engagements":
        # Pinterest engagements are account analytics by activity day; earlier days are not served (see above), so
        # only the months from the first one loaded whole are compared (both sides, exactly).
        first = pinterest_first_full_month()
        expected = {(p, m): v for (p, m), v in expected.items() if p != "pinterest" or m >= first}
    return {key: v for key, v in expected.items() if v}


def _store_revenue_by_month(query: Query) -> dict[str, Decimal]:
    rows = query(
        f"select {MONTH_OF_DATE_DAY} as month, sum(attributed_revenue) "
        f"from marts.fct_channel_daily group by {MONTH_OF_DATE_DAY}"
    )
    return {month: Decimal(str(revenue)) for month, revenue in rows if revenue is not None}


def assert_marts_match_truth(query: Query, truth: Truth) -> None:
    """The marts hold the truth: spend, impressions and clicks per ad platform and month; posts and engagements per
    organic channel and month; store revenue and sessions per month; the order count; and revenue conserved over
    every order. Money is compared exactly, as Decimal to the cent."""
    expected_spend = {key: value for key, value in truth.spend_by_platform_month().items() if key[0] in PLATFORMS}
    assert whole_months(_spend_by_platform_month(query)) == whole_months(expected_spend)
    assert {p for p, _ in expected_spend} == set(PLATFORMS)
    expected_ads = {
        (p, m): (truth.impressions(p, m), truth.clicks(p, m)) for p, m in expected_spend if truth.impressions(p, m)
    }
    assert whole_months(_ad_counts_by_platform_month(query)) == whole_months(expected_ads)

    # Posts (every platform: the post lists are read in full on a first run) and engagements per organic channel.
    assert _organic_by_channel_month(query, "posts_published") == _expected_organic(truth, "posts_published")
    first_pinterest = pinterest_first_full_month()
    engagements = {
        key: v
        for key, v in _organic_by_channel_month(query, "engagements").items()
        if key[0] != "pinterest" or key[1] >= first_pinterest
    }
    assert engagements == _expected_organic(truth, "engagements")

    expected_revenue = {month: truth.revenue(month) for month in truth.months()}
    assert _store_revenue_by_month(query) == expected_revenue

    sessions = query(
        f"select {MONTH_OF_DATE_DAY}, sum(sessions) from marts.fct_channel_daily group by {MONTH_OF_DATE_DAY}"
    )
    assert {month: int(n) for month, n in sessions if n} == {month: truth.sessions(month) for month in truth.months()}

    [(orders,)] = query("select count(*) from marts.fct_orders_attributed")
    assert orders == truth.orders()
    [(revenue_total,)] = query("select sum(revenue) from marts.fct_orders_attributed")
    assert Decimal(str(revenue_total)) == truth.revenue(), "order-level revenue must conserve store revenue"
