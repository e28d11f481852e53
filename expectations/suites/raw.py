"""Suite family ``raw``: freshness per source (the raw keys are in ``keys``, their value ranges in ``ranges``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import as_date, date_literal, qualified, utc_date

FAMILY = "raw"
NO_ROWS = 99999  # days_behind reported for an empty table


@dataclass(frozen=True)
class FreshnessSource:
    """Where a source's dated rows are (for freshness and volume): its dataset, table and date (or timestamptz) column.

    Sources with a row for every day (an account's daily insights, a daily snapshot, orders) are judged by their
    newest data day. Sources that may rightly have no new rows for days (an ad account with no campaign running, a
    quiet Stripe account, an exports folder) are judged by their newest successful load (dlt's ``_dlt_loads``).
    """

    source: str
    table: str
    column: str
    is_timestamp: bool = False
    where: str = ""

    @property
    def dataset(self) -> str:
        """The source's raw dataset (DuckDB schema)."""
        return f"raw_{self.source}"

    @property
    def qualified_table(self) -> str:
        """The ``schema.table`` name."""
        return f"{self.dataset}.{self.table}"


def _by_load(source: str) -> FreshnessSource:
    """Freshness of a source by its newest successful dlt load."""
    return FreshnessSource(source, "_dlt_loads", "inserted_at", is_timestamp=True, where="WHERE status = 0")


FRESHNESS_SOURCES = {
    s.source: s
    for s in (
        FreshnessSource("meta_ads", "ad_insights", "date_start"),
        FreshnessSource("shopify", "orders", "created_at", is_timestamp=True),
        FreshnessSource("instagram", "account_insights_daily", "date"),
        FreshnessSource("facebook_pages", "page_insights_daily", "date"),
        FreshnessSource("ga4", "traffic_daily", "date"),
        FreshnessSource("x", "users", "snapshot_date"),
        FreshnessSource("youtube", "channels", "snapshot_date"),
        FreshnessSource("linkedin_pages", "organizations", "snapshot_date"),
        FreshnessSource("pinterest", "user_accounts", "snapshot_date"),
        FreshnessSource("tiktok_organic", "account_daily", "date"),
        *(
            _by_load(name)
            for name in (
                "tiktok_ads",
                "google_ads",
                "linkedin_ads",
                "x_ads",
                "snapchat_ads",
                "pinterest_ads",
                "stripe",
                "exports",
            )
        ),
    )
}


def _freshness_explainer(column: str, run_date: date, limit: int) -> Any:
    def explain(days_behind: Any) -> str:
        if days_behind is None or days_behind >= NO_ROWS:
            return "the table has no rows"
        latest = date.fromordinal(run_date.toordinal() - int(days_behind))
        return (
            f"newest {column} is {latest.isoformat()}, {days_behind} day(s) before run date "
            f"{run_date.isoformat()} (limit {limit})"
        )

    return explain


def freshness(source: FreshnessSource, params: GateParams) -> AssetSpec:
    """The freshness asset of one source: days between its newest row and the run date."""
    limit = params.freshness_limit(source.dataset)
    day = utc_date(source.column) if source.is_timestamp else as_date(source.column)
    query = (
        f"SELECT COALESCE({date_literal(params.run_date)} - MAX({day}), {NO_ROWS}) AS days_behind "
        f"FROM {qualified(source.qualified_table)} {source.where}"
    )
    check = CheckSpec(
        name=f"freshness.{source.dataset}",
        expectation=gxe.ExpectColumnMaxToBeBetween(column="days_behind", max_value=limit),
        table=source.qualified_table,
        column=source.column,
        rule=f"newest {source.column} within {limit} day(s) of run date {params.run_date.isoformat()}",
        explain=_freshness_explainer(source.column, params.run_date, limit),
    )
    return AssetSpec(
        name=f"freshness_{source.dataset}",
        suite=f"{FAMILY}.freshness_{source.dataset}",
        query=query,
        requires=(source.qualified_table,),
        checks=(check,),
        missing_prefix=f"source {source.dataset} did not load",
    )


def build(params: GateParams) -> list[AssetSpec]:
    """The raw family's assets for the sources this run loads (``GateParams.sources``).

    A source without a freshness rule (a new connector not listed in FRESHNESS_SOURCES) is judged by its newest
    load, so every source in the run is checked.
    """
    sources = [
        name for name in {**FRESHNESS_SOURCES, **dict.fromkeys(params.sources or ())} if params.checks_source(name)
    ]
    return [freshness(FRESHNESS_SOURCES.get(name) or _by_load(name), params) for name in sources]
