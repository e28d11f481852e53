"""Facebook Pages connector against the sandbox Graph API replica."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.social import grown
from sources.common import SourceApiError, find_source_error, rows_extracted
from sources.facebook_pages import facebook_pages_source
from sources.facebook_pages import settings as fb_settings

DATASET = "raw_facebook_pages"
PAGE = "100000000000001"


def world_posts(server: SandboxServer) -> dict[str, tuple[dt.datetime, int, int, int, int, int, int]]:
    """id -> (published_at, impressions, reach, clicks, reactions, comments, shares) as served at as_of."""
    world = server.world
    out = {}
    for post in world.fb_posts:
        g = world.growth(post.published_at)
        out[post.id] = (
            post.published_at,
            grown(post.impressions, g),
            grown(post.reach, g),
            grown(post.clicks, g),
            sum(grown(v, g) for v in post.reactions),
            grown(post.comments, g),
            grown(post.shares, g),
        )
    return out


def loaded_posts(helpers: Any, db: Path) -> dict[str, tuple[Any, ...]]:
    rows = helpers.query(
        db,
        "select id, published_at, impressions, reach, clicks, reactions, comments, shares, "
        f"reactions_by_type from {DATASET}.posts",
    )
    out = {}
    for row in rows:
        assert sum(json.loads(row[8]).values()) == row[5]
        out[row[0]] = (row[1].astimezone(dt.UTC), *row[2:8])
    return out


def world_days(server: SandboxServer) -> dict[dt.date, tuple[int, int, int, int]]:
    return {
        d.day: (
            d.page_follows,
            d.page_daily_follows_unique,
            d.page_impressions_unique,
            d.page_post_engagements,
        )
        for d in server.world.fb_days
    }


def loaded_days(helpers: Any, db: Path) -> dict[dt.date, tuple[int, int, int, int]]:
    rows = helpers.query(
        db,
        "select date, page_follows, page_daily_follows_unique, page_impressions_unique, "
        f"page_post_engagements from {DATASET}.page_insights_daily",
    )
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("fb_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, f"/{PAGE}/published_posts")
    patch = pytest.MonkeyPatch()
    patch.setattr(fb_settings, "POST_PAGE_LIMIT", 10)  # force several pages
    try:
        pipeline.run(facebook_pages_source(**helpers.source_kwargs("facebook_pages", sandbox)))
    finally:
        patch.undo()
    requests = helpers.count_requests(sandbox, f"/{PAGE}/published_posts") - before
    return {"db": db, "extracted": rows_extracted(pipeline), "post_requests": requests}


def test_first_run_loads_every_post_day_and_snapshot(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    db = first_run["db"]
    expected = world_posts(sandbox)
    assert first_run["post_requests"] == -(-len(expected) // 10)  # every page of 10, and no more
    assert loaded_posts(helpers, db) == expected
    assert loaded_days(helpers, db) == world_days(sandbox)
    pages = helpers.query(db, f"select page_id, name, followers_count, snapshot_date from {DATASET}.pages")
    assert pages == [(PAGE, "Northwind Threads", sandbox.world.fb_followers_count(), sandbox.as_of)]
    assert helpers.query(db, f"select distinct page_id from {DATASET}.posts") == [(PAGE,)]


def test_second_run_rereads_lookback_window(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(facebook_pages_source(**helpers.source_kwargs("facebook_pages", sandbox_next)))
    extracted = rows_extracted(pipeline)

    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected = world_posts(sandbox_next)
    assert extracted["posts"] == sum(1 for p in expected.values() if p[0] >= since)
    assert extracted["posts"] < len(expected)
    assert loaded_posts(helpers, db) == expected
    assert extracted["page_insights_daily"] == helpers.LOOKBACK_DAYS + 2
    assert loaded_days(helpers, db) == world_days(sandbox_next)
    assert extracted["pages"] == 1


def test_server_errors_and_429_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(rate_limit_first_n={"fb_insights": 1}, server_errors_first_n={"fb": 3}, retry_after_seconds=0.5)
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(facebook_pages_source(**helpers.source_kwargs("facebook_pages", server)))
    assert rows_extracted(pipeline)["posts"] == len(server.world.fb_posts)


def test_too_many_server_errors_fail_with_a_clear_message(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(server_errors_first_n={"fb_page": 20}))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(facebook_pages_source(**helpers.source_kwargs("facebook_pages", server)))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceApiError)
    assert str(error).startswith(f"facebook_pages: GET /{PAGE} for account {PAGE} failed (HTTP 500")
    assert "wait a while and rerun" in str(error)


def test_duplicate_page_loads_every_post_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each post is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("fb",)),
        DATASET,
        lambda s: facebook_pages_source(**helpers.source_kwargs("facebook_pages", s)),
    )
    assert loaded_posts(helpers, db) == world_posts(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("fb",)),
        DATASET,
        lambda s: facebook_pages_source(**helpers.source_kwargs("facebook_pages", s)),
    )
    assert loaded_posts(helpers, db) == world_posts(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_schema_contract_freezes_known_types_and_lets_new_columns_evolve(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    """A known column arriving with another type fails naming source, table and column; a new column evolves."""
    error, db = helpers.contract_runs(
        first_run["db"],
        tmp_path,
        DATASET,
        lambda: facebook_pages_source(**helpers.source_kwargs("facebook_pages", sandbox)),
        retyped=("posts", "shares"),
        evolving="posts",
    )
    assert (error.source, error.table, error.column) == ("facebook_pages", "posts", "shares")
    message = str(error)
    assert "raw_facebook_pages.posts" in message and "bigint" in message and "sources/facebook_pages" in message
    assert loaded_posts(helpers, db) == world_posts(sandbox)
    new = helpers.query(db, f"select count(new_field) > 0, bool_and(new_field = 'x') from {DATASET}.posts")
    assert new == [(True, True)]  # the rows of the run carry it; older rows have null
