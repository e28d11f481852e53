"""Parquet files in a connector's raw shape, dropped under `<exports>/raw/<source>/<table>/*.parquet`.

Bulk data (an agency's history, a platform's data-warehouse export) enters here instead of through HTTP. Each file is
checked against the declared Arrow schema of that connector table (sources/exports/raw_tables.py) from its Parquet
footer alone, then streamed in record batches (never Python rows) into the connector's own dataset and table
(`raw_<source>.<table>`) with its primary key and merge disposition, so staging and marts read it as if the API
connector had loaded it, and a file dropped twice replaces its rows instead of adding them. A file that does not fit
is rejected as a whole with an ExportFileError naming it, the column and the fix; the other files still load.

A first load appends instead of merging (the table is new or empty and the files hold each key once, checked by
DuckDB over the files): the same rows, without merge's staging copy and delete, so about 1.4x the rows per second.
A later merge of files that hold each key once tells dlt so: its deduplication ranks every staged row in one window,
which ran out of DuckDB's 2 GB when an agency's three years of breakdowns (4.2 million rows) were dropped again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract.resource import DltResource

from sources.common.dlt_settings import ensure_dlt_columns
from sources.exports.errors import ExportFileError
from sources.exports.raw_tables import RAW_TABLES, RawTable

__all__ = ["RAW_FOLDER", "RawFileBatch", "load_raw_files", "raw_files_source", "read_raw_files"]

RAW_FOLDER = "raw"
BATCH_ROWS = 256_000
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dataclass
class RawFileBatch:
    """The accepted Parquet files by source and table (relative names kept for messages), and the rejected ones."""

    files: dict[str, dict[str, list[Path]]] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # rows in the accepted files
    errors: list[ExportFileError] = field(default_factory=list)


def _same_type(found: pa.DataType, declared: pa.DataType) -> bool:
    """Equal types; `large_string` counts as `string` (writers pick either)."""
    if pa.types.is_large_string(found):
        found = pa.string()
    return found.equals(declared)


def _known_tables() -> str:
    return "; ".join(f"{source}: {', '.join(tables)}" for source, tables in RAW_TABLES.items())


def _raw_table(parts: Sequence[str], file: str) -> RawTable:
    """The table a file's path names (raw/<source>/<table>/<name>.parquet); raises ExportFileError."""
    if len(parts) != 4:
        raise ExportFileError(
            file,
            None,
            "a raw Parquet file goes in raw/<source>/<table>/ (e.g. raw/meta_ads/ad_insights/2024-01.parquet)",
        )
    source, table = parts[1], parts[2]
    raw = RAW_TABLES.get(source, {}).get(table)
    if raw is None:
        raise ExportFileError(
            file, None, f"unknown raw table {source}.{table}: move the file under one of {_known_tables()}"
        )
    return raw


def check_file(path: Path, raw: RawTable, file: str) -> int:
    """Check a file's Parquet schema (and that key columns hold no nulls) against `raw`; return its row count."""
    try:
        metadata = pq.read_metadata(path)
        found = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise ExportFileError(
            file, None, f"not a readable Parquet file ({exc}): write it again with pyarrow or DuckDB"
        ) from None
    where = f"{raw.source}.{raw.table}"
    for declared in raw.schema:
        index = found.get_field_index(declared.name)
        if index < 0:
            raise ExportFileError(
                file, None, f"column {declared.name!r} ({declared.type}) is missing: {where} needs {raw.schema.names}"
            )
        if not _same_type(found.field(index).type, declared.type):
            raise ExportFileError(
                file,
                None,
                f"column {declared.name!r} is {found.field(index).type}, but {where} declares {declared.type}: "
                f"cast it to {declared.type} when writing the file",
            )
    extra = [name for name in found.names if raw.schema.get_field_index(name) < 0]
    if extra:
        raise ExportFileError(file, None, f"columns {extra} are not in {where}: drop them or check the table")
    for name in raw.primary_key:
        if _null_count(metadata, found.get_field_index(name)) != 0:
            raise ExportFileError(file, None, f"key column {name!r} of {where} has empty values: every row needs one")
    return metadata.num_rows


def _null_count(metadata: pq.FileMetaData, column: int) -> int | None:
    """Nulls in a column from the row-group statistics; None when a row group has none."""
    total = 0
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        if stats is None or not stats.has_null_count:
            return None
        total += stats.null_count
    return total


def read_raw_files(exports_dir: str | Path) -> RawFileBatch:
    """Find and check every `*.parquet` file below `<exports_dir>/raw` (sorted by path); collect the rejected ones."""
    root = Path(exports_dir)
    batch = RawFileBatch()
    for path in sorted((root / RAW_FOLDER).rglob("*.parquet")):
        file = path.relative_to(root).as_posix()
        try:
            raw = _raw_table(path.relative_to(root).parts, file)
            rows = check_file(path, raw, file)
        except ExportFileError as exc:
            batch.errors.append(exc)
            continue
        batch.files.setdefault(raw.source, {}).setdefault(raw.table, []).append(path)
        counts = batch.rows.setdefault(raw.source, {})
        counts[raw.table] = counts.get(raw.table, 0) + rows
    return batch


def _batches(paths: Sequence[Path], schema: pa.Schema) -> Iterator[pa.Table]:
    """The files' rows in record batches, columns in the declared order and types."""
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=schema.names):
            yield pa.Table.from_batches([batch]).cast(schema)


def _resource(raw: RawTable, paths: Sequence[Path], disposition: Any) -> DltResource:
    return dlt.resource(
        _batches(paths, raw.schema), name=raw.table, write_disposition=disposition, primary_key=raw.primary_key
    )


def raw_files_source(source: str, tables: dict[str, list[Path]], dispositions: dict[str, Any] | None = None) -> Any:
    """A dlt source named after the connector, with one resource per table that has files: merge on the table's
    primary key (deduplicating the staged rows), or the write disposition `dispositions` gives the table."""
    ensure_dlt_columns()

    @dlt.source(name=source, max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
    def files() -> list[DltResource]:
        return [
            _resource(RAW_TABLES[source][table], paths, (dispositions or {}).get(table, "merge"))
            for table, paths in tables.items()
        ]

    return files()


def _tables_with_rows(pipeline: dlt.Pipeline, tables: Sequence[str]) -> set[str]:
    """The tables of `tables` that already hold rows in the pipeline's dataset."""
    with pipeline.sql_client() as client:
        if not client.has_dataset():
            return set()
        found = set()
        for table in tables:
            name = client.make_qualified_table_name(table)
            try:
                if client.execute_sql(f"SELECT 1 FROM {name} LIMIT 1"):
                    found.add(table)
            except DatabaseUndefinedRelation:
                continue
    return found


def _keys_unique(paths: Sequence[Path], key: Sequence[str]) -> bool:
    """Whether no key appears twice across the files (DuckDB reads only the key columns)."""
    columns = ", ".join(f'"{name}"' for name in key)
    with duckdb.connect() as con:
        [(rows, keys)] = con.execute(
            f"SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {columns} FROM read_parquet($files))) "
            "FROM read_parquet($files)",
            {"files": [str(path) for path in paths]},
        ).fetchall()
    return rows == keys


def _dispositions(pipeline: dlt.Pipeline, source: str, tables: dict[str, list[Path]]) -> dict[str, Any]:
    """How this load writes each table: append when it is empty or new at the destination and no key is twice in
    the files; a merge that skips dlt's deduplication when no key is twice in the files; else a deduplicating merge."""
    filled = _tables_with_rows(pipeline, list(tables))
    dispositions: dict[str, Any] = {}
    for table, paths in tables.items():
        unique = _keys_unique(paths, RAW_TABLES[source][table].primary_key)
        if unique and table not in filled:
            dispositions[table] = "append"
        else:
            dispositions[table] = {"disposition": "merge", "strategy": "delete-insert", "deduplicated": unique}
    return dispositions


def load_raw_files(
    batch: RawFileBatch, destination: Any, pipelines_dir: str | Path
) -> tuple[dict[str, dict[str, int]], dict[str, float]]:
    """Load the accepted files of `batch` into each connector's raw dataset; return rows per source and table, and the
    load seconds per source (one dlt pipeline `socialmart_files_<source>` per connector)."""
    rows: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    for source, tables in batch.files.items():
        started = time.perf_counter()
        pipeline = dlt.pipeline(
            pipeline_name=f"socialmart_files_{source}",
            destination=destination,
            dataset_name=f"raw_{source}",
            pipelines_dir=str(pipelines_dir),
        )
        pipeline.run(raw_files_source(source, tables, _dispositions(pipeline, source, tables)))
        counts = pipeline.last_trace.last_normalize_info.row_counts
        rows[source] = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
        seconds[source] = round(time.perf_counter() - started, 3)
        print(f"exports: loaded {sum(rows[source].values()):,} rows from raw files into raw_{source} ({rows[source]})")
    return rows, seconds
