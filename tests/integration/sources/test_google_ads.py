"""Google Ads connector against the sandbox Google Ads API (searchStream) replica."""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import SourceAuthError, find_source_error, rows_extracted
from sources.google_ads import google_ads_source

DATASET = "raw_google_ads"
CUSTOMER = credentials.GOOGLE_ADS_CUSTOMER_IDS[0]

Row = tuple[int, float, float, int, int]


def google_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "customer_ids": list(credentials.GOOGLE_ADS_CUSTOMER_IDS),
        "access_token": credentials.GOOGLE_ADS_ACCESS_TOKEN,
        "developer_token": credentials.GOOGLE_ADS_DEVELOPER_TOKEN,
        "base_url": f"{server.url}/googleads/{credentials.GOOGLE_ADS_API_VERSION}",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[tuple[str, str, str, dt.date], Row]:
    """(customer, ad group, ad, day) -> (cost micros, conversions, value, impressions, clicks) at the server's as_of."""
    out = {}
    for row in server.world.ad_days_for(CUSTOMER):
        seen = server.world.seen_ad(row)
        out[(CUSTOMER, row.ad.adset_id, row.ad.ad_id, row.day)] = (
            seen.spend_cents * 10_000,
            float(seen.purchases),
            seen.purchase_value_cents / 100,
            row.impressions,
            row.clicks,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, str, dt.date], Row]:
    rows = helpers.query(
        db,
        "select customer_id, ad_group_id, ad_id, date, cost_micros, conversions, conversions_value, impressions, "
        f"clicks from {DATASET}.ad_insights",
    )
    return {(c, g, a, d): tuple(v) for c, g, a, d, *v in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF."""
    base = tmp_path_factory.mktemp("google_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    pipeline.run(google_ads_source(**google_kwargs(helpers, sandbox)))
    return {"db": db, "extracted": rows_extracted(pipeline)}


def test_first_run_loads_every_row_with_customer_context(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    expected = world_rows(sandbox)
    assert expected, "the sandbox should have Google delivery before AS_OF"
    assert loaded_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights"] == len(expected)
    [(currency, timezone, names, nulls)] = helpers.query(
        first_run["db"],
        "select max(customer_currency), max(customer_timezone), count(distinct campaign_name), "
        f"count(*) - count(ad_group_name) from {DATASET}.ad_insights",
    )
    assert (currency, timezone, nulls) == ("USD", "America/New_York", 0) and names > 0


def test_full_load_equals_truth_spend_per_month(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    truth = Truth(sandbox.as_of, known_platforms=("meta", "tiktok", "google"))
    loaded = {
        month: Decimal(micros) / 1_000_000
        for month, micros in helpers.query(
            first_run["db"],
            f"select strftime(date, '%Y-%m'), sum(cost_micros) from {DATASET}.ad_insights group by 1",
        )
    }
    assert loaded, "no Google spend loaded"
    assert loaded == {month: truth.spend_local(CUSTOMER, month) for month in loaded}
    assert sum(loaded.values()) == truth.spend_local(CUSTOMER) == truth.spend("google")


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["cost_micros"] == "BIGINT" and types["conversions"] == "DOUBLE"
    assert types["date"] == "DATE" and types["impressions"] == "BIGINT" and types["customer_id"] == "VARCHAR"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    before = helpers.count_requests(sandbox_next, "googleAds:searchStream")
    pipeline.run(google_ads_source(**google_kwargs(helpers, sandbox_next)))

    last_read = sandbox.as_of - dt.timedelta(days=1)
    since = last_read - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[3] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert any(key[3] == sandbox_next.as_of - dt.timedelta(days=1) for key in window), "the new day is read"
    assert helpers.count_requests(sandbox_next, "googleAds:searchStream") - before == 1  # one 30-day window
    assert loaded_rows(helpers, db) == expected
    restated = [k for k, v in world_rows(sandbox).items() if expected[k] != v]
    assert restated, "the sandbox should restate recent days"


def test_http_429_and_5xx_are_retried_honouring_retry_after(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"google_ads_search": 1},
            server_errors_first_n={"google": 3},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        pipeline.run(google_ads_source(**google_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0  # Retry-After was honoured
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    logs = "".join(r.getMessage() for r in caplog.records)
    assert credentials.GOOGLE_ADS_ACCESS_TOKEN not in logs and credentials.GOOGLE_ADS_DEVELOPER_TOKEN not in logs


def test_expired_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = credentials.GOOGLE_ADS_EXPIRED_TOKEN
    message = helpers.auth_failure(
        tmp_path, DATASET, google_ads_source, google_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("google_ads: POST /googleads/")
    assert CUSTOMER in message and "authenticationError.OAUTH_TOKEN_EXPIRED" in message
    assert "set sources.google_ads.access_token" in message and "refresh token" in message


@pytest.mark.parametrize(
    ("developer_token", "code"),
    [
        ("not-a-developer-token", "authenticationError.DEVELOPER_TOKEN_INVALID"),
        (credentials.GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN, "authorizationError.DEVELOPER_TOKEN_NOT_APPROVED"),
    ],
)
def test_bad_developer_token_names_its_setting(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path, developer_token: str, code: str
) -> None:
    message = helpers.auth_failure(
        tmp_path,
        DATASET,
        google_ads_source,
        google_kwargs(helpers, sandbox, developer_token=developer_token),
        developer_token,
    )
    assert code in message and "sources.google_ads.developer_token" in message


def test_unknown_customer_is_a_permission_error(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(google_ads_source(**google_kwargs(helpers, sandbox, customer_ids=["999-000-1111"])))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceAuthError) and "USER_PERMISSION_DENIED" in str(error)
    assert "9990001111" in str(error) and "login_customer_id" in str(error)


def test_duplicate_page_loads_every_row_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each row is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("google",)), DATASET, lambda s: google_ads_source(**google_kwargs(helpers, s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("google",)), DATASET, lambda s: google_ads_source(**google_kwargs(helpers, s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
