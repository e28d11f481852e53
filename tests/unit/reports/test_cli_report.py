"""`socialmart report monthly|pacing|weekly`: help, the files written, and exit codes with readable messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from socialmart.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["report", *args])


def test_help_lists_the_reports_and_their_options() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("monthly", "pacing", "weekly"):
        assert command in result.output
    for command, period in (("monthly", "--month"), ("pacing", "--month"), ("weekly", "--week")):
        help_text = run(command, "--help").output
        for option in (period, "--warehouse", "--out", "--pdf / --no-pdf"):
            assert option in help_text, (command, option)


@pytest.mark.parametrize(
    ("args", "stem"),
    [
        (("monthly", "--month", "2026-01"), "monthly-targets-2026-01"),
        (("monthly",), "monthly-targets-2026-01"),  # the last closed month
        (("pacing",), "pacing-2026-02-10"),  # the latest month with data
        (("weekly", "--week", "2026-W05"), "weekly-campaign-revenue-2026-W05"),
        (("weekly",), "weekly-campaign-revenue-2026-W06"),  # the last complete week
    ],
)
def test_writes_the_report(warehouse: Path, tmp_path: Path, args: tuple[str, ...], stem: str) -> None:
    out = tmp_path / "out"
    result = run(*args, "--warehouse", str(warehouse), "--out", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    html = out / stem / f"{stem}.html"
    assert f"Report:   {html}" in result.output
    assert html.is_file() and (out / stem / f"{stem}.xlsx").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("monthly", "--month", "2025-12"), "No targets for 2025-12 in marts.rpt_monthly_targets"),
        (("monthly", "--month", "2026-02"), "2026-02 is not a closed month"),
        (("pacing", "--month", "2026-03"), "No targets for 2026-03"),
        (("weekly", "--week", "2026-W07"), "ISO week 2026-W07 (2026-02-09 to 2026-02-15) is not complete"),
    ],
)
def test_a_report_that_cannot_be_built_exits_1(
    warehouse: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, "--warehouse", str(warehouse), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("monthly", "--month", "2026-13"), "'2026-13' is not a month: use YYYY-MM"),
        (("weekly", "--week", "44"), "'44' is not an ISO week: use YYYY-Www"),
        (("monthly", "--warehouse", "/nonexistent/socialmart.duckdb"), "no such file"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
