"""TikTok organic and YouTube through dbt: the connectors load the sandbox at 2025-03-01, then staging,
int_tiktok_organic__organic_daily / int_youtube__organic_daily and fct_channel_daily must equal the sandbox truth
per month (posts, views as impressions, engagements, followers gained, followers at a date).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.tiktok_organic import tiktok_organic_source
from sources.youtube import youtube_source

AS_OF = date(2025, 3, 1)
MONTHS = ("2025-01", "2025-02")


def _sources(server: SandboxServer) -> dict[str, Any]:
    common = {"start_date": "2025-01-01", "end_date": (AS_OF - timedelta(days=1)).isoformat(), "lookback_days": 28}
    return {
        "raw_tiktok_organic": tiktok_organic_source(
            business_ids=list(credentials.TIKTOK_BUSINESS_IDS),
            access_token=credentials.TIKTOK_BUSINESS_TOKEN,
            base_url=f"{server.url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}",
            **common,
        ),
        "raw_youtube": youtube_source(
            channel_ids=list(credentials.YOUTUBE_CHANNEL_IDS),
            access_token=credentials.YOUTUBE_ACCESS_TOKEN,
            base_url=f"{server.url}/youtube/v3",
            analytics_base_url=f"{server.url}/youtubeanalytics/v2",
            **common,
        ),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_video_organic")
    path = work_dir / dbt_harness.WAREHOUSE_NAME
    with SandboxServer(AS_OF) as server:
        dbt_harness.load_sources(path, work_dir, _sources(server))
    select = ["+fct_channel_daily", "+dim_channels", "staging.tiktok_organic", "staging.youtube"]
    dbt_harness.build_selected(path, work_dir, select, AS_OF.isoformat(), dbt_harness.WITH_WARN)
    return path


@pytest.mark.parametrize("platform", ["tiktok", "youtube"])
def test_organic_month_totals_equal_truth(warehouse: Path, dbt_harness: Any, platform: str) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_organic_daily_unioned")
    rows = dbt_harness.query(
        warehouse,
        "select strftime(date_day, '%Y-%m'), sum(posts_published), sum(organic_impressions), sum(engagements), "
        f"sum(followers_gained) from {schema}.int_organic_daily_unioned where platform = '{platform}' group by 1",
    )
    loaded = {month: tuple(int(v) for v in values) for month, *values in rows}
    truth = Truth(AS_OF)
    expected = {
        m: (
            truth.posts_published(platform, m),
            truth.organic_impressions(platform, m),
            truth.engagements(platform, m),
            truth.followers_gained(platform, m),
        )
        for m in MONTHS
    }
    assert loaded == expected
    assert all(v[0] > 0 and v[3] > 0 for v in expected.values())


@pytest.mark.parametrize("platform", ["tiktok", "youtube"])
def test_followers_total_at_a_date_equals_truth(warehouse: Path, dbt_harness: Any, platform: str) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_organic_daily_unioned")
    days = (date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 14), date(2025, 2, 28))
    rows = dict(
        dbt_harness.query(
            warehouse,
            f"select date_day, followers_total from {schema}.int_organic_daily_unioned "
            f"where platform = '{platform}' and date_day in ({', '.join(repr(d.isoformat()) for d in days)})",
        )
    )
    truth = Truth(AS_OF)
    assert rows == {d: truth.followers_total(platform, d) for d in days}


def test_channels_tiktok_and_youtube_reach_fct_channel_daily(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "fct_channel_daily")
    rows = dict(
        (channel, (int(posts), int(gained)))
        for channel, posts, gained in dbt_harness.query(
            warehouse,
            "select channel, sum(posts_published), sum(followers_gained) "
            f"from {schema}.fct_channel_daily where channel in ('tiktok', 'youtube') group by 1",
        )
    )
    truth = Truth(AS_OF)
    assert rows == {p: (truth.posts_published(p), truth.followers_gained(p)) for p in ("tiktok", "youtube")}
    kinds = dict(
        dbt_harness.query(
            warehouse,
            f"select channel, channel_type from {dbt_harness.schema_of(warehouse, 'dim_channels')}.dim_channels "
            "where channel in ('tiktok', 'youtube')",
        )
    )
    assert kinds["youtube"] == "organic" and "tiktok" in kinds
