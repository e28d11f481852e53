"""Step 1 proof: GX 1.x validates a DuckDB file through duckdb-engine with the DuckDB datasource type.

The stock SQL datasource loses every metric result on DuckDB (GX issues #10738, #11579); see
``expectations.datasource`` for the cause. These tests pin both behaviours.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.datasource import add_duckdb_datasource, close_datasource, duckdb_url

SPEND_TABLE = (
    "CREATE SCHEMA raw_meta_ads; CREATE TABLE raw_meta_ads.ad_insights AS SELECT * FROM (VALUES {rows}) t(ad_id, spend)"
)


def _spend_file(path: Path, spends: list[str]) -> Path:
    rows = ", ".join(f"('ad{i}', CAST({s} AS DECIMAL(18, 2)))" for i, s in enumerate(spends))
    connection = duckdb.connect(str(path))
    connection.execute(SPEND_TABLE.format(rows=rows))
    connection.close()
    return path


def _validate_spend(path: Path, stock: bool = False) -> tuple[bool, dict, list[str]]:
    """Validate spend >= 0 on the file; return success, the GX result and any raised exception messages."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    if stock:
        datasource = context.data_sources.add_sql(
            "stock", connection_string=duckdb_url(path), kwargs={"connect_args": {"read_only": True}}
        )
    else:
        datasource = add_duckdb_datasource(context, "warehouse", path)
    try:
        asset = datasource.add_query_asset("spend", query="SELECT ad_id, spend FROM raw_meta_ads.ad_insights")
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        result = batch.validate(
            gx.expectations.ExpectColumnValuesToBeBetween(column="spend", min_value=0),
            result_format={"result_format": "SUMMARY", "unexpected_index_column_names": ["ad_id"]},
        )
    finally:
        close_datasource(datasource)
    info = dict(result.exception_info or {})
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    raised = [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]
    return bool(result.success), dict(result.result), raised


def test_expectation_fails_on_negative_spend(tmp_path: Path) -> None:
    success, result, errors = _validate_spend(_spend_file(tmp_path / "bad.duckdb", ["1.50", "-0.01", "3"]))
    assert not errors
    assert success is False
    assert result["unexpected_count"] == 1
    assert result["partial_unexpected_index_list"] == [{"ad_id": "ad1", "spend": Decimal("-0.01")}]


def test_expectation_passes_on_clean_spend(tmp_path: Path) -> None:
    success, result, errors = _validate_spend(_spend_file(tmp_path / "good.duckdb", ["1.50", "0.00", "3"]))
    assert not errors
    assert success is True
    assert result["element_count"] == 3
    assert result["unexpected_count"] == 0


def test_stock_sql_datasource_still_loses_results_on_duckdb(tmp_path: Path) -> None:
    """Canary: when this fails, GX fixed its DuckDB path and the custom datasource type may be dropped."""
    success, _, errors = _validate_spend(_spend_file(tmp_path / "stock.duckdb", ["1.50"]), stock=True)
    assert success is False
    assert any("list index out of range" in message for message in errors)


def test_datasource_is_read_only_and_released(tmp_path: Path) -> None:
    import great_expectations as gx
    import sqlalchemy as sa

    path = _spend_file(tmp_path / "ro.duckdb", ["1"])
    datasource = add_duckdb_datasource(gx.get_context(mode="ephemeral"), "warehouse", path)
    try:
        with datasource.get_engine().connect() as connection, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            connection.execute(sa.text("CREATE TABLE t (i INTEGER)"))
    finally:
        close_datasource(datasource)
    connection = duckdb.connect(str(path))  # read-write: fails if the read-only handle were still open
    connection.execute("CREATE TABLE t (i INTEGER)")
    connection.close()


def test_connection_recovers_after_a_failed_query(tmp_path: Path) -> None:
    """A failed query aborts DuckDB's transaction; the next query on the shared connection must still run."""
    import great_expectations as gx
    import sqlalchemy as sa

    path = _spend_file(tmp_path / "recover.duckdb", ["1"])
    datasource = add_duckdb_datasource(gx.get_context(mode="ephemeral"), "warehouse", path)
    engine = datasource.get_execution_engine()
    try:
        with pytest.raises(sa.exc.DBAPIError, match="Conversion Error"):
            engine.execute_query(sa.text("SELECT CAST(x AS INTEGER) FROM (VALUES ('1'), ('abc')) t(x)")).fetchall()
        assert engine.execute_query(sa.text("SELECT COUNT(*) FROM raw_meta_ads.ad_insights")).fetchall() == [(1,)]
    finally:
        close_datasource(datasource)
