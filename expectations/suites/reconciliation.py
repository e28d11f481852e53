"""Suite family ``reconciliation``: raw = staging = marts for ad spend, impressions and clicks, store revenue and
order count.

Each layer's totals are computed in the warehouse from that layer's own tables: the raw tables dlt loaded (in their
native units, converted per row as staging does), the dbt staging views, and the marts
(``fct_ad_performance_daily`` per platform and currency, ``fct_orders_attributed`` per store and currency). One row
per key and metric compares the three; ``finding`` names the layer that lost or gained, e.g. ``staging lost 12.50
against raw`` or ``marts gained 3 against staging``, and is null when the layers agree within the tolerance
(``GateParams.reconciliation_tolerance`` for money, exact for counts). One GX expectation per asset requires every
finding to be null, so a failure's samples show the key, metric, the three totals and the finding.

dbt's singular tests ``assert_ad_spend_reconciles`` and ``assert_revenue_reconciles`` compare staging with the
marts per currency and stop the run before the gate; the gate adds the raw layer (what dlt loaded, before staging
renames, casts and converts it) and the finer key (a platform's spend moved onto another platform of the same
currency leaves the currency totals unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import qualified, quote_ident, string_literal, union_all
from expectations.suites import store
from expectations.suites.common import bad_row_count
from expectations.suites.platforms import AD_EXPORTS, AD_PLATFORMS, AMOUNT, EXPORT_CURRENCY, EXPORT_DAY, AdPlatform

FAMILY = "reconciliation"
MONEY = "DECIMAL(38, 2)"
AD_PERFORMANCE = "marts.fct_ad_performance_daily"
ORDERS_ATTRIBUTED = "marts.fct_orders_attributed"
LAYERS = ("raw", "staging", "marts")
INDEX_COLUMNS = ("metric", "raw_total", "staging_total", "mart_total", "finding")


@dataclass(frozen=True)
class Metric:
    """A reconciled total: its column in every layer's totals and the difference accepted between layers."""

    name: str
    tolerance: Decimal
    is_money: bool


def _step(metric: Metric, before: str, after: str) -> str:
    """SQL describing what layer ``after`` lost or gained against layer ``before`` (null within the tolerance)."""
    b, a = f"COALESCE({before}.{metric.name}, 0)", f"COALESCE({after}.{metric.name}, 0)"
    amount = f"ABS({a} - {b})"
    shown = f"CAST({amount} AS VARCHAR)" if metric.is_money else f"CAST(CAST({amount} AS BIGINT) AS VARCHAR)"
    return (
        f"CASE WHEN {amount} > {metric.tolerance} THEN '{after} ' || "
        f"CASE WHEN {a} < {b} THEN 'lost ' ELSE 'gained ' END || {shown} || ' against {before}' END"
    )


def layered_comparison(keys: tuple[str, ...], metrics: tuple[Metric, ...], layers: dict[str, str]) -> str:
    """SQL comparing per-key totals of three layers: one row per key and metric with the totals and a finding.

    Args:
        keys: The key columns every layer's totals have (e.g. platform, currency_code).
        metrics: The metric columns every layer's totals have.
        layers: SQL of each layer's totals (``raw``, ``staging``, ``marts``), one row per key.
    """
    ctes = [f"{name} AS ({layers[name]})" for name in LAYERS]
    key_list = ", ".join(keys)
    all_keys = " UNION ".join(f"SELECT {key_list} FROM {name}" for name in LAYERS)
    joins = " ".join(
        f"LEFT JOIN {name} ON " + " AND ".join(f"{name}.{k} IS NOT DISTINCT FROM all_keys.{k}" for k in keys)
        for name in LAYERS
    )
    rows = []
    for metric in metrics:
        totals = ", ".join(
            f"CAST(COALESCE({layer}.{metric.name}, 0) AS {MONEY}) AS {column}"
            for layer, column in zip(LAYERS, ("raw_total", "staging_total", "mart_total"), strict=True)
        )
        finding = f"NULLIF(CONCAT_WS('; ', {_step(metric, 'raw', 'staging')}, {_step(metric, 'staging', 'marts')}), '')"
        rows.append(
            f"SELECT {', '.join(f'all_keys.{k}' for k in keys)}, {string_literal(metric.name)} AS metric, {totals}, "
            f"{finding} AS finding FROM all_keys {joins}"
        )
    return f"SELECT * FROM (WITH {', '.join(ctes)}, all_keys AS ({all_keys}) {union_all(rows)}) reconciliation"


def _totals(keys: tuple[str, ...], metrics: tuple[Metric, ...], parts: list[str], empty: str) -> str:
    """SQL summing the layer's parts per key (``empty``: a typed row-less part for a layer without tables)."""
    sums = ", ".join(f"SUM({m.name}) AS {m.name}" for m in metrics)
    return f"SELECT {', '.join(keys)}, {sums} FROM ({union_all(parts or [empty])}) parts GROUP BY {', '.join(keys)}"


def _check(name: str, table: str, column: str, what: str, params: GateParams) -> CheckSpec:
    return CheckSpec(
        name=name,
        expectation=gxe.ExpectColumnValuesToBeNull(column="finding"),
        table=table,
        column=column,
        rule=f"{what}: raw = staging = marts (money within {params.reconciliation_tolerance}, counts exact)",
        observe=bad_row_count,
        explain=lambda n: f"{n} total(s) differ between layers" if n else "every layer has the same totals",
    )


AD_KEYS = ("platform", "currency_code")
AD_EMPTY = (
    "SELECT CAST(NULL AS VARCHAR) AS platform, CAST(NULL AS VARCHAR) AS currency_code, "
    f"CAST(0 AS {AMOUNT}) AS spend, 0 AS impressions, 0 AS clicks WHERE 1 = 0"
)


def _ad_part(platform: str, currency: str, spend: str, impressions: str, clicks: str, source: str) -> str:
    """One platform's totals per currency from one table (``source`` is the FROM ... WHERE tail)."""
    currency = f"UPPER(CAST({currency} AS VARCHAR))"
    return (
        f"SELECT {string_literal(platform)} AS platform, {currency} AS currency_code, "
        f"SUM(CAST({spend} AS {AMOUNT})) AS spend, SUM(CAST({impressions} AS BIGINT)) AS impressions, "
        f"SUM(CAST({clicks} AS BIGINT)) AS clicks FROM {source} GROUP BY {currency}"
    )


def _api_wins(api_table: str, api_account: str, api_day: str, account: str, day: str, tables: set[str]) -> str:
    """WHERE tail dropping an export row when the API table has the same account and day (none without it)."""
    if api_table not in tables:
        return ""
    return (
        f" WHERE NOT EXISTS (SELECT 1 FROM {qualified(api_table)} AS api "
        f"WHERE api.{quote_ident(api_account)} = e.{quote_ident(account)} "
        f"AND api.{quote_ident(api_day)} = e.{quote_ident(day)})"
    )


def ad_raw_parts(platforms: list[AdPlatform], tables: set[str]) -> list[str]:
    """Each platform's raw totals: its insights table and its Ads Manager export rows the API did not load."""
    parts = [
        _ad_part(
            p.platform,
            quote_ident(p.currency),
            p.spend,
            quote_ident(p.impressions),
            quote_ident(p.clicks),
            qualified(p.raw_table),
        )
        for p in platforms
        if p.raw_table in tables
    ]
    for export in AD_EXPORTS:
        api = AD_PLATFORMS[export.platform]
        if export.table not in tables or api not in platforms:
            continue
        where = _api_wins(api.raw_table, api.account, api.day, export.account, EXPORT_DAY, tables)
        source = f"{qualified(export.table)} AS e{where}"
        spend = f"e.{quote_ident(export.spend)}"
        parts.append(_ad_part(export.platform, f"e.{EXPORT_CURRENCY}", spend, "e.impressions", "e.clicks", source))
    return parts


def ad_staging_parts(platforms: list[AdPlatform], tables: set[str]) -> list[str]:
    """Each platform's staging totals: its insights staging model and its export's, with the same API-wins rule."""
    parts = [
        _ad_part(p.platform, "currency_code", "spend_local", "impressions", "clicks", qualified(p.staging_model))
        for p in platforms
        if p.staging_model in tables
    ]
    for export in AD_EXPORTS:
        api = AD_PLATFORMS[export.platform]
        if export.staging_model not in tables or api not in platforms:
            continue
        where = _api_wins(api.staging_model, "account_id", "date_day", "account_id", "date_day", tables)
        source = f"{qualified(export.staging_model)} AS e{where}"
        parts.append(_ad_part(export.platform, "e.currency_code", "e.spend_local", "e.impressions", "e.clicks", source))
    return parts


def ads(params: GateParams, tables: set[str]) -> AssetSpec:
    """Spend, impressions and clicks per platform and currency: raw = staging = fct_ad_performance_daily.

    Every ad platform is compared on its own; ``spend_reconciliation_platform`` narrows every layer to one platform.
    """
    only = params.spend_reconciliation_platform
    platforms = [p for p in AD_PLATFORMS.values() if only in (None, p.platform)]
    metrics = (
        Metric("spend", params.reconciliation_tolerance, is_money=True),
        Metric("impressions", Decimal(0), is_money=False),
        Metric("clicks", Decimal(0), is_money=False),
    )
    where = f" WHERE platform = {string_literal(only)}" if only else ""
    mart = (
        f"SELECT platform, currency_code, SUM(spend_local) AS spend, SUM(impressions) AS impressions, "
        f"SUM(clicks) AS clicks FROM {qualified(AD_PERFORMANCE)}{where} GROUP BY platform, currency_code"
    )
    layers = {
        "raw": _totals(AD_KEYS, metrics, ad_raw_parts(platforms, tables), AD_EMPTY),
        "staging": _totals(AD_KEYS, metrics, ad_staging_parts(platforms, tables), AD_EMPTY),
        "marts": mart,
    }
    meta = AD_PLATFORMS["meta"].raw_table
    return AssetSpec(
        name="reconcile_ads",
        suite=f"{FAMILY}.ad_performance",
        query=layered_comparison(AD_KEYS, metrics, layers),
        requires=(*((meta,) if params.checks_source("meta_ads") else ()), AD_PERFORMANCE),
        index_columns=(*AD_KEYS, *INDEX_COLUMNS),
        checks=(
            _check(
                f"reconcile_ads.{AD_PERFORMANCE}",
                AD_PERFORMANCE,
                "spend_local, impressions, clicks",
                "spend, impressions and clicks per platform and currency",
                params,
            ),
        ),
    )


STORE_KEYS = ("store", "currency_code")
STORE_EMPTY = (
    "SELECT CAST(NULL AS VARCHAR) AS store, CAST(NULL AS VARCHAR) AS currency_code, "
    f"CAST(0 AS {AMOUNT}) AS revenue, 0 AS orders WHERE 1 = 0"
)


def orders(params: GateParams, tables: set[str]) -> AssetSpec:
    """Net sales and order count per store (shopify, stripe) and currency: raw = staging = fct_orders_attributed."""
    metrics = (
        Metric("revenue", params.reconciliation_tolerance, is_money=True),
        Metric("orders", Decimal(0), is_money=False),
    )
    layers = {
        "raw": _totals(STORE_KEYS, metrics, store.raw_parts(tables), STORE_EMPTY),
        "staging": _totals(STORE_KEYS, metrics, store.staging_parts(tables), STORE_EMPTY),
        "marts": store.mart_part(ORDERS_ATTRIBUTED),
    }
    shopify = (store.ORDERS, store.LINE_ITEMS) if params.checks_source("shopify") else ()
    return AssetSpec(
        name="reconcile_orders",
        suite=f"{FAMILY}.store_orders",
        query=layered_comparison(STORE_KEYS, metrics, layers),
        requires=(*shopify, ORDERS_ATTRIBUTED),
        index_columns=(*STORE_KEYS, *INDEX_COLUMNS),
        checks=(
            _check(
                f"reconcile_orders.{ORDERS_ATTRIBUTED}",
                ORDERS_ATTRIBUTED,
                "revenue_local, orders",
                "net sales (revenue_local) and order count per store and currency",
                params,
            ),
        ),
    )


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """All assets of the reconciliation family."""
    return [ads(params, tables), orders(params, tables)]
