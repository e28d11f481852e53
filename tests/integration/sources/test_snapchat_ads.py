"""Snapchat Ads connector against the sandbox Snapchat Marketing API replica."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials, snapchat_ads_api
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.snapchat_ads import snapchat_ads_source

DATASET = "raw_snapchat_ads"
ACCOUNT = credentials.SNAPCHAT_AD_ACCOUNT_IDS[0]
TOKEN_PATH = "/snapchat/login/oauth2/access_token"

Row = tuple[int, int, int, int, int]


def snapchat_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        **credentials.source_settings(server.url)["snapchat_ads"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[tuple[str, str, dt.date], Row]:
    """(account, ad, day) -> (spend micros, impressions, swipes, purchases, purchase value micros) at as_of."""
    out = {}
    for row in server.world.ad_days_for(ACCOUNT):
        seen = server.world.seen_ad(row)
        out[(ACCOUNT, row.ad.ad_id, row.day)] = (
            seen.spend_cents * 10_000,
            row.impressions,
            row.clicks,
            seen.purchases,
            seen.purchase_value_cents * 10_000,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, dt.date], Row]:
    rows = helpers.query(
        db,
        "select ad_account_id, ad_id, date, spend, impressions, swipes, conversion_purchases, "
        f"conversion_purchases_value from {DATASET}.ad_insights",
    )
    return {(a, ad, d): (spend, imp, sw, n, value) for a, ad, d, spend, imp, sw, n, value in rows}


def assert_no_duplicates(helpers: Any, db: Path) -> None:
    [(rows, keys)] = helpers.query(
        db, f"select count(*), count(distinct (ad_account_id, ad_id, date)) from {DATASET}.ad_insights"
    )
    assert rows == keys > 0


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("snapchat_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    pipeline.run(snapchat_ads_source(**snapchat_kwargs(helpers, sandbox)))
    return {"db": db, "extracted": rows_extracted(pipeline)}


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of, known_platforms=("snapchat",))
    loaded = helpers.query(
        first_run["db"],
        "select strftime(date, '%Y-%m'), sum(spend), sum(impressions), sum(swipes) "
        f"from {DATASET}.ad_insights group by 1 order by 1",
    )
    assert [m for m, *_ in loaded] == ["2025-01", "2025-02"]
    for month, micros, impressions, swipes in loaded:
        assert Decimal(micros) / 1_000_000 == truth.spend_local(ACCOUNT, month) > 0
        assert impressions == truth.impressions("snapchat", month)
        assert swipes == truth.clicks("snapchat", month)
    assert loaded_rows(helpers, first_run["db"]) == world_rows(sandbox)
    assert first_run["extracted"]["ad_insights"] == len(world_rows(sandbox))


def test_every_row_carries_its_account_and_names(first_run: dict[str, Any], helpers: Any) -> None:
    [(rows, accounts, currencies, zones, campaigns, squads, ads)] = helpers.query(
        first_run["db"],
        "select count(*), count(ad_account_id), list(distinct account_currency), list(distinct account_timezone), "
        f"count(campaign_name), count(ad_squad_name), count(ad_name) from {DATASET}.ad_insights",
    )
    assert rows == accounts == campaigns == squads == ads > 0
    assert (currencies, zones) == (["GBP"], ["Europe/London"])
    accounts_table = helpers.query(
        first_run["db"], f"select ad_account_id, name, currency, timezone from {DATASET}.ad_accounts"
    )
    assert accounts_table == [(ACCOUNT, "Northwind Threads Snap UK", "GBP", "Europe/London")]


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["spend"] == types["conversion_purchases_value"] == "BIGINT"  # micro-currency, native
    assert types["date"] == "DATE" and types["swipes"] == "BIGINT"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any], sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(snapchat_ads_source(**snapchat_kwargs(helpers, sandbox_next)))

    since = sandbox.as_of - dt.timedelta(days=1) - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert any(key[2] == sandbox_next.as_of - dt.timedelta(days=1) for key in window), "the new day is read"
    assert loaded_rows(helpers, db) == expected
    assert_no_duplicates(helpers, db)
    assert [k for k, v in world_rows(sandbox).items() if expected[k] != v], "the sandbox should restate recent days"
    truth = Truth(sandbox_next.as_of, known_platforms=("snapchat",))
    [(micros,)] = helpers.query(db, f"select sum(spend) from {DATASET}.ad_insights")
    assert Decimal(micros) / 1_000_000 == truth.spend_local(ACCOUNT)


def test_429_with_retry_after_is_waited_for_and_5xx_burst_retried(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path
) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"snap_stats": 1, "snap_token": 1},
            server_errors_first_n={"snap_stats": 3, "snap_campaigns": 2},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(snapchat_ads_source(**snapchat_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 2.0  # both Retry-After waits were honoured
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    assert helpers.count_requests(server, "/stats") >= 2 + 4  # two 31-day windows + 1 throttle + 3 errors


def test_duplicate_page_and_new_field_leave_rows_equal_to_truth(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path
) -> None:
    server = faulty_sandbox(Faults(duplicate_page=("snap",), extra_field=("snap",)))
    db = tmp_path / "w.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    pipeline.run(snapchat_ads_source(**snapchat_kwargs(helpers, server)))
    assert loaded_rows(helpers, db) == world_rows(server)
    assert_no_duplicates(helpers, db)
    columns = {name for (name,) in helpers.query(db, "select column_name from information_schema.columns")}
    assert EXTRA_FIELD not in columns  # the Arrow schema is explicit: unknown API fields are not loaded


def test_expired_access_token_is_renewed(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every access token serves two API calls, then answers 401: the connector mints a new one and goes on."""
    monkeypatch.setattr(snapchat_ads_api, "ACCESS_TOKEN_MAX_USES", 2)
    server = faulty_sandbox(Faults())
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(snapchat_ads_source(**snapchat_kwargs(helpers, server)))
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    # 6 calls succeed (account, 3 entity lists, 2 stats windows), 2 per token: at least 3 tokens, the rest were 401s.
    api_calls = sum(1 for _, target in server.requests if "/snapchat/v1/" in target)
    assert api_calls > 6 and helpers.count_requests(server, TOKEN_PATH) >= 3


def test_revoked_refresh_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = "revoked-snapchat-refresh-token-123"
    kwargs = snapchat_kwargs(helpers, sandbox, refresh_token=token)
    message = helpers.auth_failure(tmp_path, DATASET, snapchat_ads_source, kwargs, token)
    assert message.startswith(f"snapchat_ads: POST {TOKEN_PATH}")
    assert "HTTP 400" in message and "invalid_grant: Invalid refresh token" in message
    assert "re-authorize the Snapchat app" in message and "set sources.snapchat_ads.refresh_token" in message


def test_wrong_client_secret_names_the_app_settings(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    secret = "wrong-snapchat-client-secret-456"
    kwargs = snapchat_kwargs(helpers, sandbox, client_secret=secret)
    message = helpers.auth_failure(tmp_path, DATASET, snapchat_ads_source, kwargs, secret)
    assert "invalid_client" in message and "sources.snapchat_ads.client_secret" in message
