"""Config of budget pacing and FX carry-forward: defaults, dbt vars, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_project import minimal_project

from socialmart.config import ConfigError, load_settings


def test_defaults_and_dbt_vars(tmp_path: Path) -> None:
    settings = load_settings(minimal_project(tmp_path))
    assert (settings.pacing_under_below, settings.pacing_over_above, settings.fx_max_carry_forward_days) == (
        0.9,
        1.1,
        0,
    )
    dbt_vars = settings.dbt_vars()
    assert (dbt_vars["budget_under_pacing_below"], dbt_vars["budget_over_pacing_above"]) == (0.9, 1.1)


def test_values_from_the_file(tmp_path: Path) -> None:
    extra = "[socialmart.budgets]\nunder_pacing_below = 0.8\nover_pacing_above = 1.25\n[socialmart.fx]\n"
    settings = load_settings(minimal_project(tmp_path, extra + "max_carry_forward_days = 4\n"))
    assert (settings.pacing_under_below, settings.pacing_over_above, settings.fx_max_carry_forward_days) == (
        0.8,
        1.25,
        4,
    )
    assert load_settings().fx_max_carry_forward_days == 0  # the committed config


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[socialmart.budgets]\nunder_pacing_below = 1.2\n", r"\[socialmart.budgets\] under_pacing_below = 1.2 and"),
        ('[socialmart.budgets]\nover_pacing_above = "lots"\n', r"\[socialmart.budgets\] over_pacing_above = 'lots'"),
        ("[socialmart.fx]\nmax_carry_forward_days = -1\n", r"\[socialmart.fx\] max_carry_forward_days = -1: use a"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(minimal_project(tmp_path, extra))
