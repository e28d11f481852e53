"""TikTok organic and YouTube through dbt: the connectors load the sandbox at 2025-03-01, then staging,
int_tiktok_organic__organic_daily / int_youtube__organic_daily and fct_channel_daily must equal the sandbox truth
per month (posts, views as impressions, engagements, followers gained, followers at a date).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from sandbox import credentials
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.tiktok_organic import tiktok_organic_source
from sources.youtube import youtube_source

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
AS_OF = date(2025, 3, 1)
MONTHS = ("2025-01", "2025-02")


def _run_dbt(args: list[str], warehouse: Path, work_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("SOCIALMART_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--vars",
            json.dumps({"run_date": AS_OF.isoformat()}),
        ]
    )


def _load(path: Path, work_dir: Path, server: SandboxServer) -> None:
    common = {"start_date": "2025-01-01", "end_date": (AS_OF - timedelta(days=1)).isoformat(), "lookback_days": 28}
    sources = {
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
    for dataset, source in sources.items():
        pipeline = dlt.pipeline(
            pipeline_name=f"test_{dataset}",
            destination=dlt.destinations.duckdb(str(path)),
            dataset_name=dataset,
            pipelines_dir=str(work_dir / "pipelines" / dataset),
        )
        pipeline.run(source)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work_dir = tmp_path_factory.mktemp("dbt_video_organic")
    path = work_dir / "socialmart.duckdb"
    with SandboxServer(AS_OF) as server:
        _load(path, work_dir, server)
    selector = [
        "build",
        "--select",
        "+fct_channel_daily",
        "+dim_channels",
        "staging.tiktok_organic",
        "staging.youtube",
        "--indirect-selection",
        "cautious",
    ]
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = _run_dbt(selector, path, work_dir, monkeypatch)
    failures = [
        f"{r.node.unique_id}: {r.status} {r.message}"
        for r in (result.result or [])
        if str(r.status) not in ("success", "pass", "warn")
    ]
    assert result.success and not failures, "\n".join(failures)
    yield path


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _schema(path: Path, table: str) -> str:
    [(schema,)] = _query(path, f"select table_schema from information_schema.tables where table_name = '{table}'")
    return schema


@pytest.mark.parametrize("platform", ["tiktok", "youtube"])
def test_organic_month_totals_equal_truth(warehouse: Path, platform: str) -> None:
    schema = _schema(warehouse, "int_organic_daily_unioned")
    rows = _query(
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
def test_followers_total_at_a_date_equals_truth(warehouse: Path, platform: str) -> None:
    schema = _schema(warehouse, "int_organic_daily_unioned")
    days = (date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 14), date(2025, 2, 28))
    rows = dict(
        _query(
            warehouse,
            f"select date_day, followers_total from {schema}.int_organic_daily_unioned "
            f"where platform = '{platform}' and date_day in ({', '.join(repr(d.isoformat()) for d in days)})",
        )
    )
    truth = Truth(AS_OF)
    assert rows == {d: truth.followers_total(platform, d) for d in days}


def test_channels_tiktok_and_youtube_reach_fct_channel_daily(warehouse: Path) -> None:
    schema = _schema(warehouse, "fct_channel_daily")
    rows = dict(
        (channel, (int(posts), int(gained)))
        for channel, posts, gained in _query(
            warehouse,
            "select channel, sum(posts_published), sum(followers_gained) "
            f"from {schema}.fct_channel_daily where channel in ('tiktok', 'youtube') group by 1",
        )
    )
    truth = Truth(AS_OF)
    assert rows == {p: (truth.posts_published(p), truth.followers_gained(p)) for p in ("tiktok", "youtube")}
    kinds = dict(
        _query(
            warehouse,
            f"select channel, channel_type from {_schema(warehouse, 'dim_channels')}.dim_channels "
            "where channel in ('tiktok', 'youtube')",
        )
    )
    assert kinds["youtube"] == "organic" and "tiktok" in kinds
