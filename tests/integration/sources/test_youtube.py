"""YouTube connector against the sandbox replicas of the YouTube Data API v3 and YouTube Analytics API v2."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.video_social import TOTALS, seen_yt_video, yt_day, yt_videos_visible
from sources.common import SourceApiError, rows_extracted
from sources.youtube import settings as yt_settings
from sources.youtube import youtube_source
from sources.youtube.helpers import is_youtube_retryable, parse_error

DATASET = "raw_youtube"
CHANNEL_ID = credentials.YOUTUBE_CHANNEL_IDS[0]


def yt_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "channel_ids": list(credentials.YOUTUBE_CHANNEL_IDS),
        "access_token": credentials.YOUTUBE_ACCESS_TOKEN,
        "base_url": f"{server.url}/youtube/v3",
        "analytics_base_url": f"{server.url}/youtubeanalytics/v2",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def world_videos(server: SandboxServer) -> dict[str, tuple[int, int, int]]:
    """video_id -> (views, likes, comments) as reported at the server's as_of."""
    cutoff = server.world.cutoff
    seen = (seen_yt_video(v, cutoff) for v in yt_videos_visible(server.as_of, cutoff))
    return {v.video_id: (v.views, v.likes, v.comments) for v in seen}


def loaded_videos(helpers: Any, db: Path) -> dict[str, tuple[int, int, int]]:
    rows = helpers.query(db, f"select video_id, view_count, like_count, comment_count from {DATASET}.videos")
    return {video_id: tuple(values) for video_id, *values in rows}


def world_days(server: SandboxServer) -> dict[dt.date, tuple[int, int, int]]:
    start = dt.date.fromisoformat("2025-01-01")
    days = [start + dt.timedelta(days=i) for i in range((server.as_of - start).days)]
    return {d: (yt_day(d).views, yt_day(d).subscribers_gained, yt_day(d).subscribers_lost) for d in days}


def loaded_days(helpers: Any, db: Path) -> dict[dt.date, tuple[int, int, int]]:
    rows = helpers.query(db, f"select date, views, subscribers_gained, subscribers_lost from {DATASET}.channel_daily")
    return {d: tuple(values) for d, *values in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """A first run at AS_OF with small playlist pages (so nextPageToken paging is exercised)."""
    base = tmp_path_factory.mktemp("youtube_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/playlistItems")
    patch = pytest.MonkeyPatch()
    patch.setattr(yt_settings, "PAGE_SIZE", 5)
    try:
        pipeline.run(youtube_source(**yt_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "playlist_requests": helpers.count_requests(sandbox, "/playlistItems") - before,
    }


def test_first_run_loads_every_upload_day_and_snapshot(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    expected = world_videos(sandbox)
    assert loaded_videos(helpers, first_run["db"]) == expected
    assert first_run["playlist_requests"] >= len(expected) // 5
    assert loaded_days(helpers, first_run["db"]) == world_days(sandbox)
    snapshot = helpers.query(
        first_run["db"],
        f"select channel_id, snapshot_date, subscriber_count, uploads_playlist_id from {DATASET}.channels",
    )
    last_day = sandbox.as_of - dt.timedelta(days=1)
    assert snapshot == [(CHANNEL_ID, sandbox.as_of, TOTALS.yt_total(last_day), "UUnorthwindThreads000001")]


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    truth = Truth(sandbox.as_of)
    rows = helpers.query(
        first_run["db"],
        "select strftime(published_at at time zone 'America/New_York', '%Y-%m'), count(*), sum(view_count), "
        f"sum(like_count + comment_count) from {DATASET}.videos group by 1",
    )
    loaded = {m: (n, int(views), int(eng)) for m, n, views, eng in rows}
    assert loaded == {
        m: (
            truth.posts_published("youtube", m),
            truth.organic_impressions("youtube", m),
            truth.engagements("youtube", m),
        )
        for m in loaded
    }
    gained = dict(
        helpers.query(
            first_run["db"],
            "select strftime(date, '%Y-%m'), sum(subscribers_gained - subscribers_lost) "
            f"from {DATASET}.channel_daily group by 1",
        )
    )
    assert gained == {m: truth.followers_gained("youtube", m) for m in ("2025-01", "2025-02")}


def test_second_run_rereads_lookback_and_merges_grown_statistics(
    first_run: dict[str, Any], sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(youtube_source(**yt_kwargs(helpers, sandbox_next)))

    extracted = rows_extracted(pipeline)
    since_day = sandbox.as_of - dt.timedelta(days=1 + helpers.LOOKBACK_DAYS)
    assert extracted["channel_daily"] == (sandbox_next.as_of - since_day).days
    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    window = [v for v in yt_videos_visible(sandbox_next.as_of, sandbox_next.world.cutoff) if v.published_at >= since]
    assert extracted["videos"] == len(window) < len(world_videos(sandbox_next))
    expected = world_videos(sandbox_next)
    assert loaded_videos(helpers, db) == expected
    assert any(expected[k] != v for k, v in world_videos(sandbox).items()), "recent uploads should have grown"
    snapshots = helpers.query(db, f"select snapshot_date from {DATASET}.channels order by 1")
    assert [d for (d,) in snapshots] == [sandbox.as_of, sandbox_next.as_of]


def test_http_429_and_503_are_retried_honouring_retry_after(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"youtube_analytics": 1, "youtube_playlist": 1},
            server_errors_first_n={"youtube_videos": 2, "youtube_channels": 1},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(youtube_source(**yt_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0
    assert loaded_videos(helpers, tmp_path / "w.duckdb") == world_videos(server)
    assert loaded_days(helpers, tmp_path / "w.duckdb") == world_days(server)


def test_bad_token_gives_clear_error_without_the_token(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    token = "ya29.expired-youtube-token-0001"
    message = helpers.auth_failure(
        tmp_path, DATASET, youtube_source, yt_kwargs(helpers, sandbox, access_token=token), token
    )
    assert message.startswith("youtube: GET /")
    assert f"for account {CHANNEL_ID}" in message and "HTTP 401" in message and "authError" in message
    assert "set sources.youtube.access_token" in message


def _google_response(status: int, reason: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    body = {"error": {"code": status, "message": "m", "errors": [{"reason": reason, "domain": "youtube.quota"}]}}
    response._content = json.dumps(body).encode()
    return response


@pytest.mark.parametrize(
    ("status", "reason", "retry"),
    [
        (403, "rateLimitExceeded", True),
        (403, "userRateLimitExceeded", True),
        (403, "quotaExceeded", False),
        (403, "forbidden", False),
        (401, "authError", False),
    ],
)
def test_retry_predicate_reads_the_reason(status: int, reason: str, retry: bool) -> None:
    assert is_youtube_retryable(_google_response(status, reason), None) is retry


def test_quota_exceeded_is_a_clear_final_error_not_an_auth_error() -> None:
    info = parse_error(_google_response(403, "quotaExceeded"))
    assert info.code == "quotaExceeded" and not info.auth
    assert "quota resets at midnight Pacific time" in (info.hint or "")
    assert parse_error(_google_response(403, "forbidden")).auth
    error = SourceApiError("youtube", account=CHANNEL_ID, endpoint="/videos", status=403, platform_message="m")
    assert "youtube: GET /videos" in str(error)


def test_duplicate_page_loads_every_video_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each video is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("youtube",)), DATASET, lambda s: youtube_source(**yt_kwargs(helpers, s))
    )
    assert loaded_videos(helpers, db) == world_videos(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(Faults(extra_field=("youtube",)), DATASET, lambda s: youtube_source(**yt_kwargs(helpers, s)))
    assert loaded_videos(helpers, db) == world_videos(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
