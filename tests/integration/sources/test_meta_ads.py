"""Meta Ads connector against the sandbox Graph API replica."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import demographics
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sources.common import SourceAuthError, find_source_error, rows_extracted
from sources.meta_ads import meta_ads_source
from sources.meta_ads import settings as meta_settings

DATASET = "raw_meta_ads"


def world_rows(server: SandboxServer) -> dict[tuple[str, str, dt.date], tuple[Decimal, int, Decimal]]:
    """(account, ad, day) -> (spend, purchases, purchase value) as the sandbox reports them at its as_of."""
    out = {}
    for row in server.world.ad_days:
        if row.campaign.platform != "meta":
            continue
        seen = server.world.seen_ad(row)
        key = (row.campaign.account_id, row.ad.ad_id, row.day)
        out[key] = (Decimal(seen.spend_cents) / 100, seen.purchases, Decimal(seen.purchase_value_cents) / 100)
    return out


def loaded_rows(helpers: Any, db: Path) -> dict[tuple[str, str, dt.date], tuple[Decimal, int, Decimal]]:
    rows = helpers.query(
        db,
        f"select account_id, ad_id, date_start, spend, conversions, conversion_value from {DATASET}.ad_insights",
    )
    return {(a, ad, d): (spend, int(conv), value) for a, ad, d, spend, conv, value in rows}


BreakdownKey = tuple[str, str, dt.date, str, str]
# spend, impressions, clicks, reach, conversions, conversion value, video views
BreakdownRow = tuple[Decimal, int, int, int, int, Decimal, int]
BREAKDOWN_METRICS = "spend, impressions, clicks, reach, conversions, conversion_value, video_views"


def world_breakdown_rows(server: SandboxServer) -> dict[BreakdownKey, BreakdownRow]:
    """(account, ad, day, age, gender) -> the metrics of every age x gender row the sandbox serves at its as_of,
    ages and genders as Meta serves them."""
    out = {}
    for row in server.world.ad_days:
        if row.campaign.platform != "meta":
            continue
        for cell in demographics.breakdown(row, server.as_of):
            key = (row.campaign.account_id, row.ad.ad_id, row.day, demographics.meta_age(cell.age), cell.gender)
            out[key] = (
                Decimal(cell.spend_cents) / 100,
                cell.impressions,
                cell.clicks,
                cell.reach,
                cell.purchases,
                Decimal(cell.purchase_value_cents) / 100,
                cell.video_views,
            )
    return out


def loaded_breakdown_rows(helpers: Any, db: Path) -> dict[BreakdownKey, BreakdownRow]:
    rows = helpers.query(
        db,
        f"select account_id, ad_id, date_start, age, gender, {BREAKDOWN_METRICS} from {DATASET}.ad_insights_age_gender",
    )
    return {
        tuple(key): (spend, imp, clicks, reach, int(conv), value, views)
        for *key, spend, imp, clicks, reach, conv, value, views in rows
    }


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages (so that every window needs several pages)."""
    base = tmp_path_factory.mktemp("meta_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/insights")
    before_breakdowns = _breakdown_requests(sandbox)
    patch = pytest.MonkeyPatch()
    patch.setattr(meta_settings, "PAGE_LIMIT", 50)
    started = time.perf_counter()
    try:
        pipeline.run(meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox)))
    finally:
        patch.undo()
    seconds = time.perf_counter() - started
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "insights_requests": helpers.count_requests(sandbox, "/insights") - before,
        "breakdown_requests": _breakdown_requests(sandbox) - before_breakdowns,
        "seconds": seconds,
    }


def _breakdown_requests(server: SandboxServer) -> int:
    """How many insights requests with breakdowns the server received."""
    return sum(1 for _, target in server.requests if "/insights" in target and "breakdowns=age%2Cgender" in target)


def test_first_run_pages_through_every_row(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    expected = world_rows(sandbox)
    assert loaded_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights"] == len(expected)
    # 50 rows a page: several pages in each of the 2 accounts x 2 thirty-day windows.
    assert first_run["insights_requests"] >= first_run["extracted"]["ad_insights"] // 50
    per_account = helpers.query(
        first_run["db"],
        f"select account_id, count(*), sum(spend), max(account_timezone), max(account_currency) "
        f"from {DATASET}.ad_insights group by 1 order by 1",
    )
    for account_id, count, spend, timezone, currency in per_account:
        rows = [v for k, v in expected.items() if k[0] == account_id]
        assert count == len(rows)
        assert spend == sum(v[0] for v in rows)
        account = sandbox.world.ad_days_for(account_id)[0].campaign.account
        assert (timezone, currency) == (account.timezone, account.currency)
    accounts = helpers.query(first_run["db"], f"select * exclude (_dlt_load_id, _dlt_id) from {DATASET}.ad_accounts")
    assert sorted(accounts) == [
        ("1001", "Northwind Threads US", "USD", "America/Los_Angeles"),
        ("1002", "Northwind Threads EU", "EUR", "Europe/Berlin"),
    ]


def test_age_gender_breakdown_loads_every_row_the_sandbox_serves(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    expected = world_breakdown_rows(sandbox)
    assert loaded_breakdown_rows(helpers, first_run["db"]) == expected
    assert first_run["extracted"]["ad_insights_age_gender"] == len(expected)
    assert first_run["breakdown_requests"] >= len(expected) // 50  # 50 rows a page here too
    ages, genders = ({key[i] for key in expected} for i in (3, 4))
    assert (
        {"25-34", "35-44", "Unknown"}
        <= ages
        <= {"13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Unknown"}
    )
    assert genders == {"female", "male", "unknown"}
    # Every ad day's rows add up exactly (to the cent, every count) to its unbroken insights row.
    sums = helpers.query(
        first_run["db"],
        f"select account_id, ad_id, date_start, {', '.join(f'sum({m})' for m in BREAKDOWN_METRICS.split(', '))} "
        f"from {DATASET}.ad_insights_age_gender group by all",
    )
    insights = helpers.query(
        first_run["db"], f"select account_id, ad_id, date_start, {BREAKDOWN_METRICS} from {DATASET}.ad_insights"
    )
    assert sorted(sums) == sorted(insights) and len(insights) == len(world_rows(sandbox))
    # The breakdown rows carry the insights' columns: account currency and time zone, campaign and ad set.
    [(mismatched,)] = helpers.query(
        first_run["db"],
        f"select count(*) from {DATASET}.ad_insights_age_gender b join {DATASET}.ad_insights i "
        "using (account_id, ad_id, date_start) where b.account_currency is distinct from i.account_currency "
        "or b.account_timezone is distinct from i.account_timezone or b.campaign_id is distinct from i.campaign_id "
        "or b.adset_id is distinct from i.adset_id or b.campaign_id is null",
    )
    assert mismatched == 0


def test_age_gender_breakdown_is_optional() -> None:
    def tables(**overrides: Any) -> set[str]:
        source = meta_ads_source(account_ids=["1001"], access_token="t", start_date="2025-01-01", **overrides)
        return set(source.resources)

    assert tables() == {"ad_accounts", "ad_insights", "ad_insights_age_gender"}
    assert tables(age_gender=False) == {"ad_accounts", "ad_insights"}


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'ad_insights'",
        )
    )
    assert types["spend"] == "DECIMAL(18,2)" and types["conversion_value"] == "DECIMAL(18,2)"
    assert types["date_start"] == "DATE"
    assert types["conversions"] == "DOUBLE" and types["video_views"] == "BIGINT"
    assert types["impressions"] == "BIGINT" and types["actions"] == "VARCHAR"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_restatements(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db = helpers.copy_db(first_run["db"], tmp_path)
    # A fresh pipelines_dir, as in the flow: the cursor comes back from the warehouse file.
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    pipeline.run(meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox_next)))

    last_read = sandbox.as_of - dt.timedelta(days=1)  # the first run's end_date
    since = last_read - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected = world_rows(sandbox_next)
    window = [key for key in expected if key[2] >= since]
    assert rows_extracted(pipeline)["ad_insights"] == len(window)
    assert 0 < len(window) < len(expected)
    # The merged table equals what the platform reports now, restated days included.
    assert loaded_rows(helpers, db) == expected
    restated = [k for k, v in world_rows(sandbox).items() if expected[k] != v]
    assert restated, "the sandbox should restate recent days"
    # The age x gender breakdown: the same look-back window re-read, its restated rows merged.
    cells = world_breakdown_rows(sandbox_next)
    assert rows_extracted(pipeline)["ad_insights_age_gender"] == sum(1 for key in cells if key[2] >= since)
    assert loaded_breakdown_rows(helpers, db) == cells
    assert any(cells[key] != value for key, value in world_breakdown_rows(sandbox).items())


def test_throttling_and_server_errors_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"meta_insights": 1, "meta_accounts": 1},
            server_errors_first_n={"meta_insights": 2},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(meta_ads_source(**helpers.source_kwargs("meta_ads", server)))
    assert time.perf_counter() - started >= 1.0  # Retry-After was honoured
    assert rows_extracted(pipeline)["ad_insights"] == len(world_rows(server))


def test_throttling_with_http_400_code_80004_is_retried_and_logged_without_token(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    negative_day = dt.date(2025, 2, 10)
    server = faulty_sandbox(
        Faults(rate_limit_first_n={"meta": 3}, meta_throttle_as_400=True, negative_spend_day=negative_day)
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        pipeline.run(meta_ads_source(**helpers.source_kwargs("meta_ads", server)))
    assert rows_extracted(pipeline)["ad_insights"] == len(world_rows(server))
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 3 and all("HTTP 400" in m and "access_token=***" in m for m in retries)
    assert not any(helpers.META_TOKEN in r.getMessage() for r in caplog.records)
    # Raw data is loaded as served, a negative spend included (the gate judges it, not the connector).
    negative = helpers.query(
        tmp_path / "w.duckdb", f"select account_id, date_start from {DATASET}.ad_insights where spend < 0"
    )
    assert sorted(negative) == [("1001", negative_day), ("1002", negative_day)]


def test_bad_token_gives_clear_error_without_the_token(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    token = "EAAB-wrong-token-123"
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox, access_token=token)))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceAuthError)
    message = str(error)
    assert message.startswith("meta_ads: GET /act_1001")
    assert "for account 1001" in message and "HTTP 400" in message and "190" in message
    assert "Invalid OAuth access token" in message
    assert "generate a new token and set sources.meta_ads.access_token" in message
    rendered = "".join(traceback.format_exception(raised.value))
    assert token not in rendered


def test_account_added_later_gets_its_full_history(
    sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    first = helpers.new_pipeline(db, DATASET, tmp_path / "run1")
    first.run(meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox, account_ids=["1001"])))
    second = helpers.new_pipeline(db, DATASET, tmp_path / "run2")
    second.run(meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox_next, account_ids=["act_1001", "1002"])))

    expected = world_rows(sandbox_next)
    since = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    window_1001 = sum(1 for a, _, day in expected if a == "1001" and day >= since)
    all_1002 = sum(1 for a, _, _ in expected if a == "1002")
    assert rows_extracted(second)["ad_insights"] == window_1001 + all_1002
    assert loaded_rows(helpers, db) == expected


def test_duplicate_page_loads_every_row_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each row is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("meta",)), DATASET, lambda s: meta_ads_source(**helpers.source_kwargs("meta_ads", s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("meta",)), DATASET, lambda s: meta_ads_source(**helpers.source_kwargs("meta_ads", s))
    )
    assert loaded_rows(helpers, db) == world_rows(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_schema_contract_freezes_known_types_and_lets_new_columns_evolve(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    """A known column arriving with another type fails naming source, table and column; a new column evolves."""
    error, db = helpers.contract_runs(
        first_run["db"],
        tmp_path,
        DATASET,
        lambda: meta_ads_source(**helpers.source_kwargs("meta_ads", sandbox)),
        retyped=("ad_insights", "impressions"),
        evolving="ad_accounts",
    )
    assert (error.source, error.table, error.column) == ("meta_ads", "ad_insights", "impressions")
    message = str(error)
    assert "raw_meta_ads.ad_insights" in message and "bigint" in message and "sources/meta_ads" in message
    assert loaded_rows(helpers, db) == world_rows(sandbox)
    new = helpers.query(db, f"select count(new_field) > 0, bool_and(new_field = 'x') from {DATASET}.ad_accounts")
    assert new == [(True, True)]  # the rows of the run carry it; older rows have null
