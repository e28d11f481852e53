"""X Ads connector against the sandbox X Ads API replica (OAuth 1.0a, 7-day synchronous stats)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.x_ads import settings as x_ads_settings
from sources.x_ads import x_ads_source

DATASET = "raw_x_ads"
ACCOUNT = credentials.X_ADS_ACCOUNT_IDS[0]

Row = tuple[Decimal, int, int, int, int]


def x_ads_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        **credentials.source_settings(server.url)["x_ads"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[tuple[str, str, dt.date], Row]:
    """(account, promoted tweet, day) -> (spend, impressions, link clicks, purchases, sale amount micros)."""
    out = {}
    for row in server.world.ad_days_for(ACCOUNT):
        seen = server.world.seen_ad(row)
        value = seen.purchase_value_cents * 10_000
        out[(ACCOUNT, row.ad.ad_id, row.day)] = (
            Decimal(seen.spend_cents) / 100,
            row.impressions,
            row.clicks,
            seen.purchases,
            value,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, dt.date], Row]:
    rows = helpers.query(
        db,
        "select account_id, promoted_tweet_id, stat_date, "
        "cast(cast(billed_charge_local_micro as decimal(24, 0)) / 1000000 as decimal(18, 2)), impressions, "
        "url_clicks, coalesce(conversion_purchases_metric, 0), coalesce(conversion_purchases_sale_amount, 0) "
        f"from {DATASET}.ad_insights",
    )
    return {(a, ad, d): (spend, imp, clicks, n, value) for a, ad, d, spend, imp, clicks, n, value in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small entity pages (so every listing needs several pages)."""
    base = tmp_path_factory.mktemp("x_ads_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/xads/12/stats/")
    patch = pytest.MonkeyPatch()
    patch.setattr(x_ads_settings, "PAGE_SIZE", 3)
    try:
        pipeline.run(x_ads_source(**x_ads_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "stats_requests": helpers.count_requests(sandbox, "/xads/12/stats/") - before,
    }


def test_full_load_equals_the_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of, known_platforms=("x",))
    loaded = helpers.query(
        first_run["db"],
        "select strftime(stat_date, '%Y-%m'), sum(billed_charge_local_micro), sum(impressions), sum(url_clicks) "
        f"from {DATASET}.ad_insights group by 1 order by 1",
    )
    assert [m for m, *_ in loaded] == ["2025-01", "2025-02"]
    for month, micros, impressions, clicks in loaded:
        assert Decimal(micros) / 10**6 == truth.spend_local(ACCOUNT, month)
        assert Decimal(micros) / 10**6 == truth.spend("x", month)  # a USD account
        assert (impressions, clicks) == (truth.impressions("x", month), truth.clicks("x", month))
    assert loaded_rows(helpers, first_run["db"]) == world_rows(sandbox)
    assert first_run["extracted"]["ad_insights"] == len(world_rows(sandbox))
    # 59 days = 9 seven-day windows; the first campaign starts on 2025-01-20, so the two windows before it are skipped
    assert first_run["stats_requests"] == 7


def test_every_row_carries_its_account(first_run: dict[str, Any], helpers: Any) -> None:
    [(accounts, currencies, timezones, nulls, names)] = helpers.query(
        first_run["db"],
        "select count(distinct account_id), count(distinct account_currency), max(account_timezone), "
        "count(*) filter (where account_id is null or account_currency is null or campaign_name is null), "
        f"count(distinct line_item_name) from {DATASET}.ad_insights",
    )
    assert (accounts, currencies, timezones, nulls) == (1, 1, "America/New_York", 0) and names > 0
    assert helpers.query(
        first_run["db"], f"select account_id, name, currency, timezone from {DATASET}.ad_accounts"
    ) == [(ACCOUNT, "Northwind Threads X Ads", "USD", "America/New_York")]
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["billed_charge_local_micro"] == "BIGINT" and types["stat_date"] == "DATE"


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any], sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(x_ads_source(**x_ads_kwargs(helpers, sandbox_next)))
    since = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert loaded_rows(helpers, db) == expected
    [(rows, keys)] = helpers.query(
        db, f"select count(*), count(distinct (promoted_tweet_id, stat_date)) from {DATASET}.ad_insights"
    )
    assert rows == keys == len(expected)
    assert [k for k, v in world_rows(sandbox).items() if expected[k] != v], "the sandbox should restate recent days"


def test_429_waits_for_the_rate_limit_reset_and_500s_are_retried(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path
) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"xads_stats": 1, "xads_accounts": 1},
            server_errors_first_n={"xads_stats": 3},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(x_ads_source(**x_ads_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0  # waited until x-rate-limit-reset
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    stats_requests = [t for _, t in server.requests if "/xads/12/stats/" in t]
    assert len(stats_requests) == 7 + 4  # every serving window once, plus 1 throttled and 3 failed attempts


def test_duplicate_page_leaves_no_duplicate_and_loses_nothing(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = faulty_sandbox(Faults(duplicate_page=("xads",)))
    monkeypatch.setattr(x_ads_settings, "PAGE_SIZE", 2)
    db = tmp_path / "w.duckdb"
    helpers.new_pipeline(db, DATASET, tmp_path / "pipelines").run(x_ads_source(**x_ads_kwargs(helpers, server)))
    assert loaded_rows(helpers, db) == world_rows(server)
    [(rows,)] = helpers.query(db, f"select count(*) from {DATASET}.ad_insights")
    assert rows == len(world_rows(server))


def test_unexpected_new_field_leaves_rows_equal_to_the_truth(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(extra_field=("xads",)))
    db = tmp_path / "w.duckdb"
    helpers.new_pipeline(db, DATASET, tmp_path / "pipelines").run(x_ads_source(**x_ads_kwargs(helpers, server)))
    assert loaded_rows(helpers, db) == world_rows(server)
    columns = {c for (c,) in helpers.query(db, "select column_name from information_schema.columns")}
    assert "sandbox_added_field" not in columns  # only documented metrics are loaded


@pytest.mark.parametrize("field", ["access_token_secret", "consumer_secret"])
def test_refused_credentials_fail_with_a_clear_error_without_the_secret(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path, field: str
) -> None:
    secret = f"revoked-{field}-0123456789"
    message = helpers.auth_failure(
        tmp_path, DATASET, x_ads_source, x_ads_kwargs(helpers, sandbox, **{field: secret}), secret
    )
    assert message.startswith(f"x_ads: GET /accounts/{ACCOUNT} for account {ACCOUNT}")
    assert "HTTP 401" in message and "code UNAUTHORIZED_ACCESS" in message
    assert "This request is not properly authenticated" in message
    assert "sources.x_ads.access_token_secret" in message
    assert credentials.X_ADS_ACCESS_TOKEN not in message and credentials.X_ADS_CONSUMER_SECRET not in message
