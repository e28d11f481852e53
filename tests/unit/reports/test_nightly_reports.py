"""The nightly flow's report step: a period with nothing to show yet is a warning, any other failure an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from flows.nightly import RunSummary, build_reports
from socialmart.config import load_settings

RUN_DATE = date(2026, 2, 11)  # pacing of February, and January's and ISO week 2026-W06's reports are due


def _run(warehouse: Path, tmp_path: Path) -> tuple[list[Path], list[str], list[str]]:
    settings = replace(load_settings(), reports_dir=tmp_path / "reports")
    return build_reports.fn(settings, RUN_DATE, [], warehouse)


def test_a_month_without_targets_is_noted_and_the_other_reports_are_built(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.rpt_monthly_targets where month = date '2026-02-01'")

    built, errors, notes = _run(warehouse, tmp_path)

    assert [path.stem for path in built] == ["monthly-targets-2026-01", "weekly-campaign-revenue-2026-W06"]
    assert errors == []
    [note] = notes
    assert note.startswith("pacing report 2026-02: No targets for 2026-02 in marts.rpt_monthly_targets")
    assert "inputs/targets.csv" in note and "Months with targets: 2026-01." in note
    summary = RunSummary("run-1", RUN_DATE, sandbox=True, reports=built, report_notes=notes)
    assert f"Report skipped: {note}" in summary.markdown()


def test_a_report_that_cannot_be_built_is_an_error(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table marts.rpt_weekly_campaign_revenue")

    built, errors, notes = _run(warehouse, tmp_path)

    assert [path.stem for path in built] == ["pacing-2026-02-10", "monthly-targets-2026-01"]
    assert notes == []
    [error] = errors
    assert error.startswith("weekly campaign revenue report 2026-W06: ") and "rpt_weekly_campaign_revenue" in error
