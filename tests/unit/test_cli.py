"""The `socialmart` command line: every command has --help, usage errors exit 2, failed runs exit 1 with a message
and no traceback. The runs themselves are tested in tests/integration/test_backfill.py and tests/e2e."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

import flows.backfill
import flows.nightly
from flows.nightly import PipelineError
from socialmart.cli import main

COMMANDS = [
    [],
    ["run"],
    ["backfill"],
    ["check"],
    ["publish"],
    ["sources"],
    ["report"],
    ["report", "monthly"],
    ["report", "pacing"],
    ["report", "weekly"],
    ["sandbox"],
    ["sandbox", "serve"],
]


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "socialmart")
def test_every_command_has_help(command: list[str]) -> None:
    result = _invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and "--help" in result.output


def test_the_group_lists_every_command() -> None:
    listed = _invoke("--help").output
    for name in ("run", "backfill", "report", "check", "sources", "sandbox", "publish"):
        assert f"  {name} " in listed, name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["backfill", "--end", "2025-02-01"], "Missing option '--start'"),
        (["backfill", "--start", "2025-02-30", "--end", "2025-03-01"], "is not a date"),
        (["backfill", "--start", "2025-02-02", "--end", "2025-02-01"], "is after end"),
        (["backfill", "--start", "2024-06-01", "--end", "2025-02-01"], "before [socialmart] start_date"),
        (["backfill", "--start", "2025-02-01", "--end", str(date.today() + timedelta(days=3))], "not a complete day"),
        (["backfill", "--start", "2025-02-01", "--end", "2025-02-03", "--sources", "myspace"], "unknown source"),
        (["backfill", "--start", "2025-02-01", "--end", "2025-02-03", "--sources", "exports"], "re-reads the APIs"),
        (["run", "--date", "yesterday"], "is not a date"),
        (["run", "--sources", "exports"], "needs --exports-dir"),
        (["check", "--warehouse", "/nonexistent/socialmart.duckdb"], "no such file"),
        (["publish", "--warehouse", "/nonexistent/socialmart.duckdb"], "no such file"),
        (["publish", "--inputs-dir", "/nonexistent/inputs"], "no such folder"),
        (["report", "monthly", "--month", "2025-13"], "Invalid value"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(args: list[str], message: str) -> None:
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_failed_backfill_exits_1_with_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_backfill(**params: object) -> None:
        assert params["start"] == date(2025, 2, 1) and params["end"] == date(2025, 2, 3)
        raise PipelineError("The quality gate failed, so nothing was published")

    monkeypatch.setattr(flows.backfill, "backfill", failing_backfill)
    result = _invoke("backfill", "--start", "2025-02-01", "--end", "2025-02-03", "--sandbox")
    assert result.exit_code == 1
    assert "socialmart backfill failed:\nThe quality gate failed" in result.output


def test_a_failed_publish_exits_1_with_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_nightly(**params: object) -> None:
        assert params["sources"] == ()  # publish extracts nothing
        raise RuntimeError("dbt model fct_posts failed")

    monkeypatch.setattr(flows.nightly, "nightly", failing_nightly)
    result = _invoke("publish", "--date", "2025-02-01")
    assert result.exit_code == 1
    assert "socialmart publish failed: RuntimeError: dbt model fct_posts failed" in result.output


def test_check_of_a_file_that_is_not_a_warehouse_exits_1(tmp_path: Path) -> None:
    bogus = tmp_path / "socialmart.duckdb"
    bogus.write_text("not a database")
    result = _invoke("check", "--warehouse", str(bogus))
    assert result.exit_code == 1
    assert result.output.startswith("socialmart check failed: ") and "Traceback" not in result.output
    assert bogus.read_text() == "not a database"


def test_check_of_a_warehouse_without_published_runs_needs_a_date(tmp_path: Path) -> None:
    empty = tmp_path / "socialmart.duckdb"
    duckdb.connect(str(empty)).close()
    result = _invoke("check", "--warehouse", str(empty))
    assert result.exit_code == 2
    assert "records no published run: pass --date" in result.output
