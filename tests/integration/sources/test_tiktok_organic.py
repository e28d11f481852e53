"""TikTok organic connector against the sandbox replica of the TikTok API for Business "Business Accounts" endpoints."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.video_social import TOTALS, seen_tt_video, tt_day, tt_videos_visible
from sources.common import rows_extracted
from sources.tiktok_organic import settings as tt_settings
from sources.tiktok_organic import tiktok_organic_source

DATASET = "raw_tiktok_organic"
BUSINESS_ID = credentials.TIKTOK_BUSINESS_IDS[0]


def tt_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "business_ids": list(credentials.TIKTOK_BUSINESS_IDS),
        "access_token": credentials.TIKTOK_BUSINESS_TOKEN,
        "base_url": f"{server.url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_videos(server: SandboxServer) -> dict[str, tuple[int, int, int, int, int]]:
    """item_id -> (views, reach, likes, comments, shares) as reported at the server's as_of."""
    cutoff = server.world.cutoff
    out = {}
    for video in tt_videos_visible(server.as_of, cutoff):
        v = seen_tt_video(video, cutoff)
        out[v.item_id] = (v.video_views, v.reach, v.likes, v.comments, v.shares)
    return out


def loaded_videos(helpers: Any, db: Path) -> dict[str, tuple[int, int, int, int, int]]:
    rows = helpers.query(db, f"select item_id, video_views, reach, likes, comments, shares from {DATASET}.videos")
    return {item_id: tuple(values) for item_id, *values in rows}


def world_days(server: SandboxServer) -> dict[dt.date, tuple[int, int, int]]:
    start = dt.date.fromisoformat("2025-01-01")
    days = [start + dt.timedelta(days=i) for i in range((server.as_of - start).days)]
    return {d: (TOTALS.tt_total(d), tt_day(d).new_followers, tt_day(d).lost_followers) for d in days}


def loaded_days(helpers: Any, db: Path) -> dict[dt.date, tuple[int, int, int]]:
    rows = helpers.query(
        db,
        "select date, daily_total_followers, daily_new_followers, daily_lost_followers "
        f"from {DATASET}.account_daily where business_id = '{BUSINESS_ID}'",
    )
    return {d: (total, new, lost) for d, total, new, lost in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """A first run at AS_OF with small video pages (so the cursor paging is exercised)."""
    base = tmp_path_factory.mktemp("tiktok_organic_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/business/video/list")
    patch = pytest.MonkeyPatch()
    patch.setattr(tt_settings, "VIDEO_PAGE_SIZE", 7)
    try:
        pipeline.run(tiktok_organic_source(**tt_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "video_requests": helpers.count_requests(sandbox, "/business/video/list") - before,
    }


def test_first_run_loads_every_video_and_day(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    expected = world_videos(sandbox)
    assert loaded_videos(helpers, first_run["db"]) == expected
    assert first_run["video_requests"] >= len(expected) // 7
    assert loaded_days(helpers, first_run["db"]) == world_days(sandbox)
    [(business,)] = helpers.query(first_run["db"], f"select distinct business_id from {DATASET}.videos")
    assert business == BUSINESS_ID


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of)
    rows = helpers.query(
        first_run["db"],
        "select strftime(published_at at time zone 'America/New_York', '%Y-%m'), count(*), sum(video_views), "
        f"sum(likes + comments + shares) from {DATASET}.videos group by 1",
    )
    loaded = {m: (n, int(views), int(eng)) for m, n, views, eng in rows}
    assert loaded == {
        m: (truth.posts_published("tiktok", m), truth.organic_impressions("tiktok", m), truth.engagements("tiktok", m))
        for m in loaded
    }
    gained = dict(
        helpers.query(
            first_run["db"],
            "select strftime(date, '%Y-%m'), sum(daily_new_followers - daily_lost_followers) "
            f"from {DATASET}.account_daily group by 1",
        )
    )
    assert gained == {m: truth.followers_gained("tiktok", m) for m in ("2025-01", "2025-02")}


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'videos'",
        )
    )
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE" and types["video_views"] == "BIGINT"
    assert {"_dlt_load_id", "_dlt_id"} <= set(types)


def test_second_run_rereads_lookback_and_merges_grown_metrics(
    first_run: dict[str, Any], sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(tiktok_organic_source(**tt_kwargs(helpers, sandbox_next)))

    extracted = rows_extracted(pipeline)
    since_day = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    assert extracted["account_daily"] == (sandbox_next.as_of - since_day).days
    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    window = [v for v in tt_videos_visible(sandbox_next.as_of, sandbox_next.world.cutoff) if v.published_at >= since]
    assert extracted["videos"] == len(window) < len(world_videos(sandbox_next))
    expected = world_videos(sandbox_next)
    assert loaded_videos(helpers, db) == expected
    assert any(expected[k] != v for k, v in world_videos(sandbox).items()), "recent videos should have grown"
    assert loaded_days(helpers, db) == world_days(sandbox_next)


def test_http_429_and_5xx_are_retried_honouring_retry_after(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"ttorganic_videos": 1, "ttorganic_account": 1},
            server_errors_first_n={"ttorganic_account": 2},
            retry_after_seconds=1.0,
            tiktok_throttle_as_429=True,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(tiktok_organic_source(**tt_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0
    assert loaded_videos(helpers, tmp_path / "w.duckdb") == world_videos(server)
    assert loaded_days(helpers, tmp_path / "w.duckdb") == world_days(server)


def test_code_40100_in_http_200_is_retried_without_logging_the_token(
    faulty_sandbox: Any, helpers: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = faulty_sandbox(Faults(rate_limit_first_n={"ttorganic": 2}))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with caplog.at_level(logging.WARNING, logger="socialmart.sources"):
        pipeline.run(tiktok_organic_source(**tt_kwargs(helpers, server)))
    assert loaded_videos(helpers, tmp_path / "w.duckdb") == world_videos(server)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2 and all("HTTP 200" in m for m in retries)
    assert not any(credentials.TIKTOK_BUSINESS_TOKEN in r.getMessage() for r in caplog.records)


def test_bad_token_gives_clear_error_without_the_token(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    token = "act.revoked-tiktok-business-token-42"
    message = helpers.auth_failure(
        tmp_path, DATASET, tiktok_organic_source, tt_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("tiktok_organic: GET /business/")
    assert f"for account {BUSINESS_ID}" in message and "code 40105" in message
    assert "set sources.tiktok_organic.access_token" in message


def test_duplicate_page_loads_every_video_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each video is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("ttorganic",)), DATASET, lambda s: tiktok_organic_source(**tt_kwargs(helpers, s))
    )
    assert loaded_videos(helpers, db) == world_videos(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("ttorganic",)), DATASET, lambda s: tiktok_organic_source(**tt_kwargs(helpers, s))
    )
    assert loaded_videos(helpers, db) == world_videos(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
