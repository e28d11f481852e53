"""On PostgreSQL the incremental ad models are always rebuilt whole: a second build, with the intermediate model
already in place, picks up a change to an old day and inserts no row twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import psycopg2
import pytest

from socialmart.config import PostgresConnection
from socialmart.dbt import run_dbt_build
from socialmart.warehouse import BuildTarget

SELECT = ["+fct_ad_performance_daily"]
RUN_DATE = date(2025, 3, 5)
RAW = """
create schema raw_meta_ads;
create schema raw_inputs;
create table raw_meta_ads.ad_accounts as
select * from (values ('act_1', 'Brand EU', 'EUR', 'Europe/Berlin')) as a(account_id, name, currency, timezone_name);
create table raw_meta_ads.ad_insights as
select
    'act_1'::text as account_id, 'EUR'::text as account_currency, 'Europe/Berlin'::text as account_timezone,
    'c1'::text as campaign_id, 'spring_genz_conv_us_202502'::text as campaign_name, 's1'::text as adset_id,
    'set'::text as adset_name, 'ad' || ad as ad_id, 'ad'::text as ad_name, day::date as date_start,
    (10 + ad)::numeric(18, 2) as spend, 1000::bigint as impressions, 20::bigint as clicks, 800::bigint as reach,
    1.0::double precision as conversions, 5.00::numeric(18, 2) as conversion_value, 0::bigint as video_views
from generate_series(date '2025-02-25', date '2025-03-04', interval '1 day') as days(day)
cross join generate_series(1, 2) as ads(ad);
create table raw_inputs.fx_rates as
select
    day::date as rate_date, 'EUR'::text as base_currency, 'USD'::text as quote_currency, 1.1::numeric(18, 8) as rate,
    'fx_rates_csv'::text as rate_source, 'fx_rates.csv'::text as source_file, 1::bigint as source_line
from generate_series(date '2025-01-01', date '2025-03-31', interval '1 day') as days(day);
"""


def _execute(database: PostgresConnection, statement: str) -> list[tuple]:
    with (
        psycopg2.connect(
            host=database.host,
            port=database.port,
            user=database.user,
            password=database.password,
            dbname=database.dbname,
        ) as con,
        con.cursor() as cursor,
    ):
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def database(postgres_server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PostgresConnection]:
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    with postgres_server.database("incremental") as database:
        _execute(database, RAW)
        yield database


def test_a_second_build_rebuilds_the_ad_models_whole(database: PostgresConnection) -> None:
    settings = SimpleNamespace(
        dbt_project_dir=Path(__file__).resolve().parents[2] / "dbt_project",
        dbt_vars=lambda: {"reporting_currency": "USD", "calendar_start_date": "2025-01-01"},
    )
    target = BuildTarget(postgres=database)
    total = "select count(*), sum(spend_local), sum(spend) from marts__build.fct_ad_performance_daily"
    said = run_dbt_build(settings, target, RUN_DATE, log=lambda _: None, select=SELECT).rebuild
    assert said == "full refresh: PostgreSQL builds its marts in a fresh schema"
    assert [tuple(map(str, row)) for row in _execute(database, total)] == [("16", "184.00", "202.40")]
    _execute(database, "update raw_meta_ads.ad_insights set spend = spend + 1 where date_start = '2025-02-26'")
    said = run_dbt_build(settings, target, RUN_DATE, log=lambda _: None, select=SELECT).rebuild
    assert said == "full refresh: PostgreSQL builds its marts in a fresh schema"
    assert [tuple(map(str, row)) for row in _execute(database, total)] == [("16", "186.00", "204.60")]
    [(unioned,)] = _execute(database, "select count(*) from intermediate.int_ad_performance_unioned")
    assert unioned == 16
