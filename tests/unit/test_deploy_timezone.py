"""`python -m socialmart.deploy_timezone`, which `make deploy` reads the schedules' timezone from."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_project import minimal_project

import socialmart.config
from socialmart import deploy_timezone


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project folder load_settings() reads by default, with no environment override of the timezone."""
    monkeypatch.delenv("SOCIALMART__REPORTING_TIMEZONE", raising=False)
    monkeypatch.setattr(socialmart.config, "PROJECT_DIR", tmp_path / "project")
    (tmp_path / "project").mkdir()
    return tmp_path / "project"


def _set_timezone(project: Path, timezone: str) -> None:
    minimal_project(project)
    config = project / ".dlt" / "config.toml"
    config.write_text(config.read_text().replace('"America/New_York"', f'"{timezone}"'))


def test_prints_the_timezone_of_the_config_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set_timezone(project, "Asia/Tokyo")
    assert deploy_timezone.main() == 0
    assert capsys.readouterr().out == "Asia/Tokyo\n"


def test_the_environment_override_wins(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_timezone(project, "Asia/Tokyo")
    monkeypatch.setenv("SOCIALMART__REPORTING_TIMEZONE", "Europe/Paris")
    assert deploy_timezone.main() == 0
    assert capsys.readouterr().out == "Europe/Paris\n"


def test_a_bad_timezone_exits_1_with_the_reason(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set_timezone(project, "Mars/Olympus")
    assert deploy_timezone.main() == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "make deploy: the schedules' timezone cannot be read from the config: [socialmart] reporting_timezone = "
        "'Mars/Olympus' is not an IANA timezone like America/New_York.\n"
    )
