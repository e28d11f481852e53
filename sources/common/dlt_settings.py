"""The dlt columns every raw table carries: `_dlt_load_id` (added by dlt) and `_dlt_id` (added here)."""

from __future__ import annotations

import base64
import os
import secrets
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from dlt.extract.resource import DltResource

__all__ = ["DLT_ID", "dlt_ids", "with_dlt_columns"]

DLT_ID = "_dlt_id"
# A row id is a random prefix shared by the rows of one item (12 bytes, 96 bits, 16 base64 characters) followed by
# the row's number in the item (6 base64 digits). Random ids of their own took 45-60% of the storage of the largest
# raw tables: DuckDB cannot compress them, and stores a shared prefix in a few bits (issue 8).
_PREFIX_BYTES = 12
_NUMBER_DIGITS = 6
_ID_CHARS = _PREFIX_BYTES * 4 // 3 + _NUMBER_DIGITS  # base64: 4 characters for every 3 bytes
_MAX_ROWS = (2**31 - 1) // _ID_CHARS  # an Arrow string array's 32-bit offsets; 6 digits number 64**6 rows
_BASE64_DIGITS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", dtype=np.uint8)

_ARROW_DLT_COLUMNS = {
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID": "true",
    # The ids come with the rows (with_dlt_columns): dlt would add a second `_dlt_id` column.
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID": "false",
}


def dlt_ids(count: int) -> pa.StringArray:
    """`count` row ids made in one go rather than one Python string a row: unique among themselves by their number,
    and against other items' by the random prefix, as likely to repeat as 96-bit random ids."""
    if count > _MAX_ROWS:
        raise ValueError(f"{count:,} rows in one Arrow item: yield items of at most {_MAX_ROWS:,} rows")
    prefix = np.frombuffer(base64.b64encode(secrets.token_bytes(_PREFIX_BYTES)), dtype=np.uint8)
    numbers = np.arange(count, dtype=np.uint64)
    chars = np.empty((count, _ID_CHARS), dtype=np.uint8)
    chars[:, : len(prefix)] = prefix
    for digit in range(_NUMBER_DIGITS):
        shift = np.uint64(6 * (_NUMBER_DIGITS - 1 - digit))
        chars[:, len(prefix) + digit] = _BASE64_DIGITS[(numbers >> shift) & np.uint64(63)]
    offsets = np.arange(0, (count + 1) * _ID_CHARS, _ID_CHARS, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


def _with_dlt_id(item: Any) -> Any:
    """An Arrow table or batch with a `_dlt_id` column appended; anything else as it is (dlt gives dict rows their
    ids itself)."""
    if isinstance(item, pa.Table | pa.RecordBatch) and DLT_ID not in item.schema.names:
        return item.append_column(pa.field(DLT_ID, pa.string(), nullable=False), dlt_ids(item.num_rows))
    return item


def with_dlt_columns(*resources: DltResource) -> tuple[DltResource, ...]:
    """A source's resources, each Arrow item given its `_dlt_id`, with dlt set to add `_dlt_load_id`.

    dlt adds both to Arrow data only when `[normalize.parquet_normalizer]` says so, and its `_dlt_id` is made one
    Python string a row, after which it rewrites the whole extracted file: about a quarter of a large Parquet load
    (issue 8). Ids made here in one go, with the rows, let dlt take the extracted file as it is.
    """
    os.environ.update(_ARROW_DLT_COLUMNS)
    return tuple(resource.add_map(_with_dlt_id) for resource in resources)
