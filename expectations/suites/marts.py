"""Suite family ``marts``: primary keys, value ranges and naming compliance of the marts."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import qualified
from expectations.suites.common import non_negative, not_greater_than, primary_key

FAMILY = "marts"


def orders_attributed() -> AssetSpec:
    """marts.fct_orders_attributed: order_key is unique."""
    table = "marts.fct_orders_attributed"
    return AssetSpec(
        name="marts_fct_orders_attributed",
        suite=f"{FAMILY}.fct_orders_attributed",
        query=f"SELECT order_key FROM {qualified(table)}",
        requires=(table,),
        index_columns=("order_key",),
        checks=(primary_key(f"primary_key.{table}", table, ["order_key"]),),
    )


def ad_performance_daily() -> AssetSpec:
    """marts.fct_ad_performance_daily: primary key, spend >= 0, clicks <= impressions."""
    table = "marts.fct_ad_performance_daily"
    key = ["platform", "account_id", "ad_id", "date_day"]
    return AssetSpec(
        name="marts_fct_ad_performance_daily",
        suite=f"{FAMILY}.fct_ad_performance_daily",
        query=f"SELECT {', '.join(key)}, spend, impressions, clicks FROM {qualified(table)}",
        requires=(table,),
        index_columns=tuple(key),
        checks=(
            primary_key(f"primary_key.{table}", table, key),
            non_negative(f"spend_non_negative.{table}", table, "spend"),
            not_greater_than(f"clicks_le_impressions.{table}", table, "clicks", "impressions"),
        ),
    )


def _noncompliant_share(result: dict[str, Any]) -> float | None:
    percent = result.get("unexpected_percent")
    return None if percent is None else round(percent / 100, 4)


def campaign_naming(params: GateParams) -> AssetSpec:
    """marts.dim_campaigns (warning): the share of campaigns breaking the naming convention is small."""
    table = "marts.dim_campaigns"
    limit = params.max_noncompliant_campaign_share
    check = CheckSpec(
        name=f"naming_compliance.{table}",
        expectation=gxe.ExpectColumnValuesToBeInSet(
            column="is_naming_compliant", value_set=[True], mostly=round(1 - limit, 6)
        ),
        table=table,
        column="is_naming_compliant",
        rule=f"share of campaigns with is_naming_compliant = false <= {limit}",
        severity="warning",
        observe=_noncompliant_share,
        explain=lambda share: f"share of non-compliant campaign names is {share} (limit {limit})",
    )
    return AssetSpec(
        name="marts_dim_campaigns",
        suite=f"{FAMILY}.dim_campaigns",
        query=f"SELECT campaign_key, campaign_name, naming_issue, is_naming_compliant FROM {qualified(table)}",
        requires=(table,),
        index_columns=("campaign_key", "campaign_name", "naming_issue"),
        checks=(check,),
    )


def build(params: GateParams) -> list[AssetSpec]:
    """All assets of the marts family."""
    return [orders_attributed(), ad_performance_daily(), campaign_naming(params)]
