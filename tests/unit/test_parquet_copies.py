"""Parquet copies of the marts: one file per marts table with the same rows, published as a set by one symlink swap."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from socialmart import parquet_copies


def _build(path: Path, revenue: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging; create schema ops")
        con.execute(
            "create table marts.fct_orders as select range as order_id, "
            f"cast({revenue} + range / 100 as decimal(18, 2)) as revenue, "
            "timestamptz '2026-11-01 10:00:00+00' as created_at from range(5)"
        )
        con.execute("create table marts.rpt_monthly as select 'revenue' as metric, 12.5::double as attainment")
        con.execute("create table marts.fct_empty (channel varchar, spend decimal(18, 2))")
        con.execute("create view marts.v_orders as select order_id from marts.fct_orders where order_id > 2")
        con.execute("create table staging.stg_orders as select 1 as id")
        con.execute("create table ops.pipeline_runs as select 'r1' as run_id")
    return path


def _parquet(sql: str) -> list[tuple]:
    return duckdb.sql(sql).fetchall()


def test_every_marts_relation_is_written_with_its_rows_and_types(tmp_path: Path) -> None:
    build = _build(tmp_path / "build.duckdb", "100.10")
    files = parquet_copies.write_set(build, tmp_path, "run1")

    folder = tmp_path / "parquet-run1"
    assert files == {
        name: folder / f"{name}.parquet" for name in ("fct_empty", "fct_orders", "rpt_monthly", "v_orders")
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.name for f in files.values())
    assert _parquet(f"select count(*), sum(revenue) from '{files['fct_orders']}'") == [(5, Decimal("500.60"))]
    assert _parquet(f"select * from '{files['v_orders']}' order by 1") == [(3,), (4,)]
    assert _parquet(f"select count(*) from '{files['fct_empty']}'") == [(0,)]
    types = _parquet(f"describe select * from '{files['fct_orders']}'")
    assert [(name, kind) for name, kind, *_ in types] == [
        ("order_id", "BIGINT"),
        ("revenue", "DECIMAL(18,2)"),
        ("created_at", "TIMESTAMP WITH TIME ZONE"),
    ]
    assert not (tmp_path / "parquet").exists(), "nothing is visible before publish_set"


def test_publishing_swaps_the_link_and_keeps_only_the_previous_set(tmp_path: Path) -> None:
    link = tmp_path / "parquet"
    for run, revenue in (("run1", "1"), ("run2", "2"), ("run3", "3")):
        build = _build(tmp_path / f"{run}.duckdb", revenue)
        parquet_copies.write_set(build, tmp_path, run)
        assert parquet_copies.publish_set(tmp_path, run) == link
        assert os.readlink(link) == f"parquet-{run}", "a relative link: the warehouse folder can move"
        assert _parquet(f"select min(revenue) from '{link}/fct_orders.parquet'") == [(Decimal(revenue + ".00"),)]
    assert sorted(p.name for p in tmp_path.glob("parquet-*")) == ["parquet-run2", "parquet-run3"]


def test_a_reader_holding_the_old_set_keeps_reading_it(tmp_path: Path) -> None:
    parquet_copies.write_set(_build(tmp_path / "a.duckdb", "1"), tmp_path, "run1")
    parquet_copies.publish_set(tmp_path, "run1")
    resolved = (tmp_path / "parquet").resolve()
    parquet_copies.write_set(_build(tmp_path / "b.duckdb", "2"), tmp_path, "run2")
    parquet_copies.publish_set(tmp_path, "run2")
    assert _parquet(f"select min(revenue) from '{resolved}/fct_orders.parquet'") == [(Decimal("1.00"),)]


def test_an_unpublished_set_is_discarded_and_the_published_one_kept(tmp_path: Path) -> None:
    parquet_copies.write_set(_build(tmp_path / "a.duckdb", "1"), tmp_path, "run1")
    parquet_copies.publish_set(tmp_path, "run1")
    parquet_copies.write_set(_build(tmp_path / "b.duckdb", "2"), tmp_path, "run2")
    parquet_copies.discard_set(tmp_path, "run2")
    parquet_copies.discard_set(tmp_path, "run1")
    assert sorted(p.name for p in tmp_path.glob("parquet*")) == ["parquet", "parquet-run1"]


def test_a_failed_export_leaves_no_folder(tmp_path: Path) -> None:
    build = _build(tmp_path / "build.duckdb", "1")
    with duckdb.connect(str(build)) as con:  # a view whose table is gone fails when it is copied
        con.execute("create table marts.gone as select 1 as x; create view marts.zz_broken as select * from marts.gone")
        con.execute("drop table marts.gone")
    with pytest.raises(duckdb.Error, match="gone"):
        parquet_copies.write_set(build, tmp_path, "run1")
    assert not (tmp_path / "parquet-run1").exists()


def test_a_real_folder_named_parquet_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "parquet").mkdir()
    (tmp_path / "parquet" / "mine.parquet").write_bytes(b"user data")
    parquet_copies.write_set(_build(tmp_path / "a.duckdb", "1"), tmp_path, "run1")
    with pytest.raises(FileExistsError, match="not the symlink socialmart publishes: move it away"):
        parquet_copies.publish_set(tmp_path, "run1")
    assert (tmp_path / "parquet" / "mine.parquet").read_bytes() == b"user data"
