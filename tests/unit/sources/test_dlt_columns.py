"""Every raw table carries `_dlt_load_id` and `_dlt_id`; socialmart makes the row ids itself, vectorised."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pyarrow as pa

from sources.common.dlt_settings import dlt_ids, with_dlt_columns


def test_row_ids_are_unique_strings_made_in_one_go() -> None:
    ids = dlt_ids(100_000)
    assert ids.type == pa.string() and len(ids) == 100_000 and ids.null_count == 0
    assert len(set(ids.to_pylist())) == 100_000
    assert {len(value) for value in ids.to_pylist()} == {16}
    assert dlt_ids(1)[0].as_py() != dlt_ids(1)[0].as_py()
    assert len(dlt_ids(0)) == 0


def _load(tmp_path: Path, name: str, *resources) -> duckdb.DuckDBPyConnection:
    pipeline = dlt.pipeline(
        pipeline_name=f"test_dlt_columns_{name}",
        destination=dlt.destinations.duckdb(str(tmp_path / "raw.duckdb")),
        dataset_name="raw_test",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run(dlt.source(lambda: with_dlt_columns(*resources), name=name)())
    return duckdb.connect(str(tmp_path / "raw.duckdb"))


def test_arrow_tables_batches_and_dict_rows_all_get_one_row_id_column(tmp_path: Path) -> None:
    table = pa.table({"id": pa.array([1, 2, 3], pa.int64())})
    batches = [
        pa.record_batch({"id": pa.array([4, 5], pa.int64())}),
        pa.record_batch({"id": pa.array([6], pa.int64())}),
    ]
    con = _load(
        tmp_path,
        "mixed",
        dlt.resource([table], name="arrow_table"),
        dlt.resource(batches, name="arrow_batches"),
        dlt.resource([{"id": 7}, {"id": 8}], name="dicts"),
    )
    for name, rows in (("arrow_table", 3), ("arrow_batches", 3), ("dicts", 2)):
        columns = [c for (c,) in con.execute(f"select column_name from (describe raw_test.{name})").fetchall()]
        assert columns.count("_dlt_id") == 1 and "_dlt_load_id" in columns, (name, columns)
        counted = con.execute(
            f"select count(*), count(distinct _dlt_id), count(_dlt_load_id) from raw_test.{name}"
        ).fetchone()
        assert counted == (rows, rows, rows), name


def test_a_row_id_already_on_the_table_is_kept(tmp_path: Path) -> None:
    table = pa.table({"id": pa.array([1, 2], pa.int64()), "_dlt_id": pa.array(["a", "b"])})
    con = _load(tmp_path, "kept", dlt.resource([table], name="with_ids"))
    assert con.execute("select _dlt_id from raw_test.with_ids order by id").fetchall() == [("a",), ("b",)]
