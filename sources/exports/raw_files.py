"""Parquet files in a connector's raw shape, dropped under `<exports>/raw/<source>/<table>/*.parquet`.

Bulk data (an agency's history, a platform's data-warehouse export) enters here instead of through HTTP. Each file is
checked against the declared Arrow schema of that connector table (sources/exports/raw_tables.py) from its Parquet
footer alone, then streamed in record batches (never Python rows) into the connector's own dataset and table
(`raw_<source>.<table>`) with its primary key and merge disposition, so staging and marts read it as if the API
connector had loaded it, and a file dropped twice replaces its rows instead of adding them. A file that does not fit
is rejected as a whole with an ExportFileError naming it, the column and the fix; the other files still load. A file
whose data pages are damaged passes that footer check and is rejected while loading, the same way.

Where the files repeat a key, the last file in path order wins, and within a file its last row: a restated export
named to sort after the one it restates (`2024-01.parquet`, then `2024-01_restated.parquet`) replaces its rows. DuckDB
ranks only the key columns to find the superseded rows, which are then left out of the stream, so dlt always receives
each key once. A first load therefore appends (no staging copy, about 1.4x the rows per second), and a later load
merges without dlt's own deduplication: that ranks every staged row in one window, with no order between files, and
ran out of DuckDB's 2 GB when an agency's three years of breakdowns (4.2 million rows) were dropped again.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract.resource import DltResource
from dlt.pipeline.exceptions import PipelineStepFailed

from sources.common.dlt_settings import with_dlt_columns
from sources.exports.errors import ExportFileError
from sources.exports.raw_tables import RAW_TABLES, RawTable
from sources.exports.restated import restated_message

__all__ = ["RAW_FOLDER", "RawFileBatch", "load_raw_files", "raw_files_source", "read_raw_files", "superseded_rows"]

RAW_FOLDER = "raw"
BATCH_ROWS = 256_000
# the DuckDB that ranks the files' keys spills to a temporary folder beyond this
KEY_RANKING_MEMORY = "1GB"
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
        if _null_count(path, metadata, found.get_field_index(name)) != 0:
            raise ExportFileError(file, None, f"key column {name!r} of {where} has empty values: every row needs one")
    return metadata.num_rows


def _null_count(path: Path, metadata: pq.FileMetaData, column: int) -> int:
    """Nulls in a column, from the row-group statistics; read from the column itself when the writer kept none."""
    total = 0
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        if stats is None or not stats.has_null_count:
            return pq.ParquetFile(path).read(columns=[metadata.schema.column(column).name]).column(0).null_count
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


def _file_batches(paths: Sequence[Path], schema: pa.Schema, superseded: dict[int, np.ndarray]) -> Iterator[pa.Table]:
    """The files' rows in record batches, columns in the declared order and types, without the `superseded` rows
    (row numbers by file index)."""
    for index, path in enumerate(paths):
        parquet = pq.ParquetFile(path)
        keep = None
        if index in superseded:
            keep = np.ones(parquet.metadata.num_rows, dtype=bool)
            keep[superseded[index]] = False
        start = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=schema.names):
            table = pa.Table.from_batches([batch])
            if keep is not None:
                table = table.filter(pa.array(keep[start : start + batch.num_rows]))
            start += batch.num_rows
            yield table.cast(schema)


def _batches(paths: Sequence[Path], schema: pa.Schema, superseded: dict[int, np.ndarray]) -> Iterator[pa.Table]:
    """The files' record batches (`_file_batches`) gathered into tables of about BATCH_ROWS rows. dlt spends about
    3 ms on every item it extracts, whatever its size: an account's month of posts is a few hundred rows, so an
    organic source's 100 monthly files had cost more than their rows (issue 8)."""
    pending: list[pa.Table] = []
    rows = 0
    for table in _file_batches(paths, schema, superseded):
        pending.append(table)
        rows += table.num_rows
        if rows >= BATCH_ROWS:
            yield pa.concat_tables(pending)
            pending, rows = [], 0
    if pending:
        yield pa.concat_tables(pending)


def _resource(raw: RawTable, paths: Sequence[Path], disposition: Any, superseded: dict[int, np.ndarray]) -> DltResource:
    return dlt.resource(
        _batches(paths, raw.schema, superseded),
        name=raw.table,
        write_disposition=disposition,
        primary_key=raw.primary_key,
    )


def raw_files_source(
    source: str,
    tables: dict[str, list[Path]],
    dispositions: dict[str, Any],
    superseded: dict[str, dict[int, np.ndarray]],
) -> Any:
    """A dlt source named after the connector, with one resource per table that has files, written with the table's
    disposition and without its superseded rows (row numbers by file index; see `superseded_rows`)."""

    @dlt.source(name=source, max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
    def files() -> tuple[DltResource, ...]:
        return with_dlt_columns(
            *(
                _resource(RAW_TABLES[source][table], paths, dispositions[table], superseded.get(table, {}))
                for table, paths in tables.items()
            )
        )

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


def superseded_rows(paths: Sequence[Path], key: Sequence[str]) -> dict[int, np.ndarray]:
    """The rows a later row with the same key replaces (a later file in path order, or later in the same file), as
    row numbers by file index; empty when no key is twice. DuckDB reads only the key columns, and ranks them only
    when a key repeats."""
    columns = ", ".join(f'"{name}"' for name in key)
    files = {f"file_{index}": str(path) for index, path in enumerate(paths)}
    keyed = " UNION ALL ".join(
        f"SELECT {index} AS file_index, file_row_number, {columns} FROM read_parquet(${name}, file_row_number = true)"
        for index, name in enumerate(files)
    )
    with (
        tempfile.TemporaryDirectory(prefix="socialmart-keys-") as spill,
        duckdb.connect(config={"memory_limit": KEY_RANKING_MEMORY, "temp_directory": spill}) as con,
    ):
        [(rows, keys)] = con.execute(
            f"WITH keyed AS ({keyed}) SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {columns} FROM keyed)) "
            "FROM keyed",
            files,
        ).fetchall()
        if rows == keys:
            return {}
        found = con.execute(
            f"WITH keyed AS ({keyed}) SELECT file_index, file_row_number FROM keyed QUALIFY row_number() OVER ("
            f"PARTITION BY {columns} ORDER BY file_index DESC, file_row_number DESC) > 1",
            files,
        ).fetchnumpy()
    return {
        int(index): np.sort(found["file_row_number"][found["file_index"] == index])
        for index in np.unique(found["file_index"])
    }


def _dispositions(pipeline: dlt.Pipeline, tables: Sequence[str]) -> dict[str, Any]:
    """How this load writes each table, its rows holding each key once: append when it is empty or new at the
    destination, else merge on the key without dlt's deduplication."""
    filled = _tables_with_rows(pipeline, tables)
    return {
        table: {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}
        if table in filled
        else "append"
        for table in tables
    }


def _report_superseded(
    source: str, tables: dict[str, list[Path]], superseded: dict[str, dict[int, np.ndarray]]
) -> None:
    for table, by_file in superseded.items():
        rows_by_file = {tables[table][index].name: len(rows) for index, rows in by_file.items()}
        print(f"exports: {restated_message(f'raw_{source}.{table}', rows_by_file)}")


def _unreadable(tables: dict[str, list[Path]]) -> dict[Path, str]:
    """The files of `tables` whose pages cannot be read to the end (their footer was fine), with the reader's reason."""
    found = {}
    for paths in tables.values():
        for path in paths:
            try:
                for _ in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
                    pass
            except (OSError, pa.ArrowException) as exc:
                first_line = (str(exc).splitlines() or [""])[0]
                found[path] = "".join(char for char in first_line if char.isprintable()).strip() or type(exc).__name__
    return found


def _file_name(path: Path) -> str:
    """A raw file's name relative to the exports folder (raw/<source>/<table>/<name>.parquet), as messages give it."""
    return path.relative_to(path.parents[3]).as_posix()


def _load_source(pipeline: dlt.Pipeline, source: str, tables: dict[str, list[Path]]) -> None:
    superseded = {
        table: found
        for table, paths in tables.items()
        if (found := superseded_rows(paths, RAW_TABLES[source][table].primary_key))
    }
    _report_superseded(source, tables, superseded)
    pipeline.run(raw_files_source(source, tables, _dispositions(pipeline, list(tables)), superseded))


def _load_readable(batch: RawFileBatch, pipeline: dlt.Pipeline, source: str, tables: dict[str, list[Path]]) -> bool:
    """Load `tables` of `source`; when a file's pages turn out unreadable, reject it (into `batch.errors`) and load
    the others (dlt discards the failed extract). Return whether anything was loaded."""
    try:
        _load_source(pipeline, source, tables)
        return True
    except (duckdb.Error, PipelineStepFailed, OSError, pa.ArrowException) as exc:
        unreadable = _unreadable(tables)
        if not unreadable:
            raise RuntimeError(f"the raw files of {source} could not be loaded: {exc}") from exc
    for path, reason in unreadable.items():
        error = ExportFileError(
            _file_name(path), None, f"its data cannot be read ({reason}): export or copy the file again"
        )
        batch.errors.append(error)
        print(f"exports: REJECTED {error}")
    readable = {table: kept for table, paths in tables.items() if (kept := [p for p in paths if p not in unreadable])}
    if readable:
        _load_source(pipeline, source, readable)
    return bool(readable)


def load_raw_files(
    batch: RawFileBatch, destination: Any, pipelines_dir: str | Path
) -> tuple[dict[str, dict[str, int]], dict[str, float]]:
    """Load the accepted files of `batch` into each connector's raw dataset; return rows per source and table, and the
    load seconds per source (one dlt pipeline `socialmart_files_<source>` per connector). A file whose pages cannot
    be read is rejected then (its footer was checked earlier), into `batch.errors`, and the others load."""
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
        if not _load_readable(batch, pipeline, source, tables):
            continue
        counts = pipeline.last_trace.last_normalize_info.row_counts
        rows[source] = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
        seconds[source] = round(time.perf_counter() - started, 3)
        print(f"exports: loaded {sum(rows[source].values()):,} rows from raw files into raw_{source} ({rows[source]})")
    return rows, seconds
