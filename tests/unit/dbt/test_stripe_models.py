"""Stripe through dbt: staging converts minor units, Stripe-only sales become revenue, Shopify payments do not.

A small warehouse with raw_meta_ads (one campaign to attribute to), one Shopify order and raw_stripe; every other
source builds empty. Run date 2025-03-05, reporting currency USD (every currency here is USD: rate 1).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from expectations import GateParams
from expectations.suites.reconciliation import orders

RUN_DATE = "2025-03-05"
US = "acct_1US"
JP = "acct_2JP"

# fmt: off
RAW_SQL = f"""
create schema raw_meta_ads;
create table raw_meta_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, adset_id varchar, adset_name varchar, ad_id varchar, ad_name varchar, date_start date,
    spend decimal(18,2), impressions bigint, clicks bigint, reach bigint, conversions double,
    conversion_value decimal(18,2), video_views bigint, actions varchar, action_values varchar,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_meta_ads.ad_insights values
    ('1001', 'USD', 'America/Los_Angeles', '111', 'club-push_parents_conv_us_202503', 's1', 'adset', 'm1', 'ad',
     '2025-03-01', 100.00, 5000, 50, 4000, 3, 90.00, 100, '[]', '[]', 'l', 'm1');
create schema raw_shopify;
create table raw_shopify.orders (
    shop varchar, id bigint, name varchar, created_at timestamptz, updated_at timestamptz, processed_at timestamptz,
    cancelled_at timestamptz, currency varchar, presentment_currency varchar, subtotal_price decimal(18,2),
    total_price decimal(18,2), total_tax decimal(18,2), total_discounts decimal(18,2), total_shipping decimal(18,2),
    financial_status varchar, test boolean, source_name varchar, landing_site varchar, referring_site varchar,
    discount_codes varchar, customer_id bigint, customer_created_at timestamptz, _dlt_load_id varchar,
    _dlt_id varchar);
insert into raw_shopify.orders values
    ('northwind-us', 1, '#1001', '2025-03-01 15:00:00+00', '2025-03-01 15:00:00+00', '2025-03-01 15:00:00+00', null,
     'USD', 'USD', 100.00, 107.00, 7.00, 0, 0, 'paid', false, 'headless', '/', null, null, 7, '2025-03-01', 'l', 'o1');
create table raw_shopify.order_line_items (
    shop varchar, order_id bigint, id bigint, product_id bigint, variant_id bigint, sku varchar, title varchar,
    quantity bigint, price decimal(18,2), total_discount decimal(18,2), _dlt_load_id varchar, _dlt_id varchar);
insert into raw_shopify.order_line_items values ('northwind-us', 1, 101, 1, 11, 'TEE', 'Tee', 2, 50.00, 0, 'l', 'li');
create schema raw_stripe;
create table raw_stripe.charges (
    account_id varchar, id varchar, created timestamptz, amount bigint, amount_captured bigint,
    amount_refunded bigint, currency varchar, status varchar, paid boolean, captured boolean, refunded boolean,
    customer varchar, description varchar, payment_intent varchar, balance_transaction varchar,
    failure_code varchar, utm_source varchar, utm_medium varchar, utm_campaign varchar, shopify_order_id varchar,
    shopify_shop varchar, metadata varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_stripe.charges values
    -- A membership from a Meta ad (utm_campaign = the campaign id), refunded in part two days later.
    ('{US}', 'ch_club', '2025-03-01 15:00:00+00', 4900, 4900, 1500, 'usd', 'succeeded', true, true, false,
     'cus_1', 'Northwind Club', 'pi_1', 'txn_1', null, 'Instagram', 'paid_social', '111', null, null, '{{}}', 'l',
     'c1'),
    -- The same customer's second sale (not a new customer); 03:00 UTC on 03-03 is 22:00 on 03-02 in New York.
    ('{US}', 'ch_pre', '2025-03-03 03:00:00+00', 8900, 8900, 0, 'usd', 'succeeded', true, true, false,
     'cus_1', 'Pre-order', 'pi_2', 'txn_2', null, null, null, null, null, null, '{{}}', 'l', 'c2'),
    -- Failed and uncaptured charges are no sales.
    ('{US}', 'ch_fail', '2025-03-02 15:00:00+00', 12900, 0, 0, 'usd', 'failed', false, false, false,
     'cus_2', 'Pre-order', 'pi_3', null, 'card_declined', null, null, null, null, null, '{{}}', 'l', 'c3'),
    ('{US}', 'ch_auth', '2025-03-02 16:00:00+00', 4900, 0, 0, 'usd', 'succeeded', true, false, false,
     'cus_3', 'Northwind Club', 'pi_4', null, null, null, null, null, null, null, '{{}}', 'l', 'c4'),
    -- Shopify order 1 paid through Stripe (total price, tax included): already Shopify revenue.
    ('{US}', 'ch_shop', '2025-03-01 15:00:02+00', 10700, 10700, 2000, 'usd', 'succeeded', true, true, false,
     null, 'Shopify order #1001', 'pi_5', 'txn_5', null, null, null, null, '1', 'northwind-us', '{{}}', 'l', 'c5'),
    -- A zero-decimal currency: 1234 JPY is 1234.00 (a Shopify payment, so it needs no FX rate).
    ('{JP}', 'ch_yen', '2025-03-02 15:00:00+00', 1234, 1234, 0, 'jpy', 'succeeded', true, true, false,
     null, 'Shopify order', 'pi_6', 'txn_6', null, null, null, null, '9', 'northwind-jp', '{{}}', 'l', 'c6');
create table raw_stripe.refunds (
    account_id varchar, id varchar, charge varchar, payment_intent varchar, created timestamptz, amount bigint,
    currency varchar, status varchar, reason varchar, balance_transaction varchar, _dlt_load_id varchar,
    _dlt_id varchar);
insert into raw_stripe.refunds values
    ('{US}', 're_club', 'ch_club', 'pi_1', '2025-03-03 15:00:00+00', 1500, 'usd', 'succeeded',
     'requested_by_customer', 'txn_r1', 'l', 'r1'),
    ('{US}', 're_shop', 'ch_shop', 'pi_5', '2025-03-03 16:00:00+00', 2000, 'usd', 'succeeded',
     'requested_by_customer', 'txn_r2', 'l', 'r2');
create table raw_stripe.balance_transactions (
    account_id varchar, id varchar, type varchar, reporting_category varchar, source varchar, created timestamptz,
    available_on timestamptz, amount bigint, fee bigint, net bigint, currency varchar, status varchar,
    description varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_stripe.balance_transactions values
    ('{US}', 'txn_1', 'charge', 'charge', 'ch_club', '2025-03-01 15:00:00+00', '2025-03-03 15:00:00+00', 4900, 172,
     4728, 'usd', 'available', null, 'l', 'b1');
"""
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_stripe")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path,
        work_dir,
        [
            "+fct_orders_attributed",
            "+fct_channel_daily",
            "+fct_campaign_performance_daily",
            "+stg_stripe__balance_transactions",
            "stg_shopify__order_line_items",  # read by the gate's reconciliation, not by the marts
        ],
        RUN_DATE,
    )
    return path


def _query(dbt_harness: Any, warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    return dbt_harness.query(warehouse, sql)


def test_staging_converts_minor_units_and_flags_shopify_payments(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "stg_stripe__charges")
    rows = _query(
        dbt_harness,
        warehouse,
        "select charge_key, currency_code, amount_local, amount_captured_local, amount_refunded_local, "
        f"is_shopify_payment from {schema}.stg_stripe__charges where charge_id in ('ch_club', 'ch_shop', 'ch_yen') "
        "order by charge_key",
    )
    assert rows == [
        (f"{US}:ch_club", "USD", Decimal("49.00"), Decimal("49.00"), Decimal("15.00"), False),
        (f"{US}:ch_shop", "USD", Decimal("107.00"), Decimal("107.00"), Decimal("20.00"), True),
        (f"{JP}:ch_yen", "JPY", Decimal("1234.00"), Decimal("1234.00"), Decimal("0.00"), True),
    ]
    fees = _query(
        dbt_harness,
        warehouse,
        f"select amount_local, fee_local, net_local from {schema}.stg_stripe__balance_transactions",
    )
    assert fees == [(Decimal("49.00"), Decimal("1.72"), Decimal("47.28"))]


def test_stripe_only_sales_are_orders_attributed_by_metadata_utm(warehouse: Path, dbt_harness: Any) -> None:
    rows = _query(
        dbt_harness,
        warehouse,
        "select order_key, shop, order_id, order_date, customer_id, is_new_customer, gross_sales_local, "
        "refunds_local, revenue_local, revenue, channel, campaign_key, segment, attribution_method, utm_source "
        "from marts.fct_orders_attributed where shop like 'stripe:%' order by order_date",
    )
    assert rows == [
        (f"stripe:{US}:ch_club", f"stripe:{US}", "ch_club", date(2025, 3, 1), "cus_1", True, Decimal("49.00"),
         Decimal("15.00"), Decimal("34.00"), Decimal("34.00"), "meta", "meta:111", "parents", "utm", "instagram"),
        (f"stripe:{US}:ch_pre", f"stripe:{US}", "ch_pre", date(2025, 3, 2), "cus_1", False, Decimal("89.00"),
         Decimal("0.00"), Decimal("89.00"), Decimal("89.00"), "unattributed", None, "unassigned", "unattributed",
         None),
    ]  # fmt: skip


def test_refund_reduces_its_own_date_and_shopify_payments_add_nothing(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_order_revenue_events")
    events = _query(
        dbt_harness,
        warehouse,
        f"select revenue_event_key, event_date, amount, orders, new_customers, channel "
        f"from {schema}.int_order_revenue_events order by event_date, revenue_event_key",
    )
    assert events == [
        ("order:northwind-us:1", date(2025, 3, 1), Decimal("100.00"), 1, 1, "unattributed"),
        (f"order:stripe:{US}:ch_club", date(2025, 3, 1), Decimal("49.00"), 1, 1, "meta"),
        (f"order:stripe:{US}:ch_pre", date(2025, 3, 2), Decimal("89.00"), 1, 0, "unattributed"),
        (f"refund:{US}:re_club", date(2025, 3, 3), Decimal("-15.00"), 0, 0, "meta"),
    ]
    daily = _query(
        dbt_harness,
        warehouse,
        "select date_day, sum(attributed_revenue), sum(attributed_orders) from marts.fct_channel_daily "
        "where channel = 'meta' and date_day between '2025-03-01' and '2025-03-03' group by 1 order by 1",
    )
    assert daily == [
        (date(2025, 3, 1), Decimal("49.00"), 1),
        (date(2025, 3, 3), Decimal("-15.00"), 0),
    ]
    campaign = _query(
        dbt_harness,
        warehouse,
        "select sum(attributed_revenue), sum(attributed_orders), sum(attributed_new_customers) "
        "from marts.fct_campaign_performance_daily where campaign_key = 'meta:111'",
    )
    assert campaign == [(Decimal("34.00"), 1, 1)]


def test_revenue_is_conserved_and_reconciles_with_raw(warehouse: Path, dbt_harness: Any) -> None:
    [(orders_total,)] = _query(dbt_harness, warehouse, "select sum(revenue) from marts.fct_orders_attributed")
    [(channels_total,)] = _query(dbt_harness, warehouse, "select sum(attributed_revenue) from marts.fct_channel_daily")
    assert orders_total == channels_total == Decimal("100.00") + Decimal("49.00") + Decimal("89.00") - Decimal("15.00")
    # The gate's reconciliation reads the same orders from raw, from staging and from the mart.
    listed = _query(dbt_harness, warehouse, "select table_schema, table_name from information_schema.tables")
    tables = {f"{schema}.{table}" for schema, table in listed}
    reconciliation = orders(GateParams(run_date=date.fromisoformat(RUN_DATE)), tables).query
    rows = _query(dbt_harness, warehouse, f"{reconciliation} order by store, metric")
    # Shopify: order #1001, 2 x 50.00; Stripe-only: the membership 49.00 - 15.00 refunded, the pre-order 89.00.
    assert rows == [
        ("shopify", "USD", "orders", Decimal("1.00"), Decimal("1.00"), Decimal("1.00"), None),
        ("shopify", "USD", "revenue", Decimal("100.00"), Decimal("100.00"), Decimal("100.00"), None),
        ("stripe", "USD", "orders", Decimal("2.00"), Decimal("2.00"), Decimal("2.00"), None),
        ("stripe", "USD", "revenue", Decimal("123.00"), Decimal("123.00"), Decimal("123.00"), None),
    ]
