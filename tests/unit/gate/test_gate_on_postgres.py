"""The gate on PostgreSQL: the small warehouses of conftest.py, copied into a throwaway database with the marts in
the build schema (marts__build) a PostgreSQL run validates before publishing, and something else in `marts`.

The gate must judge the build, not what is published, give the same outcome as on DuckDB, and never show the
database password (a recognisable one; the test server's trust authentication ignores it).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from postgres_support import PostgresServer, copy_duckdb_tables

from expectations import GateConnectionError, GateParams, GateResult, run_gate
from expectations.results import to_jsonable
from socialmart.config import PostgresConnection
from socialmart.warehouse import BuildTarget

# Recognisable, and with the characters a connection URL must escape (the escaped form must not show either).
PASSWORD = "gate-p@ss/w:rd$never-shown%41d7"
SHOWN_FORMS = (PASSWORD, quote(PASSWORD, safe=""))
NEGATIVE_SPEND = "UPDATE marts.fct_ad_performance_daily SET spend = -spend WHERE ad_id = 'ad2'"


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[PostgresConnection]:
    """A throwaway database, connected to with PASSWORD."""
    with postgres_server.database("gate") as created:
        yield replace(created, password=PASSWORD)


def load(database: PostgresConnection, build: Path, published: Path) -> None:
    """Copy the raw and staging schemas and the marts of `build` into `database` as a run leaves them before
    publishing (marts in marts__build), and the marts of `published` into `marts`."""
    with closing(duckdb.connect(str(build), read_only=True)) as con:
        rows = con.execute("select distinct table_schema from information_schema.tables").fetchall()
    schemas = {schema for (schema,) in rows}
    kept = {schema: schema for schema in schemas if schema.startswith("raw_") or schema == "staging"}
    copy_duckdb_tables(build, database, {**kept, "marts": "marts__build"})
    copy_duckdb_tables(published, database, {"marts": "marts"})


def outcomes(result: GateResult) -> dict[str, tuple[bool, object]]:
    """Each check's success and observed value, as JSON-ready data."""
    return {c.name: (c.success, to_jsonable(c.observed_value)) for c in result.checks}


@pytest.mark.postgres
def test_a_clean_build_passes_like_on_duckdb_and_the_password_shows_nowhere(
    warehouse,
    params: GateParams,
    database: PostgresConnection,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    clean = warehouse()
    load(database, build=clean, published=warehouse(NEGATIVE_SPEND))  # bad published marts must not matter
    caplog.set_level(logging.DEBUG)

    result = run_gate(BuildTarget(postgres=database), params, docs_dir=tmp_path / "docs")

    assert result.success, result.summary()
    assert outcomes(result) == outcomes(run_gate(clean, params))
    assert "spend_non_negative.marts.fct_ad_performance_daily" in outcomes(result)
    docs = [path for path in (tmp_path / "docs").rglob("*") if path.is_file()]
    assert any(path.suffix == ".html" for path in docs)
    shown = [result.summary(), json.dumps(result.to_records()), caplog.text, *capfd.readouterr()]
    shown += [path.read_text(errors="replace") for path in docs]
    assert not [form for form in SHOWN_FORMS for text in shown if form in text]


@pytest.mark.postgres
def test_a_bad_build_fails_though_the_published_marts_are_clean(
    warehouse, params: GateParams, database: PostgresConnection
) -> None:
    load(database, build=warehouse(NEGATIVE_SPEND), published=warehouse())

    result = run_gate(BuildTarget(postgres=database), params)

    assert not result.success
    [error] = [c for c in result.errors if c.name == "spend_non_negative.marts.fct_ad_performance_daily"]
    assert (error.table, error.column, error.evaluated) == ("marts.fct_ad_performance_daily", "spend", True)
    assert error.samples and all(sample["spend"] < 0 for sample in error.samples)
    assert {sample["ad_id"] for sample in error.samples} == {"ad2"}


@pytest.mark.postgres
def test_a_table_missing_from_the_build_is_missing_even_when_published(
    warehouse, params: GateParams, database: PostgresConnection
) -> None:
    load(database, build=warehouse("DROP TABLE marts.fct_orders_attributed"), published=warehouse())

    result = run_gate(BuildTarget(postgres=database), params)

    check = result.check("reconcile_orders.marts.fct_orders_attributed")
    assert not check.success and not check.evaluated
    assert check.message == "missing input: table marts.fct_orders_attributed is absent"
    assert not result.success


def test_an_unreachable_database_is_a_clear_error_without_the_password(params: GateParams) -> None:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as closed_port:
        closed_port.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = closed_port.getsockname()[1]
        database = PostgresConnection("127.0.0.1", port, "loader", "socialmart", password=PASSWORD)
        with pytest.raises(GateConnectionError) as failure:
            run_gate(BuildTarget(postgres=database), params)
    message = str(failure.value)
    assert f"postgresql://loader@127.0.0.1:{port}/socialmart" in message and "postgres_dsn" in message
    assert not [form for form in SHOWN_FORMS if form in message] and failure.value.__cause__ is None
