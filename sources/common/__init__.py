"""Pieces shared by the connectors: HTTP client with retries, errors, Arrow and date helpers."""

from __future__ import annotations

from sources.common.errors import SourceApiError, SourceAuthError, SourceContractError, find_source_error, mask_url
from sources.common.metrics import rows_extracted, rows_loaded

__all__ = [
    "SourceApiError",
    "SourceAuthError",
    "SourceContractError",
    "find_source_error",
    "mask_url",
    "rows_extracted",
    "rows_loaded",
]
