"""The nightly flow on PostgreSQL end to end: load and dbt for RUN_DATE on the sandbox (the session's
`postgres_nightly` run, tests/conftest.py), then the same mart totals against the ground truth as the DuckDB run
(e2e_scenario.assert_marts_match_truth), money to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from e2e_scenario import RUN_DATE, assert_marts_match_truth, run_truth
from postgres_support import PostgresRun

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_postgres_marts_reproduce_ground_truth(postgres_nightly: PostgresRun) -> None:
    assert postgres_nightly.summary.run_date == RUN_DATE
    assert postgres_nightly.summary.source_errors == {}
    assert_marts_match_truth(postgres_nightly.query, run_truth(RUN_DATE))


def test_money_comes_back_as_exact_decimals(postgres_nightly: PostgresRun) -> None:
    """psycopg2 returns numeric as Decimal: the sums above were compared without any float on the way."""
    [(spend, revenue)] = postgres_nightly.query(
        "select (select sum(spend) from marts.fct_ad_performance_daily), "
        "(select sum(revenue) from marts.fct_orders_attributed)"
    )
    assert isinstance(spend, Decimal) and isinstance(revenue, Decimal)
    assert spend.as_tuple().exponent == -2 and revenue.as_tuple().exponent == -2
