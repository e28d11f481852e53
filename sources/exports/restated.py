"""Rows restated within one drop of export files: where the files repeat a key, the file that sorts last by path
wins, and within a file its last row (docs/sources/exports.md). The merge on the key then replaces what earlier drops
loaded; without this, dlt's deduplication of one load keeps an arbitrary one of the repeated rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

SHOWN_FILES = 5


def restated_message(table: str, rows_by_file: dict[str, int]) -> str:
    """The line a run prints for a table some of whose rows a later file or row restates."""
    files = [f"{file} {rows:,}" for file, rows in rows_by_file.items()]
    more = f" and {len(files) - SHOWN_FILES} more files" if len(files) > SHOWN_FILES else ""
    return (
        f"{table}: {sum(rows_by_file.values()):,} rows are restated by a later file (path order) or a later row of "
        f"their file and are not loaded: {', '.join(files[:SHOWN_FILES])}{more}"
    )


def last_row_per_key(
    tables: Sequence[pa.Table], key: Sequence[str], file_column: str
) -> tuple[pa.Table, dict[str, int]]:
    """The rows of `tables` (in path order), each key's last only; and the rows left out per file (`file_column`)."""
    table = pa.concat_tables(tables, promote_options="permissive")
    position = "__position"
    table = table.append_column(position, pa.array(np.arange(table.num_rows)))
    last = table.group_by(list(key), use_threads=False).aggregate([(position, "max")])[f"{position}_max"]
    kept = np.zeros(table.num_rows, dtype=bool)
    kept[last.to_numpy()] = True
    left_out = table.filter(pa.array(~kept))[file_column].value_counts().to_pylist()
    return table.filter(pa.array(kept)).drop_columns(position), {item["values"]: item["counts"] for item in left_out}
