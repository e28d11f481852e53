"""TikTok Ads connector against the sandbox TikTok API for Business replica."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox import credentials, demographics
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.tiktok_ads import settings as tiktok_settings
from sources.tiktok_ads import tiktok_ads_source
from sources.tiktok_ads.helpers import is_tiktok_retryable

DATASET = "raw_tiktok_ads"
ADVERTISER = credentials.TIKTOK_ADVERTISER_ID

Row = tuple[Decimal, int, Decimal, int]


def tiktok_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "advertiser_ids": list(credentials.TIKTOK_ADVERTISER_IDS),
        "access_token": credentials.TIKTOK_ACCESS_TOKEN,
        "base_url": f"{server.url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_rows(server: SandboxServer) -> dict[tuple[str, str, dt.date], Row]:
    """(advertiser, ad, day) -> (spend, purchases, purchase value, impressions) as reported at the server's as_of."""
    out = {}
    for row in server.world.ad_days_for(ADVERTISER):
        seen = server.world.seen_ad(row)
        value = Decimal(seen.purchase_value_cents) / 100
        out[(ADVERTISER, row.ad.ad_id, row.day)] = (
            Decimal(seen.spend_cents) / 100,
            seen.purchases,
            value,
            row.impressions,
        )
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, dt.date], Row]:
    rows = helpers.query(
        db,
        "select advertiser_id, ad_id, stat_date, spend, complete_payment, total_complete_payment_rate, impressions "
        f"from {DATASET}.ad_insights",
    )
    return {(a, ad, d): (spend, n, value, imp) for a, ad, d, spend, n, value, imp in rows}


BreakdownKey = tuple[str, str, dt.date, str, str]
# spend, impressions, clicks, complete payments, their value
BreakdownRow = tuple[Decimal, int, int, int, Decimal]
BREAKDOWN_METRICS = "spend, impressions, clicks, complete_payment, total_complete_payment_rate"


def world_breakdown_rows(server: SandboxServer) -> dict[BreakdownKey, BreakdownRow]:
    """(advertiser, ad, day, age, gender) -> the metrics of every AUDIENCE report row the sandbox serves at its
    as_of, ages and genders as TikTok serves them."""
    out = {}
    for row in server.world.ad_days_for(ADVERTISER):
        for cell in demographics.breakdown(row, server.as_of):
            age, gender = demographics.tiktok_age(cell.age), demographics.tiktok_gender(cell.gender)
            out[(ADVERTISER, row.ad.ad_id, row.day, age, gender)] = (
                Decimal(cell.spend_cents) / 100,
                cell.impressions,
                cell.clicks,
                cell.purchases,
                Decimal(cell.purchase_value_cents) / 100,
            )
    return out


def loaded_breakdown_rows(helpers: Any, db: Path) -> dict[BreakdownKey, BreakdownRow]:
    rows = helpers.query(
        db,
        f"select advertiser_id, ad_id, stat_date, age, gender, {BREAKDOWN_METRICS} "
        f"from {DATASET}.ad_insights_age_gender",
    )
    return {tuple(row[:5]): tuple(row[5:]) for row in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages (so that every 30-day window needs several pages)."""
    base = tmp_path_factory.mktemp("tiktok_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/report/integrated/get")
    patch = pytest.MonkeyPatch()
    patch.setattr(tiktok_settings, "PAGE_SIZE", 20)
    try:
        pipeline.run(tiktok_ads_source(**tiktok_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "report_requests": helpers.count_requests(sandbox, "/report/integrated/get") - before,
    }


def test_first_run_pages_through_every_row(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    expected = world_rows(sandbox)
    assert loaded_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights"] == len(expected)
    assert first_run["report_requests"] >= len(expected) // 20
    advertisers = helpers.query(
        first_run["db"], f"select advertiser_id, name, currency, timezone from {DATASET}.advertisers"
    )
    assert advertisers == [("7001", "Northwind Threads TikTok", "USD", "America/New_York")]
    [(currency, timezone, names)] = helpers.query(
        first_run["db"],
        "select max(advertiser_currency), max(advertiser_timezone), count(distinct campaign_name) "
        f"from {DATASET}.ad_insights",
    )
    assert (currency, timezone) == ("USD", "America/New_York") and names > 0


def test_audience_report_loads_every_row_the_sandbox_serves(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    expected = world_breakdown_rows(sandbox)
    assert loaded_breakdown_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights_age_gender"] == len(expected)
    audience = [t for _, t in sandbox.requests if "/report/integrated/get" in t and "report_type=AUDIENCE" in t]
    assert len(audience) >= len(expected) // 20  # 20 rows a page here too
    ages, genders = ({key[i] for key in expected} for i in (3, 4))
    assert (
        {"AGE_35_44", "AGE_55_100"}
        <= ages
        <= {"AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"}
    )
    assert genders == {"FEMALE", "MALE", "NONE"}
    # Every ad day's rows add up exactly (to the cent, every count) to its BASIC report row.
    sums = helpers.query(
        first_run["db"],
        f"select advertiser_id, ad_id, stat_date, {', '.join(f'sum({m})' for m in BREAKDOWN_METRICS.split(', '))} "
        f"from {DATASET}.ad_insights_age_gender group by all",
    )
    insights = helpers.query(
        first_run["db"], f"select advertiser_id, ad_id, stat_date, {BREAKDOWN_METRICS} from {DATASET}.ad_insights"
    )
    assert sorted(sums) == sorted(insights) and len(insights) == len(world_rows(sandbox))
    # TikTok reports no reach or video plays by audience; the advertiser and parent columns are the insights'.
    [(reach, views, currency, timezone, campaigns, adgroups)] = helpers.query(
        first_run["db"],
        "select count(reach), count(video_play_actions), max(advertiser_currency), max(advertiser_timezone), "
        f"count(campaign_id), count(adgroup_id) from {DATASET}.ad_insights_age_gender",
    )
    assert (reach, views, currency, timezone) == (0, 0, "USD", "America/New_York")
    assert campaigns == adgroups == len(expected)


def test_audience_report_is_optional() -> None:
    def tables(**overrides: Any) -> set[str]:
        source = tiktok_ads_source(advertiser_ids=["7001"], access_token="t", start_date="2025-01-01", **overrides)
        return set(source.resources)

    assert tables() == {"advertisers", "ad_insights", "ad_insights_age_gender"}
    assert tables(age_gender=False) == {"advertisers", "ad_insights"}


def test_full_load_equals_truth_spend_per_month(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    truth = Truth(sandbox.as_of, known_platforms=("meta", "tiktok"))
    loaded = dict(
        helpers.query(
            first_run["db"],
            f"select strftime(stat_date, '%Y-%m'), sum(spend) from {DATASET}.ad_insights group by 1",
        )
    )
    assert loaded, "no TikTok spend loaded"
    assert loaded == {month: truth.spend_local(ADVERTISER, month) for month in loaded}
    assert sum(loaded.values()) == truth.spend_local(ADVERTISER)


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["spend"] == "DECIMAL(18,2)" and types["total_complete_payment_rate"] == "DECIMAL(18,2)"
    assert types["stat_date"] == "DATE" and types["impressions"] == "BIGINT"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(tiktok_ads_source(**tiktok_kwargs(helpers, sandbox_next)))

    last_read = sandbox.as_of - dt.timedelta(days=1)
    since = last_read - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    assert any(key[2] == sandbox_next.as_of - dt.timedelta(days=1) for key in window), "the new day is read"
    assert loaded_rows(helpers, db) == expected
    restated = [k for k, v in world_rows(sandbox).items() if expected[k] != v]
    assert restated, "the sandbox should restate recent days"
    # The AUDIENCE report: the same look-back window re-read, its restated rows merged.
    cells = world_breakdown_rows(sandbox_next)
    assert rows_extracted(pipeline)["ad_insights_age_gender"] == sum(1 for key in cells if key[2] >= since)
    assert loaded_breakdown_rows(helpers, db) == cells
    assert any(cells[key] != value for key, value in world_breakdown_rows(sandbox).items())


def test_http_429_and_5xx_are_retried_honouring_retry_after(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"tiktok_report": 1, "tiktok_advertiser": 1},
            server_errors_first_n={"tiktok_report": 3},
            retry_after_seconds=1.0,
            tiktok_throttle_as_429=True,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(tiktok_ads_source(**tiktok_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0  # Retry-After was honoured
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)


def test_code_40100_in_http_200_is_retried_and_logged_without_token(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = faulty_sandbox(Faults(rate_limit_first_n={"tiktok": 3}))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        pipeline.run(tiktok_ads_source(**tiktok_kwargs(helpers, server)))
    assert loaded_rows(helpers, tmp_path / "w.duckdb") == world_rows(server)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 3 and all("HTTP 200" in m for m in retries)
    assert not any(credentials.TIKTOK_ACCESS_TOKEN in r.getMessage() for r in caplog.records)


def test_expired_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = "act.expired-tiktok-token-123"
    message = helpers.auth_failure(
        tmp_path, DATASET, tiktok_ads_source, tiktok_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("tiktok_ads: GET /advertiser/info/")
    assert "for account 7001" in message and "code 40105" in message
    assert "Access token is incorrect or has been revoked" in message
    assert "set sources.tiktok_ads.access_token" in message


@pytest.mark.parametrize(
    ("status", "body", "retry"),
    [
        (200, {"code": 40100, "message": "Too many requests."}, True),
        (200, {"code": 50000, "message": "System error."}, True),
        (200, {"code": 40105, "message": "Access token is incorrect or has been revoked."}, False),
        (200, {"code": 0, "message": "OK", "data": {}}, False),
        (500, "not json", False),  # plain 5xx are retried by status, not by this predicate
    ],
)
def test_retry_predicate_reads_the_envelope_code(status: int, body: Any, retry: bool) -> None:
    response = requests.Response()
    response.status_code = status
    response._content = (json.dumps(body) if isinstance(body, dict) else body).encode()
    assert is_tiktok_retryable(response, None) is retry


def test_duplicate_page_loads_every_row_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each row is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("tiktok",)), DATASET, lambda s: tiktok_ads_source(**tiktok_kwargs(helpers, s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("tiktok",)), DATASET, lambda s: tiktok_ads_source(**tiktok_kwargs(helpers, s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
