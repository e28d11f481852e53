"""Suite family ``raw``: freshness per source, primary keys and value ranges of the raw_* tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import as_date, date_literal, qualified, utc_date
from expectations.suites.common import non_negative, not_greater_than, primary_key

FAMILY = "raw"
NO_ROWS = 99999  # days_behind reported for an empty table


@dataclass(frozen=True)
class FreshnessSource:
    """Where a source's freshness is read: its dataset, table and date (or timestamptz) column."""

    dataset: str
    table: str
    column: str
    is_timestamp: bool = False

    @property
    def qualified_table(self) -> str:
        """The ``schema.table`` name."""
        return f"{self.dataset}.{self.table}"


FRESHNESS_SOURCES = (
    FreshnessSource("raw_meta_ads", "ad_insights", "date_start"),
    FreshnessSource("raw_shopify", "orders", "created_at", is_timestamp=True),
    FreshnessSource("raw_instagram", "account_insights_daily", "date"),
    FreshnessSource("raw_facebook_pages", "page_insights_daily", "date"),
)


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
        f"FROM {qualified(source.qualified_table)}"
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


def ad_insights() -> AssetSpec:
    """raw_meta_ads.ad_insights: primary key, spend >= 0, clicks <= impressions."""
    table = "raw_meta_ads.ad_insights"
    key = ["account_id", "ad_id", "date_start"]
    return AssetSpec(
        name="raw_meta_ads_ad_insights",
        suite=f"{FAMILY}.meta_ads_ad_insights",
        query=f"SELECT account_id, ad_id, date_start, spend, impressions, clicks FROM {qualified(table)}",
        requires=(table,),
        index_columns=tuple(key),
        checks=(
            primary_key(f"primary_key.{table}", table, key),
            non_negative(f"spend_non_negative.{table}", table, "spend"),
            not_greater_than(f"clicks_le_impressions.{table}", table, "clicks", "impressions"),
        ),
    )


def shopify_orders() -> AssetSpec:
    """raw_shopify.orders: primary key (shop, id) and no duplicated order name per shop."""
    table = "raw_shopify.orders"
    return AssetSpec(
        name="raw_shopify_orders",
        suite=f"{FAMILY}.shopify_orders",
        query=f'SELECT shop, id, "name" FROM {qualified(table)}',
        requires=(table,),
        index_columns=("shop", "id", "name"),
        checks=(
            primary_key(f"primary_key.{table}", table, ["shop", "id"]),
            primary_key(f"unique_order_name.{table}", table, ["shop", "name"]),
        ),
    )


def build(params: GateParams) -> list[AssetSpec]:
    """All assets of the raw family."""
    return [*(freshness(s, params) for s in FRESHNESS_SOURCES), ad_insights(), shopify_orders()]
