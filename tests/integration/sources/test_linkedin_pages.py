"""LinkedIn Pages connector against the sandbox LinkedIn Community Management API replica."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.linkedin_social import li_posts_before, li_share_day
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import SourceApiError, find_source_error, rows_extracted
from sources.linkedin_pages import linkedin_pages_source
from sources.linkedin_pages import settings as li_settings

DATASET = "raw_linkedin_pages"
ORG = credentials.LINKEDIN_ORGANIZATION_IDS[0]
MONTHLY_POSTS = (
    "select strftime(timezone('America/New_York', published_at), '%Y-%m'), count(*), sum(impression_count), "
    f"sum(like_count + comment_count + share_count + click_count) from {DATASET}.posts group by 1"
)
MONTHLY_GAINS = (
    "select strftime(date, '%Y-%m'), sum(organic_follower_gain + paid_follower_gain) "
    f"from {DATASET}.follower_statistics_daily group by 1"
)


def li_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "organization_ids": list(credentials.LINKEDIN_ORGANIZATION_IDS),
        "access_token": credentials.LINKEDIN_ACCESS_TOKEN,
        "base_url": f"{server.url}/linkedin/rest",
        "linkedin_version": credentials.LINKEDIN_VERSION,
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def expected_posts(as_of: dt.date) -> dict[str, tuple[int, int, int]]:
    truth = Truth(as_of)
    return {
        m: (
            truth.posts_published("linkedin", m),
            truth.organic_impressions("linkedin", m),
            truth.engagements("linkedin", m),
        )
        for m in truth.months()
        if truth.posts_published("linkedin", m)
    }


def expected_gains(as_of: dt.date) -> dict[str, int]:
    truth = Truth(as_of)
    return {m: truth.followers_gained("linkedin", m) for m in truth.months()}


def loaded_posts(helpers: Any, db: Path) -> dict[str, tuple[int, int, int]]:
    return {m: (n, imp, eng) for m, n, imp, eng in helpers.query(db, MONTHLY_POSTS)}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages and statistics batches."""
    base = tmp_path_factory.mktemp("linkedin_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/linkedin/rest/posts")
    patch = pytest.MonkeyPatch()
    patch.setattr(li_settings, "POSTS_PAGE_SIZE", 5)
    patch.setattr(li_settings, "SHARES_PER_CALL", 4)
    patch.setattr(li_settings, "WINDOW_DAYS", 20)
    try:
        pipeline.run(linkedin_pages_source(**li_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "post_requests": helpers.count_requests(sandbox, "/linkedin/rest/posts") - before,
    }


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    db = first_run["db"]
    assert loaded_posts(helpers, db) == expected_posts(sandbox.as_of)
    assert dict(helpers.query(db, MONTHLY_GAINS)) == expected_gains(sandbox.as_of)
    n_posts = len(li_posts_before(sandbox.world.cutoff))
    assert first_run["extracted"]["posts"] == n_posts and first_run["post_requests"] >= n_posts // 5
    last_day = sandbox.as_of - dt.timedelta(days=1)
    assert helpers.query(
        db, f"select organization_id, followers_count, snapshot_date from {DATASET}.organizations"
    ) == [(ORG, Truth(sandbox.as_of).followers_total("linkedin", last_day), sandbox.as_of)]


def test_daily_share_statistics_are_utc_days(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    rows = helpers.query(
        first_run["db"], f"select date, impression_count, click_count from {DATASET}.share_statistics_daily order by 1"
    )
    days = [day for day, _, _ in rows]
    assert days[0] == dt.date(2025, 1, 1) and days[-1] == sandbox.as_of - dt.timedelta(days=1)
    assert len(days) == len(set(days)) == (sandbox.as_of - dt.date(2025, 1, 1)).days
    assert all(
        (imp, clicks) == (li_share_day(d)["impressionCount"], li_share_day(d)["clickCount"]) for d, imp, clicks in rows
    )


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'posts'",
        )
    )
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE" and types["impression_count"] == "BIGINT"
    assert types["engagement"] == "DOUBLE" and types["organization_id"] == "VARCHAR"


def test_second_run_rereads_lookback_and_merges(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(linkedin_pages_source(**li_kwargs(helpers, sandbox_next)))
    extracted = rows_extracted(pipeline)
    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    window = [p for p in li_posts_before(sandbox_next.world.cutoff) if p.published_at >= since]
    assert extracted["posts"] == len(window) < len(li_posts_before(sandbox_next.world.cutoff))
    assert extracted["follower_statistics_daily"] == helpers.LOOKBACK_DAYS + 2  # look-back + last day + new day
    assert loaded_posts(helpers, db) == expected_posts(sandbox_next.as_of)
    assert expected_posts(sandbox_next.as_of) != expected_posts(sandbox.as_of), "statistics grew"
    assert dict(helpers.query(db, MONTHLY_GAINS)) == expected_gains(sandbox_next.as_of)
    [(snapshots,)] = helpers.query(db, f"select count(*) from {DATASET}.organizations")
    assert snapshots == 2


def test_429_with_retry_after_and_5xx_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"li_posts": 1, "li_network": 1},
            server_errors_first_n={"li_sharestats": 3},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(linkedin_pages_source(**li_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0
    assert loaded_posts(helpers, tmp_path / "w.duckdb") == expected_posts(server.as_of)


def test_expired_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = "AQV-expired-linkedin-token-123456"
    message = helpers.auth_failure(
        tmp_path, DATASET, linkedin_pages_source, li_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("linkedin_pages: GET /") and f"for account {ORG}" in message
    assert "HTTP 401" in message and "INVALID_ACCESS_TOKEN" in message and "Invalid access token" in message
    assert "set sources.linkedin_pages.access_token" in message


def test_sunset_version_names_the_setting(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(linkedin_pages_source(**li_kwargs(helpers, sandbox, linkedin_version="202301")))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceApiError) and "HTTP 426" in str(error)
    assert "sources.linkedin_pages.linkedin_version" in str(error)


def test_duplicate_page_loads_every_post_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each post is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("li",)), DATASET, lambda s: linkedin_pages_source(**li_kwargs(helpers, s))
    )
    assert loaded_posts(helpers, db) == expected_posts(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("li",)), DATASET, lambda s: linkedin_pages_source(**li_kwargs(helpers, s))
    )
    assert loaded_posts(helpers, db) == expected_posts(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
