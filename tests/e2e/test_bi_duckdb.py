"""A BI tool on the published DuckDB warehouse through SQLAlchemy and duckdb-engine, read-only, the way Superset
connects (`duckdb:///<file>?access_mode=read_only`, or the engine's connect_args): it lists and queries every
mart, gets the ground truth, and cannot write."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from e2e_scenario import NEXT_DATE, Scenario, run_truth

from socialmart.config import PROJECT_DIR

pytestmark = pytest.mark.e2e

MODELS_DIR = PROJECT_DIR / "dbt_project" / "models"
# Every marts and reports model of the dbt project: the tables a BI tool must find in schema marts.
MART_MODELS = sorted(path.stem for folder in ("marts", "reports") for path in (MODELS_DIR / folder).glob("*.sql"))


@pytest.fixture(params=["url", "connect_args"])
def engine(request: pytest.FixtureRequest, scenario: Scenario) -> Iterator[sa.Engine]:
    if request.param == "url":
        bi = sa.create_engine(f"duckdb:///{scenario.published}?access_mode=read_only")
    else:
        bi = sa.create_engine(f"duckdb:///{scenario.published}", connect_args={"read_only": True})
    yield bi
    bi.dispose()


def test_every_mart_is_listed_and_has_rows(engine: sa.Engine) -> None:
    tables = sa.inspect(engine).get_table_names(schema="marts")
    assert sorted(tables) == MART_MODELS
    with engine.connect() as con:
        counts = {table: con.execute(sa.text(f"select count(*) from marts.{table}")).scalar_one() for table in tables}
    assert {table: n for table, n in counts.items() if n == 0} == {}


def test_money_read_through_sqlalchemy_equals_the_truth(engine: sa.Engine) -> None:
    with engine.connect() as con:
        revenue = con.execute(sa.text("select sum(revenue) from marts.fct_orders_attributed")).scalar_one()
        spend = con.execute(
            sa.text("select sum(spend) from marts.fct_ad_performance_daily where platform = 'meta'")
        ).scalar_one()
    truth = run_truth(NEXT_DATE)
    assert isinstance(revenue, Decimal) and revenue == truth.revenue()
    assert spend == sum(v for (platform, _), v in truth.spend_by_platform_month().items() if platform == "meta")


def test_the_run_records_are_there_for_bi_to_trend(engine: sa.Engine) -> None:
    assert sorted(sa.inspect(engine).get_table_names(schema="ops")) == ["dq_results", "pipeline_runs"]
    with engine.connect() as con:
        statuses = con.execute(sa.text("select status, count(*) from ops.pipeline_runs group by status")).all()
    assert [tuple(row) for row in statuses] == [("success", 2)]


@pytest.mark.parametrize(
    "statement",
    [
        "create table marts.bi_scratch as select 1 as x",
        "delete from marts.fct_orders_attributed",
        "update ops.pipeline_runs set status = 'failed'",
        "drop table marts.dim_channels",
    ],
)
def test_a_write_is_refused(engine: sa.Engine, statement: str) -> None:
    with engine.connect() as con:
        before = con.execute(sa.text("select count(*) from marts.fct_orders_attributed")).scalar_one()
        with pytest.raises(sa.exc.DBAPIError, match="attached in read-only mode"):
            con.execute(sa.text(statement))
    with engine.connect() as con:
        assert con.execute(sa.text("select count(*) from marts.fct_orders_attributed")).scalar_one() == before
        assert "dim_channels" in sa.inspect(con).get_table_names(schema="marts")
