"""The nightly flow with `warehouse = "postgres"`: the real connectors load the sandbox into PostgreSQL, dbt builds
and tests every model there, the gate validates the build schema and publishing swaps it in as marts.

The run is the session's `postgres_nightly` (tests/conftest.py), shared with tests/e2e/test_postgres_marts.py, which
holds its marts to the ground truth.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from postgres_support import READER_PASSWORD, PostgresRun

from socialmart.catalog import SOURCES
from socialmart.cli import main
from socialmart.config import PROJECT_DIR
from socialmart.dbt import log_file, target_dir

pytestmark = pytest.mark.postgres


def test_every_source_loads_into_its_raw_schema(postgres_nightly: PostgresRun) -> None:
    summary = postgres_nightly.summary
    assert summary.source_errors == {}
    loaded = postgres_nightly.query(
        "select table_schema from information_schema.tables where table_name = '_dlt_loads'"
    )
    assert {schema for (schema,) in loaded} == {spec.dataset for spec in SOURCES} | {"raw_inputs"}
    [(orders,)] = postgres_nightly.query("select count(*) from raw_shopify.orders")
    assert orders == summary.rows_extracted["shopify"]["orders"] > 0


def test_dbt_builds_and_tests_every_model(postgres_nightly: PostgresRun) -> None:
    """Every model that is not ephemeral (per the run's manifest) is a relation in Postgres, and the tests ran."""
    manifest = json.loads((target_dir(PROJECT_DIR / "dbt_project") / "manifest.json").read_text())
    nodes = manifest["nodes"].values()
    models = {n["name"] for n in nodes if n["resource_type"] == "model" and n["config"]["materialized"] != "ephemeral"}
    seeds = {n["name"] for n in nodes if n["resource_type"] == "seed"}
    relations = postgres_nightly.query(
        "select table_name from information_schema.tables where table_schema in ('staging', 'intermediate', 'marts')"
    )
    assert len(models) > 50 and {name for (name,) in relations} == models | seeds
    assert postgres_nightly.summary.dbt["models"] == len(models)
    assert postgres_nightly.summary.dbt["tests_passed"] > 100


def test_money_stays_exact_numeric(postgres_nightly: PostgresRun) -> None:
    types = dict(
        postgres_nightly.query(
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and column_name in ('spend', 'spend_local', 'revenue', 'revenue_local')"
        )
    )
    assert len(types) >= 5 and set(types.values()) == {"numeric"}, types


def test_missing_raw_tables_become_empty_typed_relations(postgres_nightly: PostgresRun) -> None:
    """No export file was loaded (raw_exports does not exist): the export staging models are empty, and typed."""
    schemas = postgres_nightly.query("select schema_name from information_schema.schemata")
    assert ("raw_exports",) not in schemas
    assert postgres_nightly.query("select count(*) from staging.stg_exports__meta_ads_manager") == [(0,)]
    types = postgres_nightly.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'staging' and table_name = 'stg_exports__meta_ads_manager' "
        "and column_name in ('date_day', 'spend_local', 'impressions')"
    )
    assert dict(types) == {"date_day": "date", "spend_local": "numeric", "impressions": "bigint"}


def test_the_gate_passes_and_the_marts_are_published_by_a_schema_swap(postgres_nightly: PostgresRun) -> None:
    summary = postgres_nightly.summary
    assert summary.gate_success is True, summary.gate_summary
    assert "Gate: passed" in summary.markdown()
    assert (
        json.loads(summary.validation_results.read_text())
        and summary.data_docs.name == "index.html"
        and summary.data_docs.is_file()
    )
    assert summary.published == f"schema marts of {postgres_nightly.database}"
    schemas = postgres_nightly.query("select nspname from pg_namespace where nspname like 'marts%'")
    assert schemas == [("marts",)], "the build schema was swapped in, and the replaced marts dropped"
    assert "Published schema marts; role socialmart_reader can log in" in postgres_nightly.log


@pytest.mark.parametrize("secret", ["database", "reader"])
def test_the_passwords_are_never_logged_or_stored(postgres_nightly: PostgresRun, secret: str) -> None:
    """Neither the loader's nor the reader role's password is in the run's log, its summary, dbt's log, the stored
    gate results or the Data Docs."""
    password = postgres_nightly.database.password if secret == "database" else READER_PASSWORD
    summary = postgres_nightly.summary
    assert password and "loaded" in postgres_nightly.log
    assert password not in postgres_nightly.log
    assert password not in summary.markdown()
    assert password not in log_file(PROJECT_DIR / "dbt_project").read_text(errors="replace")
    stored = [summary.validation_results, *(path for path in summary.data_docs.parent.rglob("*") if path.is_file())]
    assert len(stored) > 2 and all(password not in path.read_text(errors="replace") for path in stored)


def test_sources_command_reads_the_postgres_load_history(
    postgres_nightly: PostgresRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMART__WAREHOUSE", "postgres")
    monkeypatch.setenv("SOCIALMART__POSTGRES_DSN", postgres_nightly.database.dsn)
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0, result.output
    assert f"Warehouse: {postgres_nightly.database}" in result.output
    assert postgres_nightly.database.password not in result.output
    loads = {line.split()[0]: line.split()[-1] for line in result.output.splitlines()[2:]}
    assert loads == {spec.name: "1" for spec in SOURCES}
