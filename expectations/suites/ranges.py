"""Suite family ``ranges``: values that cannot be, on the raw ad insights and on the marts and reports.

Errors are impossibilities, not plausibility bands:

- money that cannot be negative: ad spend (raw, per ad, per segment month) and an order's net sales in its shop
  currency (refunds never exceed the order's line items). Revenue in the reporting currency is not checked: a
  refund converted at a later, higher rate makes a fully refunded order slightly negative, and a day's or week's
  attributed revenue is negative when refunds of earlier orders outweigh its sales;
- clicks <= impressions on every platform, in each raw insights table (the columns staging reads as clicks and
  impressions) and on every platform's rows of ``fct_ad_performance_daily``;
- no data day after the run date (the pipeline reads the days before it);
- rates that are shares of a whole: a report's engagement rate (engagements over the reach of many posts) and
  attainment of a target whose metric cannot be negative.

Warnings are rates that can rightly leave [0, 1] now and then: one post's engagement rate (a post seen by three
people can collect four clicks) and a segment's conversion rate (orders attributed by promo code need no session).

Scale: each asset's query returns only the rows that break one of its rules (its WHERE is the union of the rules'
violations), so Great Expectations validates a handful of rows, while the database scans each table once per query.
Each rule is still a GX expectation on the real column, so a row that breaks one rule does not fail the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.results import Severity
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import date_literal, qualified, quote_ident, string_literal, union_all
from expectations.suites.common import bad_row_count, key_text
from expectations.suites.platforms import AMOUNT, loaded_platforms

FAMILY = "ranges"
RAW_AD_INSIGHTS = "raw_*.ad_insights"
RUN_DATE = object()  # a bound that stands for the run date


@dataclass(frozen=True)
class Between:
    """A rule ``min_value <= column <= max_value`` (either bound may be open).

    Attributes:
        check: The check's name prefix (``<check>.<table>``).
        column: The column checked.
        min_value: Lower bound, or None.
        max_value: Upper bound, or None; ``RUN_DATE`` stands for the run date.
        severity: ``error`` or ``warning``.
        applies: SQL condition: the rule applies only to the rows where it holds.
    """

    check: str
    column: str
    min_value: Any = None
    max_value: Any = None
    severity: Severity = "error"
    applies: str = ""

    def bounds(self, run_date: date) -> tuple[Any, Any]:
        """The bounds, with RUN_DATE resolved."""
        return self.min_value, run_date if self.max_value is RUN_DATE else self.max_value

    def selected(self) -> list[str]:
        """The rule's column in the asset's SELECT list (null where the rule does not apply)."""
        column = quote_ident(self.column)
        return [f"CASE WHEN {self.applies} THEN {column} END AS {column}" if self.applies else column]

    def violation(self, run_date: date) -> str:
        """SQL true on a row that breaks the rule."""
        column, (low, high) = quote_ident(self.column), self.bounds(run_date)
        broken = [f"{column} {op} {_literal(v)}" for op, v in (("<", low), (">", high)) if v is not None]
        condition = " OR ".join(broken)
        return f"(({self.applies}) AND ({condition}))" if self.applies else f"({condition})"

    def spec(self, table: str, run_date: date) -> CheckSpec:
        """The check: GX's between expectation on the column."""
        low, high = self.bounds(run_date)
        rule = " and ".join(f"{self.column} {op} {v}" for op, v in ((">=", low), ("<=", high)) if v is not None)
        return CheckSpec(
            name=f"{self.check}.{table}",
            expectation=gxe.ExpectColumnValuesToBeBetween(column=self.column, min_value=low, max_value=high),
            table=table,
            column=self.column,
            rule=f"{rule}{f' where {self.applies}' if self.applies else ''}",
            severity=self.severity,
            observe=bad_row_count,
            explain=_explain(table),
        )


@dataclass(frozen=True)
class NotGreater:
    """A rule ``small <= large`` on every row where both are known (e.g. clicks <= impressions)."""

    check: str
    small: str
    large: str
    severity: Severity = "error"

    def selected(self) -> list[str]:
        """The two columns in the asset's SELECT list."""
        return [quote_ident(self.small), quote_ident(self.large)]

    def violation(self, run_date: date) -> str:
        """SQL true on a row that breaks the rule."""
        return f"({quote_ident(self.small)} > {quote_ident(self.large)})"

    def spec(self, table: str, run_date: date) -> CheckSpec:
        """The check: GX's column-pair expectation."""
        return CheckSpec(
            name=f"{self.check}.{table}",
            expectation=gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=self.large, column_B=self.small, or_equal=True, ignore_row_if="either_value_is_missing"
            ),
            table=table,
            column=self.small,
            rule=f"{self.small} <= {self.large}",
            severity=self.severity,
            observe=bad_row_count,
            explain=_explain(table),
        )


Rule = Between | NotGreater


def _literal(value: Any) -> str:
    return date_literal(value) if isinstance(value, date) else repr(value)


def _explain(table: str) -> Any:
    return lambda n: f"{n} row(s) of {table} break the rule" if n else "no row breaks the rule"


@dataclass(frozen=True)
class RangeTable:
    """The range rules of one model, and the columns that identify a bad row in the samples."""

    table: str
    index_columns: tuple[str, ...]
    rules: tuple[Rule, ...]

    def asset(self, run_date: date) -> AssetSpec:
        """The model's asset: its rows that break a rule, and one check per rule."""
        selected = [quote_ident(c) for c in self.index_columns]
        for rule in self.rules:
            selected.extend(c for c in rule.selected() if c not in selected)
        violations = " OR ".join(rule.violation(run_date) for rule in self.rules)
        name = self.table.replace(".", "_")
        return AssetSpec(
            name=f"ranges_{name}",
            suite=f"{FAMILY}.{name}",
            query=f"SELECT {', '.join(selected)} FROM {qualified(self.table)} WHERE {violations}",
            requires=(self.table,),
            checks=tuple(rule.spec(self.table, run_date) for rule in self.rules),
            index_columns=self.index_columns,
        )


SPEND = Between("spend_non_negative", "spend", min_value=0)
CLICKS = NotGreater("clicks_le_impressions", "clicks", "impressions")


def _not_after_run_date(column: str) -> Between:
    return Between("date_not_after_run_date", column, max_value=RUN_DATE)


def _share(column: str, severity: Severity = "error") -> Between:
    return Between(f"{column}_between_0_and_1", column, min_value=0, max_value=1, severity=severity)


# Metrics whose monthly actual can be negative (net revenue after refunds, lost followers, ROAS on it).
SIGNED_METRICS = ("revenue", "followers_gained", "roas")

MART_RANGES = (
    RangeTable(
        "marts.fct_ad_performance_daily",
        ("platform", "account_id", "ad_id", "date_day"),
        (SPEND, CLICKS, _not_after_run_date("date_day")),
    ),
    RangeTable(
        "marts.fct_orders_attributed",
        ("order_key", "currency_code"),
        (Between("revenue_local_non_negative", "revenue_local", min_value=0), _not_after_run_date("order_date")),
    ),
    RangeTable(
        "marts.fct_posts",
        ("post_id", "platform"),
        (_share("engagement_rate", "warning"), _not_after_run_date("published_date")),
    ),
    RangeTable("marts.fct_segment_monthly", ("month", "segment"), (SPEND, _share("conversion_rate", "warning"))),
    RangeTable("marts.rpt_posting_cadence", ("platform", "week_start_date"), (_share("engagement_rate"),)),
    RangeTable(
        "marts.rpt_monthly_targets",
        ("month", "metric", "channel", "segment"),
        (
            Between(
                "attainment_non_negative",
                "attainment",
                min_value=0,
                applies=f"metric NOT IN ({', '.join(string_literal(m) for m in SIGNED_METRICS)})",
            ),
        ),
    ),
)


def raw_ad_insights(tables: set[str]) -> list[AssetSpec]:
    """Every loaded ad platform's raw insights: spend >= 0 and clicks <= impressions (staging's columns)."""
    platforms = loaded_platforms(tables)
    if not platforms:
        return []
    parts = []
    for p in platforms:
        spend = f"CAST({p.spend} AS {AMOUNT})"
        impressions, clicks = quote_ident(p.impressions), quote_ident(p.clicks)
        parts.append(
            f"SELECT {string_literal(p.platform)} AS platform, {string_literal(p.raw_table)} AS table_name, "
            f"{string_literal(', '.join(p.key))} AS key_columns, {key_text(p.key)} AS key_value, {spend} AS spend, "
            f"CAST({impressions} AS BIGINT) AS impressions, CAST({clicks} AS BIGINT) AS clicks "
            f"FROM {qualified(p.raw_table)} WHERE {spend} < 0 OR {clicks} > {impressions}"
        )
    rules = (SPEND, CLICKS)
    return [
        AssetSpec(
            name="ranges_raw_ad_insights",
            suite=f"{FAMILY}.raw_ad_insights",
            query=f"SELECT * FROM ({union_all(parts)}) bad_rows",
            requires=(),
            checks=tuple(rule.spec(RAW_AD_INSIGHTS, date.min) for rule in rules),
            index_columns=("platform", "table_name", "key_columns", "key_value"),
        )
    ]


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """All assets of the ranges family: the raw ad insights and the marts and reports the warehouse has."""
    marts = [t.asset(params.run_date) for t in MART_RANGES if t.table in tables]
    return [*raw_ad_insights(tables), *marts]
