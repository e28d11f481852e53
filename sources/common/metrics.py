"""Row counts of the last run of a dlt pipeline (works for Arrow tables as well as for dicts)."""

from __future__ import annotations

from typing import Any

__all__ = ["rows_extracted", "rows_loaded"]


def _user_tables(counts: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in counts.items() if not table.startswith("_dlt")}


def rows_extracted(pipeline: Any) -> dict[str, int]:
    """Rows extracted per table in the pipeline's last run (after incremental filtering), no dlt tables."""
    trace = pipeline.last_trace
    info = trace.last_extract_info if trace else None
    if info is None:
        return {}
    counts: dict[str, int] = {}
    for load_id in info.loads_ids:
        for job_metrics in info.metrics.get(load_id, []):
            for table, metrics in job_metrics["table_metrics"].items():
                counts[table] = counts.get(table, 0) + metrics.items_count
    return _user_tables(counts)


def rows_loaded(pipeline: Any) -> dict[str, int]:
    """Rows normalized (and so loaded) per table in the pipeline's last run, dlt tables excluded."""
    trace = pipeline.last_trace
    info = trace.last_normalize_info if trace else None
    if info is None:
        return {}
    return _user_tables(dict(info.row_counts))
