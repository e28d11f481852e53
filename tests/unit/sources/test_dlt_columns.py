"""Every raw table carries `_dlt_load_id` and `_dlt_id`; socialmart makes the row ids itself, vectorised."""

from __future__ import annotations

import base64
from pathlib import Path

import dlt
import duckdb
import numpy as np
import pyarrow as pa
import pytest

from sources.common.dlt_settings import dlt_ids, with_dlt_columns


def test_row_ids_are_unique_strings_made_in_one_go() -> None:
    ids = dlt_ids(300_000).to_pylist()
    assert len(set(ids)) == 300_000 and {len(value) for value in ids} == {22}
    assert len({value[:16] for value in ids}) == 1, "one random prefix per item"
    assert ids[:3] == [ids[0][:16] + suffix for suffix in ("AAAAAA", "AAAAAB", "AAAAAC")]
    assert ids[64] == ids[0][:16] + "AAAABA"
    assert dlt_ids(1)[0].as_py()[:16] != dlt_ids(1)[0].as_py()[:16], "each item its own prefix"
    assert len(dlt_ids(0)) == 0
    with pytest.raises(ValueError, match="rows in one Arrow item"):
        dlt_ids(100_000_000)


def _stored_blocks(con: duckdb.DuckDBPyConnection, ids: pa.ChunkedArray, table: str) -> int:
    con.register("items", pa.table({"_dlt_id": ids}))
    con.execute(f"create table {table} as select * from items")
    con.execute("checkpoint")
    [(blocks,)] = con.execute(
        f"select count(distinct block_id) from pragma_storage_info('{table}') where segment_type <> 'VALIDITY'"
    ).fetchall()
    return blocks


def test_row_ids_take_far_less_storage_than_random_ones(tmp_path: Path) -> None:
    """Four items of 250,000 rows against a million random ids of the same length and characters."""
    ours = pa.chunked_array([dlt_ids(250_000) for _ in range(4)])
    chars = base64.b64encode(np.random.default_rng(8).bytes(1_000_000 * 22 * 3 // 4))  # 22 characters an id
    offsets = pa.py_buffer(np.arange(0, 1_000_001 * 22, 22, dtype=np.int32))
    random_ids = pa.chunked_array([pa.StringArray.from_buffers(1_000_000, offsets, pa.py_buffer(chars))])
    with duckdb.connect(str(tmp_path / "ids.duckdb")) as con:
        assert _stored_blocks(con, ours, "ours") * 2 <= _stored_blocks(con, random_ids, "random_ids")


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
