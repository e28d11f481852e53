"""Keys: raw primary keys of every ad platform and of Shopify orders, and the relationships dbt does not test."""

from __future__ import annotations

from pathlib import Path

import yaml

from expectations import GateParams, run_gate
from expectations.suites.keys import FOREIGN_KEYS

AD_KEYS = "primary_key.raw_*.ad_insights"
ORDER_ID = "primary_key.raw_shopify.orders"
ORDER_NAME = "unique_order_name.raw_shopify.orders"
RELATIONSHIPS = "relationships.marts"
MODELS = Path(__file__).resolve().parents[3] / "dbt_project" / "models"
# Columns that hold a date or a dimension's value but are attributes, not keys of the calendar or a dimension.
NOT_KEYS = {("rpt_weekly_campaign_revenue", "launch_month")}


def _duplicate(table: str, where: str) -> str:
    """SQL re-inserting a table's rows matching ``where`` as a newer load (dlt load id '2')."""
    return f"INSERT INTO {table} SELECT * REPLACE ('2' AS _dlt_load_id) FROM {table} WHERE {where}"


def _by_key(samples: list[dict]) -> list[dict]:
    """Samples in key order (the database returns groups in any order)."""
    return sorted(samples, key=lambda s: (s["table_name"], s["key_value"]))


def test_duplicated_raw_keys_of_every_platform_and_of_orders_fail(
    warehouse, params: GateParams, tiktok_sql: tuple[str, ...]
) -> None:
    path = warehouse(
        *tiktok_sql,
        _duplicate("raw_meta_ads.ad_insights", "account_id = '1002' AND ad_id = 'ad2' AND date_start = '2025-03-04'"),
        _duplicate("raw_tiktok_ads.ad_insights", "ad_id = 't1'"),
        _duplicate("raw_shopify.orders", "shop = 'northwind-eu' AND id = 2"),
        "INSERT INTO raw_shopify.orders VALUES "
        "('northwind-us', 77, '#1002', TIMESTAMPTZ '2025-03-05 22:10:00+00', 'USD', FALSE, '2')",
    )
    result = run_gate(path, params)

    assert {AD_KEYS, ORDER_ID, ORDER_NAME} <= result.failed
    ads = result.check(AD_KEYS)
    assert (ads.table, ads.column, ads.observed_value) == ("raw_*.ad_insights", "primary key", 2)
    assert ads.message == "2 key value(s) occur more than once"
    assert _by_key(ads.samples) == [
        {
            "table_name": "raw_meta_ads.ad_insights",
            "key_columns": "account_id, ad_id, date_start",
            "key_value": "1002 | ad2 | 2025-03-04",
            "rows_per_key": 2,
        },
        {
            "table_name": "raw_tiktok_ads.ad_insights",
            "key_columns": "advertiser_id, ad_id, stat_date",
            "key_value": "7001 | t1 | 2025-03-05",
            "rows_per_key": 2,
        },
    ]
    order_id = result.check(ORDER_ID)
    assert (order_id.table, order_id.column, order_id.observed_value) == ("raw_shopify.orders", "shop, id", 1)
    assert order_id.samples == [
        {
            "table_name": "raw_shopify.orders",
            "key_columns": "shop, id",
            "key_value": "northwind-eu | 2",
            "rows_per_key": 2,
        }
    ]
    names = result.check(ORDER_NAME)
    assert _by_key(names.samples) == [
        {
            "table_name": "raw_shopify.orders",
            "key_columns": "shop, name",
            "key_value": "northwind-eu | #1002",
            "rows_per_key": 2,
        },
        {
            "table_name": "raw_shopify.orders",
            "key_columns": "shop, name",
            "key_value": "northwind-us | #1002",
            "rows_per_key": 2,
        },
    ]
    assert "unique_order_name.raw_shopify.orders FAILED: raw_shopify.orders.shop, name" in result.summary()


def test_raw_keys_are_read_over_the_newest_loads_keys(warehouse, params: GateParams) -> None:
    """Only the newest load can add a duplicate (dlt merges on the key, and the published file passed the gate):
    an old duplicate outside the newest load's days is dbt's business (the marts' primary keys), not the gate's."""
    old_duplicate = warehouse(
        "INSERT INTO raw_meta_ads.ad_insights SELECT * FROM raw_meta_ads.ad_insights "
        "WHERE account_id = '1001' AND ad_id = 'ad1' AND date_start = '2025-03-01'",
        "UPDATE raw_meta_ads.ad_insights SET _dlt_load_id = '2' WHERE date_start >= '2025-03-04'",
        "INSERT INTO marts.fct_ad_performance_daily SELECT * FROM marts.fct_ad_performance_daily "
        "WHERE account_id = '1001' AND ad_id = 'ad1' AND date_day = '2025-03-01'",
    )
    result = run_gate(old_duplicate, params)

    assert result.success, result.summary()
    assert result.check(AD_KEYS).observed_value == 0


def test_values_missing_from_their_dimension_fail_relationships(warehouse, params: GateParams) -> None:
    path = warehouse(
        "INSERT INTO marts.fct_ad_performance_daily VALUES "
        "(DATE '2024-12-31', 'meta', '1001', 'ad9', 'USD', 0, 0, 10, 1), "
        "(DATE '2025-01-02', 'snapchat', '8a3c', 'ad9', 'GBP', 0, 0, 10, 1), "
        "(DATE '2025-01-03', 'snapchat', '8a3c', 'ad8', 'GBP', 0, 0, 10, 1)",
        "INSERT INTO marts.rpt_monthly_targets VALUES "
        "(DATE '2025-02-01', 'spend', 'all', 'all', 100, 90, 0.9, 'at_risk'), "
        "(DATE '2025-02-01', 'orders', 'all', 'boomers', 10, 9, 0.9, 'at_risk'), "
        # A plan beyond the calendar's horizon (the fixture's dim_date ends with 2025) is no orphan.
        "(DATE '2026-02-01', 'orders', 'all', 'all', 10, NULL, NULL, 'no_data')",
    )
    result = run_gate(path, params)

    assert RELATIONSHIPS in result.failed
    bad = result.check(RELATIONSHIPS)
    assert (bad.observed_value, bad.message) == (3, "3 value(s) are missing from their dimension")
    assert sorted(bad.samples, key=lambda s: s["fk_value"]) == [
        {
            "table_name": "marts.fct_ad_performance_daily",
            "column_name": "date_day",
            "dimension": "marts.dim_date.date_day",
            "fk_value": "2024-12-31",
            "orphan_rows": 1,
        },
        {
            "table_name": "marts.rpt_monthly_targets",
            "column_name": "segment",
            "dimension": "marts.dim_segments.segment",
            "fk_value": "boomers",
            "orphan_rows": 1,
        },
        {
            "table_name": "marts.fct_ad_performance_daily",
            "column_name": "platform",
            "dimension": "marts.dim_channels.channel",
            "fk_value": "snapchat",
            "orphan_rows": 2,
        },
    ]


def _dbt_models() -> dict[str, dict]:
    """The fact and report models of the dbt project, by name, as their yml files declare them."""
    models = {}
    for path in [*MODELS.glob("marts/*.yml"), *MODELS.glob("reports/*.yml")]:
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            if model["name"].startswith(("fct_", "rpt_")):
                models[model["name"]] = model
    return models


def test_relationships_are_split_with_dbt_without_gap_or_overlap() -> None:
    """Every date, channel, platform, segment and campaign column of a fact or report model is tested for its
    dimension exactly once: by a dbt relationships test or by the gate."""
    dbt_tested, key_columns = set(), set()
    for name, model in _dbt_models().items():
        for column in model.get("columns") or []:
            is_key = column.get("data_type") == "date" or column["name"] in (
                "channel", "platform", "segment", "customer_segment", "campaign_key"
            )  # fmt: skip
            if is_key and (name, column["name"]) not in NOT_KEYS:
                key_columns.add((name, column["name"]))
            for test in column.get("data_tests") or []:
                if isinstance(test, dict) and "relationships" in test:
                    dbt_tested.add((name, column["name"]))
    gate_tested = {(fk.table.removeprefix("marts."), fk.column) for fk in FOREIGN_KEYS}

    assert dbt_tested & gate_tested == set()
    assert key_columns - dbt_tested - gate_tested == set()
    assert gate_tested <= key_columns
