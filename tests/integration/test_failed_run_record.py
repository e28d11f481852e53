"""A run that fails before the gate is still recorded: a bad business-input file stops the load, and the published
warehouse gets the run's row in ops.pipeline_runs (failed step `load`, the file named) and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from socialmart.config import PROJECT_DIR


def test_a_run_failing_on_a_bad_input_file_is_recorded(
    prefect_harness: None, isolated_outputs: Path, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(PROJECT_DIR / "inputs", inputs)
    with (inputs / "targets.csv").open("a") as targets:
        targets.write("2025-13,revenue,all,all,100\n")
    exports = tmp_path / "exports"
    exports.mkdir()
    published = tmp_path / "warehouse" / "socialmart.duckdb"

    with pytest.raises(Exception, match=r"targets\.csv") as failure:
        nightly(sources=("exports",), exports_dir=exports, warehouse_file=published, inputs_dir=inputs)

    with duckdb.connect(str(published), read_only=True) as con:
        [run] = con.execute(
            "select status, failed_step, is_published, error_message, dbt_models, gate_checks, "
            "load_seconds is not null, dbt_seconds from ops.pipeline_runs"
        ).fetchall()
        schemas = con.execute("select distinct table_schema from information_schema.tables").fetchall()
        [(checks,)] = con.execute("select count(*) from ops.dq_results").fetchall()
    status, failed_step, is_published, message, dbt_models, gate_checks, timed_load, dbt_seconds = run
    assert (status, failed_step, is_published) == ("failed", "load", False)
    assert message == f"{type(failure.value).__name__}: {failure.value}"
    assert (dbt_models, gate_checks, timed_load, dbt_seconds, checks) == (None, None, True, None, 0)
    assert schemas == [("ops",)], "a first run that failed publishes its record and nothing else"
    assert not (tmp_path / "warehouse" / "parquet").exists()
