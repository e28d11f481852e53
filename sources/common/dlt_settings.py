"""dlt settings the raw contracts depend on."""

from __future__ import annotations

import os

__all__ = ["ensure_dlt_columns"]

_ARROW_DLT_COLUMNS = {
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID": "true",
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID": "true",
}


def ensure_dlt_columns() -> None:
    """Make dlt add `_dlt_load_id` and `_dlt_id` to Arrow tables, as every raw table carries them.

    dlt only adds them to Arrow data when `[normalize.parquet_normalizer]` says so; a value already set in the
    environment (or wanted differently) is left alone.
    """
    for key, value in _ARROW_DLT_COLUMNS.items():
        os.environ.setdefault(key, value)
