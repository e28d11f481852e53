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
from dlt.extract.resource import DltResource

from bench import agency
from sources.exports import raw_files
from sources.exports.raw_files import load_raw_files, read_raw_files, superseded_rows
from sources.exports.raw_tables import RAW_TABLES

RUN_DATE = date(2025, 3, 5)
AD_INSIGHTS_KEY = RAW_TABLES["meta_ads"]["ad_insights"].primary_key


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


def test_key_columns_are_checked_for_empty_values_also_in_files_without_statistics(
    exports: Path, tmp_path: Path
) -> None:
    """A writer that keeps no column statistics: the file still loads, and an empty key is still found."""
    source = sorted((exports / "raw" / "tiktok_ads" / "ad_insights").glob("*.parquet"))[0]
    table = pq.read_table(source)
    drop = tmp_path / "drop" / "raw" / "tiktok_ads" / "ad_insights"
    drop.mkdir(parents=True)
    pq.write_table(table, drop / "plain.parquet", write_statistics=False)
    ad_ids = table["ad_id"].to_pylist()
    ad_ids[1] = None
    index = table.schema.get_field_index("ad_id")
    pq.write_table(
        table.set_column(index, "ad_id", pa.array(ad_ids, table["ad_id"].type)),
        drop / "holed.parquet",
        write_statistics=False,
    )
    batch = read_raw_files(tmp_path / "drop")
    assert [str(error) for error in batch.errors] == [
        "raw/tiktok_ads/ad_insights/holed.parquet: key column 'ad_id' of tiktok_ads.ad_insights has empty values: "
        "every row needs one"
    ]
    assert batch.rows == {"tiktok_ads": {"ad_insights": table.num_rows}}


def _corrupt_column(path: Path, column: str) -> None:
    """Overwrite the middle of `column`'s first column chunk in `path`, leaving the footer intact."""
    metadata = pq.read_metadata(path)
    chunk = metadata.row_group(0).column(metadata.schema.to_arrow_schema().get_field_index(column))
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + chunk.total_compressed_size // 2] = b"\xff" * (chunk.total_compressed_size // 2)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("column", "first_read_by"),
    [("ad_id", "DuckDB ranking the keys"), ("campaign_name", "the stream into dlt")],
)
def test_a_file_whose_pages_cannot_be_read_is_rejected_by_name_and_the_others_load(
    exports: Path, tmp_path: Path, column: str, first_read_by: str
) -> None:
    """A file with a sound footer but damaged data, in a key column (found by DuckDB ranking the keys) or in another
    column (found while streaming into dlt, which discards the failed extract): it is rejected naming it, and the
    table's other file still loads, once."""
    first, second = sorted((exports / "raw" / "tiktok_ads" / "ad_insights").glob("*.parquet"))
    drop = tmp_path / "drop" / "raw" / "tiktok_ads" / "ad_insights"
    drop.mkdir(parents=True)
    shutil.copy(first, drop / "damaged.parquet")
    _corrupt_column(drop / "damaged.parquet", column)
    shutil.copy(second, drop / "good.parquet")
    batch = read_raw_files(tmp_path / "drop")
    assert batch.errors == []  # the footers are fine
    key = RAW_TABLES["tiktok_ads"]["ad_insights"].primary_key
    if first_read_by == "the stream into dlt":
        assert superseded_rows([drop / "damaged.parquet", drop / "good.parquet"], key) == {}
    else:
        with pytest.raises(duckdb.Error):
            superseded_rows([drop / "damaged.parquet"], key)
    good_rows = pq.read_metadata(second).num_rows
    assert _load(tmp_path / "drop", tmp_path, batch) == {"tiktok_ads": {"ad_insights": good_rows}}
    [message] = [str(error) for error in batch.errors]
    assert message.startswith("raw/tiktok_ads/ad_insights/damaged.parquet: its data cannot be read (")
    assert message.endswith("): export or copy the file again")
    assert _count(tmp_path, "raw_tiktok_ads.ad_insights") == good_rows


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


def _with_spend(table: pa.Table, add: int) -> pa.Table:
    spend = pa.compute.add(table["spend"], pa.scalar(add, table["spend"].type)).cast(table["spend"].type)
    return table.set_column(table.schema.get_field_index("spend"), "spend", spend)


def _spend_total(table: pa.Table) -> object:
    return pa.compute.sum(table["spend"]).as_py()


def _loaded(work: Path, table: str) -> tuple[int, object]:
    with duckdb.connect(str(work / "w.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*), sum(spend) from {table}").fetchone()


@pytest.mark.parametrize("restatement", ["2025-02_restated.parquet", "2025-01_earlier.parquet"])
def test_where_files_repeat_a_key_the_last_file_in_path_order_wins(
    exports: Path, tmp_path: Path, restatement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export and a restatement of the same days, in the first drop: each key loads once, with the values of the
    file that sorts last by path (whichever of the two that is), appended; the run says which file lost rows."""
    insights = pa.concat_tables(
        pq.read_table(path) for path in sorted((exports / "raw" / "meta_ads" / "ad_insights").glob("*.parquet"))
    )
    drop = tmp_path / "drop"
    folder = drop / "raw" / "meta_ads" / "ad_insights"
    folder.mkdir(parents=True)
    pq.write_table(insights, folder / "2025-02.parquet")
    pq.write_table(_with_spend(insights, 1), folder / restatement)
    assert _load(drop, tmp_path) == {"meta_ads": {"ad_insights": insights.num_rows}}
    last = _with_spend(insights, 1) if restatement > "2025-02.parquet" else insights
    assert _loaded(tmp_path, "raw_meta_ads.ad_insights") == (insights.num_rows, _spend_total(last))
    assert "raw_meta_ads_staging" not in _schemas(tmp_path)
    loser = "2025-02.parquet" if restatement > "2025-02.parquet" else restatement
    assert (
        f"raw_meta_ads.ad_insights: {insights.num_rows} rows are restated by a later file (path order) or a later row "
        f"of their file and are not loaded: {loser} {insights.num_rows}"
    ) in capsys.readouterr().out


def test_within_a_file_the_last_row_of_a_key_wins_and_over_a_filled_table_too(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later drop over a filled table whose file repeats its own rows further down, restated: the key's last row
    replaces the loaded one, through a merge that dlt does not deduplicate again. Record batches of 7 rows, so the
    rows left out fall in many batches."""
    monkeypatch.setattr(raw_files, "BATCH_ROWS", 7)
    batch = read_raw_files(exports)
    batch.files = {"meta_ads": {"ad_insights": batch.files["meta_ads"]["ad_insights"]}}
    _load(exports, tmp_path, batch)
    insights = pa.concat_tables(pq.read_table(path) for path in batch.files["meta_ads"]["ad_insights"])
    restated = tmp_path / "restated.parquet"
    pq.write_table(pa.concat_tables([_with_spend(insights, 5), _with_spend(insights, 2)]), restated)
    assert {index: list(rows) for index, rows in superseded_rows([restated], AD_INSIGHTS_KEY).items()} == {
        0: list(range(insights.num_rows))
    }
    batch.files = {"meta_ads": {"ad_insights": [restated]}}
    assert _load(exports, tmp_path, batch) == {"meta_ads": {"ad_insights": insights.num_rows}}
    assert _loaded(tmp_path, "raw_meta_ads.ad_insights") == (
        insights.num_rows,
        _spend_total(_with_spend(insights, 2)),
    )
    pipeline = dlt.attach(pipeline_name="socialmart_files_meta_ads", pipelines_dir=str(tmp_path))
    assert pipeline.default_schema.tables["ad_insights"].get("x-stage-data-deduplicated") is True


def test_a_later_drop_whose_files_hold_each_key_once_merges_without_deduplicating(
    exports: Path, tmp_path: Path
) -> None:
    """Restated files dropped over a filled table replace its rows; dlt is told their keys are unique, so it skips
    ranking every staged row by key (the window that ran out of memory on three years of agency breakdowns)."""
    batch = read_raw_files(exports)
    batch.files = {"meta_ads": {"ad_insights_age_gender": batch.files["meta_ads"]["ad_insights_age_gender"]}}
    _load(exports, tmp_path, batch)
    restated = tmp_path / "restated"
    restated.mkdir()
    paths = []
    for path in batch.files["meta_ads"]["ad_insights_age_gender"]:
        paths.append(restated / path.name)
        pq.write_table(_with_spend(pq.read_table(path), 1), paths[-1])
    batch.files = {"meta_ads": {"ad_insights_age_gender": paths}}
    _load(exports, tmp_path, batch)
    rows = batch.rows["meta_ads"]["ad_insights_age_gender"]
    files = pa.concat_tables(pq.read_table(path) for path in paths)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), sum(spend) from raw_meta_ads.ad_insights_age_gender").fetchone() == (
            rows,
            pa.compute.sum(files["spend"]).as_py(),
        )
    pipeline = dlt.attach(pipeline_name="socialmart_files_meta_ads", pipelines_dir=str(tmp_path))
    table = pipeline.default_schema.tables["ad_insights_age_gender"]
    assert table["write_disposition"] == "merge" and table.get("x-stage-data-deduplicated") is True


def test_the_no_deduplication_hint_does_not_reach_the_connectors_own_merges(tmp_path: Path) -> None:
    """The file path and the API connector share a dlt schema (its source name): after a file merge told dlt its rows
    are deduplicated, the connector's own merge of a page repeating a key still keeps the key once."""

    def load(disposition: object, rows: list[dict[str, int]], pipelines: str) -> None:
        @dlt.source(name="meta_ads", max_table_nesting=0)
        def source() -> list[DltResource]:
            return [dlt.resource(rows, name="ad_insights", write_disposition=disposition, primary_key="ad_id")]

        destination = dlt.destinations.duckdb(str(tmp_path / "w.duckdb"))
        dlt.pipeline(
            pipeline_name=pipelines,
            destination=destination,
            dataset_name="raw_meta_ads",
            pipelines_dir=str(tmp_path / pipelines),
        ).run(source())

    load("append", [{"ad_id": 1, "spend": 1}], "files")
    load(
        {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}, [{"ad_id": 1, "spend": 2}], "files"
    )
    load("merge", [{"ad_id": 2, "spend": 3}, {"ad_id": 2, "spend": 4}], "api")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute("select ad_id, count(*) from raw_meta_ads.ad_insights group by ad_id order by ad_id")
        assert rows.fetchall() == [(1, 1), (2, 1)]
