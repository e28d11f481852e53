"""The TikTok organic and YouTube world models and their HTTP replicas (sandbox.video_social, tiktok_organic_api,
youtube_api)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from sandbox import credentials
from sandbox.constants import EPOCH, TT_BASE_FOLLOWERS, YT_BASE_SUBSCRIBERS
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.video_social import TOTALS, seen_tt_video, tt_day, tt_videos_for_day, yt_day
from sandbox.world import cutoff_for

TT = {"access-token": credentials.TIKTOK_BUSINESS_TOKEN}
YT = {"authorization": f"Bearer {credentials.YOUTUBE_ACCESS_TOKEN}"}
BUSINESS = credentials.TIKTOK_BUSINESS_IDS[0]
CHANNEL = credentials.YOUTUBE_CHANNEL_IDS[0]


def test_days_are_deterministic_and_totals_add_up() -> None:
    day = date(2025, 2, 10)
    assert tt_videos_for_day(day) == tt_videos_for_day.__wrapped__(day)
    assert yt_day(day) == yt_day.__wrapped__(day)
    first = EPOCH
    assert TOTALS.tt_total(first) == TT_BASE_FOLLOWERS + tt_day(first).new_followers - tt_day(first).lost_followers
    prev = day - timedelta(days=1)
    assert TOTALS.yt_total(day) - TOTALS.yt_total(prev) == yt_day(day).subscribers_gained - yt_day(day).subscribers_lost
    assert TOTALS.yt_total(EPOCH - timedelta(days=1)) == YT_BASE_SUBSCRIBERS


def test_video_metrics_grow_to_their_final_value() -> None:
    day = next(d for d in (EPOCH + timedelta(days=i) for i in range(30)) if tt_videos_for_day(d))
    video = tt_videos_for_day(day)[0]
    young = seen_tt_video(video, video.published_at + timedelta(hours=5))
    old = seen_tt_video(video, video.published_at + timedelta(days=10))
    assert young.video_views == video.video_views // 2 and old == video


def test_truth_months_sum_to_the_whole() -> None:
    truth = Truth(date(2025, 3, 1))
    for platform in ("tiktok", "youtube"):
        assert truth.posts_published(platform) == sum(truth.posts_published(platform, m) for m in truth.months())
        assert truth.followers_gained(platform) == truth.followers_total(platform, date(2025, 2, 28)) - (
            TT_BASE_FOLLOWERS if platform == "tiktok" else YT_BASE_SUBSCRIBERS
        )
    with pytest.raises(ValueError):
        truth.followers_total("youtube", date(2025, 3, 1))


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(date(2025, 3, 1), Faults(rate_limit_first_n={"youtube_channels": 1})) as s:
        yield s


def test_tiktok_video_list_pages_with_cursor_and_has_more(server: SandboxServer) -> None:
    seen, cursor, has_more = [], 0, True
    while has_more:
        target = (
            f"/tiktok/open_api/v1.3/business/video/list/?business_id={BUSINESS}&max_count=20&cursor={cursor}"
            f"&fields={json.dumps(['item_id', 'create_time'])}"
        )
        body = server.dispatch("GET", target, TT).body
        assert body["code"] == 0 and set(body) == {"code", "message", "request_id", "data"}
        seen += body["data"]["videos"]
        cursor, has_more = body["data"]["cursor"], body["data"]["has_more"]
    times = [v["create_time"] for v in seen]
    assert times == sorted(times, reverse=True) and max(times) < cutoff_for(server.as_of).timestamp()
    assert len({v["item_id"] for v in seen}) == len(seen) > 40


def test_tiktok_errors_are_non_zero_codes_in_http_200(server: SandboxServer) -> None:
    bad = server.dispatch("GET", f"/tiktok/open_api/v1.3/business/video/list/?business_id={BUSINESS}", {})
    assert (bad.status, bad.body["code"]) == (200, 40104)
    wrong = server.dispatch("GET", "/tiktok/open_api/v1.3/business/get/?business_id=other", TT)
    assert wrong.body["code"] == 40001
    span = "&start_date=2025-01-01&end_date=2025-02-15"
    too_long = server.dispatch("GET", f"/tiktok/open_api/v1.3/business/get/?business_id={BUSINESS}{span}", TT)
    assert too_long.body["code"] == 40002


def test_youtube_replica_pages_uploads_and_reports_days(server: SandboxServer) -> None:
    throttled = server.dispatch("GET", f"/youtube/v3/channels?part=statistics&id={CHANNEL}", YT)
    assert throttled.status == 429 and throttled.body["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    channel = server.dispatch("GET", f"/youtube/v3/channels?part=statistics,contentDetails&id={CHANNEL}", YT).body
    uploads = channel["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
    ids, token = [], ""
    while True:
        page = server.dispatch(
            "GET", f"/youtube/v3/playlistItems?part=contentDetails&playlistId={uploads}&maxResults=4{token}", YT
        ).body
        ids += [i["contentDetails"]["videoId"] for i in page["items"]]
        if "nextPageToken" not in page:
            break
        token = f"&pageToken={page['nextPageToken']}"
    assert len(ids) == int(channel["items"][0]["statistics"]["videoCount"]) == len(set(ids))
    videos = server.dispatch("GET", f"/youtube/v3/videos?part=statistics&id={','.join(ids[:50])}", YT).body
    assert [v["id"] for v in videos["items"]] == ids[:50]
    report = server.dispatch(
        "GET",
        f"/youtubeanalytics/v2/reports?ids=channel=={CHANNEL}&startDate=2025-02-20&endDate=2025-03-10"
        "&metrics=views,subscribersGained&dimensions=day",
        YT,
    ).body
    assert [h["name"] for h in report["columnHeaders"]] == ["day", "views", "subscribersGained"]
    assert [r[0] for r in report["rows"]][-1] == "2025-02-28" and len(report["rows"]) == 9
    unauthorized = server.dispatch("GET", f"/youtube/v3/videos?part=statistics&id={ids[0]}", {})
    assert unauthorized.status == 401 and unauthorized.body["error"]["status"] == "UNAUTHENTICATED"
