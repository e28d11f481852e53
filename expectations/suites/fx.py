"""Suite family ``fx``: money converted at a rate carried forward from an earlier day (a warning).

int_fx_rates_daily carries the last rate forward over days without one (``is_carried_forward``, ``rate_date``,
``rate_age_days``). A carried-forward rate is right for a weekend of ECB rates but wrong when a file has a gap, so
the gate names every currency and day on which money (ad spend, order revenue, budgets) was converted at a rate
older than ``GateParams.fx_max_carry_forward_days``, without failing the run. A currency with no rate at all never
gets here: its dbt test ``fx_rate_available`` stops the run.
"""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import date_literal, qualified

FAMILY = "fx"
FX_RATES = "intermediate.int_fx_rates_daily"
# Where money is converted: model -> (currency column, the day whose rate is used).
MONEY_MODELS = {
    "intermediate.int_ad_performance_unioned": ("currency_code", "date_day"),
    "intermediate.int_order_revenue_events": ("currency_code", "event_date"),
    "intermediate.int_budgets_converted": ("currency_code", "budget_month"),
}


def _query(params: GateParams, money_models: list[str]) -> str:
    """One row per currency with carried-forward money days: the day spans, each with the date of its rate."""
    money_days = " UNION ".join(
        f"SELECT DISTINCT {MONEY_MODELS[m][0]} AS currency_code, {MONEY_MODELS[m][1]} AS money_day FROM {qualified(m)}"
        for m in money_models
    )
    span = (
        "CASE WHEN first_day = last_day THEN CAST(first_day AS VARCHAR) "
        "ELSE CAST(first_day AS VARCHAR) || '..' || CAST(last_day AS VARCHAR) END"
        " || ' (rate of ' || CAST(rate_date AS VARCHAR) || ')'"
    )
    return (
        f"SELECT * FROM (WITH money_days AS ({money_days}), "
        "carried AS (SELECT rates.currency_code, rates.rate_date, rates.date_day "
        f"FROM {qualified(FX_RATES)} AS rates INNER JOIN money_days "
        "ON rates.currency_code = money_days.currency_code AND rates.date_day = money_days.money_day "
        f"WHERE rates.is_carried_forward AND rates.rate_age_days > {params.fx_max_carry_forward_days} "
        f"AND rates.date_day < {date_literal(params.run_date)}), "
        "spans AS (SELECT currency_code, rate_date, MIN(date_day) AS first_day, MAX(date_day) AS last_day, "
        "COUNT(*) AS days FROM carried GROUP BY currency_code, rate_date) "
        "SELECT currency_code, CAST(SUM(days) AS INTEGER) AS carried_days, "
        f"STRING_AGG({span}, ', ' ORDER BY first_day) AS carried_forward_days "
        "FROM spans GROUP BY currency_code) carried_forward"
    )


def _by_currency(result: dict[str, Any]) -> dict[str, str]:
    """currency -> 'N day(s): spans' from the bad rows GX reports."""
    rows = result.get("partial_unexpected_index_list") or []
    return {
        row["currency_code"]: f"{row['carried_days']} day(s): {row['carried_forward_days']}"
        for row in rows
        if isinstance(row, dict)
    }


def _explain(observed: dict[str, str], limit: int) -> str:
    if not observed:
        return f"no money converted at a rate older than {limit} day(s)"
    described = "; ".join(f"{currency} {days}" for currency, days in sorted(observed.items()))
    return (
        f"money converted at a rate carried forward from an earlier day: {described}. Add the missing days' rates "
        "to inputs/fx_rates.csv (or a newer ECB file) if they should differ"
    )


def carried_forward_rates(params: GateParams, money_models: list[str]) -> AssetSpec:
    """intermediate.int_fx_rates_daily (warning): no money day uses a rate older than the allowed carry-forward."""
    limit = params.fx_max_carry_forward_days
    check = CheckSpec(
        name=f"fx_rate_carried_forward.{FX_RATES}",
        expectation=gxe.ExpectColumnValuesToBeNull(column="carried_forward_days"),
        table=FX_RATES,
        column="rate_date",
        rule=f"no amount is converted at a rate carried forward more than {limit} day(s)",
        severity="warning",
        observe=_by_currency,
        explain=lambda observed: _explain(observed, limit),
    )
    return AssetSpec(
        name="fx_int_fx_rates_daily",
        suite=f"{FAMILY}.int_fx_rates_daily",
        query=_query(params, money_models),
        requires=(FX_RATES, *money_models),
        index_columns=("currency_code", "carried_days"),
        checks=(check,),
    )


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """The fx assets, over the money models this warehouse has (none without dbt's FX model)."""
    money_models = [m for m in MONEY_MODELS if m in tables]
    if FX_RATES not in tables or not money_models:
        return []
    return [carried_forward_rates(params, money_models)]
