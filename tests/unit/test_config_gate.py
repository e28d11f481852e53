"""Config of the quality gate ([socialmart.gate]): defaults, values from the file, and errors that name the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from config_project import minimal_project

from socialmart.config import ConfigError, GateSettings, load_settings


def test_defaults_and_the_committed_config(tmp_path: Path) -> None:
    assert load_settings(minimal_project(tmp_path)).gate == GateSettings(0.5, 2.0, 28, 7)
    assert load_settings().gate == GateSettings(0.5, 2.0, 28, 7)


def test_values_from_the_file(tmp_path: Path) -> None:
    extra = "[socialmart.gate]\nvolume_min_ratio = 0.25\nvolume_max_ratio = 4\nvolume_window_days = 14\n"
    settings = load_settings(minimal_project(tmp_path, extra + "volume_min_history_days = 14\n"))
    assert settings.gate == GateSettings(0.25, 4.0, 14, 14)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("volume_min_ratio = 2.5\n", r"\[socialmart.gate\] volume_min_ratio = 2.5 and volume_max_ratio = 2.0: use"),
        ('volume_max_ratio = "x"\n', r"\[socialmart.gate\] volume_max_ratio = 'x' is not a number"),
        ("volume_window_days = 5\n", r"volume_window_days = 5 and volume_min_history_days = 7: use whole days"),
        ("volume_min_history_days = 1.5\n", r"volume_min_history_days = 1.5: use whole days"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(minimal_project(tmp_path, "[socialmart.gate]\n" + extra))


def test_the_nightly_gate_runs_with_these_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import expectations.gate
    from flows.nightly import validate

    seen = []

    def fake_run_gate(build: Path, params, docs_dir: Path):
        seen.append(params)
        return expectations.gate.GateResult.from_checks([], params.run_date)

    monkeypatch.setattr(expectations.gate, "run_gate", fake_run_gate)
    extra = "[socialmart.gate]\nvolume_min_ratio = 0.3\nvolume_max_ratio = 3\nvolume_window_days = 21\n"
    settings = load_settings(minimal_project(tmp_path, extra + "volume_min_history_days = 10\n"))
    validate.fn(settings, tmp_path / "build.duckdb", date(2026, 11, 10), "run-1", ("shopify",))

    [params] = seen
    assert (params.volume_min_ratio, params.volume_max_ratio) == (0.3, 3.0)
    assert (params.volume_window_days, params.volume_min_history_days) == (21, 10)
    assert params.sources == ("shopify",)
