"""Instagram connector against the sandbox Graph API replica."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.social import grown
from sources.common import SourceAuthError, find_source_error, rows_extracted
from sources.instagram import instagram_source

DATASET = "raw_instagram"
ACCOUNT = "17841400000000001"


def world_media(server: SandboxServer) -> dict[str, tuple[dt.datetime, int, int, int]]:
    """id -> (published_at, reach, views, like_count) as served at the server's as_of."""
    world = server.world
    out = {}
    for media in world.ig_media:
        g = world.growth(media.published_at)
        out[media.id] = (
            media.published_at,
            grown(media.reach, g),
            grown(media.views, g),
            grown(media.like_count, g),
        )
    return out


def loaded_media(helpers: Any, db: Path) -> dict[str, tuple[dt.datetime, int, int, int]]:
    rows = helpers.query(db, f"select id, published_at, reach, views, like_count from {DATASET}.media")
    return {i: (p.astimezone(dt.UTC), r, v, likes) for i, p, r, v, likes in rows}


def world_days(server: SandboxServer) -> dict[dt.date, tuple[int, int]]:
    return {d.day: (d.follower_count, d.reach) for d in server.world.ig_days}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("ig_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    media_requests = helpers.count_requests(sandbox, f"/{ACCOUNT}/media")
    pipeline.run(instagram_source(**helpers.source_kwargs("instagram", sandbox)))
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "media_requests": helpers.count_requests(sandbox, f"/{ACCOUNT}/media") - media_requests,
    }


def test_first_run_loads_every_media_day_and_snapshot(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    db = first_run["db"]
    expected = world_media(sandbox)
    assert len(expected) > 50 and first_run["media_requests"] >= 2  # more than one page of 50
    assert loaded_media(helpers, db) == expected
    days = dict(
        (d, (f, r))
        for d, f, r in helpers.query(db, f"select date, follower_count, reach from {DATASET}.account_insights_daily")
    )
    assert days == world_days(sandbox)
    assert len(days) == (sandbox.as_of - dt.date(2025, 1, 1)).days
    accounts = helpers.query(
        db,
        f"select account_id, username, followers_count, media_count, snapshot_date from {DATASET}.accounts",
    )
    assert accounts == [(ACCOUNT, "northwindthreads", sandbox.world.ig_followers_count(), len(expected), sandbox.as_of)]
    assert helpers.query(db, f"select count(*) from {DATASET}.media where account_id <> '{ACCOUNT}'") == [(0,)]


def test_second_run_rereads_lookback_window(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(instagram_source(**helpers.source_kwargs("instagram", sandbox_next)))
    extracted = rows_extracted(pipeline)

    # The previous run read media published before its cutoff; the look-back re-reads the last 28 days of that.
    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    expected_media = world_media(sandbox_next)
    assert extracted["media"] == sum(1 for p, *_ in expected_media.values() if p >= since)
    assert extracted["media"] < len(expected_media)
    assert loaded_media(helpers, db) == expected_media  # lifetime metrics grew and were merged

    # Daily insights: look-back days before the last loaded day, that day, and the new day.
    assert extracted["account_insights_daily"] == helpers.LOOKBACK_DAYS + 2
    days = helpers.query(db, f"select date, follower_count, reach from {DATASET}.account_insights_daily")
    assert {d: (f, r) for d, f, r in days} == world_days(sandbox_next)
    snapshots = helpers.query(db, f"select snapshot_date, followers_count from {DATASET}.accounts order by 1")
    assert snapshots == [
        (sandbox.as_of, sandbox.world.ig_followers_count()),
        (sandbox_next.as_of, sandbox_next.world.ig_followers_count()),
    ]


def test_rate_limits_and_server_errors_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(rate_limit_first_n={"ig_media": 1}, server_errors_first_n={"ig": 2}, retry_after_seconds=0.5)
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(instagram_source(**helpers.source_kwargs("instagram", server)))
    assert rows_extracted(pipeline)["media"] == len(server.world.ig_media)


def test_bad_token_names_source_account_and_fix(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(instagram_source(**helpers.source_kwargs("instagram", sandbox, access_token="IGQV-expired-1")))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceAuthError)
    assert str(error).startswith(f"instagram: GET /{ACCOUNT}")
    assert "set sources.instagram.access_token" in str(error)
    assert "IGQV-expired-1" not in str(raised.value)


def test_duplicate_page_loads_every_media_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each media is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("ig",)), DATASET, lambda s: instagram_source(**helpers.source_kwargs("instagram", s))
    )
    assert loaded_media(helpers, db) == world_media(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("ig",)), DATASET, lambda s: instagram_source(**helpers.source_kwargs("instagram", s))
    )
    assert loaded_media(helpers, db) == world_media(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_schema_contract_freezes_known_types_and_lets_new_columns_evolve(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    """A known column arriving with another type fails naming source, table and column; a new column evolves."""
    error, db = helpers.contract_runs(
        first_run["db"],
        tmp_path,
        DATASET,
        lambda: instagram_source(**helpers.source_kwargs("instagram", sandbox)),
        retyped=("media", "like_count"),
        evolving="media",
    )
    assert (error.source, error.table, error.column) == ("instagram", "media", "like_count")
    message = str(error)
    assert "raw_instagram.media" in message and "bigint" in message and "sources/instagram" in message
    assert loaded_media(helpers, db) == world_media(sandbox)
    new = helpers.query(db, f"select count(new_field) > 0, bool_and(new_field = 'x') from {DATASET}.media")
    assert new == [(True, True)]  # the rows of the run carry it; older rows have null
