from __future__ import annotations

import multiprocessing
from pathlib import Path

import duckdb
import pytest

from socialmart import warehouse
from socialmart.config import parse_postgres_dsn


def _make_db(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as v", [value])


def _read(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select v from t").fetchone()[0]


def test_build_starts_from_published_copy_and_publish_swaps(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    _make_db(published, 1)
    build = warehouse.start_build(published, tmp_path / ".build")
    assert _read(build) == 1
    _make_db(build, 2)
    assert _read(published) == 1, "the published file must not change before publish"
    warehouse.publish(build, published)
    assert _read(published) == 2
    assert not build.exists()


def test_reader_holding_old_file_keeps_old_data(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    _make_db(published, 1)
    reader = duckdb.connect(str(published), read_only=True)
    build = warehouse.start_build(published, tmp_path / ".build")
    _make_db(build, 2)
    warehouse.publish(build, published)
    assert reader.execute("select v from t").fetchone()[0] == 1
    reader.close()
    assert _read(published) == 2


def test_stale_builds_are_removed_and_discard_cleans_up(tmp_path: Path) -> None:
    build_dir = tmp_path / ".build"
    (build_dir / "crashed").mkdir(parents=True)
    (build_dir / "crashed" / "socialmart.duckdb").write_bytes(b"half a file")
    build = warehouse.start_build(tmp_path / "socialmart.duckdb", build_dir)
    assert build == build_dir / "next" / "socialmart.duckdb"  # the same path every run
    assert not (build_dir / "crashed").exists()
    _make_db(build, 3)
    warehouse.discard(build)
    assert list(build_dir.iterdir()) == []


def test_views_survive_publish(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    build = warehouse.start_build(published, tmp_path / ".build")
    with duckdb.connect(str(build)) as con:
        con.execute("create table t as select 7 as v; create view v_t as select v from t")
    warehouse.publish(build, published)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select v from v_t").fetchone()[0] == 7


def _hold_lock(path: str, ready, release) -> None:
    with warehouse.run_lock(Path(path)):
        ready.set()
        release.wait(10)


def test_run_lock_rejects_a_second_run(tmp_path: Path) -> None:
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with (
            pytest.raises(warehouse.RunLockedError, match="another socialmart run"),
            warehouse.run_lock(tmp_path),
        ):
            pass
    finally:
        release.set()
        holder.join(10)
    with warehouse.run_lock(tmp_path):
        pass


def test_build_target_is_a_duckdb_file_or_a_postgres_database(tmp_path: Path) -> None:
    duck = warehouse.BuildTarget(duckdb_file=tmp_path / "socialmart.duckdb")
    assert duck.dbt_target == "duckdb"
    assert duck.marts_schema == "marts"
    assert duck.dbt_env() == {
        "SOCIALMART_MARTS_SCHEMA": "marts",
        "SOCIALMART_DUCKDB_PATH": str(tmp_path / "socialmart.duckdb"),
    }

    connection = parse_postgres_dsn("postgresql://loader:s3cret@db.internal:6543/socialmart")
    pg = warehouse.BuildTarget(postgres=connection)
    assert pg.dbt_target == "postgres"
    assert pg.marts_schema == "marts__build"  # publishing swaps it in as marts
    assert pg.dbt_env() == {
        "SOCIALMART_MARTS_SCHEMA": "marts__build",
        "PGTZ": "UTC",
        "SOCIALMART_PG_HOST": "db.internal",
        "SOCIALMART_PG_PORT": "6543",
        "SOCIALMART_PG_USER": "loader",
        "SOCIALMART_PG_DBNAME": "socialmart",
        "DBT_ENV_SECRET_SOCIALMART_PG_PASSWORD": "s3cret",
    }
    assert "s3cret" not in str(pg) and "s3cret" not in repr(pg)
    credentials = pg.dlt_destination().config_params["credentials"]
    assert (credentials.host, credentials.port, credentials.username, credentials.password, credentials.database) == (
        "db.internal",
        6543,
        "loader",
        "s3cret",
        "socialmart",
    )
    with pytest.raises(ValueError, match="either a DuckDB file or a PostgreSQL connection"):
        warehouse.BuildTarget()
    with pytest.raises(ValueError, match="either a DuckDB file or a PostgreSQL connection"):
        warehouse.BuildTarget(duckdb_file=tmp_path / "x.duckdb", postgres=connection)


def _load_two_sources(target: warehouse.BuildTarget, pipelines_dir: Path) -> None:
    import dlt
    import pyarrow as pa

    for source in ("meta_ads", "tiktok_ads"):
        pipeline = dlt.pipeline(
            pipeline_name=f"test_{source}",
            destination=target.dlt_destination(),
            dataset_name=f"raw_{source}",
            pipelines_dir=str(pipelines_dir),
        )
        rows = pa.table({"ad_id": ["a1", "a2"], "spend": [1.5, 2.25]})
        pipeline.run(dlt.resource(rows, name="ad_insights", primary_key="ad_id", write_disposition="merge"))


def _build_opens(monkeypatch: pytest.MonkeyPatch, build: Path) -> list[str]:
    """Record every duckdb.connect of the build file."""
    opens: list[str] = []
    connect = duckdb.connect

    def recording_connect(database: str = ":memory:", *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        if str(database) == str(build):
            opens.append(str(database))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", recording_connect)
    return opens


def test_loads_share_one_connection_to_the_build_and_release_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dlt step opened (and checkpointed) the build file by itself: at agency scale 8 s of a 20 s load."""
    build = tmp_path / "socialmart.duckdb"
    target = warehouse.BuildTarget(duckdb_file=build)
    opens = _build_opens(monkeypatch, build)
    _load_two_sources(target, tmp_path / "apart")
    assert len(opens) > 2  # without the shared connection every step opens the file

    opens.clear()
    with target.loading():
        _load_two_sources(target, tmp_path / "shared")
    assert len(opens) == 1
    monkeypatch.undo()
    # released: another configuration opens it read-write, and both loads' rows are there (merged, not doubled)
    with duckdb.connect(str(build), config={"threads": 1}) as con:
        for source in ("meta_ads", "tiktok_ads"):
            assert con.execute(f"SELECT ad_id, spend FROM raw_{source}.ad_insights ORDER BY ad_id").fetchall() == [
                ("a1", 1.5),
                ("a2", 2.25),
            ]
