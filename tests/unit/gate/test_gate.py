"""The gate on small DuckDB warehouses: clean data passes, each kind of defect fails the right check."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from expectations import GateParams, run_gate
from expectations.params import DEFAULT_SOURCES
from socialmart.config import PROJECT_DIR

EXPECTED_CHECKS = {
    "freshness.raw_meta_ads",
    "freshness.raw_shopify",
    "freshness.raw_instagram",
    "freshness.raw_facebook_pages",
    "volume.raw",
    "primary_key.raw_*.ad_insights",
    "primary_key.raw_shopify.orders",
    "unique_order_name.raw_shopify.orders",
    "relationships.marts",
    "spend_non_negative.raw_*.ad_insights",
    "clicks_le_impressions.raw_*.ad_insights",
    "spend_non_negative.marts.fct_ad_performance_daily",
    "clicks_le_impressions.marts.fct_ad_performance_daily",
    "date_not_after_run_date.marts.fct_ad_performance_daily",
    "revenue_local_non_negative.marts.fct_orders_attributed",
    "date_not_after_run_date.marts.fct_orders_attributed",
    "attainment_non_negative.marts.rpt_monthly_targets",
    "naming_compliance.marts.dim_campaigns",
    "target_in_report.marts.rpt_monthly_targets",
    "target_coverage.marts.rpt_monthly_targets",
    "reconcile_ads.marts.fct_ad_performance_daily",
    "reconcile_orders.marts.fct_orders_attributed",
}


def test_clean_warehouse_passes_every_check(warehouse, params: GateParams, tmp_path: Path) -> None:
    result = run_gate(warehouse(), params, docs_dir=tmp_path / "docs")

    assert {c.name for c in result.checks} == EXPECTED_CHECKS
    assert result.success, result.summary()
    assert result.failed == set()
    assert "PASSED" in result.summary()
    assert result.check("freshness.raw_shopify").observed_value == 1
    assert result.check("naming_compliance.marts.dim_campaigns").observed_value == 0.125
    assert result.docs_index == tmp_path / "docs" / "index.html"
    assert result.docs_index.is_file()
    assert list((tmp_path / "docs" / "validations").rglob("*.html"))


def test_records_are_json_serializable(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE raw_meta_ads.ad_insights SET spend = -1.25 WHERE ad_id = 'ad1' AND date_start = DATE '2025-03-05'"
    )
    records = run_gate(path, params).to_records()

    assert len(records) == len(EXPECTED_CHECKS)
    assert json.loads(json.dumps(records))
    bad = next(r for r in records if r["name"] == "spend_non_negative.raw_*.ad_insights")
    assert bad["success"] is False
    assert bad["table_name"] == "raw_*.ad_insights"
    assert bad["column_name"] == "spend"
    assert {"run_date", "severity", "observed_value", "samples", "message", "evaluated", "rule"} <= bad.keys()
    assert json.loads(bad["samples"])[0]["spend"] == "-1.25"


def test_stale_source_fails_freshness(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_instagram.account_insights_daily WHERE \"date\" > DATE '2025-03-01'")
    result = run_gate(path, params)

    assert not result.success
    assert result.failed == {"freshness.raw_instagram"}
    stale = result.check("freshness.raw_instagram")
    assert (stale.table, stale.column, stale.observed_value) == ("raw_instagram.account_insights_daily", "date", 5)
    assert "newest date is 2025-03-01, 5 day(s) before run date 2025-03-06 (limit 2)" in result.summary()


def test_freshness_limits_are_per_source(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_instagram.account_insights_daily WHERE \"date\" > DATE '2025-03-01'")

    assert run_gate(path, replace(params, freshness_days={"raw_instagram": 5})).success
    assert run_gate(path, replace(params, freshness_days=5)).success
    too_strict = run_gate(path, replace(params, freshness_days={"instagram": 4, "raw_shopify": 1}))
    assert too_strict.failed == {"freshness.raw_instagram"}


def test_empty_source_table_fails_freshness(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_facebook_pages.page_insights_daily")
    result = run_gate(path, params)

    assert result.failed == {"freshness.raw_facebook_pages"}
    assert result.check("freshness.raw_facebook_pages").message == "the table has no rows"


def test_missing_raw_schema_gives_a_clear_failure(warehouse, params: GateParams) -> None:
    path = warehouse(
        "DROP TABLE marts.fct_orders_attributed",
        "DROP SCHEMA raw_shopify CASCADE",
    )
    result = run_gate(path, params)

    assert not result.success
    fresh = result.check("freshness.raw_shopify")
    assert not fresh.success
    assert not fresh.evaluated
    assert fresh.message == "source raw_shopify did not load: schema raw_shopify is absent"
    assert "[ERROR] freshness.raw_shopify NOT EVALUATED: raw_shopify.orders.created_at" in result.summary()
    assert "source raw_shopify did not load" in result.summary()
    assert result.check("unique_order_name.raw_shopify.orders").message == (
        "missing input: schema raw_shopify is absent"
    )
    assert result.check("reconcile_orders.marts.fct_orders_attributed").message == (
        "missing input: schema raw_shopify is absent; table marts.fct_orders_attributed is absent"
    )
    assert result.check("freshness.raw_meta_ads").success
    # The checks of a model that is absent are not built; those of the models present still run.
    assert not any(c.table == "marts.fct_orders_attributed" and c.name.startswith("date_") for c in result.checks)
    assert result.check("reconcile_ads.marts.fct_ad_performance_daily").success


def test_missing_column_is_reported_not_raised(warehouse, params: GateParams) -> None:
    path = warehouse("ALTER TABLE marts.fct_ad_performance_daily DROP COLUMN clicks")
    result = run_gate(path, params)

    assert not result.success
    broken = result.check("clicks_le_impressions.marts.fct_ad_performance_daily")
    assert not broken.evaluated
    assert broken.message.startswith("query failed: ")
    assert "clicks" in broken.message
    # Only the checks that read the column fail: a failed query leaves the shared connection usable for the next
    # assets.
    assert result.failed == {
        "spend_non_negative.marts.fct_ad_performance_daily",
        "clicks_le_impressions.marts.fct_ad_performance_daily",
        "date_not_after_run_date.marts.fct_ad_performance_daily",
        "reconcile_ads.marts.fct_ad_performance_daily",
    }
    assert not result.check("reconcile_ads.marts.fct_ad_performance_daily").evaluated


def test_warnings_do_not_fail_the_gate(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.dim_campaigns SET is_naming_compliant = FALSE, naming_issue = 'unknown segment boomers' "
        "WHERE campaign_key IN ('meta:1', 'meta:2', 'meta:3')"
    )
    result = run_gate(path, params)

    warning = result.check("naming_compliance.marts.dim_campaigns")
    assert warning.severity == "warning"
    assert not warning.success
    assert warning.observed_value == 0.5
    assert len(warning.samples) == 4
    assert {"campaign_key", "campaign_name", "naming_issue"} <= warning.samples[0].keys()
    assert result.success
    assert result.warnings == [warning]
    assert "PASSED" in result.summary()
    assert "Warnings:" in result.summary()


def test_file_is_closed_after_the_gate(warehouse, params: GateParams) -> None:
    path = warehouse("UPDATE raw_meta_ads.ad_insights SET spend = -1 WHERE ad_id = 'ad1'")
    run_gate(path, params)

    connection = duckdb.connect(str(path))  # read-write in this process: fails if a read-only handle is left
    connection.execute("CREATE TABLE marts.after_gate AS SELECT 1 AS x")
    connection.execute("CHECKPOINT")
    connection.close()
    script = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute('DROP TABLE marts.after_gate'); c.close()"
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def test_missing_file_raises(tmp_path: Path, params: GateParams) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.duckdb"):
        run_gate(tmp_path / "nope.duckdb", params)


def test_only_the_runs_sources_are_judged(warehouse, params: GateParams) -> None:
    """A source that is not part of the run (not configured) is not judged; one that is but did not load fails."""
    path = warehouse("DROP SCHEMA raw_instagram CASCADE")
    without_instagram = replace(params, sources=("meta_ads", "shopify", "facebook_pages"))

    result = run_gate(path, without_instagram)
    assert result.success, result.summary()
    assert not any(c.name == "freshness.raw_instagram" for c in result.checks)

    expected_tiktok = run_gate(path, replace(without_instagram, sources=(*without_instagram.sources, "tiktok_ads")))
    assert expected_tiktok.failed == {"freshness.raw_tiktok_ads"}
    assert expected_tiktok.check("freshness.raw_tiktok_ads").message == (
        "source raw_tiktok_ads did not load: schema raw_tiktok_ads is absent"
    )


def test_sparse_sources_are_judged_by_their_newest_load(warehouse, params: GateParams) -> None:
    """An ad account may deliver nothing for days; its source is stale only when it stops loading."""
    loads = (
        "CREATE SCHEMA raw_snapchat_ads; "
        "CREATE TABLE raw_snapchat_ads._dlt_loads (load_id VARCHAR, status BIGINT, inserted_at TIMESTAMPTZ); "
        "INSERT INTO raw_snapchat_ads._dlt_loads VALUES "
        "('1', 0, TIMESTAMPTZ '2025-02-20 03:00:00+00'), ('2', 0, TIMESTAMPTZ '{last_ok}'), "
        "('3', 1, TIMESTAMPTZ '2025-03-06 04:00:00+00')"
    )
    with_snapchat = replace(params, sources=(*DEFAULT_SOURCES, "snapchat_ads"))

    fresh = run_gate(warehouse(loads.format(last_ok="2025-03-05 04:00:00+00")), with_snapchat)
    assert fresh.success, fresh.summary()
    assert fresh.check("freshness.raw_snapchat_ads").observed_value == 1

    stale = run_gate(warehouse(loads.format(last_ok="2025-03-01 04:00:00+00")), with_snapchat)
    assert stale.failed == {"freshness.raw_snapchat_ads"}
    assert "newest inserted_at is 2025-03-01, 5 day(s) before run date 2025-03-06 (limit 2)" in stale.summary()


PRELOAD = """
import sys
from expectations.gate import preload
assert "great_expectations" not in sys.modules, "importing the gate module must not import GX"
preload()
print("great_expectations" in sys.modules, "expectations.runner" in sys.modules)
"""


def test_the_gate_modules_can_be_imported_ahead_of_the_gate() -> None:
    """`socialmart run` does this while Prefect's server starts (issue 8); in a fresh interpreter, where GX is not
    imported yet."""
    result = subprocess.run(
        [sys.executable, "-c", PRELOAD],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True"]
