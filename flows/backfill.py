"""The backfill: re-extract a date range from every selected source, then rebuild, gate and publish like the nightly.

A backfill of [start, end] is the nightly run of `end + 1` in which every source re-reads from `start` regardless of
its incremental cursor (dlt merges on primary keys, so re-reading is safe). See docs/backfill.md.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow

import socialmart  # noqa: F401  (environment defaults)
from flows.nightly import RunSummary, nightly
from socialmart.config import load_settings


class BackfillRangeError(ValueError):
    """The requested range cannot be backfilled; the message says why and what to pass instead."""


def check_range(start: date, end: date, first_day: date, today: date) -> None:
    """Raise BackfillRangeError unless `first_day` <= `start` <= `end` < `today` (today is not complete yet)."""
    if start > end:
        raise BackfillRangeError(f"start {start} is after end {end}: give --start on or before --end.")
    if start < first_day:
        raise BackfillRangeError(
            f"start {start} is before [socialmart] start_date {first_day}, the first day the warehouse holds: "
            f"start on or after {first_day} (or move start_date in socialmart.toml)."
        )
    if end >= today:
        raise BackfillRangeError(
            f"end {end} is not a complete day yet (today is {today}): end on {today - timedelta(days=1)} or earlier."
        )


@flow(name="backfill", log_prints=True)
def backfill(
    start: date,
    end: date,
    sandbox: bool | None = None,
    sources: tuple[str, ...] | None = None,
    warehouse_file: Path | None = None,
    inputs_dir: Path | None = None,
) -> RunSummary:
    """Re-extract [start, end] from the selected sources (None: every catalog source), rebuild, gate and publish.

    Runs the nightly of `end + 1` (the sandbox serves the brand as of that day, dbt builds as of it, its reports
    are built) with every source re-reading from `start`. Export files are not re-read: they load when dropped.
    A range that ends today or later, starts after it ends, or starts before `[socialmart] start_date` raises
    BackfillRangeError before anything is loaded.
    """
    settings = load_settings()
    if sources is not None and "exports" in sources:
        raise BackfillRangeError("a backfill re-reads APIs, not export files: use `socialmart run --sources exports`")
    check_range(start, end, settings.start_date, datetime.now(ZoneInfo(settings.reporting_timezone)).date())
    print(f"Backfill {start} to {end}: every selected source re-reads from {start}, then dbt, gate and publish")
    return nightly.fn(
        run_date=end + timedelta(days=1),
        sandbox=sandbox,
        sources=sources,
        warehouse_file=warehouse_file,
        inputs_dir=inputs_dir,
        window_start=start,
    )
