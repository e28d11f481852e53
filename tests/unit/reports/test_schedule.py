"""When the nightly run builds which report, and how months and ISO weeks are read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reports.periods import IsoWeek, parse_iso_week, parse_month
from reports.schedule import ReportRequest, due_reports


def _built(reports_dir: Path, stem: str) -> None:
    (reports_dir / stem).mkdir(parents=True)
    (reports_dir / stem / f"{stem}.html").write_text("<html></html>")


def test_every_night_pacing_and_missing_reports_caught_up(tmp_path: Path) -> None:
    # Tuesday 2026-11-10, nothing built yet: the pacing report, and October's and week 45's, which are missing.
    assert due_reports(date(2026, 11, 10), tmp_path) == [
        ReportRequest("pacing", date(2026, 11, 1)),
        ReportRequest("monthly", date(2026, 10, 1)),
        ReportRequest("weekly", IsoWeek(2026, 45)),
    ]
    _built(tmp_path, "monthly-targets-2026-10")
    _built(tmp_path, "weekly-campaign-revenue-2026-W45")
    assert due_reports(date(2026, 11, 11), tmp_path) == [ReportRequest("pacing", date(2026, 11, 1))]


def test_first_of_the_month_and_mondays_rebuild(tmp_path: Path) -> None:
    _built(tmp_path, "monthly-targets-2026-10")
    _built(tmp_path, "weekly-campaign-revenue-2026-W43")
    _built(tmp_path, "weekly-campaign-revenue-2026-W45")
    # Sunday 2026-11-01: the closed month is built again, pacing covers October (the data ends on the 31st), and
    # the last complete week is W43 (W44 ends today), already built.
    assert due_reports(date(2026, 11, 1), tmp_path) == [
        ReportRequest("pacing", date(2026, 10, 1)),
        ReportRequest("monthly", date(2026, 10, 1)),
    ]
    # Monday 2026-11-09: the week just ended (W45), even though it was built before.
    assert due_reports(date(2026, 11, 9), tmp_path) == [
        ReportRequest("pacing", date(2026, 11, 1)),
        ReportRequest("weekly", IsoWeek(2026, 45)),
    ]


def test_year_boundaries() -> None:
    assert due_reports(date(2027, 1, 1), Path("/nonexistent"))[1] == ReportRequest("monthly", date(2026, 12, 1))
    assert IsoWeek.of(date(2027, 1, 3)) == IsoWeek(2026, 53)  # 2026 has 53 ISO weeks
    assert IsoWeek(2027, 1).previous() == IsoWeek(2026, 53)
    assert (IsoWeek(2026, 44).start, IsoWeek(2026, 44).end) == (date(2026, 10, 26), date(2026, 11, 1))


def test_parse_periods() -> None:
    assert parse_month("2026-10") == date(2026, 10, 1)
    assert parse_iso_week("2026-W44") == IsoWeek(2026, 44)
    assert parse_iso_week("2026-w05").label == "2026-W05"
    for text in ("2026-13", "2026/10", "Oct 2026"):
        with pytest.raises(ValueError, match="is not a month: use YYYY-MM"):
            parse_month(text)
    with pytest.raises(ValueError, match="use YYYY-Www"):
        parse_iso_week("2026-44")
    with pytest.raises(ValueError, match="2025 has no week 53"):
        parse_iso_week("2025-W53")
