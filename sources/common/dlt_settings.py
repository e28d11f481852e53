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
# 12 random bytes a row: 96 bits (dlt's own ids have 80), and base64 of 12 bytes is 16 characters without padding,
# so one encoding of all the rows' bytes is every row's id back to back.
_ID_BYTES = 12
_ID_CHARS = 16

_ARROW_DLT_COLUMNS = {
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID": "true",
    # The ids come with the rows (with_dlt_columns): dlt would add a second `_dlt_id` column.
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID": "false",
}


def dlt_ids(count: int) -> pa.StringArray:
    """`count` random row ids, made in one go rather than one Python string a row."""
    data = base64.b64encode(secrets.token_bytes(count * _ID_BYTES))
    offsets = np.arange(0, (count + 1) * _ID_CHARS, _ID_CHARS, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))


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
