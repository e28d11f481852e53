"""The nightly flow end to end on the sandbox: marts equal the sandbox's ground truth to the cent.

One scenario, in order: a first run for RUN_DATE, the next day's incremental run, then runs over a corrupted day that
the gate must stop without touching the published warehouse.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.nightly import PipelineError, RunSummary, nightly
from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth

pytestmark = pytest.mark.e2e

RUN_DATE = date(2026, 11, 10)
NEXT_DATE = RUN_DATE + timedelta(days=1)


@dataclass
class Scenario:
    """The two good runs and a snapshot of the published warehouse after each."""

    root: Path
    first: RunSummary
    first_snapshot: Path
    second: RunSummary
    second_snapshot: Path

    @property
    def published(self) -> Path:
        return self.root / "warehouse" / "socialmart.duckdb"


def _snapshot(published: Path, target: Path) -> Path:
    shutil.copyfile(published, target)
    return target


@pytest.fixture(scope="module")
def scenario(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("nightly")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
        published = root / "warehouse" / "socialmart.duckdb"
        first = nightly(run_date=RUN_DATE, sandbox=True)
        first_snapshot = _snapshot(published, root / "after-first.duckdb")
        second = nightly(run_date=NEXT_DATE, sandbox=True)
        second_snapshot = _snapshot(published, root / "after-second.duckdb")
        yield Scenario(root, first, first_snapshot, second, second_snapshot)


def _query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _spend_by_platform_month(db: Path) -> dict[tuple[str, str], Decimal]:
    rows = _query(
        db,
        "select platform, strftime(date_day, '%Y-%m') as month, sum(spend) "
        "from marts.fct_ad_performance_daily group by platform, month",
    )
    return {(platform, month): Decimal(str(spend)) for platform, month, spend in rows}


def _store_revenue_by_month(db: Path) -> dict[str, Decimal]:
    rows = _query(
        db,
        "select strftime(date_day, '%Y-%m') as month, sum(attributed_revenue) "
        "from marts.fct_channel_daily group by month",
    )
    return {month: Decimal(str(revenue)) for month, revenue in rows if revenue is not None}


def _assert_marts_match_truth(db: Path, truth: Truth) -> None:
    expected_spend = {key: value for key, value in truth.spend_by_platform_month().items() if key[0] == "meta"}
    assert _spend_by_platform_month(db) == expected_spend

    expected_revenue = {month: truth.revenue(month) for month in truth.months()}
    assert _store_revenue_by_month(db) == expected_revenue

    [(orders,)] = _query(db, "select count(*) from marts.fct_orders_attributed")
    assert orders == truth.orders()
    [(revenue_total,)] = _query(db, "select sum(revenue) from marts.fct_orders_attributed")
    assert Decimal(str(revenue_total)) == truth.revenue(), "order-level revenue must conserve store revenue"


def test_first_run_reproduces_ground_truth(scenario: Scenario) -> None:
    truth = Truth(RUN_DATE)
    _assert_marts_match_truth(scenario.first_snapshot, truth)
    assert scenario.first.gate_success is True
    assert len(truth.months()) >= 18


def test_attributed_revenue_per_campaign(scenario: Scenario) -> None:
    truth = Truth(RUN_DATE)
    by_campaign = truth.attributed_revenue_by_campaign()
    eur_ids = {c.key for c in truth.world.campaigns if c.account.currency == "EUR"}
    top = sorted(by_campaign, key=by_campaign.get, reverse=True)
    chosen = [*top[:2], next(key for key in top if key in eur_ids)]
    rows = _query(
        scenario.first_snapshot,
        "select campaign_key, sum(attributed_revenue) from marts.fct_campaign_performance_daily "
        f"where campaign_key in ({', '.join(repr(k) for k in chosen)}) group by campaign_key",
    )
    assert {key: Decimal(str(value)) for key, value in rows} == {key: by_campaign[key] for key in chosen}


def test_followers_at_month_end(scenario: Scenario) -> None:
    truth = Truth(RUN_DATE)
    month_end = date(2026, 10, 31)
    rows = _query(
        scenario.first_snapshot,
        f"select channel, followers_total from marts.fct_channel_daily where date_day = date '{month_end}' "
        "and channel in ('instagram', 'facebook')",
    )
    assert dict(rows) == {
        "instagram": truth.followers_total("instagram", month_end),
        "facebook": truth.followers_total("facebook", month_end),
    }


def test_report_and_paths_exist(scenario: Scenario) -> None:
    html, csv = scenario.first.reports
    assert html.name == "monthly-targets-2026-10.html" and html.exists()
    assert csv.read_text().count("\n") > 1
    assert scenario.first.validation_results and scenario.first.validation_results.exists()
    assert scenario.first.published == scenario.published


def test_second_run_is_incremental_and_merges_restatements(scenario: Scenario) -> None:
    first, second = scenario.first.rows_extracted, scenario.second.rows_extracted
    ads_first, ads_second = first["meta_ads"]["ad_insights"], second["meta_ads"]["ad_insights"]
    ads_per_day = ads_first / (RUN_DATE - date(2025, 1, 1)).days
    # The look-back window (28 days) plus the new day, not the whole history again.
    assert ads_second <= 30 * ads_per_day * 1.5
    assert ads_second < ads_first * 0.1
    assert second["shopify"]["orders"] < first["shopify"]["orders"] * 0.05
    # Restated days were merged: the marts equal the truth as seen one day later.
    _assert_marts_match_truth(scenario.second_snapshot, Truth(NEXT_DATE))


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
    shops = list(credentials.SHOPIFY_SHOPS)
    mp.setenv("SOURCES__SHOPIFY__SHOPS", json.dumps(shops))
    mp.setenv("SOURCES__SHOPIFY__ACCESS_TOKENS", json.dumps({s: credentials.shopify_token(s) for s in shops}))
    mp.setenv("SOURCES__SHOPIFY__SHOP_URL_TEMPLATE", f"{url}/shopify/{{shop}}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    before = _digest(published)
    run_date = NEXT_DATE + timedelta(days=1)
    with pytest.MonkeyPatch.context() as mp, SandboxServer(as_of=run_date, faults=faults) as server:
        mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
        _live_env_for(mp, server.url)
        with pytest.raises(PipelineError, match="quality gate failed") as failure:
            nightly(run_date=run_date)
    assert expected in str(failure.value)
    assert _digest(published) == before, "a failed gate must leave the published warehouse byte-identical"
    assert not (root / "reports").exists(), "no report may be written when the gate fails"
    assert list((root / "warehouse" / ".build").rglob("*.duckdb")) == []
