"""The README's example analyst queries run on the nightly warehouse, DuckDB and PostgreSQL, and answer with rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_scenario import Scenario, query
from postgres_support import PostgresRun

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"


def example_queries() -> list[str]:
    """The ```sql blocks of the README's "Example queries" section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Example queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_the_readme_has_five_example_queries() -> None:
    assert len(example_queries()) == 5


def _model(sql: str) -> str:
    return sql.split("from ", 1)[1].split()[0]


def _assert_answers(rows: list[tuple]) -> None:
    assert rows, "the example query returned no rows"
    assert all(any(value is not None for value in row) for row in rows)


@pytest.mark.parametrize("sql", example_queries(), ids=_model)
def test_example_query_answers_on_duckdb(scenario: Scenario, sql: str) -> None:
    _assert_answers(query(scenario.first_snapshot, sql))


@pytest.mark.postgres
@pytest.mark.parametrize("sql", example_queries(), ids=_model)
def test_example_query_answers_on_postgres(postgres_nightly: PostgresRun, sql: str) -> None:
    _assert_answers(postgres_nightly.query(sql))
