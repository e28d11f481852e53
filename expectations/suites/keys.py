"""Suite family ``keys``: raw primary keys and the marts' relationships that dbt does not test.

The split with dbt (STYLE: dbt tests structure and keys, the gate does not repeat a dbt test):

- dbt tests, on every run and over all history, the primary key of every intermediate, mart and report model
  (``unique``/``not_null`` or the ``primary_key`` generic test) and the relationships declared in the models' yml
  files (e.g. ``fct_ad_performance_daily.campaign_key`` -> ``dim_campaigns``). A failure stops the run before the
  gate, so the gate never checks those again.
- dbt never looks at the raw tables dlt loads. The gate checks their keys: every ad platform's
  ``raw_<source>.ad_insights`` primary key (account x ad x day; Google adds the ad group), the Shopify order id and
  the Shopify order name per shop (a duplicated order name is two orders for one purchase: the marts keep one, the
  gate fails the run so the duplicate gets looked at).
- The gate checks every foreign key of the fact and report models that dbt does not: each date column against
  ``dim_date`` (days on ``date_day``, months on ``month_start_date``, weeks on ``week_start_date``), and each
  channel, platform and segment column against ``dim_channels`` / ``dim_segments`` (the ``all`` roll-up rows of
  the target and budget models excepted). ``launch_month`` is no key: it is parsed from a campaign's name and may
  precede the calendar. ``tests/unit/gate/test_keys.py`` holds the split: no relationship is in both, and every such
  column of a fact or report model is in one of them.

Scale: each check is one grouped query whose result is only the bad keys (``GROUP BY key HAVING COUNT(*) > 1``, or
the fact's distinct values missing from the dimension), never a row-level uniqueness expectation over the table.
A raw table is merged on its key by dlt and the published warehouse passed the gate, so only the rows of the newest
load can add a duplicate: the raw key checks look at the keys the newest load (``MAX(_dlt_load_id)``) wrote, and
for ad insights, whose key holds the data day, only at the days that load covers. Their cost grows with the new
data, not with the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import date_literal, newest_load, qualified, quote_ident, string_literal, union_all
from expectations.suites.common import bad_row_count, key_text
from expectations.suites.platforms import loaded_platforms

FAMILY = "keys"
RAW_AD_INSIGHTS = "raw_*.ad_insights"  # every loaded ad platform's insights table
SHOPIFY_ORDERS = "raw_shopify.orders"
KEY_INDEX = ("table_name", "key_columns", "key_value")


@dataclass(frozen=True)
class RawKey:
    """A key of a raw table, checked over the keys of the table's newest load.

    Attributes:
        table: The raw table.
        columns: The key columns.
        day: A key column holding the data day: the check then reads only the days the newest load covers (a
            duplicate shares its day with the row it duplicates). Without it, the rows whose key the newest load
            wrote are read.
    """

    table: str
    columns: tuple[str, ...]
    day: str | None = None

    def duplicates_sql(self) -> str:
        """SQL of the key values that occur more than once, with their row count."""
        table = qualified(self.table)
        if self.day is not None:
            day = quote_ident(self.day)
            scope = (
                f"{day} >= (SELECT MIN(newest.{day}) FROM {table} AS newest "
                f"WHERE newest._dlt_load_id = {newest_load(self.table)})"
            )
        else:
            same_key = " AND ".join(f"newest.{quote_ident(c)} = rows.{quote_ident(c)}" for c in self.columns)
            scope = (
                f"EXISTS (SELECT 1 FROM {table} AS newest "
                f"WHERE newest._dlt_load_id = {newest_load(self.table)} AND {same_key})"
            )
        return (
            f"SELECT {string_literal(self.table)} AS table_name, {string_literal(', '.join(self.columns))} "
            f"AS key_columns, {key_text(self.columns, 'rows')} AS key_value, COUNT(*) AS rows_per_key "
            f"FROM {table} AS rows WHERE {scope} GROUP BY {', '.join(f'rows.{quote_ident(c)}' for c in self.columns)} "
            "HAVING COUNT(*) > 1"
        )


def duplicate_keys(name: str, check: str, table: str, keys: list[RawKey], requires: tuple[str, ...] = ()) -> AssetSpec:
    """An asset of the duplicated values of one or more raw keys, with one check: at most one row per key."""
    columns = "; ".join(f"{k.table} ({', '.join(k.columns)})" for k in keys)
    spec = CheckSpec(
        name=check,
        expectation=gxe.ExpectColumnValuesToBeBetween(column="rows_per_key", max_value=1),
        table=table,
        column=", ".join(keys[0].columns) if len(keys) == 1 else "primary key",
        rule=f"one row per key among the keys of the newest load: {columns}",
        observe=bad_row_count,
        explain=lambda n: f"{n} key value(s) occur more than once" if n else "every key is unique",
    )
    return AssetSpec(
        name=name,
        suite=f"{FAMILY}.{name}",
        query=f"SELECT * FROM ({union_all([k.duplicates_sql() for k in keys])}) duplicated_keys",
        requires=requires,
        checks=(spec,),
        index_columns=KEY_INDEX,
    )


@dataclass(frozen=True)
class ForeignKey:
    """A fact or report column whose values must exist in a dimension column.

    Attributes:
        table: The fact or report model.
        column: Its foreign-key column.
        dimension: The dimension model.
        dimension_column: The dimension's column holding the values.
        where: SQL narrowing the fact rows checked (e.g. leaving out the ``all`` roll-up rows).
    """

    table: str
    column: str
    dimension: str
    dimension_column: str
    where: str = ""

    def orphans_sql(self, run_date: date) -> str:
        """SQL of the fact's distinct values missing from the dimension, with their row counts.

        Dates after the run date are not looked up in the calendar: in a fact they break a range check already, and
        in a plan (a target or budget month) they may lie beyond the calendar's horizon (the end of the next year).
        """
        column = quote_ident(self.column)
        conditions = [self.where] if self.where else []
        if self.dimension == CALENDAR:
            conditions.append(f"{column} <= {date_literal(run_date)}")
        where = "".join(f" AND {c}" for c in conditions)
        return (
            f"SELECT {string_literal(self.table)} AS table_name, {string_literal(self.column)} AS column_name, "
            f"{string_literal(f'{self.dimension}.{self.dimension_column}')} AS dimension, "
            "CAST(fact.fk_value AS VARCHAR) AS fk_value, fact.fact_rows AS orphan_rows "
            f"FROM (SELECT {column} AS fk_value, COUNT(*) AS fact_rows FROM {qualified(self.table)} "
            f"WHERE {column} IS NOT NULL{where} GROUP BY {column}) AS fact "
            f"WHERE NOT EXISTS (SELECT 1 FROM {qualified(self.dimension)} AS dim "
            f"WHERE dim.{quote_ident(self.dimension_column)} = fact.fk_value)"
        )


CALENDAR = "marts.dim_date"
CHANNELS = ("marts.dim_channels", "channel")
SEGMENTS = ("marts.dim_segments", "segment")
DAYS = (CALENDAR, "date_day")
WEEKS = (CALENDAR, "week_start_date")
MONTHS = (CALENDAR, "month_start_date")
NOT_ALL = "{} <> 'all'"


def _fk(table: str, column: str, dimension: tuple[str, str], where: str = "") -> ForeignKey:
    return ForeignKey(f"marts.{table}", column, *dimension, where.format(quote_ident(column)))


# The fact and report foreign keys dbt does not test (see the module docstring).
FOREIGN_KEYS = (
    _fk("fct_ad_performance_daily", "platform", CHANNELS),
    _fk("fct_ad_performance_daily", "date_day", DAYS),
    _fk("fct_ad_demographics_daily", "platform", CHANNELS),
    _fk("fct_ad_demographics_daily", "date_day", DAYS),
    _fk("fct_campaign_performance_daily", "platform", CHANNELS),
    _fk("fct_campaign_performance_daily", "channel", CHANNELS),
    _fk("fct_campaign_performance_daily", "segment", SEGMENTS),
    _fk("fct_campaign_performance_daily", "date_day", DAYS),
    _fk("fct_channel_daily", "date_day", DAYS),
    _fk("fct_orders_attributed", "order_date", DAYS),
    _fk("fct_posts", "published_date", DAYS),
    _fk("fct_follower_growth_daily", "platform", CHANNELS),
    _fk("fct_follower_growth_daily", "date_day", DAYS),
    _fk("fct_segment_monthly", "month", MONTHS),
    _fk("fct_budget_pacing", "month", MONTHS),
    _fk("rpt_monthly_targets", "month", MONTHS),
    _fk("rpt_monthly_targets", "channel", CHANNELS, NOT_ALL),
    _fk("rpt_monthly_targets", "segment", SEGMENTS, NOT_ALL),
    _fk("rpt_platform_vs_store_conversions", "month", MONTHS),
    _fk("rpt_platform_vs_store_conversions", "platform", CHANNELS),
    _fk("rpt_weekly_campaign_revenue", "week_start_date", WEEKS),
    _fk("rpt_weekly_campaign_revenue", "platform", CHANNELS),
    _fk("rpt_weekly_campaign_revenue", "channel", CHANNELS),
    _fk("rpt_weekly_campaign_revenue", "segment", SEGMENTS),
    _fk("rpt_posting_cadence", "platform", CHANNELS),
    _fk("rpt_posting_cadence", "week_start_date", WEEKS),
    _fk("rpt_best_time_to_post", "platform", CHANNELS),
)


def relationships(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """The relationships asset over the fact and report models this warehouse has (their dimensions required)."""
    keys = [fk for fk in FOREIGN_KEYS if fk.table in tables]
    if not keys:
        return []
    check = CheckSpec(
        name="relationships.marts",
        expectation=gxe.ExpectColumnValuesToBeBetween(column="orphan_rows", max_value=0),
        table="marts.fct_* and rpt_*",
        column="date, channel, platform and segment keys",
        rule="every date (up to the run date), channel, platform and segment of a fact or report model exists in "
        "its dimension (dim_date, dim_channels, dim_segments)",
        observe=bad_row_count,
        explain=lambda n: f"{n} value(s) are missing from their dimension" if n else "every key has its dimension row",
    )
    return [
        AssetSpec(
            name="keys_marts_relationships",
            suite=f"{FAMILY}.marts_relationships",
            query=f"SELECT * FROM ({union_all([fk.orphans_sql(params.run_date) for fk in keys])}) orphans",
            requires=tuple(dict.fromkeys(fk.dimension for fk in keys)),
            checks=(check,),
            index_columns=("table_name", "column_name", "dimension", "fk_value"),
        )
    ]


def raw_keys(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """The raw key assets: every loaded ad platform's insights key, and the Shopify order id and order name."""
    assets = []
    platforms = loaded_platforms(tables)
    if platforms:
        keys = [RawKey(p.raw_table, p.key, day=p.day) for p in platforms]
        assets.append(duplicate_keys("keys_raw_ad_insights", f"primary_key.{RAW_AD_INSIGHTS}", RAW_AD_INSIGHTS, keys))
    if params.checks_source("shopify") or SHOPIFY_ORDERS in tables:
        for name, check, columns in (
            ("keys_raw_shopify_orders", "primary_key", ("shop", "id")),
            ("keys_raw_shopify_order_names", "unique_order_name", ("shop", "name")),
        ):
            key = RawKey(SHOPIFY_ORDERS, columns)
            assets.append(duplicate_keys(name, f"{check}.{SHOPIFY_ORDERS}", SHOPIFY_ORDERS, [key], (SHOPIFY_ORDERS,)))
    return assets


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """All assets of the keys family."""
    return [*raw_keys(params, tables), *relationships(params, tables)]
