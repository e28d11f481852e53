"""GA4 connector against the sandbox Data API (runReport) replica."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import SourceAuthError, find_source_error, rows_extracted
from sources.ga4 import ga4_source
from sources.ga4 import settings as ga4_settings

DATASET = "raw_ga4"
LOOKBACK = 3


def ga4_kwargs(server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the GA4 source pointed at `server`, as the flow passes them."""
    kwargs = {
        "property_ids": list(credentials.GA4_PROPERTY_IDS),
        "access_token": credentials.GA4_ACCESS_TOKEN,
        "base_url": f"{server.url}/ga4",
        "start_date": "2025-01-01",
        "end_date": (server.as_of - dt.timedelta(days=1)).isoformat(),
        "lookback_days": LOOKBACK,
    }
    return {**kwargs, **overrides}


def sessions_by_month(helpers: Any, db: Path) -> dict[str, int]:
    rows = helpers.query(
        db, f"select strftime(date, '%Y-%m'), sum(sessions) from {DATASET}.traffic_daily group by 1 order by 1"
    )
    return {m: int(n) for m, n in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """A first run at AS_OF with 200-row pages."""
    base = tmp_path_factory.mktemp("ga4_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, ":runReport")
    patch = pytest.MonkeyPatch()
    patch.setattr(ga4_settings, "PAGE_LIMIT", 200)
    try:
        pipeline.run(ga4_source(**ga4_kwargs(sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "base": base,
        "extracted": rows_extracted(pipeline),
        "requests": helpers.count_requests(sandbox, ":runReport") - before,
    }


def test_full_load_equals_truth(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of)
    loaded = sessions_by_month(helpers, first_run["db"])
    assert loaded == {m: truth.sessions(m) for m in truth.months()}
    purchases = helpers.query(first_run["db"], f"select sum(ecommerce_purchases) from {DATASET}.traffic_daily")
    assert purchases[0][0] == truth.ga4_purchases()
    keys = helpers.query(
        first_run["db"],
        f"select count(*), count(distinct (date, session_source, session_medium, session_campaign_name, "
        f"session_campaign_id)), max(currency_code), max(property_timezone) from {DATASET}.traffic_daily",
    )
    assert keys[0][0] == keys[0][1] == first_run["extracted"]["traffic_daily"]
    assert keys[0][2:] == ("USD", "America/New_York")


def test_offset_paging_reads_several_pages(first_run: dict[str, Any]) -> None:
    rows = first_run["extracted"]["traffic_daily"]
    assert rows > 600
    assert first_run["requests"] == -(-rows // 200)


def test_incremental_reads_lookback_and_new_day(
    first_run: dict[str, Any], sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db = helpers.copy_db(first_run["db"], tmp_path / "build")
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    before = helpers.count_requests(sandbox_next, ":runReport")
    pipeline.run(ga4_source(**ga4_kwargs(sandbox_next)))
    truth = Truth(sandbox_next.as_of)
    assert sessions_by_month(helpers, db) == {m: truth.sessions(m) for m in truth.months()}
    extracted_days = helpers.query(
        db,
        f"select min(date), max(date) from {DATASET}.traffic_daily where _dlt_load_id = "
        f"(select max(_dlt_load_id) from {DATASET}.traffic_daily)",
    )
    last = sandbox_next.as_of - dt.timedelta(days=1)
    assert extracted_days[0] == (last - dt.timedelta(days=LOOKBACK + 1), last)
    assert helpers.count_requests(sandbox_next, ":runReport") - before == 1  # one page


@pytest.mark.parametrize(
    ("faults", "failed"),
    [
        (Faults(rate_limit_first_n={"ga4_report": 2}, retry_after_seconds=0.5), 2),
        (Faults(server_errors_first_n={"ga4": 3}), 3),
    ],
    ids=["429_retry_after", "500_burst"],
)
def test_faults_are_retried(faults: Faults, failed: int, faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(faults)
    db = tmp_path / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    pipeline.run(ga4_source(**ga4_kwargs(server)))
    truth = Truth(server.as_of)
    assert sessions_by_month(helpers, db) == {m: truth.sessions(m) for m in truth.months()}
    assert helpers.count_requests(server, ":runReport") == failed + 1  # one page, after the failed attempts


def test_bad_token_fails_clearly(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    token = "ya29.expired-token-value"
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as info:
        pipeline.run(ga4_source(**ga4_kwargs(sandbox, access_token=token)))
    error = find_source_error(info.value)
    assert isinstance(error, SourceAuthError)
    text = str(error)
    assert "ga4" in text and "UNAUTHENTICATED" in text and ga4_settings.TOKEN_SETTING in text
    assert token not in text and token not in json.dumps(str(info.value))


def test_unknown_response_fields_are_ignored() -> None:
    from sources.ga4.helpers import shape_rows

    body = {
        "dimensionHeaders": [{"name": "date"}, {"name": "sessionSource"}, {"name": "newDimension"}],
        "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}, {"name": "newMetric", "type": "TYPE_FLOAT"}],
        "rows": [
            {
                "dimensionValues": [{"value": "20250301"}, {"value": "google"}, {"value": "x"}],
                "metricValues": [{"value": "12"}, {"value": "0.5"}],
                "newRowField": True,
            }
        ],
        "rowCount": 1,
        "metadata": {"currencyCode": "USD", "timeZone": "America/New_York", "dataLossFromOtherRow": False},
    }
    [row] = shape_rows(body, "412345678")
    assert row["date"] == dt.date(2025, 3, 1) and row["session_source"] == "google" and row["sessions"] == 12
    assert row["currency_code"] == "USD" and "newMetric" not in row and "newDimension" not in row


def test_duplicate_page_loads_every_row_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each row is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(Faults(duplicate_page=("ga4",)), DATASET, lambda s: ga4_source(**ga4_kwargs(s)))
    assert sessions_by_month(helpers, db) == {m: Truth(server.as_of).sessions(m) for m in Truth(server.as_of).months()}
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(Faults(extra_field=("ga4",)), DATASET, lambda s: ga4_source(**ga4_kwargs(s)))
    assert sessions_by_month(helpers, db) == {m: Truth(server.as_of).sessions(m) for m in Truth(server.as_of).months()}
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
