"""Pinterest Ads connector against the sandbox Pinterest API v5 ads replica."""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.pinterest_ads import pinterest_ads_source
from sources.pinterest_ads import settings as pinterest_ads_settings

DATASET = "raw_pinterest_ads"
ACCOUNT = credentials.PINTEREST_AD_ACCOUNT_IDS[0]

Key = tuple[str, str, dt.date]
Row = tuple[int, int, int, int | None, int | None]


def pinterest_ads_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        **credentials.source_settings(server.url)["pinterest_ads"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[Key, Row]:
    """(account, ad, day) -> (spend micros, impressions, clicks, checkouts, checkout value micros) at as_of."""
    out = {}
    for row in server.world.ad_days_for(ACCOUNT):
        seen = server.world.seen_ad(row)
        out[(ACCOUNT, row.ad.ad_id, row.day)] = (
            seen.spend_cents * 10_000,
            row.impressions,
            row.clicks,
            seen.purchases or None,  # Pinterest leaves out a conversion column without a value
            seen.purchase_value_cents * 10_000 or None,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[Key, Row]:
    rows = helpers.query(
        db,
        "select ad_account_id, ad_id, date, spend_in_micro_dollar, total_impression, total_clickthrough, "
        f"total_checkout, total_checkout_value_in_micro_dollar from {DATASET}.ad_insights",
    )
    keys = [(a, ad, d) for a, ad, d, *_ in rows]
    assert len(keys) == len(set(keys)), "duplicate (account, ad, day) rows"
    return {(a, ad, d): tuple(values) for a, ad, d, *values in rows}


def monthly(helpers: Any, db: Path) -> dict[str, tuple[Decimal, int, int]]:
    """Month -> (spend in account currency units, impressions, clicks) loaded."""
    rows = helpers.query(
        db,
        "select strftime(date, '%Y-%m'), sum(spend_in_micro_dollar), sum(total_impression), "
        f"sum(total_clickthrough) from {DATASET}.ad_insights group by 1",
    )
    return {month: (Decimal(int(micros)) / 1_000_000, int(imp), int(clk)) for month, micros, imp, clk in rows}


def truth_monthly(server: SandboxServer, months: Any) -> dict[str, tuple[Decimal, int, int]]:
    truth = Truth(server.as_of, known_platforms=("pinterest",))
    return {
        m: (truth.spend_local(ACCOUNT, m), truth.impressions("pinterest", m), truth.clicks("pinterest", m))
        for m in months
    }


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages and ad batches (several list pages and analytics calls)."""
    base = tmp_path_factory.mktemp("pinterest_ads_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/ads/analytics")
    patch = pytest.MonkeyPatch()
    patch.setattr(pinterest_ads_settings, "PAGE_SIZE", 3)
    patch.setattr(pinterest_ads_settings, "MAX_AD_IDS", 3)
    try:
        pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "analytics_requests": helpers.count_requests(sandbox, "/ads/analytics") - before,
    }


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    loaded = monthly(helpers, first_run["db"])
    assert set(loaded) == {"2025-01", "2025-02"}
    assert loaded == truth_monthly(sandbox, loaded)
    assert sum(spend for spend, _, _ in loaded.values()) == Truth(
        sandbox.as_of, known_platforms=("pinterest",)
    ).spend_local(ACCOUNT)


def test_every_row_is_loaded_with_its_account(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    expected = world_rows(sandbox)
    assert loaded_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights"] == len(expected)
    ads = {row.ad.ad_id for row in sandbox.world.ad_days_for(ACCOUNT)}
    assert first_run["analytics_requests"] >= -(-len(ads) // 3)  # ad ids go 3 a request (patched MAX_AD_IDS)
    accounts = helpers.query(
        first_run["db"], f"select ad_account_id, name, currency, timezone from {DATASET}.ad_accounts"
    )
    assert accounts == [(ACCOUNT, "Northwind Threads Pinterest Ads", "USD", "America/New_York")]
    [(n, accounts_set, names)] = helpers.query(
        first_run["db"],
        "select count(*), count(*) filter (where ad_account_id = ? and account_currency = 'USD' and "
        "account_timezone = 'America/New_York' and campaign_name is not null and ad_group_name is not null "
        f"and ad_name is not null), count(distinct campaign_name) from {DATASET}.ad_insights".replace(
            "?", f"'{ACCOUNT}'"
        ),
    )
    assert n == accounts_set == len(expected) and names == 2


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["spend_in_micro_dollar"] == "BIGINT" and types["total_checkout_value_in_micro_dollar"] == "BIGINT"
    assert types["date"] == "DATE" and types["total_impression"] == "BIGINT"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, sandbox_next)))

    since = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert any(key[2] == sandbox_next.as_of - dt.timedelta(days=1) for key in window), "the new day is read"
    assert loaded_rows(helpers, db) == expected
    assert monthly(helpers, db) == truth_monthly(sandbox_next, ["2025-01", "2025-02", "2025-03"])
    restated = [k for k, v in world_rows(sandbox).items() if expected[k] != v]
    assert restated, "the sandbox should restate recent days"


def test_http_429_waits_for_retry_after(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = faulty_sandbox(Faults(rate_limit_first_n={"pinads_analytics": 1}, retry_after_seconds=1.0))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0  # Retry-After was honoured
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 1 and "HTTP 429" in retries[0]
    assert not any(credentials.PINTEREST_ACCESS_TOKEN in r.getMessage() for r in caplog.records)
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)


def test_5xx_burst_is_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(server_errors_first_n={"pinads": 3}))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, server)))
    assert helpers.count_requests(server, "/pinterest/v5/ad_accounts") >= 3 + 5  # 3 failed, account + 3 lists + report
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)


def test_duplicate_page_loads_no_duplicate_and_loses_nothing(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = faulty_sandbox(Faults(duplicate_page=("pinads",)))
    monkeypatch.setattr(pinterest_ads_settings, "PAGE_SIZE", 3)
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, server)))
    expected = world_rows(server)
    assert rows_extracted(pipeline)["ad_insights"] == len(expected)
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == expected


def test_unexpected_new_field_leaves_rows_equal_to_truth(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    """The connector selects the fields it knows: a field Pinterest adds is not loaded and changes nothing."""
    server = faulty_sandbox(Faults(extra_field=("pinads",)))
    db = tmp_path / "w.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    pipeline.run(pinterest_ads_source(**pinterest_ads_kwargs(helpers, server)))
    assert loaded_rows(helpers, db) == world_rows(server)
    assert monthly(helpers, db) == truth_monthly(server, ["2025-01", "2025-02"])
    columns = helpers.query(db, f"select column_name from information_schema.columns where table_schema = '{DATASET}'")
    assert (EXTRA_FIELD,) not in columns


def test_expired_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = "pina_expired-pinterest-token-123"
    message = helpers.auth_failure(
        tmp_path, DATASET, pinterest_ads_source, pinterest_ads_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith(f"pinterest_ads: GET /ad_accounts/{ACCOUNT} for account {ACCOUNT} failed")
    assert "HTTP 401" in message and "code 2" in message and "Authentication failed." in message
    assert "re-authorize" in message and "set sources.pinterest_ads.access_token" in message


def test_an_account_without_a_time_zone_is_a_clear_config_error(sandbox: SandboxServer, helpers: Any) -> None:
    kwargs = pinterest_ads_kwargs(helpers, sandbox, account_timezones={})
    with pytest.raises(Exception) as raised:
        pinterest_ads_source(**kwargs)
    text = str(raised.value)
    assert f"no time zone configured for ad account(s) {ACCOUNT}" in text
    assert "sources.pinterest_ads.account_timezones" in text
