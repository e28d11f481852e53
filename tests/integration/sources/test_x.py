"""X connector against the sandbox X API v2 replica."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.x_social import x_posts_before
from sources.common import find_source_error, rows_extracted
from sources.x import settings as x_settings
from sources.x import x_source
from sources.x.helpers import rate_limit_reset_hook

DATASET = "raw_x"
USER = credentials.X_USER_IDS[0]
MONTHLY = (
    "select strftime(timezone('America/New_York', created_at), '%Y-%m') as month, count(*), sum(impression_count), "
    "sum(like_count + reply_count + retweet_count + quote_count + bookmark_count) "
    f"from {DATASET}.tweets group by 1"
)


def x_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "user_ids": list(credentials.X_USER_IDS),
        "bearer_token": credentials.X_ACCESS_TOKEN,
        "base_url": f"{server.url}/x/2",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def expected_monthly(as_of: dt.date) -> dict[str, tuple[int, int, int]]:
    truth = Truth(as_of)
    return {
        m: (truth.posts_published("x", m), truth.organic_impressions("x", m), truth.engagements("x", m))
        for m in truth.months()
        if truth.posts_published("x", m)
    }


def loaded_monthly(helpers: Any, db: Path) -> dict[str, tuple[int, int, int]]:
    return {m: (n, imp, eng) for m, n, imp, eng in helpers.query(db, MONTHLY)}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages (so the timeline needs several pages)."""
    base = tmp_path_factory.mktemp("x_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/x/2/users/")
    patch = pytest.MonkeyPatch()
    patch.setattr(x_settings, "MAX_RESULTS", 10)
    try:
        pipeline.run(x_source(**x_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "pipeline": pipeline,
        "extracted": rows_extracted(pipeline),
        "requests": helpers.count_requests(sandbox, "/x/2/users/") - before,
    }


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    expected = expected_monthly(sandbox.as_of)
    assert expected and loaded_monthly(helpers, first_run["db"]) == expected
    n_posts = len(x_posts_before(sandbox.world.cutoff))
    assert first_run["extracted"]["tweets"] == n_posts
    assert first_run["requests"] >= n_posts // 10  # paged with meta.next_token


def test_users_snapshot_holds_followers_at_the_cutoff(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    rows = helpers.query(
        first_run["db"], f"select user_id, username, followers_count, snapshot_date from {DATASET}.users"
    )
    last_day = sandbox.as_of - dt.timedelta(days=1)
    assert rows == [(USER, "northwindthreads", Truth(sandbox.as_of).followers_total("x", last_day), sandbox.as_of)]


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'tweets'",
        )
    )
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE" and types["id"] == "VARCHAR"
    assert types["impression_count"] == "BIGINT" and types["user_id"] == "VARCHAR"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_merges_and_adds_a_snapshot(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(x_source(**x_kwargs(helpers, sandbox_next)))

    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    window = [p for p in x_posts_before(sandbox_next.world.cutoff) if p.created_at >= since]
    assert rows_extracted(pipeline)["tweets"] == len(window)
    assert 0 < len(window) < len(x_posts_before(sandbox_next.world.cutoff))
    assert loaded_monthly(helpers, db) == expected_monthly(sandbox_next.as_of)
    assert expected_monthly(sandbox_next.as_of) != expected_monthly(sandbox.as_of), "metrics grew"
    snapshots = helpers.query(db, f"select snapshot_date, followers_count from {DATASET}.users order by 1")
    truth = Truth(sandbox_next.as_of)
    assert snapshots == [
        (sandbox.as_of, truth.followers_total("x", sandbox.as_of - dt.timedelta(days=1))),
        (sandbox_next.as_of, truth.followers_total("x", sandbox.as_of)),
    ]


def test_429_with_rate_limit_reset_and_5xx_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(rate_limit_first_n={"x_tweets": 1, "x_user": 1}, server_errors_first_n={"x": 3}, retry_after_seconds=1.0)
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(x_source(**x_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 0.9  # waited until x-rate-limit-reset (whole epoch seconds)
    assert loaded_monthly(helpers, tmp_path / "w.duckdb") == expected_monthly(server.as_of)


def test_bad_token_gives_clear_error_without_the_token(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    token = "AAAAAAAAAAAAAAAAAAAAAexpired-x-bearer-token"
    message = helpers.auth_failure(tmp_path, DATASET, x_source, x_kwargs(helpers, sandbox, bearer_token=token), token)
    assert message.startswith("x: GET /users/") and f"for account {USER}" in message
    assert "HTTP 401" in message and "Unauthorized" in message
    assert "set sources.x.bearer_token" in message


def test_unknown_user_is_a_clear_error(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(x_source(**x_kwargs(helpers, sandbox, user_ids=["42"])))
    error = find_source_error(raised.value)
    assert error is not None and "Could not find user with id: [42]" in str(error)
    assert "sources.x.user_ids" in str(error)


def test_rate_limit_reset_hook_sets_retry_after() -> None:
    response = requests.Response()
    response.status_code = 429
    response.headers["x-rate-limit-reset"] = str(int(time.time()) + 30)
    wait = float(rate_limit_reset_hook(response).headers["Retry-After"])
    assert 28 <= wait <= 30
    ok = requests.Response()
    ok.status_code = 200
    ok.headers["x-rate-limit-reset"] = "1"
    assert "Retry-After" not in rate_limit_reset_hook(ok).headers


def test_duplicate_page_loads_every_tweet_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each tweet is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(Faults(duplicate_page=("x",)), DATASET, lambda s: x_source(**x_kwargs(helpers, s)))
    assert loaded_monthly(helpers, db) == expected_monthly(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(Faults(extra_field=("x",)), DATASET, lambda s: x_source(**x_kwargs(helpers, s)))
    assert loaded_monthly(helpers, db) == expected_monthly(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
