"""The shared end-to-end scenario of every e2e module: two good nightly runs on the sandbox (the `scenario` fixture
of conftest.py, run once per test session), and helpers to read their warehouses against the ground truth.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from flows.nightly import RunSummary
from sandbox.truth import Truth
from sources.pinterest.settings import MAX_HISTORY_DAYS as PINTEREST_MAX_HISTORY_DAYS
from sources.pinterest_ads.helpers import earliest_readable as pinterest_ads_earliest_readable

RUN_DATE = date(2026, 11, 10)
NEXT_DATE = RUN_DATE + timedelta(days=1)
# The ad platforms the nightly run loads from the sandbox (the truth attributes UTMs to their campaigns).
PLATFORMS = ("meta", "tiktok", "google", "linkedin", "x", "snapchat", "pinterest")
# The first good run: what the connectors' first-run history limits are measured from.
FIRST_END_DATE = RUN_DATE - timedelta(days=1)


@dataclass
class Scenario:
    """The two good runs and a snapshot of the published warehouse after each."""

    root: Path
    first: RunSummary
    first_snapshot: Path
    second: RunSummary
    second_snapshot: Path

    @property
    def published(self) -> Path:
        return self.root / "warehouse" / "socialmart.duckdb"


def snapshot(published: Path, target: Path) -> Path:
    shutil.copyfile(published, target)
    return target


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def run_truth(as_of: date) -> Truth:
    """The truth of the nightly runs: every ad platform and Stripe; Pinterest Ads only from the first day its
    analytics still served on the first run (90 days back), as Pinterest serves no older ad analytics."""
    first_pinterest_day = pinterest_ads_earliest_readable(FIRST_END_DATE)
    return Truth(as_of, known_platforms=PLATFORMS, with_stripe=True, loaded_from={"pinterest": first_pinterest_day})


def pinterest_ads_first_full_month() -> str:
    """The first month whose Pinterest ad analytics the first run loaded whole."""
    first = pinterest_ads_earliest_readable(FIRST_END_DATE)
    if first.day > 1:
        first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first.strftime("%Y-%m")


def pinterest_first_full_month() -> str:
    """Pinterest serves account analytics at most 90 days back, so the first run loads the activity days from
    end_date - MAX_HISTORY_DAYS on (later runs keep them and add new days): the first month loaded whole."""
    first = FIRST_END_DATE - timedelta(days=PINTEREST_MAX_HISTORY_DAYS)
    if first.day > 1:
        first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first.strftime("%Y-%m")


def whole_months(values: dict[tuple[str, str], object]) -> dict[tuple[str, str], object]:
    """Leave out Pinterest Ads months before the first one loaded whole (older analytics are not served)."""
    first = pinterest_ads_first_full_month()
    return {(p, m): v for (p, m), v in values.items() if p != "pinterest" or m >= first}
