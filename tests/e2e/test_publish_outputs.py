"""What a good nightly run publishes besides the warehouse file: Parquet copies of every mart, its rows in
ops.pipeline_runs and ops.dq_results, and a Data Docs site of its own (the session's two runs, e2e_scenario.py)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from itertools import pairwise

import duckdb
import pytest
from e2e_scenario import NEXT_DATE, RUN_DATE, Scenario, query

from flows.nightly import RunSummary

pytestmark = pytest.mark.e2e


def _marts_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def test_every_mart_has_a_parquet_copy_with_the_same_rows_and_money(scenario: Scenario) -> None:
    warehouse_dir = scenario.published.parent
    link = warehouse_dir / "parquet"
    assert scenario.second.parquet == link
    assert os.readlink(link) == f"parquet-{scenario.second.run_id}"
    # The set before it stays for readers that started on it; none older.
    sets = {path.name for path in warehouse_dir.glob("parquet-*")}
    assert sets == {f"parquet-{scenario.first.run_id}", f"parquet-{scenario.second.run_id}"}

    with duckdb.connect(str(scenario.published), read_only=True) as con:
        tables = _marts_tables(con)
        assert len(tables) >= 15 and {"fct_ad_performance_daily", "rpt_monthly_targets"} <= set(tables)
        assert sorted(path.stem for path in link.iterdir()) == tables
        money_columns = 0
        for table in tables:
            parquet = f"read_parquet('{link / f'{table}.parquet'}')"
            columns = [(name, kind) for name, kind, *_ in con.execute(f"describe marts.{table}").fetchall()]
            in_parquet = con.execute(f"describe select * from {parquet}").fetchall()
            assert [(name, kind) for name, kind, *_ in in_parquet] == columns, table
            decimals = [name for name, kind, *_ in columns if kind.startswith("DECIMAL")]
            money_columns += len(decimals)
            totals = ", ".join(["count(*)", *(f"sum({name})" for name in decimals)])
            expected = con.execute(f"select {totals} from marts.{table}").fetchone()
            assert con.execute(f"select {totals} from {parquet}").fetchone() == expected, table
    assert money_columns >= 20


def _gate_records(summary: RunSummary) -> list[dict]:
    return json.loads(summary.validation_results.read_text())


def _stored_run(scenario: Scenario, summary: RunSummary) -> dict:
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        cursor = con.execute("select * from ops.pipeline_runs where run_id = ?", [summary.run_id])
        [row] = cursor.fetchall()
        return dict(zip([d[0] for d in cursor.description], row, strict=True))


@pytest.mark.parametrize("which", ["first", "second"])
def test_each_good_run_is_recorded_in_ops_pipeline_runs(scenario: Scenario, which: str) -> None:
    summary: RunSummary = getattr(scenario, which)
    run = _stored_run(scenario, summary)
    gate = _gate_records(summary)
    assert run["run_date"] == {"first": RUN_DATE, "second": NEXT_DATE}[which]
    assert (run["status"], run["failed_step"], run["error_message"], run["is_published"]) == (
        "success",
        None,
        None,
        True,
    )
    assert run["is_sandbox"] is True
    assert (run["sources_loaded"], run["sources_failed"], run["failed_sources"]) == (
        len(summary.rows_extracted),
        0,
        None,
    )
    assert run["rows_loaded"] == sum(sum(tables.values()) for tables in summary.rows_extracted.values()) > 0
    assert (run["dbt_models"], run["dbt_tests_passed"], run["dbt_tests_warned"]) == (
        summary.dbt["models"],
        summary.dbt["tests_passed"],
        summary.dbt["tests_warned"],
    )
    failed = [r for r in gate if not r["success"]]
    assert (run["gate_checks"], run["gate_errors"]) == (len(gate), 0)
    assert run["gate_warnings"] == sum(r["severity"] == "warning" for r in failed)
    for stage in ("load", "dbt", "gate", "parquet"):
        assert run[f"{stage}_seconds"] == summary.seconds[stage]
    assert timedelta(0) < run["finished_at"] - run["started_at"]
    assert run["total_seconds"] >= sum(summary.seconds[s] for s in ("load", "dbt", "gate", "parquet"))
    # the stage spans `make bench` matches its memory samples to: in order, one per stage, as long as its seconds
    spans = summary.stage_spans
    assert [stage for stage, _, _ in spans] == ["load", "dbt", "gate", "parquet", "publish", "report"]
    assert all(start <= end <= next_start for (_, start, end), (_, next_start, _) in pairwise(spans))
    for stage, start, end in spans:
        assert end - start == pytest.approx(summary.seconds[stage], abs=0.01)


def test_every_check_of_every_run_is_in_ops_dq_results(scenario: Scenario) -> None:
    stored = query(
        scenario.published,
        "select run_id, name, suite, severity, success, evaluated, table_name, column_name, rule, observed_value, "
        "samples, message, cast(run_date as varchar) from ops.dq_results",
    )
    fields = ("name", "suite", "severity", "success", "evaluated", "table_name", "column_name", "rule")
    fields += ("observed_value", "samples", "message", "run_date")
    expected = [
        (summary.run_id, *(record[key] for key in fields))
        for summary in (scenario.first, scenario.second)
        for record in _gate_records(summary)
    ]
    assert len(expected) > 50
    assert sorted(stored, key=repr) == sorted(expected, key=repr)


def test_run_records_are_published_with_the_marts_they_describe(scenario: Scenario) -> None:
    """The first run's snapshot holds only its own record: a run's rows travel in its build."""
    assert query(scenario.first_snapshot, "select run_id from ops.pipeline_runs") == [(scenario.first.run_id,)]
    runs = query(scenario.published, "select run_id from ops.pipeline_runs order by started_at")
    assert runs == [(scenario.first.run_id,), (scenario.second.run_id,)]


def test_each_run_has_its_own_data_docs_and_latest_points_at_the_newest(scenario: Scenario) -> None:
    validation_dir = scenario.published.parent / "validation"
    for summary in (scenario.first, scenario.second):
        run_dir = validation_dir / "runs" / summary.run_id
        assert summary.validation_results == run_dir / "gate.json"
        assert summary.data_docs == run_dir / "docs" / "index.html"
        assert f"Data Docs: `{summary.data_docs}`" in summary.markdown()
        page = summary.data_docs.read_text()
        assert "marts." in page and "raw." in page, "the index lists the run's validation results"
        validations = list((run_dir / "docs" / "validations").rglob("*.html"))
        assert len(validations) == len({r["suite"] for r in _gate_records(summary) if r["evaluated"]}) > 5
    assert os.readlink(validation_dir / "latest") == f"runs/{scenario.second.run_id}"
    assert sorted(path.name for path in (validation_dir / "runs").iterdir()) == sorted(
        [scenario.first.run_id, scenario.second.run_id]
    )
