"""Each run's gate output in a folder of its own, a `latest` pointer, and only the newest N runs kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from socialmart import validation_runs
from socialmart.config import ConfigError, load_settings


def _run(validation_dir: Path, run_id: str, mtime: int) -> Path:
    folder = validation_runs.run_folder(validation_dir, run_id)
    (folder / "gate.json").write_text(f'["{run_id}"]')
    os.utime(folder, ns=(mtime, mtime))
    return folder


def test_latest_points_at_the_newest_run(tmp_path: Path) -> None:
    _run(tmp_path, "r1", 1)
    link = validation_runs.point_latest(tmp_path, "r1")
    _run(tmp_path, "r2", 2)
    assert validation_runs.point_latest(tmp_path, "r2") == link
    assert os.readlink(link) == "runs/r2"
    assert (link / "gate.json").read_text() == '["r2"]'


def test_only_the_newest_runs_are_kept_by_when_they_ran(tmp_path: Path) -> None:
    # A backfill's run id sorts before today's, but it ran last: age is when a run wrote, not its name.
    for run_id, mtime in (("20261101-a", 1_000), ("20261102-b", 2_000), ("20261103-c", 3_000), ("20251001-d", 4_000)):
        _run(tmp_path, run_id, mtime)
    validation_runs.point_latest(tmp_path, "20251001-d")
    removed = validation_runs.prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ["20261101-a", "20261102-b"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["20251001-d", "20261103-c"]


def test_the_run_latest_points_at_is_never_removed(tmp_path: Path) -> None:
    _run(tmp_path, "old", 1_000)
    _run(tmp_path, "new", 2_000)
    validation_runs.point_latest(tmp_path, "old")
    assert validation_runs.prune(tmp_path, keep=1) == []
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["new", "old"]


def _project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / ".dlt").mkdir(parents=True)
    (tmp_path / ".dlt" / "config.toml").write_text(
        "[socialmart]\nreporting_currency = 'USD'\nreporting_timezone = 'UTC'\nstart_date = '2025-01-01'\n"
        f"lookback_days = 28\nwarehouse_dir = 'wh'\ninputs_dir = 'inputs'\n{extra}"
    )
    return tmp_path


def test_runs_kept_defaults_to_30_and_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().validation_runs_kept == 30
    assert load_settings(_project(tmp_path / "a")).validation_runs_kept == 30
    assert load_settings(_project(tmp_path / "b", "validation_runs_kept = 5")).validation_runs_kept == 5
    monkeypatch.setenv("SOCIALMART__VALIDATION_RUNS_KEPT", "7")
    assert load_settings(_project(tmp_path / "c")).validation_runs_kept == 7


@pytest.mark.parametrize("value", ["0", "-3", "'many'", "2.5", "true"])
def test_runs_kept_must_be_a_whole_number_of_runs(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"\[socialmart\] validation_runs_kept = .*: use a whole number of runs >= 1"):
        load_settings(_project(tmp_path, f"validation_runs_kept = {value}"))
