"""Idempotency of the nightly and the backfill (issue 7), on two ad sources of the sandbox with six weeks of history.

Four runs into one warehouse: the nightly of RUN_DATE twice, then (after a day outside the look-back window is
damaged in the raw data) the backfill of START..END twice, END + 1 being RUN_DATE. Every mart's checksum must be the
same after each run: the second nightly changes nothing, the backfill re-reads the damaged day although its cursor
is past it and so repairs it, and the second backfill changes nothing. The ops tables differ by design.
The second backfill's reports fail: it publishes all the same, ends failed, and ops.pipeline_runs says so.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.backfill import BackfillRangeError, backfill
from flows.nightly import PipelineError, RunSummary, nightly
from reports.errors import ReportError
from sandbox.truth import Truth
from socialmart.checksums import duckdb_mart_checksums
from socialmart.cli import main
from socialmart.config import PROJECT_DIR

RUN_DATE = date(2025, 2, 15)
START, END = date(2025, 1, 2), RUN_DATE - timedelta(days=1)
SOURCES = ("meta_ads", "google_ads")
PLATFORMS = ("meta", "google")
DAMAGED_DAY = date(2025, 1, 5)  # before END - lookback_days (28): a nightly never re-reads it

Checksums = dict[str, tuple[int, str]]


@dataclass
class Runs:
    """The checksums after each run, and what the runs extracted."""

    warehouse: Path
    nightly: list[Checksums]
    backfill: list[Checksums]
    nightly_summaries: list[RunSummary]
    backfill_summaries: list[RunSummary]
    report_failure: str = ""


def _damage(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        [(changed,)] = con.execute(
            "update raw_meta_ads.ad_insights set spend = spend + 1000 where cast(date_start as date) = ?",
            [DAMAGED_DAY],
        ).fetchall()
    assert changed > 0


@pytest.fixture(scope="module")
def runs(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("backfill")
    warehouse = tmp / "warehouse" / "socialmart.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp / "warehouse"))
        env.setenv("SOCIALMART__REPORTS_DIR", str(tmp / "reports"))
        inputs = PROJECT_DIR / "inputs"
        options = {"sandbox": True, "sources": SOURCES, "warehouse_file": warehouse, "inputs_dir": inputs}
        result = Runs(warehouse, [], [], [], [])
        for _ in range(2):
            result.nightly_summaries.append(nightly(run_date=RUN_DATE, **options))
            result.nightly.append(duckdb_mart_checksums(warehouse))
        _damage(warehouse)
        result.backfill_summaries.append(backfill(start=START, end=END, **options))
        result.backfill.append(duckdb_mart_checksums(warehouse))
        # The second backfill's reports fail (as when a disk is full): it still publishes, and ends failed.
        env.setattr("reports.schedule.build_report", _failing_report)
        with pytest.raises(PipelineError, match=REPORT_FAILURE) as failure:
            backfill(start=START, end=END, **options)
        result.report_failure = str(failure.value)
        result.backfill.append(duckdb_mart_checksums(warehouse))
        yield result


REPORT_FAILURE = "the reports folder is full"


def _failing_report(*args: object, **kwargs: object) -> None:
    raise ReportError(REPORT_FAILURE)


def test_the_same_nightly_twice_gives_identical_marts(runs: Runs) -> None:
    first, second = runs.nightly
    assert len(first) >= 10 and first["fct_ad_performance_daily"][0] > 0
    assert first == second


def test_a_backfill_rereads_its_whole_range_regardless_of_the_cursor(runs: Runs) -> None:
    second_nightly = runs.nightly_summaries[1].rows_extracted["meta_ads"]["ad_insights"]
    backfilled = runs.backfill_summaries[0].rows_extracted["meta_ads"]["ad_insights"]
    assert backfilled > second_nightly  # the nightly re-read its look-back window only, the backfill the range
    with duckdb.connect(str(runs.warehouse), read_only=True) as con:
        [(first_day,)] = con.execute("select min(date_day) from marts.fct_ad_performance_daily").fetchall()
    assert first_day <= DAMAGED_DAY


def test_the_same_backfill_twice_gives_identical_marts_equal_to_the_nightly(runs: Runs) -> None:
    first, second = runs.backfill
    assert first == second
    assert first == runs.nightly[0], "the backfill repaired the damaged day: the marts are the nightly's again"


def test_the_backfilled_spend_matches_the_sandbox_truth(runs: Runs) -> None:
    truth = Truth(RUN_DATE, known_platforms=PLATFORMS)
    with duckdb.connect(str(runs.warehouse), read_only=True) as con:
        rows = con.execute("select platform, sum(spend) from marts.fct_ad_performance_daily group by all").fetchall()
    spend = {platform: total for platform, total in rows}
    assert set(spend) == set(PLATFORMS)
    for platform in PLATFORMS:
        assert spend[platform] == truth.spend(platform) > Decimal(0), platform


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2025, 2, 2), date(2025, 2, 1), "is after end"),
        (date(2024, 12, 31), date(2025, 2, 1), "before \\[socialmart\\] start_date"),
        (date(2025, 2, 1), date.today() + timedelta(days=2), "not a complete day"),
    ],
)
def test_a_bad_range_is_refused_before_anything_loads(
    prefect_harness: None, isolated_outputs: Path, start: date, end: date, message: str
) -> None:
    with pytest.raises(BackfillRangeError, match=message):
        backfill(start=start, end=end, sandbox=True, sources=SOURCES)
    assert not (isolated_outputs / "warehouse" / "socialmart.duckdb").exists()


def test_check_passes_on_the_published_warehouse_without_changing_it(runs: Runs) -> None:
    before = hashlib.sha256(runs.warehouse.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["check", "--warehouse", str(runs.warehouse)])
    assert result.exit_code == 0, result.output
    assert f"as of {RUN_DATE}" in result.output and "Data-quality gate PASSED" in result.output
    assert hashlib.sha256(runs.warehouse.read_bytes()).hexdigest() == before


def test_check_fails_with_exit_1_when_the_marts_no_longer_reconcile(runs: Runs, tmp_path: Path) -> None:
    damaged = tmp_path / runs.warehouse.name
    shutil.copyfile(runs.warehouse, damaged)
    _damage(damaged)  # raw spend no longer equals the marts' spend
    result = CliRunner().invoke(main, ["check", "--warehouse", str(damaged)])
    assert result.exit_code == 1, result.output
    assert "Data-quality gate FAILED" in result.output


def test_a_run_whose_reports_fail_is_published_and_recorded_failed_at_the_report_step(runs: Runs) -> None:
    assert runs.report_failure.startswith("Published, but these reports could not be built:")
    with duckdb.connect(str(runs.warehouse), read_only=True) as con:
        statuses = con.execute(
            "select status, failed_step, is_published, error_message from ops.pipeline_runs order by started_at"
        ).fetchall()
    assert [row[:3] for row in statuses] == [("success", None, True)] * 3 + [("failed", "report", True)]
    assert statuses[-1][3] == runs.report_failure
