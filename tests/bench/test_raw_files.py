"""The raw-shape Parquet file path (sources/exports/raw_files.py) end to end into DuckDB, at the agency profile's tiny
scale: every accepted row loads into its connector's table, a file dropped again does not double count, and a bad file
is rejected with its name and column while the others load."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import dlt
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench import agency
from sources.exports.raw_files import load_raw_files, read_raw_files

RUN_DATE = date(2025, 3, 5)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten days of the agency profile at scale 0.01: one exports folder."""
    out = tmp_path_factory.mktemp("agency")
    agency.generate(out, RUN_DATE, scale=0.01, since=RUN_DATE - timedelta(days=10))
    return out / "exports"


def _load(exports: Path, work: Path, batch=None) -> dict[str, dict[str, int]]:
    rows, _ = load_raw_files(batch or read_raw_files(exports), dlt.destinations.duckdb(str(work / "w.duckdb")), work)
    return rows


def _count(work: Path, table: str) -> int:
    with duckdb.connect(str(work / "w.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_every_file_row_loads_into_its_connector_table_and_a_redrop_does_not_double_count(
    exports: Path, tmp_path: Path
) -> None:
    batch = read_raw_files(exports)
    assert not batch.errors
    assert set(batch.files) == {*agency.AD_PLATFORMS, "shopify", *agency.ORGANIC}
    _load(exports, tmp_path, batch)
    for source, tables in batch.rows.items():
        for table, rows in tables.items():
            assert _count(tmp_path, f"raw_{source}.{table}") == rows, f"{source}.{table}"
    # the same month's file dropped again, under another name, in a later run: merged on the key, not added
    meta = exports / "raw" / "meta_ads" / "ad_insights_age_gender"
    first = sorted(meta.glob("*.parquet"))[0]
    shutil.copy(first, meta / "again.parquet")
    try:
        again = read_raw_files(exports)
        _load(exports, tmp_path, again)
    finally:
        (meta / "again.parquet").unlink()
    assert _count(tmp_path, "raw_meta_ads.ad_insights_age_gender") == batch.rows["meta_ads"]["ad_insights_age_gender"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        spend = con.execute("select sum(spend) from raw_meta_ads.ad_insights_age_gender").fetchone()[0]
    files = pa.concat_tables(pq.read_table(p) for p in sorted(meta.glob("*.parquet")))
    assert spend == pa.compute.sum(files["spend"]).as_py()


def _write_bad(exports: Path, name: str, change) -> Path:
    source = sorted((exports / "raw" / "tiktok_ads" / "ad_insights").glob("*.parquet"))[0]
    table = change(pq.read_table(source))
    path = exports / "raw" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def test_bad_files_are_rejected_with_their_name_and_column_and_the_others_load(exports: Path, tmp_path: Path) -> None:
    bad = [
        _write_bad(exports, "tiktok_ads/ad_insights/no-spend.parquet", lambda t: t.drop_columns(["spend"])),
        _write_bad(
            exports,
            "tiktok_ads/ad_insights/text-clicks.parquet",
            lambda t: t.set_column(t.schema.get_field_index("clicks"), "clicks", t["clicks"].cast(pa.string())),
        ),
        _write_bad(exports, "tiktok_ads/ad_stats/x.parquet", lambda t: t),
    ]
    try:
        batch = read_raw_files(exports)
        batch.files = {"tiktok_ads": batch.files["tiktok_ads"]}  # load only the source the bad files belong to
        rows = _load(exports, tmp_path, batch)
    finally:
        for path in bad:
            path.unlink()
    messages = sorted(str(error) for error in batch.errors)
    assert len(messages) == 3
    assert "raw/tiktok_ads/ad_insights/no-spend.parquet: column 'spend' (decimal128(18, 2)) is missing" in messages[0]
    assert "raw/tiktok_ads/ad_insights/text-clicks.parquet: column 'clicks' is string" in messages[1]
    assert "cast it to int64" in messages[1]
    assert "raw/tiktok_ads/ad_stats/x.parquet: unknown raw table tiktok_ads.ad_stats" in messages[2]
    assert rows["tiktok_ads"]["ad_insights"] == batch.rows["tiktok_ads"]["ad_insights"] > 0


def _schemas(work: Path) -> set[str]:
    with duckdb.connect(str(work / "w.duckdb"), read_only=True) as con:
        return {name for (name,) in con.execute("select schema_name from information_schema.schemata").fetchall()}


def test_a_first_load_appends_and_a_later_one_merges(exports: Path, tmp_path: Path) -> None:
    """A first load into empty tables appends (dlt creates no staging dataset to merge through); the next load of
    the same tables merges on the key."""
    meta = read_raw_files(exports)
    meta.files = {"meta_ads": meta.files["meta_ads"]}
    _load(exports, tmp_path, meta)
    assert "raw_meta_ads" in _schemas(tmp_path) and "raw_meta_ads_staging" not in _schemas(tmp_path)
    _load(exports, tmp_path, meta)
    assert "raw_meta_ads_staging" in _schemas(tmp_path)
    assert _count(tmp_path, "raw_meta_ads.ad_insights") == meta.rows["meta_ads"]["ad_insights"]


def test_a_first_load_whose_files_repeat_a_key_merges_them_once(exports: Path, tmp_path: Path) -> None:
    """Two files holding the same rows in the first drop: not appended twice, merged on the key."""
    batch = read_raw_files(exports)
    insights = batch.files["meta_ads"]["ad_insights"]
    batch.files = {"meta_ads": {"ad_insights": [*insights, insights[0]]}}
    _load(exports, tmp_path, batch)
    assert "raw_meta_ads_staging" in _schemas(tmp_path)
    assert _count(tmp_path, "raw_meta_ads.ad_insights") == batch.rows["meta_ads"]["ad_insights"]
