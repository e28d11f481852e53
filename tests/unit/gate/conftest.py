"""Fixtures for the gate tests: small DuckDB warehouses with the contract's tables (needed columns only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pytest

from expectations import GateParams

RUN_DATE = date(2025, 3, 6)

# A clean warehouse: fresh sources, unique keys, staging views and marts that reconcile with raw to the cent, dimensions
# for every key, and a target with its actual. Raw rows carry dlt's load id ('1'; a test's new rows use '2').
CLEAN_WAREHOUSE_SQL = """
CREATE SCHEMA raw_meta_ads;
CREATE TABLE raw_meta_ads.ad_insights AS
SELECT account_id, account_currency, 'c' || (ad % 2) AS campaign_id, 'ad' || ad AS ad_id,
       DATE '2025-03-06' - CAST(d AS INTEGER) AS date_start,
       CAST(10 + ad * 1.37 + d * 0.11 AS DECIMAL(18, 2)) AS spend,
       CAST(1000 + ad * 10 AS BIGINT) AS impressions, CAST(20 + d AS BIGINT) AS clicks, '1' AS _dlt_load_id
FROM (VALUES ('1001', 'USD'), ('1002', 'EUR')) a(account_id, account_currency),
     range(1, 4) ads(ad), range(1, 6) days(d);

CREATE SCHEMA raw_shopify;
CREATE TABLE raw_shopify.orders (
    shop VARCHAR, id BIGINT, "name" VARCHAR, created_at TIMESTAMPTZ, currency VARCHAR, test BOOLEAN,
    _dlt_load_id VARCHAR);
INSERT INTO raw_shopify.orders VALUES
    ('northwind-us', 1, '#1001', TIMESTAMPTZ '2025-03-03 14:00:00+00', 'USD', FALSE, '1'),
    ('northwind-us', 2, '#1002', TIMESTAMPTZ '2025-03-05 22:10:00+00', 'USD', FALSE, '1'),
    ('northwind-us', 3, '#1003', TIMESTAMPTZ '2025-03-05 23:00:00+00', 'USD', TRUE, '1'),
    ('northwind-eu', 1, '#1001', TIMESTAMPTZ '2025-03-04 09:30:00+00', 'EUR', FALSE, '1'),
    ('northwind-eu', 2, '#1002', TIMESTAMPTZ '2025-03-05 11:45:00+00', 'EUR', FALSE, '1');
CREATE TABLE raw_shopify.order_line_items (
    shop VARCHAR, order_id BIGINT, id BIGINT, quantity BIGINT, price DECIMAL(18, 2),
    total_discount DECIMAL(18, 2));
INSERT INTO raw_shopify.order_line_items VALUES
    ('northwind-us', 1, 11, 2, 19.99, 0.00), ('northwind-us', 1, 12, 1, 45.50, 4.55),
    ('northwind-us', 2, 21, 3, 12.00, 1.20), ('northwind-us', 3, 31, 1, 99.00, 0.00),
    ('northwind-eu', 1, 41, 1, 39.90, 0.00), ('northwind-eu', 2, 51, 2, 24.95, 2.50);
CREATE TABLE raw_shopify.order_refund_line_items (
    shop VARCHAR, order_id BIGINT, refund_id BIGINT, id BIGINT, line_item_id BIGINT, quantity BIGINT,
    subtotal DECIMAL(18, 2));
INSERT INTO raw_shopify.order_refund_line_items VALUES
    ('northwind-us', 1, 900, 901, 11, 1, 19.99), ('northwind-us', 3, 910, 911, 31, 1, 99.00);

CREATE SCHEMA raw_instagram;
CREATE TABLE raw_instagram.account_insights_daily AS
SELECT '17841400000000001' AS account_id, DATE '2025-03-06' - CAST(d AS INTEGER) AS "date",
       CAST(d AS BIGINT) AS follower_count
FROM range(1, 11) t(d);

CREATE SCHEMA raw_facebook_pages;
CREATE TABLE raw_facebook_pages.page_insights_daily AS
SELECT '100000000000001' AS page_id, DATE '2025-03-06' - CAST(d AS INTEGER) AS "date",
       CAST(5000 + d AS BIGINT) AS page_follows
FROM range(1, 11) t(d);

CREATE SCHEMA raw_inputs;
CREATE TABLE raw_inputs.targets AS
SELECT CAST("month" AS DATE) AS "month", metric, channel, segment, CAST(target AS DOUBLE) AS target,
       'inputs/targets.csv' AS source_file, CAST(line AS BIGINT) AS source_line
FROM (VALUES ('2025-02-01', 'spend', 'meta', 'all', 500, 2), ('2025-03-01', 'spend', 'Meta ', 'all', 600, 3),
             ('2025-04-01', 'spend', 'meta', 'all', 700, 4)) t("month", metric, channel, segment, target, line);

CREATE SCHEMA staging;
CREATE VIEW staging.stg_meta_ads__ad_insights AS
SELECT account_id, ad_id, date_start AS date_day, UPPER(account_currency) AS currency_code, spend AS spend_local,
       impressions, clicks
FROM raw_meta_ads.ad_insights;
CREATE VIEW staging.stg_shopify__orders AS
SELECT shop || ':' || id AS order_key, shop, "name" AS order_number, UPPER(currency) AS currency_code,
       COALESCE(test, FALSE) AS is_test
FROM raw_shopify.orders;
CREATE VIEW staging.stg_shopify__order_line_items AS
SELECT shop || ':' || order_id AS order_key, quantity, price AS price_local, total_discount AS total_discount_local
FROM raw_shopify.order_line_items;
CREATE VIEW staging.stg_shopify__refund_line_items AS
SELECT shop || ':' || order_id AS order_key, subtotal AS subtotal_local FROM raw_shopify.order_refund_line_items;

CREATE SCHEMA marts;
CREATE TABLE marts.dim_date AS
SELECT CAST(d AS DATE) AS date_day, CAST(date_trunc('week', d) AS DATE) AS week_start_date,
       CAST(date_trunc('month', d) AS DATE) AS month_start_date
FROM range(DATE '2025-01-01', DATE '2026-01-01', INTERVAL 1 DAY) t(d);
CREATE TABLE marts.dim_channels AS SELECT * FROM (VALUES ('meta'), ('tiktok'), ('instagram')) t(channel);
CREATE TABLE marts.dim_segments AS SELECT * FROM (VALUES ('genz'), ('parents'), ('unassigned')) t(segment);
CREATE TABLE marts.fct_ad_performance_daily AS
SELECT date_start AS date_day, 'meta' AS platform, account_id, ad_id, account_currency AS currency_code,
       CAST(spend * 1.1 AS DECIMAL(18, 2)) AS spend, spend AS spend_local, impressions, clicks
FROM raw_meta_ads.ad_insights;
CREATE TABLE marts.fct_orders_attributed AS
SELECT o.shop || ':' || o.id AS order_key, o.shop, CAST(o.created_at AS DATE) AS order_date,
       o.currency AS currency_code,
       SUM(li.price * li.quantity - li.total_discount)
         - COALESCE((SELECT SUM(r.subtotal) FROM raw_shopify.order_refund_line_items r
                     WHERE r.shop = o.shop AND r.order_id = o.id), 0) AS revenue_local
FROM raw_shopify.orders o JOIN raw_shopify.order_line_items li ON li.shop = o.shop AND li.order_id = o.id
WHERE NOT o.test
GROUP BY o.shop, o.id, o.currency, o.created_at;
CREATE TABLE marts.dim_campaigns AS
SELECT 'meta:' || i AS campaign_key, CASE WHEN i = 0 THEN 'Copy of spring' ELSE 'spring_genz_conv_us_202503' END
       AS campaign_name, CASE WHEN i = 0 THEN 'missing fields' END AS naming_issue, i <> 0 AS is_naming_compliant
FROM range(8) t(i);
CREATE TABLE marts.rpt_monthly_targets AS
SELECT CAST("month" AS DATE) AS "month", 'spend' AS metric, 'meta' AS channel, 'all' AS segment,
       CAST(target AS DOUBLE) AS target, CAST(actual AS DOUBLE) AS actual,
       CAST(actual / target AS DOUBLE) AS attainment, status
FROM (VALUES ('2025-02-01', 500.0, 480.0, 'at_risk'), ('2025-03-01', 600.0, 181.5, 'off_track'),
             ('2025-04-01', 700.0, NULL, 'no_data')) t("month", target, actual, status);
"""

WarehouseFactory = Callable[..., Path]


def build_warehouse(path: Path, changes: Sequence[str] = ()) -> Path:
    """Create a clean warehouse at ``path``, apply the SQL ``changes``, checkpoint and close it."""
    connection = duckdb.connect(str(path))
    try:
        connection.execute(CLEAN_WAREHOUSE_SQL)
        for statement in changes:
            connection.execute(statement)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> WarehouseFactory:
    """Factory: ``warehouse(*sql_changes)`` builds a clean warehouse file with the changes applied."""
    counter = iter(range(1_000))

    def factory(*changes: str) -> Path:
        return build_warehouse(tmp_path / f"warehouse_{next(counter)}.duckdb", changes)

    return factory


@pytest.fixture
def params() -> GateParams:
    """Default gate parameters for the fixture warehouse's run date."""
    return GateParams(run_date=RUN_DATE)


@pytest.fixture
def tiktok_sql() -> tuple[str, ...]:
    """SQL adding a TikTok Ads advertiser (USD) to the clean warehouse: raw, staging and mart rows that agree."""
    return (
        "CREATE SCHEMA raw_tiktok_ads",
        "CREATE TABLE raw_tiktok_ads.ad_insights AS SELECT '7001' AS advertiser_id, 'USD' AS advertiser_currency, "
        "'t' || d AS ad_id, DATE '2025-03-06' - CAST(d AS INTEGER) AS stat_date, "
        "CAST(5 + d AS DECIMAL(18, 2)) AS spend, CAST(100 * d AS BIGINT) AS impressions, CAST(d AS BIGINT) AS clicks, "
        "'1' AS _dlt_load_id FROM range(1, 4) t(d)",
        "CREATE VIEW staging.stg_tiktok_ads__ad_insights AS SELECT advertiser_id AS account_id, ad_id, "
        "stat_date AS date_day, UPPER(advertiser_currency) AS currency_code, spend AS spend_local, impressions, clicks "
        "FROM raw_tiktok_ads.ad_insights",
        "INSERT INTO marts.fct_ad_performance_daily SELECT stat_date, 'tiktok', advertiser_id, ad_id, "
        "advertiser_currency, spend, spend, impressions, clicks FROM raw_tiktok_ads.ad_insights",
    )
