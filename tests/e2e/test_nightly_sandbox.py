"""The nightly flow end to end on the sandbox: marts equal the sandbox's ground truth to the cent.

One scenario, in order: a first run for RUN_DATE, the next day's incremental run, then runs over a corrupted day that
the gate must stop without touching the published marts (only the failed run's records are added).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from e2e_scenario import (
    NEXT_DATE,
    RUN_DATE,
    Scenario,
    assert_marts_match_truth,
    query,
    run_truth,
    tables_that_differ,
)

from flows.nightly import PipelineError, nightly
from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from socialmart.config import SANDBOX_PII_SALT

pytestmark = pytest.mark.e2e


def test_first_run_reproduces_ground_truth(scenario: Scenario) -> None:
    truth = run_truth(RUN_DATE)
    assert_marts_match_truth(partial(query, scenario.first_snapshot), truth)
    assert scenario.first.gate_success is True
    assert len(truth.months()) >= 18


def test_a_good_run_logs_no_prefect_warnings(scenario: Scenario) -> None:
    # A warning on every night teaches the team to skim past the one that matters (the sources used to warn, each,
    # that their task timeout could not interrupt a worker thread).
    assert scenario.prefect_warnings == []


def test_attributed_revenue_per_campaign(scenario: Scenario) -> None:
    truth = run_truth(RUN_DATE)
    by_campaign = truth.attributed_revenue_by_campaign()
    eur_ids = {c.key for c in truth.world.campaigns if c.account.currency == "EUR"}
    top = sorted(by_campaign, key=by_campaign.get, reverse=True)
    chosen = [*top[:2], next(key for key in top if key in eur_ids)]
    rows = query(
        scenario.first_snapshot,
        "select campaign_key, sum(attributed_revenue) from marts.fct_campaign_performance_daily "
        f"where campaign_key in ({', '.join(repr(k) for k in chosen)}) group by campaign_key",
    )
    assert {key: Decimal(str(value)) for key, value in rows} == {key: by_campaign[key] for key in chosen}


def test_followers_at_month_end(scenario: Scenario) -> None:
    truth = run_truth(RUN_DATE)
    month_end = date(2026, 10, 31)
    rows = query(
        scenario.first_snapshot,
        f"select channel, followers_total from marts.fct_channel_daily where date_day = date '{month_end}' "
        "and channel in ('instagram', 'facebook')",
    )
    assert dict(rows) == {
        "instagram": truth.followers_total("instagram", month_end),
        "facebook": truth.followers_total("facebook", month_end),
    }


def test_report_and_paths_exist(scenario: Scenario) -> None:
    names = [path.name for path in scenario.first.reports]
    assert names == ["pacing-2026-11-09.html", "monthly-targets-2026-10.html", "weekly-campaign-revenue-2026-W45.html"]
    assert all(path.exists() for path in scenario.first.reports)  # the figures: test_reports.py
    assert scenario.first.validation_results and scenario.first.validation_results.exists()
    assert scenario.first.published == scenario.published


def test_second_run_is_incremental_and_merges_restatements(scenario: Scenario) -> None:
    first, second = scenario.first.rows_extracted, scenario.second.rows_extracted
    ads_first, ads_second = first["meta_ads"]["ad_insights"], second["meta_ads"]["ad_insights"]
    ads_per_day = ads_first / (RUN_DATE - date(2025, 1, 1)).days
    # The look-back window (28 days) plus the new day, not the whole history again.
    assert ads_second <= 30 * ads_per_day * 1.5
    assert ads_second < ads_first * 0.1
    tiktok_first, tiktok_second = first["tiktok_ads"]["ad_insights"], second["tiktok_ads"]["ad_insights"]
    assert 0 < tiktok_second < tiktok_first * 0.1
    assert second["shopify"]["orders"] < first["shopify"]["orders"] * 0.05
    # Restated days were merged: the marts equal the truth as seen one day later.
    assert_marts_match_truth(partial(query, scenario.second_snapshot), run_truth(NEXT_DATE))


def _live_env_for(mp: pytest.MonkeyPatch, url: str) -> None:
    """Configure every source as if for real accounts, pointed at a sandbox server."""
    graph = f"{url}/graph/{credentials.GRAPH_API_VERSION}"
    for name, ids_key, ids in (
        ("META_ADS", "ACCOUNT_IDS", credentials.META_AD_ACCOUNT_IDS),
        ("INSTAGRAM", "ACCOUNT_IDS", credentials.INSTAGRAM_ACCOUNT_IDS),
        ("FACEBOOK_PAGES", "PAGE_IDS", credentials.FACEBOOK_PAGE_IDS),
    ):
        mp.setenv(f"SOURCES__{name}__BASE_URL", graph)
        mp.setenv(f"SOURCES__{name}__ACCESS_TOKEN", credentials.META_ACCESS_TOKEN)
        mp.setenv(f"SOURCES__{name}__{ids_key}", json.dumps(list(ids)))
    # Live customer data needs the secret salt; the scenario's history was hashed with the sandbox's, and a real
    # deployment keeps its salt from run to run.
    mp.setenv("SOCIALMART__PII_SALT", SANDBOX_PII_SALT)
    shops = list(credentials.SHOPIFY_SHOPS)
    mp.setenv("SOURCES__SHOPIFY__SHOPS", json.dumps(shops))
    mp.setenv("SOURCES__SHOPIFY__ACCESS_TOKENS", json.dumps({s: credentials.shopify_token(s) for s in shops}))
    mp.setenv("SOURCES__SHOPIFY__SHOP_URL_TEMPLATE", f"{url}/shopify/{{shop}}")
    mp.setenv("SOURCES__TIKTOK_ADS__BASE_URL", f"{url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}")
    mp.setenv("SOURCES__TIKTOK_ADS__ACCESS_TOKEN", credentials.TIKTOK_ACCESS_TOKEN)
    mp.setenv("SOURCES__TIKTOK_ADS__ADVERTISER_IDS", json.dumps(list(credentials.TIKTOK_ADVERTISER_IDS)))


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (Faults(negative_spend_day=NEXT_DATE), "spend"),
        (Faults(duplicate_order_day=NEXT_DATE), "name"),
    ],
    ids=["negative-spend", "duplicated-order"],
)
def test_corrupted_day_fails_gate_and_keeps_published_warehouse(
    scenario: Scenario, tmp_path: Path, faults: Faults, expected: str
) -> None:
    root = tmp_path
    published = root / "warehouse" / "socialmart.duckdb"
    published.parent.mkdir(parents=True)
    shutil.copyfile(scenario.second_snapshot, published)
    run_date = NEXT_DATE + timedelta(days=1)
    with pytest.MonkeyPatch.context() as mp, SandboxServer(as_of=run_date, faults=faults) as server:
        mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
        _live_env_for(mp, server.url)
        with pytest.raises(PipelineError, match="quality gate failed") as failure:
            nightly(run_date=run_date)
    assert expected in str(failure.value)
    assert tables_that_differ(scenario.second_snapshot, published) == ["ops.dq_results", "ops.pipeline_runs"]
    assert tables_that_differ(scenario.second_snapshot, published, skip_schemas=("ops",)) == [], (
        "a failed gate must leave the published marts, raw data and load state exactly as they were"
    )
    assert not (root / "reports").exists(), "no report may be written when the gate fails"
    assert list((root / "warehouse").glob("parquet*")) == [], "no Parquet set may be published"
    assert list((root / "warehouse" / ".build").rglob("*.duckdb")) == []

    [run] = query(
        published,
        "select run_id, status, failed_step, is_published, gate_errors, error_message from ops.pipeline_runs "
        f"where run_id not in ('{scenario.first.run_id}', '{scenario.second.run_id}')",
    )
    run_id, status, failed_step, is_published, gate_errors, error_message = run
    assert (status, failed_step, is_published) == ("failed", "gate", False)
    assert error_message == str(failure.value)
    [(failed_errors,)] = query(
        published,
        f"select count(*) from ops.dq_results where run_id = '{run_id}' and severity = 'error' and not success",
    )
    assert failed_errors == gate_errors >= 1
    latest = root / "warehouse" / "validation" / "latest"
    assert os.readlink(latest) == f"runs/{run_id}", "the failed run's Data Docs are the latest"
    assert (latest / "docs" / "index.html").exists() and str(latest.resolve() / "docs" / "index.html") in error_message
