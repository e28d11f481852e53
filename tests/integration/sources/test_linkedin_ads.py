"""LinkedIn Ads connector against the sandbox LinkedIn Marketing API replica."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import SourceApiError, find_source_error, rows_extracted
from sources.linkedin_ads import linkedin_ads_source
from sources.linkedin_ads import settings as li_settings
from sources.linkedin_ads.helpers import AD_INSIGHTS_SCHEMA

DATASET = "raw_linkedin_ads"
ACCOUNT = credentials.LINKEDIN_ADS_ACCOUNT_IDS[0]

Row = tuple[Decimal, int, Decimal, int, int]


def li_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        **credentials.source_settings(server.url)["linkedin_ads"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[tuple[str, str, dt.date], Row]:
    """(account, creative, UTC day) -> (cost, conversions, conversion value, impressions, clicks) at as_of."""
    out = {}
    for row in server.world.ad_days_for(ACCOUNT):
        seen = server.world.seen_ad(row)
        out[(ACCOUNT, row.ad.ad_id, row.day)] = (
            Decimal(seen.spend_cents) / 100,
            seen.purchases,
            Decimal(seen.purchase_value_cents) / 100,
            row.impressions,
            row.clicks,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, dt.date], Row]:
    rows = helpers.query(
        db,
        "select account_id, creative_id, date, cost_in_local_currency, external_website_conversions, "
        f"conversion_value_in_local_currency, impressions, clicks from {DATASET}.ad_insights",
    )
    assert len(rows) == len({(a, c, d) for a, c, d, *_ in rows}), "duplicate (account, creative, day) rows"
    return {(a, c, d): (cost, n, value, imp, clk) for a, c, d, cost, n, value, imp, clk in rows}


def run(helpers: Any, server: SandboxServer, base: Path, **overrides: Any) -> Any:
    """One first run into a new warehouse under `base`; returns the pipeline."""
    pipeline = helpers.new_pipeline(base / "w.duckdb", DATASET, base / "pipelines")
    pipeline.run(linkedin_ads_source(**li_kwargs(helpers, server, **overrides)))
    return pipeline


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two-element list pages and 10-day analytics windows, so that paging and windows are exercised."""
    monkeypatch.setattr(li_settings, "LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(li_settings, "WINDOW_DAYS", 10)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small list pages and 10-day analytics windows."""
    base = tmp_path_factory.mktemp("linkedin_ads_first")
    before = helpers.count_requests(sandbox, "/adAnalytics")
    patch = pytest.MonkeyPatch()
    patch.setattr(li_settings, "LIST_PAGE_SIZE", 2)
    patch.setattr(li_settings, "WINDOW_DAYS", 10)
    try:
        pipeline = run(helpers, sandbox, base)
    finally:
        patch.undo()
    return {
        "db": base / "w.duckdb",
        "extracted": rows_extracted(pipeline),
        "analytics_requests": helpers.count_requests(sandbox, "/adAnalytics") - before,
    }


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of, known_platforms=("linkedin",))
    months = helpers.query(
        first_run["db"],
        "select strftime(date, '%Y-%m'), sum(cost_in_local_currency), sum(impressions), sum(clicks) "
        f"from {DATASET}.ad_insights group by 1 order by 1",
    )
    assert [m for m, *_ in months] == ["2025-01", "2025-02"]
    for month, cost, impressions, clicks in months:
        assert cost == truth.spend_local(ACCOUNT, month)
        assert impressions == truth.impressions("linkedin", month)
        assert clicks == truth.clicks("linkedin", month)
    assert sum(cost for _, cost, *_ in months) == truth.spend_local(ACCOUNT)
    expected = world_rows(sandbox)
    assert loaded_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights"] == len(expected)
    assert first_run["analytics_requests"] == 6  # 59 days in 10-day windows


def test_every_row_carries_its_account_and_hierarchy(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    [(nulls, currencies, timezones)] = helpers.query(
        first_run["db"],
        "select count(*) filter (where account_id is null or campaign_group_name is null or campaign_name is null "
        "or creative_name is null), list(distinct account_currency), list(distinct account_timezone) "
        f"from {DATASET}.ad_insights",
    )
    assert (nulls, currencies, timezones) == (0, ["USD"], ["UTC"])
    parents = dict(
        ((creative, (group, campaign)) for creative, group, campaign in helpers.query(
            first_run["db"], f"select distinct creative_id, campaign_group_id, campaign_id from {DATASET}.ad_insights"
        ))
    )  # fmt: skip
    world = {r.ad.ad_id: (r.campaign.campaign_id, r.ad.adset_id) for r in sandbox.world.ad_days_for(ACCOUNT)}
    assert parents == world
    accounts = helpers.query(first_run["db"], f"select account_id, name, currency, timezone from {DATASET}.ad_accounts")
    assert accounts == [(ACCOUNT, "Northwind Threads LinkedIn", "USD", "UTC")]


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["cost_in_local_currency"] == "DECIMAL(18,6)" and types["date"] == "DATE"
    assert types["impressions"] == "BIGINT" and types["external_website_conversions"] == "BIGINT"
    assert set(types) == {*AD_INSIGHTS_SCHEMA.names, "_dlt_load_id", "_dlt_id"}


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any], sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(linkedin_ads_source(**li_kwargs(helpers, sandbox_next)))

    since = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert any(key[2] == sandbox_next.as_of - dt.timedelta(days=1) for key in window), "the new day is read"
    assert loaded_rows(helpers, db) == expected
    assert [k for k, v in world_rows(sandbox).items() if expected[k] != v], "the sandbox should restate recent days"
    truth = Truth(sandbox_next.as_of, known_platforms=("linkedin",))
    [(cost,)] = helpers.query(db, f"select sum(cost_in_local_currency) from {DATASET}.ad_insights")
    assert cost == truth.spend_local(ACCOUNT)


def test_429_without_retry_after_is_retried_with_exponential_backoff(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = faulty_sandbox(Faults(rate_limit_first_n={"liads_analytics": 3, "liads_accounts": 1}))
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        run(helpers, server, tmp_path)
    elapsed = time.perf_counter() - started
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 4 and all("HTTP 429" in m and "linkedin_ads" in m for m in retries)
    waits = [float(re.search(r"retrying in ([0-9.]+) s", m)[1]) for m in retries]
    assert all(w > 0 for w in waits) and elapsed >= sum(waits) / 2  # waits, even with several windows in parallel
    assert not any(credentials.LINKEDIN_ADS_ACCESS_TOKEN in r.getMessage() for r in caplog.records)


def test_5xx_burst_is_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(server_errors_first_n={"liads": 4}))
    pipeline = run(helpers, server, tmp_path)
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    assert rows_extracted(pipeline)["ad_insights"] == len(world_rows(server))


def test_duplicate_page_leaves_no_duplicate_and_loses_nothing(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, small_pages: None
) -> None:
    server = faulty_sandbox(Faults(duplicate_page=("liads",)))
    pipeline = run(helpers, server, tmp_path)
    expected = world_rows(server)
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == expected
    assert rows_extracted(pipeline)["ad_insights"] == len(expected)
    [(unnamed,)] = helpers.query(
        tmp_path / "w.duckdb", f"select count(*) filter (where creative_name is null) from {DATASET}.ad_insights"
    )
    assert unnamed == 0


def test_unexpected_new_field_leaves_rows_equal_to_truth(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    """Records with a field the connector has never seen load unchanged; the connector keeps its contract's
    columns (it shapes every row explicitly), so the field does not land."""
    server = faulty_sandbox(Faults(extra_field=("liads",)))
    run(helpers, server, tmp_path)
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    columns = {
        name
        for (name,) in helpers.query(
            tmp_path / "w.duckdb",
            f"select column_name from information_schema.columns where table_schema = '{DATASET}'",
        )
    }
    assert EXTRA_FIELD not in columns and "cost_in_local_currency" in columns


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (credentials.LINKEDIN_ADS_EXPIRED_TOKEN, "EXPIRED_ACCESS_TOKEN"),
        ("AQX-wrong-linkedin-ads-token-123", "INVALID_ACCESS_TOKEN"),
    ],
)
def test_expired_or_invalid_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path, token: str, code: str
) -> None:
    message = helpers.auth_failure(
        tmp_path, DATASET, linkedin_ads_source, li_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("linkedin_ads: GET /adAccounts/{id} for account 508123456 failed (HTTP 401")
    assert f"code {code}" in message
    assert "refresh token" in message and "set sources.linkedin_ads.access_token" in message


def test_sunset_version_names_the_setting(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(Exception) as raised:
        pipeline.run(linkedin_ads_source(**li_kwargs(helpers, sandbox, linkedin_version="202401")))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceApiError) and error.status == 426
    assert "set sources.linkedin_ads.linkedin_version" in str(error)
