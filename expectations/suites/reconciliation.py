"""Suite family ``reconciliation``: mart totals per currency (and ad platform) equal raw totals, to the cent.

Each asset is a small per-currency comparison computed in the warehouse (a full outer join of two grouped
sums), validated row by row: ``abs_diff`` must not exceed ``GateParams.reconciliation_tolerance``.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import qualified, string_literal

FAMILY = "reconciliation"
MONEY = "DECIMAL(38, 2)"
AMOUNT = "DECIMAL(18, 2)"  # the raw contract's money type; the casts also accept amounts loaded as text
INDEX_COLUMNS = ("currency_code", "raw_total", "mart_total")

AD_INSIGHTS = "raw_meta_ads.ad_insights"
TIKTOK_AD_INSIGHTS = "raw_tiktok_ads.ad_insights"
GOOGLE_AD_INSIGHTS = "raw_google_ads.ad_insights"
# Ad platform -> (raw insights table, its currency column, its spend in currency units). Meta is required; the
# others count when loaded. Google Ads reports cost in micros (whole millionths, exact at 2 decimals).
AD_SPEND_SOURCES = {
    "meta": (AD_INSIGHTS, "account_currency", "spend"),
    "tiktok": (TIKTOK_AD_INSIGHTS, "advertiser_currency", "spend"),
    "google": (GOOGLE_AD_INSIGHTS, "customer_currency", "CAST(cost_micros AS DECIMAL(24, 0)) / 1000000"),
    # spend in micro-currency of the account currency, converted per row to the cent as staging does.
    "snapchat": ("raw_snapchat_ads.ad_insights", "account_currency", "CAST(spend AS DECIMAL(24, 0)) / 1000000"),
    # costInLocalCurrency, decimal(18,6) currency units; cast per row to the cent as staging does.
    "linkedin": ("raw_linkedin_ads.ad_insights", "account_currency", "cost_in_local_currency"),
    # billed_charge_local_micro in micros of the account currency, converted per row to the cent as staging does.
    "x": ("raw_x_ads.ad_insights", "account_currency", "CAST(billed_charge_local_micro AS DECIMAL(24, 0)) / 1000000"),
    # SPEND_IN_MICRO_DOLLAR: micros of the ad account currency (despite the name), per row to the cent as staging.
    "pinterest": (
        "raw_pinterest_ads.ad_insights",
        "account_currency",
        "CAST(spend_in_micro_dollar AS DECIMAL(24, 0)) / 1000000",
    ),
}
# Ads Manager export files (docs/sources/exports.md), reconciled into their platform's total. The marts drop an
# export row when the API loaded the same account and day (the API wins), and so does the raw side here.
EXPORT_SPEND_SOURCES = {
    "meta": ("raw_exports.meta_ads_manager", "account_id", "spend", (AD_INSIGHTS, "account_id", "date_start")),
    "tiktok": (
        "raw_exports.tiktok_ads_manager",
        "advertiser_id",
        "cost",
        (TIKTOK_AD_INSIGHTS, "advertiser_id", "stat_date"),
    ),
}
EXPORT_ORDERS = "raw_exports.shopify_orders"
AD_PERFORMANCE = "marts.fct_ad_performance_daily"
ORDERS = "raw_shopify.orders"
LINE_ITEMS = "raw_shopify.order_line_items"
REFUND_LINES = "raw_shopify.order_refund_line_items"
ORDERS_ATTRIBUTED = "marts.fct_orders_attributed"


def _compare(raw_cte: str, mart_cte: str) -> str:
    """SQL comparing two per-currency totals (CTEs ``raw`` and ``mart`` with currency_code, total)."""
    # A GX query asset must start with SELECT, hence the outer SELECT around the WITH.
    return (
        f"SELECT * FROM (WITH raw AS ({raw_cte}), mart AS ({mart_cte}) "
        "SELECT COALESCE(raw.currency_code, mart.currency_code) AS currency_code, "
        f"CAST(COALESCE(raw.total, 0) AS {MONEY}) AS raw_total, "
        f"CAST(COALESCE(mart.total, 0) AS {MONEY}) AS mart_total, "
        f"CAST(ABS(COALESCE(raw.total, 0) - COALESCE(mart.total, 0)) AS {MONEY}) AS abs_diff "
        "FROM raw FULL OUTER JOIN mart ON raw.currency_code IS NOT DISTINCT FROM mart.currency_code) comparison"
    )


def _check(name: str, table: str, column: str, rule: str, params: GateParams) -> CheckSpec:
    tolerance = params.reconciliation_tolerance
    return CheckSpec(
        name=name,
        expectation=gxe.ExpectColumnValuesToBeBetween(column="abs_diff", min_value=0, max_value=float(tolerance)),
        table=table,
        column=column,
        rule=f"{rule} (tolerance {tolerance})",
        explain=lambda n: f"{n} currency total(s) differ between mart and raw",
    )


def raw_spend_sql(tables: set[str], platform: str | None) -> str:
    """Raw ad spend per (platform, currency) from each loaded ad platform's raw insights table and export file."""
    wanted = {name for name in (*AD_SPEND_SOURCES, *EXPORT_SPEND_SOURCES) if platform is None or platform == name}
    parts = [
        f"SELECT {string_literal(name)} AS platform, {currency} AS currency_code, CAST({amount} AS {AMOUNT}) AS spend "
        f"FROM {qualified(table)}"
        for name, (table, currency, amount) in AD_SPEND_SOURCES.items()
        if table in tables and name in wanted
    ]
    for name, (table, account, amount, (api_table, api_account, api_day)) in EXPORT_SPEND_SOURCES.items():
        if table not in tables or name not in wanted:
            continue
        api_wins = (
            f" WHERE NOT EXISTS (SELECT 1 FROM {qualified(api_table)} a "
            f"WHERE a.{api_account} = e.{account} AND a.{api_day} = e.day)"
            if api_table in tables
            else ""
        )
        parts.append(
            f"SELECT {string_literal(name)} AS platform, e.currency AS currency_code, "
            f"CAST(e.{amount} AS {AMOUNT}) AS spend FROM {qualified(table)} e{api_wins}"
        )
    if not parts:
        parts = ["SELECT CAST(NULL AS VARCHAR) AS platform, CAST(NULL AS VARCHAR) AS currency_code, 0 AS spend"]
    return (
        f"SELECT platform, currency_code, CAST(SUM(spend) AS {MONEY}) AS total "
        f"FROM ({' UNION ALL '.join(parts)}) spend_rows WHERE platform IS NOT NULL GROUP BY platform, currency_code"
    )


def spend(params: GateParams, tables: set[str] | None = None) -> AssetSpec:
    """sum(fct_ad_performance_daily.spend_local) per platform and currency = raw spend per platform and currency.

    Every ad platform whose raw insights table is loaded is reconciled on its own (Meta
    ``raw_meta_ads.ad_insights.spend`` per account_currency, TikTok ``raw_tiktok_ads.ad_insights.spend`` per
    advertiser_currency, Google ``raw_google_ads.ad_insights.cost_micros`` / 10^6 per customer_currency);
    ``spend_reconciliation_platform`` narrows both sides to one platform.
    """
    platform = params.spend_reconciliation_platform
    where = f" WHERE platform = {string_literal(platform)}" if platform else ""
    raw_cte = raw_spend_sql(tables or set(), platform)
    mart_cte = (
        f"SELECT platform, currency_code, CAST(SUM(spend_local) AS {MONEY}) AS total "
        f"FROM {qualified(AD_PERFORMANCE)}{where} GROUP BY platform, currency_code"
    )
    query = (
        f"SELECT * FROM (WITH raw AS ({raw_cte}), mart AS ({mart_cte}) "
        "SELECT COALESCE(raw.platform, mart.platform) AS platform, "
        "COALESCE(raw.currency_code, mart.currency_code) AS currency_code, "
        f"CAST(COALESCE(raw.total, 0) AS {MONEY}) AS raw_total, "
        f"CAST(COALESCE(mart.total, 0) AS {MONEY}) AS mart_total, "
        f"CAST(ABS(COALESCE(raw.total, 0) - COALESCE(mart.total, 0)) AS {MONEY}) AS abs_diff "
        "FROM raw FULL OUTER JOIN mart ON raw.platform = mart.platform "
        "AND raw.currency_code IS NOT DISTINCT FROM mart.currency_code) comparison"
    )
    rule = (
        "sum(spend_local) per platform and currency_code = raw spend per platform and currency "
        "(each loaded raw_<platform>_ads insights table and Ads Manager export)"
    )
    return AssetSpec(
        name="reconcile_spend",
        suite=f"{FAMILY}.ad_spend",
        query=query,
        requires=(*((AD_INSIGHTS,) if params.checks_source("meta_ads") else ()), AD_PERFORMANCE),
        index_columns=("platform", *INDEX_COLUMNS),
        checks=(_check(f"reconcile_spend.{AD_PERFORMANCE}", AD_PERFORMANCE, "spend_local", rule, params),),
    )


def stripe_revenue_parts(with_refunds: bool) -> list[str]:
    """Raw Stripe-only net sales (docs/sources/stripe.md): captured amounts of succeeded charges without Shopify order
    metadata, minus their refunds that did not fail; minor units to currency units (zero-decimal currencies kept)."""
    zero_decimal = "'bif','clp','djf','gnf','jpy','kmf','krw','mga','pyg','rwf','ugx','vnd','vuv','xaf','xof','xpf'"

    def units(column: str, currency: str) -> str:
        return (
            f"CAST(CASE WHEN LOWER({currency}) IN ({zero_decimal}) THEN CAST({column} AS DECIMAL(20, 0)) "
            f"ELSE CAST({column} AS DECIMAL(20, 0)) / 100 END AS {AMOUNT})"
        )

    sale = (
        "c.status = 'succeeded' AND COALESCE(c.captured, FALSE) AND NULLIF(TRIM(c.shopify_order_id), '') IS NULL "
        "AND c.amount_captured > 0"
    )
    parts = [
        f"SELECT UPPER(c.currency) AS currency_code, {units('c.amount_captured', 'c.currency')} AS amount "
        f"FROM {qualified('raw_stripe.charges')} c WHERE {sale}"
    ]
    if with_refunds:
        parts.append(
            f"SELECT UPPER(c.currency) AS currency_code, -{units('r.amount', 'r.currency')} AS amount "
            f"FROM {qualified('raw_stripe.refunds')} r JOIN {qualified('raw_stripe.charges')} c "
            "ON r.account_id = c.account_id AND r.charge = c.id "
            f"WHERE {sale} AND COALESCE(r.status, 'succeeded') NOT IN ('failed', 'canceled')"
        )
    return parts


def export_revenue_part(tables: set[str]) -> str:
    """Raw net sales of Shopify export orders the API did not load: Subtotal minus the export refund rule
    (Refunded Amount x Subtotal / (Subtotal + Taxes), half up to the cent; docs/sources/exports.md)."""
    api_wins = (
        f" AND NOT EXISTS (SELECT 1 FROM {qualified(ORDERS)} a WHERE a.shop = e.shop AND a.name = e.order_name)"
        if ORDERS in tables
        else ""
    )
    cents = "CAST(ROUND({} * 100) AS HUGEINT)"
    subtotal, gross = cents.format("e.subtotal"), cents.format("(e.subtotal + COALESCE(e.taxes, 0))")
    refunded = cents.format("COALESCE(e.refunded_amount, 0)")
    refund = (
        f"CASE WHEN {gross} > 0 AND {refunded} > 0 "
        f"THEN CAST((2 * {refunded} * {subtotal} + {gross}) // (2 * {gross}) AS DECIMAL(18, 0)) * 0.01 ELSE 0 END"
    )
    return (
        f"SELECT UPPER(e.currency) AS currency_code, CAST(e.subtotal AS {AMOUNT}) - {refund} AS amount "
        f"FROM {qualified(EXPORT_ORDERS)} e "
        f"WHERE COALESCE(LOWER(TRIM(e.payment_method)), '') <> 'bogus'{api_wins}"
    )


def store_revenue_sql(tables: set[str]) -> str:
    """Raw net sales per currency: non-test orders' line items after discounts, minus refund line subtotals; plus
    export orders and Stripe-only sales when loaded.

    dlt only creates the refund table once a refund was loaded; without it refunds count as zero.
    """
    orders = f"SELECT shop, id, currency FROM {qualified(ORDERS)} WHERE NOT COALESCE(test, FALSE)"
    parts = []
    if ORDERS in tables and LINE_ITEMS in tables:
        parts.append(
            f"SELECT o.currency AS currency_code, CAST(li.price AS {AMOUNT}) * li.quantity "
            f"- COALESCE(CAST(li.total_discount AS {AMOUNT}), 0) AS amount "
            f"FROM {qualified(LINE_ITEMS)} li JOIN ({orders}) o ON li.shop = o.shop AND li.order_id = o.id"
        )
    if REFUND_LINES in tables and ORDERS in tables:
        parts.append(
            f"SELECT o.currency AS currency_code, -CAST(r.subtotal AS {AMOUNT}) AS amount "
            f"FROM {qualified(REFUND_LINES)} r JOIN ({orders}) o ON r.shop = o.shop AND r.order_id = o.id"
        )
    if EXPORT_ORDERS in tables:
        parts.append(export_revenue_part(tables))
    if "raw_stripe.charges" in tables:
        parts.extend(stripe_revenue_parts("raw_stripe.refunds" in tables))
    if not parts:
        parts = [f"SELECT CAST(NULL AS VARCHAR) AS currency_code, CAST(0 AS {AMOUNT}) AS amount"]
    return (
        f"SELECT currency_code, CAST(SUM(amount) AS {MONEY}) AS total "
        f"FROM ({' UNION ALL '.join(parts)}) amounts WHERE currency_code IS NOT NULL GROUP BY currency_code"
    )


def revenue(params: GateParams, tables: set[str]) -> AssetSpec:
    """sum(fct_orders_attributed.revenue_local) per currency = raw store revenue per currency."""
    mart_cte = (
        f"SELECT currency_code, CAST(SUM(revenue_local) AS {MONEY}) AS total "
        f"FROM {qualified(ORDERS_ATTRIBUTED)} GROUP BY currency_code"
    )
    rule = (
        "sum(revenue_local) per currency_code = raw net sales per currency (non-test line items "
        "price*quantity - total_discount, minus refund line subtotals)"
    )
    return AssetSpec(
        name="reconcile_revenue",
        suite=f"{FAMILY}.store_revenue",
        query=_compare(store_revenue_sql(tables), mart_cte),
        requires=(*((ORDERS, LINE_ITEMS) if params.checks_source("shopify") else ()), ORDERS_ATTRIBUTED),
        index_columns=INDEX_COLUMNS,
        checks=(_check(f"reconcile_revenue.{ORDERS_ATTRIBUTED}", ORDERS_ATTRIBUTED, "revenue_local", rule, params),),
    )


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """All assets of the reconciliation family."""
    return [spend(params, tables), revenue(params, tables)]
