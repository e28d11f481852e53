"""Suite family ``marts``: naming-convention compliance of the campaigns (the marts' keys are tested by dbt and in
``keys``, their value ranges in ``ranges``)."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import qualified

FAMILY = "marts"


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
    return [campaign_naming(params)]
