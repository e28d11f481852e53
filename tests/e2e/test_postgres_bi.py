"""A BI tool on the PostgreSQL warehouse: SQLAlchemy with psycopg 3 (`postgresql+psycopg://`, the route Superset and
many BI tools take), logged in as the read-only role socialmart_reader that the session's `postgres_nightly` run
published the marts for (tests/conftest.py gives the role a login password)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from e2e_scenario import RUN_DATE, assert_marts_match_truth, run_truth
from postgres_support import READER_PASSWORD, PostgresRun

from socialmart.config import PROJECT_DIR
from socialmart.dbt import target_dir
from socialmart.postgres_publish import READER_ROLE

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def bi_engine(postgres_nightly: PostgresRun) -> Iterator[sa.Engine]:
    """An engine that connects as the reader role, as a BI tool's connection form would."""
    database = postgres_nightly.database
    url = sa.URL.create(
        "postgresql+psycopg",
        username=READER_ROLE,
        password=READER_PASSWORD,
        host=database.host,
        port=database.port,
        database=database.dbname,
    )
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()


def analyst_models() -> set[str]:
    """The marts and reports of the dbt project (every model under models/marts and models/reports)."""
    manifest = json.loads((target_dir(PROJECT_DIR / "dbt_project") / "manifest.json").read_text())
    folders = ("models/marts/", "models/reports/")
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith(folders)
    }


def test_the_reader_queries_every_mart_and_report(bi_engine: sa.Engine, postgres_nightly: PostgresRun) -> None:
    published = {
        name for (name,) in postgres_nightly.query("select tablename from pg_tables where schemaname = 'marts'")
    }
    assert published == analyst_models() and len(published) >= 15
    assert bi_engine.dialect.driver == "psycopg"
    with bi_engine.connect() as bi:
        rows = {table: bi.execute(sa.text(f"select count(*) from marts.{table}")).scalar_one() for table in published}
    assert rows == {table: postgres_nightly.query(f"select count(*) from marts.{table}")[0][0] for table in published}
    assert rows["fct_ad_performance_daily"] > 1000 and rows["fct_orders_attributed"] > 1000


def test_the_reader_sees_the_ground_truth(bi_engine: sa.Engine) -> None:
    with bi_engine.connect() as bi:
        assert_marts_match_truth(lambda sql: bi.execute(sa.text(sql)).fetchall(), run_truth(RUN_DATE))


@pytest.mark.parametrize(
    "statement",
    [
        "insert into marts.fct_orders_attributed select * from marts.fct_orders_attributed limit 0",
        "update marts.fct_channel_daily set spend = 0 where false",
        "delete from marts.rpt_monthly_targets where false",
        "truncate marts.dim_channels",
        "drop table marts.dim_date",
        "alter table marts.dim_date add column forged int",
        "create table marts.bi_scratch (x int)",
        "create table public.bi_scratch (x int)",
        "create schema bi_scratch",
        "select count(*) from raw_shopify.orders",
        "select count(*) from raw_meta_ads.ad_insights",
        "select count(*) from raw_inputs.targets",
        "select count(*) from staging.stg_shopify__orders",
        "select count(*) from intermediate.int_fx_rates_daily",
    ],
)
def test_writes_and_raw_or_staging_reads_are_denied(bi_engine: sa.Engine, statement: str) -> None:
    with bi_engine.connect() as bi, pytest.raises(sa.exc.ProgrammingError) as failure:
        bi.execute(sa.text(statement))
    assert isinstance(failure.value.orig, psycopg.errors.InsufficientPrivilege), failure.value
