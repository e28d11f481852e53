"""The incremental order models (int_orders_attributed, int_order_revenue_events, fct_orders_attributed) built by
run_dbt_build night after night equal, row for row, a full-refresh build of the same raw data, and rebuild only the
orders whose inputs changed (dbt_project/macros/order_rebuild.sql).

One small raw warehouse (two Shopify shops in USD and EUR, an export order, refunds, a Meta campaign, FX rates, promo
codes) goes through the nights in order: new orders, a refund of an old order, a duplicated order and an API order
that replaces an exported one, a renamed campaign, a new promo code, a revised FX rate, a vanished order and a
customer change that moves is_new_customer to a later order, a customer's earlier order arriving late, the counting
row of a duplicated order vanishing and an order becoming a test order. After each night a copy of the same file
without the rebuild state is built from scratch (a full refresh) and compared. int_shopify__orders, incremental too
(macros/shopify_orders_rebuild.sql), is compared the same way, and its scope says which rows it compared as changed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from nightly_dbt import nightly_build, stateless_copy

SELECT = [
    "+fct_orders_attributed",
    "+fct_ad_performance_daily",
    "+fct_ad_demographics_daily",
]  # every incremental model
MODELS = {
    "int_shopify__orders": "intermediate",
    "int_orders_attributed": "intermediate",
    "int_order_revenue_events": "intermediate",
    "fct_orders_attributed": "marts",
}
VARS = {"reporting_currency": "USD", "reporting_timezone": "America/New_York", "calendar_start_date": "2025-01-01"}
CAMPAIGN = "spring_genz_conv_us_202503"
RENAMED = "summer_genz_conv_us_202503"

RAW = f"""
create schema raw_meta_ads;
create schema raw_inputs;
create schema raw_shopify;
create schema raw_exports;
create table raw_meta_ads.ad_accounts as
select 'act_1' as account_id, 'Brand US' as name, 'USD' as currency, 'America/New_York' as timezone_name,
    'load_1' as _dlt_load_id, 'dlt_a1' as _dlt_id;
create table raw_meta_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, adset_id varchar, adset_name varchar, ad_id varchar, ad_name varchar, date_start date,
    spend decimal(18, 2), impressions bigint, clicks bigint, reach bigint, conversions double,
    conversion_value decimal(18, 2), video_views bigint, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_meta_ads.ad_insights
select 'act_1', 'USD', 'America/New_York', '111', '{CAMPAIGN}', 's1', 'set', 'ad1', 'ad', cast(day as date), 10.00,
    1000, 20, 800, 1, 5.00, 0, 'load_1', 'dlt_' || cast(day as date)
from generate_series(timestamp '2025-02-25', timestamp '2025-03-09', interval 1 day) as days(day);
create table raw_inputs.fx_rates as
select
    cast(day as date) as rate_date, 'EUR' as base_currency, 'USD' as quote_currency,
    cast(1.05 + 0.001 * datediff('day', date '2025-01-01', day) as decimal(18, 8)) as rate,
    'fx_rates_csv' as rate_source, 'fx_rates.csv' as source_file, cast(row_number() over () as bigint) as source_line,
    'load_1' as _dlt_load_id, 'dlt_' || row_number() over () as _dlt_id
from generate_series(timestamp '2025-01-01', timestamp '2025-03-31', interval 1 day) as days(day);
create table raw_inputs.promo_codes as
select 'INFLU10' as code, 'influencer' as kind, 'instagram' as channel, cast(null as varchar) as campaign_id,
    '@ada' as influencer, 'load_1' as _dlt_load_id, 'dlt_p1' as _dlt_id;
create table raw_shopify.orders (
    shop varchar, id bigint, name varchar, created_at timestamptz, updated_at timestamptz, processed_at timestamptz,
    cancelled_at timestamptz, currency varchar, presentment_currency varchar, subtotal_price decimal(18,2),
    total_price decimal(18,2), total_tax decimal(18,2), total_discounts decimal(18,2), total_shipping decimal(18,2),
    financial_status varchar, test boolean, source_name varchar, landing_site varchar, referring_site varchar,
    discount_codes varchar, customer_id bigint, customer_created_at timestamptz, _dlt_load_id varchar,
    _dlt_id varchar
);
create table raw_shopify.order_refund_line_items (
    shop varchar, order_id bigint, refund_id bigint, id bigint, refund_created_at timestamptz, line_item_id bigint,
    quantity bigint, subtotal decimal(18,2), total_tax decimal(18,2), _dlt_load_id varchar, _dlt_id varchar
);
create table raw_exports.shopify_orders (
    shop varchar, order_name varchar, order_id varchar, customer_id varchar, financial_status varchar,
    fulfillment_status varchar, currency varchar, subtotal decimal(18,2), shipping decimal(18,2),
    taxes decimal(18,2), total decimal(18,2), discount_code varchar, discount_amount decimal(18,2),
    refunded_amount decimal(18,2), created_at timestamptz, paid_at timestamptz, cancelled_at timestamptz,
    payment_method varchar, tags varchar, source varchar, source_file varchar, source_line bigint,
    _dlt_load_id varchar, _dlt_id varchar
);
create schema raw_stripe;
create table raw_stripe.charges (
    account_id varchar, id varchar, created timestamptz, amount bigint, amount_captured bigint,
    amount_refunded bigint, currency varchar, status varchar, paid boolean, captured boolean, refunded boolean,
    customer varchar, description varchar, payment_intent varchar, balance_transaction varchar,
    failure_code varchar, utm_source varchar, utm_medium varchar, utm_campaign varchar, shopify_order_id varchar,
    shopify_shop varchar, metadata varchar, _dlt_load_id varchar, _dlt_id varchar
);
create table raw_stripe.refunds (
    account_id varchar, id varchar, charge varchar, payment_intent varchar, created timestamptz, amount bigint,
    currency varchar, status varchar, reason varchar, balance_transaction varchar, _dlt_load_id varchar,
    _dlt_id varchar
);
-- An exported order (2.20 refunded, tax included) that the API has not loaded yet.
insert into raw_exports.shopify_orders values ('us', '#1900', '900', 'c-export', 'partially_refunded', null, 'USD',
    20.00, 0, 2.00, 22.00, null, 0, 2.20, '2025-03-02 10:00:00+00', null, null, 'shopify_payments', null, 'web',
    'exports/orders.csv', 2, 'load_1', 'dlt_e1');
"""


def _order(
    con: duckdb.DuckDBPyConnection,
    order_id: int,
    name: str,
    created_at: str,
    subtotal: str,
    customer: int,
    landing_site: str | None = None,
    discount_codes: str | None = None,
    shop: str = "us",
) -> None:
    currency = "EUR" if shop == "eu" else "USD"
    con.execute(
        "insert into raw_shopify.orders values (?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, 0, 0, 0, 'paid', false, 'web', "
        "?, null, ?, ?, '2025-01-15 00:00:00+00', 'load', ?)",
        [shop, order_id, name, created_at, created_at, created_at, currency, currency, subtotal, subtotal,
         landing_site, discount_codes, customer, f"dlt_o{order_id}"],
    )  # fmt: skip


def _refund(con: duckdb.DuckDBPyConnection, order_id: int, refund_id: int, at: str, subtotal: str, shop: str = "us"):
    con.execute(
        "insert into raw_shopify.order_refund_line_items values (?, ?, ?, ?, ?, 1, 1, ?, 0, 'load', ?)",
        [shop, order_id, refund_id, refund_id, at, subtotal, f"dlt_r{refund_id}"],
    )


def _charge(con: duckdb.DuckDBPyConnection, charge_id: str, created_at: str, cents: int, customer: str) -> None:
    """A Stripe-only sale (no Shopify order metadata), tagged with the campaign."""
    con.execute(
        "insert into raw_stripe.charges values ('acct_1', ?, ?, ?, ?, 0, 'usd', 'succeeded', true, true, false, ?, "
        "null, null, null, null, 'facebook', 'paid_social', ?, null, null, null, 'load', ?)",
        [charge_id, created_at, cents, cents, customer, CAMPAIGN, f"dlt_{charge_id}"],
    )


def _first_orders(con: duckdb.DuckDBPyConnection) -> None:
    utm = f"/?utm_source=facebook&utm_medium=paid_social&utm_campaign={CAMPAIGN}"
    _order(con, 1, "#1001", "2025-03-01 15:00:00+00", "100.00", 1, utm)
    _order(con, 2, "#1002", "2025-03-02 15:00:00+00", "40.00", 2, None, "influ10")
    _order(con, 3, "#1003", "2025-03-03 15:00:00+00", "30.00", 3)
    # utm_campaign is the campaign's next name: unmatched until the campaign is renamed.
    _order(con, 4, "#1004", "2025-03-04 15:00:00+00", "25.00", 4, f"/?utm_source=facebook&utm_campaign={RENAMED}")
    _order(con, 5, "#1005", "2025-03-05 15:00:00+00", "15.00", 5, None, "NEWCODE")
    _order(con, 6, "#1006", "2025-03-06 15:00:00+00", "60.00", 6)
    _order(con, 7, "#E01", "2025-03-07 09:00:00+00", "80.00", 7, utm, shop="eu")
    _refund(con, 2, 9001, "2025-03-05 12:00:00+00", "10.00")
    _charge(con, "ch_1", "2025-03-03 18:00:00+00", 5000, "cus_1")


def _build(warehouse: Path, run_date: date) -> str:
    """The nightly dbt step on `warehouse`; returns what it said about the incremental models."""
    return nightly_build(warehouse, run_date, SELECT, VARS)


def _rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: con.execute(f"select * exclude (dbt_invocation_id) from {schema}.{name} order by all").fetchall()
            if name == "int_order_revenue_events"
            else con.execute(f"select * from {schema}.{name} order by all").fetchall()
            for name, schema in MODELS.items()
        }


def _shopify_scope(warehouse: Path, kind: str) -> set[str] | None:
    """What the last build of int_shopify__orders compared as changed (macros/shopify_orders_rebuild.sql): the
    values of one kind of its scope; None when the build did not compare rows (the table is dropped)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql = "select value from intermediate.int_shopify__orders__scope where kind = ?"
        try:
            return {value for (value,) in con.execute(sql, [kind]).fetchall()}
        except duckdb.CatalogException:
            return None


def _full_refresh_rows(warehouse: Path, work: Path, run_date: date) -> dict:
    """The models built from scratch from a copy of `warehouse`."""
    reference = stateless_copy(warehouse, work)
    assert _build(reference, run_date).startswith("full refresh: no rebuild state")
    return _rows(reference)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Run a night: change the raw tables, build incrementally, compare with a full refresh of the same data; return
    the order keys whose revenue events the night rebuilt."""
    work = tmp_path_factory.mktemp("incremental_orders")
    warehouse = work / "build" / "socialmart.duckdb"
    warehouse.parent.mkdir()
    with duckdb.connect(str(warehouse)) as con:
        con.execute(RAW)
        _first_orders(con)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DBT_TARGET_PATH", str(work / "target"))
        monkeypatch.setenv("DBT_LOG_PATH", str(work / "logs"))

        def night(run_date: date, change: Any = None) -> tuple[str, set[str]]:
            if change:
                with duckdb.connect(str(warehouse)) as con:
                    change(con)
            said = _build(warehouse, run_date)
            invocation = json.loads((work / "target" / "run_results.json").read_text())["metadata"]["invocation_id"]
            incremental = _rows(warehouse)
            assert all(incremental.values()), "a model is empty: the comparison would prove nothing"
            with duckdb.connect(str(warehouse), read_only=True) as con:
                rebuilt = con.execute(
                    "select distinct order_key from intermediate.int_order_revenue_events where dbt_invocation_id = ?",
                    [invocation],
                ).fetchall()
            expected = _full_refresh_rows(warehouse, work, run_date)
            for name in MODELS:
                assert incremental[name] == expected[name], f"{name} differs from a full refresh after: {said}"
            return said, {key for (key,) in rebuilt}

        night.warehouse = warehouse
        yield night


STRIPE_1, STRIPE_2 = "stripe:acct_1:ch_1", "stripe:acct_1:ch_2"
ALL = {"us:1", "us:2", "us:3", "us:4", "us:5", "us:6", "eu:7", "us:900", STRIPE_1}
NOT_COUNTING = {"us:10", "us:900"}  # from night 3: #1002's duplicate and the export's row of the API's order 900

# The nights run in this order, each on the raw data and the build the previous one left.


def test_first_build_is_a_full_refresh(nights: Any) -> None:
    said, rebuilt = nights(date(2025, 3, 10))
    assert said.startswith("full refresh: no rebuild state")
    assert rebuilt == ALL
    assert _shopify_scope(nights.warehouse, "order") is None


def test_new_orders_and_an_old_orders_refund_rebuild_only_those_orders(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        _order(con, 8, "#1008", "2025-03-10 15:00:00+00", "70.00", 1)  # customer 1's second order
        _order(con, 9, "#1009", "2025-03-10 16:00:00+00", "35.00", 9)
        _refund(con, 1, 9002, "2025-03-10 12:00:00+00", "20.00")
        _charge(con, "ch_2", "2025-03-10 17:00:00+00", 2500, "cus_1")
        con.execute(
            "insert into raw_stripe.refunds values ('acct_1', 're_1', 'ch_1', null, '2025-03-10 13:00:00+00', 1000, "
            "'usd', 'succeeded', 'requested_by_customer', null, 'load', 'dlt_re_1')"
        )

    said, rebuilt = nights(date(2025, 3, 11), change)
    assert said == "dbt: nothing to rebuild in the incremental models (no raw day changed)"
    assert rebuilt == {"us:1", "us:8", "us:9", STRIPE_1, STRIPE_2}
    # int_shopify__orders rebuilt the two new orders' numbers and customers: customer 1's first order is read too
    assert _shopify_scope(nights.warehouse, "order") == {"us:8", "us:9"}
    assert _shopify_scope(nights.warehouse, "read") == {"#1001", "#1008", "#1009"}


def test_a_duplicated_order_and_an_api_order_replacing_an_export(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        _order(con, 10, "#1002", "2025-03-11 15:00:00+00", "40.00", 2, None, "influ10")  # the duplicated-order fault
        _order(con, 900, "#1900", "2025-03-02 10:00:00+00", "20.00", 90)  # the API loads the exported order

    _, rebuilt = nights(date(2025, 3, 12), change)
    assert rebuilt == {"us:900"}  # the API's row of order 900 replaces the export's; #1002's duplicate is dropped
    assert _shopify_scope(nights.warehouse, "order") == {"us:10", "us:900"}


def test_a_renamed_campaign_attributes_every_order_again(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            f"insert into raw_meta_ads.ad_insights select * replace (date '2025-03-11' as date_start, '{RENAMED}' "
            "as campaign_name, 'dlt_new' as _dlt_id) from raw_meta_ads.ad_insights where date_start = '2025-03-09'"
        )

    said, rebuilt = nights(date(2025, 3, 12), change)
    assert said == "dbt: rebuilding days from 2025-03-10 (meta_ads.ad_insights from 2025-03-11 changed)"
    assert rebuilt == ALL | {"us:8", "us:9", STRIPE_2}
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        sql = "select campaign_key from marts.fct_orders_attributed where order_key = 'us:4'"
        assert con.execute(sql).fetchall() == [("meta:111",)]  # matched by the campaign's new name


def test_a_new_promo_code_attributes_every_order_again(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("insert into raw_inputs.promo_codes values ('NEWCODE', 'campaign', 'meta', '111', null, 'l', 'p2')")

    _, rebuilt = nights(date(2025, 3, 12), change)
    assert rebuilt == ALL | {"us:8", "us:9", STRIPE_2}


def test_a_revised_fx_rate_rebuilds_the_orders_with_events_from_that_day(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("update raw_inputs.fx_rates set rate = rate + 0.05 where rate_date = '2025-03-08'")

    said, rebuilt = nights(date(2025, 3, 12), change)
    assert said == "dbt: rebuilding days from 2025-03-07 (inputs.fx_rates from 2025-03-08 changed)"
    # The orders with an event on 03-07 or later: eu:7, the three of 03-10 and the two refunded on 03-10.
    assert rebuilt == {"eu:7", "us:1", "us:8", "us:9", STRIPE_1, STRIPE_2}


def test_a_vanished_order_and_a_customer_moving_first_orders(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("delete from raw_shopify.orders where id = 5")
        con.execute("update raw_shopify.orders set customer_id = 3 where id = 9")  # 9 is now customer 3's second

    _, rebuilt = nights(date(2025, 3, 12), change)
    assert rebuilt == {"us:9"}
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        keys = {key for (key,) in con.execute("select order_key from marts.fct_orders_attributed").fetchall()}
    assert "us:5" not in keys
    assert _shopify_scope(nights.warehouse, "order") == {"us:5", "us:9"} | NOT_COUNTING
    assert {"3", "9"} <= _shopify_scope(nights.warehouse, "customer")


def test_an_earlier_order_a_vanished_kept_duplicate_and_a_new_test_order(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        _order(con, 11, "#1011", "2025-03-01 09:00:00+00", "12.00", 6)  # customer 6's first order arrives late
        con.execute("delete from raw_shopify.orders where id = 2")  # #1002's duplicate (order 10) now counts
        con.execute("update raw_shopify.orders set test = true where id = 3")

    _, rebuilt = nights(date(2025, 3, 12), change)
    # order 6 is no longer customer 6's first order; order 9 is now customer 3's first (order 3 became a test order)
    assert rebuilt == {"us:6", "us:9", "us:10", "us:11"}
    assert _shopify_scope(nights.warehouse, "order") == {"us:2", "us:3", "us:11"} | NOT_COUNTING
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        new_customer = dict(
            con.execute(
                "select order_key, is_new_customer from intermediate.int_shopify__orders "
                "where order_key in ('us:2', 'us:3', 'us:6', 'us:9', 'us:10', 'us:11')"
            ).fetchall()
        )
    assert new_customer == {"us:6": False, "us:9": True, "us:10": True, "us:11": True}  # 10: customer 2's only one


def test_nothing_changed_rebuilds_nothing(nights: Any) -> None:
    said, rebuilt = nights(date(2025, 3, 12))
    assert said == "dbt: nothing to rebuild in the incremental models (no raw day changed)"
    assert rebuilt == set()
    # Only the rows that do not count are compared as changed, every night: their numbers are ranked again.
    assert _shopify_scope(nights.warehouse, "order") == {"us:900"}  # order 10 counts since the night before
