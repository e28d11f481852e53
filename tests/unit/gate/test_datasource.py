"""The gate's path to the warehouse: each asset's query runs once, read-only, and GX validates the rows it returns.

GX's own SQL engine re-ran an asset's query for every metric (four to five times for a SUMMARY result), and on
DuckDB it needed a custom datasource type to fetch results at all (GX issues #10738, #11579). These tests pin the
replacement: the stock datasource, one execution per asset, the driver's values in results and samples.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pytest
import sqlalchemy as sa

from expectations import runner
from expectations.datasource import add_duckdb_datasource, close_datasource
from expectations.specs import AssetSpec, CheckSpec

SPEND_TABLE = (
    "CREATE SCHEMA raw_meta_ads; CREATE TABLE raw_meta_ads.ad_insights AS SELECT * FROM (VALUES {rows}) t(ad_id, spend)"
)
SPEND_QUERY = "SELECT ad_id, spend FROM raw_meta_ads.ad_insights"


def _spend_file(path: Path, spends: list[str]) -> Path:
    rows = ", ".join(f"('ad{i}', CAST({s} AS DECIMAL(18, 2)))" for i, s in enumerate(spends))
    connection = duckdb.connect(str(path))
    connection.execute(SPEND_TABLE.format(rows=rows))
    connection.close()
    return path


def _spend_asset(name: str = "spend", query: str = SPEND_QUERY) -> AssetSpec:
    check = CheckSpec(
        name=f"{name}.non_negative",
        expectation=gxe.ExpectColumnValuesToBeBetween(column="spend", min_value=0),
        table="raw_meta_ads.ad_insights",
        column="spend",
        rule="spend >= 0",
    )
    return AssetSpec(
        name=name, suite=f"ranges.{name}", query=query, requires=(), checks=(check,), index_columns=("ad_id",)
    )


def _run(path: Path, *assets: AssetSpec, statements: list[str] | None = None) -> list:
    context = runner.new_context(None)
    datasource = add_duckdb_datasource(context, "warehouse", path)
    if statements is not None:
        sa.event.listen(
            datasource.get_engine(), "before_cursor_execute", lambda *args: statements.append(args[2]), named=False
        )
    try:
        return [check for asset in assets for check in runner.run_asset(context, datasource, asset, sample_rows=5)]
    finally:
        close_datasource(datasource)


def test_a_bad_row_fails_with_its_key_and_the_drivers_value(tmp_path: Path) -> None:
    [check] = _run(_spend_file(tmp_path / "bad.duckdb", ["1.50", "-0.01", "3"]), _spend_asset())
    assert check.evaluated and check.success is False
    assert check.observed_value == 1
    assert check.message == "1 of 3 rows break the rule (33.33%)"
    assert check.samples == [{"ad_id": "ad1", "spend": Decimal("-0.01")}]


def test_clean_rows_pass(tmp_path: Path) -> None:
    [check] = _run(_spend_file(tmp_path / "good.duckdb", ["1.50", "0.00", "3"]), _spend_asset())
    assert check.evaluated and check.success is True
    assert check.observed_value == 0
    assert check.samples == []


def test_each_asset_query_runs_once(tmp_path: Path) -> None:
    statements: list[str] = []
    _run(_spend_file(tmp_path / "once.duckdb", ["-1", "2"]), _spend_asset(), statements=statements)
    assert sum("raw_meta_ads.ad_insights" in statement for statement in statements) == 1


def test_a_failed_query_does_not_stop_the_next_asset(tmp_path: Path) -> None:
    """A failed query aborts DuckDB's transaction; the next asset must still get a working connection."""
    bad_cast = "SELECT 'x' AS ad_id, CAST(v AS INTEGER) AS spend FROM (VALUES ('1'), ('abc')) t(v)"
    broken = _spend_asset("broken", bad_cast)
    failed, passed = _run(_spend_file(tmp_path / "recover.duckdb", ["1"]), broken, _spend_asset())
    assert not failed.evaluated and failed.message.startswith("query failed: ")
    assert failed.message.startswith("query failed: ConversionException: Conversion Error: Could not convert")
    assert passed.evaluated and passed.success is True


def test_datasource_is_read_only_and_released(tmp_path: Path) -> None:
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
